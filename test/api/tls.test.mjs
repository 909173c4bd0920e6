// TLS through the public API (src/transports/tls.ts, ws.ts): SP over
// tls+tcp:// (the SP TCP mapping inside TLS, as nng's tls transport), and
// wss:// with a listener-owned HTTPS server and dialers that take a CA, for
// both families. Certificates are made at test time (test/helpers/certs.mjs).
//
// - Both directions wasmq <-> wasmq (REQ/REP, PUSH/PULL; either side binds).
// - Every option form: tlsCertKeyFile/tlsCaFile, tlsConfig with PEM strings
//   or Buffers, in the constructor, as properties, and per endpoint on
//   bind()/connect() (which win over the socket's); tlsServerName and
//   tlsConfig.servername; tlsAuthMode and rejectUnauthorized.
// - Refusals: another CA's server, another host name's certificate, a
//   missing or foreign client certificate: a handshake:error:auth event with
//   the TLS reason as its code, connect:retry on the dialer, nothing
//   delivered, and the listener goes on serving good clients.
// - Misconfiguration (unreadable file, cert without key, key of another
//   certificate, a listener without a certificate, TLS options where they
//   would not apply) fails bind()/connect() or the option at once.
// - Hostile clients (plaintext, garbage, resets mid-handshake) cost the
//   listener nothing: no crash, no descriptor left (/proc/self/fd).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as net from "node:net";
import * as https from "node:https";
import { readdirSync } from "node:fs";
import { api, zmq, recv, str, withTimeout, expectCode } from "./helpers/util.mjs";
import { sp, logOf, spSock } from "./helpers/sp.mjs";
import { attach } from "./helpers/ws.mjs";
import { certs, certFile } from "../helpers/certs.mjs";

const test = suite("api: TLS (tls+tcp:// for SP, wss:// for both families)");
const it = api(test, { timeout: 10_000 });

const C = certs();
const TLS_ANY = "tls+tcp://127.0.0.1:0";
const TLS_ENDPOINT = /^tls\+tcp:\/\/127\.0\.0\.1:[1-9]\d*$/;
const BASE = { linger: 0, reconnectInterval: 50 };
const HANDSHAKE_ERRORS = ["handshake:error:auth", "handshake:error:protocol", "handshake:error:other"];

/** A wasmq socket of either family, tracked, with its event log running. */
const sock = (res, Class, options = {}) => spSock(res, Class, { ...BASE, ...options });

/** One request answered: REQ sends, REP receives and answers. */
async function roundTrip(req, rep, tag = "") {
  await req.send(`ping${tag}`);
  assert.equal(str(await recv(rep, 5000, `the request${tag}`)), [`ping${tag}`]);
  await rep.send(`pong${tag}`);
  assert.equal(str(await recv(req, 5000, `the reply${tag}`)), [`pong${tag}`]);
}

const openFds = () => readdirSync("/proc/self/fd").length;

/** Resolves once this process holds no more descriptors than `limit` (polled, bounded). */
async function fdsBackTo(limit, what) {
  const deadline = Date.now() + 5000;
  while (openFds() > limit) {
    if (Date.now() > deadline) throw new Error(`${what}: ${openFds() - limit} descriptor(s) still open`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function rawConnect(port) {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host: "127.0.0.1", port }, () => resolve(c));
    c.once("error", reject);
  });
}

// ------------------------------------------------------------ tls+tcp://, both directions

it("an SP REQ dialing tls+tcp:// with tlsCaFile is answered by a REP bound with tlsCertKeyFile", async (res) => {
  const rep = sock(res, sp.Rep, { tlsCertKeyFile: C.server.bothFile });
  await rep.bind(TLS_ANY);
  assert.match(rep.lastEndpoint, TLS_ENDPOINT);
  assert.is((await logOf(rep).next("bind")).address, rep.lastEndpoint, "the bind event names the real port");
  const req = sock(res, sp.Req, { tlsCaFile: C.ca.certFile });
  req.connect(rep.lastEndpoint);
  await roundTrip(req, rep);
  assert.is((await logOf(req).next("connect")).address, rep.lastEndpoint);
  assert.is((await logOf(rep).next("accept")).address, rep.lastEndpoint);
  assert.is(logOf(req).count("handshake:error:auth"), 0);
});

