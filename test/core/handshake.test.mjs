// NULL handshake (RFC 23 "The NULL Security Mechanism", "Connection Metadata";
// docs/hostile-peers.md A1, A2, A9-A12): what may
// follow the greeting, what we send, and the handshake deadline.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Clock, newCore, rawPeer, handshake } from "./helpers/harness.mjs";
import {
  R, T, O, greeting, ready, command, message, metadata, error, ping, decode, commands, parseMetadata,
  concat, hex, reasonName, TYPE_NAMES,
} from "./helpers/wire.mjs";

// A `type` socket that has read a valid greeting; then `bytes` are fed whole
// or in `chunk`-byte pieces. Returns what the pipe did after the greeting.
function run(type, bytes, chunk = Infinity) {
  const { pipe } = rawPeer(newCore(), type);
  pipe.feed(greeting(3, 1));
  const before = pipe.take();   // our greeting + READY
  const mark = pipe.events.length;
  pipe.feed(bytes, chunk);
  return { before, events: pipe.events.slice(mark), out: pipe.take(), reason: pipe.closeReason, peerType: pipe.peerType };
}

function runBoth(type, bytes) {
  const whole = run(type, bytes);
  const bytewise = run(type, bytes, 1);
  assert.equal(bytewise, whole, "byte-at-a-time outcome equals the whole-chunk outcome");
  return whole;
}

const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const readyBody = (...parts) => command("READY", concat(...parts));
const PUSH_META = metadata({ "Socket-Type": "PUSH" });

const bad = [
  { name: "a data frame before READY", type: T.PULL, bytes: message("hello"), reason: R.R_UNEXPECTED_COMMAND },
  { name: "a multipart data frame (MORE) before READY", type: T.PULL, bytes: message("a", "b"), reason: R.R_UNEXPECTED_COMMAND },
  { name: "an unknown command (HELLO) before READY", type: T.PULL, bytes: command("HELLO", "x"), reason: R.R_UNEXPECTED_COMMAND },
  { name: "a PING before READY", type: T.PULL, bytes: ping(10, "ab"), reason: R.R_UNEXPECTED_COMMAND },
  { name: "an empty command body before READY", type: T.PULL, bytes: hex("04 00"), reason: R.R_UNEXPECTED_COMMAND },
  { name: "an ERROR command", type: T.PULL, bytes: error("go away"), reason: R.R_ERROR_RECEIVED },
  { name: "an ERROR command with a 255-byte reason (long frame)", type: T.PULL, bytes: error("x".repeat(255)), reason: R.R_ERROR_RECEIVED },
  { name: "READY metadata whose name length runs past the end", type: T.PULL, bytes: readyBody([0x0b], "Socket"), reason: R.R_INVALID_METADATA },
  { name: "READY metadata with value length 0x7FFFFFFF and 3 bytes present", type: T.PULL, bytes: readyBody([0x0b], "Socket-Type", u32(0x7fffffff), "PUS"), reason: R.R_INVALID_METADATA },
  { name: "READY metadata with value length 0xFFFFFFFF", type: T.PULL, bytes: readyBody([0x0b], "Socket-Type", u32(0xffffffff), "PUSH"), reason: R.R_INVALID_METADATA },
  { name: "READY metadata with a zero-length name", type: T.PULL, bytes: readyBody([0], u32(0), PUSH_META), reason: R.R_INVALID_METADATA },
  { name: "READY metadata with a name but no value length", type: T.PULL, bytes: readyBody(PUSH_META, [0x01], "X", [0, 0]), reason: R.R_INVALID_METADATA },
  { name: "READY metadata with one trailing byte", type: T.PULL, bytes: readyBody(PUSH_META, [0x05]), reason: R.R_INVALID_METADATA },
  { name: "an incompatible Socket-Type (PUSH talking to REQ)", type: T.PUSH, bytes: ready({ "Socket-Type": "REQ" }), reason: R.R_SOCKET_TYPE_MISMATCH, sendsError: true },
  { name: "an incompatible Socket-Type (PUB talking to REQ)", type: T.PUB, bytes: ready({ "Socket-Type": "REQ" }), reason: R.R_SOCKET_TYPE_MISMATCH, sendsError: true },
  { name: "a missing Socket-Type", type: T.PULL, bytes: ready({ Identity: "" }), reason: R.R_SOCKET_TYPE_MISMATCH, sendsError: true },
  { name: "empty READY metadata", type: T.PULL, bytes: command("READY", ""), reason: R.R_SOCKET_TYPE_MISMATCH, sendsError: true },
  { name: "an unknown Socket-Type (FOO)", type: T.PULL, bytes: ready({ "Socket-Type": "FOO" }), reason: R.R_SOCKET_TYPE_MISMATCH, sendsError: true },
  { name: "a ROUTER receiving an Identity that starts with 0x00", type: T.ROUTER, bytes: ready({ "Socket-Type": "DEALER", Identity: Buffer.from([0, 1, 2, 3, 4]) }), reason: R.R_INVALID_IDENTITY },
  { name: "a ROUTER receiving a 256-byte Identity", type: T.ROUTER, bytes: ready({ "Socket-Type": "DEALER", Identity: "i".repeat(256) }), reason: R.R_INVALID_IDENTITY },
];

