// The hostile-peer harness both bad-input suites share (ZMTP in
// test/badinput/helpers/raw.mjs, SP in sp.mjs; docs/hostile-peers.md):
//   - badCase(): wraps a test with U0 check 1 (no uncaught exception,
//     unhandled rejection or Wasm trap), a hard upper bound, and teardown of
//     every socket (track) and raw peer, and of what defer() was given;
//   - RawConnection / connectRaw(): a plain node:net connection (tcp:// or
//     ipc://) at a wasmq listener, with a promise-based reader;
//   - EventLog: a socket's events, awaited by type and code;
//   - expectRejected() / expectPeerGone(): U0 check 2 (closed by wasmq, with
//     the typed reason event) or a plain departure;
//   - assertNothingDelivered(): U0 check 5;
//   - waitUntil(): a bounded poll for state no event announces.
// Every wait is bounded by withTimeout(); nothing sleeps to "let things settle".
import net from "node:net";
import * as assert from "uvu/assert";
import { importRetry } from "./import-retry.mjs";

// The very module instances wasmq uses (same resolved files), for memory and
// timer checks and for the core's table of close reasons.
const coreMod = await importRetry(new URL("../../dist/esm/bindings/core.js", import.meta.url).href);
export const core = coreMod.core;
export const Core = coreMod.Core;
const { REASON_CODES, PROTOCOL_REASONS } = await importRetry(new URL("../../dist/esm/bindings/shared.js", import.meta.url).href);

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

// ------------------------------------------------------- raw connection --

const u8 = (b) => (typeof b === "string" ? Buffer.from(b, "latin1") : Buffer.from(b));

/**
 * A raw connection (tcp:// or ipc://) with a promise-based reader: the
 * wire-neutral part of a hostile peer. Open with connectRaw(); raw.mjs and
 * sp.mjs extend it with ZMTP and SP readers.
 */
export class RawConnection {
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

}

function connectOptions(endpoint) {
  if (endpoint.startsWith("ipc://")) return { path: endpoint.slice("ipc://".length) };
  const m = /^tcp:\/\/(.*):(\d+)$/.exec(endpoint);
  if (!m) throw new Error(`not a tcp/ipc endpoint: ${endpoint}`);
  return { host: m[1].replace(/^\[|\]$/g, ""), port: Number(m[2]), noDelay: true };
}

/** Opens a raw connection (a `Peer`, RawConnection or a subclass) to a wasmq listener; resolves once connected. */
export async function connectRaw(endpoint, Peer = RawConnection) {
  const sock = net.connect(connectOptions(endpoint));
  const peer = new Peer(sock);
  peer.ipc = endpoint.startsWith("ipc://");
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

// ----------------------------------------------------------------- events --

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

// ----------------------------------------------------------------- checks --

// The codes of close reasons that are the peer breaking the protocol, from
// the core's own table (assembly/errors.ts, through bindings/shared.ts).
const PROTOCOL_CODES = new Set([...PROTOCOL_REASONS].map((r) => REASON_CODES[r]));

/**
 * U0 check 2. The raw connection must be closed by wasmq (FIN or RST from the
 * listener, not by us), and the listener must report it:
 *   during the handshake: handshake:error:protocol (ERR_ZMTP_*, ERR_SP_*) or
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
 * disconnect and drops the connection's state (at once, or with
 * `eventually` once it has: SP releases the pipe a step later).
 */
export async function expectPeerGone(l, { alone = true, eventually = false } = {}) {
  const d = await l.events.waitFor("disconnect");
  assert.ok(!d.error || d.error.code === "ECONNRESET", `plain disconnect (got ${d.error?.code})`);
  if (alone && eventually) await waitUntil(() => l.sock.pipes.size === 0, "the closed connection's pipe to go");
  else if (alone) assert.is(l.sock.pipes.size, 0, "the closed connection left no pipe behind");
  return d;
}

/**
 * U0 check 5: no message is waiting at the listener. A non-blocking receive
 * (receiveTimeout 0) must fail with one of `codes`: EAGAIN for wasmq/zmq
 * (the default); wasmq/sp says ETIMEDOUT (nng style). (The `readable` getter
 * is not used: it stays true after the last message until a receive finds
 * nothing.)
 */
export async function assertNothingDelivered(sock, what = "nothing was delivered to the listener", codes = ["EAGAIN"]) {
  const prev = sock.receiveTimeout;
  sock.receiveTimeout = 0;
  let got;
  try {
    got = await sock.receive();
  } catch (e) {
    if (codes.length === 1) assert.is(e.code, codes[0], `${what}: receive failed with ${e.code}`);
    else assert.ok(codes.includes(e.code), `${what}: receive failed with ${e.code}`);
    return;
  } finally {
    sock.receiveTimeout = prev;
  }
  assert.unreachable(`${what}, but got [${got.map((f) => JSON.stringify(f.toString("latin1").slice(0, 40))).join(", ")}]`);
}

/** Polls `cond` every 5 ms, bounded (for state no event announces). */
export async function waitUntil(cond, what = "condition", ms = DEFAULT_BOUND) {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Bytes of Wasm linear memory now (never shrinks). */
export const wasmMemory = () => core().memoryBytes;
