#!/usr/bin/env node
// wasmq benchmark harness: every measured socket in a process of its own, fresh processes per round,
// implementations interleaved, ratios per round with the median reported (as below).
//
//   npm run bench                         full default run (5 rounds, all cells):
//                                           wasmq/zmq vs zeromq.js   T1, L1, F1, CURVE-T, CURVE-HS
//                                           wasmq/sp  vs nng (C)     S1-T, S1-L
//   node bench/run.mjs --help             flags
//
// Every measured socket lives in its own process: bench/peer.mjs (forked, control over the fork IPC
// channel) or, for nng, bench/nng/nngperf (spawned, control over stdin/stdout JSON lines; built here from
// bench/nng/nngperf.c with cc + libnng-dev). Fresh processes for every cell × implementation × round. Both
// ends of a cell use the same implementation. The two implementations of a cell's family are interleaved
// ABBA across rounds; ratios are computed per round and the median is reported. One JSON line per run is
// appended to bench/results.jsonl.

import { fork, spawn as spawnChild, execSync, execFileSync } from "node:child_process";
import { readFileSync, appendFileSync, existsSync, statSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import net from "node:net";
import os from "node:os";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const PEER = fileURLToPath(new URL("./peer.mjs", import.meta.url));
const RESULTS = fileURLToPath(new URL("./results.jsonl", import.meta.url));
const NNG_SRC = fileURLToPath(new URL("./nng/nngperf.c", import.meta.url));
const NNG_BIN = fileURLToPath(new URL("./nng/build/nngperf", import.meta.url));

// ---------------------------------------------------------------------------------------------------------
// implementations: two families, each compared within itself
// ---------------------------------------------------------------------------------------------------------
const IMPL_INFO = {
  wasmq: { family: "zmq", label: "wasmq" },
  zeromq: { family: "zmq", label: "zeromq.js" },
  "wasmq-sp": { family: "sp", label: "wasmq-sp" },
  nng: { family: "sp", label: "nng" },
};
const IMPL_ALIAS = {
  wasmq: "wasmq", "wasmq/zmq": "wasmq",
  zeromq: "zeromq", "zeromq.js": "zeromq", zmqjs: "zeromq", zmq: "zeromq",
  "wasmq-sp": "wasmq-sp", "wasmq/sp": "wasmq-sp", wasmqsp: "wasmq-sp",
  nng: "nng", libnng: "nng",
};
const FAMILY_DEFAULT = { zmq: ["wasmq", "zeromq"], sp: ["wasmq-sp", "nng"] };

// ---------------------------------------------------------------------------------------------------------
// options
// ---------------------------------------------------------------------------------------------------------
const HELP = `usage: node bench/run.mjs [flags]        (npm run bench -- [flags])

  --impls A,B,...    implementations (env BENCH_IMPLS). Two families, each compared within itself:
                       ZeroMQ cells (T1, L1, F1, CURVE-T, CURVE-HS):  wasmq | zeromq (aliases zeromq.js, zmqjs)
                       SP cells (S1-T, S1-L):      wasmq-sp (alias wasmq/sp) | nng (C, libnng)
                     default: wasmq,zeromq,wasmq-sp,nng (every cell). Naming only one family's
                     implementations runs only that family's cells. Per family: ratio A/B (latency B/A)
                     in the order given; one name = no ratio; "--impls zeromq,zeromq" or "--impls nng,nng"
                     validates the harness without wasmq.
  --rounds N         rounds per cell, ABBA-interleaved (default 5, ~4 min on 2 cores; env BENCH_ROUNDS)
  --only X,Y         restrict cells: groups zmq (T1+L1+F1+CURVE), t1|push|pull, l1|req|rep|lat, f1|pub|sub|fan,
                     curve (CURVE-T+CURVE-HS), curve-t, curve-hs|hs|handshake, sp|s1 (S1-T+S1-L), s1t|s1-t,
                     s1l|s1-l, or cell ids / id prefixes such as t1-16b, t1-64kib, l1-4kib, f1x4-256b,
                     curve-t-4kib, s1-t-4kib (env BENCH_ONLY)
  --quick            smoke run: 1 round (unless --rounds), message counts x0.25 (env BENCH_QUICK=1)
  --scale F          multiply all message counts by F (default 1; env BENCH_SCALE)
  --hwm N            send/receive high-water mark on every socket, every impl (default 1000; env BENCH_HWM);
                     nng: NNG_OPT_SENDBUF/NNG_OPT_RECVBUF = N messages (nng caps them at 8192)
  --subs N           subscriber processes in F1 (default 4; env BENCH_SUBS)
  --timeout S        hard limit per cell run in seconds, all its processes are killed after it
                     (default 60 x max(1, scale))
  --no-save          do not append to bench/results.jsonl
  --verbose          forward the peers' stdout/stderr to stderr
  --cpu-prof DIR     run every Node peer under node --cpu-prof, one profile per peer process in DIR
                     (<cell>.<impl>.<role>.r<round>.cpuprofile, with its timed window in .window.json);
                     node bench/prof-summary.mjs DIR says where the timed window's time went (wasm
                     functions named from build/release.wat). The profiler slows the peers: the
                     figures of such a run are not comparable
  --help

Environment: BENCH_WASMQ_MODULE overrides the module the "wasmq" peers import (default "wasmq/zmq"),
BENCH_WASMQ_SP_MODULE the one the "wasmq-sp" peers import (default "wasmq/sp").
nng cells need a C compiler (cc) and libnng-dev (apt-get install -y libnng-dev); bench/nng/nngperf.c is
built into bench/nng/build/nngperf when missing or older than its source, otherwise they are skipped.
Output: Markdown tables on stdout, progress on stderr. Exit status 0 iff every cell run that was not
skipped succeeded.`;

function parseArgs(argv) {
  const env = process.env;
  const o = {
    impls: env.BENCH_IMPLS || "",
    rounds: env.BENCH_ROUNDS ? Number(env.BENCH_ROUNDS) : undefined,
    only: env.BENCH_ONLY || "",
    quick: env.BENCH_QUICK === "1" || env.BENCH_QUICK === "true",
    scale: env.BENCH_SCALE ? Number(env.BENCH_SCALE) : undefined,
    hwm: Number(env.BENCH_HWM || 1000),
    subs: Number(env.BENCH_SUBS || 4),
    timeout: undefined,
    save: true,
    verbose: false,
    cpuProf: null,
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let val;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      val = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const next = () => {
      if (val !== undefined) return val;
      if (i + 1 >= argv.length) die(`missing value for ${a}`);
      return argv[++i];
    };
    switch (a) {
      case "--impls": o.impls = next(); break;
      case "--rounds": o.rounds = Number(next()); break;
      case "--only": o.only = (o.only && o.only !== process.env.BENCH_ONLY ? o.only + "," : "") + next(); break;
      case "--quick": o.quick = true; break;
      case "--scale": o.scale = Number(next()); break;
      case "--hwm": o.hwm = Number(next()); break;
      case "--subs": o.subs = Number(next()); break;
      case "--timeout": o.timeout = Number(next()); break;
      case "--no-save": o.save = false; break;
      case "--verbose": case "-v": o.verbose = true; break;
      case "--cpu-prof": o.cpuProf = next(); break;
      case "--help": case "-h": console.log(HELP); process.exit(0);
      default: die(`unknown argument ${argv[i]}\n\n${HELP}`);
    }
  }
  if (o.rounds === undefined) o.rounds = o.quick ? 1 : 5;
  if (o.scale === undefined) o.scale = o.quick ? 0.25 : 1;
  if (o.timeout === undefined) o.timeout = 60 * Math.max(1, o.scale);
  for (const k of ["rounds", "scale", "hwm", "subs", "timeout"])
    if (!(o[k] > 0) || !Number.isFinite(o[k])) die(`bad value for --${k}: ${o[k]}`);
  // families: { zmq: [impl, impl], sp: [...] } - only the families to run
  o.families = {};
  if (!o.impls.trim()) for (const [f, l] of Object.entries(FAMILY_DEFAULT)) o.families[f] = [...l];
  for (const s of o.impls.split(",").map((x) => x.trim()).filter(Boolean)) {
    const n = IMPL_ALIAS[s.toLowerCase()];
    if (!n) die(`unknown implementation "${s}" (${Object.keys(IMPL_INFO).join(" | ")})`);
    (o.families[IMPL_INFO[n].family] ??= []).push(n);
  }
  for (const [f, l] of Object.entries(o.families))
    if (l.length > 2) die(`--impls takes one or two names per family (${f}: ${l.join(",")})`);
  return o;
}
function die(msg) {
  console.error(msg);
  process.exit(2);
}

const opt = parseArgs(process.argv.slice(2));
// per family: impls and column labels ("zeromq.js #2" when the same impl fills both columns)
const FAMILIES = {};
for (const [f, impls] of Object.entries(opt.families)) {
  const labels = impls.map((n, i) => (impls.indexOf(n) !== i ? `${IMPL_INFO[n].label} #${i + 1}` : IMPL_INFO[n].label));
  FAMILIES[f] = { impls, labels };
}
const ALL_LABELS = Object.values(FAMILIES).flatMap((f) => f.labels);

// ---------------------------------------------------------------------------------------------------------
// cells (counts sized for ~1-2 s per run at zeromq.js speed on the 2-core CI box)
// ---------------------------------------------------------------------------------------------------------
const sizeLabel = (n) => (n >= 1024 ? `${n / 1024}KiB` : `${n}B`);
const sc = (n) => Math.max(10, Math.round(n * opt.scale));
const wu = (c) => Math.max(1, Math.round(c * 0.1));
const ALL_CELLS = [];
for (const [size, count] of [[16, 500_000], [256, 450_000], [4096, 250_000], [65536, 40_000]]) {
  const c = sc(count);
  ALL_CELLS.push({ id: `T1-${sizeLabel(size)}`, family: "zmq", group: "t1", kind: "thr", size, count: c, warmup: wu(c) });
}
for (const size of [16, 4096]) {
  ALL_CELLS.push({ id: `L1-${sizeLabel(size)}`, family: "zmq", group: "l1", kind: "lat", size, count: sc(20_000), warmup: Math.max(1, sc(2_000)) });
}
for (const [size, count] of [[16, 300_000], [256, 250_000]]) {
  ALL_CELLS.push({ id: `F1x${opt.subs}-${sizeLabel(size)}`, family: "zmq", group: "f1", kind: "fan", size, count: sc(count), subs: opt.subs });
}
// CURVE (RFC 26), wasmq vs zeromq.js: the T1 roles with the PULL as CURVE server and the PUSH as client
// (counts sized for ~1-2 s at the slower implementation's CURVE rate), and handshakes per second.
for (const [size, count] of [[16, 400_000], [4096, 80_000], [65536, 6_000]]) {
  const c = sc(count);
  ALL_CELLS.push({ id: `CURVE-T-${sizeLabel(size)}`, family: "zmq", group: "curve-t", kind: "thr", curve: true, size, count: c, warmup: wu(c) });
}
{
  const c = sc(1_000);
  ALL_CELLS.push({ id: "CURVE-HS", family: "zmq", group: "curve-hs", kind: "hs", curve: true, count: c, warmup: wu(c) });
}
// SP cells, wasmq/sp vs nng. wasmq-sp uses the T1 counts. nng 1.5's PUSH0/PULL0 moves ~30k msg/s at up to
// 4 KiB on the 2-core box (one thread hand-off per message; nanomsg/nng#808, #972), so its runs get their
// own, smaller counts (~1 s timed windows): rates are per second and comparable, the run time stays bounded.
for (const [size, count, nngCount] of [[16, 500_000, 30_000], [256, 450_000, 30_000], [4096, 250_000, 30_000], [65536, 40_000, 16_000]]) {
  const c = sc(count);
  const n = sc(nngCount);
  ALL_CELLS.push({
    id: `S1-T-${sizeLabel(size)}`, family: "sp", group: "s1t", kind: "thr", size, count: c, warmup: wu(c),
    counts: { nng: { count: n, warmup: wu(n) } },
  });
}
ALL_CELLS.push({ id: "S1-L-16B", family: "sp", group: "s1l", kind: "lat", size: 16, count: sc(20_000), warmup: Math.max(1, sc(2_000)) });
// a cell as run by one implementation (per-implementation message counts)
const cellFor = (cell, impl) => ({ ...cell, ...(cell.counts?.[impl] || {}) });

const GROUPS = {
  t1: ["t1"], push: ["t1"], pull: ["t1"], thr: ["t1"],
  l1: ["l1"], req: ["l1"], rep: ["l1"], lat: ["l1"],
  f1: ["f1"], pub: ["f1"], sub: ["f1"], fan: ["f1"],
  curve: ["curve-t", "curve-hs"], "curve-t": ["curve-t"], "curve-hs": ["curve-hs"], hs: ["curve-hs"], handshake: ["curve-hs"],
  zmq: ["t1", "l1", "f1", "curve-t", "curve-hs"],
  sp: ["s1t", "s1l"], s1: ["s1t", "s1l"], s1t: ["s1t"], "s1-t": ["s1t"], s1l: ["s1l"], "s1-l": ["s1l"],
};
const onlyTokens = opt.only.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
const SELECTED = ALL_CELLS.filter(
  (c) => onlyTokens.length === 0 || onlyTokens.some((t) => GROUPS[t]?.includes(c.group) || c.id.toLowerCase().startsWith(t)),
);
if (SELECTED.length === 0) die(`--only ${opt.only} matches no cell (cells: ${ALL_CELLS.map((c) => c.id).join(", ")})`);
const CELLS = SELECTED.filter((c) => FAMILIES[c.family]);
if (CELLS.length === 0)
  die(
    `no selected cell has an implementation: cells ${SELECTED.map((c) => c.id).join(", ")} need ` +
      [...new Set(SELECTED.map((c) => c.family))].map((f) => FAMILY_DEFAULT[f].join(" or ")).join(" / ") +
      ` in --impls (got ${opt.impls})`,
  );
if (CELLS.length < SELECTED.length)
  process.stderr.write(
    `bench: not running ${SELECTED.filter((c) => !FAMILIES[c.family]).map((c) => c.id).join(" ")} (no implementation of their family in --impls ${opt.impls})\n`,
  );

// ---------------------------------------------------------------------------------------------------------
// peers
// ---------------------------------------------------------------------------------------------------------
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Common part: typed messages from the peer, waiters, death bookkeeping.
class PeerBase {
  constructor(tag) {
    this.tag = tag;
    this.tail = "";
    this.queue = [];
    this.waiters = [];
    this.dead = null;
    this.stopping = false;
    this.exited = false;
    this.child = null;
    this.exitPromise = Promise.resolve();
  }
  _attach(child) {
    this.child = child;
    this.exitPromise = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.exited = true;
        const tail = this.tail.trim() ? `: ${this.tail.trim().split("\n").slice(-3).join(" | ")}` : "";
        this._die(new Error(`${this.tag} exited early (code ${code}, signal ${signal})${tail}`));
        resolve();
      });
    });
    child.on("error", (e) => this._die(e));
  }
  _output(d) {
    this.tail = (this.tail + d).slice(-1500);
    if (opt.verbose) process.stderr.write(`[${this.tag}] ${d}`);
  }
  _message(m) {
    if (m && m.type === "error") return this._die(new Error(`${this.tag}: ${firstLine(m.message)}`), m.message);
    const i = this.waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    else this.queue.push(m);
  }
  _die(err, detail) {
    if (this.dead || this.stopping) return;
    if (detail && opt.verbose) process.stderr.write(`[${this.tag}] ${detail}\n`);
    this.dead = err;
    for (const w of this.waiters) w.reject(err);
    this.waiters = [];
  }
  wait(type) {
    let p;
    const i = this.queue.findIndex((m) => m.type === type);
    if (i >= 0) p = Promise.resolve(this.queue.splice(i, 1)[0]);
    else if (this.dead) p = Promise.reject(this.dead);
    else p = new Promise((resolve, reject) => this.waiters.push({ type, resolve, reject }));
    p.catch(() => {}); // the caller awaits it; never let an un-awaited one crash the harness
    return p;
  }
  async stop(graceful) {
    this.stopping = true;
    if (!this.child || this.exited) return;
    if (graceful) {
      this.send({ cmd: "exit" });
      await Promise.race([this.exitPromise, sleep(2000)]);
    }
    if (!this.exited) {
      try {
        this.child.kill("SIGKILL");
      } catch {}
      await Promise.race([this.exitPromise, sleep(2000)]);
    }
  }
}

