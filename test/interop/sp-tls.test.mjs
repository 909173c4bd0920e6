// SP over TLS (tls+tcp://: the SP TCP mapping inside TLS) between wasmq/sp
// and nng's own tls transport: nngcat (nng 1.5 with mbedTLS, Debian
// nng-utils), wasmq binding (nngcat dials with --cacert) and wasmq
// connecting (nngcat listens with --cert/--key). Certificates are made at
// test time (test/helpers/certs.mjs).
//
// - REQ/REP both ways: wasmq REQ -> nngcat REP (3 requests, bodies exact),
//   nngcat REQ -> wasmq REP (reply routed back; nngcat exits 0).
// - PUSH/PULL both ways: 5 messages exact and in order (incl. every byte
//   value and a 0-byte body); a binary --file body, 3 copies.
// - Verification: nngcat trusting another CA refuses wasmq's certificate
//   (its dial fails; wasmq reports its alert, unknown CA, as
//   handshake:error:auth and delivers nothing);
//   wasmq trusting another CA refuses nngcat's (handshake:error:auth with
//   the TLS reason; nngcat prints nothing); nngcat -k accepts a certificate
//   it cannot verify; a wasmq listener requiring client certificates serves
//   nngcat --cert and refuses nngcat without one.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DIRECTIONS, roles, spSock, recvOne, startCat, show, ALL_BYTES, spSuite, withTimeout } from "./helpers/sp-setup.mjs";
import { EventLog } from "../api/helpers/util.mjs";
import { certs } from "../helpers/certs.mjs";

const sp = await import(process.env.WASMQ_SP_IMPL || "wasmq/sp");

const test = suite("SP over TLS interop (nngcat, tls+tcp://)");
const it = spSuite(test, 12_000);
const text = (b) => b.toString("latin1");
const C = certs();
const tool = "nngcat";

// nngcat's TLS flags: a listener shows its certificate (cert and key in one
// file, as nng's NNG_OPT_TLS_CERT_KEY_FILE takes it, or in two); a dialer
// verifies with --cacert (or not at all with -k).
const CAT_LISTENS = ["--cert", C.server.certFile, "--key", C.server.keyFile];
const CAT_DIALS = ["--cacert", C.ca.certFile];
// wasmq's side of the same link.
const WASM_LISTENS = { tlsCertKeyFile: C.server.bothFile };
const WASM_DIALS = { tlsCaFile: C.ca.certFile };

/**
 * wasmq and nngcat on one tls+tcp:// link. wasmBinds: wasmq binds on
 * 127.0.0.1:0 and nngcat dials it (synchronously: startCat waits for
 * "Connected to:"); otherwise nngcat listens and wasmq connects.
 */
async function tlsLink(res, sock, cat, { wasmBinds }) {
  if (wasmBinds) {
    await withTimeout(sock.bind("tls+tcp://127.0.0.1:0"), 5000, "wasmq bind tls+tcp://");
    return startCat(res, { tool, ...cat, dial: sock.lastEndpoint, extra: [...CAT_DIALS, ...(cat.extra ?? [])] });
  }
  const peer = await startCat(res, { tool, ...cat, listen: "tls+tcp://127.0.0.1:0", extra: [...CAT_LISTENS, ...(cat.extra ?? [])] });
  sock.connect(peer.url);
  return peer;
}

/** A wasmq socket set up for its side of the link (listening or dialing). */
const wasmSock = (res, Class, wasmBinds, opts = {}) => {
  const s = spSock(res, Class, { ...(wasmBinds ? WASM_LISTENS : WASM_DIALS), ...opts });
  return { s, log: new EventLog(s) };
};

// What wasmq sends (strings, an array sent as one message, every byte
// value, an empty body) and the body the peer must print for each.
const sent = (send) => ({ send, body: Buffer.concat([send].flat().map((x) => Buffer.from(x))) });
const REQUESTS = ["request 0 over TLS", ["request 1 ", Buffer.from("in "), "parts"], Buffer.concat([Buffer.from("request 2 "), ALL_BYTES])].map(sent);
const MESSAGES = ["job 0", ["job 1 ", "in ", "parts"], ALL_BYTES, "", Buffer.from("job 4, the last")].map(sent);

