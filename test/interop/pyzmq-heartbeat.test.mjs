// ZMTP 3.1 heartbeats between wasmq and libzmq (Debian python3-zmq child
// process). A recording TCP proxy sits between the two so the tests can see
// PING/PONG commands on the wire (and their TTL field), and can silence one
// direction to simulate a dead peer. Covers: a wasmq socket with
// heartbeatInterval sends PINGs that libzmq answers, stays connected over
// more than 3 intervals and still delivers; heartbeatTimeToLive is carried in
// the PING; a libzmq peer with ZMQ_HEARTBEAT_IVL gets PONGs from wasmq and
// stays connected; wasmq drops (and re-establishes) a connection whose peer
// stops answering within heartbeatTimeout; wasmq honours the TTL of a libzmq
// PING (ZMQ_HEARTBEAT_TTL) when that peer goes silent.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { zmq } from "./helpers/impl.mjs";
import { interop, recv, str, Inbox } from "./helpers/util.mjs";
import { startPy } from "./helpers/pypeer.mjs";
import { startProxy, portOf } from "./helpers/proxy.mjs";

const test = suite("pyzmq heartbeats (ZMTP 3.1 PING/PONG)");
const it = interop(test);

const WASM_ANY = "tcp://127.0.0.1:0";
const PY_ANY = "tcp://127.0.0.1:*";
const IVL = 100;

it(`wasmq DEALER with heartbeatInterval ${IVL} sends PINGs that libzmq answers; connection survives >3 intervals and still delivers`, async (res) => {
  const py = await startPy(res, { type: "ROUTER", bind: PY_ANY, echo: true, monitor: true });
  const proxy = await startProxy(res, portOf(py.endpoint));
  const dealer = res.sock(
    new zmq.Dealer({ linger: 0, heartbeatInterval: IVL, heartbeatTimeout: 3 * IVL, routingId: "hb-dealer" }),
  );
  dealer.connect(proxy.endpoint);
  await dealer.send("before");
  assert.equal(str(await recv(dealer)), ["before"]);
  const conn = proxy.conns[0];
  // stay idle until at least 4 PING/PONG exchanges have been observed on the wire
  await proxy.until(() => (conn.pings("c2s").length >= 4 && conn.pongs("s2c") >= 4 ? true : undefined), 5000, "4 PING/PONG exchanges");
  assert.is(conn.closedBy, null, "connection still open");
  assert.is(proxy.conns.length, 1, "no reconnection happened");
  assert.equal(py.monitorEvents("DISCONNECTED"), [], "libzmq saw no disconnect");
  await dealer.send("after");
  assert.equal(str(await recv(dealer)), ["after"]);
  assert.is(proxy.conns.length, 1);
});

it("wasmq heartbeatTimeToLive is sent in its PINGs (in deciseconds) and libzmq keeps the connection while PINGs continue", async (res) => {
  const py = await startPy(res, { type: "ROUTER", bind: PY_ANY, echo: true, monitor: true });
  const proxy = await startProxy(res, portOf(py.endpoint));
  const dealer = res.sock(
    new zmq.Dealer({ linger: 0, heartbeatInterval: IVL, heartbeatTimeToLive: 2000, heartbeatTimeout: 3 * IVL }),
  );
  dealer.connect(proxy.endpoint);
  await dealer.send("x");
  await recv(dealer);
  const conn = proxy.conns[0];
  const pings = await proxy.until(() => {
    const p = conn.pings("c2s");
    return p.length >= 4 ? p : undefined;
  }, 5000, "4 PINGs");
  for (const p of pings) assert.is(p.ttl, 20, "2000 ms TTL is 20 deciseconds on the wire");
  assert.is(proxy.conns.length, 1);
  assert.equal(py.monitorEvents("DISCONNECTED"), []);
  await dealer.send("still-here");
  assert.equal(str(await recv(dealer)), ["still-here"]);
});

