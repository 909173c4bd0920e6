// docs/hostile-peers.md section E (cases 38-45): raw node:net peers write hand-built
// SP bytes at wasmq/sp listeners on tcp://127.0.0.1:0 and ipc://. Each case
// checks U0: no unhandled exception/rejection (badCase), the connection closed
// by wasmq with a typed reason event where the table says REJECT
// (spExpectRejected), nothing partial delivered, Wasm memory bounded where a
// size is claimed, and a good wasmq peer still completes a round trip on the
// same listener afterwards (spGoodRoundTrip).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  sp, badCase, withTimeout, track, wasmMemory, spAssertNothingDelivered, spListen, rawConnectSp, spActivePeer,
  spExpectRejected, spExpectPeerGone, spGoodRoundTrip, waitUntil, spHeader, spMessage, spSize, words, word, reqId,
  backtrace, hopsBacktrace, SPEC_IDS,
} from "./helpers/sp.mjs";

const test = suite("bad input E: SP wire");

const KiB = 1024;
const MiB = 1024 * KiB;
// Long enough that a close "at once" can only be the reject, never the timer.
const SLOW = { handshakeInterval: 5000 };
const TRANSPORTS = ["tcp", "ipc"];
const cat = (...parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));
const recv = (sock, what = "a message at the listener") => withTimeout(sock.receive(), 3000, what);
/** The rejection of a promise (fails if it resolves). */
async function rejection(p, what) {
  try {
    const v = await p;
    assert.unreachable(`${what} resolved with ${JSON.stringify(v?.map?.(String) ?? v)}`);
  } catch (e) {
    if (e.name === "Assertion") throw e;
    return e;
  }
}

// --- E38: the mangos bad-header list ------------------------------------------------

const REP = SPEC_IDS.REP0;
const REQ = SPEC_IDS.REQ0;
const badHeaders = [
  ["version byte 1", spHeader(REQ, { version: 1 })],
  ["version byte 2", spHeader(REQ, { version: 2 })],
  ["reserved byte 6 != 0", spHeader(REQ, { r6: 1 })],
  ["reserved byte 7 != 0", spHeader(REQ, { r7: 0x80 })],
  ["{1,'S','P',0,...}", spHeader(REQ, { b0: 1 })],
  ["'x'", Buffer.from("x")],
  ["a ZMTP 3.1 greeting", cat([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1], Buffer.from("NULL"), Buffer.alloc(48))],
];
for (const transport of TRANSPORTS) {
  for (const [name, bytes] of badHeaders) {
    for (const drip of transport === "tcp" ? [false, true] : [false]) {
      badCase(test, `E38 ${transport}: ${name}${drip ? " (1-byte writes)" : ""}: REJECT with ERR_SP_BAD_HEADER at once`, async () => {
        const l = await spListen(sp.Rep, SLOW, transport);
        const peer = await rawConnectSp(l.endpoint);
        assert.equal(await peer.readHeader(), spHeader(REP), "the listener sends its header first");
        if (drip) await peer.drip(bytes); else await peer.write(bytes);
        const { closedAfter } = await spExpectRejected(l, peer, "ERR_SP_BAD_HEADER");
        assert.ok(closedAfter < 2000, `closed ${closedAfter.toFixed(0)} ms after connect (negotiation timeout 5000)`);
        await spAssertNothingDelivered(l.sock);
        await spGoodRoundTrip(l);
      });
    }
  }
}