for (const c of bad) {
  test(`${TYPE_NAMES[c.type]} getting ${c.name} closes with ${reasonName(c.reason)}${c.sendsError ? " after sending ERROR" : ""} (whole and byte-at-a-time agree)`, () => {
    const r = runBoth(c.type, c.bytes);
    assert.is(reasonName(r.reason), reasonName(c.reason));
    assert.equal(r.events.filter((e) => e[0] === "close"), [["close", c.reason]], "exactly one close event");
    assert.is(r.peerType, null, "no handshake event");
    if (c.sendsError) {
      const errs = commands(r.out, "ERROR");
      assert.is(errs.length, 1, "our output holds one ERROR command");
      const reason = errs[0].data;
      assert.ok(reason.length >= 1 && reason[0] === reason.length - 1, "ERROR data is [len u8][reason]");
      assert.ok(reason.length > 1, "the reason is not empty");
    }
  });
}

test("a 255-byte Identity to a ROUTER is accepted (the upper bound)", () => {
  const r = runBoth(T.ROUTER, ready({ "Socket-Type": "DEALER", Identity: "i".repeat(255) }));
  assert.is(r.reason, null, reasonName(r.reason));
  assert.is(r.peerType, T.DEALER);
});

test("READY with extra properties (Resource, X-Custom, empty values) is accepted", () => {
  const r = runBoth(T.PULL, ready([["Socket-Type", "PUSH"], ["Resource", "a/b"], ["X-Custom", ""], ["Identity", "me"]]));
  assert.is(r.reason, null, reasonName(r.reason));
  assert.is(r.peerType, T.PUSH);
});

test("every valid socket-type pair of RFC 23 'The Socket-Type Property' completes the handshake; an invalid one does not", () => {
  const valid = {
    PAIR: ["PAIR"], PUB: ["SUB", "XSUB"], XPUB: ["SUB", "XSUB"], SUB: ["PUB", "XPUB"], XSUB: ["PUB", "XPUB"],
    REQ: ["REP", "ROUTER"], REP: ["REQ", "DEALER"], DEALER: ["REP", "DEALER", "ROUTER"],
    ROUTER: ["REQ", "DEALER", "ROUTER"], PUSH: ["PULL"], PULL: ["PUSH"],
  };
  for (const [local, peers] of Object.entries(valid)) {
    for (const peer of Object.keys(T)) {
      const r = run(T[local], ready({ "Socket-Type": peer }));
      const ok = peers.includes(peer);
      assert.is(r.peerType, ok ? T[peer] : null, `${local} with peer ${peer}: handshake ${ok ? "expected" : "unexpected"}`);
      assert.is(r.reason, ok ? null : R.R_SOCKET_TYPE_MISMATCH, `${local} with peer ${peer}`);
    }
  }
});