/** The peer printed exactly the bodies of `list`, in order. */
async function printedExactly(peer, list) {
  const printed = await peer.waitCount(list.length, 6000);
  assert.is(printed.length, list.length, `exactly ${list.length} messages ${peer.diag()}`);
  list.forEach((m, i) => assert.ok(printed[i].equals(m.body), `message ${i}: nngcat printed ${show(printed[i])}, sent ${show(m.body)}`));
}

for (const wasmBinds of DIRECTIONS) {
  const [w, p] = roles(wasmBinds);

  it(`wasmq REQ (${w}) -> nngcat REP (${p}) over tls+tcp: 3 requests answered, bodies exact`, async (res) => {
    const { s: req, log } = wasmSock(res, sp.Req, wasmBinds, { receiveTimeout: 6000 });
    const rep = await tlsLink(res, req, { proto: "rep", data: "pong from nngcat" }, { wasmBinds });
    for (const r of REQUESTS) {
      await req.send(r.send);
      assert.is(text(await recvOne(req, 6000, () => `the reply from ${rep.diag()}`)), "pong from nngcat");
    }
    await printedExactly(rep, REQUESTS);
    assert.is(log.count("handshake:error:auth"), 0);
  });

  it(`nngcat REQ (${p}) -> wasmq REP (${w}) over tls+tcp: request received, reply routed back, nngcat exits 0`, async (res) => {
    const { s: rep } = wasmSock(res, sp.Rep, wasmBinds, { receiveTimeout: 6000 });
    const req = await tlsLink(res, rep, { proto: "req", data: "ping from nngcat", recvTimeout: 5 }, { wasmBinds });
    const got = await recvOne(rep, 6000, () => `request from ${req.diag()}`);
    assert.is(text(got), "ping from nngcat");
    await rep.send(["pong ", "to ", "nngcat"]);
    assert.is(text(await req.recv()), "pong to nngcat");
    assert.equal(await req.exit(5000), { code: 0, signal: null }, `nngcat REQ exit ${req.diag()}`);
  });

  it(`wasmq PUSH (${w}) -> nngcat PULL (${p}) over tls+tcp: 5 messages, exact and in order`, async (res) => {
    const { s: push } = wasmSock(res, sp.Push, wasmBinds, { sendTimeout: 6000 });
    const pull = await tlsLink(res, push, { proto: "pull", count: MESSAGES.length }, { wasmBinds });
    for (const m of MESSAGES) await push.send(m.send);
    await printedExactly(pull, MESSAGES);
    assert.equal(await pull.exit(3000), { code: 0, signal: null }, `nngcat PULL exit ${pull.diag()}`);
  });

  it(`nngcat PUSH (${p}) -> wasmq PULL (${w}) over tls+tcp: binary --file body, 3 copies`, async (res) => {
    const { s: pull } = wasmSock(res, sp.Pull, wasmBinds, { receiveTimeout: 6000 });
    const body = Buffer.concat([Buffer.from("from nngcat over TLS: "), ALL_BYTES]);
    const peer = await tlsLink(res, pull, { proto: "push", data: body, count: 3, interval: 0 }, { wasmBinds });
    for (let i = 0; i < 3; i++) {
      const got = await recvOne(pull, 6000, () => `message ${i} from ${peer.diag()}`);
      assert.ok(got.equals(body), `message ${i}: got ${show(got)} (${got.length} bytes), want ${body.length} bytes`);
    }
  });
}

// ------------------------------------------------------------ verification

it("nngcat trusting another CA refuses wasmq's certificate: its dial fails, wasmq reports the handshake error and receives nothing", async (res) => {
  const rep = spSock(res, sp.Rep, WASM_LISTENS);
  const log = new EventLog(rep);
  await rep.bind("tls+tcp://127.0.0.1:0");
  // nngcat's synchronous dial fails at once: it exits before "Connected to:".
  const failed = await startCat(res, { tool, proto: "req", data: "never delivered", dial: rep.lastEndpoint, extra: ["--cacert", C.otherCa.certFile] })
    .then((cat) => new Error(`nngcat connected ${cat.diag()}`), (e) => e);
  assert.match(failed.message, /exited while waiting for Connected to:.*Cryptographic error/s);
  // mbedTLS says why with a TLS alert, which wasmq reports.
  const ev = await log.next(["handshake:error:auth", "handshake:error:protocol", "handshake:error:other"]);
  assert.is(ev.type, "handshake:error:auth", `${ev.type}: ${ev.error.message}`);
  assert.is(ev.address, rep.lastEndpoint);
  assert.is(ev.error.code, "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", ev.error.message);
  assert.match(ev.error.message, /^TLS handshake with 127\.0\.0\.1:\d+ failed: tlsv1 alert unknown ca/);
  assert.is(log.count("accept"), 0, "no pipe");
  assert.is(rep.readable, false, "nothing delivered");
  // The listener goes on: a good nngcat is answered.
  const good = await startCat(res, { tool, proto: "req", data: "ping", recvTimeout: 5, dial: rep.lastEndpoint, extra: CAT_DIALS });
  assert.is(text(await recvOne(rep, 6000, () => `request from ${good.diag()}`)), "ping");
  await rep.send("pong");
  assert.is(text(await good.recv()), "pong");
});

