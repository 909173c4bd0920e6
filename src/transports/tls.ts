// tls+tcp://host:port: SP's TCP mapping (sp-tcp-mapping-01: the 8-byte
// header, then size-prefixed messages) inside a TLS session (RFC 5246 for
// TLS 1.2, RFC 8446 for 1.3), as nng's tls transport (nng_tls(7)) speaks it;
// on node:tls. SP sockets only: libzmq has no TLS transport, so a ZeroMQ
// socket that wants TLS uses wss://.
//
// Also the TLS half of wss:// (ws.ts): both transports turn an endpoint's
// TLS settings (the tls* socket options under the endpoint's own, see
// TlsSettings) into node:tls options here, and report handshake failures
// as HandshakeErrors here.
//
// Policy, after nng (nng_tls_config(3)): a dialer verifies the server's
// certificate and host name by default (NNG_TLS_AUTH_MODE_REQUIRED) against
// the given CAs, else Node's bundled roots; a listener must have a
// certificate and key, and asks for a client's only when its auth mode is
// optional or required. Files are read, and certificate and key checked
// against each other, when the endpoint is bound or connected: a
// misconfiguration fails bind()/connect() at once, never a later handshake
// and never by falling back to plaintext.
import * as tls from "node:tls";
import * as net from "node:net";
import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { StreamConn } from "./stream.js";
import { parseHostPort, invalid, formatHost, listenOn } from "./tcp.js";
import { zmqError, type ZmqError } from "../errors.js";
import type {
  Transport, Listener, Conn, Dialing, TransportOptions, TlsSettings, TlsConfig, TlsAuthMode, HandshakeError,
} from "./transport.js";

// How long a TLS handshake may take before the connection is dropped: nng
// bounds its TLS negotiation by the same 10 s as the SP header exchange.
// Node's own server default (120 s) would let idle clients hold descriptors.
export const TLS_HANDSHAKE_TIMEOUT = 10_000;

// ---- settings → node:tls options ----

function misconfigured(address: string, why: string, code = "EINVAL"): ZmqError {
  return zmqError(code, `TLS options for ${address}: ${why}`, { address });
}

// PEM blocks by label ("CERTIFICATE", "PRIVATE KEY", "EC PRIVATE KEY", ...).
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function pemBlocks(text: string): Array<{ label: string; pem: string }> {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1], pem: `${m[0]}\n` }));
}

function readText(option: string, path: string, address: string): string {
  try {
    return readFileSync(path, "latin1");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw misconfigured(address, `${option} ${JSON.stringify(path)} cannot be read (${e.message})`, e.code ?? "EINVAL");
  }
}

/**
 * The CA certificates in PEM texts (tlsCaFile's, or tlsConfig.ca), each
 * parsed: OpenSSL skips a CA it cannot read without a word, which would
 * leave a dialer trusting fewer CAs than it was given, or none.
 */
function caCerts(what: string, texts: string[], address: string): string[] {
  const certs = texts.flatMap((t) => pemBlocks(t).filter((b) => b.label === "CERTIFICATE").map((b) => b.pem));
  if (!certs.length) throw misconfigured(address, `${what} holds no PEM certificate`);
  for (const pem of certs) {
    try { new X509Certificate(pem); } catch (err) {
      throw misconfigured(address, `${what} holds a certificate that cannot be read (${(err as Error).message})`);
    }
  }
  return certs;
}

const texts = (p: NonNullable<TlsConfig["ca"]>): string[] =>
  (Array.isArray(p) ? p : [p]).map((x) => (typeof x === "string" ? x : Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString("latin1")));

/** tlsCertKeyFile: the certificate chain and its private key in one PEM file, as nng takes it. */
function readCertKeyFile(path: string, address: string): { cert: string; key: string } {
  const blocks = pemBlocks(readText("tlsCertKeyFile", path, address));
  const cert = blocks.filter((b) => b.label === "CERTIFICATE").map((b) => b.pem).join("");
  const keys = blocks.filter((b) => b.label.endsWith("PRIVATE KEY"));
  if (!cert) throw misconfigured(address, `tlsCertKeyFile ${JSON.stringify(path)} holds no PEM certificate`);
  if (keys.length !== 1) {
    throw misconfigured(address, `tlsCertKeyFile ${JSON.stringify(path)} must hold one PEM private key beside the certificate (found ${keys.length})`);
  }
  return { cert, key: keys[0].pem };
}

type Role = "dialer" | "listener";

interface Resolved {
  /** What tls.createSecureContext / tls.createServer take. */
  context: tls.SecureContextOptions;
  secureContext: tls.SecureContext;
  mode: TlsAuthMode;
  /** Dialers: the name to send as SNI and verify (null: the URL's host). */
  serverName: string | null;
  hasCert: boolean;
}

