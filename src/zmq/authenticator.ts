// The ZAP handler (RFC 27) applications bind at inproc://zeromq.zap.01 to
// decide who may connect to their NULL (with a zapDomain), PLAIN and CURVE
// servers, with the policies pyzmq's zmq.auth offers: addresses allowed or
// denied, PLAIN passwords and CURVE client keys per domain (a set, a keys
// directory in czmq's certificate format, any key, or a callback), and an
// application hook for anything else (300, metadata).
//
// It is a layer over the public API: a ROUTER bound at the ZAP endpoint.
// The core asks through its courier (zap-courier.ts), a DEALER, so every
// request arrives as [courier id, "", "1.0", request id, domain, address,
// identity, mechanism, credentials...] and every reply goes back as
// [courier id, "", "1.0", request id, status code, status text, user id,
// metadata]: the 7 frames after the routing id that libzmq (and the core)
// require. Requests are answered concurrently; a slow callback holds up
// only its own handshake.
import { Socket } from "./socket.js";
import { ZmqType } from "../../bindings/shared.js";
import { ZAP_ENDPOINT } from "./zap-courier.js";
import { z85Encode } from "./z85.js";
import { keyBytes } from "./keys.js";
import { optionError } from "../options.js";
import { platform } from "../platform.js";

/** A ZAP request, as the handler sees it (RFC 27). */
export interface ZapRequest {
  /** The request id the reply must carry. */
  readonly requestId: string;
  /** The server socket's zapDomain ("" when it has none). */
  readonly domain: string;
  /** The peer's IP address over tcp:// and ws(s):// ("" over ipc:// and inproc://). */
  readonly address: string;
  /** The server socket's routing id (RFC 27 "identity"). */
  readonly identity: Uint8Array;
  /** "NULL", "PLAIN" or "CURVE". */
  readonly mechanism: string;
  /** PLAIN: the user name the client sent (UTF-8). */
  readonly username?: string;
  /** PLAIN: the password the client sent (UTF-8). */
  readonly password?: string;
  /** CURVE: the client's long-term public key, Z85. */
  readonly publicKey?: string;
  /** The credential frames as they came (PLAIN: user, password; CURVE: the 32-byte key). */
  readonly credentials: readonly Uint8Array[];
}

/** A ZAP answer: 200 lets the peer in, 300 (temporary) and 400 refuse it, 500 is a failure of the handler. */
export interface ZapReply {
  status: 200 | 300 | 400 | 500;
  /** For the log only: the client is told the status code, never the text. */
  text?: string;
  /** The user id the connection gets (200 only). */
  userId?: string | Uint8Array;
  /** ZMTP properties for the connection (RFC 23 layout: names of 1 to 255 characters). */
  metadata?: Record<string, string | Uint8Array>;
}

/** What the authenticator decided about one request (no password in it). */
export interface ZapDecision {
  domain: string;
  address: string;
  mechanism: string;
  username?: string;
  publicKey?: string;
  status: 200 | 300 | 400 | 500;
  text: string;
  userId: string;
}

/** PLAIN passwords: user name → password (read at each request, so later changes count), or a check. */
export type PlainPasswords =
  | Record<string, string>
  | Map<string, string>
  | ((username: string, password: string, request: ZapRequest) => boolean | Promise<boolean>);

/**
 * CURVE client keys: "*" (any key), the keys (Z85 or 32 bytes), a directory
 * of public certificates (`*.key` files with `public-key = "..."`, Node
 * only), or a check of the key (Z85).
 */
export type CurveKeys =
  | "*"
  | string
  | Iterable<string | Uint8Array>
  | ((publicKey: string, request: ZapRequest) => boolean | Promise<boolean>);

/** The authenticator's settings. */
export interface AuthenticatorOptions {
  /**
   * Asked first for every request whose address passes allow()/deny():
   * return a reply to decide, or undefined to let the configured policy decide.
   */
  handler?: ((request: ZapRequest) => ZapReply | undefined | null | Promise<ZapReply | undefined | null>) | null;
  /** Told every decision, after its reply has been sent. */
  onDecision?: ((decision: ZapDecision) => void) | null;
}

