// docs/hostile-peers.md section A, cases 1-6 and 8: a raw TCP peer attacks the
// 64-byte ZMTP greeting of a wasmq ROUTER listener. Every case checks U0:
// no unhandled error (badCase), closed by wasmq with a typed reason event
// (expectRejected), a good wasmq client still completes a round trip, and
// nothing partial is delivered.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  zmq, core, badCase, listen, rawConnect, expectRejected, expectPeerGone, goodClientRoundTrip,
  assertNothingDelivered, greeting, ready, message, defer, token,
} from "./helpers/raw.mjs";

const test = suite("bad input A: greeting");

// Long enough that a close "at once" can only be the reject, never the timer.
const SLOW = { handshakeInterval: 5000 };

// --- A1: connect and send nothing -------------------------------------------

badCase(test, "A1 silent peer: closed after handshakeInterval (ETIMEDOUT); a good client is served meanwhile", async () => {
  const l = await listen(zmq.Router, { handshakeInterval: 300 });
  const peer = await rawConnect(l.endpoint);
  const g = await peer.read(64); // the listener greets first
  assert.is(g[0], 0xff);
  // Other clients are unaffected while the silent peer holds its slot.
  await goodClientRoundTrip(l.sock);
  assert.not.ok(peer.isClosed, "still within the handshake interval");
  const { closedAfter } = await expectRejected(l, peer, "ETIMEDOUT", { handshakes: 1 });
  assert.ok(closedAfter >= 250 && closedAfter < 1000, `closed ${closedAfter.toFixed(0)} ms after connect (interval 300)`);
  await goodClientRoundTrip(l.sock);
});

// --- A2: slowloris -----------------------------------------------------------

const drips = [
  ["the greeting dripped 1 byte / 25 ms", () => greeting()],
  ["a whole greeting, then READY dripped 1 byte / 25 ms", null],
];
for (const [what, bytes] of drips) {
  badCase(test, `A2 slowloris, ${what}: closed at the absolute deadline (not reset per byte)`, async () => {
    const l = await listen(zmq.Router, { handshakeInterval: 300 });
    const peer = await rawConnect(l.endpoint);
    let stream;
    if (bytes) stream = bytes();
    else {
      await peer.write(greeting());
      stream = ready("DEALER");
    }
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= stream.length || peer.isClosed) return clearInterval(timer);
      void peer.write(stream.subarray(sent, sent + 1));
      sent++;
    }, 25);
    defer(() => clearInterval(timer));
    const { closedAfter } = await expectRejected(l, peer, "ETIMEDOUT");
    // A timer reset by each byte would close only after the whole drip
    // (64 × 25 ms) plus another 300 ms.
    assert.ok(closedAfter >= 250 && closedAfter < 800, `closed ${closedAfter.toFixed(0)} ms after connect (deadline 300)`);
    assert.ok(sent < stream.length, `closed mid-drip (${sent}/${stream.length} bytes sent)`);
    await goodClientRoundTrip(l.sock);
  });
}

badCase(test, "A2 50 concurrent silent/dripping peers: a good client is still served, all 50 are closed at the deadline", async () => {
  const l = await listen(zmq.Router, { handshakeInterval: 400 });
  const peers = await Promise.all(Array.from({ length: 50 }, () => rawConnect(l.endpoint)));
  // Half send a partial greeting, half nothing at all.
  await Promise.all(peers.map((p, i) => (i % 2 ? p.write(greeting().subarray(0, 1 + (i % 60))) : null)));
  await goodClientRoundTrip(l.sock);
  assert.ok(peers.every((p) => !p.isClosed), "none closed before the deadline");
  await Promise.all(peers.map((p) => p.waitClose()));
  for (const p of peers) {
    assert.ok(p.remoteEnded || p.error, "closed by wasmq");
    const after = p.closedAt - p.connectedAt;
    assert.ok(after >= 350 && after < 1500, `closed ${after.toFixed(0)} ms after connect (deadline 400)`);
  }
  for (let i = 0; i < 50; i++) await l.events.waitFor("handshake:error:other", "ETIMEDOUT");
  assert.is(l.events.count("handshake:error:protocol"), 0);
  await goodClientRoundTrip(l.sock);
});

// --- A3, A4: not ZMTP 3.x ----------------------------------------------------

const TLS_CLIENT_HELLO = Buffer.from(
  "16030100a5010000a10303" + "00".repeat(32) + "000020c02bc02fc02cc030cca9cca8c013c014009c009d002f0035000a0100005800000014001200000f7777772e6578616d706c652e636f6d",
  "hex",
);
const long10 = (len, byte9) => { const b = Buffer.alloc(10); b[0] = 0xff; b.writeBigUInt64BE(BigInt(len), 1); b[9] = byte9; return b; };