// One of two ways to say one thing may be given, never both: which one
// would win is not something to leave to a guess.
function one<T>(address: string, a: [string, T | null | undefined], b: [string, T | undefined]): T | undefined {
  const x = a[1] ?? undefined;
  const y = b[1];
  if (x !== undefined && y !== undefined) throw misconfigured(address, `give ${a[0]} or ${b[0]}, not both`);
  return x ?? y;
}

function authMode(s: TlsSettings, c: TlsConfig, role: Role, address: string): TlsAuthMode {
  const given = s.authMode ?? null;
  const nodeStyle = c.rejectUnauthorized !== undefined || (role === "listener" && c.requestCert !== undefined);
  if (given && nodeStyle) throw misconfigured(address, "give tlsAuthMode or tlsConfig.rejectUnauthorized/requestCert, not both");
  if (given) return given;
  if (role === "dialer") return c.rejectUnauthorized === false ? "none" : "required";
  if (!c.requestCert) return "none";
  return c.rejectUnauthorized === false ? "optional" : "required";
}

function resolve(s: TlsSettings, role: Role, address: string): Resolved {
  const c: TlsConfig = s.config ?? {};
  const files = s.certKeyFile ? readCertKeyFile(s.certKeyFile, address) : null;
  const cert = one(address, ["tlsCertKeyFile", files?.cert], ["tlsConfig.cert", c.cert]);
  const key = files ? files.key : c.key;
  const ca = one(
    address,
    ["tlsCaFile", s.caFile ? caCerts(`tlsCaFile ${JSON.stringify(s.caFile)}`, [readText("tlsCaFile", s.caFile, address)], address) : null],
    ["tlsConfig.ca", c.ca !== undefined ? caCerts("tlsConfig.ca", texts(c.ca), address) : undefined],
  );
  const serverName = one(address, ["tlsServerName", s.serverName], ["tlsConfig.servername", c.servername]) ?? null;
  const context: tls.SecureContextOptions = {
    ...(cert !== undefined ? { cert: cert as tls.SecureContextOptions["cert"], key: key as tls.SecureContextOptions["key"] } : {}),
    ...(ca !== undefined ? { ca: ca as tls.SecureContextOptions["ca"] } : {}),
    ...(c.passphrase !== undefined ? { passphrase: c.passphrase } : {}),
    ...(c.minVersion ? { minVersion: c.minVersion } : {}),
    ...(c.maxVersion ? { maxVersion: c.maxVersion } : {}),
    ...(c.ciphers ? { ciphers: c.ciphers } : {}),
  };
  let secureContext: tls.SecureContext;
  try {
    // Parses every PEM and checks the key against the certificate now.
    secureContext = tls.createSecureContext(context);
  } catch (err) {
    const e = err as Error & { reason?: string };
    throw misconfigured(address, `the certificate, key or CA is not usable (${e.reason ?? e.message})`);
  }
  return { context, secureContext, mode: authMode(s, c, role, address), serverName, hasCert: cert !== undefined };
}

// A connect() endpoint keeps its own TlsSettings object for its life
// (socket.ts), so it reads its files once, when connect() is called, not
// at every redial. A listener resolves once, at bind().
const dialers = new WeakMap<TlsSettings, Resolved>();

function resolved(s: TlsSettings | undefined, role: Role, address: string): Resolved {
  if (role === "listener" || !s) return resolve(s ?? {}, role, address);
  let r = dialers.get(s);
  if (!r) {
    r = resolve(s, role, address);
    dialers.set(s, r);
  }
  return r;
}

/** Listener-side node:tls options (tls.createServer, https.createServer) for an endpoint, and its auth mode. */
export function listenerTls(s: TlsSettings | undefined, address: string): { options: tls.TlsOptions; mode: TlsAuthMode } {
  const r = resolved(s, "listener", address);
  if (!r.hasCert) {
    throw misconfigured(address, "a TLS listener needs a certificate and its key (tlsCertKeyFile, or tlsConfig { cert, key })");
  }
  return {
    options: {
      ...r.context,
      // Node checks a client's certificate after the handshake and, when
      // it rejects one itself, drops the connection without saying why.
      // The check is done in refusal() instead, which can report it.
      requestCert: r.mode !== "none",
      rejectUnauthorized: false,
      handshakeTimeout: TLS_HANDSHAKE_TIMEOUT,
    },
    mode: r.mode,
  };
}

