// Heartbeats (RFC 37 "Connection Heartbeating"; docs/hostile-peers.md D33-D36)
// and subscription encoding ("The Publish-Subscribe Pattern": messages to an
// RFC 23 peer, commands to an RFC 37 peer), driven with a manual clock.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Clock, newCore, rawPeer, handshake, pair } from "./helpers/harness.mjs";
import { R, T, O, greeting, command, message, ping, pong, subscribe, cancel, decode, concat, hex, reasonName } from "./helpers/wire.mjs";

// A handshaken `type` socket with a raw peer, at clock time 0.
function live(type = T.DEALER, { options = {}, peer = "DEALER", minor = 1 } = {}) {
  const clock = new Clock();
  const core = newCore(clock);
  const { sock, pipe } = rawPeer(core, type, { options });
  handshake(pipe, peer, { minor });
  return { clock, core, sock, pipe };
}

const at = (env, t) => { env.clock.t = t; env.core.tick(); };
const ctx200 = Buffer.from(Array.from({ length: 200 }, (_, i) => i));

// ---- PING → PONG ----

test("PING with a TTL and a 3-byte context gets a PONG echoing the context", () => {
  const env = live();
  env.pipe.feed(ping(50, "abc"));
  assert.equal(env.pipe.take(), hex("04 08 04 50 4f 4e 47 61 62 63"));
  assert.not.ok(env.pipe.closed);
});

test("PING without a context gets an empty PONG", () => {
  const env = live();
  env.pipe.feed(ping(0, ""));
  assert.equal(env.pipe.take(), pong(""));
});

test("PING with a 200-byte context gets a PONG echoing exactly its first 16 bytes", () => {
  for (const chunk of [Infinity, 1]) {
    const env = live();
    env.pipe.feed(ping(0, ctx200), chunk);
    const out = env.pipe.take();
    assert.equal(out, pong(ctx200.subarray(0, 16)), `chunk ${chunk}`);
    assert.is(out.length, 2 + 5 + 16);
  }
});

test("PING with exactly 16 and 17 context bytes: PONG carries 16", () => {
  for (const n of [16, 17]) {
    const env = live();
    env.pipe.feed(ping(0, ctx200.subarray(0, n)));
    assert.equal(env.pipe.take(), pong(ctx200.subarray(0, 16)), `${n} bytes`);
  }
});

for (const [name, bytes] of [
  ["no TTL field (04 PING)", command("PING", "")],
  ["a 1-byte TTL field", command("PING", [0x00])],
]) {
  test(`PING with ${name} closes with R_MALFORMED_COMMAND and echoes nothing (whole and byte-at-a-time agree)`, () => {
    const results = [Infinity, 1].map((chunk) => {
      const env = live();
      env.pipe.feed(concat(bytes, ping(0, "zz")), chunk);
      return { reason: env.pipe.closeReason, out: env.pipe.take() };
    });
    assert.equal(results[1], results[0]);
    assert.is(reasonName(results[0].reason), "R_MALFORMED_COMMAND");
    assert.equal(decode(results[0].out).filter((f) => f.name === "PONG"), [], "no PONG");
  });
}

// ---- the peer's TTL ----

test("PING with TTL=1 (100 ms) then silence closes with R_HEARTBEAT_TIMEOUT when the clock reaches 100 ms", () => {
  const env = live();
  env.pipe.feed(ping(1, ""));
  assert.is(env.core.nextDeadline, 100);
  for (const t of [10, 50, 99, 99.9]) { at(env, t); assert.not.ok(env.pipe.closed, `open at ${t}`); }
  at(env, 100);
  assert.is(reasonName(env.pipe.closeReason), "R_HEARTBEAT_TIMEOUT");
});

test("the TTL counts from the PING's arrival: PING TTL=3 at 50 ms closes at 350 ms", () => {
  const env = live();
  env.clock.t = 50;
  env.pipe.feed(ping(3, ""));
  at(env, 349);
  assert.not.ok(env.pipe.closed);
  at(env, 350);
  assert.is(reasonName(env.pipe.closeReason), "R_HEARTBEAT_TIMEOUT");
});

test("traffic after a TTL PING cancels the TTL deadline", () => {
  const env = live();
  env.pipe.feed(ping(1, ""));
  env.clock.t = 60;
  env.pipe.feed(message("alive"));
  at(env, 100);
  at(env, 10000);
  assert.not.ok(env.pipe.closed, reasonName(env.pipe.closeReason));
});

test("a TTL PING and a message in the same chunk: the message cancels the TTL as it does in a chunk of its own", () => {
  // The outcome must not depend on how the bytes were cut (libzmq cancels
  // the TTL timer for every frame decoded after the PING).
  const bytes = concat(ping(1, ""), message("after"));
  const cuts = [[bytes], [bytes.subarray(0, ping(1, "").length), bytes.subarray(ping(1, "").length)]];
  for (const cut of cuts) {
    const env = live();
    for (const c of cut) env.pipe.feed(c);
    at(env, 150);
    assert.not.ok(env.pipe.closed, `${cut.length} chunk(s): closed with ${reasonName(env.pipe.closeReason)}`);
  }
});

