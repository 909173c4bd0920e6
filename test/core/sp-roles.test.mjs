// The other SP roles on raw bytes and the manual clock (nng's
// "SURVEYOR/RESPONDENT", "PAIR", "BUS", "PUB/SUB", "PUSH/PULL";
// docs/hostile-peers.md E45): SURVEYOR deadlines and stale answers, PAIR1 hop counts,
// PAIR0/PAIR1 single peer, BUS no-echo and raw origin headers, PUB0 refusing
// traffic, SUB0 local prefix filtering, PUSH/PULL priorities (options 34/35).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Clock, newCore } from "./helpers/harness.mjs";
import { reasonName } from "./helpers/wire.mjs";
import {
  SPD, SPEC_IDS, spHeader, R, O, ESTATE, ETIMEDOUT, EINVAL, ENOTSUP, ID_FLAG, spSock, spAddPeer, spPeer, word, words, reqId, pair1Payload, recvAll,
} from "./helpers/sp.mjs";

const EAGAIN = -R.EAGAIN;
const cat = (...parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));
const str = (m) => (Array.isArray(m) ? m.map((f) => f.toString("latin1")) : m);

// ==== SURVEYOR ==================================================================

function surveyor({ peers = 3, surveyTime, raw = false } = {}) {
  const clock = new Clock();
  const core = newCore(clock);
  const options = {};
  if (surveyTime !== undefined) options[O.OPT_SURVEY_TIME] = surveyTime;
  if (raw) options[O.OPT_RAW] = 1;
  const sock = spSock(core, "SURVEYOR0", options);
  const ps = [];
  for (let i = 0; i < peers; i++) ps.push(spAddPeer(sock, { ipc: i === 2 }));
  return { clock, core, sock, peers: ps };
}

test("SURVEYOR: a survey goes to every respondent with the same id (MSB set); the next id is +1", () => {
  const { sock, peers } = surveyor();
  assert.is(sock.send(["what?"]), 0);
  const got = peers.map((p) => p.takeMessages());
  for (const g of got) assert.is(g.length, 1);
  const id = got[0][0].readUInt32BE(0);
  assert.ok(id & ID_FLAG);
  for (const g of got) assert.equal(g[0], cat(word(id), "what?"));
  sock.send(["again?"]);
  const id2 = peers[1].takeMessages()[0].readUInt32BE(0);
  assert.is(id2 & 0x7fffffff, (id + 1) & 0x7fffffff);
});

test("SURVEYOR: answers before the deadline (option 33) are collected; recv is EAGAIN while open", () => {
  const { clock, core, sock, peers } = surveyor({ surveyTime: 500 });
  sock.send(["q"]);
  const id = peers[0].takeMessages()[0].readUInt32BE(0);
  assert.is(core.nextDeadline, 500);
  clock.t = 100;
  peers[0].feedMessages(cat(word(id), "a0"));
  clock.t = 499;
  peers[2].feedMessages(cat(word(id), "a2"));
  core.tick();
  assert.equal(recvAll(sock).map(str).sort(), [["a0"], ["a2"]]);
  assert.is(sock.recv(), EAGAIN, "still open before the deadline");
});

test("SURVEYOR: a late answer is dropped; recv after the deadline is ETIMEDOUT (-110) once, then ESTATE", () => {
  const { clock, core, sock, peers } = surveyor({ surveyTime: 500 });
  sock.send(["q"]);
  const id = peers[0].takeMessages()[0].readUInt32BE(0);
  clock.t = 500; core.tick();
  peers[1].feedMessages(cat(word(id), "late"));
  assert.is(ETIMEDOUT, -110);
  assert.is(sock.recv(), ETIMEDOUT);
  assert.is(sock.recv(), ESTATE);
  assert.is(sock.recv(), ESTATE);
  assert.not.ok(peers[1].closed);
});

test("SURVEYOR: recv past the deadline sees ETIMEDOUT even before the timer ran", () => {
  const { clock, sock } = surveyor({ surveyTime: 500 });
  sock.send(["q"]);
  clock.t = 600;
  assert.is(sock.recv(), ETIMEDOUT);
  assert.is(sock.recv(), ESTATE);
});

