// ZMTP security between wasmq and libzmq 4.3.5 through npm `zeromq`
// (zeromq.js v6, CURVE built in) in the same Node process: PLAIN (RFC 24),
// CURVE (RFC 26) and ZAP (RFC 27).
//
// - PLAIN and CURVE PAIR with wasmq as client or as server, each side binding
//   or connecting, over tcp:// and ipc://: multipart messages with empty
//   frames both ways, securityMechanism on both libraries, "handshake" on
//   both, the ZAP request each server's handler got.
// - CURVE keys from either library work with the other (zeromq.js's
//   curveKeyPair() for a wasmq server, wasmq's for a zeromq.js server).
// - CURVE: 4 MiB, multipart and empty frames over ipc://; PUB/SUB topic
//   filtering and XPUB subscribe/unsubscribe both ways.
// - CURVE heartbeats both ways (boxed PING/PONG counted on the wire through
//   a recording proxy, no PING in the clear, no disconnect, messages after).
// - ZAP refusals on either side: both sockets report handshake:error:auth
//   with error.status 400 for CURVE; nothing is delivered.
// - PLAIN refusals: libzmq 4.3.5's PLAIN ERROR is still "^RROR" (the C
//   literal "\x05ERROR" reads as "\x5e" "RROR"; see pyzmq-security.test.mjs);
//   wasmq reads it and refuses in it, so both sides report
//   handshake:error:auth 400 either way.
// - Wrong CURVE server keys both ways: the server reports
//   handshake:error:protocol ERR_ZMTP_CRYPTOGRAPHIC (wasmq uses zeromq.js's
//   code), nothing is delivered.
//
// One zeromq.js ZAP handler serves the whole file (libzmq unbinds inproc
// endpoints asynchronously, so rebinding inproc://zeromq.zap.01 per test
// could race); each test sets its policy.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as native from "zeromq";
import { zmq } from "./helpers/impl.mjs";
import { interop, recv, ipcEndpoint, str, tick, pattern, Inbox, Resources } from "./helpers/util.mjs";
import { startProxy, portOf } from "./helpers/proxy.mjs";
import { zapHandler, allowPolicy, boxedFrames, boxedExchanges, clearCommands, Events } from "./helpers/secure.mjs";

const test = suite("zeromq.js security (libzmq 4.3.5 in-process: PLAIN, CURVE, ZAP)");
const it = interop(test);

const ANY = "tcp://127.0.0.1:0";
const IVL = 100;

const wasm = (res, cls, opts = {}) => res.sock(new zmq[cls]({ linger: 0, ...opts }));
const lib = (res, cls, opts = {}) => res.sock(new native[cls]({ linger: 0, ...opts }));

// The zeromq.js (libzmq) ZAP handler: bound once, policy per test.
const fileRes = new Resources();
let libZap = null;
let libPolicy = () => "200";
test.before(async () => {
  libZap = await zapHandler(fileRes, native.Router, (req) => libPolicy(req));
});
test.before.each(() => {
  libPolicy = () => "200";
  libZap.requests.length = 0;
});
test.after(() => fileRes.cleanup());

/** CURVE keys (server from `serverLib`, client from `clientLib`) and options for each role. */
function curve(serverLib = zmq, clientLib = zmq) {
  const server = serverLib.curveKeyPair();
  const client = clientLib.curveKeyPair();
  return {
    server,
    client,
    serverOpts: { curveServer: true, curvePublicKey: server.publicKey, curveSecretKey: server.secretKey },
    clientOpts: { curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey },
  };
}

const USER = "bob";
const PASS = "hunter2";
const plain = {
  serverOpts: { plainServer: true },
  clientOpts: { plainUsername: USER, plainPassword: PASS },
};

const hex = (b) => Buffer.from(b).toString("hex");

// --- the matrix ------------------------------------------------------------------------
for (const mech of ["CURVE", "PLAIN"]) {
  for (const wasmIs of ["client", "server"]) {
    for (const wasmBinds of [true, false]) {
      for (const transport of ["tcp", "ipc"]) {
        const name =
          `${mech} over ${transport}: wasmq PAIR is the ${wasmIs} and ${wasmBinds ? "binds" : "connects"}, ` +
          `zeromq.js PAIR ${wasmBinds ? "connects" : "binds"}: multipart messages with empty frames both ways`;
        it(name, (res) => matrixCase(res, mech, wasmIs, wasmBinds, transport));
      }
    }
  }
}

