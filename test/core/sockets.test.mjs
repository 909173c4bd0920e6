// Socket roles (RFC 23 "The Socket-Type Property", "The Publish-Subscribe
// Pattern"; RFC 28, 29, 30, 31; docs/hostile-peers.md A13, B22, G50) with two
// cores back to back: bytes move only through Net.drive().
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Net, Sock, pair, takeOutput } from "./helpers/harness.mjs";
import { R, T, O, EAGAIN, EFSM, EHOSTUNREACH, reasonName, strs } from "./helpers/wire.mjs";

const SUBSCRIBE = O.OPT_SUBSCRIBE;
const UNSUBSCRIBE = O.OPT_UNSUBSCRIBE;

// One socket of `type` on core A, `n` sockets of `peerType` on core B; each
// B socket connects to A (or A connects to each, with `aConnects`).
function star(type, peerType, n, { chunk = Infinity, opts = {}, peerOpts = () => ({}), aConnects = false } = {}) {
  const net = new Net({ chunk });
  const ca = net.core();
  const cb = net.core();
  const hub = new Sock(ca, type, opts);
  const peers = [];
  const hubPipes = [];
  for (let i = 0; i < n; i++) {
    const p = new Sock(cb, peerType, peerOpts(i));
    const [x, y] = aConnects ? net.connect(hub, p) : net.connect(p, hub);
    hubPipes.push(aConnects ? x : y);
    peers.push(p);
    net.drive();
  }
  return { net, hub, peers, hubPipes };
}

// ---- PUSH / PULL ----

for (const chunk of [Infinity, 1]) {
  const how = chunk === 1 ? " (1-byte transfers)" : "";
  test(`PUSH load-balances round-robin across three PULL peers${how}`, () => {
    const { net, hub: push, peers: pulls } = star(T.PUSH, T.PULL, 3, { chunk, aConnects: true });
    for (let i = 0; i < 9; i++) assert.is(push.send([`m${i}`]), 0);
    net.drive();
    const got = pulls.map((p) => p.recvAll().map((m) => m[0]));
    assert.equal(got.map((g) => g.length), [3, 3, 3], "three each");
    // Message i goes to peer (i + k) % 3 for one fixed rotation k.
    const k = got.findIndex((g) => g[0] === "m0");
    for (let j = 0; j < 3; j++) {
      assert.equal(got[(j + k) % 3], [`m${j}`, `m${j + 3}`, `m${j + 6}`], `peer ${(j + k) % 3}`);
    }
  });
}

test("PULL fair-queues across three PUSH pipes: one message from each in turn", () => {
  const { net, hub: pull, peers: pushes } = star(T.PULL, T.PUSH, 3);
  const names = ["a", "b", "c"];
  pushes.forEach((p, i) => { for (let j = 0; j < 3; j++) assert.is(p.send([`${names[i]}${j}`]), 0); });
  net.drive();
  const seq = pull.recvAll().map((m) => m[0]);
  assert.is(seq.length, 9);
  for (let r = 0; r < 3; r++) {
    const round = seq.slice(3 * r, 3 * r + 3);
    assert.equal(round.map((s) => s[0]).sort(), ["a", "b", "c"], `round ${r}: ${round}`);
    assert.ok(round.every((s) => s[1] === String(r)), `round ${r} holds each peer's message ${r}: ${round}`);
  }
});

test("PULL fair-queues unequal backlogs (3, 1, 2): every peer with a message is served before any peer is served again", () => {
  const { net, hub: pull, peers: pushes } = star(T.PULL, T.PUSH, 3);
  [3, 1, 2].forEach((n, i) => { for (let j = 0; j < n; j++) pushes[i].send([`${"abc"[i]}${j}`]); });
  net.drive();
  const seq = pull.recvAll().map((m) => m[0]);
  assert.equal(seq.slice(0, 3).map((s) => s[0]).sort(), ["a", "b", "c"], seq.join());
  assert.equal(seq.slice(3, 5).map((s) => s[0]).sort(), ["a", "c"], seq.join());
  assert.equal(seq.slice(5), ["a2"], seq.join());
});

