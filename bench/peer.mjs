// Benchmark peer: one measured socket per process, forked by bench/run.mjs.
//
//   node bench/peer.mjs <impl>        (impl: "wasmq" | "zeromq" | "wasmq-sp"; needs a fork IPC channel)
//
// All control traffic (ready / start / results / exit) goes over the fork IPC channel, never over the
// measured socket. The measured code path is the same for every implementation: the zeromq.js v6 API
// (`await send`, `await receive()`), one preallocated payload, one socket per process. "wasmq-sp" runs the
// same roles on wasmq/sp's PUSH0/PULL0/REQ0/REP0 (same API shape; Req/Rep for Request/Reply); its
// counterpart, nng, is the C program bench/nng/nngperf.c.

import { performance, PerformanceObserver } from "node:perf_hooks";
import { writeFileSync } from "node:fs";

const impl = process.argv[2];
const HARD_LIMIT_MS = Number(process.argv[3] || 180_000);

if (!process.send) {
  console.error("bench/peer.mjs must be started by bench/run.mjs (child_process.fork)");
  process.exit(2);
}

// --- safety nets: never outlive the parent, never run forever -----------------------------------------
process.on("disconnect", () => process.exit(3));
setTimeout(() => {
  report({ type: "error", message: `peer ${impl} self-timeout after ${HARD_LIMIT_MS} ms` });
  setTimeout(() => process.exit(4), 100).unref();
}, HARD_LIMIT_MS).unref();
let exiting = false;
function fail(err) {
  if (exiting) process.exit(0);
  const message = err && err.stack ? err.stack : String(err);
  try {
    process.send({ type: "error", message }, () => process.exit(1));
    setTimeout(() => process.exit(1), 500).unref();
  } catch {
    process.exit(1);
  }
}
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);

function report(msg) {
  process.send(msg);
}

// --- control channel: buffered so a command that arrives early is not lost -----------------------------
const inbox = [];
const waiters = [];
const flags = new Set();
process.on("message", (m) => {
  flags.add(m.cmd);
  if (m.cmd === "exit") {
    shutdown().catch(() => process.exit(0));
    return;
  }
  const i = waiters.findIndex((w) => w.cmd === m.cmd);
  if (i >= 0) waiters.splice(i, 1)[0].resolve(m);
  else inbox.push(m);
});
function waitCmd(cmd) {
  const i = inbox.findIndex((m) => m.cmd === cmd);
  if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
  return new Promise((resolve) => waiters.push({ cmd, resolve }));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let sock = null;
async function shutdown() {
  exiting = true;
  try {
    if (sock && !sock.closed) {
      sock.linger = 0;
      sock.close();
    }
  } catch {}
  // give the transport a tick to release the port, then leave
  setTimeout(() => process.exit(0), 20);
}

// --- GC accounting (perf_hooks 'gc' entries) ----------------------------------------------------------
const gcEntries = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcEntries.push([e.startTime, e.duration]);
  }).observe({ entryTypes: ["gc"] });
} catch {}
async function gcMs(t0, t1) {
  await sleep(20); // observer callbacks are delivered asynchronously
  let s = 0;
  for (const [st, d] of gcEntries) if (st >= t0 && st <= t1) s += d;
  return s;
}

const cpuSec = (c) => (c.user + c.system) / 1e6;
const ns = () => process.hrtime.bigint();

// bench/run.mjs --cpu-prof: the timed window beside the profile, in µs of CLOCK_MONOTONIC (the clock of
// process.hrtime and of the profile's timestamps), so bench/prof-summary.mjs can keep only its samples.
function profWindow(t0, t1, n) {
  const f = process.env.BENCH_PROF_WINDOW;
  if (!f) return;
  try {
    writeFileSync(f, JSON.stringify({ role: roleName, n, t0: Number(t0 / 1000n), t1: Number(t1 / 1000n) }) + "\n");
  } catch {}
}
let roleName = "";

