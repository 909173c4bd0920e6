// ZMTP security through the public API, wasmq on both sides: PLAIN (RFC 24),
// CURVE (RFC 26) and ZAP (RFC 27), with the behaviour zeromq.js's own tests
// expect of these options (written here as wasmq's own tests):
//
// - securityMechanism reads null, "plain" or "curve" as the options set it,
//   with libzmq's option semantics (plainServer, plainUsername, curveServer
//   and curveServerKey each choose the mechanism; turning one off goes back
//   to NULL).
// - CURVE with curveKeyPair() keys delivers over tcp://, ipc://, inproc://
//   and ws:// (the server may connect and the client bind); multipart with
//   empty frames both ways. A wrong server key delivers nothing, the server
//   reporting handshake:error:protocol ERR_ZMTP_CRYPTOGRAPHIC.
// - ZAP (a ROUTER bound at inproc://zeromq.zap.01 answering RFC 27 requests
//   that it checks: domain, mechanism, credentials): PLAIN and CURVE deliver
//   when it says 200; when it says 400 both sides report
//   handshake:error:auth at the endpoint's address, an Error with message
//   "Authentication failure" and status 400, and nothing is delivered.
// - A handler answering with a bad version or a malformed reply:
//   handshake:error:protocol ERR_ZAP_BAD_VERSION / ERR_ZAP_MALFORMED_REPLY.
// - Mechanisms that do not match: both sides report handshake:error:protocol
//   ERR_ZMTP_MECHANISM_MISMATCH.
// - ws://: a CURVE dialer offers the subprotocol "ZWS2.0+CURVE"; a CURVE
//   listener accepts "ZWS2.0+CURVE" and "ZWS2.0/CURVE" and refuses the
//   weaker "ZWS2.0" and "ZWS2.0+PLAIN".
// - bind()/connect() refuse at once (EINVAL) a CURVE socket without the keys
//   its role needs.
//
// WASMQ_IMPL=zeromq runs the cases that apply to libzmq against zeromq.js
// (libzmq's inproc:// runs no security handshake, and it has no ws://);
// wasmq-only cases are marked so.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as net from "node:net";
import { WebSocketServer, WebSocket } from "ws";
import { api, zmq, recv, str, withTimeout, isWasmq, laterAddress, expectCode } from "./helpers/util.mjs";

const test = suite("api: security (PLAIN, CURVE, ZAP)");
const it = api(test, { timeout: 8_000 });
// wasmq-only behaviours are not registered when the suite runs against zeromq.js.
const wasmqOnly = (name, fn) => { if (isWasmq) it(name, fn); };

const ZAP_ENDPOINT = "inproc://zeromq.zap.01";
const BASE = { linger: 0, reconnectInterval: 50 };

/** Transports where a security handshake runs (libzmq's inproc has none). */
const SECURED = isWasmq ? ["tcp", "ipc", "inproc", "ws"] : ["tcp", "ipc"];
const CURVE_TRANSPORTS = isWasmq ? ["tcp", "ipc", "inproc", "ws"] : ["tcp", "ipc", "inproc"];

let wsCount = 0;
/**
 * Bind `sock` for `kind`; returns the address the peer connects to, which is
 * also the address both sides' events carry (tcp: a port that was free, so
 * the bound address is the connect address; ws: port 0, then lastEndpoint).
 */
async function bindFor(sock, kind, res) {
  if (kind === "ws") {
    await sock.bind(`ws://127.0.0.1:0/security-${wsCount++}`);
    return sock.lastEndpoint;
  }
  const address = await laterAddress(kind, res, "sec");
  await sock.bind(address);
  return address;
}

/** The first event of `type` on `sock` (listening starts now, before bind/connect). */
function captureEvent(sock, type, ms = 5000) {
  return withTimeout(
    new Promise((resolve) => {
      const fn = (e) => {
        sock.events.off?.(type, fn);
        resolve(e);
      };
      sock.events.on(type, fn);
    }),
    ms,
    `event ${type}`,
  );
}

