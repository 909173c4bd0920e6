// The package as users load it: `require("wasmq/zmq")` from CommonJS (and a
// message through it), and TypeScript declarations that type-check a small
// program against `wasmq/zmq` under strict nodenext resolution.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { api } from "./helpers/util.mjs";
import { run } from "../helpers/child.mjs";

const test = suite("api: packaging");
const it = api(test, { timeout: 100_000 });

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLASSES = [
  "Pair", "Publisher", "Subscriber", "XPublisher", "XSubscriber", "Request", "Reply",
  "Dealer", "Router", "Push", "Pull",
];

/** Runs a child process to completion (bounded, killed in teardown); resolves { code, stdout, stderr }. */
const runChild = (cmd, args, options, res, ms) => run(cmd, args, { ...options, res, timeout: ms });

it("require(\"wasmq/zmq\") works from CommonJS and exposes every socket class", async (res) => {
  const script = `
    const zmq = require("wasmq/zmq");
    console.log(Object.keys(zmq).sort().join(","));
    const pull = new zmq.Pull();
    const push = new zmq.Push();
    (async () => {
      await pull.bind("inproc://cjs-check");
      push.connect("inproc://cjs-check");
      await push.send(["from", "cjs"]);
      const m = await pull.receive();
      console.log("roundtrip:" + m.map(String).join("|") + ":" + Buffer.isBuffer(m[0]));
      push.close(); pull.close();
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = await runChild(process.execPath, ["-e", script], { cwd: ROOT }, res, 15_000);
  assert.is(r.code, 0, `node -e exited ${r.code}: ${r.stderr}`);
  const [names, roundtrip] = r.stdout.trim().split("\n");
  const exported = names.split(",");
  for (const c of CLASSES) assert.ok(exported.includes(c), `CommonJS export ${c} (got ${names})`);
  assert.is(roundtrip, "roundtrip:from|cjs:true");
});

it("the CommonJS and ESM entry points resolve to the package's dist", async () => {
  const require = createRequire(join(ROOT, "package.json"));
  const cjsPath = require.resolve("wasmq/zmq");
  assert.ok(cjsPath.endsWith(join("dist", "cjs", "src", "zmq", "index.js")), cjsPath);
  const esmUrl = import.meta.resolve("wasmq/zmq");
  assert.ok(esmUrl.endsWith("dist/esm/src/zmq/index.js"), esmUrl);
});

it("TypeScript declarations exist for wasmq/zmq and declare every class", async () => {
  const dts = join(ROOT, "dist", "esm", "src", "zmq", "index.d.ts");
  assert.ok(existsSync(dts), `${dts} exists`);
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  assert.is(pkg.exports["./zmq"].types, "./dist/esm/src/zmq/index.d.ts");
  const text = readFileSync(dts, "utf8");
  for (const c of CLASSES) assert.match(text, new RegExp(`export declare class ${c} extends Socket`), `declares ${c}`);
  // The shared socket base (both families) declares the message API.
  const sock = readFileSync(join(ROOT, "dist", "esm", "src", "socket.d.ts"), "utf8");
  assert.match(sock, /receive\(\): Promise<Buffer\[\]>/);
  assert.match(sock, /send\(message: Message\): Promise<void>/);
});

it("a TypeScript program using wasmq/zmq type-checks (strict, nodenext), and misuse does not", async (res) => {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  assert.ok(existsSync(tsc), "typescript is installed");
  const dir = mkdtempSync(join(tmpdir(), "wasmq-api-types-"));
  res.defer(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "wasmq"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(dir, "good.ts"), `
import { Push, Pull, Router, Request, Reply, Dealer, Pair, Publisher, Subscriber, XPublisher, XSubscriber } from "wasmq/zmq";
import type { Message, SocketEvent, EventType } from "wasmq/zmq";
const push = new Push({ sendHighWaterMark: 10, sendTimeout: 0, immediate: true });
const sent: Promise<void> = push.send(["a", Buffer.alloc(1), new Uint8Array(2), null]);
const pull = new Pull({ receiveTimeout: 100 });
const got: Promise<Buffer[]> = pull.receive();
async function loop(): Promise<void> { for await (const [frame] of pull) { const b: Buffer = frame; void b; } }
const router = new Router({ mandatory: true, handover: true });
router.mandatory = false;
const req = new Request({ correlate: true, relaxed: true });
const rep = new Reply();
const dealer = new Dealer({ routingId: "d1" });
const pair = new Pair();
const pub = new Publisher({ conflate: false });
const sub = new Subscriber();
sub.subscribe("a", Buffer.from("b"));
sub.subscribe();
sub.unsubscribe("a");
const xpub = new XPublisher({ verbosity: "allSubs", manual: false });
xpub.verbosity = null;
const xsub = new XSubscriber();
const ev: EventType = "handshake:error:protocol";
push.events.on("disconnect", (e: SocketEvent) => { const a: string | undefined = e.address; void a; });
const next: Promise<SocketEvent> = push.events.receive();
const m: Message = ["x", null];
const ep: string | null = push.lastEndpoint;
const bound: Promise<void> = pull.bind("tcp://127.0.0.1:0");
push.connect("tcp://127.0.0.1:1");
void [sent, got, loop, req, rep, dealer, pair, pub, xsub, ev, next, m, ep, bound];
`);
  writeFileSync(join(dir, "bad.ts"), `
import { Push, Pull, Subscriber } from "wasmq/zmq";
const push = new Push({ notAnOption: 1 });
const s: Promise<string> = new Pull().receive();
push.send(42);
new Subscriber().subscribe(42);
push.bind();
`);
  const flags = ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext",
    "--target", "es2022", "--types", "node", "--typeRoots", join(ROOT, "node_modules", "@types"),
    "--skipLibCheck", "false"];
  // One compiler run for both files: good.ts must be clean, bad.ts must have
  // exactly one error per misuse.
  const r = await runChild(process.execPath, [tsc, ...flags, join(dir, "good.ts"), join(dir, "bad.ts")], { cwd: dir }, res, 90_000);
  const errors = r.stdout.split("\n").filter((l) => l.includes("error TS"));
  const inGood = errors.filter((l) => l.startsWith("good.ts") || l.includes("/good.ts"));
  assert.equal(inGood, [], `good.ts should type-check:\n${r.stdout}${r.stderr}`);
  const inBad = errors.filter((l) => l.startsWith("bad.ts") || l.includes("/bad.ts"));
  assert.is(inBad.length, 5, `one error per misuse in bad.ts:\n${r.stdout}${r.stderr}`);
  assert.is(errors.length, 5, `no other errors:\n${r.stdout}`);
});

test.run();
