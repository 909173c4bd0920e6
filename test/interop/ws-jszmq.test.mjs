// ZWS 2.0 between wasmq/zmq and npm jszmq 0.1.2 (an independent ZWS
// implementation: it offers "ZWS2.0", sends its routing id as the first
// message each way, frames as [flags][body], subscriptions as 00 01 T /
// 00 00 T messages), both in this Node process.
//
// jszmq is compiled from its TypeScript sources at setup time
// (helpers/jszmq.mjs); if that is impossible every test here FAILS with the
// reason (nothing is skipped).
//
// - jszmq Dealer -> wasmq Router: the router sees the dealer's routing id
//   (and generates one for a dealer without one); replies routed back.
// - wasmq Dealer -> jszmq Router: jszmq sees the dealer's id; reply back.
// - jszmq Pub -> wasmq Sub: only subscribed topics arrive (jszmq filters by
//   the subscriptions wasmq sent); unsubscribe() stops a topic.
// - wasmq Pub -> jszmq Sub: jszmq's message-form subscription is honoured.
// - wasmq Req -> jszmq Rep, jszmq Req -> wasmq Rep: round trips.
// - jszmq Push -> wasmq Pull: multipart messages in order.
// - 1 MiB+ frames both ways (jszmq Dealer <-> wasmq Router).
//
// Teardown order matters: jszmq dialers have no 'error' listener on their
// ws client, so they are closed before the wasmq listener they dial (a
// redial to a closed port would throw inside jszmq).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { interop, withTimeout, tick, str, recv } from "./helpers/util.mjs";
import { loadJszmq } from "./helpers/jszmq.mjs";

let zmq;
for (let i = 0; ; i++) {
  try {
    zmq = await import("wasmq/zmq");
    break;
  } catch (e) {
    if (i >= 5) throw e; // dist/ may be being rebuilt by someone else
    await tick(500);
  }
}

const test = suite("ZWS 2.0 interop (jszmq)");
const it = interop(test, { timeout: 8_000 });

let built = null;
let buildError = null;
test.before(async () => {
  try {
    built = await loadJszmq();
  } catch (e) {
    buildError = e;
  }
});

/** jszmq, or a failure that says why it could not be built. */
function J() {
  if (!built) throw new Error(`jszmq could not be compiled/loaded, so this interop test cannot run: ${buildError?.message ?? "unknown reason"}`);
  return built.jszmq;
}

const ws = (path) => `ws://127.0.0.1:0${path}`;

/** A wasmq socket, closed (linger 0) in teardown. */
const wsock = (res, s) => res.sock(s);

/** A jszmq socket, closed in teardown (its accepted connections terminated too). */
function jsock(res, s) {
  res.defer(() => {
    s.close();
    for (const l of s.binds ?? []) for (const c of l.server?.clients ?? []) c.terminate();
  });
  return s;
}

/** Bind a jszmq socket on ws://127.0.0.1:0<path>; resolves the URL with the real port. */
async function jbind(s, path) {
  s.bind(ws(path));
  const l = s.binds[s.binds.length - 1];
  const srv = l.server;
  if (!srv.address()) await withTimeout(new Promise((r, e) => { srv.once("listening", r); srv.once("error", e); }), 3000, "jszmq listening");
  return `ws://127.0.0.1:${srv.address().port}${path}`;
}

/** Messages a jszmq socket emits, awaitable one at a time (frames as Buffers). */
function jinbox(s) {
  const q = [];
  const waiters = [];
  s.on("message", (...frames) => {
    const m = frames.map((f) => Buffer.from(f));
    const w = waiters.shift();
    if (w) w(m);
    else q.push(m);
  });
  const next = (ms = 4000, what = "a message at jszmq") =>
    withTimeout(q.length ? Promise.resolve(q.shift()) : new Promise((r) => waiters.push(r)), ms, what);
  next.queued = () => q.length;
  return next;
}

/** Wait for a wasmq socket's next handshake event. */
function handshake(sock, ms = 4000) {
  let fn;
  return withTimeout(new Promise((r) => sock.events.on("handshake", (fn = r))), ms, "wasmq handshake").finally(() => sock.events.off("handshake", fn));
}

function pattern(n, seed) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + seed) & 0xff;
  return b;
}

it("jszmq compiles from its TypeScript sources and loads", () => {
  const j = J();
  for (const k of ["Dealer", "Router", "Pub", "Sub", "Req", "Rep", "Push", "Pull"]) assert.type(j[k], "function", k);
});

