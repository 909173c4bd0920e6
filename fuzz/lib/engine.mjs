// The fuzz loop shared by `npm run fuzz` (fuzz/run.mjs) and the bounded runs
// in test/fuzz: generate or mutate an input, run it through the target's
// oracles, keep inputs that show a new feature in a working corpus, record
// failures (deduplicated by oracle and message), and shrink a failing input
// to a small one that fails the same way.
//
// A target is { name, generate(rng) → Buffer, mutate(input, rng, donor) →
// Buffer, run(input) → features[] (or a promise of them), describe(input) };
// run() throws a FuzzFailure when an oracle fails. Everything is driven by
// one seeded Rng, so a run bounded by a number of inputs is reproducible.
import { Rng } from "./rng.mjs";
import { FuzzFailure } from "./failure.mjs";
import { decodeScenario, encodeScenario } from "./scenario.mjs";

/** A short, stable signature of a failure: its oracle and message without numbers that vary. */
export function signature(err) {
  const oracle = err instanceof FuzzFailure ? err.oracle : "fuzzer-error";
  if (err instanceof FuzzFailure && err.key) return `${oracle}: ${err.key}`;
  const msg = String(err && err.message ? err.message : err).split("\n")[0].replace(/\b[0-9a-f]{6,}\b/g, "#").replace(/\d+/g, "N");
  return `${oracle}: ${msg}`.slice(0, 160);
}

/** Runs one input; resolves { ok, features, error }. */
export async function runOne(target, input) {
  try {
    const features = await target.run(input);
    return { ok: true, features: features ?? [] };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Fuzzes `target` for `runs` inputs or `seconds` seconds (whichever is given;
 * tests always give runs). `corpus` inputs run first (or with runSeeds false
 * only seed the working corpus). Returns { ran, survived, failures, corpus, features, ms }.
 * failures: [{ input, error, sig }], one per distinct signature.
 */
export async function fuzz(target, { runs = Infinity, seconds = Infinity, seed = 1, corpus = [], runSeeds = true, maxCorpus = 400, onFailure } = {}) {
  const rng = new Rng(seed);
  const started = performance.now();
  const deadline = seconds === Infinity ? Infinity : started + seconds * 1000;
  const work = [];
  const seen = new Set();
  const failures = new Map();
  let ran = 0;
  let survived = 0;

  const consider = (input, res) => {
    let fresh = false;
    for (const f of res.features) if (!seen.has(f)) { seen.add(f); fresh = true; }
    if (fresh || work.length < 16) {
      if (work.length >= maxCorpus) work.splice(rng.int(work.length), 1);
      work.push(input);
    }
  };

  const record = async (input, error) => {
    const sig = signature(error);
    if (failures.has(sig)) { failures.get(sig).count++; return; }
    const f = { input, error, sig, count: 1 };
    failures.set(sig, f);
    if (onFailure) await onFailure(f);
  };

  // The seeds first, each exactly as stored; or, when they are replayed
  // elsewhere (test/fuzz), only as material to mutate.
  if (!runSeeds) work.push(...corpus.slice(0, maxCorpus));
  for (const input of runSeeds ? corpus : []) {
    if (ran >= runs) break;
    ran++;
    const res = await runOne(target, input);
    if (res.ok) { survived++; consider(input, res); } else await record(input, res.error);
  }

  while (ran < runs && performance.now() < deadline) {
    let input;
    if (!work.length || rng.chance(0.25)) input = target.generate(rng);
    else input = target.mutate(rng.pick(work), rng, rng.pick(work));
    ran++;
    const res = await runOne(target, input);
    if (res.ok) { survived++; consider(input, res); } else await record(input, res.error);
  }
  return { ran, survived, failures: [...failures.values()], corpus: work, features: seen.size, ms: performance.now() - started };
}

// ---- shrinking ----

// Smaller variants of a scenario-encoded input: each step removed, each
// step's data halved or with a chunk taken out; for other inputs, chunks of
// the bytes removed.
function* candidates(input, scenario) {
  if (scenario) {
    const sc = decodeScenario(input);
    for (let i = sc.steps.length - 1; i >= 0; i--) {
      yield encodeScenario({ conf: sc.conf, steps: sc.steps.filter((_, k) => k !== i) });
    }
    for (let i = 0; i < sc.steps.length; i++) {
      const d = sc.steps[i].data;
      for (let n = d.length >> 1; n >= 1; n >>= 1) {
        for (let at = 0; at + n <= d.length; at += n) {
          const steps = sc.steps.map((s, k) => (k === i ? { ...s, data: Buffer.concat([d.subarray(0, at), d.subarray(at + n)]) } : s));
          yield encodeScenario({ conf: sc.conf, steps });
        }
      }
    }
    return;
  }
  for (let n = input.length >> 1; n >= 1; n >>= 1) {
    for (let at = 0; at + n <= input.length; at += n) yield Buffer.concat([input.subarray(0, at), input.subarray(at + n)]);
  }
}

/**
 * Greedy shrinking: keeps any smaller variant that fails with the same
 * signature, until none does or `budget` runs are spent.
 */
export async function shrink(target, input, sig, { budget = 600 } = {}) {
  let best = input;
  let spent = 0;
  let progress = true;
  while (progress && spent < budget) {
    progress = false;
    for (const c of candidates(best, target.scenario === true)) {
      if (++spent > budget) break;
      if (c.length >= best.length) continue;
      const res = await runOne(target, c);
      if (!res.ok && signature(res.error) === sig) { best = c; progress = true; break; }
    }
  }
  return best;
}
