// docs/hostile-peers.md section B (cases 15-23): a raw TCP peer completes the NULL
// handshake with a wasmq PULL (or ROUTER) and then breaks the framing:
// reserved flag bits, COMMAND|MORE, absurd sizes, size claims with no data,
// multipart bombs, messages over maxMessageSize, connections cut mid-message,
// and a valid stream written one byte at a time.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  zmq, Core, badCase, listen, rawConnect, expectRejected, expectPeerGone, goodClientRoundTrip,
  assertNothingDelivered, greeting, frame, header, command, ready, ping, message, track, withTimeout,
  wasmMemory, token,
} from "./helpers/raw.mjs";

const test = suite("bad input B: framing");

const KiB = 1024;
const MiB = 1024 * KiB;

/** A listener with one raw peer past the handshake. */
async function activePeer(Kind = zmq.Pull, options = {}, peerType = Kind === zmq.Router ? "DEALER" : "PUSH") {
  const l = await listen(Kind, options);
  const peer = await rawConnect(l.endpoint);
  await peer.handshake(peerType);
  await l.events.waitFor("handshake");
  return { l, peer };
}

const recv = (sock, what = "a message at the listener") => withTimeout(sock.receive(), 3000, what);

// --- B15, B16, B17: malformed frame headers ----------------------------------------

const malformed = [
  // [name, bytes]
  ...[0x08, 0x10, 0x20, 0x40, 0x80, 0xf8].map((f) => [`reserved flag bits 0x${f.toString(16)}`, Buffer.concat([header(f, 3), Buffer.from("abc")])]),
  ["reserved bit 3 with MORE (0x09)", Buffer.concat([header(0x09, 1), Buffer.from("a")])],
  ["reserved bit 3 on a command (0x0C)", Buffer.concat([header(0x0c, 7), Buffer.from("\x04PING\0\0", "latin1")])],
  ["reserved bits on the 2nd frame of a multipart message", Buffer.concat([frame("first", { more: true }), header(0x80, 1), Buffer.from("b")])],
  ["COMMAND|MORE (0x05)", Buffer.concat([header(0x05, 7), Buffer.from("\x04PING\0\0", "latin1")])],
  ["COMMAND|MORE|LONG (0x07)", Buffer.concat([header(0x07, 7), Buffer.from("\x04PING\0\0", "latin1")])],
  ["a command in the middle of a multipart message", Buffer.concat([frame("first", { more: true }), ping(0, "x")])],
  ["long size 2^63", header(0x02, 2n ** 63n)],
  ["long size 2^64-1 (FF x 8)", header(0x02, 2n ** 64n - 1n)],
  ["long size 2^63 with MORE", header(0x03, 2n ** 63n)],
  ["long command size 2^64-1", header(0x06, 2n ** 64n - 1n)],
  ["long size 2^63 + 5, then 5 body bytes", Buffer.concat([header(0x02, 2n ** 63n + 5n), Buffer.from("hello")])],
];
for (const [name, bytes] of malformed) {
  for (const split of [false, true]) {
    badCase(test, `B15-17 ${name}${split ? " (1-byte writes)" : ""}: closed with ERR_ZMTP_MALFORMED_FRAME, nothing delivered`, async () => {
      const { l, peer } = await activePeer();
      if (split) await peer.drip(bytes); else await peer.write(bytes);
      await expectRejected(l, peer, "ERR_ZMTP_MALFORMED_FRAME", { handshaken: true });
      await assertNothingDelivered(l.sock);
      await goodClientRoundTrip(l.sock);
    });
  }
}

// --- B18: size claims with no data ---------------------------------------------------

badCase(test, "B18 a 4 GiB claim with maxMessageSize 1 MiB: closed at the header (EMSGSIZE), nothing allocated", async () => {
  const { l, peer } = await activePeer(zmq.Pull, { maxMessageSize: MiB });
  const before = wasmMemory();
  await peer.write(header(0x02, 4n * 1024n ** 3n)); // then silence
  await expectRejected(l, peer, "EMSGSIZE", { handshaken: true });
  assert.ok(wasmMemory() - before <= 256 * KiB, `Wasm memory grew by ${wasmMemory() - before} bytes`);
  await assertNothingDelivered(l.sock);
  await goodClientRoundTrip(l.sock);
});

