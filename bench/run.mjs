#!/usr/bin/env node
// wasmq vs zeromq.js benchmark harness (methodology: shared/reference/performance.md §0, §4.1, §4.3, §4.4, §4.6).
//
//   npm run bench                         full default run (wasmq vs zeromq.js, 5 rounds, all cells)
//   node bench/run.mjs --help             flags
//
// Every measured socket lives in its own forked process (bench/peer.mjs); control traffic uses the fork IPC
// channel only. Fresh processes for every cell × implementation × round. Both ends of a cell use the same
// implementation. Implementations are interleaved ABBA across rounds; ratios are computed per round and the
// median is reported. One JSON line per run is appended to bench/results.jsonl.

import { fork, execSync } from "node:child_process";
import { readFileSync, appendFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import net from "node:net";
import os from "node:os";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const PEER = fileURLToPath(new URL("./peer.mjs", import.meta.url));
const RESULTS = fileURLToPath(new URL("./results.jsonl", import.meta.url));

// ---------------------------------------------------------------------------------------------------------
// options
// ---------------------------------------------------------------------------------------------------------
const HELP = `usage: node bench/run.mjs [flags]        (npm run bench -- [flags])

  --impls A,B        implementations for the two columns (default wasmq,zeromq; env BENCH_IMPLS).
                     names: wasmq | zeromq (aliases zeromq.js, zmqjs). The ratio is A/B (latency B/A).
                     "--impls zeromq,zeromq" validates the harness without wasmq; one name = no ratio.
  --rounds N         rounds per cell, ABBA-interleaved (default 5, ~3.5 min on 2 cores; env BENCH_ROUNDS)
  --only X,Y         restrict cells: groups t1|push|pull, l1|req|rep|lat, f1|pub|sub|fan, or cell ids /
                     id prefixes such as t1-16b, t1-64kib, l1-4kib, f1x4-256b (env BENCH_ONLY)
  --quick            smoke run: 1 round (unless --rounds), message counts x0.25 (env BENCH_QUICK=1)
  --scale F          multiply all message counts by F (default 1; env BENCH_SCALE)
  --hwm N            send/receive high-water mark on every socket, both impls (default 1000; env BENCH_HWM)
  --subs N           subscriber processes in F1 (default 4; env BENCH_SUBS)
  --timeout S        hard limit per cell run in seconds, all its processes are killed after it
                     (default 60 x max(1, scale))
  --no-save          do not append to bench/results.jsonl
  --verbose          forward the peers' stdout/stderr to stderr
  --help

Environment: BENCH_WASMQ_MODULE overrides the module the "wasmq" peers import (default "wasmq/zmq").
Output: Markdown tables on stdout, progress on stderr. Exit status 0 iff every cell run succeeded.`;

function parseArgs(argv) {
  const env = process.env;
  const o = {
    impls: env.BENCH_IMPLS || "wasmq,zeromq",
    rounds: env.BENCH_ROUNDS ? Number(env.BENCH_ROUNDS) : undefined,
    only: env.BENCH_ONLY || "",
    quick: env.BENCH_QUICK === "1" || env.BENCH_QUICK === "true",
    scale: env.BENCH_SCALE ? Number(env.BENCH_SCALE) : undefined,
    hwm: Number(env.BENCH_HWM || 1000),
    subs: Number(env.BENCH_SUBS || 4),
    timeout: undefined,
    save: true,
    verbose: false,
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
      case "--help": case "-h": console.log(HELP); process.exit(0);
      default: die(`unknown argument ${argv[i]}\n\n${HELP}`);
    }
  }
  if (o.rounds === undefined) o.rounds = o.quick ? 1 : 5;
  if (o.scale === undefined) o.scale = o.quick ? 0.25 : 1;
  if (o.timeout === undefined) o.timeout = 60 * Math.max(1, o.scale);
  for (const k of ["rounds", "scale", "hwm", "subs", "timeout"])
    if (!(o[k] > 0) || !Number.isFinite(o[k])) die(`bad value for --${k}: ${o[k]}`);
  const alias = { zeromq: "zeromq", "zeromq.js": "zeromq", zmqjs: "zeromq", zmq: "zeromq", wasmq: "wasmq" };
  o.implList = o.impls.split(",").map((s) => s.trim()).filter(Boolean).map((s) => {
    const n = alias[s.toLowerCase()];
    if (!n) die(`unknown implementation "${s}" (wasmq | zeromq)`);
    return n;
  });
  if (o.implList.length < 1 || o.implList.length > 2) die("--impls takes one or two names");
  return o;
}
function die(msg) {
  console.error(msg);
  process.exit(2);
}