test("SURVEYOR: the default survey time is 1 s", () => {
  const { clock, core, sock } = surveyor();
  assert.is(SPD.SP_DEFAULT_SURVEY_TIME, 1000);
  sock.send(["q"]);
  assert.is(core.nextDeadline, 1000);
  clock.t = 999; core.tick();
  assert.is(sock.recv(), EAGAIN);
  clock.t = 1000; core.tick();
  assert.is(sock.recv(), ETIMEDOUT);
});

test("SURVEYOR: recv with no survey is ESTATE", () => {
  const { sock } = surveyor();
  assert.is(sock.recv(), ESTATE);
});

test("SURVEYOR: a waiting receive is woken at the deadline (onReadable fires)", () => {
  const { clock, core, sock } = surveyor({ surveyTime: 300 });
  sock.send(["q"]);
  assert.is(sock.recv(), EAGAIN, "the receive waits");
  const before = sock.readable;
  clock.t = 299; core.tick();
  assert.is(sock.readable, before, "not before the deadline");
  clock.t = 300; core.tick();
  assert.is(sock.readable, before + 1, "readable fired at the deadline");
  assert.is(sock.recv(), ETIMEDOUT);
});

test("SURVEYOR: answers to an older survey are dropped; a new survey discards unread answers", () => {
  const { sock, peers } = surveyor();
  sock.send(["one"]);
  const id1 = peers[0].takeMessages()[0].readUInt32BE(0);
  peers[0].feedMessages(cat(word(id1), "unread"));
  sock.send(["two"]);
  const id2 = peers[0].takeMessages()[0].readUInt32BE(0);
  assert.is(sock.recv(), EAGAIN, "the unread answer to survey one is gone");
  peers[1].feedMessages(cat(word(id1), "stale"), cat(word(id1 & 0x7fffffff), "msb clear"), cat(word(id2), "fresh"));
  assert.equal(recvAll(sock).map(str), [["fresh"]]);
});

test("SURVEYOR: an answer shorter than 4 bytes is not delivered", () => {
  const { sock, peers } = surveyor();
  sock.send(["q"]);
  peers[0].feedMessages(Buffer.from([0x80, 0]));
  assert.is(sock.recv(), EAGAIN);
});

test("SURVEYOR: answers must carry the whole id word: a multi-word backtrace from a device is dropped", () => {
  const { sock, peers } = surveyor();
  sock.send(["q"]);
  const id = peers[0].takeMessages()[0].readUInt32BE(0);
  peers[0].feedMessages(cat(words(5, id), "via hop"));
  assert.is(sock.recv(), EAGAIN);
});

test("SURVEYOR raw: no ids, no deadline; recv exposes [id, body]", () => {
  const { core, sock, peers } = surveyor({ raw: true, peers: 1 });
  sock.send([word(reqId(0x10)), "raw"]);
  assert.equal(peers[0].takeMessages(), [cat(word(reqId(0x10)), "raw")]);
  core.tick();
  assert.is(core.nextDeadline, Infinity, "no survey timer in raw mode");
  peers[0].feedMessages(cat(word(reqId(0x99)), "any"));
  const m = sock.recv();
  assert.equal(m[0], word(reqId(0x99)));
  assert.is(m[1].toString(), "any");
});

// ==== PAIR1 / PAIR0 ==============================================================

test("PAIR1: a fresh message leaves with hop count 1", () => {
  const { sock, pipe } = spPeer(newCore(), "PAIR1");
  assert.is(sock.send(["hi"]), 0);
  assert.equal(pipe.takeMessages(), [pair1Payload(1, "hi")]);
});

test("PAIR1: counts 1..8 delivered; 9 dropped with the pipe kept (maxTtl 8)", () => {
  const { sock, pipe } = spPeer(newCore(), "PAIR1");
  pipe.feedMessages(pair1Payload(1, "c1"), pair1Payload(8, "c8"), pair1Payload(9, "c9"), pair1Payload(0xff, "cff"), pair1Payload(2, "c2"));
  assert.equal(recvAll(sock).map(str), [["c1"], ["c8"], ["c2"]]);
  assert.not.ok(pipe.closed, reasonName(pipe.closeReason));
});