it(`libzmq DEALER with ZMQ_HEARTBEAT_IVL ${IVL} gets PONGs from a wasmq ROUTER and stays connected`, async (res) => {
  const router = res.sock(new zmq.Router({ linger: 0 }));
  await router.bind(WASM_ANY);
  const inbox = new Inbox(router);
  const proxy = await startProxy(res, portOf(router.lastEndpoint));
  const py = await startPy(res, {
    type: "DEALER",
    connect: proxy.endpoint,
    monitor: true,
    sockopts: { ROUTING_ID: "py-hb", HEARTBEAT_IVL: IVL, HEARTBEAT_TIMEOUT: 3 * IVL },
  });
  py.send(["before"]);
  assert.equal(str(await inbox.next()), ["py-hb", "before"]);
  await router.send(["py-hb", "reply-before"]);
  assert.equal((await py.recv()).text, ["reply-before"]);
  const conn = proxy.conns[0];
  await proxy.until(() => (conn.pings("c2s").length >= 4 && conn.pongs("s2c") >= 4 ? true : undefined), 5000, "4 PING/PONG exchanges");
  assert.is(conn.closedBy, null);
  assert.is(proxy.conns.length, 1, "libzmq did not have to reconnect");
  assert.equal(py.monitorEvents("DISCONNECTED"), [], "libzmq saw no heartbeat timeout");
  py.send(["after"]);
  assert.equal(str(await inbox.next()), ["py-hb", "after"]);
  await router.send(["py-hb", "reply-after"]);
  assert.equal((await py.recv()).text, ["reply-after"]);
});

it("wasmq drops a connection whose libzmq peer stops answering PINGs within heartbeatTimeout, then reconnects", async (res) => {
  const py = await startPy(res, { type: "ROUTER", bind: PY_ANY, echo: true });
  const proxy = await startProxy(res, portOf(py.endpoint));
  const dealer = res.sock(new zmq.Dealer({ linger: 0, heartbeatInterval: IVL, heartbeatTimeout: 3 * IVL }));
  dealer.connect(proxy.endpoint);
  await dealer.send("before");
  assert.equal(str(await recv(dealer)), ["before"]);
  const first = proxy.conns[0];
  await proxy.until(() => (first.pongs("s2c") >= 1 ? true : undefined), 5000, "a first PONG");
  first.blackholeS2C = true; // libzmq's PONGs no longer reach wasmq
  const closedBy = await proxy.until(() => first.closedBy ?? undefined, 5000, "the silent connection to be closed");
  assert.is(closedBy, "client", "wasmq (the client) closed the silent connection");
  await proxy.until(() => (proxy.conns.length >= 2 ? true : undefined), 5000, "a reconnection");
  await dealer.send("after");
  assert.equal(str(await recv(dealer)), ["after"]);
});

it("wasmq honours the TTL in a libzmq PING (ZMQ_HEARTBEAT_TTL) and drops the connection when that peer goes silent", async (res) => {
  const router = res.sock(new zmq.Router({ linger: 0 }));
  await router.bind(WASM_ANY);
  const inbox = new Inbox(router);
  const proxy = await startProxy(res, portOf(router.lastEndpoint));
  const py = await startPy(res, {
    type: "DEALER",
    connect: proxy.endpoint,
    // PINGs every 100 ms announcing a 500 ms TTL; libzmq itself never times out first
    sockopts: { ROUTING_ID: "py-ttl", HEARTBEAT_IVL: IVL, HEARTBEAT_TTL: 500, HEARTBEAT_TIMEOUT: 60_000 },
  });
  py.send(["hello"]);
  assert.equal(str(await inbox.next()), ["py-ttl", "hello"]);
  const conn = proxy.conns[0];
  const [ping] = await proxy.until(() => {
    const p = conn.pings("c2s");
    return p.length >= 1 ? p : undefined;
  }, 5000, "a PING with TTL");
  assert.is(ping.ttl, 5, "libzmq announces 500 ms as 5 deciseconds");
  conn.blackholeC2S = true; // libzmq goes silent towards wasmq
  const closedBy = await proxy.until(() => conn.closedBy ?? undefined, 5000, "wasmq to drop the expired connection");
  assert.is(closedBy, "server", "wasmq (the server side) closed the connection after the TTL expired");
});

test.run();