/** Resolves with the n-th event of `type` (n >= 1). */
function nthEvent(sock, type, n, ms = 5000) {
  let seen = 0;
  return withTimeout(
    new Promise((resolve) => {
      sock.events.on(type, (e) => {
        if (++seen === n) resolve(e);
      });
    }),
    ms,
    `event ${type} #${n}`,
  );
}

/**
 * A ZAP handler: a ROUTER at inproc://zeromq.zap.01 answering each RFC 27
 * request with handle(request frames) (the reply after the routing
 * envelope); records the requests.
 */
async function zapHandler(res, handle) {
  const sock = res.sock(new zmq.Router({ linger: 0 }));
  // libzmq (WASMQ_IMPL=zeromq) lets go of a closed socket's inproc name
  // asynchronously: the previous test's handler may still hold it a moment.
  for (let tries = 0; ; tries++) {
    try {
      await sock.bind(ZAP_ENDPOINT);
      break;
    } catch (err) {
      if (err.code !== "EADDRINUSE" || tries > 100) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const requests = [];
  (async () => {
    for (;;) {
      let msg;
      try {
        msg = await sock.receive();
      } catch {
        return;
      }
      const [route, delim, ...request] = msg;
      requests.push(request);
      try {
        await sock.send([route, delim, ...handle(request)]);
      } catch {
        return;
      }
    }
  })();
  return { sock, requests };
}

/**
 * zeromq.js's validating handler: 200 for the expected domain, mechanism and
 * credentials; 300 for a wrong number of credentials; 400 otherwise.
 */
function validating({ domain, mechanism, credentials }) {
  return ([version, id, dom, _address, _identity, mech, ...creds]) => {
    let status = ["200", "OK"];
    const m = mech.toString();
    if (m !== mechanism) status = ["400", "Wrong mechanism"];
    else if (m === "PLAIN" && creds.length !== 2) status = ["300", "Expected 2 credentials"];
    else if (m === "CURVE" && creds.length !== 1) status = ["300", "Expected 1 credential"];
    else if (dom.toString() !== domain) status = ["400", "Unknown domain"];
    else if (!creds.every((c, i) => Buffer.from(c).equals(Buffer.from(credentials[i])))) status = ["400", "Bad credentials"];
    return [version, id, ...status, status[0] === "200" ? "user" : "", ""];
  };
}

const curvePair = () => {
  const server = zmq.curveKeyPair();
  const client = zmq.curveKeyPair();
  return {
    server,
    client,
    serverOpts: { curveServer: true, curvePublicKey: server.publicKey, curveSecretKey: server.secretKey },
    clientOpts: { curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey },
  };
};

// Z85 → 32 bytes, by the implementation under test's rules (zeromq.js has no z85Decode export).
const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
function z85Bytes(s) {
  const out = Buffer.alloc((s.length * 4) / 5);
  for (let i = 0, o = 0; i < s.length; i += 5) {
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 85 + Z85.indexOf(s[i + j]);
    out.writeUInt32BE(v >>> 0, o);
    o += 4;
  }
  return out;
}

/** zeromq.js's expectations of a handshake:error:auth event for a 400 refusal. */
function authFailure(e, address, who) {
  assert.is(e.type, "handshake:error:auth", who);
  assert.is(e.address, address, `${who} address`);
  assert.instance(e.error, Error, who);
  assert.is(e.error.message, "Authentication failure", who);
  assert.is(e.error.status, 400, who);
}

// --- securityMechanism --------------------------------------------------------------
it("securityMechanism reads null by default, \"plain\" or \"curve\" as the options choose, and null again when turned off", () => {
  const k = zmq.curveKeyPair();
  const s = new zmq.Pair({ linger: 0 });
  try {
    assert.is(s.securityMechanism, null);
    s.plainServer = true;
    assert.is(s.securityMechanism, "plain");
    assert.is(s.plainServer, true);
    s.plainServer = false;
    assert.is(s.securityMechanism, null);
    s.plainUsername = "user";
    assert.is(s.securityMechanism, "plain");
    assert.is(s.plainServer, false, "a username makes a PLAIN client");
    s.curveServer = true;
    assert.is(s.securityMechanism, "curve");
    s.curveServer = false;
    assert.is(s.securityMechanism, null);
    s.curveServerKey = k.publicKey;
    assert.is(s.securityMechanism, "curve", "a server key makes a CURVE client");
    // wasmq reads keys back as Z85 (zeromq.js's getters throw EINVAL).
    if (isWasmq) assert.is(s.curveServerKey, k.publicKey, "keys read back as Z85");
  } finally {
    s.close();
  }
  const c = new zmq.Pair({ linger: 0, curveServer: true, curveSecretKey: k.secretKey });
  const p = new zmq.Pair({ linger: 0, plainUsername: "u", plainPassword: "p" });
  assert.is(c.securityMechanism, "curve");
  if (isWasmq) assert.is(c.curveSecretKey, k.secretKey);
  assert.is(p.securityMechanism, "plain");
  assert.is(p.plainUsername, "u");
  assert.is(p.plainPassword, "p");
  c.close();
  p.close();
});

it("curveKeyPair() gives 40-character Z85 keys, a fresh pair each time", () => {
  const a = zmq.curveKeyPair();
  const b = zmq.curveKeyPair();
  for (const key of [a.publicKey, a.secretKey, b.publicKey]) {
    assert.is(key.length, 40);
    assert.ok([...key].every((ch) => Z85.includes(ch)), key);
  }
  assert.is.not(a.secretKey, b.secretKey);
  assert.is.not(a.publicKey, a.secretKey);
});

// --- CURVE send/receive ------------------------------------------------------------------
for (const kind of CURVE_TRANSPORTS) {
  it(`CURVE over ${kind}: the server connects to the binding client and a string message is delivered`, async (res) => {
    const k = curvePair();
    const sockA = res.sock(new zmq.Pair({ ...BASE, ...k.serverOpts }));
    const sockB = res.sock(new zmq.Pair({ ...BASE, ...k.clientOpts }));
    const address = await bindFor(sockB, kind, res);
    sockA.connect(address);
    await sockA.send("foo");
    assert.equal(str(await recv(sockB)), ["foo"]);
  });

  it(`CURVE over ${kind}: the client connects to the binding server; multipart messages with empty frames both ways`, async (res) => {
    const k = curvePair();
    const server = res.sock(new zmq.Dealer({ ...BASE, ...k.serverOpts }));
    const client = res.sock(new zmq.Dealer({ ...BASE, ...k.clientOpts }));
    const address = await bindFor(server, kind, res);
    // libzmq's inproc:// has no handshake (and no event for it)
    const hs = kind !== "inproc" || isWasmq ? captureEvent(client, "handshake") : null;
    client.connect(address);
    await client.send(["a", "", Buffer.alloc(0), "d"]);
    assert.equal(str(await recv(server)), ["a", "", "", "d"]);
    await server.send([Buffer.alloc(0)]);
    assert.equal((await recv(client)).map((f) => f.length), [0]);
    if (hs) assert.is((await hs).address, address);
  });
}

it("CURVE: a client with the wrong server key delivers nothing and the server reports ERR_ZMTP_CRYPTOGRAPHIC", async (res) => {
  const k = curvePair();
  const server = res.sock(new zmq.Pull({ ...BASE, ...k.serverOpts }));
  const client = res.sock(new zmq.Push({ ...BASE, ...k.clientOpts, curveServerKey: zmq.curveKeyPair().publicKey }));
  const address = await bindFor(server, "tcp", res);
  const second = nthEvent(server, "handshake:error:protocol", 2);
  const first = captureEvent(server, "handshake:error:protocol");
  client.connect(address);
  await client.send("no");
  const e = await first;
  assert.is(e.error.code, "ERR_ZMTP_CRYPTOGRAPHIC");
  assert.is(e.address, address);
  await second;
  assert.not.ok(server.readable, "nothing delivered");
});

wasmqOnly("CURVE over inproc is a real handshake in wasmq: a wrong server key delivers nothing", async (res) => {
  const k = curvePair();
  const server = res.sock(new zmq.Pull({ ...BASE, ...k.serverOpts }));
  const client = res.sock(new zmq.Push({ ...BASE, ...k.clientOpts, curveServerKey: zmq.curveKeyPair().publicKey }));
  const address = await bindFor(server, "inproc", res);
  const second = nthEvent(server, "handshake:error:protocol", 2);
  client.connect(address);
  await client.send("no");
  assert.is((await second).error.code, "ERR_ZMTP_CRYPTOGRAPHIC");
  assert.not.ok(server.readable);
});

wasmqOnly("bind() and connect() refuse a CURVE socket without the keys its role needs (EINVAL)", async (res) => {
  const k = zmq.curveKeyPair();
  const noSecret = res.sock(new zmq.Pair({ linger: 0, curveServer: true }));
  await expectCode(() => noSecret.bind("tcp://127.0.0.1:0"), "EINVAL", "a CURVE server without curveSecretKey");
  const noOwnKeys = res.sock(new zmq.Pair({ linger: 0, curveServerKey: k.publicKey }));
  await expectCode(() => noOwnKeys.connect("tcp://127.0.0.1:1"), "EINVAL", "a CURVE client without its own key pair");
  const other = zmq.curveKeyPair();
  const mismatched = res.sock(new zmq.Pair({ linger: 0, curveServer: true, curveSecretKey: k.secretKey, curvePublicKey: other.publicKey }));
  await expectCode(() => mismatched.bind("tcp://127.0.0.1:0"), "EINVAL", "a public key that is not the secret key's");
});

// --- ZAP with PLAIN ---------------------------------------------------------------------------
for (const kind of SECURED) {
  it(`ZAP with PLAIN over ${kind}: the handler accepts the credentials and a message is delivered`, async (res) => {
    const handler = await zapHandler(res, validating({ domain: "test", mechanism: "PLAIN", credentials: ["user", "pass"] }));
    const sockA = res.sock(new zmq.Pair(BASE));
    const sockB = res.sock(new zmq.Pair(BASE));
    sockA.plainServer = true;
    sockA.zapDomain = "test";
    sockB.plainUsername = "user";
    sockB.plainPassword = "pass";
    assert.is(sockA.securityMechanism, "plain");
    assert.is(sockB.securityMechanism, "plain");
    const address = await bindFor(sockA, kind, res);
    sockB.connect(address);
    await sockA.send("foo");
    assert.equal(str(await recv(sockB)), ["foo"]);
    const [version, , domain, , , mechanism, ...creds] = handler.requests[0];
    assert.equal([String(version), String(domain), String(mechanism)], ["1.0", "test", "PLAIN"]);
    assert.equal(creds.map(String), ["user", "pass"]);
  });

  it(`ZAP with PLAIN over ${kind}: a bad password is reported on both sides as handshake:error:auth with status 400`, async (res) => {
    await zapHandler(res, validating({ domain: "test", mechanism: "PLAIN", credentials: ["user", "pass"] }));
    const sockA = res.sock(new zmq.Pair(BASE));
    const sockB = res.sock(new zmq.Pair(BASE));
    sockA.plainServer = true;
    sockA.zapDomain = "test";
    sockB.plainUsername = "user";
    sockB.plainPassword = "BAD PASS";
    const evA = captureEvent(sockA, "handshake:error:auth");
    const evB = captureEvent(sockB, "handshake:error:auth");
    const address = await bindFor(sockA, kind, res);
    sockB.connect(address);
    sockB.send("must-not-arrive").catch(() => {});
    const [eventA, eventB] = await Promise.all([evA, evB]);
    authFailure(eventA, address, "server");
    authFailure(eventB, address, "client");
    assert.not.ok(sockA.readable, "nothing delivered");
  });
}

it("ZAP with PLAIN: an unknown domain is refused (400) and nothing is delivered", async (res) => {
  await zapHandler(res, validating({ domain: "test", mechanism: "PLAIN", credentials: ["user", "pass"] }));
  const server = res.sock(new zmq.Pull({ ...BASE, plainServer: true, zapDomain: "elsewhere" }));
  const client = res.sock(new zmq.Push({ ...BASE, plainUsername: "user", plainPassword: "pass" }));
  const ev = captureEvent(server, "handshake:error:auth");
  const address = await bindFor(server, "tcp", res);
  client.connect(address);
  await client.send("no");
  assert.is((await ev).error.status, 400);
  assert.not.ok(server.readable);
});

it("ZAP: a reply with version 9.9 is handshake:error:protocol ERR_ZAP_BAD_VERSION at the server", async (res) => {
  await zapHandler(res, ([, id]) => ["9.9", id, "200", "OK", "", ""]);
  const sockA = res.sock(new zmq.Pair({ ...BASE, plainServer: true, zapDomain: "test" }));
  const sockB = res.sock(new zmq.Pair({ ...BASE, plainUsername: "user" }));
  const evA = captureEvent(sockA, "handshake:error:protocol");
  const address = await bindFor(sockA, "tcp", res);
  sockB.connect(address);
  const eventA = await evA;
  assert.is(eventA.address, address);
  assert.instance(eventA.error, Error);
  assert.is(eventA.error.code, "ERR_ZAP_BAD_VERSION");
});

// zeromq.js's "protocol format error" case: a reply whose frames do not
// name a waiting request (two empty frames; or seven with an unknown
// request id) fails the oldest waiting handshake at once, as libzmq's one
// ZAP pipe per connection does, rather than leaving it to time out.
it("ZAP: a reply of two empty frames is handshake:error:protocol ERR_ZAP_MALFORMED_REPLY at the server", async (res) => {
  await zapHandler(res, () => ["", ""]);
  const sockA = res.sock(new zmq.Pair({ ...BASE, plainServer: true, zapDomain: "test" }));
  const sockB = res.sock(new zmq.Pair({ ...BASE, plainUsername: "user" }));
  const evA = captureEvent(sockA, "handshake:error:protocol");
  const address = await bindFor(sockA, "tcp", res);
  sockB.connect(address);
  const eventA = await evA;
  assert.is(eventA.address, address);
  assert.is(eventA.error.code, "ERR_ZAP_MALFORMED_REPLY");
});

for (const [what, reply, code] of [
  ["a reply of 6 frames", (id) => ["1.0", id, "200", "OK", ""], "ERR_ZAP_MALFORMED_REPLY"],
  ["status code 201", (id) => ["1.0", id, "201", "OK", "", ""], "ERR_ZAP_INVALID_STATUS_CODE"],
  ["metadata that does not parse", (id) => ["1.0", id, "200", "OK", "", "\x05"], "ERR_ZAP_INVALID_METADATA"],
]) {
  it(`ZAP: ${what} is handshake:error:protocol ${code} at the server; nothing is delivered`, async (res) => {
    await zapHandler(res, ([, id]) => reply(id));
    const server = res.sock(new zmq.Pull({ ...BASE, plainServer: true, zapDomain: "test" }));
    const client = res.sock(new zmq.Push({ ...BASE, plainUsername: "user" }));
    const ev = captureEvent(server, "handshake:error:protocol");
    const address = await bindFor(server, "tcp", res);
    client.connect(address);
    await client.send("no");
    const e = await ev;
    assert.is(e.address, address);
    assert.is(e.error.code, code);
    assert.not.ok(server.readable);
  });
}

it("a PLAIN server and a CURVE server meeting: both report handshake:error:protocol ERR_ZMTP_MECHANISM_MISMATCH", async (res) => {
  const k = zmq.curveKeyPair();
  const sockA = res.sock(new zmq.Pair({ ...BASE, plainServer: true }));
  // wasmq needs the CURVE server's secret key before it binds or connects (zeromq.js's test sets none).
  const sockB = res.sock(new zmq.Pair({ ...BASE, curveServer: true, curveSecretKey: k.secretKey }));
  const evA = captureEvent(sockA, "handshake:error:protocol");
  const evB = captureEvent(sockB, "handshake:error:protocol");
  const address = await bindFor(sockA, "tcp", res);
  sockB.connect(address);
  const [eventA, eventB] = await Promise.all([evA, evB]);
  assert.is(eventA.address, address);
  assert.is(eventB.address, address);
  assert.is(eventA.error.code, "ERR_ZMTP_MECHANISM_MISMATCH");
  assert.is(eventB.error.code, "ERR_ZMTP_MECHANISM_MISMATCH");
});

// Protocol errors carry zeromq.js's messages: "ZAP protocol error" for
// ERR_ZAP_*, "ZMTP protocol error" for ERR_ZMTP_* (auth errors their own).
it("handshake:error:protocol errors have zeromq.js's messages: \"ZAP protocol error\", \"ZMTP protocol error\"", async (res) => {
  await zapHandler(res, ([, id]) => ["9.9", id, "200", "OK", "", ""]);
  const sockA = res.sock(new zmq.Pair({ ...BASE, plainServer: true, zapDomain: "test" }));
  const sockB = res.sock(new zmq.Pair({ ...BASE, plainUsername: "user" }));
  const evA = captureEvent(sockA, "handshake:error:protocol");
  const address = await bindFor(sockA, "tcp", res);
  sockB.connect(address);
  const a = await evA;
  assert.is(a.error.code, "ERR_ZAP_BAD_VERSION");
  assert.is(a.error.message, "ZAP protocol error");
  const k = curvePair();
  const server = res.sock(new zmq.Pull({ ...BASE, ...k.serverOpts }));
  const client = res.sock(new zmq.Push({ ...BASE, ...k.clientOpts, curveServerKey: zmq.curveKeyPair().publicKey }));
  const ev = captureEvent(server, "handshake:error:protocol");
  client.connect(await bindFor(server, "tcp", res));
  const e = await ev;
  assert.is(e.error.code, "ERR_ZMTP_CRYPTOGRAPHIC");
  assert.is(e.error.message, "ZMTP protocol error");
});

wasmqOnly("a PLAIN client reads a refusal in RFC 24's spelling (\"\\x05ERROR\") as well as libzmq's (\"^RROR\"): handshake:error:auth 400", async (res) => {
  for (const name of ["\x05ERROR", "^RROR"]) {
    const server = net.createServer((c) => {
      const greeting = Buffer.alloc(64);
      greeting[0] = 0xff;
      greeting[9] = 0x7f;
      greeting[10] = 3;
      greeting[11] = 1;
      greeting.write("PLAIN", 12, "latin1");
      greeting[32] = 1; // as-server
      c.write(greeting);
      let got = 0;
      c.on("data", (d) => {
        got += d.length;
        if (got >= 64 + 2 + 6) { // the client's greeting and at least a HELLO header
          const body = Buffer.concat([Buffer.from(name, "latin1"), Buffer.from("\x03400", "latin1")]);
          c.end(Buffer.concat([Buffer.from([0x04, body.length]), body]));
          got = -Infinity;
        }
      });
      c.on("error", () => {});
    });
    res.defer(() => new Promise((r) => server.close(() => r())));
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    const client = res.sock(new zmq.Pair({ ...BASE, plainUsername: "u", plainPassword: "p" }));
    const ev = captureEvent(client, "handshake:error:auth");
    client.connect(`tcp://127.0.0.1:${server.address().port}`);
    const e = await ev;
    assert.is(e.error.status, 400, JSON.stringify(name));
    client.close();
  }
});

// --- ZAP with CURVE -------------------------------------------------------------------------------
for (const kind of SECURED) {
  it(`ZAP with CURVE over ${kind}: the handler sees the client's public key, accepts it, and messages are delivered`, async (res) => {
    const k = curvePair();
    const handler = await zapHandler(res, validating({ domain: "keys", mechanism: "CURVE", credentials: [z85Bytes(k.client.publicKey)] }));
    const server = res.sock(new zmq.Dealer({ ...BASE, ...k.serverOpts, zapDomain: "keys" }));
    const client = res.sock(new zmq.Dealer({ ...BASE, ...k.clientOpts }));
    const address = await bindFor(server, kind, res);
    client.connect(address);
    await client.send(["hello", ""]);
    assert.equal(str(await recv(server)), ["hello", ""]);
    await server.send("back");
    assert.equal(str(await recv(client)), ["back"]);
    const [, , , , , mechanism, key] = handler.requests[0];
    assert.is(String(mechanism), "CURVE");
    assert.equal([...key], [...z85Bytes(k.client.publicKey)]);
  });

  it(`ZAP with CURVE over ${kind}: a client key the handler does not know is reported on both sides as handshake:error:auth with status 400`, async (res) => {
    const k = curvePair();
    const known = zmq.curveKeyPair();
    await zapHandler(res, validating({ domain: "keys", mechanism: "CURVE", credentials: [z85Bytes(known.publicKey)] }));
    const server = res.sock(new zmq.Pull({ ...BASE, ...k.serverOpts, zapDomain: "keys" }));
    const client = res.sock(new zmq.Push({ ...BASE, ...k.clientOpts }));
    const evA = captureEvent(server, "handshake:error:auth");
    const evB = captureEvent(client, "handshake:error:auth");
    const address = await bindFor(server, kind, res);
    client.connect(address);
    await client.send("must-not-arrive");
    const [eventA, eventB] = await Promise.all([evA, evB]);
    authFailure(eventA, address, "server");
    authFailure(eventB, address, "client");
    assert.not.ok(server.readable, "nothing delivered");
  });
}

it("ZAP with CURVE: status 300 and 500 are reported as handshake:error:auth with that status on both sides", async (res) => {
  for (const [status, text] of [["300", "Temporary error"], ["500", "Internal error"]]) {
    const k = curvePair();
    const handler = await zapHandler(res, ([version, id]) => [version, id, status, "no", "", ""]);
    const server = res.sock(new zmq.Pull({ ...BASE, ...k.serverOpts, zapDomain: "codes" }));
    const client = res.sock(new zmq.Push({ ...BASE, ...k.clientOpts }));
    const evA = captureEvent(server, "handshake:error:auth");
    // 300 closes without an ERROR command (the client is silently
    // disconnected, as libzmq does), so only 500 reaches the client.
    const evB = status === "300" ? null : captureEvent(client, "handshake:error:auth");
    const address = await bindFor(server, "tcp", res);
    client.connect(address);
    await client.send("no");
    const eventA = await evA;
    assert.is(eventA.error.status, Number(status), `server, ${status}`);
    assert.is(eventA.error.message, text);
    if (evB) assert.is((await evB).error.status, Number(status), `client, ${status}`);
    assert.not.ok(server.readable);
    client.close();
    server.close();
    handler.sock.close();
  }
});

// --- ws:// subprotocols ------------------------------------------------------------------------------
wasmqOnly('ws://: a CURVE dialer offers the subprotocol "ZWS2.0+CURVE", a PLAIN one "ZWS2.0+PLAIN"', async (res) => {
  const offers = [];
  let wake = () => {};
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: (protocols) => {
      offers.push([...protocols]);
      wake();
      return false;
    },
  });
  res.defer(() => new Promise((r) => wss.close(() => r())));
  await new Promise((r) => wss.once("listening", r));
  const nextOffer = (n) =>
    withTimeout(
      new Promise((resolve) => {
        const check = () => (offers.length >= n ? resolve(offers[n - 1]) : (wake = check));
        check();
      }),
      3000,
      `upgrade request #${n}`,
    );
  const k = curvePair();
  const client = res.sock(new zmq.Pair({ ...BASE, ...k.clientOpts }));
  client.connect(`ws://127.0.0.1:${wss.address().port}/curve`);
  assert.equal(await nextOffer(1), ["ZWS2.0+CURVE"]);
  client.close();
  const p = res.sock(new zmq.Pair({ ...BASE, plainUsername: "u", plainPassword: "p" }));
  const n = offers.length + 1;
  p.connect(`ws://127.0.0.1:${wss.address().port}/plain`);
  assert.equal(await nextOffer(n), ["ZWS2.0+PLAIN"]);
});