test("PAIR1: option 31 = 3: count 4 dropped, 3 delivered", () => {
  const { sock, pipe } = spPeer(newCore(), "PAIR1", { options: { [O.OPT_MAX_TTL]: 3 } });
  pipe.feedMessages(pair1Payload(4, "four"), pair1Payload(3, "three"));
  assert.equal(recvAll(sock).map(str), [["three"]]);
});

for (const [name, payload] of [
  ["an empty payload", Buffer.alloc(0)],
  ["3 bytes", Buffer.from([0, 0, 1])],
  ["count 0x100", pair1Payload(0x100, "x")],
  ["count 0xFFFFFFFF", pair1Payload(0xffffffff, "x")],
]) {
  test(`PAIR1: ${name} closes the pipe with R_SP_MALFORMED`, () => {
    const { sock, pipe } = spPeer(newCore(), "PAIR1");
    pipe.feedMessages(payload, pair1Payload(1, "never"));
    assert.is(pipe.closeReason, R.R_SP_MALFORMED, reasonName(pipe.closeReason));
    assert.is(sock.recv(), EAGAIN);
  });
}

test("PAIR1 raw: recv exposes [count, body]; a raw send forwards with the count + 1, or drops past maxTtl", () => {
  const { sock, pipe } = spPeer(newCore(), "PAIR1", { options: { [O.OPT_RAW]: 1 } });
  pipe.feedMessages(pair1Payload(3, "fwd"));
  const m = sock.recv();
  assert.equal(m[0], word(3));
  assert.is(m[1].toString(), "fwd");
  assert.is(sock.send(m), 0);
  assert.equal(pipe.takeMessages(), [pair1Payload(4, "fwd")]);
  assert.is(sock.send([word(8), "too far"]), 0);
  assert.is(pipe.take().length, 0, "count 9 > maxTtl is not sent");
  assert.is(sock.send([Buffer.from([1]), "short"]), EINVAL);
});

for (const role of ["PAIR0", "PAIR1"]) {
  test(`${role}: a second peer is refused (R_PEER_LIMIT); the first keeps working`, () => {
    const core = newCore();
    const sock = spSock(core, role);
    const a = spAddPeer(sock);
    const b = spAddPeer(sock, { handshake: false });
    b.feed(spHeader(SPEC_IDS[role]));
    assert.is(b.closeReason, R.R_PEER_LIMIT, reasonName(b.closeReason));
    assert.is(sock.send(["to a"]), 0);
    assert.is(a.takeMessages().length, 1);
  });
}

test("PAIR0: no header on the wire", () => {
  const { sock, pipe } = spPeer(newCore(), "PAIR0");
  sock.send(["plain"]);
  assert.equal(pipe.takeMessages().map(String), ["plain"]);
  pipe.feedMessages("back");
  assert.equal(str(sock.recv()), ["back"]);
});

// ==== BUS =======================================================================

test("BUS: a send goes to every peer, no header", () => {
  const core = newCore();
  const sock = spSock(core, "BUS0");
  const ps = [spAddPeer(sock), spAddPeer(sock), spAddPeer(sock, { ipc: true })];
  sock.send(["all"]);
  for (const p of ps) assert.equal(p.takeMessages().map(String), ["all"]);
});

test("BUS: a received message is delivered and never echoed to any pipe", () => {
  const core = newCore();
  const sock = spSock(core, "BUS0");
  const ps = [spAddPeer(sock), spAddPeer(sock)];
  ps[0].feedMessages("hello");
  assert.equal(str(sock.recv()), ["hello"]);
  for (const p of ps) assert.is(p.take().length, 0);
});