badCase(test, "B18 a claim 1 byte over maxMessageSize: EMSGSIZE at the header; exactly maxMessageSize is delivered", async () => {
  const { l, peer } = await activePeer(zmq.Pull, { maxMessageSize: 1000 });
  await peer.write(message(Buffer.alloc(1000, 0x61)));
  assert.is((await recv(l.sock))[0].length, 1000);
  await peer.write(header(0x02, 1001)); // then silence
  await expectRejected(l, peer, "EMSGSIZE", { handshaken: true });
  await assertNothingDelivered(l.sock);
  await goodClientRoundTrip(l.sock);
});

badCase(test, "B18 a 4 GiB claim with no limit set: rejected (EMSGSIZE), nothing allocated", async () => {
  const { l, peer } = await activePeer();
  const before = wasmMemory();
  await peer.write(header(0x02, 4n * 1024n ** 3n));
  await expectRejected(l, peer, "EMSGSIZE", { handshaken: true });
  assert.ok(wasmMemory() - before <= 256 * KiB, `Wasm memory grew by ${wasmMemory() - before} bytes`);
  await goodClientRoundTrip(l.sock);
});

// With no maxMessageSize, the receive budget bounds a claim (256 MiB per
// connection); beyond 2 GiB a frame cannot be received at all.
for (const [claim, code] of [[3n * 1024n ** 3n, "EMSGSIZE"], [1024n ** 3n, "ERR_WASMQ_MEMORY_BUDGET"]]) {
  badCase(test, `B18 a ${claim / 1024n ** 2n} MiB claim with no limit, then 1000 bytes: refused at the header (${code}), nothing allocated`, async () => {
    const { l, peer } = await activePeer();
    const before = wasmMemory();
    await peer.write(Buffer.concat([header(0x02, claim), Buffer.alloc(1000, 0x5a)]));
    await expectRejected(l, peer, code, { handshaken: true });
    assert.ok(wasmMemory() - before <= 256 * KiB, `Wasm memory grew by ${wasmMemory() - before} bytes`);
    await assertNothingDelivered(l.sock);
    await goodClientRoundTrip(l.sock);
  });
}

badCase(test, "B18 a 200 MiB claim with no limit, 300 KiB sent, then RST: the body never enters Wasm memory, nothing delivered", async () => {
  const { l, peer } = await activePeer();
  const before = wasmMemory();
  await peer.write(Buffer.concat([header(0x02, 200n * 1024n ** 2n), Buffer.alloc(300 * KiB, 0x5a)]));
  peer.reset();
  await expectPeerGone(l);
  const grown = wasmMemory() - before;
  assert.ok(grown <= 256 * KiB, `Wasm memory grew by ${grown} bytes for 300 KiB of a large body`);
  await assertNothingDelivered(l.sock);
  await goodClientRoundTrip(l.sock);
});

// --- B19: long-size encoding of small bodies is accepted ---------------------------------

badCase(test, "B19 long-size encoding (0x02) for 5-byte and empty bodies, and a long PING: accepted", async () => {
  const { l, peer } = await activePeer();
  await peer.write(Buffer.concat([
    frame("hello", { long: true }),
    frame("", { long: true, more: true }), frame("x", { long: true }),
    command("PING", Buffer.from([0, 0, 0x63]), { long: true }),
  ]));
  assert.equal((await recv(l.sock)).map(String), ["hello"]);
  assert.equal((await recv(l.sock)).map(String), ["", "x"]);
  const pong = await peer.readCommand("PONG");
  assert.is(pong.data.toString(), "c");
  peer.end();
  await expectPeerGone(l);
  await goodClientRoundTrip(l.sock);
});

// --- B20: multipart bomb --------------------------------------------------------------

