// Text for people: a failing run's seed, invariant, minimal schedule and
// trace, and the command that replays it. Shared by scripts/sim.mjs and the
// test suite (which prints the same report when a seed fails).
import { describe } from "./faults.mjs";

/** The trace lines worth reading: everything after the fault-free lap, at most `max` of them (the last ones). */
export function traceTail(result, max = 120) {
  const lines = result.trace.filter((l) => !l.startsWith("lap:"));
  if (lines.length <= max) return lines;
  return [`… ${lines.length - max} earlier lines`, ...lines.slice(-max)];
}

/** The command line that replays `faults` of (scenario, seed) over `steps`. */
export function replayCommand(scenario, seed, steps, faults) {
  const ids = faults ? ` --faults ${faults.length ? faults.map((f) => f.id).join(",") : "none"}` : "";
  return `npm run sim -- --scenario ${scenario} --seed ${seed} --steps ${steps}${ids}`;
}

/** A failure, shrunk: what failed, the smallest schedule that still fails, its trace and its replay. */
export function formatFailure(result, shrunk) {
  const f = result.failure;
  const out = [
    `FAIL ${result.scenario} seed ${result.seed}: ${f.invariant} (${f.phase} step ${f.step}, t=${f.t} ms)`,
    `  ${f.message.split("\n").join("\n  ")}`,
    `  replay: ${replayCommand(result.scenario, result.seed, result.steps, null)}`,
  ];
  if (shrunk) {
    const r = shrunk.result;
    out.push(
      `  shrunk in ${shrunk.runs} runs: ${shrunk.steps} steps (was ${result.steps}), ${shrunk.faults.length} of ${result.faults.length} faults; still fails: ${r.failure.invariant}`,
      `    ${r.failure.message.split("\n")[0]}`,
      `  minimal schedule:`,
      ...(shrunk.faults.length ? shrunk.faults.map((x) => `    ${describe(x)}`) : ["    (no faults: it fails without any)"]),
      `  minimal replay: ${replayCommand(result.scenario, result.seed, shrunk.steps, shrunk.faults)}`,
      `  trace of the minimal run:`,
      ...traceTail(r).map((l) => `    ${l}`),
      `  last application events:`,
      ...r.app.slice(-20).map((l) => `    ${l}`),
    );
  }
  return out.join("\n");
}

/** One line for a passing run. */
export function formatPass(result) {
  const s = result.stats;
  return `ok   ${result.scenario} seed ${result.seed}: ${result.faults.length} faults, ${s.sent} sent, ${s.received} received, ` +
    `${s.deaths} connections died, ${s.lost} reliable messages lost to them, back-pressure: ${s.eagain} EAGAIN / ${s.pauses} pauses / ${s.blocked} blocked writes`;
}