test("BUS raw: the header is the origin pipe id; a raw send with it skips that pipe", () => {
  const core = newCore();
  const sock = spSock(core, "BUS0", { [O.OPT_RAW]: 1 });
  const ps = [spAddPeer(sock), spAddPeer(sock), spAddPeer(sock)];
  ps[1].feedMessages("from 1");
  ps[2].feedMessages("from 2");
  const m1 = sock.recv();
  const m2 = sock.recv();
  assert.is(m1[0].length, 4);
  assert.is(m1[0].readUInt32BE(0) & ID_FLAG, 0);
  assert.is.not(m1[0].readUInt32BE(0), m2[0].readUInt32BE(0));
  assert.is(m1[1].toString(), "from 1");
  // Forward as a device would: everyone but the origin.
  assert.is(sock.send(m1), 0);
  assert.equal(ps.map((p) => p.takeMessages().map(String)), [["from 1"], [], ["from 1"]]);
  assert.is(sock.send(m2), 0);
  assert.equal(ps.map((p) => p.takeMessages().map(String)), [["from 2"], ["from 2"], []]);
  // A header naming no pipe: everyone. A short header: EINVAL.
  assert.is(sock.send([word(0x7fffffff ^ m1[0].readUInt32BE(0) ^ m2[0].readUInt32BE(0) ^ 0x5a5a), "x"]), 0);
  assert.equal(ps.map((p) => p.takeMessages().length), [1, 1, 1]);
  assert.is(sock.send([Buffer.from([0, 1]), "x"]), EINVAL);
});

// ==== PUB0 / SUB0 ===============================================================

for (const [name, payload] of [["a message", "subscribe me"], ["an empty message", ""]]) {
  test(`PUB0: a subscriber that sends ${name} is disconnected (R_SP_UNEXPECTED); others keep receiving`, () => {
    const core = newCore();
    const sock = spSock(core, "PUB0");
    const bad = spAddPeer(sock);
    const good = spAddPeer(sock);
    bad.feedMessages(payload);
    assert.is(bad.closeReason, R.R_SP_UNEXPECTED, reasonName(bad.closeReason));
    assert.is(sock.send(["news"]), 0);
    assert.equal(good.takeMessages().map(String), ["news"]);
    assert.is(sock.recv(), ENOTSUP, "PUB cannot receive");
  });
}

test("PUB0: every subscriber gets every message, no header", () => {
  const core = newCore();
  const sock = spSock(core, "PUB0");
  const ps = [spAddPeer(sock), spAddPeer(sock, { ipc: true })];
  sock.send(["a"]);
  sock.send(["b"]);
  for (const p of ps) assert.equal(p.takeMessages().map(String), ["a", "b"]);
});

function sub(options = {}) {
  const { sock, pipe } = spPeer(newCore(), "SUB0", { options });
  const deliver = (...bodies) => { pipe.feedMessages(...bodies); return recvAll(sock).map(str); };
  return { sock, pipe, deliver };
}

test("SUB0: nothing is delivered without a subscription; subscriptions never go on the wire", () => {
  const { sock, pipe, deliver } = sub();
  assert.equal(deliver("abc", ""), []);
  sock.set(O.OPT_SUBSCRIBE, "a");
  assert.is(pipe.take().length, 0, "no bytes to the publisher");
});

test("SUB0: byte-prefix filtering", () => {
  const { sock, deliver } = sub();
  sock.set(O.OPT_SUBSCRIBE, "ab");
  sock.set(O.OPT_SUBSCRIBE, Buffer.from([0xff, 0x00]));
  assert.equal(deliver("abc", "ab", "a", "bab", "", Buffer.from([0xff, 0, 1]), Buffer.from([0xff])), [["abc"], ["ab"], ["\xff\x00\x01"]]);
});

test("SUB0: the empty topic subscribes to everything", () => {
  const { sock, deliver } = sub();
  sock.set(O.OPT_SUBSCRIBE, "");
  assert.equal(deliver("x", "", "yz"), [["x"], [""], ["yz"]]);
});