test("greeting, READY and two messages in one chunk: the handshake completes and both messages are delivered", () => {
  for (const chunk of [Infinity, 1]) {
    const { sock, pipe } = rawPeer(newCore(), T.PULL);
    pipe.feed(concat(greeting(3, 1), ready({ "Socket-Type": "PUSH" }), message("m1"), message("m2", "x")), chunk);
    assert.is(pipe.peerType, T.PUSH);
    assert.equal(sock.recvAll(), [["m1"], ["m2", "x"]], `chunk ${chunk}`);
  }
});

test("a second READY after the handshake closes with R_UNEXPECTED_COMMAND (docs/hostile-peers.md A9)", () => {
  for (const chunk of [Infinity, 1]) {
    const { sock, pipe } = rawPeer(newCore(), T.PULL);
    pipe.feed(concat(greeting(3, 1), ready({ "Socket-Type": "PUSH" }), message("before"), ready({ "Socket-Type": "PUSH" }), message("after")), chunk);
    assert.is(pipe.peerType, T.PUSH, "the first READY completed the handshake");
    assert.is(reasonName(pipe.closeReason), "R_UNEXPECTED_COMMAND", `chunk ${chunk}`);
    assert.equal(sock.recvAll(), [["before"]], "nothing after the second READY");
  }
});

// ---- what we send ----

test("our READY as a DEALER with an empty identity is the 43-byte example of RFC 23 'Worked Example'", () => {
  const { pipe } = rawPeer(newCore(), T.DEALER);
  pipe.take();
  pipe.feed(greeting(3, 1));
  const expected = hex(`
    04 29
    05 52 45 41 44 59
    0B 53 6F 63 6B 65 74 2D 54 79 70 65
    00 00 00 06 44 45 41 4C 45 52
    08 49 64 65 6E 74 69 74 79
    00 00 00 00`);
  assert.is(expected.length, 43);
  assert.equal(pipe.take(), expected);
});

test("our READY as a DEALER with routing id 'abc' carries Identity 'abc'", () => {
  const { pipe } = rawPeer(newCore(), T.DEALER, { options: { [O.OPT_ROUTING_ID]: "abc" } });
  pipe.take();
  pipe.feed(greeting(3, 1));
  const [f, ...rest] = decode(pipe.take());
  assert.is(rest.length, 0);
  assert.equal(parseMetadata(f.data).map(([n, v]) => [n, v.toString()]), [["Socket-Type", "DEALER"], ["Identity", "abc"]]);
});

// RFC 23 "Worked Example" shows a ROUTER's READY with only Socket-Type (body
// size 28), but "The Identity Property" lets a REQ, DEALER or ROUTER announce
// an Identity, and libzmq's mechanism_t::add_basic_properties adds Identity for
// ZMQ_REQ/DEALER/ROUTER. We follow libzmq: a ROUTER sends Socket-Type and an
// (empty) Identity.
test("our READY as a ROUTER carries Socket-Type ROUTER and an empty Identity, as libzmq's does (RFC 23 'The Identity Property')", () => {
  const { pipe } = rawPeer(newCore(), T.ROUTER);
  pipe.take();
  pipe.feed(greeting(3, 1));
  const out = pipe.take();
  assert.equal(out, ready([["Socket-Type", "ROUTER"], ["Identity", ""]]));
  assert.is(out[1], 41, "body size 41");
});

test("our READY as PUSH, PULL, PUB, SUB, REP, PAIR, XPUB, XSUB carries only Socket-Type", () => {
  for (const name of ["PUSH", "PULL", "PUB", "SUB", "REP", "PAIR", "XPUB", "XSUB"]) {
    const { pipe } = rawPeer(newCore(), T[name]);
    pipe.take();
    pipe.feed(greeting(3, 1));
    const out = pipe.take();
    assert.equal(out, ready({ "Socket-Type": name }), name);
    assert.is(out[1], 22 + name.length, `${name}: body size`);
  }
});

