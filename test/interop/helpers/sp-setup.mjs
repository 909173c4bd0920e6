// Shared plumbing for the SP interop tests (test/interop/sp-*.test.mjs): the
// transport x direction matrix, endpoints, and wasmq-side helpers. The
// implementation under test is passed in by each test file (it imports
// process.env.WASMQ_SP_IMPL || "wasmq/sp" itself).
import { ipcEndpoint, withTimeout, DEFAULT_TIMEOUT } from "./util.mjs";
import { boundedSuite } from "../../helpers/suite.mjs";
import { startCat, freeTcpUrl } from "./spcat.mjs";

export { TOOLS, startCat, freeTcpUrl } from "./spcat.mjs";
export { withTimeout, tick, DEFAULT_TIMEOUT } from "./util.mjs";

export const TRANSPORTS = ["tcp", "ipc"];
/** wasmBinds: true = wasmq binds and the peer dials; false = the peer listens and wasmq connects. */
export const DIRECTIONS = [true, false];

/** Options every wasmq socket in these tests gets (a quick redial while a peer starts). */
export const BASE_OPTS = { linger: 0, reconnectInterval: 50 };

/**
 * boundedSuite (each test bounded by `timeout` ms, resources released after
 * each test); with SP_TIMING=1 in the environment, prints each test's duration.
 */
export function spSuite(test, timeout) {
  const it = boundedSuite(test, timeout);
  if (!process.env.SP_TIMING) return it;
  return (name, fn, ms) =>
    it(name, async (res) => {
      const t = Date.now();
      try {
        return await fn(res);
      } finally {
        console.log(`\n  ${String(Date.now() - t).padStart(5)} ms  ${name}`);
      }
    }, ms);
}

/** "wasmq REQ (binds)" / "nngcat REP (dials)" style labels. */
export const roles = (wasmBinds) => (wasmBinds ? ["binds", "dials"] : ["connects", "listens"]);

/** Where wasmq binds: an ephemeral TCP port, or a fresh ipc path (removed in teardown). */
export function wasmBindUrl(res, tr) {
  return tr === "ipc" ? ipcEndpoint(res, "spw") : "tcp://127.0.0.1:0";
}

/** Where a peer listens: nngcat takes port 0 (and reports the real one); nanocat needs a free port. */
export async function peerListenUrl(res, tool, tr) {
  if (tr === "ipc") return ipcEndpoint(res, `sp-${tool}`);
  return tool === "nngcat" ? "tcp://127.0.0.1:0" : freeTcpUrl();
}

/** A wasmq socket tracked by `res` (closed, linger 0, in teardown). */
export function spSock(res, Class, opts = {}) {
  return res.sock(new Class({ ...BASE_OPTS, ...opts }));
}

/**
 * Put a wasmq socket and a real peer on one link. wasmBinds: wasmq binds
 * (awaited) and the peer dials the bound endpoint; otherwise the peer
 * listens (nngcat: until it reports "Listening at:") and wasmq connects.
 * Returns the peer (a CatPeer; peer.url is the link's url).
 */
export async function link(res, sock, cat, { wasmBinds, tr }) {
  if (wasmBinds) {
    const url = wasmBindUrl(res, tr);
    await withTimeout(sock.bind(url), DEFAULT_TIMEOUT, `wasmq bind ${url}`);
    const ep = tr === "ipc" ? url : sock.lastEndpoint;
    if (!/^tcp:\/\/127\.0\.0\.1:[1-9]\d*$/.test(ep) && tr === "tcp") {
      throw new Error(`wasmq lastEndpoint after bind("tcp://127.0.0.1:0") is ${JSON.stringify(sock.lastEndpoint)}`);
    }
    return startCat(res, { ...cat, dial: ep });
  }
  const peer = await startCat(res, { ...cat, listen: await peerListenUrl(res, cat.tool, tr) });
  sock.connect(peer.url);
  return peer;
}

/** A body for messages: latin1 text, JSON-quoted, long ones cut. */
export const show = (b) => {
  const s = Buffer.from(b).toString("latin1");
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…(${s.length} bytes)` : s);
};

/**
 * One receive from a wasmq SP socket, bounded; checks the SP message shape
 * (exactly one Buffer: the body) and returns that Buffer. `what` may be a
 * function, evaluated only on failure (so peer diagnostics are current).
 */
export async function recvOne(sock, ms = DEFAULT_TIMEOUT, what = "a message at wasmq") {
  const label = () => (typeof what === "function" ? what() : what);
  let msg;
  try {
    msg = await withTimeout(sock.receive(), ms, "a message at wasmq");
  } catch (err) {
    err.message = `${err.message}: ${label()}`;
    throw err;
  }
  if (!Array.isArray(msg) || msg.length !== 1 || !(msg[0] instanceof Uint8Array)) {
    throw new Error(`${label()}: expected [Buffer] (one body), got ${Array.isArray(msg) ? `${msg.length} frames: [${msg.map(show).join(", ")}]` : typeof msg}`);
  }
  return Buffer.from(msg[0]);
}

/** Rejects unless `promise` rejects with err.code === code (within ms). Resolves with the error. */
export async function rejectsWith(promise, code, ms = DEFAULT_TIMEOUT, what = "operation") {
  let value;
  try {
    value = await withTimeout(promise, ms, what);
  } catch (err) {
    if (err?.code === code) return err;
    throw new Error(`${what}: expected rejection with code ${code}, got ${err?.code ?? "no code"}: ${err?.message}`);
  }
  throw new Error(`${what}: expected rejection with code ${code}, but it resolved with ${Array.isArray(value) ? `[${value.map(show).join(", ")}]` : String(value)}`);
}

/** Bytes 0..255 then some text: every byte value, NUL, CR/LF, quotes, backslash. */
export const ALL_BYTES = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('\r\n"\\ end')]);

/** Deterministic n-byte payload. */
export function payload(n, seed = 7) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + seed) & 0xff;
  return b;
}

/**
 * Count wasmq "handshake" events if the socket exposes an event emitter
 * (sock.events.on; not part of the API the tests rely on). Resolves true once
 * n handshakes happened; false at once if there are no events, or after ms.
 * Never rejects: it only tightens timing windows, it asserts nothing.
 */
export function handshakes(sock, n, ms = 3000) {
  const ev = sock.events;
  if (!ev || typeof ev.on !== "function") return Promise.resolve(false);
  let seen = 0;
  let fn;
  let timer;
  return new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    fn = () => {
      if (++seen >= n) resolve(true);
    };
    ev.on("handshake", fn);
  }).finally(() => {
    clearTimeout(timer);
    ev.off?.("handshake", fn);
  });
}
