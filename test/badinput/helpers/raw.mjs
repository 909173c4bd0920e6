// Hostile-peer harness for the bad-input suite (shared/reference/bad-inputs.md).
//
// A "raw peer" is a plain node:net socket that writes hand-built ZMTP bytes
// at a wasmq listener. This module gives:
//   - byte builders: greeting(), frame(), longFrame(), command(), ready(),
//     metadata(), ping(), subscribe()/cancel(), message();
//   - rawConnect(endpoint): a promise-based reader over the raw socket
//     (read N bytes, read a frame, wait for close);
//   - listen(): a wasmq listener on tcp://127.0.0.1:0 with an event log;
//   - expectRejected(): U0 check 2 (closed by wasmq, typed reason event);
//   - goodClientRoundTrip(): U0 check 3 (a well-behaved wasmq client still
//     completes a round trip), which also checks U0 5 (the first message the
//     listener hands out is the good client's, nothing partial before it);
//   - badCase(): wraps a test with U0 check 1 (no uncaught exception,
//     unhandled rejection or Wasm trap), a hard upper bound, and teardown.
// Every wait is bounded by withTimeout(); nothing sleeps to "let things settle".
import net from "node:net";
import * as assert from "uvu/assert";

// ---------------------------------------------------------------- imports --

// Another engineer may be rebuilding dist/ concurrently: retry a failed import.
async function importRetry(spec, tries = 6) {
  let last;
  for (let i = 0; i < tries; i++) {
    try {
      return await import(spec);
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw last;
}

/** The API under test (zeromq.js v6 shape). */
export const zmq = await importRetry("wasmq/zmq");
// The very module instance wasmq/zmq uses (same resolved file), for memory and
// timer checks only.
const coreMod = await importRetry(new URL("../../../dist/esm/bindings/core.js", import.meta.url).href);
export const core = coreMod.core;
export const Core = coreMod.Core;

// ----------------------------------------------------------------- guards --

// U0 check 1: anything thrown out of wasmq's callbacks (including a Wasm trap,
// which bindings/core.ts turns into an Error thrown from the 'data' handler)
// becomes an uncaughtException; a broken promise an unhandledRejection.
const unhandled = [];
let onUnhandled = null;
function record(kind) {
  return (err) => {
    const cause = err instanceof Error ? err : new Error(String(err));
    const e = new Error(`${kind}: ${cause.message}`, { cause });
    e.stack = `${kind}: ${cause.stack}`;
    unhandled.push(e);
    if (onUnhandled) onUnhandled(e);
  };
}
process.on("uncaughtException", record("uncaughtException"));
process.on("unhandledRejection", record("unhandledRejection"));

export const DEFAULT_BOUND = 3000;

/** Rejects if `promise` has not settled within `ms` (an upper bound, never a sleep). */
export function withTimeout(promise, ms = DEFAULT_BOUND, what = "operation") {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

// ------------------------------------------------------------- resources --

const live = { sockets: new Set(), peers: new Set(), cleanups: [] };

/** Track a wasmq socket for teardown. */
export function track(sock) {
  live.sockets.add(sock);
  return sock;
}

/** Register a teardown function (intervals and the like). */
export function defer(fn) {
  live.cleanups.push(fn);
}

async function teardown() {
  for (const fn of live.cleanups.splice(0).reverse()) {
    try { fn(); } catch {}
  }
  const closing = [];
  for (const p of live.peers) {
    if (!p.isClosed) { p.sock.destroy(); closing.push(p.closed); }
  }
  live.peers.clear();
  for (const s of live.sockets) if (!s.closed) s.close();
  live.sockets.clear();
  await withTimeout(Promise.all(closing), 2000, "raw peers to close in teardown");
}

/**
 * Defines one uvu test with the U0 harness around it: unhandled errors fail
 * it at once, the whole case is bounded by `bound` ms, and every socket and
 * raw peer is closed afterwards whatever happened.
 */
export function badCase(test, name, fn, { bound = DEFAULT_BOUND } = {}) {
  test(name, async () => {
    unhandled.length = 0;
    let fail;
    const guard = new Promise((_, reject) => { fail = reject; });
    guard.catch(() => {});
    onUnhandled = (e) => fail(e);
    try {
      await withTimeout(Promise.race([fn(), guard]), bound, `case "${name}"`);
    } finally {
      onUnhandled = null;
      await teardown();
    }
    // An error raised by the teardown itself (closing sockets) still counts.
    await new Promise((r) => setImmediate(r));
    if (unhandled.length) throw unhandled[0];
  });
}

// -------------------------------------------------------------- builders --

const u8 = (b) => (typeof b === "string" ? Buffer.from(b, "latin1") : Buffer.from(b));

/**
 * A 64-byte greeting (wire.md A1). `mechanism` may be a string (NUL-padded)
 * or a 20-byte Buffer for hand-made garbage.
 */
export function greeting({ first = 0xff, sigEnd = 0x7f, major = 3, minor = 1, mechanism = "NULL", asServer = 0 } = {}) {
  const g = Buffer.alloc(64);
  g[0] = first;
  g[9] = sigEnd;
  g[10] = major;
  g[11] = minor;
  if (Buffer.isBuffer(mechanism)) mechanism.copy(g, 12, 0, 20);
  else g.write(mechanism, 12, 20, "latin1");
  g[32] = asServer;
  return g;
}

/** One frame header for `size` (a BigInt or number) with the given flags; LONG picks the 8-byte form. */
export function header(flags, size) {
  if (flags & 0x02) {
    const h = Buffer.alloc(9);
    h[0] = flags;
    h.writeBigUInt64BE(BigInt(size), 1);
    return h;
  }
  return Buffer.from([flags, Number(size)]);
}

/**
 * A frame (wire.md A3): short form up to 255 bytes unless `long` is given;
 * `flags` overrides the computed flag byte entirely.
 */
export function frame(body, { more = false, command = false, long, flags } = {}) {
  body = u8(body);
  const isLong = long ?? body.length > 255;
  const f = flags ?? ((more ? 0x01 : 0) | (isLong ? 0x02 : 0) | (command ? 0x04 : 0));
  // With explicit `flags`, their LONG bit alone decides the size encoding.
  return Buffer.concat([header(f, body.length), body]);
}

/** A command body: [name_len][name][data] (wire.md A4). */
export function commandBody(name, data = Buffer.alloc(0)) {
  const n = u8(name);
  return Buffer.concat([Buffer.from([n.length]), n, u8(data)]);
}

/** A command frame. */
export function command(name, data, opts = {}) {
  return frame(commandBody(name, data), { ...opts, command: true });
}

/** One metadata property [name_len u8][name][value_len u32 BE][value]. */
export function prop(name, value) {
  const n = u8(name);
  const v = u8(value);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(v.length);
  return Buffer.concat([Buffer.from([n.length]), n, len, v]);
}

/** Metadata from an object or a list of [name, value] pairs. */
export function metadata(props) {
  const list = Array.isArray(props) ? props : Object.entries(props);
  return Buffer.concat(list.map(([k, v]) => prop(k, v)));
}

/** READY command frame: ready("PUSH") or ready({ "Socket-Type": ..., Identity: ... }) or ready(rawMetadataBuffer). */
export function ready(props) {
  if (typeof props === "string") props = { "Socket-Type": props };
  const md = Buffer.isBuffer(props) ? props : metadata(props);
  return command("READY", md);
}

/** PING command frame: TTL in deciseconds plus up to any context bytes. */
export function ping(ttl = 0, context = Buffer.alloc(0)) {
  const t = Buffer.alloc(2);
  t.writeUInt16BE(ttl);
  return command("PING", Buffer.concat([t, u8(context)]));
}

export const subscribe = (topic) => command("SUBSCRIBE", topic);
export const cancel = (topic) => command("CANCEL", topic);

/** A whole multipart data message: MORE on every frame but the last. */
export function message(...frames) {
  return Buffer.concat(frames.map((f, i) => frame(f, { more: i < frames.length - 1 })));
}

// --------------------------------------------------------------- parsing --

/** Splits a command body into its name and data. */
export function parseCommand(body) {
  const n = body[0];
  return { name: body.subarray(1, 1 + n).toString("latin1"), data: body.subarray(1 + n) };
}

/** Parses READY metadata into { name: Buffer }. */
export function parseMetadata(data) {
  const out = {};
  let p = 0;
  while (p < data.length) {
    const nl = data[p];
    const name = data.subarray(p + 1, p + 1 + nl).toString("latin1");
    const vl = data.readUInt32BE(p + 1 + nl);
    out[name] = data.subarray(p + 5 + nl, p + 5 + nl + vl);
    p += 5 + nl + vl;
  }
  return out;
}

// -------------------------------------------------------------- raw peer --

/** A raw TCP peer with a promise-based reader. Create with rawConnect(). */
export class RawPeer {
  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.received = 0;        // bytes received in total
    this.remoteEnded = false; // the listener sent FIN
    this.error = null;        // e.g. ECONNRESET
    this.isClosed = false;
    this.closedAt = 0;
    this.waiters = [];
    sock.on("data", (d) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.received += d.length;
      this.wake();
    });
    sock.on("end", () => { this.remoteEnded = true; });
    sock.on("error", (e) => { this.error = e; });
    this.closed = new Promise((resolve) => {
      sock.once("close", () => {
        this.isClosed = true;
        this.closedAt = performance.now();
        resolve();
        this.wake();
      });
    });
  }

  wake() {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /** Resolves with the next `n` bytes (consumed); rejects if the connection closes first. */
  read(n, ms = DEFAULT_BOUND) {
    const attempt = (resolve, reject) => {
      if (this.buf.length >= n) {
        const out = this.buf.subarray(0, n);
        this.buf = this.buf.subarray(n);
        resolve(Buffer.from(out));
      } else if (this.isClosed) {
        reject(Object.assign(new Error(`connection closed with ${this.buf.length}/${n} bytes buffered`), { code: "RAW_CLOSED" }));
      } else {
        this.waiters.push(() => attempt(resolve, reject));
      }
    };
    return withTimeout(new Promise(attempt), ms, `${n} bytes from the listener`);
  }

  /** The next whole frame: { flags, more, command, body, name?, data? }. */
  async readFrame(ms = DEFAULT_BOUND) {
    const [flags] = await this.read(1, ms);
    let size;
    if (flags & 0x02) size = Number((await this.read(8, ms)).readBigUInt64BE(0));
    else size = (await this.read(1, ms))[0];
    const body = size ? await this.read(size, ms) : Buffer.alloc(0);
    const f = { flags, more: (flags & 1) !== 0, command: (flags & 4) !== 0, body };
    if (f.command) Object.assign(f, parseCommand(body));
    return f;
  }

  /** Skips frames until a command named `name`; returns it. */
  async readCommand(name, ms = DEFAULT_BOUND) {
    for (;;) {
      const f = await this.readFrame(ms);
      if (f.command && f.name === name) return f;
    }
  }

  /** The next whole data message (array of Buffers); commands in between are skipped. */
  async readMessage(ms = DEFAULT_BOUND) {
    const frames = [];
    for (;;) {
      const f = await this.readFrame(ms);
      if (f.command) continue;
      frames.push(f.body);
      if (!f.more) return frames;
    }
  }

  /** Writes bytes; resolves once handed to the kernel (or the socket is gone). */
  write(bytes) {
    return new Promise((resolve) => {
      if (this.sock.destroyed || !this.sock.writable) return resolve(false);
      this.sock.write(u8(bytes), () => resolve(true));
    });
  }

  /** Writes `bytes` one byte per write call (each awaited). */
  async drip(bytes) {
    for (const b of u8(bytes)) {
      if (!(await this.write(Buffer.from([b])))) return false;
    }
    return true;
  }

  /** FIN. */
  end() { this.sock.end(); }
  /** RST (SO_LINGER 0). */
  reset() { this.sock.resetAndDestroy(); }

  /** Resolves when the socket has closed (bounded). */
  waitClose(ms = DEFAULT_BOUND) { return withTimeout(this.closed, ms, "the raw connection to close"); }

  /**
   * The NULL handshake from the peer's side: send greeting + READY, read the
   * listener's greeting and READY. Returns the listener's READY metadata.
   */
  async handshake(socketType, extraProps = {}, greet = {}) {
    await this.write(Buffer.concat([greeting(greet), ready({ "Socket-Type": socketType, ...extraProps })]));
    const g = await this.read(64);
    assert.is(g[0], 0xff, "listener greeting byte 0");
    assert.is(g[9] & 1, 1, "listener greeting byte 9 bit 0");
    assert.is(g[10], 3, "listener greeting major");
    const r = await this.readFrame();
    assert.ok(r.command && r.name === "READY", `listener sent READY (got ${r.name ?? "data"})`);
    return parseMetadata(r.data);
  }

  /**
   * PING/PONG barrier: once the PONG for this PING is back, the listener has
   * processed every byte written before it.
   */
  async barrier(context = "barrier") {
    const ctx = Buffer.from(String(context).slice(0, 16));
    await this.write(ping(0, ctx));
    for (;;) {
      const f = await this.readCommand("PONG");
      if (f.data.equals(ctx)) return;
    }
  }
}

function parseTcp(endpoint) {
  const m = /^tcp:\/\/(.*):(\d+)$/.exec(endpoint);
  if (!m) throw new Error(`not a tcp endpoint: ${endpoint}`);
  return { host: m[1].replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}

/** Opens a raw TCP connection to a wasmq listener; resolves once connected. */
export async function rawConnect(endpoint) {
  const { host, port } = parseTcp(endpoint);
  const sock = net.connect({ host, port, noDelay: true });
  const peer = new RawPeer(sock);
  live.peers.add(peer);
  await withTimeout(
    new Promise((resolve, reject) => {
      sock.once("connect", resolve);
      sock.once("error", reject);
    }),
    DEFAULT_BOUND,
    `raw connect to ${endpoint}`,
  );
  peer.connectedAt = performance.now();
  return peer;
}

// --------------------------------------------------------------- listener --

const EVENT_TYPES = [
  "accept", "accept:error", "bind", "bind:error", "connect", "connect:delay", "connect:retry",
  "close", "close:error", "disconnect", "end", "handshake", "handshake:error:protocol",
  "handshake:error:auth", "handshake:error:other", "unknown",
];

/** Records a socket's events; waitFor() resolves with the next unclaimed match. */
export class EventLog {
  constructor(sock) {
    this.log = [];
    this.claimed = new Set();
    this.waiters = [];
    for (const t of EVENT_TYPES) {
      sock.events.on(t, (e) => {
        this.log.push({ ...e, at: performance.now() });
        for (const w of this.waiters.slice()) w();
      });
    }
  }

  count(type) { return this.log.filter((e) => e.type === type).length; }

  /** The next unclaimed event of `type` (optionally with error.code `code`). */
  waitFor(type, code, ms = DEFAULT_BOUND) {
    const find = () => {
      for (let i = 0; i < this.log.length; i++) {
        const e = this.log[i];
        if (this.claimed.has(i) || e.type !== type) continue;
        if (code !== undefined && e.error?.code !== code) continue;
        this.claimed.add(i);
        return e;
      }
      return null;
    };
    const what = `event ${type}${code ? ` (${code})` : ""}; seen: ${this.describe()}`;
    return withTimeout(
      new Promise((resolve) => {
        const check = () => {
          const e = find();
          if (!e) return false;
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve(e);
          return true;
        };
        if (!check()) this.waiters.push(check);
      }),
      ms,
      what,
    );
  }

  describe() {
    return this.log.map((e) => (e.error ? `${e.type}[${e.error.code}]` : e.type)).join(", ") || "(none)";
  }
}

let counter = 0;
/** A unique token for messages and routing ids. */
export const token = (tag = "t") => `${tag}-${process.pid}-${++counter}`;

/**
 * A wasmq listener of class `Kind` bound to tcp://127.0.0.1:0, with an event
 * log attached before bind. Defaults keep handshakes short (300 ms).
 */
export async function listen(Kind, options = {}) {
  const sock = track(new Kind({ linger: 0, handshakeInterval: 300, ...options }));
  const events = new EventLog(sock);
  await sock.bind("tcp://127.0.0.1:0");
  return { sock, endpoint: sock.lastEndpoint, events };
}

// ---------------------------------------------------------------- checks --

const PROTOCOL_CODES = new Set([
  "ERR_ZMTP_BAD_GREETING", "ERR_ZMTP_UNSUPPORTED_VERSION", "ERR_ZMTP_MECHANISM_MISMATCH",
  "ERR_ZMTP_UNEXPECTED_COMMAND", "ERR_ZMTP_INVALID_METADATA", "ERR_ZMTP_SOCKET_TYPE_MISMATCH",
  "ERR_ZMTP_ERROR_RECEIVED", "ERR_ZMTP_MALFORMED_FRAME", "ERR_ZMTP_MALFORMED_COMMAND",
  "ERR_ZMTP_DUPLICATE_IDENTITY", "ERR_ZMTP_PEER_LIMIT", "ERR_ZMTP_INVALID_IDENTITY",
]);

/**
 * U0 check 2. The raw connection must be closed by wasmq (FIN or RST from the
 * listener, not by us), and the listener must report it:
 *   during the handshake: handshake:error:protocol (ERR_ZMTP_*) or
 *     handshake:error:other (ETIMEDOUT, EMSGSIZE), then disconnect with the same code;
 *   after it (`handshaken: true`): disconnect with error.code === code.
 * With `alone` (default), the listener must hold no pipe afterwards (no half-state).
 * `handshakes`: how many handshake events other (good) peers caused meanwhile.
 * Returns { closedAfter } in ms since `since` (default: the peer's connect).
 */
export async function expectRejected(l, peer, code, { handshaken = false, alone = true, since, handshakes = 0 } = {}) {
  await peer.waitClose();
  assert.ok(peer.remoteEnded || peer.error, "the raw connection was closed by wasmq (FIN or RST from the listener)");
  if (!handshaken) {
    const type = PROTOCOL_CODES.has(code) ? "handshake:error:protocol" : "handshake:error:other";
    const e = await l.events.waitFor(type, code);
    assert.is(e.error.code, code, `${type} carries ${code}`);
    assert.is(l.events.count("handshake"), handshakes, "no handshake event for the rejected peer");
  }
  const d = await l.events.waitFor("disconnect", code);
  assert.is(d.error?.code, code, `disconnect carries ${code}`);
  if (alone) assert.is(l.sock.pipes.size, 0, "the rejected connection left no pipe behind");
  return { closedAfter: peer.closedAt - (since ?? peer.connectedAt) };
}

/**
 * The raw peer went away by itself (FIN/RST): the listener reports a plain
 * disconnect and drops the connection's state.
 */
export async function expectPeerGone(l, { alone = true } = {}) {
  const d = await l.events.waitFor("disconnect");
  assert.ok(!d.error || d.error.code === "ECONNRESET", `plain disconnect (got ${d.error?.code})`);
  if (alone) assert.is(l.sock.pipes.size, 0, "the closed connection left no pipe behind");
  return d;
}

/**
 * U0 check 5: no message is waiting at the listener. A non-blocking receive
 * (receiveTimeout 0) must fail with EAGAIN. (The `readable` getter is not
 * used: it stays true after the last message until a receive finds nothing.)
 */
export async function assertNothingDelivered(sock, what = "nothing was delivered to the listener") {
  const prev = sock.receiveTimeout;
  sock.receiveTimeout = 0;
  let got;
  try {
    got = await sock.receive();
  } catch (e) {
    assert.is(e.code, "EAGAIN", `${what}: receive failed with ${e.code}`);
    return;
  } finally {
    sock.receiveTimeout = prev;
  }
  assert.unreachable(`${what}, but got [${got.map((f) => JSON.stringify(f.toString("latin1").slice(0, 40))).join(", ")}]`);
}

function recvBounded(sock, what) {
  return withTimeout(sock.receive(), DEFAULT_BOUND, what);
}

/**
 * U0 check 3: a well-behaved wasmq client completes a round trip on the same
 * listener. The first message the listener hands out must be the good
 * client's (so nothing partial or hostile was queued before it).
 *   Router    <- Dealer: request in, reply out
 *   Pull      <- Push:   one message
 *   Publisher -> Subscriber: publishes until the subscription has arrived
 */
export async function goodClientRoundTrip(listener) {
  const endpoint = listener.lastEndpoint;
  const t = token("good");
  if (listener instanceof zmq.Router) {
    const dealer = track(new zmq.Dealer({ linger: 0, routingId: t }));
    dealer.connect(endpoint);
    await dealer.send(["request", t]);
    const [id, a, b] = await recvBounded(listener, "the good client's request at the router");
    assert.is(id.toString(), t, "router: first message comes from the good client");
    assert.equal([a.toString(), b.toString()], ["request", t]);
    await listener.send([id, "reply", t]);
    const reply = await recvBounded(dealer, "the router's reply at the good client");
    assert.equal(reply.map(String), ["reply", t]);
    dealer.close();
  } else if (listener instanceof zmq.Pull) {
    const push = track(new zmq.Push({ linger: 0 }));
    push.connect(endpoint);
    await push.send([t, "tail"]);
    const m = await recvBounded(listener, "the good client's message at the pull");
    assert.equal(m.map(String), [t, "tail"], "pull: first message comes from the good client");
    push.close();
  } else if (listener instanceof zmq.Publisher || listener instanceof zmq.XPublisher) {
    const sub = track(new zmq.Subscriber({ linger: 0 }));
    sub.subscribe(t);
    sub.connect(endpoint);
    // Subscriptions travel asynchronously and PUB drops until one arrives:
    // publish every 10 ms until the subscriber has one (bounded).
    let got = null;
    const rx = recvBounded(sub, "a message at the good subscriber").then((m) => (got = m));
    const pace = () => new Promise((r) => setTimeout(r, 10));
    while (!got) {
      await listener.send([t, "payload"]);
      await Promise.race([rx, pace()]);
    }
    assert.equal(got.map(String), [t, "payload"]);
    sub.close();
  } else {
    throw new Error("goodClientRoundTrip: unsupported listener type");
  }
}

/** Bytes of Wasm linear memory now (never shrinks). */
export const wasmMemory = () => core().memoryBytes;