/** Open a raw WebSocket to url offering `protocols`: resolves {protocol} or {status} when refused. */
function rawUpgrade(url, protocols) {
  return withTimeout(
    new Promise((resolve) => {
      const ws = new WebSocket(url, protocols);
      ws.once("open", () => {
        const protocol = ws.protocol;
        ws.terminate();
        resolve({ protocol });
      });
      ws.once("unexpected-response", (_req, r) => {
        resolve({ status: r.statusCode });
        ws.terminate();
      });
      ws.once("error", (err) => resolve({ error: err.message }));
    }),
    3000,
    `upgrade to ${url} with ${protocols}`,
  );
}

wasmqOnly('ws://: a CURVE listener accepts "ZWS2.0+CURVE" and "ZWS2.0/CURVE" and refuses "ZWS2.0" and "ZWS2.0+PLAIN"', async (res) => {
  const k = curvePair();
  const server = res.sock(new zmq.Pair({ ...BASE, ...k.serverOpts }));
  const url = await bindFor(server, "ws", res);
  assert.equal(await rawUpgrade(url, ["ZWS2.0+CURVE"]), { protocol: "ZWS2.0+CURVE" });
  // the ws client refuses "/" in a token; send RFC 45's spelling through a raw upgrade
  const slash = await new Promise((resolve, reject) => {
    const u = new URL(url);
    import("node:http").then(({ request }) => {
      const req = request({
        host: u.hostname, port: u.port, path: u.pathname,
        headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": Buffer.alloc(16, 1).toString("base64"), "Sec-WebSocket-Protocol": "ZWS2.0/CURVE" },
      });
      req.on("upgrade", (r, socket) => {
        socket.destroy();
        resolve(r.headers["sec-websocket-protocol"]);
      });
      req.on("response", (r) => resolve(`HTTP ${r.statusCode}`));
      req.on("error", reject);
      req.end();
    });
  });
  assert.is(slash, "ZWS2.0/CURVE");
  const weaker = await rawUpgrade(url, ["ZWS2.0"]);
  assert.ok(weaker.protocol === undefined, `a NULL subprotocol is refused (got ${JSON.stringify(weaker)})`);
  const plainOffer = await rawUpgrade(url, ["ZWS2.0+PLAIN"]);
  assert.ok(plainOffer.protocol === undefined, `a PLAIN subprotocol is refused (got ${JSON.stringify(plainOffer)})`);
});

wasmqOnly("ws://: a NULL dialer never reaches a CURVE listener: nothing is delivered either way", async (res) => {
  const k = curvePair();
  const server = res.sock(new zmq.Pair({ ...BASE, ...k.serverOpts }));
  const url = await bindFor(server, "ws", res);
  const client = res.sock(new zmq.Pair(BASE));
  const retried = nthEvent(client, "connect:retry", 2);
  client.connect(url);
  client.send("in the clear").catch(() => {});
  await retried;
  assert.not.ok(server.readable);
});

test.run();