/** Dialer-side node:tls options (tls.connect; the ws package passes them on) for an endpoint dialing `host`. */
export function dialerTls(s: TlsSettings | undefined, address: string, host: string): tls.ConnectionOptions {
  const r = resolved(s, "dialer", address);
  // RFC 6066 forbids an IP address as SNI; node:tls then checks the
  // certificate's IP SANs against the host it dialed.
  const servername = r.serverName ?? (net.isIP(host) ? undefined : host);
  return {
    secureContext: r.secureContext,
    rejectUnauthorized: r.mode === "required",
    ...(servername !== undefined ? { servername } : {}),
  };
}

/**
 * A listener's verdict on a client after the handshake: null to accept it,
 * or why it is refused (required auth, and no certificate or one that does
 * not verify; optional auth accepts either, as mbedTLS's VERIFY_OPTIONAL).
 */
export function refusal(s: tls.TLSSocket, mode: TlsAuthMode, peer: string): HandshakeError | null {
  if (mode !== "required" || s.authorized) return null;
  const none = Object.keys(s.getPeerCertificate() ?? {}).length === 0;
  const code = none ? "ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE" : String(s.authorizationError ?? "CERT_REJECTED");
  return handshakeError({ code, reason: none ? "the client sent no certificate" : `the client's certificate does not verify (${code})` }, peer);
}

// ---- handshake failures ----

// OpenSSL's X509 verification results (X509_verify_cert_error_string,
// named as node:tls names them) and node's own host name check.
const VERIFY_CODES = new Set([
  "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_CRL", "UNABLE_TO_DECRYPT_CERT_SIGNATURE", "UNABLE_TO_DECRYPT_CRL_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY", "CERT_SIGNATURE_FAILURE", "CRL_SIGNATURE_FAILURE", "CERT_NOT_YET_VALID",
  "CERT_HAS_EXPIRED", "CRL_NOT_YET_VALID", "CRL_HAS_EXPIRED", "ERROR_IN_CERT_NOT_BEFORE_FIELD",
  "ERROR_IN_CERT_NOT_AFTER_FIELD", "ERROR_IN_CRL_LAST_UPDATE_FIELD", "ERROR_IN_CRL_NEXT_UPDATE_FIELD",
  "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "CERT_CHAIN_TOO_LONG", "CERT_REVOKED", "INVALID_CA", "PATH_LENGTH_EXCEEDED",
  "INVALID_PURPOSE", "CERT_UNTRUSTED", "CERT_REJECTED", "HOSTNAME_MISMATCH", "ERR_TLS_CERT_ALTNAME_INVALID",
]);
// The peer refused our certificate, or asked for one we did not send:
// TLS alerts (RFC 8446 section 6.2) as OpenSSL names them.
const AUTH_ALERT = /^ERR_SSL_(.*_ALERT_(BAD_CERTIFICATE|UNSUPPORTED_CERTIFICATE|CERTIFICATE_REVOKED|CERTIFICATE_EXPIRED|CERTIFICATE_UNKNOWN|UNKNOWN_CA|ACCESS_DENIED|CERTIFICATE_REQUIRED)|PEER_DID_NOT_RETURN_A_CERTIFICATE|CERTIFICATE_VERIFY_FAILED|NO_CERTIFICATES?_RETURNED)$/;
// The connection broke or stalled rather than the peer failing a check.
const TRANSPORT_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ERR_TLS_HANDSHAKE_TIMEOUT"]);

const isTlsCode = (code: string): boolean => VERIFY_CODES.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_");

/**
 * A TLS failure as the socket reports it: code is the TLS library's reason
 * (UNABLE_TO_VERIFY_LEAF_SIGNATURE, ERR_TLS_CERT_ALTNAME_INVALID,
 * ERR_SSL_WRONG_VERSION_NUMBER, ...), handshake the event it belongs to.
 */
export function handshakeError(err: { code?: string; reason?: string; message?: string }, peer: string): HandshakeError {
  const code = err.code ?? "ERR_TLS_HANDSHAKE";
  const handshake = VERIFY_CODES.has(code) || AUTH_ALERT.test(code) ? "auth" : TRANSPORT_CODES.has(code) || !isTlsCode(code) ? "other" : "protocol";
  // OpenSSL's own messages carry its file and line, and its reason says it
  // all; node:tls's (verification, host name) say more than their reason.
  const fromOpenSsl = !err.message || /routines:/.test(err.message);
  const reason = (fromOpenSsl ? err.reason ?? err.message : err.message) || code;
  const e = new Error(`TLS handshake with ${peer} failed: ${reason} (${code})`) as HandshakeError & { cause?: unknown };
  e.code = code;
  e.handshake = handshake;
  e.cause = err;
  return e;
}