async function matrixCase(res, mech, wasmIs, wasmBinds, transport) {
  // Keys made by the library that does not use them, to show they are the same Z85.
  const k = mech === "CURVE" ? (wasmIs === "server" ? curve(native, zmq) : curve(zmq, native)) : plain;
  const domain = { zapDomain: `matrix-${transport}` };
  let wasmHandler = null;
  if (wasmIs === "server") {
    wasmHandler = await zapHandler(res, zmq.Router, allowPolicy({ passwords: { [USER]: PASS }, curveKeys: k.client ? [k.client.publicKey] : [], z85Decode: zmq.z85Decode }));
  } else {
    libPolicy = allowPolicy({ passwords: { [USER]: PASS }, curveKeys: k.client ? [k.client.publicKey] : [], z85Decode: zmq.z85Decode });
  }
  const w = wasm(res, "Pair", wasmIs === "server" ? { ...k.serverOpts, ...domain } : k.clientOpts);
  const n = lib(res, "Pair", wasmIs === "server" ? k.clientOpts : { ...k.serverOpts, ...domain });
  assert.is(w.securityMechanism, mech.toLowerCase(), "wasmq securityMechanism");
  assert.is(n.securityMechanism, mech.toLowerCase(), "zeromq.js securityMechanism");
  const wEvents = new Events(w);
  const nEvents = new Events(n);
  const [binder, connector] = wasmBinds ? [w, n] : [n, w];
  let ep = transport === "ipc" ? ipcEndpoint(res, `js-${mech}`) : ANY;
  await binder.bind(ep);
  if (transport === "tcp") ep = binder.lastEndpoint;
  connector.connect(ep);

  await w.send(["from-wasmq", "", Buffer.alloc(0), "end"]);
  assert.equal(str(await recv(n)), ["from-wasmq", "", "", "end"]);
  await n.send(["", "from-zeromq.js", ""]);
  assert.equal(str(await recv(w)), ["", "from-zeromq.js", ""]);
  await wEvents.next("handshake");
  await nEvents.next("handshake");

  const req = wasmIs === "server" ? await wasmHandler.request(1) : await libZap.request(1);
  assert.is(req.mechanism, mech);
  assert.is(req.domain, `matrix-${transport}`);
  assert.is(req.status, "200");
  if (mech === "PLAIN") assert.equal(req.credentials.map(String), [USER, PASS]);
  else assert.equal(req.credentials.map(hex), [hex(zmq.z85Decode(k.client.publicKey))]);
}

// --- large and multipart ------------------------------------------------------------------
it("CURVE over ipc: wasmq and zeromq.js PAIRs exchange 4 MiB frames, multipart messages and empty messages", async (res) => {
  const k = curve();
  const ep = ipcEndpoint(res, "js-big");
  const a = wasm(res, "Pair", k.serverOpts);
  await a.bind(ep);
  const b = lib(res, "Pair", k.clientOpts);
  b.connect(ep);
  const big1 = pattern(4 * 1024 * 1024, 1);
  const big2 = pattern(4 * 1024 * 1024 + 3, 2);
  await a.send(["x", big1, ""]);
  const got1 = await recv(b, 20_000, "4 MiB at zeromq.js");
  assert.equal(got1.map((f) => f.length), [1, big1.length, 0]);
  assert.ok(Buffer.from(got1[1]).equals(big1), "wasmq -> zeromq.js 4 MiB");
  await b.send(Buffer.alloc(0));
  assert.equal((await recv(a)).map((f) => f.length), [0]);
  await b.send(["big", big2]);
  const [tag, got2] = await recv(a, 20_000, "4 MiB at wasmq");
  assert.is(tag.toString(), "big");
  assert.ok(Buffer.from(got2).equals(big2), "zeromq.js -> wasmq 4 MiB");
});

