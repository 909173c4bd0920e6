// Closing a socket gives back every raw byte it took (docs/hostile-peers.md G: no
// growth without bound). Each socket type of both families lives a short,
// busy life on one core: a routing id, subscriptions, peers that handshake,
// messages received and left unread, a request or envelope held, replies
// queued, and then close(). The core's raw-allocation count (Core.heapBytes)
// must return exactly to what it was before the socket was opened. The
// first life of each kind warms the core's shared scratch buffers; the
// following lives are the ones compared.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { newCore, Sock, handshake } from "./helpers/harness.mjs";
import { T, O, message, subscribe } from "./helpers/wire.mjs";
import { spSock, spAddPeer, words, reqId, backtrace } from "./helpers/sp.mjs";

const cat = (...parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));

// ZMTP: the peer type each socket talks to, and what the peer sends it.
const ZMTP = {
  PAIR: { peer: "PAIR", inbound: () => message("one"), out: ["to peer"] },
  PUB: { peer: "SUB", inbound: () => cat(subscribe("news"), subscribe("sport"), subscribe("news")), out: ["news", "body"] },
  SUB: { peer: "PUB", inbound: () => cat(message("news", "1"), message("other", "2")), subs: ["news", "sp"] },
  XPUB: { peer: "XSUB", inbound: () => cat(subscribe("news"), message("up", "stream")), out: ["news", "x"] },
  XSUB: { peer: "XPUB", inbound: () => message("a", "b"), out: ["\x01topic"] },
  REQ: { peer: "REP", inbound: () => message("", "reply"), out: ["request"], sendFirst: true },
  REP: { peer: "REQ", inbound: () => cat(message("", "q1"), message("", "q2")), reply: ["answer"] },
  DEALER: { peer: "ROUTER", inbound: () => message("d"), out: ["x", "y"] },
  ROUTER: { peer: "DEALER", inbound: () => message("r"), out: null },
  PUSH: { peer: "PULL", inbound: () => Buffer.alloc(0), out: ["job"] },
  PULL: { peer: "PUSH", inbound: () => cat(message("j1"), message("j2")) },
};

function zmtpLife(core, name, spec) {
  const s = new Sock(core, T[name]);
  s.set(O.OPT_ROUTING_ID, `rid-${name}`);
  for (const t of spec.subs ?? []) s.set(O.OPT_SUBSCRIBE, t);
  const pipes = [];
  for (let i = 0; i < (name === "PAIR" ? 1 : 3); i++) {
    const p = s.pipe(false).start();
    handshake(p, spec.peer, { props: { Identity: `peer-${i}` } });
    pipes.push(p);
  }
  if (spec.sendFirst) s.send(spec.out);
  for (const p of pipes) p.feed(spec.inbound());
  s.recv();                       // one taken (REP holds its envelope now)
  if (spec.reply) s.send(spec.reply);
  if (spec.out && !spec.sendFirst) s.send(spec.out);
  if (name === "ROUTER") s.send(["peer-1", "routed"]);
  if (spec.reply) s.recv();       // a second request held unanswered
  pipes[pipes.length - 1].take(); // some output read, the rest left queued
  core.closeSocket(s.h);
}

// SP: what the raw peer sends (payloads with their protocol header).
const SP = {
  PAIR0: { inbound: () => ["p0"], out: ["to peer"] },
  PAIR1: { inbound: () => [cat(words(0), "p1")], out: ["to peer"] },
  PUB0: { inbound: () => [], out: ["news"] },
  SUB0: { inbound: () => ["news 1", "other"], subs: ["news", "n"] },
  REQ0: { inbound: () => [cat(words(reqId(1)), "stale reply")], out: ["request"] },
  REP0: { inbound: () => [cat(backtrace([0x11], 0x5), "q1"), cat(words(reqId(7)), "q2")], reply: ["answer"] },
  PUSH0: { inbound: () => [], out: ["job"] },
  PULL0: { inbound: () => ["j1", "j2"] },
  SURVEYOR0: { inbound: () => [], out: ["survey"], answers: true },
  RESPONDENT0: { inbound: () => [cat(words(reqId(3)), "s1"), cat(words(reqId(4)), "s2")], reply: ["vote"] },
  BUS0: { inbound: () => ["b1", "b2"], out: ["all"] },
};

function spLife(core, role, spec) {
  const s = spSock(core, role);
  for (const t of spec.subs ?? []) s.set(O.OPT_SUBSCRIBE, t);
  const pipes = role.startsWith("PAIR") ? [spAddPeer(s)] : [spAddPeer(s), spAddPeer(s), spAddPeer(s)];
  if (spec.out) s.send(spec.out);
  if (spec.answers) {
    // Answers to the survey just sent: its id is in the peers' copy.
    for (const p of pipes) {
      const [survey] = p.takeMessages();
      p.feedMessages(cat(survey.subarray(0, 4), "answer"));
    }
  }
  for (const p of pipes) for (const m of spec.inbound()) p.feedMessages(m);
  s.recv();
  if (spec.reply) { s.send(spec.reply); s.recv(); }
  pipes[pipes.length - 1].take();
  core.closeSocket(s.h);
}

const LIVES = [
  ...Object.entries(ZMTP).map(([name, spec]) => [`ZMTP ${name}`, (core) => zmtpLife(core, name, spec)]),
  ...Object.entries(SP).map(([role, spec]) => [`SP ${role}`, (core) => spLife(core, role, spec)]),
];

for (const [name, life] of LIVES) {
  test(`${name}: closing the socket gives back every raw byte its life took`, () => {
    const core = newCore();
    life(core);
    const before = core.heapBytes;
    for (let i = 0; i < 5; i++) life(core);
    assert.is(core.heapBytes - before, 0, `bytes still held after 5 more lives of a ${name} socket`);
  });
}

test("the count is real: a socket left open holds its routing id and subscriptions", () => {
  const core = newCore();
  const life = () => {
    const s = new Sock(core, T.SUB);
    s.set(O.OPT_ROUTING_ID, "x".repeat(200));
    s.set(O.OPT_SUBSCRIBE, "y".repeat(1000));
    return s;
  };
  core.closeSocket(life().h);     // warms the trie's scratch path
  const base = core.heapBytes;
  const s = life();
  assert.ok(core.heapBytes - base >= 1200, `held ${core.heapBytes - base} bytes`);
  core.closeSocket(s.h);
  assert.is(core.heapBytes, base);
});

test.run();
