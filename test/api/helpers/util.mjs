// Shared helpers for the public-API tests (test/api/*.test.mjs).
//
// - `zmq`: the implementation under test, "wasmq/zmq" (the package's
//   self-reference). WASMQ_IMPL=zeromq runs the same suites against npm
//   zeromq.js (libzmq), which checks the tests themselves.
// - `api(test)`: wraps a uvu suite so that every test body is bounded by a
//   timeout and every socket/file it registers is released afterwards.
// - `TRANSPORTS` / `eachTransport`: run one case over inproc://, tcp:// and ipc://.
// - bounded waits: withTimeout, recv, EventLog.next (socket events by type).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rmSync } from "node:fs";
import * as net from "node:net";
import { withTimeout as bounded, Resources, boundedSuite, str, tick } from "../../helpers/suite.mjs";

export { Resources, str, tick };

const spec = process.env.WASMQ_IMPL || "wasmq/zmq";
const mod = await import(spec);
/** zeromq.js-v6-style namespace: Pair, Publisher, Subscriber, ... */
export const zmq = mod.Push ? mod : mod.default;
export const implName = spec;
export const isWasmq = spec === "wasmq/zmq";

export const DEFAULT_TIMEOUT = 5_000;

/** Reject if `promise` does not settle within `ms` milliseconds. */
export const withTimeout = (promise, ms = DEFAULT_TIMEOUT, what = "operation") => bounded(promise, ms, what);

/** One bounded receive. */
export function recv(sock, ms = DEFAULT_TIMEOUT, what = "a message") {
  return withTimeout(sock.receive(), ms, what);
}

/** One bounded send. */
export function send(sock, msg, ms = DEFAULT_TIMEOUT, what = "a send to complete") {
  return withTimeout(sock.send(msg), ms, what);
}

/** Let one full event-loop turn pass (I/O, timers, immediates). */
export const turn = () => new Promise((r) => setImmediate(r));

/** Whether a promise has settled, observed after `turns` event-loop turns. */
export async function settledAfter(promise, turns = 3) {
  let settled = false;
  promise.then(() => { settled = true; }, () => { settled = true; });
  for (let i = 0; i < turns; i++) await turn();
  return settled;
}

/**
 * Expect `action` (a function, a promise or a function returning a promise) to
 * fail with `err.code === code`, whether it throws synchronously or rejects.
 * Returns the error.
 */
export async function expectCode(action, code, what = "operation", ms = DEFAULT_TIMEOUT) {
  let err = null;
  try {
    const r = typeof action === "function" ? action() : action;
    await withTimeout(Promise.resolve(r), ms, what);
  } catch (e) {
    err = e;
  }
  if (!err) throw assertionError(`${what}: expected an error with code ${code}, but it succeeded`);
  if (err.code !== code) {
    throw assertionError(`${what}: expected code ${code}, got ${err.code} (${err.message})`);
  }
  return err;
}
function assertionError(msg) {
  const e = new Error(msg);
  e.name = "Assertion";
  return e;
}

let counter = 0;
const unique = (tag) => `${process.pid}-${tag}-${counter++}-${Math.random().toString(36).slice(2, 8)}`;

export const TRANSPORTS = ["inproc", "tcp", "ipc"];

/** A fresh address to bind: inproc name, tcp port 0, or an ipc path in os.tmpdir(). */
export function bindAddress(kind, res, tag = "ep") {
  switch (kind) {
    case "inproc":
      return `inproc://wasmq-api-${unique(tag)}`;
    case "tcp":
      return "tcp://127.0.0.1:0";
    case "ipc": {
      const path = join(tmpdir(), `wasmq-api-${unique(tag)}.sock`);
      res?.defer(() => rmSync(path, { force: true }));
      return `ipc://${path}`;
    }
    default:
      throw new Error(`unknown transport ${kind}`);
  }
}

/** Binds `sock` to a fresh address of `kind`; returns the address peers connect to. */
export async function bindAny(sock, kind, res, tag) {
  const address = bindAddress(kind, res, tag);
  await withTimeout(sock.bind(address), DEFAULT_TIMEOUT, `bind ${address}`);
  return kind === "tcp" ? sock.lastEndpoint : address;
}

