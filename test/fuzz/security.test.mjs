// The security fuzz target (fuzz/targets/security.mjs): the core's PLAIN,
// CURVE and ZAP handshakes against peers built on tweetnacl, with mutated
// handshakes, traffic and ZAP replies beside a well-formed peer. Every stored
// input (test/fixtures/fuzz/security/, and crashes/security-*.bin) is
// replayed with all of the target's oracles, then a short seeded fuzz,
// bounded by a number of inputs (never by time), so every run of the suite
// fuzzes exactly the same inputs; `npm run fuzz -- --target security` runs
// it for longer.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadTarget } from "../../fuzz/targets/index.mjs";
import { storedInputs } from "../../fuzz/lib/corpus.mjs";
import { runOne, fuzz } from "../../fuzz/lib/engine.mjs";
import { KNOWN_FILES, KNOWN_SIGNATURES } from "./helpers/known-bugs.mjs";

// Sized to stay a few seconds on a loaded 2-core machine (each input is two
// lives of a socket with real X25519 on both sides).
const RUNS = 400;
const SEED = 20240611;

const target = await loadTarget("security");
const stored = storedInputs("security");

const why = (input, error) =>
  `${error && error.oracle ? `[${error.oracle}] ` : ""}${error && error.message ? error.message : error}\n${target.describe(input)}`;

test("the security target has a seed corpus for every mode", () => {
  const modes = new Set(stored.map((s) => s.input[0] % 5));
  assert.is(modes.size, 5, `modes with seeds: ${[...modes].join(", ")}`);
});

for (const s of stored) {
  // Known, unfixed bugs: skipped until fixed (see helpers/known-bugs.mjs for each one).
  const run = KNOWN_FILES.has(s.name) ? test.skip : test;
  run(`${s.name} passes every oracle of the security target`, async () => {
    const res = await runOne(target, s.input);
    assert.ok(res.ok, res.ok ? "" : why(s.input, res.error));
  });
}

test(`${RUNS} seeded security inputs survive every oracle`, async () => {
  // The stored inputs were replayed above: here they are only material to
  // mutate, so every one of the runs is a new input.
  const corpus = stored.filter((s) => !KNOWN_FILES.has(s.name)).map((s) => s.input);
  const r = await fuzz(target, { runs: RUNS, seed: SEED, corpus, runSeeds: false });
  assert.is(r.ran, RUNS);
  // A known, unfixed bug found again is not a new failure (helpers/known-bugs.mjs).
  const fresh = r.failures.filter((f) => !KNOWN_SIGNATURES.has(f.sig));
  if (fresh.length) {
    const f = fresh[0];
    assert.unreachable(`${fresh.length} failure(s); first: ${f.sig}\n${why(f.input, f.error)}\ninput (hex): ${f.input.toString("hex")}`);
  }
});

test.run();