it("the other way round: a REQ and a PUSH bind tls+tcp://, the REP and the PULL dial them", async (res) => {
  const req = sock(res, sp.Req, { tlsCertKeyFile: C.server.bothFile });
  await req.bind(TLS_ANY);
  const rep = sock(res, sp.Rep, { tlsCaFile: C.ca.certFile });
  rep.connect(req.lastEndpoint);
  await roundTrip(req, rep);

  const push = sock(res, sp.Push, { tlsCertKeyFile: C.server.bothFile });
  await push.bind(TLS_ANY);
  const pull = sock(res, sp.Pull, { tlsCaFile: C.ca.certFile });
  pull.connect(push.lastEndpoint);
  for (let i = 0; i < 5; i++) await push.send(`job ${i}`);
  for (let i = 0; i < 5; i++) assert.equal(str(await recv(pull, 5000, `job ${i}`)), [`job ${i}`]);
});

it("a tls+tcp:// link carries large messages whole (1 MiB each way)", async (res) => {
  const big = Buffer.alloc(1 << 20);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  const rep = sock(res, sp.Rep, { tlsCertKeyFile: C.server.bothFile, maxMessageSize: 0 });
  await rep.bind(TLS_ANY);
  const req = sock(res, sp.Req, { tlsCaFile: C.ca.certFile, maxMessageSize: 0 });
  req.connect(rep.lastEndpoint);
  await req.send(big);
  const [q] = await recv(rep, 8000, "the 1 MiB request");
  assert.ok(Buffer.from(q).equals(big), "the request arrived whole");
  await rep.send(big);
  const [a] = await recv(req, 8000, "the 1 MiB reply");
  assert.ok(Buffer.from(a).equals(big), "the reply arrived whole");
});

// ------------------------------------------------------------ every option form

const serverForms = {
  "tlsCertKeyFile (constructor)": { socket: { tlsCertKeyFile: C.server.bothFile } },
  "tlsConfig { cert, key } as strings (constructor)": { socket: { tlsConfig: { cert: C.server.cert, key: C.server.key } } },
  "tlsConfig { cert, key } as Buffers (property)": { property: { tlsConfig: { cert: Buffer.from(C.server.cert), key: Buffer.from(C.server.key) } } },
  "tlsCertKeyFile given to bind()": { endpoint: { tlsCertKeyFile: C.server.bothFile } },
  "tlsConfig given to bind()": { endpoint: { tlsConfig: { cert: [C.server.cert], key: C.server.key } } },
};
const clientForms = {
  "tlsCaFile (property)": { property: { tlsCaFile: C.ca.certFile } },
  "tlsConfig { ca } as a string (constructor)": { socket: { tlsConfig: { ca: C.ca.cert } } },
  "tlsConfig { ca } as a Buffer array (constructor)": { socket: { tlsConfig: { ca: [Buffer.from(C.ca.cert)] } } },
  "tlsCaFile given to connect()": { endpoint: { tlsCaFile: C.ca.certFile } },
  "tlsConfig { ca } given to connect()": { endpoint: { tlsConfig: { ca: C.ca.cert } } },
};

it("every way of giving the TLS options works: files or tlsConfig, strings or Buffers, constructor, property or per endpoint", async (res) => {
  const names = Object.keys(clientForms);
  let n = 0;
  for (const [sName, s] of Object.entries(serverForms)) {
    // Each server form against one client form (in turn), and the last against all.
    const clients = sName === Object.keys(serverForms).at(-1) ? names : [names[n++ % names.length]];
    const rep = sock(res, sp.Rep, s.socket);
    Object.assign(rep, s.property ?? {});
    await rep.bind(TLS_ANY, s.endpoint);
    for (const cName of clients) {
      const c = clientForms[cName];
      const req = sock(res, sp.Req, c.socket);
      Object.assign(req, c.property ?? {});
      req.connect(rep.lastEndpoint, c.endpoint);
      await roundTrip(req, rep, ` [${sName} / ${cName}]`);
      req.close();
    }
  }
});

