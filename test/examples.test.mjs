// The runnable examples: every file in examples/zmq/ and examples/sp/ runs as
// its own Node process (bounded) and must exit 0 printing exactly the lines
// expected below; README.md's examples region must be what
// scripts/readme-examples.mjs generates from those same files.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, README, exampleFiles, renderRegion, splitReadme } from "../scripts/readme-examples.mjs";
import { run } from "./helpers/child.mjs";

const TIMEOUT_MS = 20_000;

/** What each example prints, line by line. */
const EXPECTED = {
  "examples/zmq/req-rep.mjs": [
    'request "alice" -> reply "hello, alice"',
    'request "bob" -> reply "hello, bob"',
    'request "carol" -> reply "hello, carol"',
  ],
  "examples/zmq/pub-sub.mjs": [
    "subscriber joined",
    "weather: sunny",
    "weather.paris: rain",
    "weather: end",
  ],
  "examples/zmq/push-pull.mjs": [
    "worker-1 did 3 tasks",
    "worker-2 did 3 tasks",
  ],
  "examples/zmq/pair.mjs": [
    "right sent ping 1, left answered pong 1",
    "right sent ping 2, left answered pong 2",
    "right sent ping 3, left answered pong 3",
  ],
  "examples/zmq/dealer-router.mjs": [
    "alice <- job 1 done for alice",
    "alice <- job 2 done for alice",
    "bob <- job 1 done for bob",
    "bob <- job 2 done for bob",
    "bob <- a message just for bob",
  ],
  "examples/zmq/xpub-xsub-proxy.mjs": [
    'proxy: subscribe "news"',
    "subscriber got news: proxy works",
  ],
  "examples/sp/req-rep.mjs": [
    'asked "ping", got "echo: ping"',
    'asked "are you there?", got "echo: are you there?"',
    'asked "bye", got "echo: bye"',
  ],
  "examples/sp/pub-sub.mjs": [
    'subscriber got "weather.paris rain"',
    'subscriber got "weather.rome sunny"',
    'subscriber got "weather.end"',
  ],
  "examples/sp/push-pull.mjs": [
    'sink got "sensor-a reading 1"',
    'sink got "sensor-a reading 2"',
    'sink got "sensor-b reading 1"',
    'sink got "sensor-b reading 2"',
    'sink got "sensor-c reading 1"',
    'sink got "sensor-c reading 2"',
  ],
  "examples/sp/survey.mjs": [
    "node-1: health? -> ok",
    "node-2: health? -> ok",
    "node-3: health? -> ok",
    "survey closed with 3 answers",
  ],
  "examples/sp/bus.mjs": [
    "alpha heard: hello from beta, hello from gamma",
    "beta heard: hello from alpha, hello from gamma",
    "gamma heard: hello from alpha, hello from beta",
  ],
  "examples/sp/pair.mjs": [
    'a got "hi, I am b"',
    'b got "hello b, a here"',
  ],
};

/** Runs `node file` from the package root; resolves { code, signal, stdout, stderr, ms }. */
const runExample = (file) => run(process.execPath, [file], { cwd: ROOT, killAfter: TIMEOUT_MS });

// dist/ may be mid-rebuild by a concurrent `npm run build`: retry an example
// that failed only because the package could not be loaded, never one that ran.
const LOAD_FAILURE = /ERR_MODULE_NOT_FOUND|Cannot find module|ERR_INVALID_PACKAGE_TARGET|SyntaxError[^\n]*\n?[^\n]*dist\//;

async function runWithRetry(file, tries = 4) {
  let r;
  for (let i = 0; i < tries; i++) {
    r = await runExample(file);
    if (r.code === 0 || r.stdout !== "" || !LOAD_FAILURE.test(r.stderr)) return r;
    await new Promise((res) => setTimeout(res, 1000));
  }
  return r;
}

const files = exampleFiles();

test("there are examples for both families, and each has its expected output listed here", () => {
  const paths = files.map((f) => f.path);
  assert.ok(paths.some((p) => p.startsWith("examples/zmq/")), "no examples/zmq/*.mjs");
  assert.ok(paths.some((p) => p.startsWith("examples/sp/")), "no examples/sp/*.mjs");
  assert.equal([...paths].sort(), Object.keys(EXPECTED).sort(), "examples on disk vs EXPECTED in test/examples.test.mjs");
});

for (const { path } of files) {
  test(`${path} exits 0 and prints what it should`, async () => {
    const r = await runWithRetry(path);
    const detail = `\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
    assert.is(r.code, 0, `${path} exited with ${r.code ?? r.signal} after ${r.ms} ms${detail}`);
    const lines = r.stdout.replace(/\n$/, "").split("\n");
    assert.equal(lines, EXPECTED[path] ?? [], `${path} output${detail}`);
  });
}

test("README.md's examples region is generated from these files (node scripts/readme-examples.mjs)", () => {
  const { region } = splitReadme(readFileSync(README, "utf8"));
  const expected = renderRegion();
  if (region !== expected) {
    assert.fixture(region, expected, "README.md is out of date: run `node scripts/readme-examples.mjs`");
  }
  for (const { path } of files) {
    const code = readFileSync(join(ROOT, path), "utf8").trimEnd();
    assert.ok(region.includes(code), `README.md lacks the code of ${path}`);
  }
});

test.run();
