// A short seeded fuzz of each core and CLI target, bounded by a number of
// inputs (never by time, so every run of the suite fuzzes exactly the same
// inputs): generated inputs and mutations of the stored corpus, all through
// every oracle. A failure prints the input as hex, to be saved under
// test/fixtures/fuzz/ as a regression input; `npm run fuzz` runs the same
// targets for longer.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadTarget } from "../../fuzz/targets/index.mjs";
import { storedInputs } from "../../fuzz/lib/corpus.mjs";
import { fuzz } from "../../fuzz/lib/engine.mjs";
import { KNOWN_FILES, KNOWN_SIGNATURES } from "./helpers/known-bugs.mjs";

// Sized so that the whole folder stays well under 15 s on a loaded 2-core machine.
const RUNS = { zmtp: 50, zws: 60, sp: 60, trie: 50, router: 80, "cli-args": 1000 };
const SEED = 20240611;

for (const [name, runs] of Object.entries(RUNS)) {
  test(`${name}: ${runs} seeded inputs survive every oracle`, async () => {
    const target = await loadTarget(name);
    const corpus = storedInputs(name).filter((s) => !KNOWN_FILES.has(s.name)).map((s) => s.input);
    // The stored inputs are replayed by replay.test.mjs: here they are only
    // material to mutate, so every one of the runs is a new input.
    const r = await fuzz(target, { runs, seed: SEED, corpus, runSeeds: false });
    assert.is(r.ran, runs);
    // A known, unfixed bug found again is not a new failure (helpers/known-bugs.mjs).
    const fresh = r.failures.filter((f) => !KNOWN_SIGNATURES.has(f.sig));
    if (fresh.length) {
      const f = fresh[0];
      assert.unreachable(`${fresh.length} failure(s); first: ${f.sig}\n${f.error && f.error.message}\n${target.describe(f.input)}\ninput (hex): ${f.input.toString("hex")}`);
    }
  });
}

test.run();
