// The WebSocket upgrade fuzz target against real ws:// listeners of both
// families (a ZMTP ROUTER and an SP REP on 127.0.0.1): every stored upgrade
// input, then a few seeded generated and mutated requests. Each input must be
// answered (a 101 or a refusal) or closed, throw nothing in this process, and
// leave the listener serving a good client. Kept small: real sockets.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadTarget } from "../../fuzz/targets/index.mjs";
import { storedInputs } from "../../fuzz/lib/corpus.mjs";
import { runOne, fuzz } from "../../fuzz/lib/engine.mjs";
import { KNOWN_FILES, KNOWN_SIGNATURES } from "./helpers/known-bugs.mjs";

const target = await loadTarget("ws-upgrade");
const stored = storedInputs("ws-upgrade");

test.after(async () => { await target.close(); });

for (const s of stored) {
  const run = KNOWN_FILES.has(s.name) ? test.skip : test;
  run(`${s.name} is answered or closed and the listener still serves a good client`, async () => {
    const res = await runOne(target, s.input);
    assert.ok(res.ok, res.ok ? "" : `${res.error && res.error.message}\n${target.describe(s.input)}`);
  });
}

test("12 seeded upgrade requests leave both listeners serving good clients", async () => {
  const r = await fuzz(target, { runs: 12, seed: 20240611 });
  assert.is(r.ran, 12);
  const fresh = r.failures.filter((f) => !KNOWN_SIGNATURES.has(f.sig));
  if (fresh.length) assert.unreachable(`${fresh[0].sig}\n${fresh[0].error && fresh[0].error.message}\n${target.describe(fresh[0].input)}\ninput (hex): ${fresh[0].input.toString("hex")}`);
});

test.run();