const notZmtp3 = [
  // [name, bytes, expected code]
  ["HTTP GET", Buffer.from("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"), "ERR_ZMTP_BAD_GREETING"],
  ["HTTP GET, first byte only", Buffer.from("G"), "ERR_ZMTP_BAD_GREETING"],
  ["TLS ClientHello", TLS_CLIENT_HELLO, "ERR_ZMTP_BAD_GREETING"],
  ["ZMTP 1.0 short identity (01 00 ...)", Buffer.from([0x01, 0x00, 0x01, 0x00, 0x41]), "ERR_ZMTP_BAD_GREETING"],
  ["a zero byte", Buffer.from([0x00]), "ERR_ZMTP_BAD_GREETING"],
  ["ZMTP 1.0 long identity (FF len8 00), only 10 bytes sent", long10(6, 0x00), "ERR_ZMTP_UNSUPPORTED_VERSION"],
  ["ZMTP 1.0 long identity with byte 9 = 0x7E, full 64 bytes", greeting({ sigEnd: 0x7e }), "ERR_ZMTP_UNSUPPORTED_VERSION"],
  ["major 0, full greeting", greeting({ major: 0 }), "ERR_ZMTP_UNSUPPORTED_VERSION"],
  ["major 1 (ZMTP 1.0 framing), full greeting", greeting({ major: 1, minor: 0 }), "ERR_ZMTP_UNSUPPORTED_VERSION"],
  ["major 1, only 11 bytes sent", greeting({ major: 1 }).subarray(0, 11), "ERR_ZMTP_UNSUPPORTED_VERSION"],
  ["major 2 (ZMTP 2.0: FF 00x8 7F 01 <type> 00 <idlen>)", Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0x01, 0x05, 0x00, 0x00]), "ERR_ZMTP_UNSUPPORTED_VERSION"],
  ["major 2, full greeting", greeting({ major: 2, minor: 0 }), "ERR_ZMTP_UNSUPPORTED_VERSION"],
];
for (const [name, bytes, code] of notZmtp3) {
  badCase(test, `A3/A4 ${name}: closed at once with ${code}`, async () => {
    const l = await listen(zmq.Router, SLOW);
    const peer = await rawConnect(l.endpoint);
    await peer.write(bytes);
    const { closedAfter } = await expectRejected(l, peer, code);
    assert.ok(closedAfter < 1000, `closed ${closedAfter.toFixed(0)} ms after connect, long before the 5 s handshake timeout`);
    // Never answered with anything but our own greeting.
    assert.ok(peer.received <= 64, `listener sent only its greeting (${peer.received} bytes)`);
    await goodClientRoundTrip(l.sock);
  });
}

// --- A5: newer versions are accepted as 3.x ----------------------------------

for (const [major, minor] of [[3, 0], [3, 1], [4, 255], [255, 255]]) {
  badCase(test, `A5 greeting major ${major} minor ${minor}: accepted, a message round-trips`, async () => {
    const l = await listen(zmq.Router, SLOW);
    const peer = await rawConnect(l.endpoint);
    const id = token("v");
    const md = await peer.handshake("DEALER", { Identity: id }, { major, minor });
    assert.is(md["Socket-Type"].toString(), "ROUTER");
    await l.events.waitFor("handshake");
    await peer.write(message("hello", "world"));
    const got = await l.sock.receive();
    assert.equal(got.map(String), [id, "hello", "world"]);
    await l.sock.send([id, "back"]);
    assert.equal((await peer.readMessage()).map(String), ["back"]);
    peer.end();
    await expectPeerGone(l);
    await goodClientRoundTrip(l.sock);
  });
}

// --- A6: mechanism --------------------------------------------------------------

const mech = (s) => { const b = Buffer.alloc(20); b.write(s, "latin1"); return b; };
const garbageAfterNul = mech("NULL"); garbageAfterNul[10] = 0x58;
const garbageLast = mech("NULL"); garbageLast[19] = 0xff;
const mechanisms = [
  ["CURVE (we are NULL)", "CURVE"],
  ["PLAIN", "PLAIN"],
  ["lowercase null", "null"],
  ["unknown FOO", "FOO"],
  ["NULL space-padded", "NULL".padEnd(20, " ")],
  ["NULL with garbage after the NUL padding (byte 22)", garbageAfterNul],
  ["NULL with 0xFF in the last mechanism byte", garbageLast],
  ["empty (all NUL)", ""],
  ["NULLNULL", "NULLNULL"],
  ["20 x 0xFF", Buffer.alloc(20, 0xff)],
];
for (const [name, m] of mechanisms) {
  badCase(test, `A6 mechanism ${name}: closed with ERR_ZMTP_MECHANISM_MISMATCH`, async () => {
    const l = await listen(zmq.Router, SLOW);
    const peer = await rawConnect(l.endpoint);
    // The peer's READY follows in the same write: it must never be parsed.
    await peer.write(Buffer.concat([greeting({ mechanism: m }), ready("DEALER")]));
    await expectRejected(l, peer, "ERR_ZMTP_MECHANISM_MISMATCH");
    assert.is(peer.received, 64, "only the listener's greeting was sent (no READY to a mismatched mechanism)");
    await goodClientRoundTrip(l.sock);
  });
}

// --- A8: greeting cut short, then FIN or RST -----------------------------------

for (const cut of [1, 10, 11, 12, 63]) {
  for (const how of ["FIN", "RST"]) {
    badCase(test, `A8 greeting cut at byte ${cut}, then ${how}: cleaned up, no timer left`, async () => {
      const l = await listen(zmq.Router, SLOW);
      const peer = await rawConnect(l.endpoint);
      await peer.read(64);
      await peer.write(greeting().subarray(0, cut));
      if (how === "FIN") peer.end(); else peer.reset();
      await peer.waitClose();
      await expectPeerGone(l);
      assert.is(l.events.count("handshake"), 0);
      // The 5 s handshake timer went with the connection: recomputing the
      // core's deadlines (tick() runs only timers already due) finds none.
      assert.is(core().tick(), Infinity, "no pipe timer is left in the core");
      await assertNothingDelivered(l.sock);
      await goodClientRoundTrip(l.sock);
    });
  }
}

test.run();