// --- load the implementation ----------------------------------------------------------------------------
const MODULES = {
  wasmq: process.env.BENCH_WASMQ_MODULE || "wasmq/zmq",
  zeromq: "zeromq",
  "wasmq-sp": process.env.BENCH_WASMQ_SP_MODULE || "wasmq/sp",
};
let zmq;
try {
  const spec = MODULES[impl];
  if (!spec) throw new Error(`unknown impl ${impl}`);
  try {
    zmq = await import(spec);
  } catch (e) {
    throw new Error(`cannot load ${spec}: ${e && e.message ? e.message.split("\n")[0] : e}`);
  }
  if (impl === "wasmq-sp") {
    // SP class names -> the names the roles use; a missing class fails the role that needs it
    zmq = { ...zmq, Request: zmq.Req ?? zmq.Request, Reply: zmq.Rep ?? zmq.Reply, Publisher: zmq.Pub, Subscriber: zmq.Sub };
  }
} catch (e) {
  report({ type: "error", message: e && e.message ? e.message : String(e) });
  setTimeout(() => process.exit(1), 100);
  await new Promise(() => {});
}

// Only the options that exist on the socket type (zeromq.js objects are not extensible):
// PUSH/PUB send HWM, PULL/SUB receive HWM, REQ/REP both.
function sockOpts(cfg, send = true, recv = true) {
  const o = {};
  if (send) o.sendHighWaterMark = cfg.hwm;
  if (recv) o.receiveHighWaterMark = cfg.hwm;
  return o;
}
function sockInfo(s) {
  const o = {};
  const keys = ["sendHighWaterMark", "receiveHighWaterMark", "linger"];
  if (impl === "wasmq-sp") keys.push("maxMessageSize", "tcpNoDelay");
  else keys.push("securityMechanism"); // null (NULL) or "curve": proves what the CURVE cells ran
  for (const k of keys) {
    try {
      if (s[k] !== undefined) o[k] = s[k];
    } catch {}
  }
  return o;
}

// CURVE (RFC 26): keys come from the implementation under test (wasmq's curveKeyPair(), zeromq.js's
// zmq.curveKeyPair()). The binding end is the server, with a key pair of its own; the connecting end is a
// client with a fresh pair and the server's public key, which the harness passes on from the server's
// "ready". Keys first, then the role option (libzmq: CURVE_SERVER sets the server role, CURVE_SERVERKEY
// the client role; the keys alone only pick the mechanism).
function curveServer(s) {
  const k = zmq.curveKeyPair();
  s.curvePublicKey = k.publicKey;
  s.curveSecretKey = k.secretKey;
  s.curveServer = true;
  return k.publicKey;
}
function curveClient(s, serverKey) {
  if (!serverKey) throw new Error("CURVE client without the server's public key");
  const k = zmq.curveKeyPair();
  s.curvePublicKey = k.publicKey;
  s.curveSecretKey = k.secretKey;
  s.curveServerKey = serverKey;
}

