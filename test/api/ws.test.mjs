// ws:// for both families (src/transports/ws.ts): ZMTP over ZWS 2.0 (RFC 45)
// and SP over WebSocket (sp-websocket-mapping-01), through the public API.
//
// - bind ws://127.0.0.1:0/path: lastEndpoint carries the real port and path.
// - ZMTP: REQ/REP, PUSH/PULL, PUB/SUB (subscriptions over ZWS go as messages
//   `00 01 T` / `00 00 T`, checked on the wire against a raw `ws` peer both
//   ways), DEALER/ROUTER with routingId (plain ZWS2.0 has no READY: the
//   routing ids are exchanged as first messages), "ZWS2.0/NULL" offered the
//   libzmq way, multipart, 0-byte and 1 MiB+ messages (large frames go by
//   reference).
// - SP: REQ/REP (also raw: one WS message = backtrace + body, no 8-byte SP
//   header), PUB/SUB, SURVEYOR/RESPONDENT, BUS, PAIR0, PAIR1, PUSH/PULL with
//   0-byte and 2 MiB bodies.
// - One port, several paths: an application http.Server given to
//   attachWebSocketServer still answers its own requests.
// - Reconnect after the listener restarts on the same URL.
// - Refusals: a dialer offering a subprotocol the listener does not accept
//   (SP wrong protocol, ZMTP to SP, SP to ZMTP) gets HTTP 400, retries, and
//   never delivers.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as http from "node:http";
import { WebSocketServer, WebSocket } from "ws";
import { api, recv, send, str, watch, syncSubscribers, tick, withTimeout } from "./helpers/util.mjs";
import { logOf, link, nothingWithin } from "./helpers/sp.mjs";
import { zmq, sp, attach, publicAttach, wsBind, portOf, httpGet, pattern, WS_ENDPOINT } from "./helpers/ws.mjs";
import { rawUpgrade, upgradeRequest, listenLocal } from "../helpers/ws-raw.mjs";

const test = suite("api: ws:// transport (ZWS 2.0 and SP over WebSocket)");
const it = api(test, { timeout: 8_000 });

/**
 * A raw `ws` client, resolved once open, with its inbox already collecting
 * (a listener may send in the same TCP chunk as its 101 answer).
 */
function wsClient(url, protocols) {
  const c = new WebSocket(url, protocols, { perMessageDeflate: false });
  c.binaryType = "nodebuffer";
  const next = inbox(c);
  return withTimeout(
    new Promise((resolve, reject) => {
      c.once("open", () => resolve({ c, next }));
      c.once("error", reject);
    }),
    3000,
    `raw ws client to ${url}`,
  );
}

/** Messages a raw `ws` peer receives, awaitable one at a time. */
function inbox(ws) {
  const q = [];
  const waiters = [];
  ws.on("message", (data) => {
    const b = Buffer.from(data);
    const w = waiters.shift();
    if (w) w(b);
    else q.push(b);
  });
  return (ms = 3000, what = "a message at the raw ws peer") =>
    withTimeout(q.length ? Promise.resolve(q.shift()) : new Promise((r) => waiters.push(r)), ms, what);
}

// ---------------------------------------------------------------- endpoints

it("bind ws://127.0.0.1:0/path: lastEndpoint and the bind event carry the real port and the path", async (res) => {
  for (const [Class, path] of [[zmq.Reply, "/path"], [sp.Rep, "/deeper/sp-path"]]) {
    const s = res.sock(new Class());
    const bound = new Promise((r) => s.events.on("bind", r));
    const ep = await wsBind(s, path);
    const m = WS_ENDPOINT.exec(ep);
    assert.ok(m, `lastEndpoint ${ep}`);
    assert.is(m[2], path);
    assert.is((await bound).address, ep, "bind event address = lastEndpoint");
    // Something really listens there.
    const r = await httpGet(portOf(ep), "/");
    assert.ok(r.status >= 400, `a plain GET to a socket-owned port is refused (got ${r.status})`);
  }
});

it("unbind(lastEndpoint) frees the port: a dialer is refused afterwards", async (res) => {
  const pull = res.sock(new zmq.Pull());
  const ep = await wsBind(pull, "/u");
  await pull.unbind(ep);
  const push = res.sock(new zmq.Push({ reconnectInterval: 50 }));
  const log = watch(push);
  push.connect(ep);
  const e = await log.next("connect:retry");
  assert.ok(e.error, "connect:retry has an error");
  assert.is(log.count("connect"), 0);
});

