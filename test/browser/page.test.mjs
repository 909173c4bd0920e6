// The browser bundle (dist/browser/) in a real browser page: Debian's
// chromium, headless, driven by playwright-core. The page talks to wasmq
// Node sockets and to nngcat over ws://; see helpers/cases.mjs for the cases
// and fixtures/harness.mjs for the browser side. Also checks the bundle
// itself: no Node built-ins, the package's "browser" condition, one core
// shared by the entries.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { boundedSuite } from "../helpers/suite.mjs";
import { ROOT, sharedPage } from "./helpers/browser.mjs";
import { defineCases } from "./helpers/cases.mjs";

const test = suite("browser: page (chromium)");
const it = boundedSuite(test, 15_000);

const browser = sharedPage(test);

it("the bundle has no Node built-ins and the package exports point at it", async () => {
  const dir = join(ROOT, "dist", "browser");
  assert.ok(existsSync(join(dir, "wasmq.js")), "dist/browser/wasmq.js (npm run build)");
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".js"))) {
    const text = readFileSync(join(dir, f), "utf8");
    for (const s of ["node:", "require(", "process."]) assert.not.ok(text.includes(s), `${f} mentions ${s}`);
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  for (const [key, file] of [[".", "wasmq.js"], ["./zmq", "zmq.js"], ["./sp", "sp.js"]]) {
    assert.is(pkg.exports[key].browser, `./dist/browser/${file}`);
    const conditions = Object.keys(pkg.exports[key]);
    assert.ok(conditions.indexOf("browser") < conditions.indexOf("import"), `${key}: "browser" comes before "import"`);
  }
});

it("a bundler targeting browsers resolves wasmq, wasmq/zmq, wasmq/sp to dist/browser", async () => {
  const { build } = await import("esbuild");
  const r = await build({
    stdin: { contents: 'export * from "wasmq"; export * as z from "wasmq/zmq"; export * as s from "wasmq/sp";', resolveDir: ROOT },
    bundle: true, write: false, platform: "browser", format: "esm", metafile: true, logLevel: "silent",
  });
  const inputs = Object.keys(r.metafile.inputs);
  for (const f of ["dist/browser/wasmq.js", "dist/browser/zmq.js", "dist/browser/sp.js"]) assert.ok(inputs.includes(f), `${f} in ${inputs}`);
  assert.not.ok(inputs.some((f) => f.startsWith("dist/esm/")), `no Node build: ${inputs}`);
});

it("page: wasmq, wasmq/zmq and wasmq/sp share one core", async () => {
  const { page } = await browser();
  assert.ok(await page.evaluate(() => window.sharedEntries()));
});

defineCases(it, "page", () => async (...a) => (await browser()).run(...a));

test.run();