// --- PUB/SUB ----------------------------------------------------------------------------------
it("CURVE: a wasmq SUB (client) gets only topic A from a zeromq.js PUB (server)", async (res) => {
  const k = curve();
  const pub = lib(res, "Publisher", k.serverOpts);
  await pub.bind(ANY);
  const sub = wasm(res, "Subscriber", k.clientOpts);
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
  for (const m of ["B:1", "A:1", "B:2", "AB:3", "A:end"]) await pub.send(m);
  const got = [];
  for (;;) {
    const [t] = str(await recv(sub));
    if (t !== "A:sync") got.push(t);
    if (t === "A:end") break;
  }
  assert.equal(got, ["A:1", "AB:3", "A:end"]);
});

it("CURVE: a zeromq.js SUB's subscribe and unsubscribe reach a wasmq XPUB (server), which publishes only to it", async (res) => {
  const k = curve();
  const xpub = wasm(res, "XPublisher", k.serverOpts);
  await xpub.bind(ANY);
  const sub = lib(res, "Subscriber", k.clientOpts);
  sub.subscribe("news");
  sub.connect(xpub.lastEndpoint);
  const inbox = new Inbox(sub);
  assert.equal(await recv(xpub), [Buffer.from("\x01news")]);
  await xpub.send(["sports", "x"]);
  await xpub.send(["news", "y"]);
  assert.equal(str(await inbox.next()), ["news", "y"]);
  sub.unsubscribe("news");
  assert.equal(await recv(xpub), [Buffer.from("\x00news")]);
});

it("CURVE: a wasmq SUB's SUBSCRIBE and CANCEL reach a zeromq.js XPUB inside boxes", async (res) => {
  const k = curve();
  const xpub = lib(res, "XPublisher", k.serverOpts);
  await xpub.bind(ANY);
  const proxy = await startProxy(res, portOf(xpub.lastEndpoint));
  const sub = wasm(res, "Subscriber", k.clientOpts);
  sub.connect(proxy.endpoint);
  sub.subscribe("weather");
  assert.equal(await recv(xpub), [Buffer.from("\x01weather")]);
  sub.unsubscribe("weather");
  assert.equal(await recv(xpub), [Buffer.from("\x00weather")]);
  const conn = proxy.conns[0];
  assert.equal(clearCommands(conn, "c2s"), ["HELLO", "INITIATE"]);
  assert.ok(boxedFrames(conn, "c2s").length >= 2);
  assert.is(conn.bytes("c2s").indexOf("weather"), -1, "the topic never appears in the clear");
});

// --- heartbeats --------------------------------------------------------------------------------
it(`CURVE heartbeats: a zeromq.js DEALER with heartbeatInterval ${IVL} gets wasmq's boxed PONGs and stays connected`, async (res) => {
  const k = curve();
  const router = wasm(res, "Router", k.serverOpts);
  await router.bind(ANY);
  const proxy = await startProxy(res, portOf(router.lastEndpoint));
  const dealer = lib(res, "Dealer", { ...k.clientOpts, routingId: "js-hb", heartbeatInterval: IVL, heartbeatTimeout: 3 * IVL });
  const events = new Events(dealer);
  dealer.connect(proxy.endpoint);
  await dealer.send("before");
  assert.equal(str(await recv(router)), ["js-hb", "before"]);
  const conn = proxy.conns[0];
  await boxedExchanges(proxy, conn, 5);
  assert.equal(conn.pings("c2s"), [], "no PING in the clear");
  assert.is(conn.closedBy, null);
  assert.is(proxy.conns.length, 1);
  assert.equal(events.of("disconnect"), [], "zeromq.js saw no heartbeat timeout");
  await dealer.send("after");
  assert.equal(str(await recv(router)), ["js-hb", "after"]);
  await router.send(["js-hb", "ok"]);
  assert.equal(str(await recv(dealer)), ["ok"]);
});

it(`CURVE heartbeats: a wasmq DEALER with heartbeatInterval ${IVL} gets zeromq.js's boxed PONGs and stays connected`, async (res) => {
  const k = curve();
  const router = lib(res, "Router", k.serverOpts);
  await router.bind(ANY);
  const proxy = await startProxy(res, portOf(router.lastEndpoint));
  const dealer = wasm(res, "Dealer", { ...k.clientOpts, routingId: "w-hb", heartbeatInterval: IVL, heartbeatTimeout: 3 * IVL });
  const events = new Events(dealer);
  dealer.connect(proxy.endpoint);
  await dealer.send("before");
  assert.equal(str(await recv(router)), ["w-hb", "before"]);
  const conn = proxy.conns[0];
  await boxedExchanges(proxy, conn, 5);
  assert.equal(conn.pings("c2s"), [], "no PING in the clear");
  assert.is(conn.closedBy, null);
  assert.is(proxy.conns.length, 1);
  assert.equal(events.of("disconnect"), [], "wasmq saw no heartbeat timeout");
  await router.send(["w-hb", "reply"]);
  assert.equal(str(await recv(dealer)), ["reply"]);
});