/** A dialer's error as a HandshakeError when TLS produced it; null for a connection that was never made (ECONNREFUSED, ...). */
export function tlsFailure(err: Error & { code?: string }, peer: string): HandshakeError | null {
  return err.code && isTlsCode(err.code) ? handshakeError(err, peer) : null;
}

// ---- the transport ----

function spOnly(address: string, options: TransportOptions): void {
  if (options.family === "sp") return;
  throw Object.assign(
    new Error(`Protocol not supported: ${address} (tls+tcp:// is nng's; ZeroMQ has no TLS transport: use wss:// or CURVE)`),
    { code: "EPROTONOSUPPORT", address },
  );
}

const peerOf = (s: net.Socket): string => `${formatHost(s.remoteAddress ?? "")}:${s.remotePort}`;
// The TCP socket under a server-side TLS socket.
const rawOf = (s: tls.TLSSocket): net.Socket => (s as unknown as { _parent?: net.Socket })._parent ?? s;

/**
 * Makes a TLS server (this transport's tls.Server, ws.ts's https.Server)
 * report every connection that fails its handshake to `refused` and drop
 * clients its auth mode refuses, before anything else sees them. Returns a
 * function that drops the connections still in their handshake, for when
 * the listener closes (accepted ones belong to their pipes).
 */
export function guardTlsServer(server: tls.Server, mode: TlsAuthMode, refused: (err: HandshakeError) => void): () => void {
  const handshaking = new Set<net.Socket>();
  const peers = new WeakMap<net.Socket, string>();
  server.on("connection", (raw: net.Socket) => {
    handshaking.add(raw);
    peers.set(raw, peerOf(raw));
    raw.once("close", () => handshaking.delete(raw));
  });
  // Garbage, a reset or a stall before the handshake completes: node:tls
  // has destroyed the socket (or does now); the listener goes on.
  server.on("tlsClientError", (err, s) => {
    s.destroy();
    refused(handshakeError(err as Error & { code?: string }, peers.get(rawOf(s)) ?? "a client"));
  });
  server.prependListener("secureConnection", (s: tls.TLSSocket) => {
    handshaking.delete(rawOf(s));
    const no = refusal(s, mode, peers.get(rawOf(s)) ?? peerOf(s));
    if (no) { s.destroy(); refused(no); }
  });
  return () => { for (const raw of handshaking) raw.destroy(); };
}

export const tlsTcp: Transport = {
  tls: true,

  listen(address, accept, options = {}, refused = () => {}): Promise<Listener> {
    spOnly(address, options);
    const { host, port } = parseHostPort(address);
    const { options: tlsOptions, mode } = listenerTls(options.tls, address);
    const noDelay = options.noDelay !== false;
    const server = tls.createServer({ ...tlsOptions, noDelay }, (s) => {
      if (s.destroyed) return; // refused by guardTlsServer
      s.setNoDelay(noDelay);
      accept(new StreamConn(s), `tls+tcp://${peerOf(s)}`);
    });
    const dropHandshaking = guardTlsServer(server, mode, refused);
    return listenOn(server, "tls+tcp", host === "*" ? "0.0.0.0" : host, port, dropHandshaking);
  },

  connect(address, open: (c: Conn) => void, fail, options = {}): Dialing {
    spOnly(address, options);
    const { host, port } = parseHostPort(address);
    if (host === "*" || port === 0) throw invalid(address);
    const s = tls.connect({ host, port, ...(options.ipv4Only ? { family: 4 } : {}), ...dialerTls(options.tls, address, host) });
    const noDelay = options.noDelay !== false;
    let settled = false;
    let connected = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const give = (err: Error): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      s.destroy();
      // Once TCP is up, whatever goes wrong is the TLS handshake's failure.
      fail(connected ? handshakeError(err, `${formatHost(host)}:${port}`) : err);
    };
    s.once("connect", () => {
      connected = true;
      s.setNoDelay(noDelay);
      timer = setTimeout(() => give(Object.assign(new Error("the TLS handshake took too long"), { code: "ERR_TLS_HANDSHAKE_TIMEOUT" })), TLS_HANDSHAKE_TIMEOUT);
    });
    s.once("secureConnect", () => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      open(new StreamConn(s));
    });
    s.on("error", give);
    s.once("close", () => give(Object.assign(new Error("the connection closed during the TLS handshake"), { code: "ECONNRESET" })));
    return {
      cancel: () => { if (!settled) { settled = true; if (timer) clearTimeout(timer); s.destroy(); } },
      unref: () => { s.unref(); if (timer) (timer as { unref?: () => void }).unref?.(); },
    };
  },
};
