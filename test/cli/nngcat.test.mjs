// `wasmq sp` and the nngcat-style flags against real SP peers: nngcat (nng
// 1.5) and nanocat (nanomsg 1.1), driven as in test/interop (CatPeer: every
// message they print is parsed from --hex). wasmq REP answering nngcat REQ,
// wasmq --req0 asking an nngcat REP, nngcat PUBs filtered by a wasmq SUB
// --subscribe, a wasmq PUB read by nngcat SUB, a wasmq SURVEYOR collecting
// an nngcat RESPONDENT's answer, nanocat REQ -> wasmq REP, and the formats:
// wasmq prints --quoted/--hex/--ascii/--raw exactly as nngcat does.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCat, toolPath } from "../interop/helpers/spcat.mjs";
import { cliSuite, startCli, startBound, runCli, ipcUrl, ALL_BYTES } from "./helpers/cli.mjs";
import { Child } from "../helpers/child.mjs";

const test = suite("cli: wasmq sp against nngcat and nanocat");
const it = cliSuite(test, 15_000);
const text = (b) => b.toString("latin1");

it("wasmq sp rep --data pong answers nngcat --req0; both print the other's message and exit 0", async (res) => {
  const [rep, url] = await startBound(res, ["sp", "rep", "--listen", "tcp://127.0.0.1:0", "--data", "pong", "--count", "1"]);
  const req = await startCat(res, { tool: "nngcat", proto: "req", dial: url, data: "ping", recvTimeout: 5 });
  assert.is(text(await req.recv()), "pong", req.diag());
  assert.equal(await req.exit(), { code: 0, signal: null }, req.diag());
  const r = await rep.exit();
  assert.is(r.code, 0, rep.diag());
  assert.is(r.text, `"ping"\n`);
});

it("wasmq --req0 --dial (nngcat syntax) gets its reply from nngcat --rep0 and exits 0", async (res) => {
  const rep = await startCat(res, { tool: "nngcat", proto: "rep", listen: "tcp://127.0.0.1:0", data: "pong from nngcat" });
  const r = await runCli(res, ["--req0", "--dial", rep.url, "--data", "ping \x01", "--recv-timeout", "5", "-v"]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.text, `"pong from nngcat"\n`);
  assert.is(r.stderr, `Connected to: ${rep.url}\n`, "-v says Connected to:, as nngcat");
  assert.is(text(await rep.recv()), "ping \x01", rep.diag());
});

it("wasmq sp sub --subscribe a: of two nngcat --pub0 publishers only the subscribed one is printed", async (res) => {
  const [sub, url] = await startBound(res, ["sp", "sub", "--listen", "tcp://127.0.0.1:0", "--subscribe", "a", "--count", "2"]);
  // nngcat dials synchronously and publishes at once, then every second (whole seconds only).
  const b = await startCat(res, { tool: "nngcat", proto: "pub", dial: url, data: "b-msg", interval: 1 });
  const a = await startCat(res, { tool: "nngcat", proto: "pub", dial: url, data: "a-msg", interval: 1 });
  const r = await sub.exit(6000);
  assert.is(r.code, 0, `${sub.diag()} ${a.diag()} ${b.diag()}`);
  assert.is(r.text, `"a-msg"\n"a-msg"\n`);
});

it("wasmq sp pub --interval 0.05 is read by nngcat --sub0 --subscribe", async (res) => {
  const [pub] = await startBound(res, ["sp", "pub", "--listen", "tcp://127.0.0.1:0", "--data", "news.today", "--interval", "0.05"]);
  const url = await pub.listening();
  const sub = await startCat(res, { tool: "nngcat", proto: "sub", dial: url, subscribe: ["news."] });
  const got = await sub.waitCount(2);
  assert.equal(got.slice(0, 2).map(text), ["news.today", "news.today"]);
});