test("PUSH never splits a multipart message across pipes (1-byte transfers)", () => {
  const { net, hub: push, peers: pulls } = star(T.PUSH, T.PULL, 2, { chunk: 1, aConnects: true });
  for (let i = 0; i < 4; i++) assert.is(push.send([`h${i}`, `b${i}`, `t${i}`]), 0);
  net.drive();
  const all = [];
  for (const p of pulls) {
    const msgs = p.recvAll();
    assert.is(msgs.length, 2);
    for (const m of msgs) {
      const i = m[0].slice(1);
      assert.equal(m, [`h${i}`, `b${i}`, `t${i}`]);
      all.push(i);
    }
  }
  assert.equal(all.sort(), ["0", "1", "2", "3"]);
});

test("PULL delivers multipart messages whole when two PUSH peers' bytes arrive interleaved one byte at a time", () => {
  const { net, hub: pull, peers: pushes } = star(T.PULL, T.PUSH, 2, { chunk: 1 });
  for (let i = 0; i < 3; i++) {
    pushes[0].send([`x${i}-1`, `x${i}-2`, `x${i}-3`]);
    pushes[1].send([`y${i}-1`, `y${i}-2`]);
  }
  net.drive();
  const msgs = pull.recvAll();
  assert.is(msgs.length, 6);
  for (const m of msgs) {
    const [src, i] = [m[0][0], m[0][1]];
    const expected = src === "x" ? [`x${i}-1`, `x${i}-2`, `x${i}-3`] : [`y${i}-1`, `y${i}-2`];
    assert.equal(m, expected);
  }
});

test("a PULL peer that dies mid-message delivers nothing partial and the other PUSH peer is still served", () => {
  const { net, hub: pull, peers: pushes, hubPipes } = star(T.PULL, T.PUSH, 2);
  pushes[1].send(["ok-1"]);
  net.drive();
  // A partial message straight onto the first pipe, then its transport dies.
  hubPipes[0].feed(Buffer.from([0x01, 0x01, 0x61, 0x00, 0x05, 0x62]));
  net.cores[0].pipeClosed(hubPipes[0].h);
  pushes[1].send(["ok-2"]);
  net.drive();
  assert.equal(pull.recvAll(), [["ok-1"], ["ok-2"]]);
});

test("per-pipe send HWM: with sndhwm=2 and no output taken, PUSH's third send returns EAGAIN (-11); after takeOutput it succeeds", () => {
  const { net, a: push, b: pull, pa, pb } = pair(T.PUSH, T.PULL, { optsA: { [O.OPT_SNDHWM]: 2 } });
  assert.is(push.send(["1"]), 0);
  assert.is(push.send(["2"]), 0);
  assert.is(push.send(["3"]), EAGAIN);
  assert.is(push.send(["3"]), EAGAIN, "still full");
  const writableBefore = push.writable;
  const out = pa.take();
  assert.ok(out.length > 0);
  assert.is(push.writable, writableBefore + 1, "writable event after the output was taken");
  assert.is(push.send(["3"]), 0);
  pb.feed(out);
  net.drive();
  assert.equal(pull.recvAll(), [["1"], ["2"], ["3"]]);
});

test("per-pipe send HWM also bounds messages queued before the handshake", () => {
  const net = new Net();
  const push = new Sock(net.core(), T.PUSH, { [O.OPT_SNDHWM]: 2 });
  const pull = new Sock(net.core(), T.PULL);
  const pa = push.pipe(true);   // connect-made: routable before its transport is up
  assert.is(push.send(["1"]), 0);
  assert.is(push.send(["2"]), 0);
  assert.is(push.send(["3"]), EAGAIN);
  net.link(pa, pull.pipe(false));
  net.drive();
  assert.equal(pull.recvAll(), [["1"], ["2"]]);
  assert.is(push.send(["3"]), 0);
  net.drive();
  assert.equal(pull.recvAll(), [["3"]]);
});

// ---- PUB / SUB ----