it("TLS options read back as set, null by default, and a property set does not change an endpoint already made", async (res) => {
  const req = sock(res, sp.Req);
  for (const name of ["tlsConfig", "tlsCaFile", "tlsCertKeyFile", "tlsAuthMode", "tlsServerName"]) assert.is(req[name], null, `${name} defaults to null`);
  const config = { ca: C.ca.cert, servername: "localhost" };
  req.tlsConfig = config;
  req.tlsAuthMode = "required";
  req.tlsCaFile = null;
  assert.equal(req.tlsConfig, config);
  assert.is(req.tlsAuthMode, "required");
  const z = sock(res, zmq.Dealer, { tlsCaFile: C.ca.certFile, tlsServerName: "localhost" });
  assert.is(z.tlsCaFile, C.ca.certFile, "wasmq/zmq sockets have them too (for wss://)");
  assert.is(z.tlsServerName, "localhost");

  const rep = sock(res, sp.Rep, { tlsCertKeyFile: C.server.bothFile });
  await rep.bind(TLS_ANY);
  const good = sock(res, sp.Req, { tlsCaFile: C.ca.certFile });
  good.connect(rep.lastEndpoint);
  await roundTrip(good, rep, " 1");
  // The endpoint keeps what it was made with: it redials with the good CA.
  good.tlsCaFile = C.otherCa.certFile;
  await rep.unbind(rep.lastEndpoint);
  await rep.bind(good.lastEndpoint);
  await roundTrip(good, rep, " 2");
});

it("an endpoint's own TLS options win over the socket's", async (res) => {
  const rep = sock(res, sp.Rep, { tlsCertKeyFile: C.otherServer.bothFile });
  await rep.bind(TLS_ANY, { tlsCertKeyFile: C.server.bothFile });
  const req = sock(res, sp.Req, { tlsCaFile: C.otherCa.certFile });
  req.connect(rep.lastEndpoint, { tlsCaFile: C.ca.certFile });
  await roundTrip(req, rep);
  assert.is(logOf(req).count("handshake:error:auth"), 0, "verified against the endpoint's CA");
});

it("tlsServerName, or tlsConfig.servername, names the host a dialer checks the certificate against", async (res) => {
  const rep = sock(res, sp.Rep, { tlsCertKeyFile: C.wrongHost.bothFile });
  await rep.bind(TLS_ANY);
  const a = sock(res, sp.Req, { tlsCaFile: C.ca.certFile, tlsServerName: "elsewhere.example" });
  a.connect(rep.lastEndpoint);
  await roundTrip(a, rep, " (tlsServerName)");
  const b = sock(res, sp.Req);
  b.connect(rep.lastEndpoint, { tlsConfig: { ca: C.ca.cert, servername: "elsewhere.example" } });
  await roundTrip(b, rep, " (tlsConfig.servername)");
});

// ------------------------------------------------------------ refusals