// --- ZAP refusals ---------------------------------------------------------------------------------
it("ZAP at zeromq.js refuses a wasmq CURVE client: both report handshake:error:auth with status 400; nothing delivered", async (res) => {
  const k = curve();
  libPolicy = () => "400";
  const server = lib(res, "Pull", { ...k.serverOpts, zapDomain: "test" });
  const sEvents = new Events(server);
  await server.bind(ANY);
  const client = wasm(res, "Push", k.clientOpts);
  const cEvents = new Events(client);
  client.connect(server.lastEndpoint);
  await client.send("must-not-arrive");
  const [se, ce] = await Promise.all([sEvents.next("handshake:error:auth"), cEvents.next("handshake:error:auth")]);
  assert.is(se.error.status, 400, "zeromq.js server");
  assert.is(ce.error.status, 400, "wasmq client");
  assert.is(se.error.message, "Authentication failure");
  assert.is(ce.error.message, "Authentication failure");
  assert.is(ce.address, server.lastEndpoint);
  await sEvents.next("handshake:error:auth", { nth: 2 }); // wasmq retried, refused again
  assert.not.ok(server.readable, "nothing delivered");
  assert.equal(cEvents.of("handshake"), []);
  assert.is(libZap.requests[0].mechanism, "CURVE");
});

it("ZAP at wasmq refuses a zeromq.js CURVE client: both report handshake:error:auth with status 400; nothing delivered", async (res) => {
  const k = curve();
  const handler = await zapHandler(res, zmq.Router, () => "400");
  const server = wasm(res, "Pull", { ...k.serverOpts, zapDomain: "test" });
  const sEvents = new Events(server);
  await server.bind(ANY);
  const client = lib(res, "Push", k.clientOpts);
  const cEvents = new Events(client);
  client.connect(server.lastEndpoint);
  await client.send("must-not-arrive");
  const [se, ce] = await Promise.all([sEvents.next("handshake:error:auth"), cEvents.next("handshake:error:auth")]);
  assert.is(se.error.status, 400, "wasmq server");
  assert.is(ce.error.status, 400, "zeromq.js client read wasmq's ERROR 400");
  assert.is(se.error.message, ce.error.message);
  assert.is(se.address, server.lastEndpoint);
  assert.is(ce.address, server.lastEndpoint);
  await cEvents.next("disconnect");
  assert.not.ok(server.readable, "nothing delivered");
  assert.is((await handler.request(1)).mechanism, "CURVE");
});

it("ZAP at zeromq.js refuses a wasmq PLAIN client: libzmq 4.3.5 still sends \"^RROR\", which wasmq reads; both report handshake:error:auth with status 400", async (res) => {
  libPolicy = allowPolicy({ passwords: { [USER]: PASS } });
  const server = lib(res, "Pull", plain.serverOpts);
  const sEvents = new Events(server);
  await server.bind(ANY);
  const proxy = await startProxy(res, portOf(server.lastEndpoint));
  const client = wasm(res, "Push", { plainUsername: USER, plainPassword: "wrong" });
  const cEvents = new Events(client);
  client.connect(proxy.endpoint);
  await client.send("must-not-arrive");
  const se = await sEvents.next("handshake:error:auth");
  assert.is(se.error.status, 400);
  const ce = await cEvents.next(["handshake:error:auth", "handshake:error:protocol"]);
  assert.is(ce.type, "handshake:error:auth", ce.error?.code);
  assert.is(ce.error.status, 400);
  assert.is(ce.error.message, se.error.message);
  assert.is(proxy.conns[0].bytes("s2c").subarray(64).toString("latin1"), "\x04\x09^RROR\x03400", "libzmq 4.3.5's PLAIN ERROR");
  await sEvents.next("handshake:error:auth", { nth: 2 });
  assert.not.ok(server.readable, "nothing delivered");
  assert.equal(libZap.requests[0].credentials.map(String), [USER, "wrong"]);
});