const shortHeaders = [
  ["{} (silence)", []],
  ["{0}", [0]],
  ["{0,'S'}", [0, 0x53]],
  ["{0,'S','P'}", [0, 0x53, 0x50]],
  ["7 of 8 header bytes", [0, 0x53, 0x50, 0, 0, REQ, 0]],
];
for (const transport of TRANSPORTS) {
  for (const [name, bytes] of transport === "tcp" ? shortHeaders : [shortHeaders[0], shortHeaders[4]]) {
    badCase(test, `E38 ${transport}: ${name} then silence: REJECT with ETIMEDOUT at the negotiation timeout (handshakeInterval 200)`, async () => {
      const l = await spListen(sp.Rep, { handshakeInterval: 200 }, transport);
      const peer = await rawConnectSp(l.endpoint);
      if (bytes.length) await peer.write(Buffer.from(bytes));
      const { closedAfter } = await spExpectRejected(l, peer, "ETIMEDOUT");
      // The upper bound only catches "never" or "much later" (a loaded CI box is slow).
      assert.ok(closedAfter >= 150 && closedAfter < 2000, `closed ${closedAfter.toFixed(0)} ms after connect (timeout 200)`);
      await spAssertNothingDelivered(l.sock);
      await spGoodRoundTrip(l);
    });
  }
}

badCase(test, "E38 the SP sockets expose the negotiation timeout as handshakeInterval (default 10 s)", async () => {
  const s = track(new sp.Rep({ linger: 0 }));
  assert.is(s.handshakeInterval, 10000);
  s.handshakeInterval = 123;
  assert.is(s.handshakeInterval, 123);
});

badCase(test, "E38 a slow drip of a valid prefix is closed at the absolute deadline, not reset per byte", async () => {
  const l = await spListen(sp.Rep, { handshakeInterval: 300 });
  const peer = await rawConnectSp(l.endpoint);
  const prefix = Buffer.from([0, 0x53, 0x50, 0, 0, REQ, 0]);
  // 7 bytes, one per 100 ms: a deadline reset by each byte could not fire
  // before the drip ends (700 ms); the absolute one fires after ~3 bytes.
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= prefix.length || peer.isClosed) return clearInterval(timer);
    void peer.write(prefix.subarray(sent, sent + 1));
    sent++;
  }, 100);
  try {
    const { closedAfter } = await spExpectRejected(l, peer, "ETIMEDOUT");
    assert.ok(sent < prefix.length, `closed mid-drip (${sent}/${prefix.length} bytes sent, ${closedAfter.toFixed(0)} ms)`);
    assert.ok(closedAfter >= 250, `closed ${closedAfter.toFixed(0)} ms after connect (deadline 300)`);
  } finally {
    clearInterval(timer);
  }
  await spGoodRoundTrip(l);
});

// --- E39: peer protocol mismatch -----------------------------------------------------

const mismatches = [
  [sp.Req, "REQ0", "a REQ header at a REQ"],
  [sp.Pub, "PUB0", "a PUB header at a PUB"],
  [sp.Rep, "REP0", "a REP header at a REP"],
  [sp.Pair1, "PAIR0", "a PAIR v0 header at a PAIR v1"],
  [sp.Pull, "PULL0", "a PULL header at a PULL"],
  [sp.Respondent, "REQ0", "a REQ header at a RESPONDENT"],
];
for (const transport of TRANSPORTS) {
  for (const [Kind, role, name] of mismatches) {
    badCase(test, `E39 ${transport}: ${name}: REJECT with ERR_SP_PROTOCOL_MISMATCH`, async () => {
      const l = await spListen(Kind, SLOW, transport);
      const peer = await rawConnectSp(l.endpoint);
      await peer.write(cat(spHeader(SPEC_IDS[role]), spMessage("never")));
      await spExpectRejected(l, peer, "ERR_SP_PROTOCOL_MISMATCH");
      await spGoodRoundTrip(l);
    });
  }
}

