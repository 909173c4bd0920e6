// Helpers for the wasmq/sp API tests (test/api/sp-*.test.mjs).
//
// - `sp`: the implementation under test, "wasmq/sp".
// - `logOf(sock)`: one EventLog per socket, started the first time it is asked
//   for (ask before the socket binds or connects).
// - `link(connector, binder, ep)`: connect and wait until BOTH sides report the
//   SP handshake (the binder's event comes after the connector's), so that
//   sockets that drop without a peer (PUB, BUS, SURVEYOR) can send at once.
// - `spSock(res, Class, options)`: a tracked socket with its event log started.
// - `nothingWithin(sock, ms)`: a receive that must not deliver within ms.
import { watch, bindAny, DEFAULT_TIMEOUT } from "./util.mjs";
import { importRetry } from "../../helpers/import-retry.mjs";

/** The SP API under test. */
export const sp = await importRetry("wasmq/sp");

const logs = new WeakMap();

/** The socket's event log (started on first use). */
export function logOf(sock) {
  let log = logs.get(sock);
  if (!log) logs.set(sock, (log = watch(sock)));
  return log;
}

/** A socket tracked by `res` (closed after the test), with its event log running. */
export function spSock(res, Class, options) {
  const s = res.sock(new Class(options));
  logOf(s);
  return s;
}

/** A bound socket and the address to reach it. */
export async function bound(res, Class, kind, options) {
  const s = spSock(res, Class, options);
  const ep = await bindAny(s, kind, res);
  return { sock: s, ep };
}

/**
 * `connector.connect(ep)`, then wait for the handshake on both sides: the
 * connector's next handshake, then the binder's next one. Connect one peer at
 * a time so the binder's count identifies this connection.
 */
export async function link(connector, binder, ep, ms = DEFAULT_TIMEOUT) {
  const cl = logOf(connector);
  const bl = logOf(binder);
  const cn = cl.count("handshake") + 1;
  const bn = bl.count("handshake") + 1;
  connector.connect(ep);
  await cl.next("handshake", { nth: cn, ms });
  await bl.next("handshake", { nth: bn, ms });
}

/**
 * Resolves true if `sock` delivers nothing within `ms` (a bounded negative
 * check: the receive is given a receiveTimeout and must fail ETIMEDOUT;
 * ms = 0 checks that nothing is waiting now).
 * Rejects with the message if one arrives.
 */
export async function nothingWithin(sock, ms = 100) {
  if (ms <= 0) {
    if (sock.readable) throw new Error(`expected no message, got ${JSON.stringify((await sock.receive()).map(String))}`);
    return true;
  }
  const saved = sock.receiveTimeout;
  sock.receiveTimeout = ms;
  try {
    const m = await sock.receive();
    throw new Error(`expected no message, got ${JSON.stringify(m.map(String))}`);
  } catch (e) {
    if (e.code !== "ETIMEDOUT") throw e;
    return true;
  } finally {
    if (!sock.closed) sock.receiveTimeout = saved;
  }
}

/** Bytes [0..n) with a recognisable pattern. */
export function pattern(n, seed = 0) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}
