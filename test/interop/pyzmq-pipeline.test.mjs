// Pipeline pattern (PUSH/PULL) between wasmq and libzmq (Debian python3-zmq
// child process): both roles, both bind/connect directions over TCP with
// ephemeral ports, ordering of 100 messages, fan-in from two libzmq PUSHers,
// multipart messages with empty frames, 0-byte messages, 4 MiB messages
// checked byte-for-byte (sha256 / exact pattern), and ipc:// endpoints.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { zmq } from "./helpers/impl.mjs";
import { interop, recv, pattern, sha256, ipcEndpoint, str } from "./helpers/util.mjs";
import { startPy } from "./helpers/pypeer.mjs";

const test = suite("pyzmq pipeline (PUSH/PULL)");
const it = interop(test);

const WASM_ANY = "tcp://127.0.0.1:0";
const PY_ANY = "tcp://127.0.0.1:*";
const N = 100;
const expected = Array.from({ length: N }, (_, i) => `msg-${i}`);
const MiB4 = 4 * 1024 * 1024;

async function bound(sock, endpoint = WASM_ANY) {
  await sock.bind(endpoint);
  assert.type(sock.lastEndpoint, "string", "lastEndpoint is set after bind");
  return sock.lastEndpoint;
}

// --- wasmq PUSH -> libzmq PULL -------------------------------------------
for (const wasmBinds of [false, true]) {
  const how = wasmBinds ? "binds, libzmq PULL connects," : "connects to libzmq PULL";
  it(`wasmq PUSH ${how} and delivers ${N} messages in order`, async (res) => {
    const push = res.sock(new zmq.Push({ linger: 0 }));
    let py;
    if (wasmBinds) {
      const ep = await bound(push);
      py = await startPy(res, { type: "PULL", connect: ep });
    } else {
      py = await startPy(res, { type: "PULL", bind: PY_ANY });
      push.connect(py.endpoint);
    }
    for (const m of expected) await push.send(m);
    const got = await py.recvN(N);
    assert.equal(got.map((m) => m.text.join("|")), expected);
  });
}

// --- libzmq PUSH -> wasmq PULL -------------------------------------------
for (const wasmBinds of [true, false]) {
  const how = wasmBinds ? "binds and receives" : "connects to a binding libzmq PUSH and receives";
  it(`wasmq PULL ${how} ${N} messages in order from libzmq PUSH`, async (res) => {
    const pull = res.sock(new zmq.Pull({ linger: 0 }));
    let py;
    if (wasmBinds) {
      const ep = await bound(pull);
      py = await startPy(res, { type: "PUSH", connect: ep });
    } else {
      py = await startPy(res, { type: "PUSH", bind: PY_ANY });
      pull.connect(py.endpoint);
    }
    py.send([{ text: "msg-{i}" }], { count: N });
    const got = [];
    for (let i = 0; i < N; i++) got.push((await recv(pull))[0].toString());
    assert.equal(got, expected);
  });
}

it("wasmq PULL fair-queues two libzmq PUSH peers, keeping each sender's order", async (res) => {
  const pull = res.sock(new zmq.Pull({ linger: 0 }));
  const ep = await bound(pull);
  const a = await startPy(res, { type: "PUSH", connect: ep });
  const b = await startPy(res, { type: "PUSH", connect: ep });
  a.send([{ text: "a" }, { text: "{i}" }], { count: 50 });
  b.send([{ text: "b" }, { text: "{i}" }], { count: 50 });
  const seen = { a: [], b: [] };
  for (let i = 0; i < 100; i++) {
    const [who, n] = str(await recv(pull));
    seen[who].push(Number(n));
  }
  const seq = Array.from({ length: 50 }, (_, i) => i);
  assert.equal(seen.a, seq);
  assert.equal(seen.b, seq);
});

// --- frame edge cases ------------------------------------------------------
const edgeMessages = () => [
  [Buffer.alloc(0)], // a single 0-byte frame
  [Buffer.alloc(0), Buffer.alloc(0)], // two empty frames
  [Buffer.from(""), Buffer.from("a"), Buffer.from("")], // empty frames around data
  [Buffer.from("head"), Buffer.from([0, 1, 2, 0xfe, 0xff]), Buffer.from("tail")], // binary
  [Buffer.alloc(255, 0x61)], // largest short frame
  [Buffer.alloc(256, 0x62)], // smallest long frame (8-byte size)
  [Buffer.from("last")],
];

