// Request-reply family between wasmq and libzmq (Debian python3-zmq child
// process): the full client {REQ, DEALER} x server {REP, ROUTER} matrix with
// wasmq as client or server and either side binding (TCP, ephemeral ports);
// REQ/REP envelopes (libzmq ROUTER sees [id, "", body] from a wasmq REQ; a
// wasmq REP answers a libzmq DEALER's ["", body], keeping multi-hop
// envelopes); ROUTER/DEALER routing ids both ways (first frame is the peer's
// routingId, replies are routed back to it, several peers at once);
// DEALER/DEALER and ROUTER/ROUTER (fixed identities) in both bind
// directions; ipc:// endpoints.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { zmq } from "./helpers/impl.mjs";
import { interop, recv, ipcEndpoint, str, Inbox } from "./helpers/util.mjs";
import { startPy } from "./helpers/pypeer.mjs";

const test = suite("pyzmq request-reply (REQ, REP, DEALER, ROUTER)");
const it = interop(test);

const WASM_ANY = "tcp://127.0.0.1:0";
const PY_ANY = "tcp://127.0.0.1:*";
const wasmClass = { REQ: "Request", REP: "Reply", DEALER: "Dealer", ROUTER: "Router" };
const newWasm = (res, type, opts = {}) => res.sock(new zmq[wasmClass[type]]({ linger: 0, ...opts }));
const ROUNDS = 5;

/** Place wasmq socket and python peer: one binds, the other connects. */
async function pairUp(res, wasmSock, pyCfg, wasmBinds, wasmEp = WASM_ANY, pyEp = PY_ANY) {
  if (wasmBinds) {
    await wasmSock.bind(wasmEp);
    return startPy(res, { ...pyCfg, connect: wasmSock.lastEndpoint });
  }
  const py = await startPy(res, { ...pyCfg, bind: pyEp });
  wasmSock.connect(py.endpoint);
  return py;
}

// A DEALER talking to REP/ROUTER-as-REP emulates REQ: it adds the empty delimiter.
const request = (clientType, body) => (clientType === "DEALER" ? ["", body] : [body]);

// --- the matrix ------------------------------------------------------------------
for (const clientType of ["REQ", "DEALER"]) {
  for (const serverType of ["REP", "ROUTER"]) {
    for (const wasmIs of ["client", "server"]) {
      for (const wasmBinds of [true, false]) {
        const wasmType = wasmIs === "client" ? clientType : serverType;
        const pyType = wasmIs === "client" ? serverType : clientType;
        const name =
          `wasmq ${wasmType} ${wasmBinds ? "binds" : "connects"}, libzmq ${pyType} ` +
          `${wasmBinds ? "connects" : "binds"}: ${ROUNDS} request/reply round trips`;
        it(name, (res) =>
          wasmIs === "client"
            ? wasmClient(res, clientType, serverType, wasmBinds)
            : wasmServer(res, clientType, serverType, wasmBinds),
        );
      }
    }
  }
}

async function wasmClient(res, clientType, serverType, wasmBinds) {
  const client = newWasm(res, clientType);
  await pairUp(res, client, { type: serverType, echo: true }, wasmBinds);
  for (let i = 0; i < ROUNDS; i++) {
    await client.send(request(clientType, `req-${i}`));
    assert.equal(str(await recv(client)), request(clientType, `req-${i}`), `reply ${i}`);
  }
}

async function wasmServer(res, clientType, serverType, wasmBinds) {
  const server = newWasm(res, serverType);
  const py = await pairUp(res, server, { type: clientType }, wasmBinds);
  for (let i = 0; i < ROUNDS; i++) {
    py.send(request(clientType, `req-${i}`));
    const msg = await recv(server);
    if (serverType === "REP") {
      assert.equal(str(msg), [`req-${i}`], "REP strips the envelope");
      await server.send(`rep-${i}`);
    } else {
      assert.is(msg.length, 3, "ROUTER sees [id, '', body]");
      assert.ok(msg[0].length > 0, "non-empty routing id");
      assert.equal(str(msg.slice(1)), ["", `req-${i}`]);
      await server.send([msg[0], "", `rep-${i}`]);
    }
    const reply = await py.recv();
    assert.equal(reply.text, request(clientType, `rep-${i}`), `reply ${i} at libzmq ${clientType}`);
  }
}

