// SP PUB/SUB over inproc://, tcp:// and ipc://: byte-prefix filtering of the
// body, subscribe("") / subscribe() = everything, unsubscribe, the local
// topic set (subscribing twice and unsubscribing once removes the topic), a
// SUB with no topics receives nothing, and PUB/SUB direction errors.
// Subscriptions never go on the wire and a PUB drops messages for peers not
// yet attached, so every case waits for the handshake on both sides first.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { api, eachTransport, recv, send, str, expectCode } from "./helpers/util.mjs";
import { sp, bound, spSock, link, nothingWithin } from "./helpers/sp.mjs";

const test = suite("api: SP PUB/SUB");
const it = api(test);

/** Receive until the body `end`; returns the bodies as strings. */
async function untilEnd(sub, end = "end") {
  const got = [];
  for (;;) {
    const m = str(await recv(sub));
    assert.is(m.length, 1, "cooked SP messages are single-part");
    got.push(m[0]);
    if (m[0] === end) return got;
  }
}

/** A bound PUB and SUBs (subscribed to topicSets[i]) attached to it. */
async function pubsub(res, kind, ...topicSets) {
  const { sock: pub, ep } = await bound(res, sp.Pub, kind);
  const subs = [];
  for (const topics of topicSets) {
    const s = spSock(res, sp.Sub);
    if (topics) s.subscribe(...topics);
    await link(s, pub, ep);
    subs.push(s);
  }
  return { pub, subs };
}

eachTransport(it, "SUB keeps messages whose body starts with a subscribed prefix", async (res, kind) => {
  const { pub, subs: [sub] } = await pubsub(res, kind, ["A", "end"]);
  for (const m of ["B-no", "A1", "AB2", "", "xA", "a-lower", "A", "end"]) await send(pub, m);
  assert.equal(await untilEnd(sub), ["A1", "AB2", "A", "end"]);
});

eachTransport(it, "SUB subscribe(\"\") and subscribe() receive everything, empty messages included", async (res, kind) => {
  const { pub, subs: [s1, s2] } = await pubsub(res, kind, [""], []);
  const bin = Buffer.from([0xff, 0x00, 0x01]);
  for (const m of ["x", "", bin, "end"]) await send(pub, m);
  for (const s of [s1, s2]) {
    assert.equal(str(await recv(s)), ["x"]);
    assert.equal(await recv(s), [Buffer.alloc(0)]);
    assert.equal(await recv(s), [bin]);
    assert.equal(str(await recv(s)), ["end"]);
  }
});

eachTransport(it, "SUB unsubscribe stops a topic at once; others keep flowing", async (res, kind) => {
  const { pub, subs: [sub] } = await pubsub(res, kind, ["A", "B"]);
  await send(pub, "B1");
  assert.equal(str(await recv(sub)), ["B1"]);
  sub.unsubscribe("B");
  for (const m of ["B2", "A3", "B4", "A-end"]) await send(pub, m);
  assert.equal(await untilEnd(sub, "A-end"), ["A3", "A-end"]);
});

eachTransport(it, "SUB topics are a set: subscribe twice + unsubscribe once = unsubscribed", async (res, kind) => {
  const { pub, subs: [sub] } = await pubsub(res, kind, ["end"]);
  sub.subscribe("T");
  sub.subscribe("T");
  sub.unsubscribe("T");
  for (const m of ["T1", "T2", "end"]) await send(pub, m);
  assert.equal(await untilEnd(sub), ["end"]);
  // Unsubscribing a topic that is not there is harmless.
  sub.unsubscribe("never");
  sub.subscribe("T");
  await send(pub, "T3");
  assert.equal(str(await recv(sub)), ["T3"]);
});

eachTransport(it, "SUB with no subscriptions receives nothing (messages are dropped, not queued)", async (res, kind) => {
  const { pub, subs: [none, all] } = await pubsub(res, kind, null, [""]);
  for (const m of ["one", "two", ""]) await send(pub, m);
  assert.equal(str(await recv(all)), ["one"], "the messages were published to attached peers");
  assert.equal(str(await recv(all)), ["two"]);
  assert.equal(str(await recv(all)), [""]);
  await nothingWithin(none, 100);
  // Subscribing now delivers only what is published from now on.
  none.subscribe("");
  await send(pub, "after");
  assert.equal(str(await recv(none)), ["after"], "the earlier messages were not kept");
});

eachTransport(it, "PUB delivers every message to every SUB, filtered per SUB", async (res, kind) => {
  const { pub, subs: [s1, s2, s3] } = await pubsub(res, kind, ["A", "end"], ["A", "B", "end"], ["C", "end"]);
  for (const m of ["A1", "B1", "C1", "D1", "end"]) await send(pub, m);
  assert.equal(await untilEnd(s1), ["A1", "end"]);
  assert.equal(await untilEnd(s2), ["A1", "B1", "end"]);
  assert.equal(await untilEnd(s3), ["C1", "end"]);
});

it("PUB with no subscribers: sends resolve at once (dropped)", async (res) => {
  const pub = spSock(res, sp.Pub);
  for (let i = 0; i < 2000; i++) await send(pub, `m${i}`);
});

it("SUB cannot send and PUB cannot receive: ENOTSUP", async (res) => {
  const sub = spSock(res, sp.Sub);
  const pub = spSock(res, sp.Pub);
  await expectCode(() => sub.send("x"), "ENOTSUP", "SUB send");
  await expectCode(() => pub.receive(), "ENOTSUP", "PUB receive");
});

test.run();