for (const [Kind, name] of [[sp.Req, "REQ <-> REQ"], [sp.Pub, "PUB <-> PUB"]]) {
  badCase(test, `E39 two wasmq sockets ${name}: both sides report handshake:error:protocol ERR_SP_PROTOCOL_MISMATCH`, async () => {
    const l = await spListen(Kind, SLOW);
    const dialer = track(new Kind({ linger: 0, reconnectInterval: 5000 }));
    const dialerErr = new Promise((resolve) => dialer.events.on("handshake:error:protocol", resolve));
    dialer.connect(l.endpoint);
    const e = await l.events.waitFor("handshake:error:protocol", "ERR_SP_PROTOCOL_MISMATCH");
    assert.is(e.error.code, "ERR_SP_PROTOCOL_MISMATCH");
    const de = await withTimeout(dialerErr, 3000, "the dialer's rejection event");
    assert.is(de.error.code, "ERR_SP_PROTOCOL_MISMATCH");
    assert.is(l.events.count("handshake"), 0);
    dialer.close();
    await spGoodRoundTrip(l);
  });
}

// --- E40: size claims -----------------------------------------------------------------

const claims = [
  ["maxMessageSize + 1 (1 MiB + 1, the default limit)", BigInt(MiB + 1)],
  ["4 GiB", 4n << 30n],
  ["the top 4 bits set (10 00 .. 00)", 1n << 60n],
  ["2^64-1 (FF x 8)", (1n << 64n) - 1n],
];
for (const transport of TRANSPORTS) {
  for (const [name, size] of claims) {
    badCase(test, `E40 ${transport}: size ${name}, then silence: REJECT with EMSGSIZE before allocating`, async () => {
      const l = await spListen(sp.Pull, SLOW, transport);
      assert.is(l.sock.maxMessageSize, MiB, "the default limit is finite (1 MiB)");
      const peer = await spActivePeer(l, SPEC_IDS.PUSH0);
      const before = wasmMemory();
      await peer.write(spSize(size, { ipc: l.ipc }));
      await spExpectRejected(l, peer, "EMSGSIZE", { handshaken: true });
      assert.ok(wasmMemory() - before <= 256 * KiB, `Wasm memory grew by ${wasmMemory() - before} bytes`);
      await spAssertNothingDelivered(l.sock);
      await spGoodRoundTrip(l);
    });
  }
}

badCase(test, "E40 maxMessageSize 1000: exactly 1000 bytes delivered; a 1001-byte claim REJECTed with EMSGSIZE", async () => {
  const l = await spListen(sp.Pull, { ...SLOW, maxMessageSize: 1000 });
  const peer = await spActivePeer(l, SPEC_IDS.PUSH0);
  await peer.writeSp(Buffer.alloc(1000, 0x61));
  assert.is((await recv(l.sock))[0].length, 1000);
  await peer.write(spSize(1001));
  await spExpectRejected(l, peer, "EMSGSIZE", { handshaken: true });
  await spAssertNothingDelivered(l.sock);
  await spGoodRoundTrip(l);
});

badCase(test, "E40 maxMessageSize -1 (unlimited): a 2^64-1 claim is still REJECTed (EMSGSIZE), memory flat", async () => {
  const l = await spListen(sp.Pull, { ...SLOW, maxMessageSize: -1 });
  const peer = await spActivePeer(l, SPEC_IDS.PUSH0);
  const before = wasmMemory();
  await peer.write(spSize((1n << 64n) - 1n));
  await spExpectRejected(l, peer, "EMSGSIZE", { handshaken: true });
  assert.ok(wasmMemory() - before <= 256 * KiB, `Wasm memory grew by ${wasmMemory() - before} bytes`);
  await spGoodRoundTrip(l);
});

// --- E41: a short message, then the peer goes --------------------------------------

for (const transport of TRANSPORTS) {
  // RST (SO_LINGER 0) exists for TCP only.
  for (const how of transport === "tcp" ? ["FIN", "RST"] : ["FIN", "destroy"]) {
    badCase(test, `E41 ${transport}: claims 10 bytes, sends 2, then ${how}: nothing delivered, no pipe left`, async () => {
      const l = await spListen(sp.Pull, SLOW, transport);
      const peer = await spActivePeer(l, SPEC_IDS.PUSH0);
      const before = wasmMemory();
      await peer.write(cat(spSize(10, { ipc: l.ipc }), [0x01, 0x02]));
      if (how === "FIN") peer.end(); else if (how === "RST") peer.reset(); else peer.sock.destroy();
      await spExpectPeerGone(l);
      await spAssertNothingDelivered(l.sock);
      assert.ok(wasmMemory() - before <= 256 * KiB, `Wasm memory grew by ${wasmMemory() - before} bytes`);
      await spGoodRoundTrip(l);
    });
  }
}