// ---------------------------------------------------------------- ZMTP over ZWS 2.0

it("ZMTP REQ/REP over ws: 3 round trips (REQ dials); and REP dialing a bound REQ", async (res) => {
  const rep = res.sock(new zmq.Reply());
  const ep = await wsBind(rep, "/reqrep");
  const req = res.sock(new zmq.Request());
  req.connect(ep);
  for (let i = 0; i < 3; i++) {
    await send(req, `request ${i}`);
    assert.equal(str(await recv(rep)), [`request ${i}`]);
    await send(rep, [`reply ${i}`, "part 2"]);
    assert.equal(str(await recv(req)), [`reply ${i}`, "part 2"]);
  }
  // The other way round: REQ binds, REP dials.
  const req2 = res.sock(new zmq.Request());
  const ep2 = await wsBind(req2, "/reqrep2");
  const rep2 = res.sock(new zmq.Reply());
  rep2.connect(ep2);
  await send(req2, "hello");
  assert.equal(str(await recv(rep2)), ["hello"]);
  await send(rep2, "world");
  assert.equal(str(await recv(req2)), ["world"]);
});

it("ZMTP PUSH/PULL over ws: 200 messages in order", async (res) => {
  const pull = res.sock(new zmq.Pull());
  const ep = await wsBind(pull, "/pipeline");
  const push = res.sock(new zmq.Push());
  push.connect(ep);
  for (let i = 0; i < 200; i++) await send(push, `m${i}`);
  for (let i = 0; i < 200; i++) assert.equal(str(await recv(pull)), [`m${i}`]);
});

it("ZMTP PUB/SUB over ws: filtering by subscription; unsubscribe takes effect", async (res) => {
  const pub = res.sock(new zmq.Publisher());
  const ep = await wsBind(pub, "/pubsub");
  const sub = res.sock(new zmq.Subscriber());
  sub.subscribe("sync", "A");
  sub.connect(ep);
  await syncSubscribers(pub, [sub], "sync");
  await send(pub, ["B", "not for you"]);
  await send(pub, ["A", "yes"]);
  await send(pub, ["AB", "prefix match"]);
  assert.equal(str(await recv(sub)), ["A", "yes"]);
  assert.equal(str(await recv(sub)), ["AB", "prefix match"]);
  // Cancel "A", then subscribe "C" on the same link: once a "C" message
  // arrives, the publisher has processed the cancel (sent before it).
  sub.unsubscribe("A");
  sub.subscribe("C");
  const pending = sub.receive(); // one receive for the whole loop
  for (let k = 0; ; k++) {
    await send(pub, ["C", `probe ${k}`]);
    const got = await Promise.race([pending, tick(20).then(() => null)]);
    if (got) {
      assert.is(got[0].toString(), "C", `after unsubscribe("A"), got ${str(got)}`);
      break;
    }
    assert.ok(k < 200, "subscribe(\"C\") never took effect");
  }
  await send(pub, ["A", "after cancel"]);
  await send(pub, ["C", "fence"]);
  for (;;) {
    const m = str(await recv(sub));
    assert.is.not(m[0], "A", `"A" delivered after unsubscribe: ${m}`);
    if (m[1] === "fence") break;
  }
});

it("ZWS wire: a wasmq SUB sends its routing id, then subscriptions as messages 00 01 T (cancel 00 00 T), never as commands", async (res) => {
  const server = http.createServer();
  const port = await listenLocal(server);
  const wss = new WebSocketServer({ server, path: "/raw", handleProtocols: (ps) => (ps.has("ZWS2.0") ? "ZWS2.0" : false) });
  res.defer(() => new Promise((r) => { wss.close(); server.closeAllConnections?.(); server.close(() => r()); }));
  // The inbox starts collecting in the connection handler itself.
  const conn = new Promise((r) => wss.once("connection", (ws) => r({ peer: ws, next: inbox(ws) })));
  const sub = res.sock(new zmq.Subscriber());
  sub.subscribe("A");
  sub.connect(`ws://127.0.0.1:${port}/raw`);
  const { peer, next } = await withTimeout(conn, 3000, "the SUB's connection");
  assert.is(peer.protocol, "ZWS2.0", "the SUB offered ZWS2.0");
  peer.send(Buffer.from([0x00])); // our routing id: empty, last frame
  const first = await next();
  assert.equal([...first], [0x00], `first message: the SUB's routing id (flags 00, empty id); got ${first.toString("hex")}`);
  const subMsg = await next();
  assert.is(subMsg.toString("hex"), "000141", `subscription "A" as message form 00 01 41; got ${subMsg.toString("hex")}`);
  sub.unsubscribe("A");
  const cancel = await next();
  assert.is(cancel.toString("hex"), "000041", `cancel "A" as message form 00 00 41; got ${cancel.toString("hex")}`);
  // And the SUB delivers what the raw publisher sends: ZWS frames [flags][body].
  sub.subscribe("T");
  assert.is((await next()).toString("hex"), "000154");
  peer.send(Buffer.from("\x01T", "latin1"));
  peer.send(Buffer.from("\x00payload", "latin1"));
  assert.equal(str(await recv(sub)), ["T", "payload"]);
});

