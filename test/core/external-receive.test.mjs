// Zero-copy receive (assembly/external.ts): a frame body of 32 KiB or more
// is gathered by the host from its own chunks and never enters linear
// memory. For both wires and every framing (ZMTP over a stream and over
// ZWS messages; SP over tcp, ipc and WebSocket) the same bytes, fed whole,
// a byte at a time or cut at seeded random places, give the same messages;
// linear memory stays flat; and whatever is dropped or cut off gives its
// bytes back (receivedBytes returns to 0, the host keeps no body).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { newCore, rawPeer, handshake, Sock } from "./helpers/harness.mjs";
import { T, O, message, reasonName } from "./helpers/wire.mjs";
import { spSock, spAddPeer, spMessages, words, reqId, backtrace } from "./helpers/sp.mjs";

const KiB = 1024;
const cat = (...parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));

function pattern(n, seed) {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; b[i] = x & 0xff; }
  return b;
}

// Seeded cut points: every way of delivering `bytes` that a test compares.
function cuttings(bytes) {
  const out = [["whole", [bytes]], ["7-byte chunks", chunks(bytes, 7)], ["64 KiB chunks", chunks(bytes, 64 * KiB)]];
  for (const seed of [1, 2, 3]) {
    let x = seed * 2654435761 >>> 0;
    const parts = [];
    for (let at = 0; at < bytes.length;) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      const n = 1 + (x % 50000);
      parts.push(bytes.subarray(at, at + n));
      at += n;
    }
    out.push([`random cuts (seed ${seed})`, parts]);
  }
  return out;
}
const chunks = (b, n) => Array.from({ length: Math.ceil(b.length / n) }, (_, i) => b.subarray(i * n, (i + 1) * n));

function recvAll(sock) {
  const out = [];
  for (;;) {
    const m = sock.recv();
    if (typeof m === "number") return out;
    out.push(m.map((f) => Buffer.from(f).toString("hex")));
  }
}

// ---- ZMTP over a stream ----

const big1 = pattern(100 * KiB, 1);
const big2 = pattern(40 * KiB, 2);
const zmtpBytes = cat(message(big1, "x", big2), message("small"), message(pattern(33 * KiB, 3)));
const zmtpExpected = [[big1, Buffer.from("x"), big2], [Buffer.from("small")], [pattern(33 * KiB, 3)]]
  .map((m) => m.map((f) => f.toString("hex")));

for (const [how, parts] of cuttings(zmtpBytes)) {
  test(`ZMTP PULL, ${how}: large frames arrive intact, in order, and never enter linear memory`, () => {
    const core = newCore();
    const { sock, pipe } = rawPeer(core, T.PULL);
    handshake(pipe, "PUSH");
    const mem = core.memoryBytes;
    const heap = core.heapBytes;
    for (const p of parts) pipe.feed(p);
    assert.not.ok(pipe.closed, reasonName(pipe.closeReason));
    // The input region may grow to one 64 KiB read; the bodies take nothing.
    assert.ok(core.heapBytes - heap <= 80 * KiB, `linear allocations grew by ${core.heapBytes - heap} bytes for 173 KiB of bodies`);
    assert.is(core.memoryBytes, mem, "linear memory did not grow");
    assert.equal(recvAll(sock), zmtpExpected);
    assert.is(core.receivedBytes, 0);
  });
}

test("ZMTP SUB: the topic frame stays in linear memory (it is matched), later large frames do not", () => {
  const core = newCore();
  const { sock, pipe } = rawPeer(core, T.SUB, { options: { [O.OPT_SUBSCRIBE]: "t" } });
  handshake(pipe, "PUB");
  const body = pattern(50 * KiB, 4);
  pipe.feed(cat(message("t", body), message("u", body), message(cat("t", body))));
  const got = recvAll(sock);
  assert.equal(got, [[Buffer.from("t").toString("hex"), body.toString("hex")], [cat("t", body).toString("hex")]]);
  assert.is(core.receivedBytes, 0, "the dropped message gave its bytes back");
});

test("ZMTP: a connection cut in the middle of a large body delivers nothing and keeps nothing", () => {
  const core = newCore();
  const { sock, pipe } = rawPeer(core, T.PULL);
  handshake(pipe, "PUSH");
  pipe.feed(message(pattern(80 * KiB, 5)).subarray(0, 50 * KiB));
  const counted = core.receivedBytes;
  assert.ok(counted >= 80 * KiB && counted <= 80 * KiB + 64, `the announced frame is counted while it arrives (${counted})`);
  core.pipeClosed(pipe.h);
  assert.equal(recvAll(sock), []);
  assert.is(core.receivedBytes, 0);
  assert.is(core.external.size, 0, "the host dropped the partial body");
});

test("ZMTP REP: a large frame in the envelope drops the request; a large body after the delimiter is fine", () => {
  const core = newCore();
  const { sock, pipe } = rawPeer(core, T.REP);
  handshake(pipe, "REQ");
  const body = pattern(60 * KiB, 6);
  pipe.feed(cat(message(pattern(40 * KiB, 7), "", "q"), message("", body)));
  assert.equal(recvAll(sock), [[body.toString("hex")]]);
  assert.is(core.external.size, 0, "the dropped request's body is gone from the host");
});

