// wasmq against libzmq through npm `zeromq` (zeromq.js v6) in the same Node
// process: a representative subset of the pyzmq suites — PUSH/PULL ordering
// both ways, REQ/REP both ways, DEALER/ROUTER routing ids both ways, PUB/SUB
// topic filtering both ways (with a slow-joiner barrier), XPUB subscription
// messages, PAIR over ipc:// with multipart/empty frames and 4 MiB messages,
// and heartbeats (a zeromq.js socket with heartbeatInterval gets PONGs).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as native from "zeromq";
import { zmq } from "./helpers/impl.mjs";
import { interop, recv, tick, withTimeout, pattern, ipcEndpoint, str, Inbox } from "./helpers/util.mjs";
import { startProxy, portOf } from "./helpers/proxy.mjs";

const test = suite("zeromq.js (libzmq in-process)");
const it = interop(test);

const ANY = "tcp://127.0.0.1:0";
const N = 100;
const seq = Array.from({ length: N }, (_, i) => `m${i}`);
const wasm = (res, cls, opts = {}) => res.sock(new zmq[cls]({ linger: 0, ...opts }));
const lib = (res, cls, opts = {}) => res.sock(new native[cls]({ linger: 0, ...opts }));

it(`wasmq PUSH connects to zeromq.js PULL and delivers ${N} messages in order`, async (res) => {
  const pull = lib(res, "Pull");
  await pull.bind(ANY);
  const push = wasm(res, "Push");
  push.connect(pull.lastEndpoint);
  for (const m of seq) await push.send(m);
  for (const m of seq) assert.equal(str(await recv(pull)), [m]);
});

it(`zeromq.js PUSH connects to wasmq PULL and delivers ${N} messages in order`, async (res) => {
  const pull = wasm(res, "Pull");
  await pull.bind(ANY);
  const push = lib(res, "Push");
  push.connect(pull.lastEndpoint);
  for (const m of seq) await push.send([m, ""]);
  for (const m of seq) assert.equal(str(await recv(pull)), [m, ""]);
});

it("wasmq REQ connects to zeromq.js REP: 5 round trips", async (res) => {
  const rep = lib(res, "Reply");
  await rep.bind(ANY);
  const req = wasm(res, "Request");
  req.connect(rep.lastEndpoint);
  for (let i = 0; i < 5; i++) {
    await req.send(`q${i}`);
    assert.equal(str(await recv(rep)), [`q${i}`]);
    await rep.send(`a${i}`);
    assert.equal(str(await recv(req)), [`a${i}`]);
  }
});

it("zeromq.js REQ connects to wasmq REP: 5 round trips", async (res) => {
  const rep = wasm(res, "Reply");
  await rep.bind(ANY);
  const req = lib(res, "Request");
  req.connect(rep.lastEndpoint);
  for (let i = 0; i < 5; i++) {
    await req.send(`q${i}`);
    assert.equal(str(await recv(rep)), [`q${i}`]);
    await rep.send(`a${i}`);
    assert.equal(str(await recv(req)), [`a${i}`]);
  }
});

it("zeromq.js ROUTER sees a wasmq DEALER's routingId and replies to it", async (res) => {
  const router = lib(res, "Router");
  await router.bind(ANY);
  const dealer = wasm(res, "Dealer", { routingId: "wasm-d" });
  dealer.connect(router.lastEndpoint);
  await dealer.send(["", "hello"]);
  const m = await recv(router);
  assert.equal(str(m), ["wasm-d", "", "hello"]);
  await router.send(["wasm-d", "", "world"]);
  assert.equal(str(await recv(dealer)), ["", "world"]);
});

it("wasmq ROUTER sees a zeromq.js DEALER's routingId and replies to it", async (res) => {
  const router = wasm(res, "Router");
  await router.bind(ANY);
  const dealer = lib(res, "Dealer", { routingId: "lib-d" });
  dealer.connect(router.lastEndpoint);
  await dealer.send(["a", "", "b"]);
  assert.equal(str(await recv(router)), ["lib-d", "a", "", "b"]);
  await router.send(["lib-d", "reply"]);
  assert.equal(str(await recv(dealer)), ["reply"]);
});

