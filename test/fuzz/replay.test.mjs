// Every stored fuzz input (test/fixtures/fuzz/<target>/: the seed corpus and
// regression inputs, and crashes/<target>-*.bin: inputs campaigns found
// failing) replayed through its target with all of that target's oracles.
// The WebSocket upgrade target, which needs real sockets, has its own file.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadTarget } from "../../fuzz/targets/index.mjs";
import { storedInputs } from "../../fuzz/lib/corpus.mjs";
import { runOne } from "../../fuzz/lib/engine.mjs";
import { KNOWN_FILES } from "./helpers/known-bugs.mjs";

const TARGETS = ["zmtp", "zws", "sp", "trie", "router", "cli-args"];

const why = (target, input, error) =>
  `${error && error.oracle ? `[${error.oracle}] ` : ""}${error && error.message ? error.message : error}\n${target.describe(input)}`;

for (const name of TARGETS) {
  const target = await loadTarget(name);
  const stored = storedInputs(name);
  test(`the ${name} target has a seed corpus to replay`, () => {
    assert.ok(stored.length > 0, `no inputs under test/fixtures/fuzz/${name}/`);
  });
  for (const s of stored) {
    // Known, unfixed bugs: skipped until fixed (see helpers/known-bugs.mjs for each one).
    const run = KNOWN_FILES.has(s.name) ? test.skip : test;
    run(`${s.name} passes every oracle of the ${name} target`, async () => {
      const res = await runOne(target, s.input);
      assert.ok(res.ok, res.ok ? "" : why(target, s.input, res.error));
    });
  }
}

test.run();