test("SUB0: set semantics: subscribe twice + unsubscribe once removes the topic", () => {
  const { sock, deliver } = sub();
  sock.set(O.OPT_SUBSCRIBE, "t");
  sock.set(O.OPT_SUBSCRIBE, "t");
  assert.equal(deliver("t1"), [["t1"]]);
  sock.set(O.OPT_UNSUBSCRIBE, "t");
  assert.equal(deliver("t2"), []);
  sock.set(O.OPT_SUBSCRIBE, "t");
  assert.equal(deliver("t3"), [["t3"]]);
});

test("SUB0 raw: keeps everything without subscriptions, as [empty header, body]", () => {
  const { sock, pipe } = sub({ [O.OPT_RAW]: 1 });
  pipe.feedMessages("any", "");
  assert.equal(recvAll(sock).map(str), [["", "any"], ["", ""]]);
});

test("SUB0: cannot send", () => {
  const { sock } = sub();
  assert.is(sock.send(["x"]), ENOTSUP);
});

// ==== PUSH / PULL =================================================================

function push({ hwm = 2, prios = [8, 8] } = {}) {
  const core = newCore();
  const sock = spSock(core, "PUSH0", { [O.OPT_SNDHWM]: hwm });
  const ps = prios.map((p) => { sock.set(O.OPT_SEND_PRIORITY, p); return spAddPeer(sock); });
  return { core, sock, ps };
}
const sentTo = (ps) => ps.map((p) => p.takeMessages().map(String));

test("PUSH: equal priorities round-robin", () => {
  const { sock, ps } = push({ hwm: 100 });
  for (const m of ["1", "2", "3", "4"]) assert.is(sock.send([m]), 0);
  const got = sentTo(ps);
  assert.is(got[0].length, 2);
  assert.is(got[1].length, 2);
});

test("PUSH: the higher-priority (lower number) pipe takes everything while it has room, then the next", () => {
  const { sock, ps } = push({ hwm: 2, prios: [8, 1] });
  for (const m of ["1", "2", "3", "4"]) assert.is(sock.send([m]), 0);
  assert.equal(sentTo(ps), [["3", "4"], ["1", "2"]], "priority 1 until full (hwm 2), then priority 8");
  // Both drained: priority 1 again.
  for (const m of ["5", "6"]) sock.send([m]);
  assert.equal(sentTo(ps), [[], ["5", "6"]]);
  for (const m of ["7", "8", "9", "10"]) assert.is(sock.send([m]), 0);
  assert.is(sock.send(["11"]), EAGAIN, "everyone full");
  assert.equal(sentTo(ps), [["9", "10"], ["7", "8"]]);
});

test("PUSH: option 34 outside 1..16 is refused", () => {
  const { sock } = push();
  for (const v of [0, 17]) assert.is(sock.core.setOption(sock.h, O.OPT_SEND_PRIORITY, v), EINVAL);
  for (const v of [0, 17]) assert.is(sock.core.setOption(sock.h, O.OPT_RECV_PRIORITY, v), EINVAL);
});

test("PUSH: anything received is discarded, the pipe kept", () => {
  const { sock, ps } = push();
  ps[0].feedMessages("ignored");
  assert.not.ok(ps[0].closed);
  assert.is(sock.recv(), ENOTSUP);
});

test("PULL: option 35: messages from the higher-priority pipe are received first", () => {
  const core = newCore();
  const sock = spSock(core, "PULL0");
  sock.set(O.OPT_RECV_PRIORITY, 8);
  const low = spAddPeer(sock);
  sock.set(O.OPT_RECV_PRIORITY, 2);
  const high = spAddPeer(sock);
  low.feedMessages("l1", "l2");
  high.feedMessages("h1", "h2");
  assert.equal(recvAll(sock).map(str), [["h1"], ["h2"], ["l1"], ["l2"]]);
});

test("PULL: equal priorities are fair-queued", () => {
  const core = newCore();
  const sock = spSock(core, "PULL0");
  const a = spAddPeer(sock);
  const b = spAddPeer(sock);
  a.feedMessages("a1", "a2");
  b.feedMessages("b1", "b2");
  assert.equal(recvAll(sock).map(str), [["a1"], ["b1"], ["a2"], ["b2"]]);
  assert.is(sock.send(["x"]), ENOTSUP);
});

test.run();
