// The wasmq ZAP authenticator (src/zmq/authenticator.ts) deciding about
// libzmq clients (npm zeromq, libzmq 4.3.5, in the same process) that
// connect to wasmq PLAIN and CURVE servers over tcp://: the right
// credentials get in, wrong ones are refused (wasmq sends ERROR "400", in
// libzmq's spelling for PLAIN, and libzmq's clients report it as
// handshake:error:auth 400).
// libzmq's own servers in this process have libzmq's own ZAP endpoint and
// are not served by it.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as native from "zeromq";
import { zmq, implName } from "./helpers/impl.mjs";
import { interop, recv, str, withTimeout } from "./helpers/util.mjs";

const test = suite("the wasmq authenticator with zeromq.js (libzmq) clients");
const it = interop(test);

const ANY = "tcp://127.0.0.1:0";

/** The first `type` event of a zeromq.js or wasmq socket, from now on. */
function nextEvent(sock, type, ms = 10_000) {
  return withTimeout(new Promise((resolve) => sock.events.on(type, resolve)), ms, `${type} on a ${sock.constructor.name}`);
}

async function started(res, decisions) {
  const auth = new zmq.Authenticator({ onDecision: (d) => decisions.push(d) });
  await auth.start();
  res.defer(() => auth.stop());
  return auth;
}

async function wasmqServer(res, options) {
  const rep = res.sock(new zmq.Reply({ linger: 0, ...options }));
  await rep.bind(ANY);
  return rep;
}

const libClient = (res, options) => res.sock(new native.Request({ linger: 0, ...options }));

async function roundTrip(req, rep) {
  await req.send("ping");
  assert.equal(str(await recv(rep)), ["ping"]);
  await rep.send("pong");
  assert.equal(str(await recv(req)), ["pong"]);
}

async function refusedOnBothSides(req, rep) {
  const server = nextEvent(rep, "handshake:error:auth");
  const client = nextEvent(req, "handshake:error:auth");
  req.send("let me in").catch(() => {});
  assert.is((await server).error.status, 400, "wasmq's status");
  assert.is((await client).error.status, 400, "libzmq's status");
}

if (implName === "wasmq/zmq") {
  it("a zeromq.js PLAIN client with the right password gets into a wasmq server, as its user name", async (res) => {
    const decisions = [];
    const auth = await started(res, decisions);
    auth.configurePlain({ admin: "secret" });
    const rep = await wasmqServer(res, { plainServer: true });
    const req = libClient(res, { plainUsername: "admin", plainPassword: "secret" });
    req.connect(rep.lastEndpoint);
    await roundTrip(req, rep);
    assert.equal(decisions.map((d) => [d.mechanism, d.address, d.status, d.userId]), [["PLAIN", "127.0.0.1", 200, "admin"]]);
  });

  it("a zeromq.js PLAIN client with a wrong password is refused: 400 at the wasmq server and at libzmq", async (res) => {
    const auth = await started(res, []);
    auth.configurePlain({ admin: "secret" });
    const rep = await wasmqServer(res, { plainServer: true });
    const req = libClient(res, { plainUsername: "admin", plainPassword: "guess", reconnectInterval: 10_000 });
    const server = nextEvent(rep, "handshake:error:auth");
    // libzmq's PLAIN code spells the ERROR command "\x05ERROR" in C, where the
    // hex escape takes the "E" too ("\x5eRROR"), and its client recognises
    // only that spelling: a wasmq PLAIN server refuses in it.
    const client = nextEvent(req, "handshake:error:auth");
    req.connect(rep.lastEndpoint);
    req.send("let me in").catch(() => {});
    assert.is((await server).error.status, 400);
    assert.is((await client).error.status, 400);
    assert.not.ok(rep.readable, "nothing was delivered");
  });

  it("a zeromq.js CURVE client whose key is allowed gets into a wasmq server; another key is refused", async (res) => {
    const decisions = [];
    const auth = await started(res, decisions);
    const server = zmq.curveKeyPair();
    const good = native.curveKeyPair();
    const other = native.curveKeyPair();
    await auth.configureCurve([good.publicKey]);
    const rep = await wasmqServer(res, { curveServer: true, curveSecretKey: server.secretKey });
    const req = libClient(res, { curveServerKey: server.publicKey, curvePublicKey: good.publicKey, curveSecretKey: good.secretKey });
    req.connect(rep.lastEndpoint);
    await roundTrip(req, rep);
    assert.is(decisions[0].userId, good.publicKey);

    const rep2 = await wasmqServer(res, { curveServer: true, curveSecretKey: server.secretKey });
    const bad = libClient(res, { curveServerKey: server.publicKey, curvePublicKey: other.publicKey, curveSecretKey: other.secretKey, reconnectInterval: 10_000 });
    bad.connect(rep2.lastEndpoint);
    await refusedOnBothSides(bad, rep2);
  });
}

test.run();