badCase(test, "E41 the mangos bytes exactly (00 x 7 0A 01 02) after a good message: only the good message is delivered", async () => {
  const l = await spListen(sp.Pull, SLOW);
  const peer = await spActivePeer(l, SPEC_IDS.PUSH0);
  await peer.write(cat(spMessage("whole"), Buffer.from("000000000000000a0102", "hex")));
  assert.equal((await recv(l.sock)).map(String), ["whole"]);
  peer.end();
  await spExpectPeerGone(l);
  await spAssertNothingDelivered(l.sock);
  await spGoodRoundTrip(l);
});

// --- E42: ipc message-type byte ----------------------------------------------------------

for (const type of [0x00, 0x02, 0xff]) {
  badCase(test, `E42 ipc: message-type byte 0x${type.toString(16).padStart(2, "0")}: REJECT (ERR_SP_MALFORMED), nothing delivered`, async () => {
    const l = await spListen(sp.Pull, SLOW, "ipc");
    const peer = await spActivePeer(l, SPEC_IDS.PUSH0);
    await peer.write(spMessage("never", { ipc: true, type }));
    await spExpectRejected(l, peer, "ERR_SP_MALFORMED", { handshaken: true });
    await spAssertNothingDelivered(l.sock);
    await spGoodRoundTrip(l);
  });
}

badCase(test, "E42 ipc: a good message, then a bad type byte: the first is delivered, then REJECT", async () => {
  const l = await spListen(sp.Pull, SLOW, "ipc");
  const peer = await spActivePeer(l, SPEC_IDS.PUSH0);
  await peer.write(cat(spMessage("first", { ipc: true }), spMessage("second", { ipc: true, type: 0x02 })));
  await spExpectRejected(l, peer, "ERR_SP_MALFORMED", { handshaken: true, alone: false });
  assert.equal((await recv(l.sock)).map(String), ["first"]);
  await spAssertNothingDelivered(l.sock);
  await spGoodRoundTrip(l);
});

// --- E43: REP/RESPONDENT: short bodies, unterminated backtraces ----------------------------

const malformedRequests = [
  ["an empty body", Buffer.alloc(0)],
  ["a 3-byte body", Buffer.from([0x80, 0, 1])],
  ["hop words (MSB 0) to the end of the body", words(1, 2, 3)],
  ["a hop word and 2 stray bytes", cat(word(1), [0x80, 0])],
];
for (const [Kind, peerRole] of [[sp.Rep, "REQ0"], [sp.Respondent, "SURVEYOR0"]]) {
  for (const transport of TRANSPORTS) {
    for (const [name, payload] of malformedRequests) {
      badCase(test, `E43 ${peerRole === "REQ0" ? "REP" : "RESPONDENT"} ${transport}: ${name}: REJECT with ERR_SP_MALFORMED, nothing delivered`, async () => {
        const l = await spListen(Kind, SLOW, transport);
        const peer = await spActivePeer(l, SPEC_IDS[peerRole]);
        await peer.writeSp(payload, cat(word(reqId(1)), "never"));
        await spExpectRejected(l, peer, "ERR_SP_MALFORMED", { handshaken: true });
        await spAssertNothingDelivered(l.sock);
        await spGoodRoundTrip(l);
      });
    }
  }
}

// --- E44: too many hops --------------------------------------------------------------------