it("a server certificate from another CA is refused: handshake:error:auth with the TLS reason, connect:retry, nothing delivered, and the next good client is served", async (res) => {
  const pull = sock(res, sp.Pull, { tlsCertKeyFile: C.otherServer.bothFile });
  await pull.bind(TLS_ANY);
  const bad = sock(res, sp.Push, { tlsCaFile: C.ca.certFile });
  bad.connect(pull.lastEndpoint);
  bad.send("from the refused client").catch(() => {});
  const ev = await logOf(bad).next("handshake:error:auth");
  assert.is(ev.address, pull.lastEndpoint);
  assert.is(ev.error.code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE", ev.error.message);
  assert.match(ev.error.message, /unable to verify the first certificate/);
  const retry = await logOf(bad).next("connect:retry");
  assert.is(retry.error.code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "the retry carries the same reason");
  // The listener saw the client give up in the handshake, and no pipe.
  await logOf(pull).next(HANDSHAKE_ERRORS);
  assert.is(logOf(bad).count("connect"), 0, "the refused dialer never connected");
  assert.is(logOf(pull).count("accept"), 0, "the listener accepted nothing");

  const good = sock(res, sp.Push, { tlsCaFile: C.otherCa.certFile });
  good.connect(pull.lastEndpoint);
  await good.send("from the good client");
  assert.equal(str(await recv(pull, 5000, "the good client's message")), ["from the good client"], "the first message is the good client's");
  bad.close();
  assert.is(pull.readable, false, "and nothing else");
});

it("a certificate for another host name is refused with ERR_TLS_CERT_ALTNAME_INVALID, naming the host", async (res) => {
  const rep = sock(res, sp.Rep, { tlsCertKeyFile: C.wrongHost.bothFile });
  await rep.bind(TLS_ANY);
  const req = sock(res, sp.Req, { tlsCaFile: C.ca.certFile });
  req.connect(rep.lastEndpoint);
  req.send("never seen").catch(() => {});
  const ev = await logOf(req).next("handshake:error:auth");
  assert.is(ev.error.code, "ERR_TLS_CERT_ALTNAME_INVALID", ev.error.message);
  assert.match(ev.error.message, /Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1/);
  assert.is(logOf(req).count("connect"), 0);
  assert.is(rep.readable, false, "no request reached the REP");
});

it("rejectUnauthorized false, or tlsAuthMode none, lets a dialer accept a server it cannot verify", async (res) => {
  const rep = sock(res, sp.Rep, { tlsCertKeyFile: C.otherServer.bothFile });
  await rep.bind(TLS_ANY);
  const a = sock(res, sp.Req, { tlsConfig: { ca: C.ca.cert, rejectUnauthorized: false } });
  a.connect(rep.lastEndpoint);
  await roundTrip(a, rep, " (rejectUnauthorized false)");
  const b = sock(res, sp.Req, { tlsCaFile: C.ca.certFile });
  b.connect(rep.lastEndpoint, { tlsAuthMode: "none" });
  await roundTrip(b, rep, " (tlsAuthMode none)");
  // Node's bundled roots, no options at all: refused, as by default.
  const c = sock(res, sp.Req);
  c.connect(rep.lastEndpoint);
  assert.is((await logOf(c).next("handshake:error:auth")).error.code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
});

it("a listener with tlsAuthMode required serves a client certificate from its CA and refuses none or another CA's, saying why", async (res) => {
  const listen = { tlsCertKeyFile: C.server.bothFile, tlsCaFile: C.ca.certFile, tlsAuthMode: "required" };
  const refused = [
    ["no certificate", {}, /^ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE$/],
    ["another CA's certificate", { tlsCertKeyFile: C.otherClient.bothFile }, /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?)$/],
  ];
  for (const [what, options, code] of refused) {
    const pull = sock(res, sp.Pull, listen);
    await pull.bind(TLS_ANY);
    const push = sock(res, sp.Push, { tlsCaFile: C.ca.certFile, ...options });
    push.connect(pull.lastEndpoint);
    push.send(`from a client with ${what}`).catch(() => {});
    const ev = await logOf(pull).next("handshake:error:auth");
    assert.is(ev.address, pull.lastEndpoint);
    assert.match(ev.error.code, code, `${what}: ${ev.error.message}`);
    assert.match(ev.error.message, /the client/);
    // The listener has no pipe for it; whatever the client wrote was never read.
    assert.is(logOf(pull).count("accept"), 0, `${what}: no pipe`);
    assert.is(pull.readable, false);
    push.close();
    // The same listener serves a client with a good certificate next.
    const good = sock(res, sp.Push, { tlsCaFile: C.ca.certFile, tlsCertKeyFile: C.client.bothFile });
    good.connect(pull.lastEndpoint);
    await good.send("from a client with a good certificate");
    assert.equal(str(await recv(pull, 5000, "the good client's message")), ["from a client with a good certificate"]);
  }
});

it("tlsConfig { requestCert, rejectUnauthorized false } (tlsAuthMode optional) accepts clients with or without a certificate", async (res) => {
  for (const listen of [{ tlsAuthMode: "optional", tlsCaFile: C.ca.certFile }, { tlsConfig: { requestCert: true, rejectUnauthorized: false } }]) {
    const rep = sock(res, sp.Rep, { tlsCertKeyFile: C.server.bothFile, ...listen });
    await rep.bind(TLS_ANY);
    const a = sock(res, sp.Req, { tlsCaFile: C.ca.certFile });
    a.connect(rep.lastEndpoint);
    await roundTrip(a, rep, " without a certificate");
    const b = sock(res, sp.Req, { tlsCaFile: C.ca.certFile, tlsCertKeyFile: C.otherClient.bothFile });
    b.connect(rep.lastEndpoint);
    await roundTrip(b, rep, " with another CA's certificate");
  }
});

// ------------------------------------------------------------ misconfiguration: at once, typed

it("misconfiguration fails bind() or connect() at once with a clear error, never a plaintext fallback", async (res) => {
  const missing = "/nonexistent/wasmq-ca.pem";
  let e = await expectCode(() => sock(res, sp.Req, { tlsCaFile: missing }).connect("tls+tcp://127.0.0.1:5555"), "ENOENT", "an unreadable tlsCaFile");
  assert.match(e.message, /tlsCaFile "\/nonexistent\/wasmq-ca.pem" cannot be read/);
  e = await expectCode(() => sock(res, sp.Rep).bind(TLS_ANY, { tlsCertKeyFile: missing }), "ENOENT", "an unreadable tlsCertKeyFile");
  assert.match(e.message, /tlsCertKeyFile/);
  e = await expectCode(() => sock(res, sp.Rep).bind(TLS_ANY), "EINVAL", "a TLS listener without a certificate");
  assert.match(e.message, /needs a certificate and its key \(tlsCertKeyFile, or tlsConfig \{ cert, key \}\)/);
  e = await expectCode(() => sock(res, sp.Rep, { tlsCertKeyFile: C.server.certFile }).bind(TLS_ANY), "EINVAL", "a tlsCertKeyFile holding no key");
  assert.match(e.message, /one PEM private key/);
  e = await expectCode(() => sock(res, sp.Rep, { tlsConfig: { cert: C.server.cert, key: C.client.key } }).bind(TLS_ANY), "EINVAL", "the key of another certificate");
  assert.match(e.message, /not usable/);
  e = await expectCode(() => sock(res, sp.Req, { tlsCaFile: certFile("not-pem.txt", "hello\n") }).connect("tls+tcp://127.0.0.1:5555"), "EINVAL", "a CA file with no certificate");
  assert.match(e.message, /holds no PEM certificate/);
  e = await expectCode(() => sock(res, sp.Req, { tlsConfig: { ca: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n" } }).connect("tls+tcp://127.0.0.1:5555"), "EINVAL", "a broken PEM");
  e = await expectCode(() => sock(res, sp.Req, { tlsCaFile: C.ca.certFile, tlsConfig: { ca: C.ca.cert } }).connect("tls+tcp://127.0.0.1:5555"), "EINVAL", "a CA given twice");
  assert.match(e.message, /give tlsCaFile or tlsConfig.ca, not both/);
  e = await expectCode(() => sock(res, sp.Req, { tlsAuthMode: "none", tlsConfig: { rejectUnauthorized: true } }).connect("tls+tcp://127.0.0.1:5555"), "EINVAL", "two verdicts");
  assert.match(e.message, /not both/);
  // Nothing was left behind by the failed endpoints.
  const req = sock(res, sp.Req, { tlsCaFile: missing });
  assert.throws(() => req.connect("tls+tcp://127.0.0.1:5555"));
  req.tlsCaFile = C.ca.certFile;
  req.connect("tls+tcp://127.0.0.1:5555");
  assert.is(req.lastEndpoint, "tls+tcp://127.0.0.1:5555", "the same address connects once the option is fixed");
});

it("TLS option values are checked as they are set: a TypeError naming the option and what is wrong", async (res) => {
  const cases = [
    [{ tlsConfig: { cert: C.server.cert } }, /tlsConfig.*cert was given without key/],
    [{ tlsConfig: { key: C.server.key } }, /tlsConfig.*key was given without cert/],
    [{ tlsConfig: { rejectUnauthorised: false } }, /tlsConfig.*has no field "rejectUnauthorised"/],
    [{ tlsConfig: { ca: 5 } }, /tlsConfig.*ca must be PEM text/],
    [{ tlsConfig: { ca: "" } }, /tlsConfig.*ca must be PEM text/],
    [{ tlsConfig: { rejectUnauthorized: "no" } }, /tlsConfig.*rejectUnauthorized must be a boolean/],
    [{ tlsConfig: { minVersion: "TLSv1" } }, /tlsConfig.*minVersion must be "TLSv1.2" or "TLSv1.3"/],
    [{ tlsConfig: "cert.pem" }, /tlsConfig" must be an object of TLS options/],
    [{ tlsAuthMode: "sometimes" }, /tlsAuthMode" must be one of null, "none", "optional", "required"/],
    [{ tlsCaFile: 5 }, /tlsCaFile" must be a string or null/],
  ];
  for (const [options, re] of cases) {
    for (const Class of [sp.Req, zmq.Request]) {
      let err = null;
      try { new Class(options); } catch (x) { err = x; }
      assert.ok(err, `${Class.name}(${JSON.stringify(options)}) throws`);
      assert.instance(err, TypeError);
      assert.is(err.code, "EINVAL");
      assert.match(err.message, re);
    }
    // As an endpoint option too.
    const s = sock(res, sp.Req);
    assert.throws(() => s.connect("tls+tcp://127.0.0.1:5555", options), (x) => x instanceof TypeError && re.test(x.message));
  }
});

it("TLS options never apply silently where they cannot: tcp:// and ws:// endpoints, ZeroMQ on tls+tcp://, other endpoint options", async (res) => {
  const s = sock(res, sp.Push);
  let e = await expectCode(() => s.connect("tcp://127.0.0.1:5555", { tlsCaFile: C.ca.certFile }), "EINVAL", "TLS options on tcp://");
  assert.match(e.message, /does not use TLS \(did you mean tls\+tcp:\/\/\?\)/);
  e = await expectCode(() => s.bind("ws://127.0.0.1:0/x", { tlsCertKeyFile: C.server.bothFile }), "EINVAL", "TLS options on ws://");
  assert.match(e.message, /did you mean wss:\/\//);
  assert.throws(() => s.connect("tls+tcp://127.0.0.1:5555", { linger: 5 }), (x) => x instanceof TypeError && /"linger" is not an endpoint option/.test(x.message));
  // Socket-wide TLS options sit harmlessly beside plain endpoints, as in nng.
  const plain = sock(res, sp.Pull, { tlsCaFile: C.ca.certFile });
  await plain.bind("tcp://127.0.0.1:0");
  s.connect(plain.lastEndpoint);
  await s.send("plain tcp");
  assert.equal(str(await recv(plain)), ["plain tcp"]);
  // libzmq has no TLS transport: a ZeroMQ socket is told to use wss:// instead.
  const z = sock(res, zmq.Push, { tlsCaFile: C.ca.certFile });
  e = await expectCode(() => z.connect("tls+tcp://127.0.0.1:5555"), "EPROTONOSUPPORT", "ZeroMQ on tls+tcp://");
  assert.match(e.message, /wss:\/\//);
  await expectCode(() => sock(res, zmq.Pull, { tlsCertKeyFile: C.server.bothFile }).bind(TLS_ANY), "EPROTONOSUPPORT", "ZeroMQ binding tls+tcp://");
});

// ------------------------------------------------------------ hostile clients

/** What a hostile client sends before it goes: each must cost the listener nothing. */
const HOSTILE = [
  ["plaintext HTTP", Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), "end"],
  ["an SP header in the clear", Buffer.from([0, 0x53, 0x50, 0, 0, 0x30, 0, 0]), "end"],
  ["garbage", Buffer.alloc(300, 0x5a), "end"],
  ["half a ClientHello, then a reset", Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]), "reset"],
  ["nothing, then a reset", Buffer.alloc(0), "reset"],
];

async function hostileClients(port, n = 8) {
  for (const [, bytes, how] of HOSTILE) {
    for (let i = 0; i < n; i++) {
      const c = await rawConnect(port);
      c.on("error", () => {});
      if (bytes.length) c.write(bytes);
      if (how === "reset") c.resetAndDestroy();
      else {
        // Read what the server says (an alert) and let it close the connection.
        c.resume();
        c.end();
        await withTimeout(new Promise((r) => c.once("close", r)), 5000, "the server to close a hostile connection");
      }
    }
  }
}

it("a tls+tcp:// listener survives clients that send plaintext, garbage or reset mid-handshake, reports them, and leaks no descriptor", async (res) => {
  const rep = sock(res, sp.Rep, { tlsCertKeyFile: C.server.bothFile });
  await rep.bind(TLS_ANY);
  const port = Number(new URL(rep.lastEndpoint.replace("tls+tcp", "http")).port);
  const before = openFds();
  await hostileClients(port);
  await fdsBackTo(before, "after the hostile clients");
  const log = logOf(rep);
  const protocol = log.events.filter((e) => e.type === "handshake:error:protocol");
  assert.is(protocol.length, 3 * 8, "each plaintext or garbage client is a protocol error");
  assert.ok(protocol.every((e) => /^ERR_SSL_/.test(e.error.code) && e.address === rep.lastEndpoint), JSON.stringify(protocol.map((e) => e.error.code)));
  assert.is(log.count("accept"), 0);
  const req = sock(res, sp.Req, { tlsCaFile: C.ca.certFile });
  req.connect(rep.lastEndpoint);
  await roundTrip(req, rep, " after the hostile clients");
});

it("unbinding a tls+tcp:// listener drops connections still in their handshake at once", async (res) => {
  const rep = sock(res, sp.Rep, { tlsCertKeyFile: C.server.bothFile });
  await rep.bind(TLS_ANY);
  const ep = rep.lastEndpoint;
  const stalled = await rawConnect(Number(ep.slice(ep.lastIndexOf(":") + 1)));
  stalled.on("error", () => {});
  stalled.resume();
  const closed = new Promise((r) => stalled.once("close", r));
  // The handshake timeout is 10 s, more than this test's bound: only the
  // unbind itself can end the stalled connection in time.
  await withTimeout(rep.unbind(ep), 5000, "the unbind");
  await withTimeout(closed, 5000, "the stalled connection to be closed");
});

// ------------------------------------------------------------ wss://

it("wss:// for ZeroMQ: a Reply binds with its own HTTPS server from tlsCertKeyFile, a Request dials with the CA given to connect()", async (res) => {
  const rep = sock(res, zmq.Reply, { tlsCertKeyFile: C.server.bothFile });
  await rep.bind("wss://127.0.0.1:0/zmq");
  assert.match(rep.lastEndpoint, /^wss:\/\/127\.0\.0\.1:[1-9]\d*\/zmq$/);
  const req = sock(res, zmq.Request);
  req.connect(rep.lastEndpoint, { tlsCaFile: C.ca.certFile });
  await roundTrip(req, rep);
  // Multipart survives ZWS inside TLS.
  const dealer = sock(res, zmq.Dealer, { tlsConfig: { ca: C.ca.cert } });
  const router = sock(res, zmq.Router, { tlsConfig: { cert: C.server.cert, key: C.server.key } });
  await router.bind("wss://127.0.0.1:0/router");
  dealer.connect(router.lastEndpoint);
  await dealer.send(["a", "b", "c"]);
  const [, ...frames] = await recv(router);
  assert.equal(str(frames), ["a", "b", "c"]);
});

it("wss:// for SP: a Rep binds with tlsConfig { cert, key }, a Req dials with tlsCaFile, and a Pull binds with the certificate given to bind()", async (res) => {
  const rep = sock(res, sp.Rep, { tlsConfig: { cert: C.server.cert, key: C.server.key } });
  await rep.bind("wss://127.0.0.1:0/sp");
  const req = sock(res, sp.Req, { tlsCaFile: C.ca.certFile });
  req.connect(rep.lastEndpoint);
  await roundTrip(req, rep);
  const pull = sock(res, sp.Pull);
  await pull.bind("wss://127.0.0.1:0/pull", { tlsCertKeyFile: C.server.bothFile });
  const push = sock(res, sp.Push);
  push.connect(pull.lastEndpoint, { tlsConfig: { ca: C.ca.cert } });
  await push.send("over wss");
  assert.equal(str(await recv(pull)), ["over wss"]);
});

it("a wss:// dialer refuses a server of another CA, or of another host name, with handshake:error:auth (both families)", async (res) => {
  for (const [Listen, Dial] of [[zmq.Pull, zmq.Push], [sp.Pull, sp.Push]]) {
    for (const [server, code] of [[C.otherServer, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"], [C.wrongHost, "ERR_TLS_CERT_ALTNAME_INVALID"]]) {
      const pull = sock(res, Listen, { tlsCertKeyFile: server.bothFile });
      await pull.bind("wss://127.0.0.1:0/refuse");
      const push = sock(res, Dial, { tlsCaFile: C.ca.certFile });
      push.connect(pull.lastEndpoint);
      push.send("never delivered").catch(() => {});
      const ev = await logOf(push).next("handshake:error:auth");
      assert.is(ev.error.code, code, `${Dial.name}: ${ev.error.message}`);
      assert.is((await logOf(push).next("connect:retry")).error.code, code);
      assert.is(logOf(push).count("connect"), 0);
      assert.is(pull.readable, false);
      push.close();
      pull.close();
    }
  }
});

it("a wss:// bind needs a certificate unless an attached https.Server serves the port, and then refuses TLS options of its own", async (res) => {
  const e = await expectCode(() => sock(res, zmq.Pull).bind("wss://127.0.0.1:0/x"), "EINVAL", "wss:// without a certificate");
  assert.match(e.message, /tlsCertKeyFile/);
  const server = https.createServer({ cert: C.server.cert, key: C.server.key }, (_q, r) => r.end("page"));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  res.defer(() => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }));
  attach(server);
  const port = server.address().port;
  await expectCode(() => sock(res, zmq.Pull).bind(`wss://127.0.0.1:${port}/x`, { tlsCertKeyFile: C.server.bothFile }), "EINVAL", "TLS options on an attached server's port");
  // Without options it mounts, as before.
  const pull = sock(res, zmq.Pull);
  await pull.bind(`wss://127.0.0.1:${port}/mounted`);
  const push = sock(res, zmq.Push, { tlsCaFile: C.ca.certFile });
  push.connect(pull.lastEndpoint);
  await push.send("through the application's server");
  assert.equal(str(await recv(pull)), ["through the application's server"]);
});

it("a wss:// listener survives clients that send plaintext, garbage or reset mid-handshake, and leaks no descriptor", async (res) => {
  const rep = sock(res, sp.Rep, { tlsCertKeyFile: C.server.bothFile });
  await rep.bind("wss://127.0.0.1:0/hostile");
  const port = Number(new URL(rep.lastEndpoint).port);
  const before = openFds();
  await hostileClients(port);
  await fdsBackTo(before, "after the hostile clients");
  assert.ok(logOf(rep).count("handshake:error:protocol") > 0, "reported as handshake errors");
  const req = sock(res, sp.Req, { tlsCaFile: C.ca.certFile });
  req.connect(rep.lastEndpoint);
  await roundTrip(req, rep, " after the hostile clients");
});

test.run();