test("our READY as a REQ carries Identity (RFC 23 'The Identity Property')", () => {
  const { pipe } = rawPeer(newCore(), T.REQ);
  pipe.take();
  pipe.feed(greeting(3, 1));
  assert.equal(pipe.take(), ready([["Socket-Type", "REQ"], ["Identity", ""]]));
});

// ---- handshake deadline ----

function timed(ivl = 1000, type = T.PULL) {
  const clock = new Clock();
  const core = newCore(clock);
  const { sock, pipe } = rawPeer(core, type, { options: { [O.OPT_HANDSHAKE_IVL]: ivl } });
  return { clock, core, sock, pipe };
}

test("with handshakeInterval 1000, a peer that sends nothing is closed with R_HANDSHAKE_TIMEOUT at 1000 ms, not before", () => {
  const { clock, core, pipe } = timed(1000);
  assert.is(core.nextDeadline, 1000, "the core asks to be called at 1000 ms");
  for (const t of [1, 500, 999, 999.9]) {
    clock.t = t;
    core.tick();
    assert.not.ok(pipe.closed, `still open at ${t} ms`);
  }
  clock.t = 1000;
  core.tick();
  assert.is(reasonName(pipe.closeReason), "R_HANDSHAKE_TIMEOUT");
  assert.is(pipe.count("close"), 1);
  clock.t = 5000;
  core.tick();
  assert.is(pipe.count("close"), 1, "closed once");
});

test("a slowloris greeting dripped 1 byte per 100 ms is closed at the same absolute deadline (1000 ms)", () => {
  const { clock, core, pipe } = timed(1000);
  const g = greeting(3, 1);
  let fed = 0;
  for (clock.t = 0; clock.t <= 2000; clock.t += 100) {
    core.tick();
    if (pipe.closed) break;
    assert.is(core.nextDeadline, 1000, `deadline unchanged at ${clock.t} ms`);
    pipe.feed(g.subarray(fed, fed + 1));
    fed++;
  }
  assert.is(clock.t, 1000, "closed at 1000 ms");
  assert.is(fed, 10, "after 10 bytes");
  assert.is(reasonName(pipe.closeReason), "R_HANDSHAKE_TIMEOUT");
});

test("a full greeting without READY still times out at the original deadline", () => {
  const { clock, core, pipe } = timed(1000);
  clock.t = 900;
  pipe.feed(greeting(3, 1));
  clock.t = 999;
  core.tick();
  assert.not.ok(pipe.closed);
  clock.t = 1000;
  core.tick();
  assert.is(reasonName(pipe.closeReason), "R_HANDSHAKE_TIMEOUT");
});

test("a handshake completed before the deadline cancels it; a silent second peer on the same socket still times out alone", () => {
  const { clock, core, sock, pipe } = timed(1000);
  const silent = sock.pipe(false).start();
  clock.t = 400;
  handshake(pipe, "PUSH");
  clock.t = 1000;
  core.tick();
  assert.is(reasonName(silent.closeReason), "R_HANDSHAKE_TIMEOUT");
  assert.not.ok(pipe.closed, "the handshaken peer is unaffected");
  clock.t = 100000;
  core.tick();
  assert.not.ok(pipe.closed, "no handshake timer left for it");
  pipe.feed(message("still here"));
  assert.equal(sock.recvStr(), ["still here"]);
});

test("handshakeInterval 0 disables the handshake deadline", () => {
  const { clock, core, pipe } = timed(0);
  assert.is(core.nextDeadline, Infinity);
  clock.t = 1e9;
  core.tick();
  assert.not.ok(pipe.closed);
});

test.run();