test("PUB drops at the HWM instead of blocking: five sends with sndhwm=2 all return 0, the SUB gets the first two", () => {
  const { net, a: sub, b: pub, pb } = pair(T.SUB, T.PUB, { optsB: { [O.OPT_SNDHWM]: 2 } });
  sub.set(SUBSCRIBE, "");
  net.drive();
  for (let i = 0; i < 5; i++) assert.is(pub.send([`m${i}`]), 0, `send ${i}`);
  net.drive();
  assert.equal(sub.recvAll(), [["m0"], ["m1"]]);
  assert.not.ok(pb.closed);
  assert.is(pub.send(["later"]), 0);
  net.drive();
  assert.equal(sub.recvAll(), [["later"]], "the pipe works again once drained");
});

test("SUB subscriptions are counted: subscribe A twice + unsubscribe once still matches; the second unsubscribe stops it", () => {
  const { net, a: sub, b: pub } = pair(T.SUB, T.PUB);
  sub.set(SUBSCRIBE, "A");
  sub.set(SUBSCRIBE, "A");
  sub.set(UNSUBSCRIBE, "A");
  net.drive();
  pub.send(["Apple"]);
  pub.send(["Banana"]);
  net.drive();
  assert.equal(sub.recvAll(), [["Apple"]]);
  sub.set(UNSUBSCRIBE, "A");
  net.drive();
  pub.send(["Apple"]);
  net.drive();
  assert.equal(sub.recvAll(), []);
});

test("the empty topic matches every message, including an empty one", () => {
  const { net, a: sub, b: pub } = pair(T.SUB, T.PUB);
  sub.set(SUBSCRIBE, "");
  net.drive();
  for (const m of [["x"], [""], ["anything", "more"], [Buffer.from([0, 1, 2])]]) pub.send(m);
  net.drive();
  assert.equal(sub.recvAll(), [["x"], [""], ["anything", "more"], ["\x00\x01\x02"]]);
});

test("matching is by byte prefix of the first frame only", () => {
  const { net, a: sub, b: pub } = pair(T.SUB, T.PUB);
  sub.set(SUBSCRIBE, "ab");
  net.drive();
  for (const m of [["a"], ["ab"], ["abc"], ["b", "ab"], ["xab"]]) pub.send(m);
  net.drive();
  assert.equal(sub.recvAll(), [["ab"], ["abc"]]);
});

test("a 100 KiB topic: subscribe, match and cancel work end to end and nothing closes", () => {
  const { net, a: sub, b: pub, pa, pb } = pair(T.SUB, T.PUB);
  const topic = Buffer.alloc(100 * 1024);
  for (let i = 0; i < topic.length; i++) topic[i] = (i * 7 + 3) & 0xff;
  sub.set(SUBSCRIBE, topic);
  net.drive();
  assert.is(pa.closeReason, null, `SUB side: ${reasonName(pa.closeReason)}`);
  assert.is(pb.closeReason, null, `PUB side: ${reasonName(pb.closeReason)}`);
  pub.send([Buffer.concat([topic, Buffer.from("tail")])]);
  pub.send([topic.subarray(0, topic.length - 1)]);
  net.drive();
  const got = sub.recvAll();
  assert.is(got.length, 1, "only the message the long topic prefixes");
  assert.is(got[0][0].length, topic.length + 4);
  sub.set(UNSUBSCRIBE, topic);
  net.drive();
  pub.send([topic]);
  net.drive();
  assert.equal(sub.recvAll(), []);
  assert.is(pa.closeReason, null);
  assert.is(pb.closeReason, null);
});

test("subscription tries agree with a counting model over 400 random subscribe/unsubscribe operations", () => {
  const { net, a: sub, b: pub } = pair(T.SUB, T.PUB);
  const topics = ["", "a", "ab", "abc", "abd", "b", "ba", "bab", "c", "abcd"];
  const messages = ["", "a", "ab", "abc", "abcd", "abde", "b", "ba", "bab", "babx", "c", "cx", "d", "x"];
  const count = new Map();
  let seed = 12345;
  const rand = (n) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
  for (let i = 1; i <= 400; i++) {
    const t = topics[rand(topics.length)];
    if (rand(3) > 0) { sub.set(SUBSCRIBE, t); count.set(t, (count.get(t) ?? 0) + 1); }
    else { sub.set(UNSUBSCRIBE, t); if (count.get(t) > 0) count.set(t, count.get(t) - 1); }
    net.drive();
    if (i % 20 === 0) {
      for (const m of messages) pub.send([m]);
      net.drive();
      const got = sub.recvAll().map((m) => m[0]);
      const want = messages.filter((m) => [...count].some(([t, c]) => c > 0 && m.startsWith(t)));
      assert.equal(got, want, `after ${i} operations, live: ${JSON.stringify([...count].filter(([, c]) => c > 0))}`);
    }
  }
});

