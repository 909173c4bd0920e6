// docs/hostile-peers.md section A, cases 9-13: a raw TCP peer sends a valid greeting
// and then breaks the NULL handshake (READY) of a wasmq listener: commands or
// data before READY, READY twice, bad metadata, wrong Socket-Type, bad or
// duplicate ROUTER identities. U0 checks as in greeting.test.mjs.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  zmq, badCase, listen, rawConnect, expectRejected, expectPeerGone, goodClientRoundTrip,
  assertNothingDelivered, greeting, frame, header, command, commandBody, ready, prop, metadata,
  ping, subscribe, message, token,
} from "./helpers/raw.mjs";

const test = suite("bad input A: NULL handshake");

const SLOW = { handshakeInterval: 5000 };
const G = greeting();

// --- A9: anything but READY (or ERROR) before READY -----------------------------

const beforeReady = [
  ["a data frame", frame("hello"), "ERR_ZMTP_UNEXPECTED_COMMAND"],
  ["a data frame with MORE", frame("hello", { more: true }), "ERR_ZMTP_UNEXPECTED_COMMAND"],
  ["a long data frame", frame("x".repeat(300)), "ERR_ZMTP_UNEXPECTED_COMMAND"],
  ["an empty data frame", Buffer.from([0x00, 0x00]), "ERR_ZMTP_UNEXPECTED_COMMAND"],
  ["an unknown command HELO", command("HELO", "x"), "ERR_ZMTP_UNEXPECTED_COMMAND"],
  ["a lowercase ready command", command("ready", prop("Socket-Type", "DEALER")), "ERR_ZMTP_UNEXPECTED_COMMAND"],
  ["PING", ping(10, "ctx"), "ERR_ZMTP_UNEXPECTED_COMMAND"],
  ["SUBSCRIBE", subscribe("topic"), "ERR_ZMTP_UNEXPECTED_COMMAND"],
  ["an empty command body (04 00)", Buffer.from([0x04, 0x00]), "ERR_ZMTP_UNEXPECTED_COMMAND"],
  ["a command whose name length exceeds the body (04 03 09 R E)", Buffer.from([0x04, 0x03, 0x09, 0x52, 0x45]), "ERR_ZMTP_UNEXPECTED_COMMAND"],
  ["ERROR instead of READY", command("ERROR", Buffer.concat([Buffer.from([5]), Buffer.from("nope!")])), "ERR_ZMTP_ERROR_RECEIVED"],
  ["a frame with reserved flag bits (0x0C)", header(0x0c, 1), "ERR_ZMTP_MALFORMED_FRAME"],
  ["COMMAND|MORE (0x05)", Buffer.concat([header(0x05, 6), commandBody("READY")]), "ERR_ZMTP_MALFORMED_FRAME"],
  ["a long READY header claiming 2^40 bytes", header(0x06, 2n ** 40n), "EMSGSIZE"],
  ["a long READY header claiming 2^63 bytes", header(0x06, 2n ** 63n), "ERR_ZMTP_MALFORMED_FRAME"],
];
for (const [name, bytes, code] of beforeReady) {
  badCase(test, `A9 ${name} before READY: closed with ${code}`, async () => {
    const l = await listen(zmq.Router, SLOW);
    const peer = await rawConnect(l.endpoint);
    // A valid READY follows: it must never be reached.
    await peer.write(Buffer.concat([G, bytes, ready("DEALER")]));
    await expectRejected(l, peer, code);
    await assertNothingDelivered(l.sock);
    await goodClientRoundTrip(l.sock);
  });
}

badCase(test, "A9 READY twice: closed with ERR_ZMTP_UNEXPECTED_COMMAND (after the handshake)", async () => {
  const l = await listen(zmq.Router, SLOW);
  const peer = await rawConnect(l.endpoint);
  await peer.handshake("DEALER");
  await l.events.waitFor("handshake");
  // Second READY, then a PING: a PONG means the second READY was accepted.
  await peer.write(Buffer.concat([ready("DEALER"), ping(0, "after-ready-2")]));
  const pong = await peer.readCommand("PONG").then((f) => f, (e) => e);
  assert.ok(
    pong instanceof Error,
    `a second READY must close the connection, but it was ignored: the PING after it was answered (PONG ${pong.data?.toString()})`,
  );
  await expectRejected(l, peer, "ERR_ZMTP_UNEXPECTED_COMMAND", { handshaken: true });
  await goodClientRoundTrip(l.sock);
});

// --- A10: READY metadata ---------------------------------------------------------