// --- envelopes -------------------------------------------------------------------
it('libzmq ROUTER sees [routingId, "", body] from a wasmq REQ and routes the reply back', async (res) => {
  const py = await startPy(res, { type: "ROUTER", bind: PY_ANY });
  const req = newWasm(res, "REQ", { routingId: "wasm-req-1" });
  req.connect(py.endpoint);
  await req.send("hello");
  const m = await py.recv();
  assert.equal(m.text, ["wasm-req-1", "", "hello"]);
  py.send(["wasm-req-1", "", "world"]);
  assert.equal(str(await recv(req)), ["world"]);
  // and the REQ state machine allows the next request
  await req.send(["multi", "", "part"]);
  const m2 = await py.recv();
  assert.equal(m2.text, ["wasm-req-1", "", "multi", "", "part"]);
  py.send(["wasm-req-1", "", "ok", ""]);
  assert.equal(str(await recv(req)), ["ok", ""]);
});

it('wasmq REP answers a libzmq DEALER that sent ["", body] with ["", reply]', async (res) => {
  const rep = newWasm(res, "REP");
  await rep.bind(WASM_ANY);
  const py = await startPy(res, { type: "DEALER", connect: rep.lastEndpoint });
  py.send(["", "ping"]);
  assert.equal(str(await recv(rep)), ["ping"]);
  await rep.send("pong");
  assert.equal((await py.recv()).text, ["", "pong"]);
});

it("wasmq REP keeps a multi-hop envelope from a libzmq DEALER intact", async (res) => {
  const py = await startPy(res, { type: "DEALER", bind: PY_ANY });
  const rep = newWasm(res, "REP");
  rep.connect(py.endpoint);
  py.send(["hop-a", Buffer.from([0, 1]), "", "body", ""]);
  assert.equal(str(await recv(rep)), ["body", ""]);
  await rep.send(["reply", "x"]);
  const m = await py.recv();
  assert.equal(m.frames, [Buffer.from("hop-a"), Buffer.from([0, 1]), Buffer.alloc(0), Buffer.from("reply"), Buffer.from("x")]);
});

// --- routing ids ---------------------------------------------------------------------
it("libzmq ROUTER sees a wasmq DEALER's routingId as first frame and can reply to it", async (res) => {
  const py = await startPy(res, { type: "ROUTER", bind: PY_ANY });
  const dealer = newWasm(res, "DEALER", { routingId: "wasm-dealer" });
  dealer.connect(py.endpoint);
  await dealer.send(["hi", "there"]);
  assert.equal((await py.recv()).text, ["wasm-dealer", "hi", "there"]);
  py.send(["wasm-dealer", "back", ""]);
  assert.equal(str(await recv(dealer)), ["back", ""]);
});

it("libzmq ROUTER (connecting) routes to a binding wasmq DEALER by its routingId", async (res) => {
  const dealer = newWasm(res, "DEALER", { routingId: "wasm-bound-dealer" });
  await dealer.bind(WASM_ANY);
  const py = await startPy(res, { type: "ROUTER", connect: dealer.lastEndpoint, echo: true });
  await dealer.send("echo-me");
  assert.equal(str(await recv(dealer)), ["echo-me"]);
  assert.equal((await py.recv()).text, ["wasm-bound-dealer", "echo-me"]);
});

it("wasmq ROUTER sees two libzmq DEALERs' routing ids and routes each reply to the right one", async (res) => {
  const router = newWasm(res, "ROUTER");
  await router.bind(WASM_ANY);
  const a = await startPy(res, { type: "DEALER", connect: router.lastEndpoint, sockopts: { ROUTING_ID: "py-a" } });
  const b = await startPy(res, { type: "DEALER", connect: router.lastEndpoint, sockopts: { ROUTING_ID: "py-b" } });
  a.send(["from-a"]);
  b.send(["from-b"]);
  const got = [str(await recv(router)), str(await recv(router))].sort();
  assert.equal(got, [["py-a", "from-a"], ["py-b", "from-b"]]);
  await router.send(["py-b", "for-b"]);
  await router.send(["py-a", "for-a"]);
  assert.equal((await a.recv()).text, ["for-a"]);
  assert.equal((await b.recv()).text, ["for-b"]);
});

