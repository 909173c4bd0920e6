#!/usr/bin/env node
// `npm run fuzz`: runs every fuzz target (or those named) for a while, with
// the seeds and regression inputs under test/fixtures/fuzz/ first, and prints
// per target how many inputs ran and survived. A failing input is shrunk,
// written to test/fixtures/fuzz/crashes/<target>-<hash>.bin, and printed
// with the command that replays it.
//
//   node fuzz/run.mjs [--target NAME[,NAME]] [--runs N | --seconds S] [--seed S]
//   node fuzz/run.mjs --replay FILE...     one input per file, with its oracles
//   node fuzz/run.mjs --trace FILE         what happened (core targets: the trace)
//   node fuzz/run.mjs --list
//
// Options: --no-save (do not write crash files), --no-shrink, --verbose.
// The default is 30 seconds per target; --runs bounds by inputs instead
// (what test/fuzz does). Exit status 1 if anything failed.
import { parseArgs } from "node:util";
import { relative } from "node:path";
import { NAMES, loadTarget } from "./targets/index.mjs";
import { fuzz, runOne, shrink, signature } from "./lib/engine.mjs";
import { storedInputs, saveCrash, readInput, targetOfPath } from "./lib/corpus.mjs";
import { KNOWN_SIGNATURES } from "../test/fuzz/helpers/known-bugs.mjs";

const { values, positionals } = parseArgs({
  options: {
    target: { type: "string", multiple: true },
    runs: { type: "string" },
    seconds: { type: "string" },
    seed: { type: "string" },
    replay: { type: "boolean" },
    trace: { type: "boolean" },
    list: { type: "boolean" },
    "no-save": { type: "boolean" },
    "no-shrink": { type: "boolean" },
    verbose: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
  allowPositionals: true,
});

const rel = (p) => relative(process.cwd(), p) || p;

function describeError(e) {
  return e && e.oracle ? `[${e.oracle}] ${e.message}` : `[fuzzer error] ${e && e.stack ? e.stack : e}`;
}

async function replay(files) {
  let failed = 0;
  for (const file of files) {
    const name = values.target?.[0] ?? targetOfPath(file);
    const target = await loadTarget(name);
    const input = readInput(file);
    const res = await runOne(target, input);
    if (res.ok) console.log(`${rel(file)} (${name}): survived`);
    else {
      failed++;
      console.log(`${rel(file)} (${name}): FAILED ${describeError(res.error)}`);
      if (target.describe) console.log(target.describe(input).split("\n").map((l) => `    ${l}`).join("\n"));
    }
  }
  await closeTargets();
  process.exit(failed ? 1 : 0);
}

const loaded = [];
async function closeTargets() {
  for (const t of loaded) if (t.close) await t.close();
}

async function main() {
  if (values.help) {
    console.log("usage: node fuzz/run.mjs [--target NAME] [--runs N | --seconds S] [--seed S] [--no-save] [--no-shrink]\n       node fuzz/run.mjs --replay FILE...\n       node fuzz/run.mjs --list");
    return;
  }
  if (values.list) {
    for (const n of NAMES) console.log(`${n.padEnd(11)} ${(await loadTarget(n)).description}`);
    return;
  }
  if (values.replay) return replay(positionals);
  if (values.trace) {
    for (const file of positionals) {
      const target = await loadTarget(values.target?.[0] ?? targetOfPath(file));
      const input = readInput(file);
      console.log(`${rel(file)}\n${target.describe(input)}`);
      if (target.trace) console.log(target.trace(input).map((l, i) => `  ${String(i).padStart(3)} ${l}`).join("\n"));
    }
    return;
  }

  const names = values.target ? values.target.flatMap((t) => t.split(",")) : NAMES;
  const runs = values.runs ? Number(values.runs) : Infinity;
  const seconds = values.seconds ? Number(values.seconds) : values.runs ? Infinity : 30;
  const seed = values.seed !== undefined ? Number(values.seed) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
  console.log(`fuzz: seed ${seed}, ${runs === Infinity ? `${seconds} s` : `${runs} inputs`} per target (${names.join(", ")})`);

  let anyFailed = false;
  const summary = [];
  for (const name of names) {
    const target = await loadTarget(name);
    loaded.push(target);
    const stored = storedInputs(name);
    const result = await fuzz(target, {
      runs, seconds, seed, corpus: stored.map((s) => s.input),
      onFailure: async (f) => {
        // A bug already on test/fuzz/helpers/known-bugs.mjs: reported, not saved again.
        if (KNOWN_SIGNATURES.has(f.sig)) { console.log(`\n${name}: known bug found again (test/fuzz/helpers/known-bugs.mjs): ${f.sig}`); return; }
        anyFailed = true;
        const small = values["no-shrink"] ? f.input : await shrink(target, f.input, f.sig);
        const where = values["no-save"] ? null : saveCrash(name, small);
        console.log(`\n${name}: FAILURE ${describeError(f.error)}`);
        if (target.describe) console.log(target.describe(small).split("\n").slice(0, 40).map((l) => `    ${l}`).join("\n"));
        if (where) console.log(`  saved ${rel(where)} (${small.length} bytes)\n  replay: node fuzz/run.mjs --replay ${rel(where)}`);
      },
    });
    if (target.close) await target.close();
    const secs = result.ms / 1000;
    const known = result.failures.filter((f) => KNOWN_SIGNATURES.has(f.sig)).length;
    const line = `${name}: ${result.ran} inputs, ${result.survived} survived, ${result.failures.length - known} new distinct failure(s)${known ? ` (+${known} known)` : ""}; ` +
      `${stored.length} stored inputs, corpus ${result.corpus.length}, ${result.features} features, ${secs.toFixed(1)} s (${Math.round(result.ran / secs)}/s)`;
    console.log(line);
    for (const f of result.failures) console.log(`  ${f.count}× ${f.sig}${KNOWN_SIGNATURES.has(f.sig) ? " (known)" : ""}`);
    summary.push(line);
  }
  if (names.length > 1) console.log(`\nsummary (seed ${seed}):\n${summary.map((l) => `  ${l}`).join("\n")}`);
  process.exit(anyFailed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});

export { signature };
