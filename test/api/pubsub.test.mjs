// PUB/SUB and XPUB/XSUB over inproc://, tcp:// and ipc://: prefix filtering,
// subscribe() = everything, unsubscribe, several topics and subscribers,
// subscription messages seen by XPUB, XSUB subscribing by message,
// XPUB verbosity and manual mode. PUB→SUB cases use a slow-joiner barrier
// (publish until the first matching message arrives), never a sleep.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { zmq, api, eachTransport, bindAny, recv, send, str, syncSubscribers } from "./helpers/util.mjs";

const test = suite("api: PUB/SUB, XPUB/XSUB");
const it = api(test);

/** Receive until a message whose last frame is "end"; returns them all as strings. */
async function untilEnd(sub) {
  const got = [];
  for (;;) {
    const m = str(await recv(sub));
    got.push(m);
    if (m[m.length - 1] === "end") return got;
  }
}

async function pubsub(res, kind, ...topicSets) {
  const pub = res.sock(new zmq.Publisher());
  const ep = await bindAny(pub, kind, res);
  const subs = topicSets.map((topics) => {
    const s = res.sock(new zmq.Subscriber());
    s.subscribe(...topics);
    s.connect(ep);
    return s;
  });
  return { pub, subs, ep };
}

eachTransport(it, "SUB receives only messages whose first frame starts with a subscribed prefix", async (res, kind) => {
  const { pub, subs: [sub] } = await pubsub(res, kind, ["A"]);
  await syncSubscribers(pub, [sub], "A");
  await send(pub, ["B", "no"]);
  await send(pub, ["A", "yes-1"]);
  await send(pub, ["AB", "yes-2"]);
  await send(pub, ["", "no"]);
  await send(pub, ["xA", "no"]);
  await send(pub, "A-single-frame");
  await send(pub, ["A", "end"]);
  assert.equal(await untilEnd(sub), [["A", "yes-1"], ["AB", "yes-2"], ["A-single-frame"], ["A", "end"]]);
});

eachTransport(it, "SUB subscribe() with no arguments receives everything", async (res, kind) => {
  const { pub, subs: [sub] } = await pubsub(res, kind, []);
  await syncSubscribers(pub, [sub], "sync");
  await send(pub, ["x", "1"]);
  await send(pub, ["", "2"]);
  await send(pub, [Buffer.from([0xff, 0]), "3"]);
  await send(pub, Buffer.alloc(0));
  await send(pub, ["zzz", "end"]);
  const got = await untilEnd(sub);
  assert.equal(got, [["x", "1"], ["", "2"], [Buffer.from([0xff, 0]).toString(), "3"], [""], ["zzz", "end"]]);
});

eachTransport(it, "SUB unsubscribe stops a topic, others keep flowing", async (res, kind) => {
  const { pub, subs: [sub] } = await pubsub(res, kind, ["A", "B"]);
  await syncSubscribers(pub, [sub], "A");
  await send(pub, ["B", "1"]);
  assert.equal(str(await recv(sub)), ["B", "1"]);
  sub.unsubscribe("B");
  await send(pub, ["B", "2"]);
  await send(pub, ["A", "3"]);
  await send(pub, ["B", "4"]);
  await send(pub, ["A", "end"]);
  assert.equal(await untilEnd(sub), [["A", "3"], ["A", "end"]]);
});

eachTransport(it, "several topics and several SUBs: each gets exactly its topics", async (res, kind) => {
  const { pub, subs: [s1, s2, s3] } = await pubsub(res, kind, ["sync", "A"], ["sync", "A", "B"], ["sync", "C"]);
  await syncSubscribers(pub, [s1, s2, s3], "sync");
  for (const t of ["A", "B", "C", "D"]) await send(pub, [t, `${t}1`]);
  await send(pub, ["sync", "end"]);
  assert.equal(await untilEnd(s1), [["A", "A1"], ["sync", "end"]]);
  assert.equal(await untilEnd(s2), [["A", "A1"], ["B", "B1"], ["sync", "end"]]);
  assert.equal(await untilEnd(s3), [["C", "C1"], ["sync", "end"]]);
});