it("ZWS wire: a raw ZWS2.0 client subscribing with 00 01 T gets only matching messages from a wasmq PUB", async (res) => {
  const pub = res.sock(new zmq.Publisher());
  const ep = await wsBind(pub, "/rawsub");
  const { c, next } = await wsClient(ep, ["ZWS2.0"]);
  res.defer(() => c.terminate());
  assert.is(c.protocol, "ZWS2.0");
  c.send(Buffer.from([0x00])); // routing id
  assert.equal([...(await next())], [0x00], "the PUB's routing id comes first (flags 00, empty)");
  c.send(Buffer.from("\x00\x01T", "latin1")); // subscribe "T"
  // Publish until the subscription has arrived.
  let got;
  const pending = next(5000, "the first matching message"); // one receive for the whole loop
  for (let k = 0; !got; k++) {
    await send(pub, ["U", "no"]);
    await send(pub, ["T", `yes ${k}`]);
    got = await Promise.race([pending, tick(20).then(() => null)]);
    assert.ok(k < 200, "subscription never took effect");
  }
  assert.is(got.toString("latin1"), "\x01T", "topic frame with MORE");
  const body = await next();
  assert.ok(/^\x00yes \d+$/.test(body.toString("latin1")), `body frame: ${JSON.stringify(body.toString("latin1"))}`);
  await send(pub, ["U", "no"]);
  await send(pub, ["T", "fence"]);
  assert.is((await next()).toString("latin1"), "\x01T");
  assert.is((await next()).toString("latin1"), "\x00fence", "nothing for U in between");
});

it("ZWS2.0/NULL offered the libzmq way (\"ZWS2.0/NULL, ZWS2.0\"): chosen, READY exchanged, message delivered", async (res) => {
  const pull = res.sock(new zmq.Pull());
  const ep = await wsBind(pull, "/null");
  const port = portOf(ep);
  const r = await rawUpgrade(port, upgradeRequest({ port, path: "/null", protocols: "ZWS2.0/NULL, ZWS2.0" }));
  assert.is(r.status, 101, `upgrade answered ${r.status} ${r.reason}`);
  res.defer(() => r.conn.destroy());
  assert.is(r.headers["sec-websocket-protocol"], "ZWS2.0/NULL", "the first offered protocol the listener knows");
  const ready = await r.conn.next(2000, "READY from the PULL");
  assert.is(ready.opcode, 2, "binary");
  assert.is(ready.masked, false, "server frames are not masked");
  const p = ready.payload;
  assert.is(p[0], 0x02, "flags 0x02: command (bit 1 in ZWS)");
  assert.is(p.subarray(1, 7).toString("latin1"), "\x05READY");
  assert.ok(p.includes(Buffer.from("\x0bSocket-Type\x00\x00\x00\x04PULL", "latin1")), `READY has Socket-Type PULL: ${p.toString("hex")}`);
  // Our READY (Socket-Type PUSH), then a two-frame message.
  r.conn.send(Buffer.from("\x02\x05READY\x0bSocket-Type\x00\x00\x00\x04PUSH", "latin1"));
  r.conn.send(Buffer.from("\x01part-1", "latin1"));
  r.conn.send(Buffer.from("\x00part-2", "latin1"));
  assert.equal(str(await recv(pull)), ["part-1", "part-2"]);
});