test("a SUB re-sends its subscriptions on a new connection", () => {
  const net = new Net();
  const sub = new Sock(net.core(), T.SUB);
  sub.set(SUBSCRIBE, "k");
  const pub1 = new Sock(net.core(), T.PUB);
  const pub2 = new Sock(net.cores[1], T.PUB);
  net.connect(sub, pub1);
  net.drive();
  net.connect(sub, pub2);
  net.drive();
  pub1.send(["k1"]);
  pub2.send(["k2"]);
  pub2.send(["z"]);
  net.drive();
  assert.equal(sub.recvAll().map((m) => m[0]).sort(), ["k1", "k2"]);
});

// ---- REQ ----

test("REQ: a second send without a reply returns EFSM (-156384763); recv before any send is EFSM too", () => {
  const { a: req } = pair(T.REQ, T.REP);
  assert.is(req.recv(), EFSM, "recv first");
  assert.is(req.send(["one"]), 0);
  assert.is(req.send(["two"]), EFSM);
  assert.is(EFSM, -156384763);
});

test("REQ drops a reply without the empty delimiter, then accepts a proper one", () => {
  const { net, a: req, b: router } = pair(T.REQ, T.ROUTER);
  req.send(["hello"]);
  net.drive();
  const [id, delim, body] = router.recv();
  assert.equal([delim.length, body.toString()], [0, "hello"], "REQ put the empty delimiter in front");
  router.send([id, "no-delimiter"]);
  net.drive();
  assert.is(req.recv(), EAGAIN, "reply without delimiter dropped");
  router.send([id, "", "ok"]);
  net.drive();
  assert.equal(req.recvStr(), ["ok"]);
});

test("REQ drops a reply that comes from a different pipe than the request went to", () => {
  const { net, hub: req, peers: routers } = star(T.REQ, T.ROUTER, 2, { aConnects: true });
  req.send(["r1"]);
  net.drive();
  const first = routers.findIndex((r) => r.readable > 0);
  const x = routers[first];
  const y = routers[1 - first];
  const [idX] = x.recv();
  x.send([idX, "", "reply-1"]);
  net.drive();
  assert.equal(req.recvStr(), ["reply-1"]);
  req.send(["r2"]);   // round-robin: goes to y
  net.drive();
  const [idY, , body] = y.recv();
  assert.is(body.toString(), "r2");
  x.send([idX, "", "late from x"]);
  net.drive();
  assert.is(req.recv(), EAGAIN, "reply from the wrong pipe dropped");
  y.send([idY, "", "reply-2"]);
  net.drive();
  assert.equal(req.recvStr(), ["reply-2"]);
});

// ---- REP ----

test("REP strips the envelope and puts it back on the reply (round trip via DEALER)", () => {
  const { net, a: dealer, b: rep } = pair(T.DEALER, T.REP);
  dealer.send(["", "hello"]);
  net.drive();
  assert.equal(rep.recvStr(), ["hello"]);
  assert.is(rep.send(["world"]), 0);
  net.drive();
  assert.equal(dealer.recvStr(), ["", "world"]);
  dealer.send(["hop1", "hop2", "", "req", "part2"]);
  net.drive();
  assert.equal(rep.recvStr(), ["req", "part2"]);
  rep.send(["rep"]);
  net.drive();
  assert.equal(dealer.recvStr(), ["hop1", "hop2", "", "rep"]);
});