test("a message then a TTL PING in one chunk: the PING's TTL still holds", () => {
  const env = live();
  env.pipe.feed(concat(message("before"), ping(1, "")));
  at(env, 100);
  assert.is(env.pipe.closeReason, R.R_HEARTBEAT_TIMEOUT);
});

test("PING with TTL 0 sets no deadline", () => {
  const env = live();
  env.pipe.feed(ping(0, ""));
  at(env, 1e7);
  assert.not.ok(env.pipe.closed);
});

// ---- our heartbeats ----

test("with heartbeatInterval 1000 we send PING at 1000 ms and, with no traffic, close with R_HEARTBEAT_TIMEOUT at 2000 ms", () => {
  const env = live(T.DEALER, { options: { [O.OPT_HEARTBEAT_IVL]: 1000 } });
  assert.is(env.core.nextDeadline, 1000);
  at(env, 999);
  assert.is(env.pipe.take().length, 0, "no PING before 1000 ms");
  at(env, 1000);
  assert.equal(env.pipe.take(), ping(0, ""), "PING, TTL 0, no context");
  at(env, 1999);
  assert.not.ok(env.pipe.closed);
  at(env, 2000);
  assert.is(reasonName(env.pipe.closeReason), "R_HEARTBEAT_TIMEOUT");
});

test("heartbeatTtl 2500 ms goes out as TTL 25 deciseconds; heartbeatTimeout 300 closes 300 ms after the PING", () => {
  const env = live(T.DEALER, { options: { [O.OPT_HEARTBEAT_IVL]: 1000, [O.OPT_HEARTBEAT_TTL]: 2500, [O.OPT_HEARTBEAT_TIMEOUT]: 300 } });
  at(env, 1000);
  assert.equal(env.pipe.take(), ping(25, ""));
  at(env, 1299);
  assert.not.ok(env.pipe.closed);
  at(env, 1300);
  assert.is(reasonName(env.pipe.closeReason), "R_HEARTBEAT_TIMEOUT");
});

test("any inbound traffic resets our heartbeat timeout: a PONG at 1500 ms keeps the link; the next PING at 2000 ms, close at 3000 ms", () => {
  const env = live(T.DEALER, { options: { [O.OPT_HEARTBEAT_IVL]: 1000 } });
  at(env, 1000);
  env.pipe.take();
  env.clock.t = 1500;
  env.pipe.feed(pong(""));
  at(env, 2000);
  assert.not.ok(env.pipe.closed, reasonName(env.pipe.closeReason));
  assert.equal(env.pipe.take(), ping(0, ""), "second PING at 2000 ms");
  at(env, 2999);
  assert.not.ok(env.pipe.closed);
  at(env, 3000);
  assert.is(reasonName(env.pipe.closeReason), "R_HEARTBEAT_TIMEOUT");
});

test("a data message also counts as liveness for our heartbeat timeout", () => {
  const env = live(T.DEALER, { options: { [O.OPT_HEARTBEAT_IVL]: 1000 } });
  at(env, 1000);
  env.clock.t = 1999;
  env.pipe.feed(message("x"));
  at(env, 2000);
  assert.not.ok(env.pipe.closed);
  assert.equal(env.sock.recvStr(), ["x"]);
});

test("a peer that answers every PING stays connected for a long time", () => {
  const env = live(T.DEALER, { options: { [O.OPT_HEARTBEAT_IVL]: 1000 } });
  for (let t = 1000; t <= 60000; t += 1000) {
    at(env, t);
    const out = env.pipe.take();
    assert.equal(out, ping(0, ""), `PING at ${t}`);
    env.clock.t = t + 10;
    env.pipe.feed(pong(""));
  }
  assert.not.ok(env.pipe.closed);
});

test("two cores with heartbeats on both sides stay connected while bytes flow, and both close with R_HEARTBEAT_TIMEOUT once the link freezes", () => {
  const opts = { [O.OPT_HEARTBEAT_IVL]: 1000 };
  const { net, a, b, pa, pb } = pair(T.DEALER, T.DEALER, { optsA: opts, optsB: opts });
  for (let t = 250; t <= 30000; t += 250) { net.at(t); net.drive(); }
  assert.is(pa.closeReason, null, reasonName(pa.closeReason));
  assert.is(pb.closeReason, null, reasonName(pb.closeReason));
  a.send(["still"]);
  net.drive();
  assert.equal(b.recvStr(), ["still"]);
  // Frozen peer: time passes, no bytes move. Last traffic was at 30000; the
  // next PING goes out at 31000 and its timeout (= interval) ends at 32000.
  for (let t = 30250; t < 32000; t += 250) net.at(t);
  assert.is(pa.closeReason, null, "open until the PING's timeout");
  net.at(32000);
  assert.is(reasonName(pa.closeReason), "R_HEARTBEAT_TIMEOUT");
  assert.is(reasonName(pb.closeReason), "R_HEARTBEAT_TIMEOUT");
});