type Verdict = { status: 200 | 300 | 400 | 500; text: string; userId: string | Uint8Array; metadata?: Record<string, string | Uint8Array> };
type CurvePolicy =
  | { kind: "any" }
  | { kind: "keys"; keys: Promise<Set<string>> }
  | { kind: "check"; check: (publicKey: string, request: ZapRequest) => boolean | Promise<boolean> };

const ANY_DOMAIN = "*";
const VERSION = "1.0";
// pyzmq's user id for a NULL peer.
const ANONYMOUS = "anonymous";
const STATUS = new Set([200, 300, 400, 500]);

const utf8 = new TextDecoder();
const toUtf8 = new TextEncoder();
const text = (b: Uint8Array): string => utf8.decode(b);

const refuse = (why: string): Verdict => ({ status: 400, text: why, userId: "" });
const accept = (userId: string): Verdict => ({ status: 200, text: "OK", userId });

// An address as the core reports peers: no brackets, no IPv4-mapped prefix.
const normalAddress = (a: string): string => String(a).replace(/^\[|\]$/g, "").replace(/^::ffff:/i, "");

// Whether two secrets are equal, in a time that depends on the longer
// one's length only: both are padded to it and compared whole (node:crypto's
// timingSafeEqual, or an accumulating loop with no early exit).
function sameSecret(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.max(a.length, b.length, 1);
  const x = new Uint8Array(n);
  const y = new Uint8Array(n);
  x.set(a);
  y.set(b);
  let same: number;
  const timingSafeEqual = platform.timingSafeEqual;
  if (timingSafeEqual) same = timingSafeEqual(x, y) ? 1 : 0;
  else {
    let d = 0;
    for (let i = 0; i < n; i++) d |= x[i] ^ y[i];
    same = d === 0 ? 1 : 0;
  }
  x.fill(0);
  y.fill(0);
  return (same & (a.length === b.length ? 1 : 0)) === 1;
}

// A CURVE public key given as 40 Z85 characters or 32 bytes, as Z85; a TypeError (EINVAL) otherwise.
const z85Key = (k: unknown, where: string): string => z85Encode(keyBytes(`${where}: a CURVE public key`, k));