// --- roles -----------------------------------------------------------------------------------------------
const roles = {
  // T1 receiver: binds, receives warmup + count, times from first to last timed message.
  async pull(cfg) {
    sock = new zmq.Pull(sockOpts(cfg, false, true));
    const serverKey = cfg.curve ? curveServer(sock) : undefined;
    await sock.bind(cfg.endpoint);
    report({ type: "ready", sock: sockInfo(sock), serverKey });
    const { warmup, count, size } = cfg;
    let bad = 0;
    for (let i = 0; i < warmup; i++) {
      const [m] = await sock.receive();
      if (m.length !== size) bad++;
    }
    // first timed message
    let [m] = await sock.receive();
    const t0 = ns();
    const p0 = performance.now();
    const c0 = process.cpuUsage();
    if (m.length !== size) bad++;
    for (let i = 1; i < count; i++) {
      [m] = await sock.receive();
      if (m.length !== size) bad++;
    }
    const t1 = ns();
    const cpu = cpuSec(process.cpuUsage(c0));
    const p1 = performance.now();
    profWindow(t0, t1, count - 1);
    const gc = await gcMs(p0, p1);
    const sec = Number(t1 - t0) / 1e9;
    report({
      type: "result",
      sec,
      rate: (count - 1) / sec,
      bad,
      cpuSec: cpu,
      gcMs: gc,
      rss: process.memoryUsage().rss,
    });
  },

  // T1 sender: connects and sends warmup + count with one preallocated payload, awaiting each send.
  async push(cfg) {
    sock = new zmq.Push(sockOpts(cfg, true, false));
    if (cfg.curve) curveClient(sock, cfg.serverKey);
    sock.connect(cfg.endpoint);
    const info = sockInfo(sock);
    const payload = Buffer.alloc(cfg.size, 0x61);
    const total = cfg.warmup + cfg.count;
    const t0 = ns();
    const c0 = process.cpuUsage();
    for (let i = 0; i < total; i++) await sock.send(payload);
    const cpu = cpuSec(process.cpuUsage(c0));
    const t1 = ns();
    profWindow(t0, t1, total);
    const sec = Number(t1 - t0) / 1e9;
    report({ type: "sent", sec, cpuSec: cpu, sock: info, rss: process.memoryUsage().rss });
  },

  // L1 server: echo.
  async rep(cfg) {
    sock = new zmq.Reply(sockOpts(cfg));
    await sock.bind(cfg.endpoint);
    report({ type: "ready", sock: sockInfo(sock) });
    const c0 = process.cpuUsage();
    let n = 0;
    const total = cfg.warmup + cfg.count;
    while (true) {
      const [m] = await sock.receive();
      await sock.send(m);
      if (++n === total) report({ type: "served", cpuSec: cpuSec(process.cpuUsage(c0)) });
    }
  },

  // L1 client: per-RTT hrtime into a preallocated Float64Array (microseconds).
  async req(cfg) {
    sock = new zmq.Request(sockOpts(cfg));
    sock.connect(cfg.endpoint);
    const info = sockInfo(sock);
    const payload = Buffer.alloc(cfg.size, 0x62);
    let bad = 0;
    for (let i = 0; i < cfg.warmup; i++) {
      await sock.send(payload);
      const [m] = await sock.receive();
      if (m.length !== cfg.size) bad++;
    }
    const lat = new Float64Array(cfg.count);
    const c0 = process.cpuUsage();
    const p0 = performance.now();
    const tStart = ns();
    for (let i = 0; i < cfg.count; i++) {
      const a = ns();
      await sock.send(payload);
      const [m] = await sock.receive();
      const b = ns();
      lat[i] = Number(b - a) / 1000;
      if (m.length !== cfg.size) bad++;
    }
    const totalSec = Number(ns() - tStart) / 1e9;
    const cpu = cpuSec(process.cpuUsage(c0));
    const gc = await gcMs(p0, performance.now());
    const sorted = lat.slice().sort();
    const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    let sum = 0;
    for (let i = 0; i < lat.length; i++) sum += lat[i];
    report({
      type: "result",
      p50: q(0.5),
      p99: q(0.99),
      p999: q(0.999),
      mean: sum / lat.length,
      min: sorted[0],
      max: sorted[sorted.length - 1],
      sec: totalSec,
      bad,
      cpuSec: cpu,
      gcMs: gc,
      sock: info,
      rss: process.memoryUsage().rss,
    });
  },

  // CURVE handshake server: a bound PULL, CURVE server; counts the handshakes its events report
  // ("handshake" = libzmq's ZMQ_EVENT_HANDSHAKE_SUCCEEDED in zeromq.js) and says "served" at the expected
  // total. A failed handshake fails the run.
  async hsserver(cfg) {
    sock = new zmq.Pull(sockOpts(cfg, false, true));
    const serverKey = curveServer(sock);
    const total = cfg.warmup + cfg.count;
    let n = 0;
    let c0 = null;
    let t0 = 0n;
    sock.events.on("handshake", () => {
      if (++n === 1) {
        c0 = process.cpuUsage();
        t0 = ns();
      }
      if (n === total) profWindow(t0, ns(), total - 1);
      if (n === total) report({ type: "served", handshakes: n, cpuSec: cpuSec(process.cpuUsage(c0)), rss: process.memoryUsage().rss });
    });
    for (const t of ["handshake:error:protocol", "handshake:error:auth", "handshake:error:other"])
      sock.events.on(t, (e) => fail(new Error(`server ${t}: ${e.error && e.error.message}`)));
    await sock.bind(cfg.endpoint);
    report({ type: "ready", sock: sockInfo(sock), serverKey });
  },

  // CURVE handshake client: one PUSH socket, CURVE client; N times in turn: connect, wait for its
  // "handshake" event (the client has the server's READY: the whole CURVE handshake is done), disconnect.
  // Timed over the `count` handshakes after `warmup`; completed handshakes per second.
  async hsclient(cfg) {
    sock = new zmq.Push(sockOpts(cfg, true, false));
    curveClient(sock, cfg.serverKey);
    let done = null;
    sock.events.on("handshake", () => {
      const d = done;
      done = null;
      if (d) d();
    });
    for (const t of ["handshake:error:protocol", "handshake:error:auth", "handshake:error:other"])
      sock.events.on(t, (e) => fail(new Error(`client ${t}: ${e.error && e.error.message}`)));
    const once = () => new Promise((resolve) => (done = resolve));
    const info = sockInfo(sock);
    const total = cfg.warmup + cfg.count;
    let t0 = 0n, p0 = 0, c0 = null;
    for (let i = 0; i < total; i++) {
      if (i === cfg.warmup) {
        t0 = ns();
        p0 = performance.now();
        c0 = process.cpuUsage();
      }
      const hs = once();
      sock.connect(cfg.endpoint);
      await hs;
      sock.disconnect(cfg.endpoint);
    }
    const t1 = ns();
    const cpu = cpuSec(process.cpuUsage(c0));
    profWindow(t0, t1, cfg.count);
    const gc = await gcMs(p0, performance.now());
    const sec = Number(t1 - t0) / 1e9;
    report({ type: "result", sec, rate: cfg.count / sec, cpuSec: cpu, gcMs: gc, sock: info, rss: process.memoryUsage().rss });
  },

  // F1 publisher. Wire markers (first byte): 0 = data, 1 = probe (join barrier), 2 = end.
  async pub(cfg) {
    sock = new zmq.Publisher(sockOpts(cfg, true, false));
    await sock.bind(cfg.endpoint);
    report({ type: "ready", sock: sockInfo(sock) });
    const probe = Buffer.from([1]);
    const end = Buffer.from([2]);
    const payload = Buffer.alloc(cfg.size, 0); // first byte 0 = data
    await waitCmd("probe");
    while (!flags.has("start")) {
      await sock.send(probe);
      await sleep(10);
    }
    const total = cfg.count;
    const t0 = ns();
    const c0 = process.cpuUsage();
    for (let i = 0; i < total; i++) await sock.send(payload);
    const t1 = ns();
    const cpu = cpuSec(process.cpuUsage(c0));
    report({ type: "sent", t0: String(t0), t1: String(t1), sec: Number(t1 - t0) / 1e9, cpuSec: cpu });
    // end markers until told to exit (a marker can be dropped at HWM, so repeat)
    while (true) {
      await sock.send(end);
      await sleep(5);
    }
  },

  // F1 subscriber: subscribe to everything, confirm the probe, count data until the end marker.
  async sub(cfg) {
    sock = new zmq.Subscriber(sockOpts(cfg, false, true));
    sock.connect(cfg.endpoint);
    sock.subscribe();
    const info = sockInfo(sock);
    report({ type: "ready", sock: info });
    let joined = false;
    let count = 0;
    let bad = 0;
    let tFirst = 0n;
    let tLast = 0n;
    let c0 = null;
    while (true) {
      const [m] = await sock.receive();
      const kind = m[0];
      if (kind === 0) {
        if (count === 0) {
          tFirst = ns();
          c0 = process.cpuUsage();
        }
        count++;
        if (m.length !== cfg.size) bad++;
        tLast = ns();
      } else if (kind === 1) {
        if (!joined) {
          joined = true;
          report({ type: "joined" });
        }
      } else if (kind === 2) {
        break;
      } else bad++;
    }
    const sec = Number(tLast - tFirst) / 1e9;
    report({
      type: "result",
      count,
      bad,
      tFirst: String(tFirst),
      tLast: String(tLast),
      sec,
      rate: count > 1 && sec > 0 ? (count - 1) / sec : 0,
      cpuSec: c0 ? cpuSec(process.cpuUsage(c0)) : 0,
      rss: process.memoryUsage().rss,
    });
  },
};

const hello = { type: "hello", impl, pid: process.pid };
try {
  hello.version = zmq.version;
} catch {}
report(hello);

const { cfg } = await waitCmd("run");
const fn = roles[cfg.role];
roleName = cfg.role;
if (!fn) throw new Error(`unknown role ${cfg.role}`);
await fn(cfg);
// stay alive until the parent says exit (keeps the socket open so nothing is lost in flight)
await waitCmd("never");