test("REP drops a request without an empty delimiter; send before recv is EFSM", () => {
  const { net, a: dealer, b: rep } = pair(T.DEALER, T.REP);
  assert.is(rep.send(["x"]), EFSM);
  dealer.send(["no", "delimiter"]);
  dealer.send(["", "good"]);
  net.drive();
  assert.equal(rep.recvStr(), ["good"]);
  assert.is(rep.recv(), EFSM, "must reply first");
});

// ---- ROUTER ----

test("ROUTER prefixes the routing id, routes replies by it, and generates 5-byte ids starting with 0x00", () => {
  const { net, hub: router, peers: dealers } = star(T.ROUTER, T.DEALER, 3, {
    peerOpts: (i) => (i === 0 ? { [O.OPT_ROUTING_ID]: "peer-1" } : {}),
  });
  dealers.forEach((d, i) => d.send([`hi-${i}`]));
  net.drive();
  const msgs = [];
  for (let m; Array.isArray((m = router.recv()));) msgs.push(m);
  assert.is(msgs.length, 3);
  const byBody = Object.fromEntries(msgs.map(([id, body]) => [body.toString(), id]));
  assert.equal(byBody["hi-0"], Buffer.from("peer-1"), "announced identity used as routing id");
  for (const k of ["hi-1", "hi-2"]) {
    const id = byBody[k];
    assert.is(id.length, 5, `${k}: 5-byte id`);
    assert.is(id[0], 0, `${k}: starts with 0x00`);
  }
  assert.not.equal(byBody["hi-1"], byBody["hi-2"], "generated ids differ");
  router.send([byBody["hi-2"], "for-2"]);
  router.send([Buffer.from("peer-1"), "for-0", "second frame"]);
  net.drive();
  assert.equal(dealers.map((d) => d.recvAll()), [[["for-0", "second frame"]], [], [["for-2"]]]);
});

test("ROUTER refuses a second peer with a duplicate identity (R_DUPLICATE_IDENTITY); the first keeps its route", () => {
  const { net, hub: router, peers: dealers, hubPipes } = star(T.ROUTER, T.DEALER, 2, {
    peerOpts: () => ({ [O.OPT_ROUTING_ID]: "dup" }),
  });
  assert.is(hubPipes[0].closeReason, null);
  assert.is(reasonName(hubPipes[1].closeReason), "R_DUPLICATE_IDENTITY");
  router.send(["dup", "x"]);
  net.drive();
  assert.equal(dealers.map((d) => d.recvAll()), [[["x"]], []]);
});

test("with ROUTER_HANDOVER (option 12) a duplicate identity takes over the route; the old pipe is closed", () => {
  const { net, hub: router, peers: dealers, hubPipes } = star(T.ROUTER, T.DEALER, 2, {
    opts: { [O.OPT_ROUTER_HANDOVER]: 1 },
    peerOpts: () => ({ [O.OPT_ROUTING_ID]: "dup" }),
  });
  assert.is(reasonName(hubPipes[0].closeReason), "R_CLOSED_BY_SOCKET");
  assert.is(hubPipes[1].closeReason, null);
  router.send(["dup", "x"]);
  net.drive();
  assert.equal(dealers.map((d) => d.recvAll()), [[], [["x"]]]);
});

test("a handover that displaces a connect-made pipe schedules its reconnect reconnectIvl (100 ms) after the takeover, not at once", () => {
  const net = new Net();
  const router = new Sock(net.core(), T.ROUTER, { [O.OPT_ROUTER_HANDOVER]: 1 });
  const x = new Sock(net.core(), T.DEALER, { [O.OPT_ROUTING_ID]: "dup" });
  const y = new Sock(net.cores[1], T.DEALER, { [O.OPT_ROUTING_ID]: "dup" });
  const [routerOut] = net.connect(router, x);   // the ROUTER dialled x
  net.drive();
  net.at(5000);
  net.connect(y, router);                        // y dials in with the same id, at 5000 ms
  net.drive();
  assert.is(reasonName(routerOut.closeReason), "R_CLOSED_BY_SOCKET");
  net.at(5000);
  assert.is(routerOut.count("connect"), 0, "no reconnect at the moment of the takeover");
  net.at(5099);
  assert.is(routerOut.count("connect"), 0, "no reconnect before 5100 ms");
  net.at(5100);
  assert.is(routerOut.count("connect"), 1, "reconnect at 5100 ms");
});

