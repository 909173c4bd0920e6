// Large messages in both families: bodies of 32 KiB and more are received
// outside the Wasm memory (gathered from the transport's own buffers), so
// the shared linear memory does not grow with message size; the receive
// budgets refuse what the process should not hold, with a typed reason, and
// never at another connection's expense; and what the user allows
// (maxMessageSize) is delivered whole.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { zmq, api, recv, withTimeout } from "./helpers/util.mjs";
import * as sp from "wasmq/sp";
import { core } from "../../dist/esm/bindings/core.js";

const test = suite("api: large messages and the receive budget");
const it = api(test, { timeout: 60_000 });

const MiB = 1 << 20;

// A body whose bytes all differ from their neighbours' position, so a
// misplaced chunk would show.
function pattern(n, seed = 7) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 4096) b.writeUInt32LE((i * 2654435761 + seed) >>> 0, i);
  return b;
}

const sameBytes = (a, b) => a.length === b.length && a.equals(b);

const CASES = [
  ["ZMTP PUSH/PULL over tcp", () => [new zmq.Pull(), new zmq.Push()], "tcp://127.0.0.1:0"],
  ["ZMTP PUSH/PULL over ws", () => [new zmq.Pull(), new zmq.Push()], "ws://127.0.0.1:0/"],
  ["SP PUSH/PULL over tcp", () => [new sp.Pull({ maxMessageSize: 0 }), new sp.Push()], "tcp://127.0.0.1:0"],
  ["SP PUSH/PULL over ws", () => [new sp.Pull({ maxMessageSize: 0 }), new sp.Push()], "ws://127.0.0.1:0/"],
  ["SP PUSH/PULL over ipc", () => [new sp.Pull({ maxMessageSize: 0 }), new sp.Push()], "ipc"],
];

for (const [name, make, address] of CASES) {
  it(`${name}: a 48 MiB message arrives intact and the Wasm memory does not grow with it`, async (res) => {
    const [pull, push] = make().map((s) => res.sock(s));
    const where = address === "ipc" ? `ipc:///tmp/wasmq-large-${process.pid}-${Date.now()}.sock` : address;
    await pull.bind(where);
    push.connect(pull.lastEndpoint);
    // Warm the connection (handshake buffers) before measuring.
    await push.send("hello");
    assert.is((await recv(pull))[0].toString(), "hello");
    const before = core().memoryBytes;
    const body = pattern(48 * MiB);
    await push.send(body);
    const [got] = await recv(pull, 30_000, "the 48 MiB message");
    assert.ok(sameBytes(got, body), "the body arrived byte for byte");
    assert.ok(core().memoryBytes - before <= MiB, `Wasm memory grew by ${core().memoryBytes - before} bytes`);
  });
}

it("ZMTP: a multipart message of small and large frames keeps its frames and their order", async (res) => {
  const pull = res.sock(new zmq.Pull());
  await pull.bind("tcp://127.0.0.1:0");
  const push = res.sock(new zmq.Push());
  push.connect(pull.lastEndpoint);
  const frames = [Buffer.from("head"), pattern(100_000, 1), Buffer.alloc(0), pattern(3 * MiB, 2), Buffer.from("tail")];
  await push.send(frames);
  const got = await recv(pull);
  assert.is(got.length, frames.length);
  for (let i = 0; i < frames.length; i++) assert.ok(sameBytes(got[i], frames[i]), `frame ${i}`);
});

it("ZMTP SUB: a large message is still matched on its topic frame and delivered", async (res) => {
  const pub = res.sock(new zmq.XPublisher());
  await pub.bind("tcp://127.0.0.1:0");
  const sub = res.sock(new zmq.Subscriber());
  sub.subscribe("big");
  sub.connect(pub.lastEndpoint);
  // The subscription has reached the publisher once XPUB reports it.
  const [s] = await recv(pub, 5000, "the subscription at the XPUB");
  assert.is(s.toString("latin1"), "\x01big");
  const body = pattern(2 * MiB, 3);
  await pub.send(["other", body]);
  await pub.send(["big", body]);
  const [topic, b] = await recv(sub, 10_000, "the large published message");
  assert.is(topic.toString(), "big");
  assert.ok(sameBytes(b, body));
});