// ---- subscriptions on the wire (SUB/XSUB side) ----

const SUBSCRIBE = Number(O.OPT_SUBSCRIBE);
const UNSUBSCRIBE = Number(O.OPT_UNSUBSCRIBE);

test("to a ZMTP 3.1 peer, a SUB's subscribe goes out as a SUBSCRIBE command and unsubscribe as CANCEL", () => {
  const env = live(T.SUB, { peer: "PUB", minor: 1 });
  env.sock.set(SUBSCRIBE, "A");
  assert.equal(env.pipe.take(), hex("04 0b 09 53 55 42 53 43 52 49 42 45 41"));
  env.sock.set(UNSUBSCRIBE, "A");
  assert.equal(env.pipe.take(), cancel("A"));
});

test("to a ZMTP 3.0 peer, a SUB's subscribe goes out as a message 0x01+topic and unsubscribe as 0x00+topic", () => {
  const env = live(T.SUB, { peer: "PUB", minor: 0 });
  env.sock.set(SUBSCRIBE, "A");
  assert.equal(env.pipe.take(), hex("00 02 01 41"));
  env.sock.set(UNSUBSCRIBE, "A");
  assert.equal(env.pipe.take(), hex("00 02 00 41"));
});

test("to a ZMTP 3.0 peer, a 300-byte topic goes out as a long-form 0x01 message", () => {
  const env = live(T.SUB, { peer: "PUB", minor: 0 });
  const topic = "t".repeat(300);
  env.sock.set(SUBSCRIBE, topic);
  assert.equal(env.pipe.take(), message(concat([1], topic)));
});

for (const minor of [0, 1]) {
  test(`subscriptions made before the handshake go out right after our READY, in the 3.${minor} peer's form`, () => {
    const core = newCore();
    const { sock, pipe } = rawPeer(core, T.SUB, { outbound: true });
    sock.set(SUBSCRIBE, "A");
    sock.set(SUBSCRIBE, "");
    pipe.take();   // our greeting only
    pipe.feed(greeting(3, minor));
    pipe.take();   // our READY
    pipe.feed(command("READY", concat([11], "Socket-Type", [0, 0, 0, 3], "PUB")));
    const frames = decode(pipe.take());
    const got = frames.map((f) => (f.command ? `${f.name}:${f.data.toString()}` : `msg:${f.body.toString("hex")}`)).sort();
    const want = minor >= 1 ? ["SUBSCRIBE:", "SUBSCRIBE:A"] : ["msg:01", "msg:0141"];
    assert.equal(got, want.sort());
  });
}

test("an XSUB sending a 0x01/0x00 message subscribes/unsubscribes: a 3.1 peer sees SUBSCRIBE/CANCEL commands", () => {
  const env = live(T.XSUB, { peer: "PUB", minor: 1 });
  assert.is(env.sock.send([Buffer.from("\x01news", "latin1")]), 0);
  assert.equal(env.pipe.take(), subscribe("news"));
  assert.is(env.sock.send([Buffer.from("\x00news", "latin1")]), 0);
  assert.equal(env.pipe.take(), cancel("news"));
});

// ---- subscriptions on the wire (PUB side) ----

// Data messages in a byte string of frames, as arrays of strings.
function messages(bytes) {
  const out = [];
  let cur = [];
  for (const f of decode(bytes)) {
    if (f.command) continue;
    cur.push(f.body.toString("latin1"));
    if (!f.more) { out.push(cur); cur = []; }
  }
  return out;
}

for (const minor of [0, 1]) {
  test(`a PUB accepts both subscription forms from a 3.${minor} peer: SUBSCRIBE/CANCEL commands and 0x01/0x00 messages`, () => {
    const env = live(T.PUB, { peer: "SUB", minor });
    const publish = (...topics) => { for (const t of topics) assert.is(env.sock.send([t, "body"]), 0); return messages(env.pipe.take()); };
    assert.equal(publish("Apple", "Banana"), [], "nothing before a subscription");
    env.pipe.feed(subscribe("A"));
    env.pipe.feed(message("\x01B"));
    assert.equal(publish("Apple", "Banana", "Cherry"), [["Apple", "body"], ["Banana", "body"]]);
    env.pipe.feed(cancel("A"));
    assert.equal(publish("Apple", "Banana"), [["Banana", "body"]], "CANCEL removed A");
    env.pipe.feed(message("\x00B"));
    assert.equal(publish("Apple", "Banana"), [], "0x00 message removed B");
    assert.not.ok(env.pipe.closed);
  });
}

test.run();