test("PAIR accepts one peer; a second is refused with R_PEER_LIMIT and the first keeps working", () => {
  const { net, hub: pairSock, peers, hubPipes } = star(T.PAIR, T.PAIR, 2);
  assert.is(hubPipes[0].closeReason, null);
  assert.is(reasonName(hubPipes[1].closeReason), "R_PEER_LIMIT");
  assert.is(pairSock.send(["to-first"]), 0);
  peers[0].send(["from-first"]);
  net.drive();
  assert.equal(peers.map((p) => p.recvAll()), [[["to-first"]], []]);
  assert.equal(pairSock.recvAll(), [["from-first"]]);
});

test("ROUTER drops a message to an unknown id (send returns 0); with ROUTER_MANDATORY (option 11) it returns EHOSTUNREACH (-113)", () => {
  const { a: dealer, b: router, net } = pair(T.DEALER, T.ROUTER);
  assert.is(router.send(["nobody", "x"]), 0);
  router.set(O.OPT_ROUTER_MANDATORY, 1);
  assert.is(router.send(["nobody", "x"]), EHOSTUNREACH);
  assert.is(EHOSTUNREACH, -113);
  net.drive();
  assert.equal(dealer.recvAll(), []);
});

// ---- XPUB ----

test("XPUB reports a new subscription as a message \\x01topic and its cancel as \\x00topic", () => {
  const { net, a: sub, b: xpub } = pair(T.SUB, T.XPUB);
  sub.set(SUBSCRIBE, "topic");
  net.drive();
  assert.equal(xpub.recvStr(), ["\x01topic"]);
  assert.is(xpub.recv(), EAGAIN);
  xpub.send(["topic-1"]);
  net.drive();
  assert.equal(sub.recvAll(), [["topic-1"]]);
  sub.set(UNSUBSCRIBE, "topic");
  net.drive();
  assert.equal(xpub.recvStr(), ["\x00topic"]);
});

test("XPUB (verbosity 0) reports a topic once for two subscribers, and its cancel only when the last one leaves", () => {
  const { net, hub: xpub, peers: subs } = star(T.XPUB, T.SUB, 2);
  subs[0].set(SUBSCRIBE, "t");
  net.drive();
  subs[1].set(SUBSCRIBE, "t");
  net.drive();
  assert.equal(xpub.recvAll(), [["\x01t"]]);
  subs[0].set(UNSUBSCRIBE, "t");
  net.drive();
  assert.equal(xpub.recvAll(), []);
  subs[1].set(UNSUBSCRIBE, "t");
  net.drive();
  assert.equal(xpub.recvAll(), [["\x00t"]]);
});

test("XPUB reports the cancel of a subscriber's topics when its connection ends", () => {
  const { net, a: sub, b: xpub, pb } = pair(T.SUB, T.XPUB);
  sub.set(SUBSCRIBE, "gone");
  net.drive();
  assert.equal(xpub.recvAll(), [["\x01gone"]]);
  net.links[0].dead = true;              // the transport dies; no more bytes move
  net.cores[1].pipeClosed(pb.h);
  assert.equal(xpub.recvAll(), [["\x00gone"]]);
});

// ---- large frames by reference (bindings EXTERNAL_MIN and assembly/external.ts) ----

const big = (n, seed) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (i * 13 + seed) & 0xff; return b; };
// The binding keeps external bodies by id until the core frees them (EV_EXT_FREE).
function externals(core) {
  assert.instance(core.external, Map, "Core keeps external bodies in a Map named external");
  return core.external.size;
}
function recvRaw(sock) {
  const out = [];
  for (let m; Array.isArray((m = sock.recv()));) out.push(m);
  return out;
}
const sameFrames = (got, want) => got.length === want.length && got.every((f, i) => Buffer.compare(f, Buffer.from(want[i])) === 0);