/** A TCP port that was free a moment ago. */
async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen({ host: "127.0.0.1", port: 0 }, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * An address nothing is bound to yet but which can be bound later with the
 * very string returned (connect-before-bind, restarts on the same port).
 */
export async function laterAddress(kind, res, tag = "later") {
  if (kind === "tcp") return `tcp://127.0.0.1:${await freePort()}`;
  return bindAddress(kind, res, tag);
}

/** A uvu suite for API tests: bounded test bodies, resources released after each. */
export const api = (test, { timeout = 8_000 } = {}) => boundedSuite(test, timeout);

/** Register `name [transport]` for each transport; fn(res, kind). */
export function eachTransport(it, name, fn, ms) {
  for (const kind of TRANSPORTS) it(`${name} [${kind}]`, (res) => fn(res, kind), ms);
}

export const EVENT_TYPES = [
  "accept", "accept:error", "bind", "bind:error", "connect", "connect:delay", "connect:retry",
  "close", "close:error", "disconnect", "end", "handshake", "handshake:error:protocol",
  "handshake:error:auth", "handshake:error:other", "unknown",
];

/**
 * Records a socket's events (through events.on) from the moment it is made,
 * so a test can await an event that may already have happened.
 */
export class EventLog {
  constructor(sock) {
    this.events = [];
    this.waiters = new Set();
    for (const type of EVENT_TYPES) {
      sock.events.on(type, (e) => {
        this.events.push(e);
        for (const w of [...this.waiters]) w();
      });
    }
  }
  /** Types seen so far, in order. */
  get types() {
    return this.events.map((e) => e.type);
  }
  count(type) {
    return this.events.filter((e) => e.type === type).length;
  }
  /**
   * The n-th (1-based) event of `type` (or of any of the types in an array),
   * waiting for it if needed.
   */
  next(type, { nth = 1, ms = DEFAULT_TIMEOUT } = {}) {
    const types = Array.isArray(type) ? type : [type];
    let waiter;
    const p = new Promise((resolve) => {
      waiter = () => {
        const seen = this.events.filter((e) => types.includes(e.type));
        if (seen.length >= nth) {
          this.waiters.delete(waiter);
          resolve(seen[nth - 1]);
        }
      };
      this.waiters.add(waiter);
      waiter();
    });
    return withTimeout(p, ms, `event ${types.join("|")} #${nth}`).finally(() => this.waiters.delete(waiter));
  }
}

/** Start logging a socket's events. */
export const watch = (sock) => new EventLog(sock);

/**
 * Slow-joiner barrier for PUB→SUB: publish [topic, "sync"] until every
 * subscriber has received one, then publish a [topic, "fence"] and drain each
 * subscriber up to it, so no sync message is left in their queues.
 * Every subscriber must be subscribed to `topic`.
 */
export async function syncSubscribers(pub, subs, topic = "sync", ms = DEFAULT_TIMEOUT) {
  const deadline = Date.now() + ms;
  const pending = new Set(subs);
  const receipts = subs.map((s) =>
    withTimeout(s.receive(), ms, `first ${topic} message`).then((m) => {
      pending.delete(s);
      return m;
    }),
  );
  const all = Promise.all(receipts);
  all.catch(() => {});
  while (pending.size > 0) {
    if (Date.now() > deadline) throw new Error(`slow-joiner barrier on "${topic}" timed out`);
    await pub.send([topic, "sync"]);
    await Promise.race([all, tick(5)]);
  }
  await all;
  await pub.send([topic, "fence"]);
  for (const s of subs) {
    for (;;) {
      const m = await recv(s, ms, "the fence message");
      if (m.length === 2 && m[0].toString() === String(topic) && m[1].toString() === "fence") break;
      if (!(m.length === 2 && m[1].toString() === "sync")) {
        throw new Error(`unexpected message while draining the barrier: ${str(m)}`);
      }
    }
  }
}