it("wasmq sp surveyor dialing an nngcat --respondent0 prints its answer until the deadline", async (res) => {
  const resp = await startCat(res, { tool: "nngcat", proto: "respondent", listen: "tcp://127.0.0.1:0", data: "present" });
  const r = await runCli(res, ["sp", "surveyor", "--dial", resp.url, "--data", "roll call", "--survey-time", "0.3"]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.text, `"present"\n`);
  assert.is(text(await resp.recv()), "roll call");
});

it("nanocat --req answered by wasmq --rep0 over ipc", async (res) => {
  const url = ipcUrl(res, "nanocat");
  const [rep] = await startBound(res, ["--rep0", "--listen", url, "--data", "from wasmq", "--count", "1"]);
  const req = await startCat(res, { tool: "nanocat", proto: "req", dial: url, data: "from nanocat" });
  assert.is(text(await req.recv()), "from wasmq", req.diag());
  const r = await rep.exit();
  assert.is(r.code, 0, rep.diag());
  assert.is(r.text, `"from nanocat"\n`);
});

/** Runs nngcat (stdout as bytes); with -v under stdbuf -oL its "Listening at:" line comes first. */
class NngcatRaw extends Child {
  constructor(args) {
    super(toolPath("stdbuf"), ["-oL", toolPath("nngcat"), ...args], { name: `nngcat ${args.join(" ")}` });
    this.chunks = [];
  }
  onStdout(b) { this.chunks.push(b); }
  /** check(stdout so far) until it gives a value. */
  until(check, what, ms = 6000) { return super.until(() => check(Buffer.concat(this.chunks)), ms, what); }
}

function nngcatRaw(res, args) {
  const n = new NngcatRaw(args);
  res.defer(() => { if (!n.exited) n.child.kill("SIGKILL"); });
  return n;
}

it("formats: wasmq prints --quoted, --hex, --ascii and --raw exactly as nngcat does (every byte value)", async (res) => {
  const file = join(tmpdir(), `wasmq-cli-${process.pid}-all.bin`);
  writeFileSync(file, ALL_BYTES);
  res.defer(() => rmSync(file, { force: true }));
  const formats = ["--quoted", "--hex", "--ascii", "--raw"];
  const ours = [];
  const theirs = [];
  const urls = [];
  for (const f of formats) {
    const [w, wurl] = await startBound(res, ["sp", "sub", "--listen", ipcUrl(res, "fw"), "--count", "1", f]);
    ours.push(w);
    urls.push(wurl);
    const nurl = ipcUrl(res, "fn");
    const n = nngcatRaw(res, ["--sub0", "--listen", nurl, "-v", "--count", "1", f]);
    const head = `Listening at: ${nurl}\n`;
    await n.until((b) => (b.length >= head.length ? true : undefined), "Listening at:");
    theirs.push({ n, head });
    urls.push(nurl);
  }
  // One publisher reaches all eight subscribers (synchronous dials, then a send every second).
  const pubArgs = ["--pub0", ...urls.flatMap((u) => ["--dial", u]), "--file", file, "--interval", "1"];
  const pub = await startCat(res, { tool: "nngcat", proto: "pub", extra: pubArgs.slice(1), dial: undefined });
  for (const [i, f] of formats.entries()) {
    const r = await ours[i].exit();
    assert.is(r.code, 0, `${f}: ${ours[i].diag()} ${pub.diag()}`);
    const { n, head } = theirs[i];
    const out = await n.until((b) => (n.exited ? b : undefined), `${f} output`);
    assert.is(text(out.subarray(0, head.length)), head);
    const nng = out.subarray(head.length);
    // nngcat 1.5 ends an --ascii message without a newline; wasmq writes one (as nanocat does).
    const expected = f === "--ascii" ? Buffer.concat([nng, Buffer.from("\n")]) : nng;
    assert.ok(r.stdout.equals(expected), `${f}: wasmq printed ${JSON.stringify(text(r.stdout))}, nngcat ${JSON.stringify(text(nng))}`);
  }
});

test.run();
