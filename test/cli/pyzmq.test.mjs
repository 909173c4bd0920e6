// `wasmq zmq` against libzmq through Debian's python3-zmq (/usr/bin/python3,
// driven by test/interop/helpers/pyzmq_peer.py): wasmq push -> python PULL
// (multipart, --file - from stdin), python PUB -> wasmq sub --subscribe
// (--json), python REQ -> wasmq rep, wasmq req -> python REP, wasmq dealer
// --identity -> python ROUTER, python DEALER -> wasmq router, wasmq pub ->
// python SUB.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { startPy } from "../interop/helpers/pypeer.mjs";
import { cliSuite, startCli, startBound, runCli, ALL_BYTES } from "./helpers/cli.mjs";

const test = suite("cli: wasmq zmq against libzmq (python3-zmq)");
const it = cliSuite(test, 15_000);
const BIND = "tcp://127.0.0.1:*";

it("wasmq zmq push -> python PULL: one multipart message, --file - from stdin, exit 0", async (res) => {
  const py = await startPy(res, { type: "PULL", bind: BIND });
  const r = await runCli(res, ["zmq", "push", "--connect", py.endpoint, "-D", "head", "--file", "-"], { input: ALL_BYTES });
  assert.is(r.code, 0, r.stderr);
  const m = await py.recv();
  assert.equal(m.frames, [Buffer.from("head"), ALL_BYTES]);
});

it("python PUB -> wasmq zmq sub --subscribe weather --count 2 --json: only weather, as JSON lines", async (res) => {
  const py = await startPy(res, { type: "PUB", bind: BIND });
  py.repeat([[{ text: "other" }, { text: "x" }], [{ text: "weather" }, { text: "sunny" }]], 10);
  const r = await runCli(res, ["zmq", "sub", "--connect", py.endpoint, "--subscribe", "weather", "--count", "2", "--json"]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.text, `{"frames":["weather","sunny"]}\n{"frames":["weather","sunny"]}\n`);
});

it("python REQ -> wasmq zmq rep --data pong: answered; rep prints the request and exits 0", async (res) => {
  const [rep, url] = await startBound(res, ["zmq", "rep", "--bind", "tcp://127.0.0.1:0", "--data", "pong", "--count", "1"]);
  const py = await startPy(res, { type: "REQ", connect: url });
  py.send(["ping", { hex: "00ff" }]);
  assert.equal((await py.recv()).text, ["pong"]);
  const r = await rep.exit();
  assert.is(r.code, 0, rep.diag());
  assert.is(r.text, `"ping" "\\x00\\xff"\n`);
});

it("wasmq zmq req -> python REP (echo): the multipart reply is printed", async (res) => {
  const py = await startPy(res, { type: "REP", bind: BIND, echo: true });
  const r = await runCli(res, ["zmq", "req", "--connect", py.endpoint, "-D", "a", "-D", "b c", "--hex"]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.text, `"\\x61" "\\x62\\x20\\x63"\n`);
});

it("wasmq zmq dealer --identity w1 -> python ROUTER: seen as w1; the echo comes back", async (res) => {
  const py = await startPy(res, { type: "ROUTER", bind: BIND, echo: true });
  const r = await runCli(res, ["zmq", "dealer", "--connect", py.endpoint, "--identity", "w1", "-D", "", "-D", "ready", "--count", "1", "--recv-timeout", "0.3"]);
  assert.is(r.code, 0, r.stderr);
  assert.equal((await py.recv()).text, ["w1", "", "ready"]);
  assert.is(r.text, `"" "ready"\n`);
});

it("python DEALER -> wasmq zmq router --data ok: the answer keeps the envelope", async (res) => {
  const [router, url] = await startBound(res, ["zmq", "router", "--bind", "tcp://127.0.0.1:0", "--data", "ok", "--count", "1", "--json"]);
  const py = await startPy(res, { type: "DEALER", connect: url, sockopts: { ROUTING_ID: "py-1" } });
  py.send(["", "hi"]);
  assert.equal((await py.recv()).text, ["", "ok"]);
  const r = await router.exit();
  assert.is(r.code, 0, router.diag());
  assert.is(r.text, `{"frames":["py-1","","hi"]}\n`);
});

it("wasmq zmq pub --interval 0.05 -> python SUB", async (res) => {
  const [pub, url] = await startBound(res, ["zmq", "pub", "--bind", "tcp://127.0.0.1:0", "-D", "t", "-D", "body", "--interval", "0.05"]);
  const py = await startPy(res, { type: "SUB", connect: url, subscribe: ["t"] });
  assert.equal((await py.recv()).text, ["t", "body"]);
  await pub.stop();
});

test.run();