for (const [Kind, peerRole] of [[sp.Rep, "REQ0"], [sp.Respondent, "SURVEYOR0"]]) {
  for (const transport of TRANSPORTS) {
    badCase(test, `E44 ${peerRole === "REQ0" ? "REP" : "RESPONDENT"} ${transport}: 9 and 255 backtrace words are dropped silently; the pipe is kept and answers the next request`, async () => {
      const l = await spListen(Kind, SLOW, transport);
      const peer = await spActivePeer(l, SPEC_IDS[peerRole]);
      const good = backtrace([7, 3], 0x1234);
      await peer.writeSp(cat(hopsBacktrace(8, 1), "nine"), cat(hopsBacktrace(254, 2), "255"), cat(good, "valid"));
      const m = await recv(l.sock, "the valid request");
      assert.equal(m.map(String), ["valid"], "the first request delivered is the valid one");
      await l.sock.send("answer");
      const reply = await peer.readSpMessage();
      assert.equal(reply, cat(good, "answer"), "the reply carries the exact backtrace");
      assert.not.ok(peer.isClosed, "the connection is kept");
      assert.is(l.events.count("disconnect"), 0);
      await spAssertNothingDelivered(l.sock);
      peer.end();
      await spExpectPeerGone(l);
      await spGoodRoundTrip(l);
    });
  }
}

badCase(test, "E44 REP with maxTtl 2: a 3-word backtrace is dropped, a 2-word one answered", async () => {
  const l = await spListen(sp.Rep, { ...SLOW, maxTtl: 2 });
  const peer = await spActivePeer(l, SPEC_IDS.REQ0);
  await peer.writeSp(cat(hopsBacktrace(2, 1), "three"), cat(hopsBacktrace(1, 2), "two"));
  assert.equal((await recv(l.sock)).map(String), ["two"]);
  await l.sock.send("ok");
  assert.equal(await peer.readSpMessage(), cat(hopsBacktrace(1, 2), "ok"));
  await spAssertNothingDelivered(l.sock);
});

// --- E45: REQ replies and late surveys ----------------------------------------------------

for (const transport of TRANSPORTS) {
  badCase(test, `E45 REQ ${transport}: replies with the MSB clear, an unknown or a cancelled id are dropped; receive times out; the right reply is delivered`, async () => {
    const l = await spListen(sp.Req, SLOW, transport);
    const req = l.sock;
    const estate = await rejection(req.receive(), "receive with no request");
    assert.is(estate.code, "ESTATE", "receive with no request out is ESTATE");
    const peer = await spActivePeer(l, SPEC_IDS.REP0);
    await req.send("old");
    const oldId = (await peer.readSpMessage()).readUInt32BE(0);
    await req.send("new"); // abandons "old"
    const p = await peer.readSpMessage();
    const id = p.readUInt32BE(0);
    assert.ok(id & 0x80000000, "request ids have the MSB set");
    assert.is(p.subarray(4).toString(), "new");
    await peer.writeSp(
      cat(word(id & 0x7fffffff), "msb clear"),
      cat(word(reqId(id + 77)), "unknown"),
      cat(word(oldId), "cancelled"),
    );
    req.receiveTimeout = 200;
    const e = await rejection(req.receive(), "receive after bad replies only");
    assert.is(e.code, "ETIMEDOUT", `receive timed out (got ${e.code})`);
    req.receiveTimeout = -1;
    assert.not.ok(peer.isClosed, "DROP keeps the connection");
    await peer.writeSp(cat(word(id), "right"));
    assert.equal((await recv(req)).map(String), ["right"]);
    peer.end();
    await spExpectPeerGone(l);
    await spGoodRoundTrip(l);
  });

  badCase(test, `E45 REQ ${transport}: a reply shorter than 4 bytes: REJECT (ERR_SP_MALFORMED); the request is resent at once to a good REP`, async () => {
    const l = await spListen(sp.Req, SLOW, transport);
    const req = l.sock;
    const peer = await spActivePeer(l, SPEC_IDS.REP0);
    await req.send("pending");
    await peer.readSpMessage();
    const reply = req.receive();
    await peer.writeSp(Buffer.from([0x80, 0, 0]));
    await spExpectRejected(l, peer, "ERR_SP_MALFORMED", { handshaken: true });
    // The request still stands: a good REP gets it as soon as it connects.
    const rep = track(new sp.Rep({ linger: 0 }));
    rep.connect(l.endpoint);
    const [q] = await recv(rep, "the resent request at the good REP");
    assert.is(q.toString(), "pending");
    await rep.send("answered");
    assert.equal((await withTimeout(reply, 3000, "the reply")).map(String), ["answered"]);
  });
}

