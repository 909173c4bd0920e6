// Shrinking a failing run to a minimal one that fails the same way.
//
// A run is a pure function of (scenario, seed, steps, fault list), so a
// smaller schedule can be tried by simply running it. The shrinker keeps
// the seed (application behaviour, link cuts and sizes all derive from it)
// and searches over the rest:
//
//   1. steps: a failure during the active phase at step F needs no steps
//      after F; later faults go with them
//   2. faults: each remaining fault is dropped in turn and kept dropped if
//      the run still fails with the same invariant (greedy, repeated until
//      nothing more can go)
//   3. steps again: halve the active phase while it still fails
//
// The result names the kept faults by their ids in the seed's schedule, so
// `--faults` can replay exactly that run.
import { runSim } from "./sim.mjs";
import { generateFaults } from "./faults.mjs";
import { SCENARIOS } from "./scenarios.mjs";

/**
 * Returns { steps, faults, result, runs } for the smallest failing run found
 * within `maxRuns` re-runs; `failure` is the original run's failure.
 */
export function shrink(scenario, seed, steps, failure, { maxRuns = 120, faults = null } = {}) {
  const sc = SCENARIOS[scenario];
  let kept = faults ?? generateFaults(sc, seed, steps);
  let bestSteps = steps;
  let best = null;
  let runs = 0;
  const same = (fs, st) => {
    if (runs >= maxRuns) return null;
    runs++;
    const r = runSim(scenario, seed, { steps: st, faults: fs });
    return !r.ok && r.failure.invariant === failure.invariant ? r : null;
  };

  if (failure.phase === "active" && failure.step < bestSteps) {
    const fs = kept.filter((f) => f.at <= failure.step);
    const r = same(fs, failure.step);
    if (r) { kept = fs; bestSteps = failure.step; best = r; }
  }

  for (let changed = true; changed && runs < maxRuns;) {
    changed = false;
    for (let i = kept.length - 1; i >= 0 && runs < maxRuns; i--) {
      const fs = kept.filter((_, j) => j !== i);
      const r = same(fs, bestSteps);
      if (r) { kept = fs; best = r; changed = true; }
    }
  }

  for (let st = Math.floor(bestSteps / 2); st >= 10 && runs < maxRuns; st = Math.floor(st / 2)) {
    const fs = kept.filter((f) => f.at <= st);
    const r = same(fs, st);
    if (!r) break;
    kept = fs; bestSteps = st; best = r;
  }

  // Nothing smaller failed the same way: the original run is the minimum.
  best ??= runSim(scenario, seed, { steps: bestSteps, faults: kept });
  return { steps: bestSteps, faults: kept, result: best, runs };
}