it("ZMTP DEALER/ROUTER over ws: the ROUTER sees each DEALER's routingId and routes replies (router binds; and router dials)", async (res) => {
  const router = res.sock(new zmq.Router());
  const ep = await wsBind(router, "/router");
  const a = res.sock(new zmq.Dealer({ routingId: "dealer-A" }));
  const b = res.sock(new zmq.Dealer({ routingId: "dealer-B" }));
  a.connect(ep);
  b.connect(ep);
  await send(a, ["hello", "", "from a"]);
  await send(b, "from b");
  const got = [str(await recv(router)), str(await recv(router))].sort();
  assert.equal(got, [["dealer-A", "hello", "", "from a"], ["dealer-B", "from b"]]);
  await send(router, ["dealer-B", "to b"]);
  await send(router, ["dealer-A", "to a", "x"]);
  assert.equal(str(await recv(a)), ["to a", "x"]);
  assert.equal(str(await recv(b)), ["to b"]);

  // ROUTER dials a bound DEALER: the listener's routing id crosses too.
  const d = res.sock(new zmq.Dealer({ routingId: "bound-dealer" }));
  const ep2 = await wsBind(d, "/dealer");
  const r2 = res.sock(new zmq.Router({ mandatory: true }));
  r2.connect(ep2);
  await send(d, "hi router");
  assert.equal(str(await recv(r2)), ["bound-dealer", "hi router"]);
  await send(r2, ["bound-dealer", "hi dealer"]);
  assert.equal(str(await recv(d)), ["hi dealer"]);
});

it("ZMTP multipart and 0-byte messages over ws: frames, empty frames and empty messages arrive exactly", async (res) => {
  const pull = res.sock(new zmq.Pull());
  const ep = await wsBind(pull, "/multi");
  const push = res.sock(new zmq.Push());
  push.connect(ep);
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const msgs = [
    ["a", "", "c", all],
    [Buffer.alloc(0)],
    ["", ""],
    [null, "x", null],
    Array.from({ length: 50 }, (_, i) => `f${i}`),
  ];
  for (const m of msgs) await send(push, m);
  for (const m of msgs) {
    const got = await recv(pull);
    const want = m.map((f) => (f === null ? Buffer.alloc(0) : Buffer.from(f)));
    assert.is(got.length, want.length, `frame count of ${JSON.stringify(str(want)).slice(0, 60)}`);
    for (let i = 0; i < want.length; i++) assert.ok(Buffer.from(got[i]).equals(want[i]), `frame ${i}`);
  }
});

it("ZMTP large messages over ws: 1 MiB+1 and 3 MiB (PUSH/PULL), 2 MiB frames both ways (DEALER/ROUTER), 1.5 MiB REQ/REP", async (res) => {
  const pull = res.sock(new zmq.Pull());
  const ep = await wsBind(pull, "/large");
  const push = res.sock(new zmq.Push());
  push.connect(ep);
  const m1 = pattern((1 << 20) + 1, 1);
  const m2 = pattern(3 << 20, 2);
  await send(push, m1);
  await send(push, ["head", m2, "tail"]);
  const g1 = await recv(pull);
  assert.is(g1.length, 1);
  assert.ok(Buffer.from(g1[0]).equals(m1), "1 MiB + 1 intact");
  const g2 = await recv(pull);
  assert.equal(str([g2[0], g2[2]]), ["head", "tail"]);
  assert.ok(Buffer.from(g2[1]).equals(m2), "3 MiB frame intact");

  const router = res.sock(new zmq.Router());
  const ep2 = await wsBind(router, "/large-router");
  const dealer = res.sock(new zmq.Dealer({ routingId: "big" }));
  dealer.connect(ep2);
  const up = pattern(2 << 20, 3);
  await send(dealer, [up, "small"]);
  const gr = await recv(router);
  assert.is(gr[0].toString(), "big");
  assert.ok(Buffer.from(gr[1]).equals(up), "2 MiB frame dealer -> router");
  const down = pattern(2 << 20, 4);
  await send(router, ["big", "x", down]);
  const gd = await recv(dealer);
  assert.is(gd[0].toString(), "x");
  assert.ok(Buffer.from(gd[1]).equals(down), "2 MiB frame router -> dealer");

  const rep = res.sock(new zmq.Reply());
  const ep3 = await wsBind(rep, "/large-rep");
  const req = res.sock(new zmq.Request());
  req.connect(ep3);
  const q = pattern(1536 * 1024, 5);
  await send(req, q);
  assert.ok(Buffer.from((await recv(rep))[0]).equals(q), "1.5 MiB request");
  await send(rep, q);
  assert.ok(Buffer.from((await recv(req))[0]).equals(q), "1.5 MiB reply");
});