const opt = parseArgs(process.argv.slice(2));
const IMPLS = opt.implList;
const LABELS = IMPLS.map((n, i) => {
  const base = n === "zeromq" ? "zeromq.js" : n;
  return IMPLS.indexOf(n) !== i ? `${base} #${i + 1}` : base;
});

// ---------------------------------------------------------------------------------------------------------
// cells (counts sized for ~1-2 s per run at zeromq.js speed on the 2-core CI box, §0)
// ---------------------------------------------------------------------------------------------------------
const sizeLabel = (n) => (n >= 1024 ? `${n / 1024}KiB` : `${n}B`);
const sc = (n) => Math.max(10, Math.round(n * opt.scale));
const ALL_CELLS = [];
for (const [size, count] of [[16, 500_000], [256, 450_000], [4096, 250_000], [65536, 40_000]]) {
  const c = sc(count);
  ALL_CELLS.push({ id: `T1-${sizeLabel(size)}`, group: "t1", kind: "thr", size, count: c, warmup: Math.max(1, Math.round(c * 0.1)) });
}
for (const size of [16, 4096]) {
  ALL_CELLS.push({ id: `L1-${sizeLabel(size)}`, group: "l1", kind: "lat", size, count: sc(20_000), warmup: Math.max(1, sc(2_000)) });
}
for (const [size, count] of [[16, 300_000], [256, 250_000]]) {
  ALL_CELLS.push({ id: `F1x${opt.subs}-${sizeLabel(size)}`, group: "f1", kind: "fan", size, count: sc(count), subs: opt.subs });
}
const GROUPS = { t1: "t1", push: "t1", pull: "t1", thr: "t1", l1: "l1", req: "l1", rep: "l1", lat: "l1", f1: "f1", pub: "f1", sub: "f1", fan: "f1" };
const onlyTokens = opt.only.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
const CELLS = ALL_CELLS.filter(
  (c) => onlyTokens.length === 0 || onlyTokens.some((t) => GROUPS[t] === c.group || c.id.toLowerCase().startsWith(t)),
);
if (CELLS.length === 0) die(`--only ${opt.only} matches no cell (cells: ${ALL_CELLS.map((c) => c.id).join(", ")})`);