it("SP REP: a large request's backtrace is read and the reply reaches the requester", async (res) => {
  const rep = res.sock(new sp.Rep({ maxMessageSize: 0 }));
  await rep.bind("tcp://127.0.0.1:0");
  const req = res.sock(new sp.Req({ maxMessageSize: 0 }));
  req.connect(rep.lastEndpoint);
  const body = pattern(5 * MiB, 4);
  await req.send(body);
  const [q] = await recv(rep);
  assert.ok(sameBytes(q, body), "request body intact, backtrace stripped");
  await rep.send(q.subarray(0, 1 * MiB));
  const [a] = await recv(req);
  assert.ok(sameBytes(a, body.subarray(0, 1 * MiB)));
});

it("maxMessageSize set above the default budget allows a 300 MiB message, delivered whole", async (res) => {
  const pull = res.sock(new zmq.Pull({ maxMessageSize: 512 * MiB }));
  await pull.bind("tcp://127.0.0.1:0");
  const push = res.sock(new zmq.Push());
  push.connect(pull.lastEndpoint);
  const body = Buffer.alloc(300 * MiB, 0x5a);
  body.writeUInt32LE(0xdeadbeef, 150 * MiB);
  await push.send(body);
  const [got] = await recv(pull, 50_000, "the 300 MiB message");
  assert.is(got.length, body.length);
  assert.is(got.readUInt32LE(150 * MiB), 0xdeadbeef);
  assert.is(core().receivedBytes, 0, "nothing left counted against the budget once received");
});

it("with maxMessageSize unset, a 300 MiB frame is refused with ERR_WASMQ_MEMORY_BUDGET before any of it is held", async (res) => {
  const pull = res.sock(new zmq.Pull());
  const gone = new Promise((r) => pull.events.on("disconnect", r));
  await pull.bind("tcp://127.0.0.1:0");
  const push = res.sock(new zmq.Push({ linger: 0 }));
  push.connect(pull.lastEndpoint);
  await push.send(Buffer.alloc(300 * MiB));
  const ev = await withTimeout(gone, 20_000, "the refusal");
  assert.is(ev.error?.code, "ERR_WASMQ_MEMORY_BUDGET");
});

it("the process budget refuses the connection that would pass it and no other", async (res) => {
  zmq.setReceiveBudget(24 * MiB);
  res.defer(() => zmq.setReceiveBudget(1 << 30));
  // A slow reader holds 16 MiB (received, not yet taken).
  const hog = res.sock(new zmq.Pull());
  await hog.bind("tcp://127.0.0.1:0");
  const filler = res.sock(new zmq.Push());
  filler.connect(hog.lastEndpoint);
  await filler.send(Buffer.alloc(16 * MiB, 1));
  // Wait until the core holds it (the pipe has queued it).
  while (core().receivedBytes < 16 * MiB) await new Promise((r) => setTimeout(r, 5));
  // Another connection's 16 MiB would pass the 24 MiB budget: refused.
  const victim = res.sock(new zmq.Pull());
  const gone = new Promise((r) => victim.events.on("disconnect", r));
  await victim.bind("tcp://127.0.0.1:0");
  const big = res.sock(new zmq.Push({ linger: 0 }));
  big.connect(victim.lastEndpoint);
  await big.send(Buffer.alloc(16 * MiB, 2));
  const ev = await withTimeout(gone, 10_000, "the refusal");
  assert.is(ev.error?.code, "ERR_WASMQ_MEMORY_BUDGET");
  // Small messages elsewhere still flow, and the held message is intact.
  const a = res.sock(new zmq.Pull());
  await a.bind("tcp://127.0.0.1:0");
  const b = res.sock(new zmq.Push());
  b.connect(a.lastEndpoint);
  await b.send("still fine");
  assert.is((await recv(a))[0].toString(), "still fine");
  const [held] = await recv(hog);
  assert.is(held.length, 16 * MiB);
  assert.is(held[16 * MiB - 1], 1);
});

it("setReceiveBudget refuses a value that is not a positive number", () => {
  for (const v of [0, -1, NaN, "1"]) {
    assert.throws(() => zmq.setReceiveBudget(v), (e) => e.code === "EINVAL", String(v));
  }
});

it("a send that would copy more than 256 MiB into the core rejects with EMSGSIZE instead of throwing", async (res) => {
  const req = res.sock(new sp.Req());   // a REQ keeps its request inline, to resend it
  let promise;
  assert.not.throws(() => { promise = req.send(Buffer.alloc(257 * MiB)); });
  const err = await promise.then(() => null, (e) => e);
  assert.ok(err, "the send was rejected");
  assert.is(err.code, "EMSGSIZE");
});

test.run();