const ST = prop("Socket-Type", "DEALER");
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const badMetadata = [
  ["name length 200 > remaining", Buffer.concat([Buffer.from([200]), Buffer.from("Socket-Type"), u32(6), Buffer.from("DEALER")])],
  ["name length 1 byte past the end", Buffer.concat([Buffer.from([12]), Buffer.from("Socket-Type"), u32(6), Buffer.from("DEALER")]).subarray(0, 17)],
  ["value length 0x7FFFFFFF with 3 bytes present", Buffer.concat([Buffer.from([11]), Buffer.from("Socket-Type"), u32(0x7fffffff), Buffer.from("DEA")])],
  ["value length 0xFFFFFFFF with 3 bytes present", Buffer.concat([Buffer.from([11]), Buffer.from("Socket-Type"), u32(0xffffffff), Buffer.from("DEA")])],
  ["value length one past the end", Buffer.concat([Buffer.from([11]), Buffer.from("Socket-Type"), u32(7), Buffer.from("DEALER")])],
  ["zero-length name", Buffer.concat([Buffer.from([0]), u32(0)])],
  ["zero-length name after a valid Socket-Type", Buffer.concat([ST, Buffer.from([0]), u32(3), Buffer.from("abc")])],
  ["1 byte of trailing garbage", Buffer.concat([ST, Buffer.from([0x41])])],
  ["4 bytes of trailing garbage (name, no value length)", Buffer.concat([ST, Buffer.from([3]), Buffer.from("abc")])],
  ["value length cut in the middle", Buffer.concat([ST, Buffer.from([3]), Buffer.from("abc"), Buffer.from([0, 0])])],
];
for (const [name, md] of badMetadata) {
  badCase(test, `A10 READY metadata, ${name}: closed with ERR_ZMTP_INVALID_METADATA`, async () => {
    const l = await listen(zmq.Router, SLOW);
    const peer = await rawConnect(l.endpoint);
    await peer.write(Buffer.concat([G, ready(md)]));
    await expectRejected(l, peer, "ERR_ZMTP_INVALID_METADATA");
    await assertNothingDelivered(l.sock);
    await goodClientRoundTrip(l.sock);
  });
}

// --- A11: Socket-Type incompatible, missing or unknown: ERROR, then close ---------

const socketTypes = [
  // [listener, peer READY metadata, description]
  [zmq.Router, { "Socket-Type": "PUB" }, "PUB to a ROUTER"],
  [zmq.Router, { "Socket-Type": "PUSH" }, "PUSH to a ROUTER"],
  [zmq.Router, { "Socket-Type": "PAIR" }, "PAIR to a ROUTER"],
  [zmq.Router, { "Socket-Type": "REP" }, "REP to a ROUTER"],
  [zmq.Publisher, { "Socket-Type": "REQ" }, "REQ to a PUB"],
  [zmq.Publisher, { "Socket-Type": "PUB" }, "PUB to a PUB"],
  [zmq.Pull, { "Socket-Type": "PULL" }, "PULL to a PULL"],
  [zmq.Router, {}, "no Socket-Type at all (empty READY)"],
  [zmq.Router, { Identity: "abc" }, "Identity but no Socket-Type"],
  [zmq.Router, { "Socket-Type": "FOO" }, "unknown type FOO"],
  [zmq.Router, { "Socket-Type": "dealer" }, "lowercase dealer"],
  [zmq.Router, { "Socket-Type": "DEALER\0" }, "DEALER with a trailing NUL"],
  [zmq.Router, { "Socket-Type": "" }, "empty Socket-Type value"],
  [zmq.Router, { "Socket-Type": "X".repeat(1000) }, "a 1000-byte Socket-Type value"],
];
for (const [Kind, props, name] of socketTypes) {
  badCase(test, `A11 Socket-Type ${name}: ERROR command received, then closed with ERR_ZMTP_SOCKET_TYPE_MISMATCH`, async () => {
    const l = await listen(Kind, SLOW);
    const peer = await rawConnect(l.endpoint);
    await peer.write(Buffer.concat([G, ready(metadata(props))]));
    await peer.read(64);
    const own = await peer.readFrame();
    assert.is(own.name, "READY", "the listener's READY comes first");
    const err = await peer.readCommand("ERROR");
    const reasonLen = err.data[0];
    assert.is(err.data.length, 1 + reasonLen, "ERROR body is [len][reason]");
    const reason = err.data.subarray(1).toString("latin1");
    assert.ok(reasonLen > 0 && /^[\x20-\x7e]+$/.test(reason), `printable reason (${JSON.stringify(reason)})`);
    await expectRejected(l, peer, "ERR_ZMTP_SOCKET_TYPE_MISMATCH");
    await goodClientRoundTrip(l.sock);
  });
}

// --- A12: Identity property sent to a ROUTER -------------------------------------

