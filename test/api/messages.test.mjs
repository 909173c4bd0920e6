// Message shapes over inproc://, tcp:// and ipc://: multipart with empty
// frames, 0-byte messages, 1 MiB messages, every accepted frame type
// (string, Buffer, Uint8Array, ArrayBuffer, null) and Buffers on receipt.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { randomBytes } from "node:crypto";
import { zmq, api, eachTransport, bindAny, recv, send, str, withTimeout } from "./helpers/util.mjs";

const test = suite("api: messages");
const it = api(test);

async function dealers(res, kind) {
  const a = res.sock(new zmq.Dealer());
  const ep = await bindAny(a, kind, res);
  const b = res.sock(new zmq.Dealer());
  b.connect(ep);
  return [a, b];
}

eachTransport(it, "multipart with empty and 0-byte frames arrives frame for frame", async (res, kind) => {
  const [a, b] = await dealers(res, kind);
  await send(b, ["first", "", Buffer.alloc(0), new Uint8Array(0), "last"]);
  const m = await recv(a);
  assert.is(m.length, 5);
  assert.equal(m.map((f) => f.length), [5, 0, 0, 0, 4]);
  assert.equal(str(m), ["first", "", "", "", "last"]);
  // Leading and trailing empty frames too.
  await send(a, ["", "mid", ""]);
  assert.equal(str(await recv(b)), ["", "mid", ""]);
});

eachTransport(it, "0-byte messages: Buffer.alloc(0), \"\" and null each arrive as one empty frame", async (res, kind) => {
  const [a, b] = await dealers(res, kind);
  await send(b, Buffer.alloc(0));
  await send(b, "");
  await send(b, null);
  await send(b, [null, null]);
  for (let i = 0; i < 3; i++) {
    const m = await recv(a);
    assert.is(m.length, 1, `message ${i}: one frame`);
    assert.ok(Buffer.isBuffer(m[0]));
    assert.is(m[0].length, 0);
  }
  const two = await recv(a);
  assert.equal(two.map((f) => f.length), [0, 0]);
});

eachTransport(it, "1 MiB messages arrive intact (single frame and multipart), both ways", async (res, kind) => {
  const [a, b] = await dealers(res, kind);
  const big = randomBytes(1 << 20);
  const big2 = randomBytes((1 << 20) + 7);
  await send(b, big);
  await send(b, ["head", big2, "tail"]);
  const m1 = await recv(a, 10_000);
  assert.is(m1.length, 1);
  assert.is(m1[0].length, big.length);
  assert.ok(m1[0].equals(big), "1 MiB payload intact");
  const m2 = await recv(a, 10_000);
  assert.is(m2.length, 3);
  assert.is(m2[0].toString(), "head");
  assert.ok(m2[1].equals(big2), "1 MiB + 7 frame intact");
  assert.is(m2[2].toString(), "tail");
  await send(a, big);
  assert.ok((await recv(b, 10_000))[0].equals(big), "and back");
});

eachTransport(it, "strings, Buffers, Uint8Arrays and ArrayBuffers are accepted; frames are received as Buffers", async (res, kind) => {
  const [a, b] = await dealers(res, kind);
  const u8 = new Uint8Array([1, 2, 3, 250]);
  const ab = new Uint8Array([9, 8, 7]).buffer;
  const view = Buffer.from("xxsubyy").subarray(2, 5); // offset view into a larger buffer
  await send(b, ["héllo ✓", Buffer.from([0, 255]), u8, ab, view]);
  const m = await recv(a);
  assert.is(m.length, 5);
  for (const f of m) assert.ok(Buffer.isBuffer(f), "every received frame is a Buffer");
  assert.equal(m[0], Buffer.from("héllo ✓", "utf8"), "strings are sent as UTF-8");
  assert.equal(m[1], Buffer.from([0, 255]));
  assert.equal(m[2], Buffer.from(u8));
  assert.equal(m[3], Buffer.from([9, 8, 7]));
  assert.equal(m[4], Buffer.from("sub"), "only the view's bytes are sent");
  // A lone (non-array) Uint8Array is one frame.
  await send(b, u8);
  assert.equal(await recv(a), [Buffer.from(u8)]);
});

eachTransport(it, "many frames and many messages keep their order", async (res, kind) => {
  const [a, b] = await dealers(res, kind);
  const frames = Array.from({ length: 200 }, (_, i) => `f${i}`);
  await send(b, frames);
  assert.equal(str(await recv(a)), frames);
  const N = 2000;
  const sending = (async () => { for (let i = 0; i < N; i++) await b.send(String(i)); })();
  for (let i = 0; i < N; i++) assert.is((await recv(a))[0].toString(), String(i));
  await withTimeout(sending, 5000, "all sends");
});

it("an invalid frame type rejects the send", async (res) => {
  const d = res.sock(new zmq.Dealer());
  let rejected = false;
  try {
    await withTimeout(Promise.resolve().then(() => d.send([{ not: "a frame" }])), 2000, "send");
  } catch (err) {
    rejected = err instanceof Error && !/timed out/.test(err.message);
  }
  assert.ok(rejected, "sending an object frame fails");
});

test.run();