// ---------------------------------------------------------------- SP over WebSocket

it("SP REQ/REP over ws: 3 round trips; REP dialing a bound REQ works too", async (res) => {
  const rep = res.sock(new sp.Rep());
  const ep = await wsBind(rep, "/sp-reqrep");
  const req = res.sock(new sp.Req());
  req.connect(ep);
  for (let i = 0; i < 3; i++) {
    await send(req, `request ${i}`);
    assert.equal(str(await recv(rep)), [`request ${i}`]);
    await send(rep, [`reply `, `${i}`]);
    assert.equal(str(await recv(req)), [`reply ${i}`], "an array send is one SP message");
  }
  const req2 = res.sock(new sp.Req());
  const ep2 = await wsBind(req2, "/sp-reqrep2");
  const rep2 = res.sock(new sp.Rep());
  rep2.connect(ep2);
  await send(req2, "hello");
  assert.equal(str(await recv(rep2)), ["hello"]);
  await send(rep2, "world");
  assert.equal(str(await recv(req2)), ["world"]);
});

it("SP wire: one WebSocket message = backtrace + body, subprotocol rep.sp.nanomsg.org, no 8-byte SP header", async (res) => {
  const rep = res.sock(new sp.Rep());
  const ep = await wsBind(rep, "/sp-raw");
  const { c, next } = await wsClient(ep, ["rep.sp.nanomsg.org"]);
  res.defer(() => c.terminate());
  assert.is(c.protocol, "rep.sp.nanomsg.org", "the listener echoes its own name");
  c.send(Buffer.from("\x80\x00\x12\x34ping", "latin1"));
  assert.equal(str(await recv(rep)), ["ping"]);
  await send(rep, "pong");
  const reply = await next();
  assert.is(reply.toString("hex"), Buffer.from("\x80\x00\x12\x34pong", "latin1").toString("hex"), "request id echoed, then the body; nothing else");
});

it("SP PUB/SUB over ws: subscriber-side filtering", async (res) => {
  const pub = res.sock(new sp.Pub());
  logOf(pub);
  const ep = await wsBind(pub, "/sp-pubsub");
  const sub = res.sock(new sp.Sub());
  sub.subscribe("a");
  await link(sub, pub, ep);
  for (let i = 0; i < 5; i++) {
    await send(pub, `b-${i}`);
    await send(pub, `a-${i}`);
  }
  for (let i = 0; i < 5; i++) assert.equal(str(await recv(sub)), [`a-${i}`]);
  await nothingWithin(sub, 50);
});

it("SP SURVEYOR/RESPONDENT over ws: one survey, both respondents answer", async (res) => {
  const sv = res.sock(new sp.Surveyor({ surveyTime: 3000 }));
  logOf(sv);
  const ep = await wsBind(sv, "/sp-survey");
  const r1 = res.sock(new sp.Respondent());
  const r2 = res.sock(new sp.Respondent());
  await link(r1, sv, ep);
  await link(r2, sv, ep);
  await send(sv, "who is there?");
  for (const [r, name] of [[r1, "r1"], [r2, "r2"]]) {
    assert.equal(str(await recv(r)), ["who is there?"]);
    await send(r, `${name} here`);
  }
  const answers = [str(await recv(sv))[0], str(await recv(sv))[0]].sort();
  assert.equal(answers, ["r1 here", "r2 here"]);
});

it("SP BUS over ws: a message reaches every directly connected node, never its sender", async (res) => {
  const a = res.sock(new sp.Bus());
  logOf(a);
  const ep = await wsBind(a, "/sp-bus");
  const b = res.sock(new sp.Bus());
  const c = res.sock(new sp.Bus());
  await link(b, a, ep);
  await link(c, a, ep);
  await send(a, "from a");
  assert.equal(str(await recv(b)), ["from a"]);
  assert.equal(str(await recv(c)), ["from a"]);
  await send(b, "from b");
  assert.equal(str(await recv(a)), ["from b"]);
  await nothingWithin(c, 50); // b and c are not connected: not forwarded
  await nothingWithin(b, 0);
});