// ---- ZWS 2.0 (message mode) ----

test("ZWS: a large message's body is taken from the WebSocket message itself, not linear memory", () => {
  const core = newCore();
  const sock = new Sock(core, T.PULL);
  const events = [];
  const h = core.openPipe(sock.h, false, false, {
    onOutput() {}, onHandshake() { events.push("handshake"); }, onClose(r) { events.push(`close ${r}`); },
    onPause() {}, onResume() {}, onConnect() {}, onReleased() {},
  });
  core.setPipeMode(h, true, false);
  core.startPipe(h);
  core.takeMessages(h);
  core.inputMessage(h, Buffer.from([0x00]));           // plain ZWS2.0: the peer's (empty) routing id
  assert.equal(events, ["handshake"]);
  const mem = core.memoryBytes;
  const body = pattern(300 * KiB, 8);
  const wsMessage = cat([0x00], body);
  core.inputMessage(h, wsMessage);
  core.inputMessage(h, cat([0x01], "small"));
  core.inputMessage(h, cat([0x00], pattern(40 * KiB, 9)));
  assert.is(core.memoryBytes, mem);
  const [m1] = sock.recv();
  assert.ok(m1.buffer === wsMessage.buffer, "the frame is a view of the WebSocket message");
  assert.ok(m1.equals(body));
  const m2 = sock.recv();
  assert.equal(m2.map(String), ["small", pattern(40 * KiB, 9).toString()]);
});

// ---- SP ----

for (const ipc of [false, true]) {
  const wire = ipc ? "ipc" : "tcp";
  const payloads = [pattern(200 * KiB, 10), Buffer.from("tiny"), pattern(32 * KiB, 11), pattern(32 * KiB - 1, 12)];
  for (const [how, parts] of cuttings(spMessages(payloads, { ipc }))) {
    test(`SP PULL0 over ${wire}, ${how}: large payloads arrive intact with linear memory flat`, () => {
      const core = newCore();
      const sock = spSock(core, "PULL0", { [O.OPT_MAXMSGSIZE]: 0 });
      const pipe = spAddPeer(sock, { ipc });
      const mem = core.memoryBytes;
      for (const p of parts) pipe.feed(p);
      assert.not.ok(pipe.closed, reasonName(pipe.closeReason));
      assert.is(core.memoryBytes, mem);
      assert.equal(recvAll(sock), payloads.map((p) => [p.toString("hex")]));
      assert.is(core.receivedBytes, 0);
    });
  }
}

test("SP REP0: a large request's backtrace is read from its head; the reply carries it back", () => {
  const core = newCore();
  const sock = spSock(core, "REP0", { [O.OPT_MAXMSGSIZE]: 0 });
  const pipe = spAddPeer(sock);
  const bt = backtrace([0x11, 0x22], 0x33);
  const body = pattern(100 * KiB, 13);
  for (const p of chunks(spMessages([cat(bt, body)]), 1000)) pipe.feed(p);
  const [got] = sock.recv();
  assert.ok(Buffer.from(got).equals(body));
  assert.is(sock.send(["re"]), 0);
  assert.equal(pipe.takeMessages().map((m) => m.toString("hex")), [cat(bt, "re").toString("hex")]);
});

test("SP SUB0: a large message is matched on its head", () => {
  const core = newCore();
  const sock = spSock(core, "SUB0", { [O.OPT_MAXMSGSIZE]: 0, [O.OPT_SUBSCRIBE]: "news" });
  const pipe = spAddPeer(sock);
  const body = pattern(64 * KiB, 14);
  pipe.feed(spMessages([cat("news", body), cat("other", body)]));
  assert.equal(recvAll(sock), [[cat("news", body).toString("hex")]]);
  assert.is(core.external.size, 0, "the unmatched message's body is gone from the host");
});

test("SP REQ0: a stale large reply is dropped and its body given back; the right one is delivered", () => {
  const core = newCore();
  const sock = spSock(core, "REQ0", { [O.OPT_MAXMSGSIZE]: 0 });
  const pipe = spAddPeer(sock);
  assert.is(sock.send(["ask"]), 0);
  const [request] = pipe.takeMessages();
  const body = pattern(50 * KiB, 15);
  pipe.feed(spMessages([cat(words(reqId(12345)), body), cat(request.subarray(0, 4), body)]));
  const [got] = sock.recv();
  assert.ok(Buffer.from(got).equals(body));
  assert.is(core.external.size, 0);
  assert.is(core.receivedBytes, 0);
});

test("SP over WebSocket: a large message's payload is a view of the WebSocket message", () => {
  const core = newCore();
  const sock = spSock(core, "PULL0", { [O.OPT_MAXMSGSIZE]: 0 });
  const h = core.openPipe(sock.h, false, false, {
    onOutput() {}, onHandshake() {}, onClose() {}, onPause() {}, onResume() {}, onConnect() {}, onReleased() {},
  });
  core.setPipeMode(h, true, false);
  core.startPipe(h);
  const mem = core.memoryBytes;
  const payload = pattern(500 * KiB, 16);
  core.inputMessage(h, payload);
  assert.is(core.memoryBytes, mem);
  const [m] = sock.recv();
  assert.ok(m.buffer === payload.buffer && m.equals(payload));
});

test.run();