// A Node peer (bench/peer.mjs), forked at once; control over the fork IPC channel.
class Peer extends PeerBase {
  constructor(impl, tag, hardLimitMs, profName) {
    super(tag);
    const execArgv = [...process.execArgv];
    let env = process.env;
    if (opt.cpuProf) {
      execArgv.push("--cpu-prof", `--cpu-prof-dir=${opt.cpuProf}`, `--cpu-prof-name=${profName}.cpuprofile`);
      env = { ...env, BENCH_PROF_WINDOW: `${opt.cpuProf}/${profName}.window.json` };
    }
    const child = fork(PEER, [impl, String(hardLimitMs)], { stdio: ["ignore", "pipe", "pipe", "ipc"], execArgv, env });
    child.stdout.on("data", (d) => this._output(d));
    child.stderr.on("data", (d) => this._output(d));
    this._attach(child);
    child.on("message", (m) => this._message(m));
  }
  send(m) {
    if (this.exited) return;
    try {
      this.child.send(m);
    } catch {}
  }
}

// An nng peer (bench/nng/nngperf). Its configuration is on the command line, so the process is spawned
// when the "run" command arrives (the harness starts a sender only after its receiver is ready, and a C
// process starts in a few ms, before its first message); "hello" is answered at once. Control: JSON lines
// on stdout, "exit" (or EOF) on stdin.
class NngPeer extends PeerBase {
  constructor(tag) {
    super(tag);
    this.lineBuf = "";
    this.queue.push({ type: "hello", impl: "nng", version: NNG.version });
  }
  send(m) {
    if (m.cmd === "run") {
      if (this.child) return;
      const c = m.cfg;
      const args = [c.role, c.endpoint, String(c.size), String(c.count), "-w", String(c.warmup ?? 0), "-b", String(c.hwm), "-m", "0", "--ctl"];
      const child = spawnChild(NNG.bin, args, { stdio: ["pipe", "pipe", "pipe"] });
      child.stdin.on("error", () => {});
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (d) => {
        if (opt.verbose) process.stderr.write(`[${this.tag}] ${d}`);
        this.lineBuf += d;
        let nl;
        while ((nl = this.lineBuf.indexOf("\n")) >= 0) {
          const line = this.lineBuf.slice(0, nl).trim();
          this.lineBuf = this.lineBuf.slice(nl + 1);
          if (!line) continue;
          let msg;
          try {
            msg = JSON.parse(line);
          } catch {
            this.tail = (this.tail + line + "\n").slice(-1500);
            continue;
          }
          if (msg.type !== "hello") this._message(msg);
        }
      });
      child.stderr.on("data", (d) => this._output(d));
      this._attach(child);
    } else if (m.cmd === "exit") {
      if (!this.child || this.exited) return;
      try {
        this.child.stdin.end("exit\n");
      } catch {}
    }
  }
}