it("ZAP at wasmq refuses a zeromq.js PLAIN client: wasmq refuses in libzmq's spelling; both report handshake:error:auth with status 400; nothing delivered", async (res) => {
  await zapHandler(res, zmq.Router, allowPolicy({ passwords: { [USER]: PASS } }));
  const server = wasm(res, "Pull", plain.serverOpts);
  const sEvents = new Events(server);
  await server.bind(ANY);
  const client = lib(res, "Push", { plainUsername: USER, plainPassword: "wrong" });
  const cEvents = new Events(client);
  client.connect(server.lastEndpoint);
  await client.send("must-not-arrive");
  const se = await sEvents.next("handshake:error:auth");
  assert.is(se.error.status, 400);
  const ce = await cEvents.next(["handshake:error:auth", "handshake:error:protocol"]);
  assert.is(ce.type, "handshake:error:auth", ce.error?.code);
  assert.is(ce.error.status, 400, "zeromq.js read wasmq's refusal");
  assert.is(ce.address, server.lastEndpoint);
  await cEvents.next("disconnect");
  assert.not.ok(server.readable, "nothing delivered");
});

it("ZAP at zeromq.js accepts a wasmq PLAIN client with the right password; the handler saw its credentials", async (res) => {
  libPolicy = allowPolicy({ passwords: { [USER]: PASS } });
  const server = lib(res, "Pull", { ...plain.serverOpts, zapDomain: "ok" });
  await server.bind(ANY);
  const client = wasm(res, "Push", plain.clientOpts);
  client.connect(server.lastEndpoint);
  await client.send(["in", ""]);
  assert.equal(str(await recv(server)), ["in", ""]);
  const req = libZap.requests[0];
  assert.equal(req.credentials.map(String), [USER, PASS]);
  assert.is(req.domain, "ok");
  assert.is(req.address, "127.0.0.1");
});

// --- wrong CURVE server keys -------------------------------------------------------------------------
it("CURVE: a zeromq.js client with the wrong server key is refused by wasmq with zeromq.js's code ERR_ZMTP_CRYPTOGRAPHIC; nothing delivered", async (res) => {
  const k = curve();
  const server = wasm(res, "Pull", k.serverOpts);
  const sEvents = new Events(server);
  await server.bind(ANY);
  const client = lib(res, "Push", { ...k.clientOpts, curveServerKey: native.curveKeyPair().publicKey });
  const cEvents = new Events(client);
  client.connect(server.lastEndpoint);
  await client.send("no");
  const se = await sEvents.next("handshake:error:protocol");
  assert.is(se.error.code, "ERR_ZMTP_CRYPTOGRAPHIC");
  // libzmq sees the server close mid-handshake: handshake:error:other (HANDSHAKE_FAILED_NO_DETAIL), then retries.
  await cEvents.next("handshake:error:other");
  await sEvents.next("handshake:error:protocol", { nth: 2 });
  assert.not.ok(server.readable);
});

it("CURVE: a wasmq client with the wrong server key is refused by zeromq.js (handshake:error:protocol ERR_ZMTP_CRYPTOGRAPHIC); nothing delivered", async (res) => {
  const k = curve();
  const server = lib(res, "Pull", k.serverOpts);
  const sEvents = new Events(server);
  await server.bind(ANY);
  const client = wasm(res, "Push", { ...k.clientOpts, curveServerKey: zmq.curveKeyPair().publicKey });
  const cEvents = new Events(client);
  client.connect(server.lastEndpoint);
  await client.send("no");
  const se = await sEvents.next("handshake:error:protocol");
  assert.is(se.error.code, "ERR_ZMTP_CRYPTOGRAPHIC");
  // wasmq sees libzmq close mid-handshake: a disconnect (libzmq itself would
  // also report handshake:error:other here, see the test above).
  await cEvents.next("disconnect");
  await sEvents.next("handshake:error:protocol", { nth: 2 });
  assert.equal(cEvents.of("handshake"), []);
  assert.not.ok(server.readable);
});

test.run();