it("wasmq trusting another CA refuses nngcat's certificate: handshake:error:auth with the TLS reason, then connect:retry, nothing printed", async (res) => {
  const rep = await startCat(res, { tool, proto: "rep", data: "never", listen: "tls+tcp://127.0.0.1:0", extra: CAT_LISTENS });
  const req = spSock(res, sp.Req, { tlsCaFile: C.otherCa.certFile });
  const log = new EventLog(req);
  req.connect(rep.url);
  req.send("never delivered").catch(() => {});
  const ev = await log.next("handshake:error:auth");
  assert.is(ev.address, rep.url);
  assert.is(ev.error.code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE", ev.error.message);
  assert.is((await log.next("connect:retry")).error.code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  assert.is(log.count("connect"), 0);
  req.close();
  assert.is(rep.messages.length, 0, `nngcat printed nothing ${rep.diag()}`);
});

it("nngcat -k accepts a wasmq certificate it cannot verify; wasmq with rejectUnauthorized false accepts nngcat's likewise", async (res) => {
  const rep = spSock(res, sp.Rep, { tlsCertKeyFile: C.otherServer.bothFile });
  await rep.bind("tls+tcp://127.0.0.1:0");
  const req = await startCat(res, { tool, proto: "req", data: "insecure ping", recvTimeout: 5, dial: rep.lastEndpoint, extra: ["-k"] });
  assert.is(text(await recvOne(rep, 6000, () => `request from ${req.diag()}`)), "insecure ping");
  await rep.send("pong");
  assert.is(text(await req.recv()), "pong");

  const catRep = await startCat(res, {
    tool, proto: "rep", data: "pong from nngcat", listen: "tls+tcp://127.0.0.1:0",
    extra: ["--cert", C.otherServer.bothFile],
  });
  const wreq = spSock(res, sp.Req, { receiveTimeout: 6000, tlsConfig: { rejectUnauthorized: false } });
  wreq.connect(catRep.url);
  await wreq.send("ping");
  assert.is(text(await recvOne(wreq, 6000, () => `reply from ${catRep.diag()}`)), "pong from nngcat");
});

it("a wasmq listener requiring client certificates serves nngcat --cert and refuses nngcat without one, saying why", async (res) => {
  const pull = spSock(res, sp.Pull, { ...WASM_LISTENS, tlsCaFile: C.ca.certFile, tlsAuthMode: "required" });
  const log = new EventLog(pull);
  await pull.bind("tls+tcp://127.0.0.1:0");
  // Without a certificate (mbedTLS answers the request with an empty one):
  // the handshake completes, then wasmq drops the connection and says why.
  const anon = await startCat(res, { tool, proto: "push", data: "anonymous", dial: pull.lastEndpoint, extra: CAT_DIALS }).catch((e) => e);
  const ev = await log.next("handshake:error:auth");
  assert.is(ev.error.code, "ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE", ev.error.message);
  if (!(anon instanceof Error)) await anon.stop();
  assert.is(log.count("accept"), 0, "no pipe for the anonymous client");
  // With one from the listener's CA (cert and key in one file): served,
  // and its message is the first the listener delivers.
  const good = await startCat(res, { tool, proto: "push", data: "with a certificate", dial: pull.lastEndpoint, extra: [...CAT_DIALS, "--cert", C.client.bothFile] });
  assert.is(text(await recvOne(pull, 6000, () => `message from ${good.diag()}`)), "with a certificate");
  const refusals = log.events.filter((e) => e.type === "handshake:error:auth");
  assert.ok(refusals.every((e) => e.error.code === "ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE"), "only the anonymous client was refused");
});

test.run();