for (const Pair of ["Pair0", "Pair1"]) {
  it(`SP ${Pair} over ws: both directions`, async (res) => {
    const x = res.sock(new sp[Pair]());
    const ep = await wsBind(x, `/sp-${Pair.toLowerCase()}`);
    const y = res.sock(new sp[Pair]());
    y.connect(ep);
    await send(y, "y to x");
    assert.equal(str(await recv(x)), ["y to x"]);
    await send(x, "x to y");
    assert.equal(str(await recv(y)), ["x to y"]);
  });
}

it("SP PUSH/PULL over ws: 0-byte body, and a 2 MiB body when the PULL's maxMessageSize allows it", async (res) => {
  const pull = res.sock(new sp.Pull({ maxMessageSize: 4 << 20 }));
  const ep = await wsBind(pull, "/sp-pipeline");
  const push = res.sock(new sp.Push());
  push.connect(ep);
  const big = pattern(2 << 20, 9);
  await send(push, Buffer.alloc(0));
  await send(push, big);
  await send(push, "last");
  const g0 = await recv(pull);
  assert.is(g0.length, 1);
  assert.is(g0[0].length, 0, "0-byte body");
  const g1 = await recv(pull);
  assert.ok(Buffer.from(g1[0]).equals(big), "2 MiB body intact");
  assert.equal(str(await recv(pull)), ["last"]);
});

// ---------------------------------------------------------------- shared http.Server

it("attachWebSocketServer is exported from the public entry points (wasmq/zmq, wasmq/sp, wasmq)", () => {
  const missing = Object.entries(publicAttach).filter(([, f]) => typeof f !== "function").map(([k]) => k);
  assert.equal(missing, [], `attachWebSocketServer missing from: ${missing.join(", ")} (only src/transports/index.ts exports it; package "exports" hides that module)`);
});

it("one application http.Server, three binds on different paths: each round-trips; the app still serves its page", async (res) => {
  const server = http.createServer((req, rsp) => {
    if (req.url === "/index.html") {
      rsp.writeHead(200, { "Content-Type": "text/html" });
      rsp.end("<h1>the app's page</h1>");
    } else {
      rsp.writeHead(404);
      rsp.end("app 404");
    }
  });
  const port = await listenLocal(server);
  res.defer(() => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }));
  attach(server);

  const zrep = res.sock(new zmq.Reply());
  await zrep.bind(`ws://127.0.0.1:${port}/zmq`);
  assert.is(zrep.lastEndpoint, `ws://127.0.0.1:${port}/zmq`);
  const zpull = res.sock(new zmq.Pull());
  await zpull.bind(`ws://127.0.0.1:${port}/zmq-2`);
  const srep = res.sock(new sp.Rep());
  await srep.bind(`ws://127.0.0.1:${port}/sp`);
  assert.is(srep.lastEndpoint, `ws://127.0.0.1:${port}/sp`);

  const zreq = res.sock(new zmq.Request());
  zreq.connect(`ws://127.0.0.1:${port}/zmq`);
  const zpush = res.sock(new zmq.Push());
  zpush.connect(`ws://127.0.0.1:${port}/zmq-2`);
  const sreq = res.sock(new sp.Req());
  sreq.connect(`ws://127.0.0.1:${port}/sp`);

  await send(zreq, "zmq ping");
  await send(zpush, "to zmq-2");
  await send(sreq, "sp ping");
  assert.equal(str(await recv(zrep)), ["zmq ping"]);
  assert.equal(str(await recv(zpull)), ["to zmq-2"]);
  assert.equal(str(await recv(srep)), ["sp ping"]);
  await send(zrep, "zmq pong");
  await send(srep, "sp pong");
  assert.equal(str(await recv(zreq)), ["zmq pong"]);
  assert.equal(str(await recv(sreq)), ["sp pong"]);

  const page = await httpGet(port, "/index.html");
  assert.is(page.status, 200);
  assert.is(page.body, "<h1>the app's page</h1>");
  // The socket paths are not the app's business for plain GETs either.
  assert.is((await httpGet(port, "/zmq")).body, "app 404", "a plain GET to a bound path reaches the app's handler");

  // Closing the sockets leaves the application's server up.
  zrep.close();
  zpull.close();
  srep.close();
  await tick(20);
  assert.ok(server.listening, "the app's server is still listening");
  assert.is((await httpGet(port, "/index.html")).status, 200);
});