for (const transport of TRANSPORTS) {
  badCase(test, `E45 SURVEYOR ${transport}: old, MSB-clear and short answers dropped; ETIMEDOUT at the deadline, then ESTATE; a late answer dropped`, async () => {
    const l = await spListen(sp.Surveyor, { ...SLOW, surveyTime: 300 }, transport);
    const sv = l.sock;
    const peer = await spActivePeer(l, SPEC_IDS.RESPONDENT0);
    await sv.send("first");
    const id1 = (await peer.readSpMessage()).readUInt32BE(0);
    const sentAt = performance.now();
    await sv.send("second");
    const p = await peer.readSpMessage();
    const id = p.readUInt32BE(0);
    assert.ok(id & 0x80000000);
    assert.is(p.subarray(4).toString(), "second");
    await peer.writeSp(
      cat(word(id1), "old survey"),
      cat(word(id & 0x7fffffff), "msb clear"),
      Buffer.from([0x80]),
      cat(word(id), "good"),
    );
    assert.equal((await recv(sv)).map(String), ["good"], "only the answer to the current survey");
    const e = await rejection(sv.receive(), "receive past the survey deadline");
    assert.is(e.code, "ETIMEDOUT");
    const waited = performance.now() - sentAt;
    assert.ok(waited >= 295, `ETIMEDOUT after ${waited.toFixed(0)} ms (surveyTime 300)`);
    const e2 = await rejection(sv.receive(), "receive after the timeout");
    assert.is(e2.code, "ESTATE");
    await peer.writeSp(cat(word(id), "late"));
    // A barrier: a fresh survey and its answer prove the late one was processed.
    await sv.send("third");
    const id3 = (await peer.readSpMessage()).readUInt32BE(0);
    await peer.writeSp(cat(word(id3), "on time"));
    assert.equal((await recv(sv)).map(String), ["on time"], "the late answer was dropped");
    assert.not.ok(peer.isClosed, "DROP keeps the connection");
    peer.end();
    await spExpectPeerGone(l);
    await spGoodRoundTrip(l);
  });
}

// --- the other roles: unexpected traffic ----------------------------------------------------

badCase(test, "PUB: a subscriber that sends a message is disconnected (ERR_SP_UNEXPECTED)", async () => {
  const l = await spListen(sp.Pub, SLOW);
  const peer = await spActivePeer(l, SPEC_IDS.SUB0);
  await peer.writeSp("subscribe me");
  await spExpectRejected(l, peer, "ERR_SP_UNEXPECTED", { handshaken: true });
  await spGoodRoundTrip(l);
});

badCase(test, "PAIR1: a hop count above 0xFF is REJECTed (ERR_SP_MALFORMED); above maxTtl dropped", async () => {
  const l = await spListen(sp.Pair1, SLOW);
  const peer = await spActivePeer(l, SPEC_IDS.PAIR1);
  await peer.writeSp(cat(word(9), "too far"), cat(word(1), "ok"));
  assert.equal((await recv(l.sock)).map(String), ["ok"]);
  await peer.writeSp(cat(word(0x100), "bad"));
  await spExpectRejected(l, peer, "ERR_SP_MALFORMED", { handshaken: true });
  await spAssertNothingDelivered(l.sock);
  await spGoodRoundTrip(l);
});

test.run();