it("jszmq Dealer -> wasmq Router over ws: the router sees the dealer's routing id and routes the reply", async (res) => {
  const j = J();
  const router = wsock(res, new zmq.Router());
  await router.bind(ws("/router"));
  const hs = handshake(router);
  const dealer = jsock(res, new j.Dealer());
  dealer.options.routingId = "js-dealer";
  const next = jinbox(dealer);
  dealer.connect(router.lastEndpoint);
  await hs;
  dealer.send(["hello", "world"]);
  const m = await recv(router, 4000, "the dealer's message at the wasmq router");
  assert.equal(str(m), ["js-dealer", "hello", "world"]);
  await router.send([m[0], "reply", "2nd"]);
  assert.equal(str(await next()), ["reply", "2nd"]);
});

it("jszmq Dealer without a routing id -> wasmq Router: a generated id, usable for the reply", async (res) => {
  const j = J();
  const router = wsock(res, new zmq.Router());
  await router.bind(ws("/router-anon"));
  const dealer = jsock(res, new j.Dealer());
  const next = jinbox(dealer);
  dealer.connect(router.lastEndpoint);
  dealer.send("anonymous");
  const [id, body] = await recv(router, 4000, "the anonymous dealer's message");
  assert.is(body.toString(), "anonymous");
  assert.ok(id.length > 0, "a non-empty generated id");
  await router.send([id, "back to you"]);
  assert.equal(str(await next()), ["back to you"]);
});

it("wasmq Dealer -> jszmq Router over ws: jszmq sees the dealer's routing id; the reply comes back", async (res) => {
  const j = J();
  const router = jsock(res, new j.Router());
  const next = jinbox(router);
  const url = await jbind(router, "/jrouter");
  const dealer = wsock(res, new zmq.Dealer({ routingId: "wasmq-dealer" }));
  dealer.connect(url);
  await dealer.send(["a", "b"]);
  const [key, ...rest] = await next(4000, "the wasmq dealer's message at the jszmq router");
  // jszmq 0.1.2 keys a named peer as 0x00 + its routing id (its own convention).
  const id = Buffer.from("wasmq-dealer");
  assert.ok(key.equals(id) || key.equals(Buffer.concat([Buffer.from([0]), id])), `routing key ${key.toString("hex")} names "wasmq-dealer"`);
  assert.equal(str(rest), ["a", "b"]);
  router.send([key, "back", "again"]);
  assert.equal(str(await recv(dealer, 4000, "the jszmq router's reply")), ["back", "again"]);
});

it("jszmq Pub -> wasmq Sub over ws: only subscribed topics; unsubscribe() stops a topic", async (res) => {
  const j = J();
  const pub = jsock(res, new j.Pub());
  const url = await jbind(pub, "/jpub");
  const sub = wsock(res, new zmq.Subscriber());
  sub.subscribe("A");
  sub.connect(url);
  // Publish until the subscription reached jszmq (one pending receive throughout).
  const first = sub.receive();
  let got = null;
  for (let k = 0; !got; k++) {
    pub.send(["B", `no ${k}`]);
    pub.send(["A", `yes ${k}`]);
    got = await Promise.race([first, tick(20).then(() => null)]);
    assert.ok(k < 150, "jszmq never honoured the subscription");
  }
  assert.is(got[0].toString(), "A", `first delivery ${str(got)}`);
  pub.send(["B", "no"]);
  pub.send(["AB", "prefix"]);
  pub.send(["A", "fence"]);
  for (;;) {
    const m = str(await recv(sub, 4000, "messages up to the fence"));
    assert.ok(m[0] === "A" || m[0] === "AB", `delivered ${JSON.stringify(m)} (subscribed to "A" only)`);
    if (m[1] === "fence") break;
  }
  // Cancel "A" and subscribe "C": once "C" arrives jszmq has handled the cancel.
  sub.unsubscribe("A");
  sub.subscribe("C");
  const c1 = sub.receive();
  got = null;
  for (let k = 0; !got; k++) {
    pub.send(["C", `probe ${k}`]);
    got = await Promise.race([c1, tick(20).then(() => null)]);
    assert.ok(k < 150, "jszmq never honoured subscribe(\"C\")");
  }
  assert.is(got[0].toString(), "C", `after unsubscribe("A"): ${str(got)}`);
  pub.send(["A", "cancelled"]);
  pub.send(["C", "fence"]);
  for (;;) {
    const m = str(await recv(sub, 4000, "the C fence"));
    assert.is(m[0], "C", `delivered ${JSON.stringify(m)} after unsubscribe("A")`);
    if (m[1] === "fence") break;
  }
});

