#!/usr/bin/env node
// Where a peer's time went: a summary of the CPU profiles `node bench/run.mjs --cpu-prof DIR` writes.
//
//   node bench/prof-summary.mjs DIR|FILE.cpuprofile ... [--wat build/release.wat] [--top 15]
//
// For each profile: self time by category (the core's crypto: Salsa20/Poly1305 of seal/open, X25519; the
// CURVE mechanism; the core's allocator and buffers; the host's copies in and out of linear memory; Node's
// socket I/O; GC; idle) and the functions with the most self time, in ms and in µs per message (or per
// handshake). When the peer wrote its timed window (<name>.window.json beside the profile), only the
// samples inside it count. The release build has no name section, so V8 names wasm functions
// "wasm-function[i]"; --wat (default build/release.wat, which the build writes beside release.wasm) gives
// them their AssemblyScript names: it must come from the same build as the profiled module.

import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const args = process.argv.slice(2);
let wat = fileURLToPath(new URL("../build/release.wat", import.meta.url));
let top = 15;
const inputs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--wat") wat = args[++i];
  else if (args[i] === "--top") top = Number(args[++i]);
  else if (args[i] === "--help" || args[i] === "-h") {
    console.log("usage: node bench/prof-summary.mjs DIR|FILE.cpuprofile ... [--wat build/release.wat] [--top 15]");
    process.exit(0);
  } else inputs.push(args[i]);
}
if (!inputs.length) {
  console.error("usage: node bench/prof-summary.mjs DIR|FILE.cpuprofile ... [--wat build/release.wat] [--top 15]");
  process.exit(2);
}

// wasm function index -> name: imported functions first, then the module's own, in .wat order
const wasmNames = [];
if (existsSync(wat)) {
  for (const line of readFileSync(wat, "utf8").split("\n")) {
    let m = line.match(/^ \(import "[^"]*" "[^"]*" \(func (\$\S+)/);
    if (m) wasmNames.push(m[1].slice(1));
    else if ((m = line.match(/^ \(func (\$\S+)/))) wasmNames.push(m[1].slice(1));
  }
} else console.error(`(no ${wat}: wasm functions keep their indices)`);

const CATEGORIES = [
  ["crypto Salsa20 (seal/open keystream)", (f) => /^assembly\/crypto\/salsa20\//.test(f.name)],
  ["crypto Poly1305 (seal/open MAC)", (f) => /^assembly\/crypto\/poly1305\//.test(f.name)],
  ["crypto X25519", (f) => /^assembly\/crypto\/x25519\//.test(f.name)],
  ["crypto box glue", (f) => /^assembly\/crypto\//.test(f.name)],
  ["core CURVE mechanism (boxing frames, nonces)", (f) => /^assembly\/zmtp\/curve/.test(f.name)],
  ["core allocator (tlsf/itcms)", (f) => /^~lib\/rt\//.test(f.name)],
  ["core buffers (Bytes: append/reserve)", (f) => /^assembly\/bytes\//.test(f.name)],
  ["core other (framing, pipes, roles)", (f) => f.wasm],
  ["host copies in/out of linear memory", (f) => /bindings\/core\.js$/.test(f.url) && /^(copyOut|copyIn|writeInput|readFrame|takeOutput)$/.test(f.name)],
  ["host wasmq JS (bindings, sockets)", (f) => /\/(bindings|src)\/[^/]+(\/[^/]+)*\.js$/.test(f.url) && /wasmq|\/work\/|dist\//.test(f.url)],
  ["Node socket I/O (native write/read)", (f) => /^(writeBuffer|writev|writeGeneric|writevGeneric|onStreamRead|Socket\._write\w*|_write|afterWriteDispatched|handleWriteReq)$/.test(f.name) || (f.url === "" && /^(write|read)/i.test(f.name))],
  ["GC", (f) => f.name === "(garbage collector)"],
  ["idle", (f) => f.name === "(idle)"],
  ["other (Node internals, program, harness)", () => true],
];

function frameOf(node) {
  const cf = node.callFrame;
  const m = cf.functionName.match(/^wasm-function\[(\d+)\]$/);
  if (m || cf.url.startsWith("wasm://")) {
    const idx = m ? Number(m[1]) : -1;
    const name = m ? wasmNames[idx] ?? cf.functionName : cf.functionName.replace(/^\$/, "");
    return { name, url: cf.url, wasm: true, key: `wasm ${name}` };
  }
  const name = cf.functionName || "(anonymous)";
  const file = cf.url ? cf.url.replace(/^file:\/\//, "") : "";
  const short = file ? `${file.split("/").slice(-2).join("/")}:${cf.lineNumber + 1}` : "";
  return { name, url: file, wasm: false, key: short ? `${name} ${short}` : name };
}

function summarize(file) {
  const prof = JSON.parse(readFileSync(file, "utf8"));
  const winFile = file.replace(/\.cpuprofile$/, ".window.json");
  const win = existsSync(winFile) ? JSON.parse(readFileSync(winFile, "utf8")) : null;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map(); // node id -> µs
  let t = prof.startTime;
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i];
    // a sample's time is the gap to the next sample
    const dt = i + 1 < prof.timeDeltas.length ? prof.timeDeltas[i + 1] : 0;
    if (win && (t < win.t0 || t > win.t1)) continue;
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const fns = new Map();
  const cats = new Map(CATEGORIES.map(([c]) => [c, 0]));
  for (const [id, us] of self) {
    const f = frameOf(byId.get(id));
    const cat = CATEGORIES.find(([, test]) => test(f))[0];
    const e = fns.get(f.key) ?? { key: f.key, cat, us: 0 };
    e.us += us;
    fns.set(f.key, e);
    cats.set(cat, cats.get(cat) + us);
  }
  const idle = cats.get("idle");
  const busy = total - idle;
  const n = win?.n;
  const per = (us) => (n ? `${(us / n).toFixed(2).padStart(9)} µs/op` : "");
  const pct = (us) => `${((100 * us) / (busy || 1)).toFixed(1).padStart(5)}%`;
  const ms = (us) => `${(us / 1000).toFixed(1).padStart(8)} ms`;
  console.log(`\n== ${path.basename(file)}`);
  console.log(
    win
      ? `timed window ${((win.t1 - win.t0) / 1e6).toFixed(3)} s, ${n} ops (${win.role}); sampled ${ms(total).trim()}, busy (not idle) ${ms(busy).trim()}` +
          (n ? ` = ${(busy / n).toFixed(2)} µs/op` : "")
      : `whole process (no window file); sampled ${ms(total).trim()}, busy ${ms(busy).trim()}`,
  );
  console.log("-- self time by category (% of busy)");
  for (const [c, us] of [...cats].sort((a, b) => b[1] - a[1])) if (us > 0) console.log(`${ms(us)} ${c === "idle" ? "      " : pct(us)} ${per(us)}  ${c}`);
  console.log(`-- top ${top} functions by self time`);
  for (const e of [...fns.values()].filter((e) => e.cat !== "idle").sort((a, b) => b.us - a.us).slice(0, top))
    console.log(`${ms(e.us)} ${pct(e.us)} ${per(e.us)}  ${e.key}`);
}

const files = [];
for (const inp of inputs) {
  if (statSync(inp).isDirectory()) {
    for (const f of readdirSync(inp).sort()) if (f.endsWith(".cpuprofile")) files.push(path.join(inp, f));
  } else files.push(inp);
}
for (const f of files) summarize(f);