eachTransport(it, "PUB with no subscribers: send resolves at once (messages are dropped)", async (res, kind) => {
  const pub = res.sock(new zmq.Publisher());
  await bindAny(pub, kind, res);
  for (let i = 0; i < 2000; i++) await send(pub, ["t", String(i)]);
});

eachTransport(it, "XPUB receives \\x01topic when a SUB subscribes and \\x00topic when it unsubscribes", async (res, kind) => {
  const xpub = res.sock(new zmq.XPublisher());
  const ep = await bindAny(xpub, kind, res);
  const sub = res.sock(new zmq.Subscriber());
  sub.connect(ep);
  sub.subscribe("topic");
  const [s] = await recv(xpub);
  assert.equal(s, Buffer.from("\x01topic"));
  // The subscription is in place: no slow-joiner loop needed.
  await send(xpub, ["topic", "data"]);
  assert.equal(str(await recv(sub)), ["topic", "data"]);
  sub.unsubscribe("topic");
  const [u] = await recv(xpub);
  assert.equal(u, Buffer.from("\x00topic"));
});

eachTransport(it, "XSUB subscribes by sending \\x01topic; XPUB sees it and delivers the topic", async (res, kind) => {
  const xpub = res.sock(new zmq.XPublisher());
  const ep = await bindAny(xpub, kind, res);
  const xsub = res.sock(new zmq.XSubscriber());
  xsub.connect(ep);
  await send(xsub, Buffer.from("\x01news"));
  assert.equal(await recv(xpub), [Buffer.from("\x01news")]);
  await send(xpub, ["sport", "no"]);
  await send(xpub, ["news", "yes"]);
  assert.equal(str(await recv(xsub)), ["news", "yes"]);
  // Unsubscribe by message, too.
  await send(xsub, Buffer.from("\x00news"));
  assert.equal(await recv(xpub), [Buffer.from("\x00news")]);
});

eachTransport(it, "XSUB → PUB: a \\x01topic message subscribes (slow-joiner barrier)", async (res, kind) => {
  const pub = res.sock(new zmq.Publisher());
  const ep = await bindAny(pub, kind, res);
  const xsub = res.sock(new zmq.XSubscriber());
  xsub.connect(ep);
  await send(xsub, Buffer.from("\x01T"));
  await syncSubscribers(pub, [xsub], "T");
  await send(pub, ["U", "no"]);
  await send(pub, ["T", "end"]);
  assert.equal(await untilEnd(xsub), [["T", "end"]]);
});

eachTransport(it, "XPUB verbosity: by default one report per topic; allSubs reports every subscribe", async (res, kind) => {
  const xpub = res.sock(new zmq.XPublisher());
  const ep = await bindAny(xpub, kind, res);
  const a = res.sock(new zmq.Subscriber());
  const b = res.sock(new zmq.Subscriber());
  a.connect(ep);
  b.connect(ep);
  a.subscribe("t");
  assert.equal(await recv(xpub), [Buffer.from("\x01t")]);
  b.subscribe("t"); // duplicate: not reported
  b.subscribe("u"); // new: reported; b's "t" was processed before it
  assert.equal(await recv(xpub), [Buffer.from("\x01u")]);

  xpub.verbosity = "allSubs";
  assert.is(xpub.verbosity, "allSubs");
  a.subscribe("u");
  assert.equal(await recv(xpub), [Buffer.from("\x01u")], "duplicate reported with allSubs");
});

eachTransport(it, "XPUB manual: subscriptions take effect only through xpub.subscribe()", async (res, kind) => {
  const xpub = res.sock(new zmq.XPublisher());
  xpub.manual = true;
  const ep = await bindAny(xpub, kind, res);
  const sub = res.sock(new zmq.Subscriber());
  sub.connect(ep);
  sub.subscribe("t");
  assert.equal(await recv(xpub), [Buffer.from("\x01t")]);
  await send(xpub, ["t", "before"]); // not subscribed yet: dropped
  xpub.subscribe("t");
  await send(xpub, ["t", "after"]);
  assert.equal(str(await recv(sub)), ["t", "after"]);
});

test.run();