it("wasmq Pub -> jszmq Sub over ws: jszmq's subscription (00 01 T) is honoured", async (res) => {
  const j = J();
  const pub = wsock(res, new zmq.Publisher());
  await pub.bind(ws("/pub"));
  const sub = jsock(res, new j.Sub());
  const next = jinbox(sub);
  sub.subscribe("T");
  const hs = handshake(pub);
  sub.connect(pub.lastEndpoint);
  await hs;
  const first = next(5000, "the first matching message at jszmq");
  let got = null;
  for (let k = 0; !got; k++) {
    await pub.send(["U", "no"]);
    await pub.send(["T", `yes ${k}`]);
    got = await Promise.race([first, tick(20).then(() => null)]);
    assert.ok(k < 150, "the wasmq PUB never honoured jszmq's subscription");
  }
  assert.is(got[0].toString(), "T");
  await pub.send(["U", "no"]);
  await pub.send(["T", "fence"]);
  for (;;) {
    const m = str(await next());
    assert.is(m[0], "T", `jszmq got ${JSON.stringify(m)}`);
    if (m[1] === "fence") break;
  }
});

it("wasmq Req -> jszmq Rep over ws: 3 round trips", async (res) => {
  const j = J();
  const rep = jsock(res, new j.Rep());
  rep.on("message", (...frames) => rep.send([`pong: ${frames.map(String).join("|")}`]));
  const url = await jbind(rep, "/jrep");
  const req = wsock(res, new zmq.Request());
  req.connect(url);
  for (let i = 0; i < 3; i++) {
    await req.send([`ping ${i}`, "x"]);
    assert.equal(str(await recv(req, 4000, `reply ${i} from jszmq`)), [`pong: ping ${i}|x`]);
  }
});

it("jszmq Req -> wasmq Rep over ws: 3 round trips", async (res) => {
  const j = J();
  const rep = wsock(res, new zmq.Reply());
  await rep.bind(ws("/rep"));
  const req = jsock(res, new j.Req());
  const next = jinbox(req);
  req.connect(rep.lastEndpoint);
  for (let i = 0; i < 3; i++) {
    req.send(`ping ${i}`);
    assert.equal(str(await recv(rep, 4000, `request ${i} from jszmq`)), [`ping ${i}`]);
    await rep.send([`pong ${i}`]);
    assert.equal(str(await next()), [`pong ${i}`]);
  }
});

it("jszmq Push -> wasmq Pull over ws: 20 multipart messages, in order", async (res) => {
  const j = J();
  const pull = wsock(res, new zmq.Pull());
  await pull.bind(ws("/pull"));
  const push = jsock(res, new j.Push());
  push.connect(pull.lastEndpoint);
  for (let i = 0; i < 20; i++) push.send(i % 2 ? [`m${i}`, "", "tail"] : [`m${i}`]);
  for (let i = 0; i < 20; i++) {
    assert.equal(str(await recv(pull, 4000, `message ${i} from jszmq`)), i % 2 ? [`m${i}`, "", "tail"] : [`m${i}`]);
  }
});

it("1 MiB+ frames both ways: jszmq Dealer <-> wasmq Router", async (res) => {
  const j = J();
  const router = wsock(res, new zmq.Router());
  await router.bind(ws("/big"));
  const dealer = jsock(res, new j.Dealer());
  dealer.options.routingId = "big";
  const next = jinbox(dealer);
  dealer.connect(router.lastEndpoint);
  const up = pattern((1 << 20) + 3, 1);
  dealer.send(["up", up]);
  const m = await recv(router, 6000, "the 1 MiB frame at wasmq");
  assert.equal(str(m.slice(0, 2)), ["big", "up"]);
  assert.ok(Buffer.from(m[2]).equals(up), "1 MiB + 3 intact, jszmq -> wasmq");
  const down = pattern(2 << 20, 2);
  await router.send(["big", down, "end"]);
  const d = await next(6000, "the 2 MiB frame at jszmq");
  assert.ok(d[0].equals(down), "2 MiB intact, wasmq -> jszmq");
  assert.is(d[1].toString(), "end");
});

test.run();