// czmq's certificate format (pyzmq's too): lines "public-key = "<Z85>"",
// "#" comments, the rest ignored. Only the public key matters here.
function publicKeyOf(certificate: string, file: string): string {
  for (const raw of certificate.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("#") || !line.startsWith("public-key")) continue;
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const value = line.slice(eq + 1).trim().replace(/^["']|["']$/g, "");
    return z85Key(value, `CURVE certificate ${file}`);
  }
  throw optionError(`CURVE certificate ${file} has no public-key line`);
}

// The public keys of the certificates in a directory: every `*.key` file
// (czmq keeps secret keys in `*.key_secret`, which are not read).
async function keysInDirectory(dir: string): Promise<Set<string>> {
  const { readdir, readTextFile } = platform;
  if (!readdir || !readTextFile) throw Object.assign(new Error(`A CURVE keys directory (${dir}) can be read in Node only; pass the keys themselves here`), { code: "EPROTONOSUPPORT" });
  const keys = new Set<string>();
  const sep = dir.endsWith("/") || dir.endsWith("\\") ? "" : "/";
  for (const name of (await readdir(dir)).sort()) {
    if (!name.endsWith(".key")) continue;
    const file = dir + sep + name;
    keys.add(publicKeyOf(await readTextFile(file), file));
  }
  return keys;
}

// RFC 23 metadata: [name length u8][name][value length u32 BE][value]...
function encodeMetadata(md: Record<string, string | Uint8Array> | undefined): Uint8Array {
  if (!md) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const [name, v] of Object.entries(md)) {
    if (!/^[A-Za-z0-9.\-_+]{1,255}$/.test(name)) throw new TypeError(`ZAP metadata name ${JSON.stringify(name)} must be 1 to 255 of A-Z a-z 0-9 . - _ +`);
    const value = typeof v === "string" ? toUtf8.encode(v) : v;
    if (!(value instanceof Uint8Array)) throw new TypeError(`ZAP metadata ${name} must be a string or bytes`);
    const head = new Uint8Array(1 + name.length + 4);
    head[0] = name.length;
    for (let i = 0; i < name.length; i++) head[1 + i] = name.charCodeAt(i);
    new DataView(head.buffer).setUint32(1 + name.length, value.length);
    parts.push(head, value);
    size += head.length + value.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

// A hook's reply, checked and completed.
function verdictOf(r: ZapReply): Verdict {
  const status = Number(r.status) as Verdict["status"];
  if (!STATUS.has(status)) throw new TypeError(`The ZAP handler answered status ${String(r.status)}; it must be 200, 300, 400 or 500`);
  const fallback = status === 200 ? "OK" : status === 300 ? "Temporary error" : status === 400 ? "Authentication failure" : "Internal error";
  return { status, text: r.text ?? fallback, userId: status === 200 ? (r.userId ?? "") : "", metadata: r.metadata };
}

/**
 * A ZAP handler (RFC 27) for this process's NULL (with a zapDomain), PLAIN
 * and CURVE servers, with pyzmq's `zmq.auth` policies.
 *
 * Until configured it lets NULL peers in and refuses every PLAIN and CURVE
 * peer. `"*"` as a domain covers every domain without its own settings.
 */
export class Authenticator {
  /** Asked first about each request that passes allow()/deny() (see AuthenticatorOptions). */
  handler: AuthenticatorOptions["handler"];
  /** Told every decision, after its reply has been sent. */
  onDecision: AuthenticatorOptions["onDecision"];

  private router: Socket | null = null;
  private starting: Promise<void> | null = null;
  private readonly allowed = new Set<string>();
  private readonly denied = new Set<string>();
  private readonly passwords = new Map<string, PlainPasswords>();
  private readonly curve = new Map<string, CurvePolicy>();
  private readonly nullPolicy = new Map<string, boolean>();

  constructor(options: AuthenticatorOptions = {}) {
    this.handler = options.handler ?? null;
    this.onDecision = options.onDecision ?? null;
  }

  /** Whether this authenticator is bound at inproc://zeromq.zap.01. */
  get running(): boolean { return this.router !== null; }

  /**
   * Binds at inproc://zeromq.zap.01 and answers from then on. Rejects with
   * EADDRINUSE if another handler is bound there.
   */
  start(): Promise<void> {
    if (this.router) return Promise.resolve();
    this.starting ??= this.bind().finally(() => { this.starting = null; });
    return this.starting;
  }

  private async bind(): Promise<void> {
    const router = new Socket(ZmqType.ROUTER);
    router.linger = 0;
    try {
      await router.bind(ZAP_ENDPOINT);
    } catch (err) {
      router.close();
      const e = err as Error & { code?: string };
      if (e.code === "EADDRINUSE") {
        throw Object.assign(new Error(`A ZAP handler is already bound at ${ZAP_ENDPOINT} (another Authenticator, or a socket of this process); stop it first`), { code: "EADDRINUSE", address: ZAP_ENDPOINT });
      }
      throw err;
    }
    this.router = router;
    void this.serve(router);
  }

  /**
   * Unbinds: from then on PLAIN handshakes fail (EFAULT, no handler), as do
   * NULL and CURVE ones whose socket sets zapEnforceDomain; the others go
   * on unauthenticated, as in libzmq. Requests still being decided get no
   * answer. start() binds again.
   */
  async stop(): Promise<void> {
    if (this.starting) await this.starting.catch(() => {});
    const router = this.router;
    if (!router) return;
    this.router = null;
    try { await router.unbind(ZAP_ENDPOINT); } catch { /* closing anyway */ }
    router.close();
  }

  /** The same as stop(). */
  close(): Promise<void> { return this.stop(); }

  /**
   * Lets only these IP addresses in (over ipc:// and inproc:// the address
   * is ""). PLAIN and CURVE peers must still authenticate. deny() wins.
   */
  allow(...addresses: string[]): void {
    for (const a of addresses) this.allowed.add(normalAddress(a));
  }

  /** Refuses these IP addresses, whatever their credentials. */
  deny(...addresses: string[]): void {
    for (const a of addresses) this.denied.add(normalAddress(a));
  }

  /** PLAIN for every domain ("*"): see configurePlain(domain, passwords). */
  configurePlain(passwords: PlainPasswords): void;
  /**
   * PLAIN for a domain: a user name → password record or Map (compared in
   * constant time; read at each request), or a check that returns true to
   * let the user in.
   */
  configurePlain(domain: string, passwords: PlainPasswords): void;
  configurePlain(a: string | PlainPasswords, b?: PlainPasswords): void {
    const [domain, passwords] = b === undefined ? [ANY_DOMAIN, a as PlainPasswords] : [String(a), b];
    if (typeof passwords !== "function" && !(passwords instanceof Map) && (typeof passwords !== "object" || passwords === null)) {
      throw optionError("configurePlain: passwords are a record or Map of user name → password, or a function (username, password, request) => boolean");
    }
    this.passwords.set(domain, passwords);
  }

  /** CURVE for every domain ("*"): see configureCurve(domain, keys). */
  configureCurve(keys: CurveKeys): Promise<void>;
  /**
   * CURVE for a domain: "*" (any client key), the keys allowed (Z85 or 32
   * bytes), a directory of certificates (its `*.key` files, read now; call
   * again after changing it; Node only), or a check that returns true for a
   * key (Z85). Resolves when the keys are in place; rejects if the directory
   * cannot be read (requests for the domain then get 500). Requests that
   * arrive meanwhile wait for it.
   */
  configureCurve(domain: string, keys: CurveKeys): Promise<void>;
  configureCurve(a: string | CurveKeys, b?: CurveKeys): Promise<void> {
    const [domain, keys] = b === undefined ? [ANY_DOMAIN, a] : [String(a), b];
    let policy: CurvePolicy;
    if (keys === "*") policy = { kind: "any" };
    else if (typeof keys === "function") policy = { kind: "check", check: keys };
    else if (typeof keys === "string") policy = { kind: "keys", keys: keysInDirectory(keys) };
    else if (keys && typeof (keys as Iterable<unknown>)[Symbol.iterator] === "function" && !(keys instanceof Uint8Array)) {
      const set = new Set<string>();
      for (const k of keys as Iterable<unknown>) set.add(z85Key(k, "configureCurve"));
      policy = { kind: "keys", keys: Promise.resolve(set) };
    } else {
      throw optionError('configureCurve: keys are "*", keys (Z85 or 32 bytes), a directory, or a function (publicKey, request) => boolean');
    }
    this.curve.set(domain, policy);
    if (policy.kind !== "keys") return Promise.resolve();
    // Handled here, so a caller that does not await it is not an unhandled rejection.
    policy.keys.catch(() => {});
    return policy.keys.then(() => undefined);
  }

  /** NULL for every domain ("*"). */
  configureNull(allowed?: boolean): void;
  /** Whether NULL peers of sockets with this zapDomain get in (the default: they do). */
  configureNull(domain: string, allowed?: boolean): void;
  configureNull(a: string | boolean = ANY_DOMAIN, b = true): void {
    if (typeof a === "boolean") this.nullPolicy.set(ANY_DOMAIN, a);
    else this.nullPolicy.set(String(a), Boolean(b));
  }

  // A domain's settings, or those for every domain.
  private forDomain<T>(map: Map<string, T>, domain: string): T | undefined {
    return map.has(domain) ? map.get(domain) : map.get(ANY_DOMAIN);
  }

  private async serve(router: Socket): Promise<void> {
    for (;;) {
      let m: Buffer[];
      try { m = await router.receive(); } catch { return; }
      void this.answer(router, m);
    }
  }

  private async answer(router: Socket, m: Buffer[]): Promise<void> {
    // [peer, "", version, request id, domain, address, identity, mechanism, credentials...]
    if (m.length < 4 || m[1].length !== 0) return;
    const peer = m[0];
    const requestId = text(m[3]);
    let verdict: Verdict;
    let request: ZapRequest | null = null;
    if (text(m[2]) !== VERSION) verdict = refuse("Invalid version");
    else if (m.length < 8) verdict = refuse("Not enough frames");
    else {
      const mechanism = text(m[7]);
      const credentials = m.slice(8);
      const extra: { username?: string; password?: string; publicKey?: string } = {};
      if (mechanism === "PLAIN" && credentials.length === 2) { extra.username = text(credentials[0]); extra.password = text(credentials[1]); }
      if (mechanism === "CURVE" && credentials.length === 1 && credentials[0].length === 32) extra.publicKey = z85Encode(credentials[0]);
      request = { requestId, domain: text(m[4]), address: text(m[5]), identity: m[6], mechanism, ...extra, credentials };
      try {
        verdict = await this.decide(request);
      } catch (err) {
        verdict = { status: 500, text: err instanceof Error ? err.message : String(err), userId: "" };
      }
    }
    let metadata: Uint8Array;
    try {
      metadata = encodeMetadata(verdict.metadata);
    } catch (err) {
      verdict = { status: 500, text: (err as Error).message, userId: "" };
      metadata = new Uint8Array(0);
    }
    if (router.closed) return;
    router.send([peer, "", VERSION, requestId, String(verdict.status), verdict.text, verdict.userId, metadata]).catch(() => {});
    const log = this.onDecision;
    if (!log || !request) return;
    const userId = typeof verdict.userId === "string" ? verdict.userId : text(verdict.userId);
    const decision: ZapDecision = { domain: request.domain, address: request.address, mechanism: request.mechanism, status: verdict.status, text: verdict.text, userId };
    if (request.username !== undefined) decision.username = request.username;
    if (request.publicKey !== undefined) decision.publicKey = request.publicKey;
    // A throwing log hook is the application's bug: it surfaces as one, after the reply.
    try { log(decision); } catch (err) { queueMicrotask(() => { throw err; }); }
  }

  private async decide(req: ZapRequest): Promise<Verdict> {
    const address = req.address;
    if (this.denied.has(address)) return refuse("Address denied");
    if (this.allowed.size > 0 && !this.allowed.has(address)) return refuse("Address not allowed");
    if (this.handler) {
      const r = await this.handler(req);
      if (r) return verdictOf(r);
    }
    switch (req.mechanism) {
      case "NULL":
        return (this.forDomain(this.nullPolicy, req.domain) ?? true) ? accept(ANONYMOUS) : refuse("NULL not allowed in this domain");
      case "PLAIN":
        return this.plain(req);
      case "CURVE":
        return this.curveCheck(req);
      default:
        return refuse(`Unsupported mechanism ${req.mechanism}`);
    }
  }

  private async plain(req: ZapRequest): Promise<Verdict> {
    if (req.username === undefined || req.password === undefined) return refuse("Invalid credentials");
    const passwords = this.forDomain(this.passwords, req.domain);
    if (passwords === undefined) return refuse(this.passwords.size ? "Unknown domain" : "No passwords defined");
    if (typeof passwords === "function") {
      return (await passwords(req.username, req.password, req)) === true ? accept(req.username) : refuse("Invalid password");
    }
    const user = req.username;
    const known = passwords instanceof Map ? passwords.get(user) : Object.prototype.hasOwnProperty.call(passwords, user) ? passwords[user] : undefined;
    const given = req.credentials[1];
    if (typeof known !== "string") {
      // The same work as for a known user, so the time says nothing of which user names exist.
      sameSecret(given, given);
      return refuse("Invalid username");
    }
    return sameSecret(toUtf8.encode(known), given) ? accept(user) : refuse("Invalid password");
  }

  private async curveCheck(req: ZapRequest): Promise<Verdict> {
    const key = req.publicKey;
    if (key === undefined) return refuse("Invalid credentials");
    const policy = this.forDomain(this.curve, req.domain);
    if (!policy) return refuse("Unknown domain");
    if (policy.kind === "any") return accept(key);
    if (policy.kind === "check") return (await policy.check(key, req)) === true ? accept(key) : refuse("Unknown key");
    return (await policy.keys).has(key) ? accept(key) : refuse("Unknown key");
  }
}