it("shared http.Server: a path can be bound again after its socket closed", async (res) => {
  const server = http.createServer((_q, r) => r.end("ok"));
  const port = await listenLocal(server);
  res.defer(() => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }));
  attach(server);
  const url = `ws://127.0.0.1:${port}/again`;
  const first = res.sock(new zmq.Pull());
  await first.bind(url);
  first.close();
  const second = res.sock(new zmq.Pull());
  await second.bind(url);
  const push = res.sock(new zmq.Push());
  push.connect(url);
  await send(push, "to the second");
  assert.equal(str(await recv(second)), ["to the second"]);
});

// ---------------------------------------------------------------- reconnect

it("ZMTP over ws: the dialer reconnects after the listener restarts on the same URL", async (res) => {
  const pull1 = res.sock(new zmq.Pull());
  const ep = await wsBind(pull1, "/restart");
  const push = res.sock(new zmq.Push({ reconnectInterval: 50 }));
  const log = watch(push);
  push.connect(ep);
  await send(push, "before");
  assert.equal(str(await recv(pull1)), ["before"]);
  pull1.linger = 0;
  pull1.close();
  await log.next("disconnect");
  const pull2 = res.sock(new zmq.Pull());
  await pull2.bind(ep);
  assert.is(pull2.lastEndpoint, ep, "same port and path");
  await log.next("handshake", { nth: 2 });
  await send(push, "after");
  assert.equal(str(await recv(pull2)), ["after"]);
});

it("SP over ws: the dialer reconnects after the listener restarts on the same URL", async (res) => {
  const rep1 = res.sock(new sp.Rep());
  const ep = await wsBind(rep1, "/sp-restart");
  const req = res.sock(new sp.Req({ reconnectInterval: 50 }));
  const log = logOf(req);
  req.connect(ep);
  await send(req, "one");
  assert.equal(str(await recv(rep1)), ["one"]);
  await send(rep1, "one back");
  assert.equal(str(await recv(req)), ["one back"]);
  rep1.linger = 0;
  rep1.close();
  await log.next("disconnect");
  const rep2 = res.sock(new sp.Rep());
  await rep2.bind(ep);
  await log.next("handshake", { nth: 2 });
  await send(req, "two");
  assert.equal(str(await recv(rep2)), ["two"]);
  await send(rep2, "two back");
  assert.equal(str(await recv(req)), ["two back"]);
});

// ---------------------------------------------------------------- refusals

async function refused(res, dialer, listener, path, what) {
  const ep = await wsBind(listener, path);
  const llog = watch(listener);
  dialer.reconnectInterval = 50;
  const dlog = watch(dialer);
  dialer.connect(ep);
  const e1 = await dlog.next("connect:retry");
  assert.match(String(e1.error?.message), /400/, `${what}: connect:retry error names HTTP 400: ${e1.error?.message}`);
  await dlog.next("connect:retry", { nth: 2 }); // and keeps retrying
  // Nothing gets through.
  dialer.sendTimeout = 0;
  try {
    await dialer.send("must not arrive");
  } catch {
    /* no peer: EAGAIN is fine */
  }
  listener.receiveTimeout = 200;
  let got = null;
  try {
    got = await listener.receive();
  } catch {
    /* timeout expected */
  }
  assert.is(got, null, `${what}: the listener received ${got && JSON.stringify(str(got))}`);
  assert.is(dlog.count("connect"), 0, `${what}: no connect event`);
  assert.is(dlog.count("handshake"), 0, `${what}: no handshake event`);
  assert.is(llog.count("accept"), 0, `${what}: the listener accepted nothing`);
  assert.is(llog.count("handshake"), 0, `${what}: no handshake at the listener`);
}

it("SP REQ dialing an SP PULL listener (wrong protocol: offers rep.sp.nanomsg.org) is refused with 400, retries, never delivers", async (res) => {
  await refused(res, res.sock(new sp.Req()), res.sock(new sp.Pull()), "/sp-pull", "SP REQ -> SP PULL");
});

it("ZMTP PUSH dialing an SP PULL listener (offers ZWS2.0) is refused with 400, retries, never delivers", async (res) => {
  await refused(res, res.sock(new zmq.Push()), res.sock(new sp.Pull()), "/sp-pull-2", "ZMTP PUSH -> SP PULL");
});

it("SP PUSH dialing a ZMTP PULL listener (offers pull.sp.nanomsg.org) is refused with 400, retries, never delivers", async (res) => {
  await refused(res, res.sock(new sp.Push()), res.sock(new zmq.Pull()), "/zmq-pull", "SP PUSH -> ZMTP PULL");
});

test.run();