it("wasmq PUSH sends multipart, empty-frame and 0-byte messages that libzmq PULL reads exactly", async (res) => {
  const py = await startPy(res, { type: "PULL", bind: PY_ANY });
  const push = res.sock(new zmq.Push({ linger: 0 }));
  push.connect(py.endpoint);
  const msgs = edgeMessages();
  for (const m of msgs) await push.send(m);
  const got = await py.recvN(msgs.length);
  got.forEach((m, i) => {
    assert.equal(m.lens, msgs[i].map((f) => f.length), `frame sizes of message ${i}`);
    assert.equal(m.frames, msgs[i], `content of message ${i}`);
  });
});

it("wasmq PULL receives multipart, empty-frame and 0-byte messages from libzmq PUSH exactly", async (res) => {
  const pull = res.sock(new zmq.Pull({ linger: 0 }));
  const ep = await bound(pull);
  const py = await startPy(res, { type: "PUSH", connect: ep });
  const msgs = edgeMessages();
  for (const m of msgs) py.send(m);
  for (let i = 0; i < msgs.length; i++) {
    const got = await recv(pull);
    assert.equal(got.length, msgs[i].length, `frame count of message ${i}`);
    got.forEach((f, j) => assert.ok(Buffer.from(f).equals(msgs[i][j]), `message ${i} frame ${j}`));
  }
});

// --- large messages --------------------------------------------------------
it("wasmq PUSH delivers a 4 MiB message to libzmq PULL byte-for-byte (sha256)", async (res) => {
  const py = await startPy(res, { type: "PULL", bind: PY_ANY });
  const push = res.sock(new zmq.Push({ linger: 0 }));
  push.connect(py.endpoint);
  const big = pattern(MiB4, 7);
  await push.send([Buffer.from("hdr"), big, Buffer.alloc(0)]);
  const m = await py.recv(15_000);
  assert.equal(m.lens, [3, MiB4, 0]);
  assert.is(m.sha256[1], sha256(big));
  assert.is(m.frames[0].toString(), "hdr");
});

it("wasmq PULL receives a 4 MiB message from libzmq PUSH byte-for-byte", async (res) => {
  const pull = res.sock(new zmq.Pull({ linger: 0 }));
  const ep = await bound(pull);
  const py = await startPy(res, { type: "PUSH", connect: ep });
  py.send([{ pattern: MiB4, seed: 9 }, "trailer"]);
  const [big, trailer] = await recv(pull, 15_000);
  assert.is(big.length, MiB4);
  assert.ok(Buffer.from(big).equals(pattern(MiB4, 9)), "4 MiB payload identical");
  assert.is(trailer.toString(), "trailer");
});

// --- ipc --------------------------------------------------------------------
it("wasmq PULL binds an ipc:// endpoint and receives from libzmq PUSH", async (res) => {
  const pull = res.sock(new zmq.Pull({ linger: 0 }));
  const ep = ipcEndpoint(res, "pull");
  await pull.bind(ep);
  const py = await startPy(res, { type: "PUSH", connect: ep });
  py.send([{ text: "ipc-{i}" }], { count: 10 });
  for (let i = 0; i < 10; i++) assert.equal(str(await recv(pull)), [`ipc-${i}`]);
});

it("wasmq PUSH connects to libzmq PULL bound on ipc:// and delivers in order", async (res) => {
  const ep = ipcEndpoint(res, "push");
  const py = await startPy(res, { type: "PULL", bind: ep });
  assert.is(py.endpoint, ep);
  const push = res.sock(new zmq.Push({ linger: 0 }));
  push.connect(ep);
  for (let i = 0; i < 10; i++) await push.send([`ipc-${i}`, Buffer.alloc(0)]);
  const got = await py.recvN(10);
  assert.equal(got.map((m) => m.text), Array.from({ length: 10 }, (_, i) => [`ipc-${i}`, ""]));
});

test.run();