const badIds = [
  ["starting with 0x00", Buffer.from([0x00, 0x41, 0x42])],
  ["a single 0x00 byte", Buffer.from([0x00])],
  ["a generated-looking id (00 + u32)", Buffer.from([0x00, 0x12, 0x34, 0x56, 0x78])],
  ["of 256 bytes", Buffer.alloc(256, 0x61)],
  ["of 70000 bytes", Buffer.alloc(70000, 0x61)],
];
for (const [name, id] of badIds) {
  badCase(test, `A12 Identity ${name} to a ROUTER: closed with ERR_ZMTP_INVALID_IDENTITY`, async () => {
    const l = await listen(zmq.Router, SLOW);
    const peer = await rawConnect(l.endpoint);
    await peer.write(Buffer.concat([G, ready({ "Socket-Type": "DEALER", Identity: id }), message("must-not-arrive")]));
    await expectRejected(l, peer, "ERR_ZMTP_INVALID_IDENTITY");
    await assertNothingDelivered(l.sock);
    await goodClientRoundTrip(l.sock);
  });
}

for (const [name, id, expectId] of [
  ["of exactly 255 bytes", Buffer.alloc(255, 0x62), (got) => got.equals(Buffer.alloc(255, 0x62))],
  ["empty (a generated id is used)", Buffer.alloc(0), (got) => got.length === 5 && got[0] === 0],
  ["starting with 0xFF", Buffer.from([0xff, 0x00]), (got) => got.equals(Buffer.from([0xff, 0x00]))],
]) {
  badCase(test, `A12 Identity ${name} to a ROUTER: accepted and routable`, async () => {
    const l = await listen(zmq.Router, SLOW);
    const peer = await rawConnect(l.endpoint);
    await peer.handshake("DEALER", { Identity: id });
    await peer.write(message("hi"));
    const [gotId, body] = await l.sock.receive();
    assert.ok(expectId(gotId), `routing id ${gotId.toString("hex")}`);
    assert.is(body.toString(), "hi");
    await l.sock.send([gotId, "routed"]);
    assert.equal((await peer.readMessage()).map(String), ["routed"]);
    peer.end();
    await expectPeerGone(l);
    await goodClientRoundTrip(l.sock);
  });
}

badCase(test, "A12 Identity starting with 0x00 to a PULL is not a routing id: accepted", async () => {
  const l = await listen(zmq.Pull, SLOW);
  const peer = await rawConnect(l.endpoint);
  await peer.handshake("PUSH", { Identity: Buffer.from([0, 1, 2]) });
  await peer.write(message("ok"));
  assert.equal((await l.sock.receive()).map(String), ["ok"]);
  peer.end();
  await expectPeerGone(l);
  await goodClientRoundTrip(l.sock);
});

// --- A13: duplicate identity ------------------------------------------------------

badCase(test, "A13 duplicate identity: the second peer is refused (ERR_ZMTP_DUPLICATE_IDENTITY), the first keeps the id", async () => {
  const l = await listen(zmq.Router, SLOW);
  const id = token("dup");
  const first = await rawConnect(l.endpoint);
  await first.handshake("DEALER", { Identity: id });
  await l.events.waitFor("handshake");
  const second = await rawConnect(l.endpoint);
  await second.write(Buffer.concat([G, ready({ "Socket-Type": "DEALER", Identity: id }), message("from-second")]));
  await expectRejected(l, second, "ERR_ZMTP_DUPLICATE_IDENTITY", { alone: false, handshakes: 1 });
  assert.is(l.sock.pipes.size, 1, "only the first peer's pipe remains");
  await assertNothingDelivered(l.sock, "nothing from the refused peer");
  await l.sock.send([id, "to-first"]);
  assert.equal((await first.readMessage()).map(String), ["to-first"]);
  await first.write(message("from-first"));
  assert.equal((await l.sock.receive()).map(String), [id, "from-first"]);
  await goodClientRoundTrip(l.sock);
  assert.not.ok(first.isClosed, "the first peer is still connected");
});

badCase(test, "A13 duplicate identity with Router.handover: the newcomer takes over, the old connection is closed", async () => {
  const l = await listen(zmq.Router, { ...SLOW, handover: true });
  const id = token("dup");
  const first = await rawConnect(l.endpoint);
  await first.handshake("DEALER", { Identity: id });
  await l.events.waitFor("handshake");
  const second = await rawConnect(l.endpoint);
  await second.handshake("DEALER", { Identity: id });
  await l.events.waitFor("handshake");
  await first.waitClose();
  assert.ok(first.remoteEnded || first.error, "the old connection was closed by wasmq");
  await l.events.waitFor("disconnect");
  await l.sock.send([id, "to-newcomer"]);
  assert.equal((await second.readMessage()).map(String), ["to-newcomer"]);
  await second.write(message("from-newcomer"));
  assert.equal((await l.sock.receive()).map(String), [id, "from-newcomer"]);
  await goodClientRoundTrip(l.sock);
});

// Found while writing A13: options given to the constructor reach the core,
// but the getters of subclass-held flags read back false.
badCase(test, "A13 Router({ handover: true, mandatory: true }) reads both options back as true", async () => {
  const r = new zmq.Router({ linger: 0, handover: true, mandatory: true });
  try {
    assert.equal({ handover: r.handover, mandatory: r.mandatory }, { handover: true, mandatory: true });
  } finally {
    r.close();
  }
});

test.run();
