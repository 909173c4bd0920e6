// DEALER/ROUTER, DEALER/DEALER and ROUTER/ROUTER over inproc://, tcp:// and
// ipc://: routing ids, replies by id, generated ids, `mandatory`
// (EHOSTUNREACH), duplicate ids with and without `handover`.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { zmq, api, eachTransport, bindAny, recv, send, str, watch, expectCode } from "./helpers/util.mjs";

const test = suite("api: DEALER/ROUTER");
const it = api(test);

eachTransport(it, "ROUTER sees the DEALER's routingId and replies by it", async (res, kind) => {
  const router = res.sock(new zmq.Router());
  const ep = await bindAny(router, kind, res);
  const dealer = res.sock(new zmq.Dealer({ routingId: "dealer-1" }));
  assert.is(dealer.routingId, "dealer-1");
  dealer.connect(ep);
  await send(dealer, ["hello", "", "world"]);
  const m = await recv(router);
  assert.equal(str(m), ["dealer-1", "hello", "", "world"], "identity frame first, then the message as sent");
  await send(router, [m[0], "back", ""]);
  assert.equal(str(await recv(dealer)), ["back", ""], "the identity frame is consumed by the ROUTER");
});

eachTransport(it, "ROUTER routes replies to the right one of 2 DEALERs by id", async (res, kind) => {
  const router = res.sock(new zmq.Router());
  const ep = await bindAny(router, kind, res);
  const a = res.sock(new zmq.Dealer({ routingId: "A" }));
  const b = res.sock(new zmq.Dealer({ routingId: "B" }));
  a.connect(ep);
  b.connect(ep);
  await send(a, "from-a");
  await send(b, "from-b");
  const got = [str(await recv(router)), str(await recv(router))].sort();
  assert.equal(got, [["A", "from-a"], ["B", "from-b"]]);
  // Replies in the opposite order, each to its own peer.
  await send(router, ["B", "to-b"]);
  await send(router, ["A", "to-a"]);
  assert.equal(str(await recv(a)), ["to-a"]);
  assert.equal(str(await recv(b)), ["to-b"]);
});

eachTransport(it, "ROUTER generates an id for a DEALER without routingId, and replies by it", async (res, kind) => {
  const router = res.sock(new zmq.Router());
  const ep = await bindAny(router, kind, res);
  const dealer = res.sock(new zmq.Dealer());
  dealer.connect(ep);
  await send(dealer, "anon");
  const [id, body] = await recv(router);
  assert.is(body.toString(), "anon");
  assert.is(id.length, 5, "libzmq-style generated id: 5 bytes");
  assert.is(id[0], 0, "generated ids start with a zero byte");
  assert.instance(id, Buffer);
  await send(router, [id, "reply"]);
  assert.equal(str(await recv(dealer)), ["reply"]);
});

eachTransport(it, "ROUTER mandatory: sending to an unknown id fails with EHOSTUNREACH; without it the message is dropped", async (res, kind) => {
  const router = res.sock(new zmq.Router());
  const ep = await bindAny(router, kind, res);
  await send(router, ["nobody", "dropped"]); // not mandatory: silently dropped
  router.mandatory = true;
  assert.is(router.mandatory, true);
  const err = await expectCode(() => router.send(["nobody", "x"]), "EHOSTUNREACH", "mandatory send to an unknown peer");
  assert.instance(err, Error);
  // A known peer still works.
  const dealer = res.sock(new zmq.Dealer({ routingId: "known" }));
  dealer.connect(ep);
  await send(dealer, "hi");
  assert.equal(str(await recv(router)), ["known", "hi"]);
  await send(router, ["known", "ok"]);
  assert.equal(str(await recv(dealer)), ["ok"]);
  await expectCode(() => router.send(["still-nobody", "x"]), "EHOSTUNREACH", "mandatory send to another unknown peer");
});

eachTransport(it, "ROUTER handover: a new peer with a known routingId takes over the id", async (res, kind) => {
  const router = res.sock(new zmq.Router());
  router.handover = true;
  const ep = await bindAny(router, kind, res);
  const old = res.sock(new zmq.Dealer({ routingId: "X", reconnectInterval: 60_000 }));
  const oldLog = watch(old);
  old.connect(ep);
  await send(old, "from-old");
  assert.equal(str(await recv(router)), ["X", "from-old"]);

  const fresh = res.sock(new zmq.Dealer({ routingId: "X" }));
  fresh.connect(ep);
  await send(fresh, "from-new");
  assert.equal(str(await recv(router)), ["X", "from-new"]);
  await oldLog.next("disconnect"); // the old connection is closed by the ROUTER
  await send(router, ["X", "to-x"]);
  assert.equal(str(await recv(fresh)), ["to-x"], "messages for X go to the newcomer");
});

eachTransport(it, "ROUTER without handover refuses a second peer with the same routingId", async (res, kind) => {
  const router = res.sock(new zmq.Router());
  const rlog = watch(router);
  const ep = await bindAny(router, kind, res);
  const first = res.sock(new zmq.Dealer({ routingId: "X" }));
  first.connect(ep);
  await send(first, "from-first");
  assert.equal(str(await recv(router)), ["X", "from-first"]);

  const dup = res.sock(new zmq.Dealer({ routingId: "X", reconnectInterval: 60_000 }));
  const dupLog = watch(dup);
  dup.connect(ep);
  await send(dup, "from-dup");
  await dupLog.next("disconnect"); // the ROUTER closed the duplicate
  await send(first, "from-first-again");
  assert.equal(str(await recv(router)), ["X", "from-first-again"], "the duplicate's message was not delivered");
  await send(router, ["X", "to-x"]);
  assert.equal(str(await recv(first)), ["to-x"], "X still routes to the first peer");
  assert.ok(rlog.count("handshake") >= 1);
});

eachTransport(it, "DEALER/DEALER: multipart messages both ways", async (res, kind) => {
  const a = res.sock(new zmq.Dealer());
  const ep = await bindAny(a, kind, res);
  const b = res.sock(new zmq.Dealer());
  b.connect(ep);
  await send(b, ["b1", "", "b3"]);
  assert.equal(str(await recv(a)), ["b1", "", "b3"]);
  await send(a, ["a1", "a2"]);
  assert.equal(str(await recv(b)), ["a1", "a2"]);
});

eachTransport(it, "ROUTER/ROUTER: peers address each other by routingId", async (res, kind) => {
  const server = res.sock(new zmq.Router({ routingId: "server" }));
  const ep = await bindAny(server, kind, res);
  const client = res.sock(new zmq.Router({ routingId: "client", mandatory: true }));
  const clog = watch(client);
  client.connect(ep);
  await clog.next("handshake"); // a ROUTER routes only to handshaken peers
  await send(client, ["server", "hello", ""]);
  assert.equal(str(await recv(server)), ["client", "hello", ""]);
  await send(server, ["client", "back"]);
  assert.equal(str(await recv(client)), ["server", "back"]);
});

test.run();