badCase(test, "B20 frame-count bomb (100k empty MORE frames): bounded, closed with EMSGSIZE, nothing delivered", async () => {
  const { l, peer } = await activePeer();
  const before = wasmMemory();
  await peer.write(Buffer.alloc(100_000 * 2).fill(Buffer.from([0x01, 0x00])));
  await expectRejected(l, peer, "EMSGSIZE", { handshaken: true });
  const grown = wasmMemory() - before;
  assert.ok(grown <= 4 * MiB, `Wasm memory grew by ${grown} bytes`);
  await assertNothingDelivered(l.sock);
  await goodClientRoundTrip(l.sock);
});

badCase(test, "B20 a multipart message of 1000 empty frames (under the frame limit) is delivered whole", async () => {
  const { l, peer } = await activePeer();
  await peer.write(message(...Array.from({ length: 1000 }, () => "")));
  const m = await recv(l.sock);
  assert.is(m.length, 1000);
  assert.ok(m.every((f) => f.length === 0));
  peer.end();
  await expectPeerGone(l);
  await goodClientRoundTrip(l.sock);
});

// --- B21: the limit covers the whole message ----------------------------------------------

badCase(test, "B21 frames each under maxMessageSize but summing over it: EMSGSIZE, nothing delivered", async () => {
  const { l, peer } = await activePeer(zmq.Pull, { maxMessageSize: 1000 });
  const f = Buffer.alloc(400, 0x41);
  // Exactly at the limit across frames: fine.
  await peer.write(message(f, Buffer.alloc(600, 0x42)));
  assert.equal((await recv(l.sock)).map((b) => b.length), [400, 600]);
  // 3 × 400: the third header crosses the limit.
  await peer.write(message(f, f, f));
  await expectRejected(l, peer, "EMSGSIZE", { handshaken: true });
  await assertNothingDelivered(l.sock);
  await goodClientRoundTrip(l.sock);
});

badCase(test, "B21 ROUTER: sum over maxMessageSize across frames closes the peer (EMSGSIZE)", async () => {
  const { l, peer } = await activePeer(zmq.Router, { maxMessageSize: 100 });
  await peer.write(message(...Array.from({ length: 11 }, () => Buffer.alloc(10, 0x43))));
  await expectRejected(l, peer, "EMSGSIZE", { handshaken: true });
  await assertNothingDelivered(l.sock);
  await goodClientRoundTrip(l.sock);
});

// --- B22: connection cut mid-message ------------------------------------------------------

const cuts = [
  ["a frame header plus half its payload", Buffer.concat([header(0x00, 10), Buffer.from("hello")])],
  ["frame 1 of 3", frame("one", { more: true })],
  ["frames 1 and 2 of 3, and half a long header", Buffer.concat([frame("one", { more: true }), frame("two", { more: true }), Buffer.from([0x02, 0, 0, 0])])],
  ["a 1000-byte frame cut after 999 bytes", Buffer.concat([header(0x02, 1000), Buffer.alloc(999, 0x44)])],
];
for (const [what, partial] of cuts) {
  for (const how of ["RST", "FIN"]) {
    badCase(test, `B22 ${how} after ${what}: never delivered, a good peer's messages still are`, async () => {
      const { l, peer } = await activePeer();
      const good = track(new zmq.Push({ linger: 0 }));
      good.connect(l.endpoint);
      const g = token("good");
      await good.send([g, "1"]);
      // A complete message from the raw peer, then the partial one.
      await peer.write(Buffer.concat([message("raw", "complete"), partial]));
      await good.send([g, "2"]);
      if (how === "RST") peer.reset(); else peer.end();
      await expectPeerGone(l, { alone: false });
      const got = [];
      for (let i = 0; i < 3; i++) got.push((await recv(l.sock)).map(String).join("|"));
      assert.equal(got.sort(), [`${g}|1`, `${g}|2`, "raw|complete"].sort());
      await assertNothingDelivered(l.sock, "the partial message was dropped");
      good.close();
      await goodClientRoundTrip(l.sock);
    });
  }
}