it("wasmq PUB filters for a zeromq.js XSUB subscribed to one topic", async (res) => {
  const pub = wasm(res, "Publisher");
  await pub.bind(ANY);
  const xsub = lib(res, "XSubscriber");
  xsub.connect(pub.lastEndpoint);
  const inbox = new Inbox(xsub);
  await xsub.send(Buffer.from("\x01A"));
  // slow-joiner barrier: publish until the first one arrives
  const first = inbox.next(10_000, "first publication");
  let arrived = false;
  first.finally(() => (arrived = true)).catch(() => {});
  while (!arrived) {
    await pub.send("A:sync");
    await pub.send("B:sync");
    await tick(5);
  }
  assert.equal(str(await first), ["A:sync"]);
  for (const m of ["B:1", "A:1", "B:2", "A:end"]) await pub.send(m);
  const got = [];
  for (;;) {
    const [t] = str(await inbox.next());
    if (t !== "A:sync") got.push(t);
    if (t === "A:end") break;
  }
  assert.equal(got, ["A:1", "A:end"]);
});

it("wasmq SUB receives only its topic from a zeromq.js PUB", async (res) => {
  const pub = lib(res, "Publisher");
  await pub.bind(ANY);
  const sub = wasm(res, "Subscriber");
  sub.subscribe("A");
  sub.connect(pub.lastEndpoint);
  const first = recv(sub, 10_000, "first publication");
  let arrived = false;
  first.finally(() => (arrived = true)).catch(() => {});
  while (!arrived) {
    await pub.send("B:sync");
    await pub.send("A:sync");
    await tick(5);
  }
  assert.equal(str(await first), ["A:sync"]);
  for (const m of ["B:1", "A:1", "B:2", "A:end"]) await pub.send(m);
  const got = [];
  for (;;) {
    const [t] = str(await recv(sub));
    if (t !== "A:sync") got.push(t);
    if (t === "A:end") break;
  }
  assert.equal(got, ["A:1", "A:end"]);
});

it("wasmq XPUB receives \\x01topic from a zeromq.js SUB and publishes to it", async (res) => {
  const xpub = wasm(res, "XPublisher");
  await xpub.bind(ANY);
  const sub = lib(res, "Subscriber");
  sub.subscribe("news");
  sub.connect(xpub.lastEndpoint);
  const inbox = new Inbox(sub);
  assert.equal(await recv(xpub), [Buffer.from("\x01news")]);
  await xpub.send(["sports", "x"]);
  await xpub.send(["news", "y"]);
  assert.equal(str(await inbox.next()), ["news", "y"]);
});

it("wasmq PAIR and zeromq.js PAIR exchange multipart, empty and 4 MiB messages over ipc://", async (res) => {
  const ep = ipcEndpoint(res, "js-pair");
  const a = wasm(res, "Pair");
  await a.bind(ep);
  const b = lib(res, "Pair");
  b.connect(ep);
  await a.send(["x", "", Buffer.alloc(0)]);
  assert.equal(str(await recv(b)), ["x", "", ""]);
  await b.send(Buffer.alloc(0));
  const zero = await recv(a);
  assert.is(zero.length, 1);
  assert.is(zero[0].length, 0);
  const big1 = pattern(4 * 1024 * 1024, 1);
  const big2 = pattern(4 * 1024 * 1024, 2);
  await a.send(big1);
  const [got1] = await recv(b, 15_000);
  assert.ok(Buffer.from(got1).equals(big1), "wasmq -> zeromq.js 4 MiB");
  await b.send(["big", big2]);
  const [tag, got2] = await recv(a, 15_000);
  assert.is(tag.toString(), "big");
  assert.ok(Buffer.from(got2).equals(big2), "zeromq.js -> wasmq 4 MiB");
});

it("zeromq.js DEALER with heartbeatInterval gets PONGs from a wasmq ROUTER and keeps delivering", async (res) => {
  const router = wasm(res, "Router");
  await router.bind(ANY);
  const proxy = await startProxy(res, portOf(router.lastEndpoint));
  const dealer = lib(res, "Dealer", { routingId: "js-hb", heartbeatInterval: 100, heartbeatTimeout: 300 });
  dealer.connect(proxy.endpoint);
  await dealer.send("before");
  assert.equal(str(await recv(router)), ["js-hb", "before"]);
  const conn = proxy.conns[0];
  await withTimeout(
    proxy.until(() => (conn.pings("c2s").length >= 4 && conn.pongs("s2c") >= 4 ? true : undefined)),
    5000,
    "4 PING/PONG exchanges",
  );
  assert.is(conn.closedBy, null);
  assert.is(proxy.conns.length, 1);
  await dealer.send("after");
  assert.equal(str(await recv(router)), ["js-hb", "after"]);
  await router.send(["js-hb", "ok"]);
  assert.equal(str(await recv(dealer)), ["ok"]);
});

test.run();