// ---------------------------------------------------------------------------------------------------------
// peers
// ---------------------------------------------------------------------------------------------------------
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Peer {
  constructor(impl, tag, hardLimitMs) {
    this.tag = tag;
    this.tail = "";
    this.queue = [];
    this.waiters = [];
    this.dead = null;
    this.stopping = false;
    this.exited = false;
    this.child = fork(PEER, [impl, String(hardLimitMs)], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
    const onData = (d) => {
      this.tail = (this.tail + d).slice(-1500);
      if (opt.verbose) process.stderr.write(`[${tag}] ${d}`);
    };
    this.child.stdout.on("data", onData);
    this.child.stderr.on("data", onData);
    this.exitPromise = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        this.exited = true;
        const tail = this.tail.trim() ? `: ${this.tail.trim().split("\n").slice(-3).join(" | ")}` : "";
        this._die(new Error(`${tag} exited early (code ${code}, signal ${signal})${tail}`));
        resolve();
      });
    });
    this.child.on("error", (e) => this._die(e));
    this.child.on("message", (m) => {
      if (m && m.type === "error") return this._die(new Error(`${tag}: ${firstLine(m.message)}`), m.message);
      const i = this.waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
      else this.queue.push(m);
    });
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
  send(m) {
    if (this.exited) return;
    try {
      this.child.send(m);
    } catch {}
  }
  async stop(graceful) {
    this.stopping = true;
    if (this.exited) return;
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
  // T1: PUSH -> PULL throughput, timed at the receiver from first to last timed message.
  async thr(cell, spawn) {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const rx = spawn("pull");
    const tx = spawn("push");
    const [hello] = await Promise.all([rx.wait("hello"), tx.wait("hello")]);
    const base = { endpoint, hwm: opt.hwm, size: cell.size, count: cell.count, warmup: cell.warmup };
    rx.send({ cmd: "run", cfg: { ...base, role: "pull" } });
    const ready = await rx.wait("ready");
    tx.send({ cmd: "run", cfg: { ...base, role: "push" } });
    const [res, sent] = await Promise.all([rx.wait("result"), tx.wait("sent")]);
    if (res.bad) throw new Error(`${res.bad} messages with wrong size`);
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

async function runOnce(cell, impl) {
  const peers = [];
  const hardLimitMs = Math.round(opt.timeout * 1000 + 10_000);
  const spawn = (tag) => {
    const p = new Peer(impl, tag, hardLimitMs);
    peers.push(p);
    return p;
  };
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${opt.timeout} s`)), opt.timeout * 1000);
  });
  let ok = false;
  try {
    const r = await Promise.race([RUNNERS[cell.kind](cell, spawn), timeout]);
    ok = true;
    return r;
  } finally {
    clearTimeout(timer);
    await Promise.all(peers.map((p) => p.stop(ok)));
  }
}

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
  return `failed: ${errs[0].error.replace(/\|/g, "/").slice(0, 160)}`;
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
// results[cellIdx][implIdx][round]
const results = CELLS.map(() => IMPLS.map(() => []));
let failures = 0;

process.stderr.write(
  `bench: ${LABELS.join(" vs ")}, ${opt.rounds} round(s), cells ${CELLS.map((c) => c.id).join(" ")}, hwm ${opt.hwm}, scale ${opt.scale}\n`,
);
for (let round = 0; round < opt.rounds; round++) {
  const order = IMPLS.map((_, i) => i);
  if (round % 2 === 1) order.reverse(); // AB, BA, AB, ... (ABBA over consecutive rounds)
  for (let ci = 0; ci < CELLS.length; ci++) {
    const cell = CELLS[ci];
    for (const ii of order) {
      const t = Date.now();
      let r;
      try {
        r = await runOnce(cell, IMPLS[ii]);
      } catch (e) {
        r = { error: firstLine(e && e.message ? e.message : e) };
        failures++;
      }
      results[ci][ii][round] = r;
      const secs = ((Date.now() - t) / 1000).toFixed(1);
      let line;
      if (r.error) line = `failed: ${r.error}`;
      else if (cell.kind === "lat") line = `p50 ${fmt1(r.p50)} µs  p99 ${fmt1(r.p99)} µs  p99.9 ${fmt1(r.p999)} µs`;
      else if (cell.kind === "fan")
        line = `${fmtInt(r.rate)} msg/s delivered, per-sub ${fmtInt(r.subMin)}–${fmtInt(r.subMax)}, drops ${fmtInt(r.drops)} (${r.dropPct.toFixed(1)}%), pub ${fmtInt(r.pubRate)} msg/s`;
      else line = `${fmtInt(r.rate)} msg/s  ${fmt1(r.mbps)} MB/s  (timed ${r.sec.toFixed(2)} s)`;
      process.stderr.write(`[round ${round + 1}/${opt.rounds}] ${cell.id.padEnd(10)} ${LABELS[ii].padEnd(12)} ${line}  [${secs} s]\n`);
    }
  }
}
const elapsed = (Date.now() - started) / 1000;

// --- socket settings actually in effect (as reported by the sockets) ---
const libzmq = {};
const sockSettings = {};
CELLS.forEach((c, ci) =>
  IMPLS.forEach((_, ii) => {
    const ok = results[ci][ii].find((r) => r && !r.error);
    if (!ok) return;
    if (ok.version && !libzmq[LABELS[ii]]) libzmq[LABELS[ii]] = ok.version;
    const roles = (sockSettings[LABELS[ii]] ??= {});
    for (const [role, v] of Object.entries(ok.sock || {})) roles[role] ??= v;
  }),
);

// --- markdown ---
const two = IMPLS.length === 2;
const [A, B] = LABELS;
const out = [];
out.push(`## wasmq benchmark — ${new Date(started).toISOString()}`);
out.push("");
out.push(`- Machine: ${env.cpu}, nproc ${env.nproc}, ${env.memGiB} GiB, kernel ${env.kernel}, load avg at start ${env.loadavg.join(" ")}`);
out.push(`- Node ${env.node} (V8 ${env.v8}); zeromq ${env.zeromq ?? "?"} (libzmq ${libzmq["zeromq.js"] ?? libzmq[LABELS.find((l) => l.startsWith("zeromq.js"))] ?? "?"}); wasmq ${env.wasmq} (commit ${env.commit})`);
out.push(`- Transport tcp://127.0.0.1, peers in separate forked processes (fresh per cell and round), control over fork IPC; sender: \`await send\` loop, one preallocated payload; receiver: \`await receive()\``);
out.push(`- HWM ${opt.hwm} send+receive on every socket, both implementations; as reported by the sockets: ${Object.entries(sockSettings).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join("; ") || "n/a"}`);
out.push(`- ${opt.rounds} round(s), implementation order ABBA across rounds; values are medians over rounds; ratio = median of per-round ratios (min–max), "~" marks |r−1| < 0.10 (noise); scale ${opt.scale}; run took ${elapsed.toFixed(0)} s`);
out.push("");

const thrCells = CELLS.map((c, i) => [c, i]).filter(([c]) => c.kind === "thr");
if (thrCells.length) {
  out.push(`### T1 PUSH→PULL throughput (timed at the receiver, first→last message; MB/s = payload, 10^6 B)`);
  out.push("");
  const hdr = ["Cell", "Msgs", ...LABELS.flatMap((l) => [`${l} msg/s`, `${l} MB/s`])];
  if (two) hdr.push(`ratio ${A}/${B}`);
  out.push(`| ${hdr.join(" | ")} |`);
  out.push(`|${hdr.map((_, i) => (i < 1 ? "---" : "---:")).join("|")}|`);
  for (const [c, ci] of thrCells) {
    const row = [c.id, fmtInt(c.count)];
    for (let ii = 0; ii < IMPLS.length; ii++) {
      const runs = results[ci][ii];
      const r = agg(runs, "rate");
      if (!Number.isFinite(r.value)) row.push(r.text, "");
      else row.push(fmtInt(r.value) + (r.partial || ""), fmt1(agg(runs, "mbps").value));
    }
    if (two) row.push(fmtRatioRange(perRoundRatios(results[ci][0], results[ci][1], "rate", false)));
    out.push(`| ${row.join(" | ")} |`);
  }
  out.push("");
}

if (thrCells.length) {
  out.push(`T1 CPU per message, µs (\`process.cpuUsage()\`, includes libzmq I/O threads): sender / receiver; receiver GC ms in the timed window`);
  out.push("");
  const hdr = ["Cell", ...LABELS.flatMap((l) => [`${l} CPU snd / rcv`, `${l} GC ms`])];
  out.push(`| ${hdr.join(" | ")} |`);
  out.push(`|${hdr.map((_, i) => (i < 1 ? "---" : "---:")).join("|")}|`);
  for (const [c, ci] of thrCells) {
    const row = [c.id];
    for (let ii = 0; ii < IMPLS.length; ii++) {
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

const latCells = CELLS.map((c, i) => [c, i]).filter(([c]) => c.kind === "lat");
if (latCells.length) {
  out.push(`### L1 REQ↔REP round-trip time (RTT, not one-way; µs; per-RTT hrtime, after warm-up)`);
  out.push("");
  const hdr = ["Cell", "RTTs", ...LABELS.flatMap((l) => [`${l} p50`, `${l} p99`, `${l} p99.9`, `${l} mean`])];
  if (two) hdr.push(`ratio p50 ${B}/${A}`, `ratio p99 ${B}/${A}`);
  out.push(`| ${hdr.join(" | ")} |`);
  out.push(`|${hdr.map((_, i) => (i < 1 ? "---" : "---:")).join("|")}|`);
  for (const [c, ci] of latCells) {
    const row = [c.id, fmtInt(c.count)];
    for (let ii = 0; ii < IMPLS.length; ii++) {
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

const fanCells = CELLS.map((c, i) => [c, i]).filter(([c]) => c.kind === "fan");
if (fanCells.length) {
  out.push(`### F1 PUB→${opt.subs} SUB fan-out (join barrier; delivered = all subscribers over the common first→last window)`);
  out.push("");
  const hdr = ["Cell", "Msgs/sub", ...LABELS.flatMap((l) => [`${l} delivered msg/s`, `${l} per-sub min–max`, `${l} drops`, `${l} pub msg/s`])];
  if (two) hdr.push(`ratio ${A}/${B}`);
  out.push(`| ${hdr.join(" | ")} |`);
  out.push(`|${hdr.map((_, i) => (i < 1 ? "---" : "---:")).join("|")}|`);
  for (const [c, ci] of fanCells) {
    const row = [c.id, fmtInt(c.count)];
    for (let ii = 0; ii < IMPLS.length; ii++) {
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

const short = [];
let shortest = Infinity;
CELLS.forEach((c, ci) => {
  if (c.kind !== "thr") return;
  IMPLS.forEach((_, ii) => {
    const s = median(results[ci][ii].filter((r) => r && !r.error).map((r) => r.sec));
    if (s < 0.5) {
      short.push(`${c.id} ${LABELS[ii]} ${s.toFixed(2)} s`);
      shortest = Math.min(shortest, s);
    }
  });
});
if (short.length)
  out.push(`Note: short timed windows (${short.join(", ")}); consider --scale ${Math.ceil((opt.scale * 1) / shortest)} for steadier numbers.\n`);
if (failures) out.push(`${failures} cell run(s) failed.\n`);
process.stdout.write(out.join("\n") + "\n");

// --- JSON line ---
if (opt.save) {
  const line = {
    time: new Date(started).toISOString(),
    elapsedSec: +elapsed.toFixed(1),
    env: { ...env, libzmq },
    config: { impls: LABELS, rounds: opt.rounds, scale: opt.scale, hwm: opt.hwm, subs: opt.subs, only: opt.only || null, sockets: sockSettings },
    cells: CELLS.map((c, ci) => {
      const entry = { ...c, runs: Object.fromEntries(LABELS.map((l, ii) => [l, results[ci][ii]])) };
      if (two) {
        const key = c.kind === "lat" ? "p50" : "rate";
        entry.ratio = { key, rounds: perRoundRatios(results[ci][0], results[ci][1], key, c.kind === "lat") };
        entry.ratio.median = median(entry.ratio.rounds);
        if (c.kind === "lat") entry.ratioP99 = perRoundRatios(results[ci][0], results[ci][1], "p99", true);
      }
      entry.median = Object.fromEntries(
        LABELS.map((l, ii) => {
          const ok = results[ci][ii].filter((r) => r && !r.error);
          const keys = c.kind === "lat" ? ["p50", "p99", "p999", "mean"] : c.kind === "fan" ? ["rate", "subMin", "subMax", "drops", "pubRate"] : ["rate", "mbps"];
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