function firstLine(s) {
  return String(s).split("\n")[0];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// cell runners: each returns a metrics object or throws
// ---------------------------------------------------------------------------------------------------------
const RUNNERS = {
  // T1 (and CURVE-T with cell.curve): PUSH -> PULL throughput, timed at the receiver from first to last
  // timed message. CURVE: the PULL is the server and says its public key in "ready"; the PUSH gets it.
  async thr(cell, spawn) {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const rx = spawn("pull");
    const tx = spawn("push");
    const [hello] = await Promise.all([rx.wait("hello"), tx.wait("hello")]);
    const base = { endpoint, hwm: opt.hwm, size: cell.size, count: cell.count, warmup: cell.warmup, curve: !!cell.curve };
    rx.send({ cmd: "run", cfg: { ...base, role: "pull" } });
    const ready = await rx.wait("ready");
    tx.send({ cmd: "run", cfg: { ...base, role: "push", serverKey: ready.serverKey } });
    const [res, sent] = await Promise.all([rx.wait("result"), tx.wait("sent")]);
    if (res.bad) throw new Error(`${res.bad} messages with wrong size`);
    if (cell.curve) checkCurve(ready.sock, sent.sock);
    return {
      rate: res.rate,
      mbps: (res.rate * cell.size) / 1e6,
      sec: res.sec,
      rxCpuUsPerMsg: (res.cpuSec / cell.count) * 1e6,
      txCpuUsPerMsg: (sent.cpuSec / (cell.count + cell.warmup)) * 1e6,
      rxGcMs: res.gcMs,
      rxRss: res.rss,
      txRss: sent.rss,
      sock: { rx: ready.sock, tx: sent.sock },
      version: hello.version,
    };
  },

  // L1: REQ <-> REP round trip, per-RTT latencies measured in the REQ process.
  async lat(cell, spawn) {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const srv = spawn("rep");
    const cli = spawn("req");
    const [hello] = await Promise.all([srv.wait("hello"), cli.wait("hello")]);
    const base = { endpoint, hwm: opt.hwm, size: cell.size, count: cell.count, warmup: cell.warmup };
    srv.send({ cmd: "run", cfg: { ...base, role: "rep" } });
    const ready = await srv.wait("ready");
    cli.send({ cmd: "run", cfg: { ...base, role: "req" } });
    const [res, served] = await Promise.all([cli.wait("result"), srv.wait("served")]);
    if (res.bad) throw new Error(`${res.bad} replies with wrong size`);
    const { type, sock, ...lat } = res;
    return {
      ...lat,
      cliCpuUsPerRtt: (res.cpuSec / cell.count) * 1e6,
      srvCpuUsPerRtt: (served.cpuSec / (cell.count + cell.warmup)) * 1e6,
      sock: { rep: ready.sock, req: sock },
      version: hello.version,
    };
  },

  // CURVE-HS: a client process completes warmup + count CURVE handshakes in turn (connect, its "handshake"
  // event, disconnect) against a server process; rate = timed handshakes per second at the client. The
  // server counts the same handshakes from its own events and must reach the total.
  async hs(cell, spawn) {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const srv = spawn("hsserver");
    const cli = spawn("hsclient");
    const [hello] = await Promise.all([srv.wait("hello"), cli.wait("hello")]);
    const base = { endpoint, hwm: opt.hwm, count: cell.count, warmup: cell.warmup };
    srv.send({ cmd: "run", cfg: { ...base, role: "hsserver" } });
    const ready = await srv.wait("ready");
    cli.send({ cmd: "run", cfg: { ...base, role: "hsclient", serverKey: ready.serverKey } });
    const [res, served] = await Promise.all([cli.wait("result"), srv.wait("served")]);
    checkCurve(ready.sock, res.sock);
    return {
      rate: res.rate,
      sec: res.sec,
      usPerHandshake: (res.sec / cell.count) * 1e6,
      cliCpuUsPerHs: (res.cpuSec / cell.count) * 1e6,
      srvCpuUsPerHs: (served.cpuSec / (cell.count + cell.warmup - 1)) * 1e6, // first to last handshake
      cliGcMs: res.gcMs,
      srvHandshakes: served.handshakes,
      cliRss: res.rss,
      srvRss: served.rss,
      sock: { srv: ready.sock, cli: res.sock },
      version: hello.version,
    };
  },

  // F1: PUB -> N SUB processes, join barrier (every SUB confirms a probe) before timing.
  async fan(cell, spawn) {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const pub = spawn("pub");
    const subs = Array.from({ length: cell.subs }, (_, i) => spawn(`sub${i + 1}`));
    const [hello] = await Promise.all([pub, ...subs].map((p) => p.wait("hello")));
    const base = { endpoint, hwm: opt.hwm, size: cell.size, count: cell.count };
    pub.send({ cmd: "run", cfg: { ...base, role: "pub" } });
    const ready = await pub.wait("ready");
    for (const s of subs) s.send({ cmd: "run", cfg: { ...base, role: "sub" } });
    const subReady = await Promise.all(subs.map((s) => s.wait("ready")));
    pub.send({ cmd: "probe" });
    await Promise.all(subs.map((s) => s.wait("joined")));
    pub.send({ cmd: "start" });
    const [sent, ...res] = await Promise.all([pub.wait("sent"), ...subs.map((s) => s.wait("result"))]);
    const bad = res.reduce((a, r) => a + r.bad, 0);
    if (bad) throw new Error(`${bad} malformed messages at subscribers`);
    const got = res.filter((r) => r.count > 0);
    const delivered = res.reduce((a, r) => a + r.count, 0);
    let rate = 0;
    if (got.length) {
      const t0 = got.reduce((a, r) => (BigInt(r.tFirst) < a ? BigInt(r.tFirst) : a), BigInt(got[0].tFirst));
      const t1 = got.reduce((a, r) => (BigInt(r.tLast) > a ? BigInt(r.tLast) : a), BigInt(got[0].tLast));
      const sec = Number(t1 - t0) / 1e9; // CLOCK_MONOTONIC is shared by all processes on the box
      rate = sec > 0 ? delivered / sec : 0;
    }
    const perSub = res.map((r) => r.rate);
    return {
      rate, // delivered messages, all subscribers, over the common first..last window
      sumOfSubRates: perSub.reduce((a, b) => a + b, 0),
      subMin: Math.min(...perSub),
      subMax: Math.max(...perSub),
      perSubCount: res.map((r) => r.count),
      delivered,
      drops: cell.count * cell.subs - delivered,
      dropPct: (100 * (cell.count * cell.subs - delivered)) / (cell.count * cell.subs),
      pubRate: cell.count / sent.sec,
      pubCpuUsPerMsg: (sent.cpuSec / cell.count) * 1e6,
      mbps: (rate * cell.size) / 1e6,
      sock: { pub: ready.sock, sub: subReady[0].sock },
      version: hello.version,
    };
  },
};

// A CURVE cell's sockets must say they ran CURVE (securityMechanism, read back from each socket).
function checkCurve(...socks) {
  for (const s of socks)
    if (s && "securityMechanism" in s && s.securityMechanism !== "curve")
      throw new Error(`CURVE cell ran with securityMechanism ${JSON.stringify(s.securityMechanism)}`);
}

async function runOnce(cell, impl) {
  const peers = [];
  const hardLimitMs = Math.round(opt.timeout * 1000 + 10_000);
  const spawn = (tag) => {
    const p = impl === "nng" ? new NngPeer(tag) : new Peer(impl, tag, hardLimitMs, `${cell.id}.${impl}.${tag}.r${currentRound + 1}`);
    peers.push(p);
    return p;
  };
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${opt.timeout} s`)), opt.timeout * 1000);
  });
  let ok = false;
  try {
    const r = await Promise.race([RUNNERS[cell.kind](cellFor(cell, impl), spawn), timeout]);
    ok = true;
    return r;
  } finally {
    clearTimeout(timer);
    await Promise.all(peers.map((p) => p.stop(ok)));
  }
}

// ---------------------------------------------------------------------------------------------------------
// nng: build bench/nng/nngperf.c when needed (cc + libnng-dev), else skip the nng cells
// ---------------------------------------------------------------------------------------------------------
const NNG_CC_ARGS = ["-O2", NNG_SRC, "-lnng", "-pthread", "-o"];
function prepareNng() {
  const rel = (f) => f.slice(HERE.length - "bench/".length);
  const fresh = (() => {
    try {
      return statSync(NNG_BIN).mtimeMs >= statSync(NNG_SRC).mtimeMs;
    } catch {
      return false;
    }
  })();
  let built = false;
  if (!fresh) {
    if (!sh("command -v cc")) return { skip: `no C compiler (cc) to build ${rel(NNG_SRC)}` };
    const tmp = `${NNG_BIN}.${process.pid}.tmp`;
    try {
      mkdirSync(fileURLToPath(new URL("./nng/build/", import.meta.url)), { recursive: true });
      execFileSync("cc", [...NNG_CC_ARGS, tmp], { stdio: ["ignore", "pipe", "pipe"] });
      renameSync(tmp, NNG_BIN);
      built = true;
    } catch (e) {
      rmSync(tmp, { force: true });
      const msg = String(e.stderr || e.message || e);
      if (/nng\/nng\.h|nng\/protocol|cannot find -lnng/.test(msg)) return { skip: "libnng-dev not installed" };
      return { error: `cannot build ${rel(NNG_SRC)}: ${firstLine(msg.split("\n").find((l) => /error/.test(l)) || msg)}` };
    }
  }
  try {
    const out = execFileSync(NNG_BIN, ["version"], { stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 }).toString();
    const version = JSON.parse(out.trim().split("\n")[0]).version;
    return { bin: NNG_BIN, version, built, cmd: `cc ${NNG_CC_ARGS.map((a) => (a.startsWith("/") ? rel(a) : a)).join(" ")} ${rel(NNG_BIN)}` };
  } catch (e) {
    const msg = String(e.stderr || e.message || e);
    if (/libnng/.test(msg)) return { skip: "libnng-dev not installed" };
    return { error: `${rel(NNG_BIN)} does not run: ${firstLine(msg)}` };
  }
}
const NNG = Object.values(FAMILIES).some((f) => f.impls.includes("nng")) && CELLS.some((c) => c.family === "sp") ? prepareNng() : null;
if (NNG?.skip) process.stderr.write(`bench: nng cells skipped: ${NNG.skip}\n`);
else if (NNG?.error) process.stderr.write(`bench: nng cells fail: ${NNG.error}\n`);
else if (NNG) process.stderr.write(`bench: nng ${NNG.version}, ${NNG.built ? "built" : "up to date"}: ${NNG.cmd}\n`);

// ---------------------------------------------------------------------------------------------------------
// environment
// ---------------------------------------------------------------------------------------------------------
function sh(cmd) {
  try {
    return execSync(cmd, { cwd: HERE, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    return undefined;
  }
}
function readJson(rel) {
  try {
    return JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8"));
  } catch {
    return {};
  }
}
function envInfo() {
  let cpu = "unknown";
  try {
    const m = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m);
    if (m) cpu = m[1].trim();
  } catch {}
  const commit = sh("git rev-parse --short HEAD");
  return {
    cpu,
    nproc: Number(sh("nproc")) || os.availableParallelism?.() || os.cpus().length,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    v8: process.versions.v8,
    zeromq: readJson("../node_modules/zeromq/package.json").version,
    nng: NNG?.version,
    wasmq: readJson("../package.json").version,
    commit: commit ? commit + (sh("git status --porcelain") ? "-dirty" : "") : "none",
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadavg: os.loadavg().map((x) => +x.toFixed(2)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// statistics + formatting
// ---------------------------------------------------------------------------------------------------------
function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–");
const fmt1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "–");
const fmtRatio = (x) => (Number.isFinite(x) ? x.toFixed(2) : "–");
function fmtRatioRange(rs) {
  const v = rs.filter(Number.isFinite);
  if (!v.length) return "–";
  const m = median(v);
  const mark = Math.abs(m - 1) < 0.1 ? " ~" : "";
  return v.length > 1
    ? `${fmtRatio(m)} (${fmtRatio(Math.min(...v))}–${fmtRatio(Math.max(...v))})${mark}`
    : `${fmtRatio(m)}${mark}`;
}
function failText(runs) {
  const errs = runs.filter((r) => r && r.error);
  if (!errs.length) return "";
  const e = errs.find((r) => !r.skipped) || errs[0];
  return `${e.skipped ? "skipped" : "failed"}: ${(e.short || e.error).replace(/\|/g, "/").slice(0, 160)}`;
}
// summarize a metric across rounds for one impl; returns {value, note}
function agg(runs, key) {
  const ok = runs.filter((r) => r && !r.error);
  if (!ok.length) return { value: NaN, text: failText(runs) || "–" };
  const v = median(ok.map((r) => r[key]));
  const partial = ok.length < runs.length ? ` (${ok.length}/${runs.length}; ${failText(runs)})` : "";
  return { value: v, partial };
}
function perRoundRatios(runsA, runsB, key, invert) {
  const out = [];
  for (let r = 0; r < runsA.length; r++) {
    const a = runsA[r], b = runsB[r];
    if (!a || !b || a.error || b.error) continue;
    out.push(invert ? b[key] / a[key] : a[key] / b[key]);
  }
  return out;
}


// ---------------------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------------------
process.on("unhandledRejection", (e) => process.stderr.write(`(harness) unhandled: ${e && e.message}\n`));

const env = envInfo();
const started = Date.now();
// results[cellIdx][implIdx within the cell's family][round]
const results = CELLS.map((c) => FAMILIES[c.family].impls.map(() => []));
let failures = 0;
let skips = 0;
// an implementation that cannot be loaded (or built) fails every later run the same way, without processes
const unavailable = {};
if (NNG?.skip) unavailable.nng = { error: NNG.skip, skipped: true };
else if (NNG?.error) unavailable.nng = { error: NNG.error };

process.stderr.write(
  `bench: ${Object.entries(FAMILIES).filter(([f]) => CELLS.some((c) => c.family === f)).map(([, f]) => f.labels.join(" vs ")).join("; ")}, ${opt.rounds} round(s), cells ${CELLS.map((c) => c.id).join(" ")}, hwm ${opt.hwm}, scale ${opt.scale}\n`,
);
let currentRound = 0; // names --cpu-prof files
if (opt.cpuProf) {
  mkdirSync(opt.cpuProf, { recursive: true });
  process.stderr.write(`bench: --cpu-prof: Node peers write profiles to ${opt.cpuProf}; this run's figures include the profiler's overhead\n`);
}
for (let round = 0; round < opt.rounds; round++) {
  currentRound = round;
  for (let ci = 0; ci < CELLS.length; ci++) {
    const cell = CELLS[ci];
    const fam = FAMILIES[cell.family];
    const order = fam.impls.map((_, i) => i);
    if (round % 2 === 1) order.reverse(); // AB, BA, AB, ... (ABBA over consecutive rounds)
    for (const ii of order) {
      const impl = fam.impls[ii];
      const t = Date.now();
      let r;
      if (unavailable[impl]) r = { ...unavailable[impl] };
      else {
        try {
          r = await runOnce(cell, impl);
        } catch (e) {
          let msg = firstLine(e && e.message ? e.message : e);
          const load = msg.match(/(?:^|: )(cannot load .*)$/);
          let short;
          if (load) {
            msg = load[1];
            short = msg.match(/^cannot load \S+?(?=:|$)/)[0]; // table text: "cannot load wasmq/sp"
            unavailable[impl] = { error: msg, short };
          }
          r = short ? { error: msg, short } : { error: msg };
        }
      }
      if (r.skipped) skips++;
      else if (r.error) failures++;
      results[ci][ii][round] = r;
      const secs = ((Date.now() - t) / 1000).toFixed(1);
      let line;
      if (r.error) line = `${r.skipped ? "skipped" : "failed"}: ${r.error}`;
      else if (cell.kind === "lat") line = `p50 ${fmt1(r.p50)} µs  p99 ${fmt1(r.p99)} µs  p99.9 ${fmt1(r.p999)} µs`;
      else if (cell.kind === "hs")
        line = `${fmtInt(r.rate)} handshakes/s  (${fmt1(r.usPerHandshake)} µs each; CPU µs cli ${fmt1(r.cliCpuUsPerHs)} / srv ${fmt1(r.srvCpuUsPerHs)}; timed ${r.sec.toFixed(2)} s)`;
      else if (cell.kind === "fan")
        line = `${fmtInt(r.rate)} msg/s delivered, per-sub ${fmtInt(r.subMin)}–${fmtInt(r.subMax)}, drops ${fmtInt(r.drops)} (${r.dropPct.toFixed(1)}%), pub ${fmtInt(r.pubRate)} msg/s`;
      else line = `${fmtInt(r.rate)} msg/s  ${fmt1(r.mbps)} MB/s  (timed ${r.sec.toFixed(2)} s, ${fmtInt(cellFor(cell, impl).count)} msgs)`;
      process.stderr.write(`[round ${round + 1}/${opt.rounds}] ${cell.id.padEnd(10)} ${fam.labels[ii].padEnd(12)} ${line}  [${secs} s]\n`);
    }
  }
}
const elapsed = (Date.now() - started) / 1000;

// --- socket settings actually in effect (as reported by the sockets) ---
const libVersion = {};
const sockSettings = {};
CELLS.forEach((c, ci) =>
  FAMILIES[c.family].labels.forEach((label, ii) => {
    const ok = results[ci][ii].find((r) => r && !r.error);
    if (!ok) return;
    if (ok.version && !libVersion[label]) libVersion[label] = ok.version;
    const roles = (sockSettings[label] ??= {});
    for (const [role, v] of Object.entries(ok.sock || {})) roles[role] ??= v;
  }),
);

// --- markdown ---
const out = [];
// a family's cells of one kind; CURVE cells go in tables of their own (curve: true), the others not
const famCells = (family, kind, curve = false) =>
  CELLS.map((c, i) => [c, i]).filter(([c]) => c.family === family && c.kind === kind && !!c.curve === curve);
// message counts of a cell, per implementation when they differ ("500,000 / 30,000" in column order)
function countText(c, impls) {
  const counts = impls.map((impl) => cellFor(c, impl).count);
  return new Set(counts).size === 1 ? fmtInt(counts[0]) : counts.map(fmtInt).join(" / ");
}

function thrTables(cells, fam, title, cpuNote) {
  if (!cells.length) return;
  const { impls, labels } = fam;
  const two = impls.length === 2;
  const [A, B] = labels;
  out.push(title);
  out.push("");
  const hdr = ["Cell", "Msgs", ...labels.flatMap((l) => [`${l} msg/s`, `${l} MB/s`])];
  if (two) hdr.push(`ratio ${A}/${B}`);
  out.push(`| ${hdr.join(" | ")} |`);
  out.push(`|${hdr.map((_, i) => (i < 1 ? "---" : "---:")).join("|")}|`);
  for (const [c, ci] of cells) {
    const row = [c.id, countText(c, impls)];
    for (let ii = 0; ii < impls.length; ii++) {
      const runs = results[ci][ii];
      const r = agg(runs, "rate");
      if (!Number.isFinite(r.value)) row.push(r.text, "");
      else row.push(fmtInt(r.value) + (r.partial || ""), fmt1(agg(runs, "mbps").value));
    }
    if (two) row.push(fmtRatioRange(perRoundRatios(results[ci][0], results[ci][1], "rate", false)));
    out.push(`| ${row.join(" | ")} |`);
  }
  out.push("");
  out.push(cpuNote);
  out.push("");
  const hdr2 = ["Cell", ...labels.flatMap((l) => [`${l} CPU snd / rcv`, `${l} GC ms`])];
  out.push(`| ${hdr2.join(" | ")} |`);
  out.push(`|${hdr2.map((_, i) => (i < 1 ? "---" : "---:")).join("|")}|`);
  for (const [c, ci] of cells) {
    const row = [c.id];
    for (let ii = 0; ii < impls.length; ii++) {
      const runs = results[ci][ii];
      if (!runs.some((r) => r && !r.error)) row.push("–", "–");
      else
        row.push(
          `${agg(runs, "txCpuUsPerMsg").value.toFixed(2)} / ${agg(runs, "rxCpuUsPerMsg").value.toFixed(2)}`,
          fmt1(agg(runs, "rxGcMs").value),
        );
    }
    out.push(`| ${row.join(" | ")} |`);
  }
  out.push("");
}

function latTable(cells, fam, title) {
  if (!cells.length) return;
  const { impls, labels } = fam;
  const two = impls.length === 2;
  const [A, B] = labels;
  out.push(title);
  out.push("");
  const hdr = ["Cell", "RTTs", ...labels.flatMap((l) => [`${l} p50`, `${l} p99`, `${l} p99.9`, `${l} mean`])];
  if (two) hdr.push(`ratio p50 ${B}/${A}`, `ratio p99 ${B}/${A}`);
  out.push(`| ${hdr.join(" | ")} |`);
  out.push(`|${hdr.map((_, i) => (i < 1 ? "---" : "---:")).join("|")}|`);
  for (const [c, ci] of cells) {
    const row = [c.id, countText(c, impls)];
    for (let ii = 0; ii < impls.length; ii++) {
      const runs = results[ci][ii];
      const r = agg(runs, "p50");
      if (!Number.isFinite(r.value)) row.push(r.text, "", "", "");
      else row.push(fmt1(r.value) + (r.partial || ""), fmt1(agg(runs, "p99").value), fmt1(agg(runs, "p999").value), fmt1(agg(runs, "mean").value));
    }
    if (two)
      row.push(
        fmtRatioRange(perRoundRatios(results[ci][0], results[ci][1], "p50", true)),
        fmtRatioRange(perRoundRatios(results[ci][0], results[ci][1], "p99", true)),
      );
    out.push(`| ${row.join(" | ")} |`);
  }
  out.push("");
}

function hsTable(cells, fam, title) {
  if (!cells.length) return;
  const { impls, labels } = fam;
  const two = impls.length === 2;
  const [A, B] = labels;
  out.push(title);
  out.push("");
  const hdr = ["Cell", "Handshakes", ...labels.flatMap((l) => [`${l} handshakes/s`, `${l} µs each`, `${l} CPU µs cli / srv`])];
  if (two) hdr.push(`ratio ${A}/${B}`);
  out.push(`| ${hdr.join(" | ")} |`);
  out.push(`|${hdr.map((_, i) => (i < 1 ? "---" : "---:")).join("|")}|`);
  for (const [c, ci] of cells) {
    const row = [c.id, fmtInt(c.count)];
    for (let ii = 0; ii < impls.length; ii++) {
      const runs = results[ci][ii];
      const r = agg(runs, "rate");
      if (!Number.isFinite(r.value)) row.push(r.text, "", "");
      else
        row.push(
          fmtInt(r.value) + (r.partial || ""),
          fmt1(agg(runs, "usPerHandshake").value),
          `${fmt1(agg(runs, "cliCpuUsPerHs").value)} / ${fmt1(agg(runs, "srvCpuUsPerHs").value)}`,
        );
    }
    if (two) row.push(fmtRatioRange(perRoundRatios(results[ci][0], results[ci][1], "rate", false)));
    out.push(`| ${row.join(" | ")} |`);
  }
  out.push("");
}

function fanTable(cells, fam, title) {
  if (!cells.length) return;
  const { impls, labels } = fam;
  const two = impls.length === 2;
  const [A, B] = labels;
  out.push(title);
  out.push("");
  const hdr = ["Cell", "Msgs/sub", ...labels.flatMap((l) => [`${l} delivered msg/s`, `${l} per-sub min–max`, `${l} drops`, `${l} pub msg/s`])];
  if (two) hdr.push(`ratio ${A}/${B}`);
  out.push(`| ${hdr.join(" | ")} |`);
  out.push(`|${hdr.map((_, i) => (i < 1 ? "---" : "---:")).join("|")}|`);
  for (const [c, ci] of cells) {
    const row = [c.id, fmtInt(c.count)];
    for (let ii = 0; ii < impls.length; ii++) {
      const runs = results[ci][ii];
      const r = agg(runs, "rate");
      if (!Number.isFinite(r.value)) row.push(r.text, "", "", "");
      else
        row.push(
          fmtInt(r.value) + (r.partial || ""),
          `${fmtInt(agg(runs, "subMin").value)}–${fmtInt(agg(runs, "subMax").value)}`,
          `${fmtInt(agg(runs, "drops").value)} (${agg(runs, "dropPct").value.toFixed(1)}%)`,
          fmtInt(agg(runs, "pubRate").value),
        );
    }
    if (two) row.push(fmtRatioRange(perRoundRatios(results[ci][0], results[ci][1], "rate", false)));
    out.push(`| ${row.join(" | ")} |`);
  }
  out.push("");
}

const ZMQ = FAMILIES.zmq && CELLS.some((c) => c.family === "zmq") ? FAMILIES.zmq : null;
const SP = FAMILIES.sp && CELLS.some((c) => c.family === "sp") ? FAMILIES.sp : null;
out.push(`## wasmq benchmark — ${new Date(started).toISOString()}`);
out.push("");
out.push(`- Machine: ${env.cpu}, nproc ${env.nproc}, ${env.memGiB} GiB, kernel ${env.kernel}, load avg at start ${env.loadavg.join(" ")}`);
{
  const zlabel = ZMQ?.labels.find((l) => l.startsWith("zeromq.js"));
  const parts = [`Node ${env.node} (V8 ${env.v8})`];
  if (ZMQ) parts.push(`zeromq ${env.zeromq ?? "?"} (libzmq ${(zlabel && libVersion[zlabel]) ?? "?"})`);
  parts.push(`wasmq ${env.wasmq} (commit ${env.commit})`);
  for (const [name, v] of [["BENCH_WASMQ_MODULE", process.env.BENCH_WASMQ_MODULE], ["BENCH_WASMQ_SP_MODULE", process.env.BENCH_WASMQ_SP_MODULE]])
    if (v) parts.push(`${name}=${v}`);
  if (SP && SP.impls.includes("nng"))
    parts.push(NNG?.version ? `nng ${NNG.version} (bench/nng/nngperf, \`${NNG.cmd}\`)` : `nng: ${NNG?.skip ? "skipped, " + NNG.skip : NNG?.error ?? "?"}`);
  out.push(`- ${parts.join("; ")}`);
}
out.push(`- Transport tcp://127.0.0.1, peers in separate processes (fresh per cell and round), control over fork IPC${SP ? " (nng: the C program's stdin/stdout)" : ""}; sender: \`await send\` loop, one preallocated payload; receiver: \`await receive()\`${SP ? "; nng: blocking `nng_send` of one preallocated buffer / `nng_recvmsg` + `nng_msg_free`, REP echoes the received message with `nng_sendmsg`" : ""}`);
out.push(`- HWM ${opt.hwm} send+receive on every socket, every implementation; as reported by the sockets: ${Object.entries(sockSettings).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join("; ") || "n/a"}`);
if (SP)
  out.push(
    `- SP: wasmq/sp \`sendHighWaterMark\`/\`receiveHighWaterMark\` ${opt.hwm} (PUSH send, PULL receive, REQ/REP both, as for ZeroMQ), other options default; ` +
      `nng NNG_OPT_SENDBUF/NNG_OPT_RECVBUF = ${Math.min(opt.hwm, 8192)} messages (the HWM${opt.hwm > 8192 ? ", capped at nng's 8192" : ""}; PUSH0 send, PULL0 receive, REQ0/REP0 both), NNG_OPT_RECVMAXSZ 0 (no limit, nng 1.5's default), NNG_OPT_TCP_NODELAY on (nng's default, set explicitly), no raw mode, no contexts. ` +
      `S1-T message counts are per implementation where they differ (column order): nng 1.5's PUSH0/PULL0 runs ~30k msg/s here, so its counts are smaller to keep ~1 s timed windows`,
  );
out.push(`- ${opt.rounds} round(s), implementation order ABBA across rounds; values are medians over rounds; ratio = median of per-round ratios (min–max), "~" marks |r−1| < 0.10 (noise); scale ${opt.scale}; run took ${elapsed.toFixed(0)} s`);
out.push("");

if (ZMQ) {
  thrTables(
    famCells("zmq", "thr"),
    ZMQ,
    `### T1 PUSH→PULL throughput (timed at the receiver, first→last message; MB/s = payload, 10^6 B)`,
    `T1 CPU per message, µs (\`process.cpuUsage()\`, includes libzmq I/O threads): sender / receiver; receiver GC ms in the timed window`,
  );
  latTable(famCells("zmq", "lat"), ZMQ, `### L1 REQ↔REP round-trip time (RTT, not one-way; µs; per-RTT hrtime, after warm-up)`);
  fanTable(famCells("zmq", "fan"), ZMQ, `### F1 PUB→${opt.subs} SUB fan-out (join barrier; delivered = all subscribers over the common first→last window)`);
  thrTables(
    famCells("zmq", "thr", true),
    ZMQ,
    `### CURVE-T PUSH→PULL throughput with CURVE (RFC 26; PULL = CURVE server, PUSH = client, keys from each implementation's curveKeyPair(); timed at the receiver, first→last message; MB/s = payload, 10^6 B)`,
    `CURVE-T CPU per message, µs (\`process.cpuUsage()\`, includes libzmq I/O threads): sender / receiver; receiver GC ms in the timed window`,
  );
  hsTable(
    famCells("zmq", "hs", true),
    ZMQ,
    `### CURVE-HS CURVE handshakes per second (one client socket: connect, its "handshake" event — libzmq's HANDSHAKE_SUCCEEDED — disconnect, in turn, against a server process; timed at the client after warm-up; CPU µs per handshake)`,
  );
}
if (SP) {
  thrTables(
    famCells("sp", "thr"),
    SP,
    `### S1-T SP PUSH0→PULL0 throughput, ${SP.labels.join(" vs ")} (timed at the receiver, first→last message; MB/s = payload, 10^6 B)`,
    `S1-T CPU per message, µs (Node: \`process.cpuUsage()\`; nng: \`getrusage\`, all of nng's threads): sender / receiver; receiver GC ms in the timed window (Node only)`,
  );
  latTable(famCells("sp", "lat"), SP, `### S1-L SP REQ0↔REP0 round-trip time, ${SP.labels.join(" vs ")} (RTT, not one-way; µs; per-RTT monotonic clock, after warm-up)`);
}

const short = [];
let shortest = Infinity;
CELLS.forEach((c, ci) => {
  if (c.kind !== "thr" && c.kind !== "hs") return;
  FAMILIES[c.family].labels.forEach((label, ii) => {
    const s = median(results[ci][ii].filter((r) => r && !r.error).map((r) => r.sec));
    if (s < 0.5) {
      short.push(`${c.id} ${label} ${s.toFixed(2)} s`);
      shortest = Math.min(shortest, s);
    }
  });
});
if (short.length)
  out.push(`Note: short timed windows (${short.join(", ")}); consider --scale ${Math.ceil((opt.scale * 1) / shortest)} for steadier numbers.\n`);
if (failures) out.push(`${failures} cell run(s) failed.\n`);
if (skips) out.push(`${skips} cell run(s) skipped${NNG?.skip ? ` (nng: ${NNG.skip}; the nng cells need cc and libnng-dev: apt-get install -y gcc libnng-dev)` : ""}.\n`);
process.stdout.write(out.join("\n") + "\n");

// --- JSON line ---
if (opt.save) {
  const line = {
    time: new Date(started).toISOString(),
    elapsedSec: +elapsed.toFixed(1),
    env: {
      ...env,
      versions: libVersion,
      libzmq: Object.fromEntries(Object.entries(libVersion).filter(([l]) => FAMILIES.zmq?.labels.includes(l))),
    },
    config: {
      impls: ALL_LABELS,
      families: Object.fromEntries(Object.entries(FAMILIES).map(([f, v]) => [f, v.labels])),
      rounds: opt.rounds, scale: opt.scale, hwm: opt.hwm, subs: opt.subs, only: opt.only || null, sockets: sockSettings,
      modules: { wasmq: process.env.BENCH_WASMQ_MODULE || null, "wasmq-sp": process.env.BENCH_WASMQ_SP_MODULE || null },
      nng: NNG ? { version: NNG.version, cmd: NNG.cmd, skip: NNG.skip, error: NNG.error, bufs: Math.min(opt.hwm, 8192), recvMaxSize: 0 } : undefined,
    },
    cells: CELLS.map((c, ci) => {
      const { impls, labels } = FAMILIES[c.family];
      const two = impls.length === 2;
      const entry = { ...c, runs: Object.fromEntries(labels.map((l, ii) => [l, results[ci][ii]])) };
      if (c.counts) entry.countsByImpl = Object.fromEntries(labels.map((l, ii) => [l, cellFor(c, impls[ii]).count]));
      if (two) {
        const key = c.kind === "lat" ? "p50" : "rate";
        entry.ratio = { key, rounds: perRoundRatios(results[ci][0], results[ci][1], key, c.kind === "lat") };
        entry.ratio.median = median(entry.ratio.rounds);
        if (c.kind === "lat") entry.ratioP99 = perRoundRatios(results[ci][0], results[ci][1], "p99", true);
      }
      entry.median = Object.fromEntries(
        labels.map((l, ii) => {
          const ok = results[ci][ii].filter((r) => r && !r.error);
          const keys =
            c.kind === "lat" ? ["p50", "p99", "p999", "mean"]
            : c.kind === "fan" ? ["rate", "subMin", "subMax", "drops", "pubRate"]
            : c.kind === "hs" ? ["rate", "usPerHandshake", "cliCpuUsPerHs", "srvCpuUsPerHs"]
            : ["rate", "mbps"];
          return [l, ok.length ? Object.fromEntries(keys.map((k) => [k, median(ok.map((r) => r[k]))])) : null];
        }),
      );
      return entry;
    }),
  };
  try {
    appendFileSync(RESULTS, JSON.stringify(line) + "\n");
    process.stderr.write(`appended to ${RESULTS}\n`);
  } catch (e) {
    process.stderr.write(`could not write ${RESULTS}: ${e.message}\n`);
  }
}
process.exitCode = failures ? 1 : 0;