test("a large (>= 32 KiB) frame goes out by reference: the caller's buffer is spliced into the output, arrives byte-exact, then is released", () => {
  const { a: push, b: pull, pa, pb } = pair(T.PUSH, T.PULL);
  const body = big(64 * 1024, 1);
  const body2 = big(100 * 1024, 2);
  assert.is(push.send(["head", body, "mid", body2]), 0);
  assert.is(externals(push.core), 2, "two bodies held by reference");
  const chunks = takeOutput(push.core, pa.h);
  assert.ok(chunks.includes(body) && chunks.includes(body2), "the caller's buffers themselves are in the output");
  assert.is(externals(push.core), 0, "released once the output was taken");
  for (const chunk of [Infinity, 1000]) {
    pb.feed(Buffer.concat(chunks), chunk);
    const msgs = recvRaw(pull);
    assert.is(msgs.length, 1);
    assert.ok(sameFrames(msgs[0], ["head", body, "mid", body2]), `frames byte-exact (chunk ${chunk})`);
  }
});

test("a large frame queued before the handshake is spliced in the right place after READY", () => {
  const net = new Net({ chunk: 777 });
  const push = new Sock(net.core(), T.PUSH);
  const pull = new Sock(net.core(), T.PULL);
  const pa = push.pipe(true);
  const body = big(40 * 1024, 3);
  assert.is(push.send(["a", body, "z"]), 0);
  assert.is(push.send(["after"]), 0);
  net.link(pa, pull.pipe(false));
  net.drive();
  const msgs = recvRaw(pull);
  assert.is(msgs.length, 2);
  assert.ok(sameFrames(msgs[0], ["a", body, "z"]), "first message byte-exact");
  assert.ok(sameFrames(msgs[1], ["after"]));
  assert.is(externals(push.core), 0);
});

test("PUB fans a large frame out to two SUBs by reference; it is released only after both pipes wrote it", () => {
  const { net, hub: pub, peers: subs, hubPipes } = star(T.PUB, T.SUB, 2);
  subs.forEach((s) => s.set(SUBSCRIBE, "t"));
  net.drive();
  const body = big(64 * 1024, 4);
  assert.is(pub.send(["t", body]), 0);
  assert.is(externals(pub.core), 1);
  const first = takeOutput(pub.core, hubPipes[0].h);
  assert.ok(first.includes(body));
  assert.is(externals(pub.core), 1, "still needed by the second pipe");
  const second = takeOutput(pub.core, hubPipes[1].h);
  assert.ok(second.includes(body));
  assert.is(externals(pub.core), 0);
  net.links[0].a.feed(Buffer.concat(first));   // a: the SUB end
  net.links[1].a.feed(Buffer.concat(second));
  for (const s of subs) {
    const msgs = recvRaw(s);
    assert.is(msgs.length, 1);
    assert.ok(sameFrames(msgs[0], ["t", body]));
  }
});

test("a large frame of a send that goes nowhere (no subscriber, unknown ROUTER id) is released at once", () => {
  const { b: pub } = pair(T.SUB, T.PUB);
  assert.is(pub.send(["nobody-subscribed", big(64 * 1024, 5)]), 0);
  assert.is(externals(pub.core), 0, "PUB: nothing matched");
  const { b: router } = pair(T.DEALER, T.ROUTER);
  assert.is(router.send(["unknown-id", big(64 * 1024, 6)]), 0);
  assert.is(externals(router.core), 0, "ROUTER: unroutable");
  router.set(O.OPT_ROUTER_MANDATORY, 1);
  assert.is(router.send(["unknown-id", big(64 * 1024, 7)]), EHOSTUNREACH);
  assert.is(externals(router.core), 0, "ROUTER mandatory: refused");
});

test("a large frame queued on a pipe that is then destroyed is released", () => {
  const net = new Net();
  const push = new Sock(net.core(), T.PUSH);
  const pa = push.pipe(true);
  assert.is(push.send(["x", big(64 * 1024, 8)]), 0);
  assert.is(externals(push.core), 1);
  push.core.destroyPipe(pa.h);
  assert.is(externals(push.core), 0);
});

test.run();