// --- B23: the same stream, whole or split into 1-byte writes --------------------------------

const STREAM_MESSAGES = [
  ["a"],
  ["multi", "part", ""],
  ["x".repeat(300)],
  [""],
  ["long-encoded"],
  ["y".repeat(70000), "tail"],
  ["last"],
];
function validStream() {
  const parts = [greeting(), ready("PUSH")];
  for (const m of STREAM_MESSAGES) {
    if (m[0] === "long-encoded") parts.push(frame(m[0], { long: true }));
    else parts.push(message(...m));
    if (m[0] === "") parts.push(ping(0, "mid-stream"));
  }
  return Buffer.concat(parts);
}
const expectedMessages = STREAM_MESSAGES.map((m) => m.join("|"));

badCase(test, "B23 a valid stream written 1 byte at a time delivers the same messages as written whole", async () => {
  const stream = validStream();
  const results = [];
  for (const split of [false, true]) {
    const l = await listen(zmq.Pull);
    const peer = await rawConnect(l.endpoint);
    // Skip the big frame's bytes in 1-byte mode: write it in 1 KiB pieces so the case stays fast.
    if (split) {
      const big = stream.indexOf(Buffer.from("y".repeat(64)));
      await peer.drip(stream.subarray(0, big));
      for (let i = big; i < big + 70000; i += 1024) await peer.write(stream.subarray(i, Math.min(i + 1024, big + 70000)));
      await peer.drip(stream.subarray(big + 70000));
    } else {
      await peer.write(stream);
    }
    const got = [];
    for (let i = 0; i < STREAM_MESSAGES.length; i++) got.push((await recv(l.sock)).map(String).join("|"));
    await peer.read(64);
    const frames = [];
    for (let i = 0; i < 2; i++) frames.push(await peer.readFrame());
    results.push({ got, frames: frames.map((f) => f.body.toString("hex")), handshakes: l.events.count("handshake") });
    peer.end();
    await expectPeerGone(l);
    await goodClientRoundTrip(l.sock);
  }
  assert.equal(results[0].got, expectedMessages);
  assert.equal(results[1], results[0], "1-byte writes give the same messages, READY and PONG");
});

badCase(test, "B23 in-process: the stream cut at every byte boundary gives the same messages and output", async () => {
  // Small messages only so that every 2-way split runs quickly.
  const parts = [greeting(), ready("PUSH"), message("a"), message("multi", "part", ""), ping(0, "ctx"),
    message("x".repeat(300)), frame("long", { long: true }), message("", "")];
  const stream = Buffer.concat(parts);
  const want = ["a", "multi|part|", "x".repeat(300), "long", "|"];
  const c = new Core(1, { manualTimers: true, clock: () => 0 });
  const sock = c.openSocket(7 /* PULL */, { onReadable() {}, onWritable() {} });
  const run = (chunks) => {
    const sink = { onOutput() {}, onHandshake() {}, onClose(r) { throw new Error(`pipe closed, reason ${r}`); }, onPause() {}, onResume() {}, onConnect() {}, onReleased() {} };
    const h = c.openPipe(sock, false, false, sink);
    c.startPipe(h);
    for (const ch of chunks) c.input(h, ch);
    const got = [];
    for (let m = c.recv(sock); typeof m !== "number"; m = c.recv(sock)) got.push(m.map(String).join("|"));
    const out = c.takeOutput(h);
    c.drain();
    sink.onClose = () => {};
    c.destroyPipe(h);
    return { got, out: out?.toString("hex") };
  };
  const whole = run([stream]);
  assert.equal(whole.got, want);
  for (let k = 1; k < stream.length; k++) {
    const r = run([stream.subarray(0, k), stream.subarray(k)]);
    if (r.got.join("\n") !== whole.got.join("\n") || r.out !== whole.out) assert.equal(r, whole, `split at byte ${k}`);
  }
  const bytes = run([...stream].map((b) => Buffer.from([b])));
  assert.equal(bytes, whole, "1-byte chunks");
  c.closeSocket(sock);
});

test.run();
