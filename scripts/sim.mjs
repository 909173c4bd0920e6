#!/usr/bin/env node
// The network simulator's command line (npm run sim). Runs seeds of the
// scenarios in test/sim/helpers/scenarios.mjs against dist/ (npm run build
// first), checks every invariant, and for each failure prints the seed, the
// invariant, a shrunk schedule and its trace, and the command that replays it.
// Exit code 1 on any failure.
//
//   npm run sim                                    20 seeds of every scenario
//   npm run sim -- --seeds 200                     200 seeds (1..200) of every scenario
//   npm run sim -- --scenario sp-bus --seeds 50    one scenario
//   npm run sim -- --scenario zmq-pushpull --seed 17            replay one run, with its trace
//   npm run sim -- --scenario zmq-pushpull --seed 17 --faults 3,8   replay with only those faults
//   options: --steps K (active steps per run, default 600), --first-seed N,
//            --no-shrink, --verbose (a line per run), --list
import { runSim } from "../test/sim/helpers/sim.mjs";
import { shrink } from "../test/sim/helpers/shrink.mjs";
import { generateFaults, faultsById, describe } from "../test/sim/helpers/faults.mjs";
import { SCENARIOS, DEFAULT_SCENARIOS } from "../test/sim/helpers/scenarios.mjs";
import { formatFailure, formatPass, traceTail } from "../test/sim/helpers/report.mjs";

function parseArgs(argv) {
  const o = { seeds: 20, firstSeed: 1, steps: 600, shrink: true, verbose: false, scenarios: [], seed: null, faults: null, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = () => {
      const v = Number(val());
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a whole number`);
      return v;
    };
    switch (a) {
      case "--seeds": o.seeds = num(); break;
      case "--first-seed": o.firstSeed = num(); break;
      case "--seed": o.seed = num(); break;
      case "--steps": o.steps = num(); break;
      case "--scenario": o.scenarios.push(...val().split(",")); break;
      case "--faults": { const v = val(); o.faults = v === "none" ? [] : v.split(",").map(Number); break; }
      case "--no-shrink": o.shrink = false; break;
      case "--verbose": case "-v": o.verbose = true; break;
      case "--list": o.list = true; break;
      case "--help": case "-h": o.help = true; break;
      default: throw new Error(`unknown option ${a} (try --help)`);
    }
  }
  for (const s of o.scenarios) if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s} (try --list)`);
  return o;
}

const HELP = `npm run sim -- [--seeds N] [--first-seed N] [--steps K] [--scenario NAME[,NAME]]
               [--seed S [--faults ID,ID|none]] [--no-shrink] [--verbose] [--list]`;

function replay(o) {
  const name = o.scenarios[0];
  if (!name || o.scenarios.length > 1) throw new Error("--seed replays one run: give exactly one --scenario");
  const sc = SCENARIOS[name];
  const faults = o.faults ? faultsById(sc, o.seed, o.faults) : generateFaults(sc, o.seed, o.steps);
  const r = runSim(name, o.seed, { steps: o.steps, faults });
  console.log(`${name} seed ${o.seed}, ${o.steps} steps: ${sc.title}`);
  console.log(`schedule (${o.faults ? `faults ${o.faults.join(",") || "none"} of the seed's sequence` : "the seed's"}):`);
  for (const f of faults) console.log(`  ${describe(f)}`);
  console.log("trace:");
  for (const l of traceTail(r, Infinity)) console.log(`  ${l}`);
  if (r.ok) { console.log(formatPass(r)); return true; }
  const s = o.shrink ? shrink(name, o.seed, o.steps, r.failure, { faults }) : null;
  console.log(formatFailure(r, s));
  return false;
}

function sweep(o) {
  const names = o.scenarios.length ? o.scenarios : DEFAULT_SCENARIOS;
  const t0 = performance.now();
  let runs = 0;
  let failed = 0;
  for (const name of names) {
    const t1 = performance.now();
    let bad = 0;
    for (let seed = o.firstSeed; seed < o.firstSeed + o.seeds; seed++) {
      const r = runSim(name, seed, { steps: o.steps });
      runs++;
      if (r.ok) { if (o.verbose) console.log(formatPass(r)); continue; }
      bad++;
      const s = o.shrink ? shrink(name, seed, o.steps, r.failure) : null;
      console.log(formatFailure(r, s));
    }
    failed += bad;
    const secs = ((performance.now() - t1) / 1000).toFixed(1);
    console.log(`${bad ? "FAIL" : "ok  "} ${name}: ${o.seeds - bad}/${o.seeds} seeds passed (${secs} s)`);
  }
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`${runs} runs of ${o.steps} steps, ${failed} failed, ${secs} s`);
  return failed === 0;
}

let o;
try {
  o = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(err.message);
  console.error(HELP);
  process.exit(2);
}
if (o.help) { console.log(HELP); process.exit(0); }
if (o.list) {
  for (const s of Object.values(SCENARIOS)) console.log(`${s.name.padEnd(20)} ${s.title}${s.broken ? " [not run by default]" : ""}`);
  process.exit(0);
}
const ok = o.seed !== null ? replay(o) : sweep(o);
process.exit(ok ? 0 : 1);