it("wasmq ROUTER (connecting) replies to a libzmq REQ by its routing id", async (res) => {
  const py = await startPy(res, { type: "REQ", bind: PY_ANY, sockopts: { ROUTING_ID: "py-req" } });
  const router = newWasm(res, "ROUTER");
  router.connect(py.endpoint);
  py.send(["question"]);
  assert.equal(str(await recv(router)), ["py-req", "", "question"]);
  await router.send(["py-req", "", "answer"]);
  assert.equal((await py.recv()).text, ["answer"]);
});

it("wasmq DEALER pipelines 20 requests to a libzmq ROUTER, which sees its routingId on every one", async (res) => {
  const py = await startPy(res, { type: "ROUTER", bind: PY_ANY, echo: true });
  const dealer = newWasm(res, "DEALER", { routingId: "pipelined" });
  dealer.connect(py.endpoint);
  for (let i = 0; i < 20; i++) await dealer.send(["", `r${i}`]);
  for (let i = 0; i < 20; i++) assert.equal(str(await recv(dealer)), ["", `r${i}`]);
  const seen = await py.recvN(20);
  assert.ok(seen.every((m, i) => m.text.join("|") === `pipelined||r${i}`));
});

// --- DEALER/DEALER -------------------------------------------------------------------
for (const wasmBinds of [true, false]) {
  it(`wasmq DEALER ${wasmBinds ? "binds" : "connects"}, libzmq DEALER ${wasmBinds ? "connects" : "binds"}: multipart messages flow both ways`, async (res) => {
    const dealer = newWasm(res, "DEALER");
    const py = await pairUp(res, dealer, { type: "DEALER" }, wasmBinds);
    await dealer.send(["to-py", "", "x"]);
    assert.equal((await py.recv()).text, ["to-py", "", "x"]);
    py.send(["to-wasm", "", Buffer.alloc(0)]);
    assert.equal(str(await recv(dealer)), ["to-wasm", "", ""]);
    py.send([{ text: "n{i}" }], { count: 10 });
    for (let i = 0; i < 10; i++) assert.equal(str(await recv(dealer)), [`n${i}`]);
  });
}

// --- ROUTER/ROUTER with fixed identities --------------------------------------------
for (const wasmBinds of [true, false]) {
  it(`wasmq ROUTER ${wasmBinds ? "binds" : "connects"}, libzmq ROUTER ${wasmBinds ? "connects" : "binds"}: both address each other by set routing ids`, async (res) => {
    const router = newWasm(res, "ROUTER", { routingId: "wasm-router" });
    const py = await pairUp(
      res,
      router,
      { type: "ROUTER", monitor: true, sockopts: { ROUTING_ID: "py-router", ROUTER_MANDATORY: 1 } },
      wasmBinds,
    );
    const inbox = new Inbox(router);
    // the libzmq side can address "wasm-router" once its handshake completed
    await py.monitorEvent("HANDSHAKE_SUCCEEDED");
    await py.sendAndWait(["wasm-router", "hello"]);
    assert.equal(py.errors, [], "libzmq ROUTER could route to wasm-router");
    assert.equal(str(await inbox.next()), ["py-router", "hello"]);
    await router.send(["py-router", "hi", ""]);
    assert.equal((await py.recv()).text, ["wasm-router", "hi", ""]);
  });
}

// --- ipc ------------------------------------------------------------------------------
it("wasmq REP binds ipc:// and answers a libzmq REQ", async (res) => {
  const rep = newWasm(res, "REP");
  const ep = ipcEndpoint(res, "rep");
  await rep.bind(ep);
  const py = await startPy(res, { type: "REQ", connect: ep });
  for (let i = 0; i < 3; i++) {
    py.send([`q${i}`]);
    assert.equal(str(await recv(rep)), [`q${i}`]);
    await rep.send(`a${i}`);
    assert.equal((await py.recv()).text, [`a${i}`]);
  }
});

it("wasmq DEALER connects over ipc:// to a libzmq ROUTER that sees its routingId", async (res) => {
  const ep = ipcEndpoint(res, "router");
  const py = await startPy(res, { type: "ROUTER", bind: ep, echo: true });
  const dealer = newWasm(res, "DEALER", { routingId: "ipc-dealer" });
  dealer.connect(ep);
  await dealer.send(["over", "ipc"]);
  assert.equal(str(await recv(dealer)), ["over", "ipc"]);
  assert.equal((await py.recv()).text, ["ipc-dealer", "over", "ipc"]);
});

test.run();
