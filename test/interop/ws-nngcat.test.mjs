// SP over WebSocket between wasmq/sp and nng's own ws transport (nngcat,
// nng 1.5, Debian nng-utils), wasmq binding (nngcat dials) and wasmq
// connecting (nngcat listens):
//
// - REQ/REP both ways: wasmq REQ -> nngcat REP (3 requests: string, array,
//   every byte value), nngcat REQ -> wasmq REP (reply routed back; nngcat
//   exits 0 after it).
// - PUB/SUB both ways: wasmq PUB -> nngcat SUB --subscribe a prints only the
//   "a:" messages, in order; two nngcat PUBs ("a-msg", "b-msg") -> wasmq SUB
//   subscribed to "a" delivers no "b-msg" until subscribe("b").
// - PUSH/PULL both ways: 5 messages exact and in order (incl. a 0-byte body);
//   a binary --file body, 3 copies.
// - Large bodies: 300 KiB each way (nng sends frames of at most 64 KiB, so
//   wasmq must reassemble continuation frames).
// - Subprotocol refusal both ways: nngcat REQ dialing a wasmq PULL fails the
//   dial ("Protocol error"); wasmq REQ dialing an nngcat PULL gets HTTP 400
//   and retries; nothing is delivered either way.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DIRECTIONS, roles, spSock, recvOne, startCat, show, ALL_BYTES, payload, tick, handshakes, spSuite } from "./helpers/sp-setup.mjs";
import { wsLink, peerWsUrl, freshPath } from "./helpers/ws-sp.mjs";

const sp = await import(process.env.WASMQ_SP_IMPL || "wasmq/sp");

const test = suite("SP over WebSocket interop (nngcat)");
const it = spSuite(test, 10_000);
const text = (b) => b.toString("latin1");
const tool = "nngcat";

const REQUESTS = [
  { send: "req-0 hello", body: Buffer.from("req-0 hello") },
  { send: ["req-1 ", Buffer.from("array"), " one message"], body: Buffer.from("req-1 array one message") },
  { send: Buffer.concat([Buffer.from("req-2 "), ALL_BYTES]), body: Buffer.concat([Buffer.from("req-2 "), ALL_BYTES]) },
];

const MESSAGES = [
  { send: "job-0", body: Buffer.from("job-0") },
  { send: ["job-1 ", "in ", "parts"], body: Buffer.from("job-1 in parts") },
  { send: ALL_BYTES, body: ALL_BYTES },
  { send: "", body: Buffer.alloc(0) },
  { send: Buffer.from("job-4 last"), body: Buffer.from("job-4 last") },
];

for (const wasmBinds of DIRECTIONS) {
  const [w, p] = roles(wasmBinds);

  // ------------------------------------------------------------ REQ/REP

  it(`wasmq REQ (${w}) -> nngcat REP (${p}) over ws: 3 requests answered, bodies exact`, async (res) => {
    const req = spSock(res, sp.Req, { receiveTimeout: 5000 });
    const rep = await wsLink(res, req, { tool, proto: "rep", data: "pong from nngcat" }, { wasmBinds, tag: "rep" });
    for (const [i, r] of REQUESTS.entries()) {
      await req.send(r.send);
      const reply = await recvOne(req, 6000, () => `reply ${i} from ${rep.diag()}`);
      assert.is(text(reply), "pong from nngcat", `reply ${i}`);
    }
    const printed = await rep.waitCount(REQUESTS.length);
    assert.is(printed.length, REQUESTS.length, `nngcat REP got exactly the requests ${rep.diag()}`);
    for (const [i, r] of REQUESTS.entries()) {
      assert.ok(printed[i].equals(r.body), `request ${i}: nngcat printed ${show(printed[i])}, sent ${show(r.body)}`);
    }
  });

  it(`nngcat REQ (${p}) -> wasmq REP (${w}) over ws: request received, reply routed back, nngcat exits 0`, async (res) => {
    const rep = spSock(res, sp.Rep, { receiveTimeout: 6000 });
    const req = await wsLink(res, rep, { tool, proto: "req", data: "ping from nngcat", recvTimeout: 5 }, { wasmBinds, tag: "req" });
    const got = await recvOne(rep, 6000, () => `request from ${req.diag()}`);
    assert.is(text(got), "ping from nngcat");
    await rep.send(["pong ", "to ", "nngcat"]);
    assert.is(text(await req.recv()), "pong to nngcat");
    assert.equal(await req.exit(5000), { code: 0, signal: null }, `nngcat REQ exit ${req.diag()}`);
  });

  // ------------------------------------------------------------ PUB/SUB

  it(`wasmq PUB (${w}) -> nngcat SUB --subscribe a (${p}) over ws: only the "a:" messages, in order`, async (res) => {
    const pub = spSock(res, sp.Pub);
    const sub = await wsLink(res, pub, { tool, proto: "sub", subscribe: ["a"] }, { wasmBinds, tag: "sub" });
    const sent = [];
    const until = Date.now() + 6000;
    for (let k = 0; sub.messages.length < 3 && Date.now() < until; k++) {
      for (const m of [`a:${k}`, `b:${k}`]) {
        await pub.send(m);
        sent.push(m);
      }
      await tick(20);
    }
    const printed = (await sub.waitCount(3, 2000)).map(text);
    const idx = printed.map((t) => {
      const m = /^a:(\d+)$/.exec(t);
      assert.ok(m, `nngcat SUB --subscribe a printed ${JSON.stringify(t)}; sent ${sent.length} messages ${sub.diag()}`);
      return Number(m[1]);
    });
    for (let i = 1; i < idx.length; i++) assert.is(idx[i], idx[i - 1] + 1, `consecutive "a:" messages: ${JSON.stringify(printed)}`);
  });

  it(`nngcat PUB x2 (${p}) -> wasmq SUB (${w}) over ws: subscribe("a") filters out "b-msg"; subscribe("b") lets it in`, async (res) => {
    const sub = spSock(res, sp.Sub, { receiveTimeout: 4000 });
    sub.subscribe("a");
    const both = handshakes(sub, 2);
    const pub = (data) => ({ tool, proto: "pub", data, interval: 1 });
    let pa, pb;
    if (wasmBinds) {
      const path = freshPath("pubs");
      await sub.bind(`ws://127.0.0.1:0${path}`);
      pb = await startCat(res, { ...pub("b-msg"), dial: sub.lastEndpoint });
      pa = await startCat(res, { ...pub("a-msg"), dial: sub.lastEndpoint });
    } else {
      pb = await startCat(res, { ...pub("b-msg"), listen: await peerWsUrl("pub-b") });
      pa = await startCat(res, { ...pub("a-msg"), listen: await peerWsUrl("pub-a") });
      sub.connect(pb.url);
      sub.connect(pa.url);
    }
    assert.ok(await both, "both publishers connected (2 handshakes)");
    const diag = () => `${pa.diag()} ${pb.diag()}`;
    // Two "a-msg" (a full 1 s interval, in which "b-msg" was published to us too).
    for (let i = 0; i < 2; i++) {
      const m = await recvOne(sub, 4000, () => `"a-msg" at wasmq SUB (subscribed to "a") ${diag()}`);
      assert.is(text(m), "a-msg", `wasmq SUB subscribed to "a" delivered ${show(m)}`);
    }
    sub.subscribe("b");
    for (;;) {
      const m = await recvOne(sub, 4000, () => `"b-msg" after subscribe("b") ${diag()}`);
      if (text(m) === "b-msg") break;
      assert.is(text(m), "a-msg", `unexpected message ${show(m)}`);
    }
  });

  // ------------------------------------------------------------ PUSH/PULL

  it(`wasmq PUSH (${w}) -> nngcat PULL (${p}) over ws: 5 messages (one empty), exact and in order`, async (res) => {
    const push = spSock(res, sp.Push, { sendTimeout: 5000 });
    const pull = await wsLink(res, push, { tool, proto: "pull", count: MESSAGES.length }, { wasmBinds, tag: "pull" });
    for (const m of MESSAGES) await push.send(m.send);
    const printed = await pull.waitCount(MESSAGES.length);
    assert.is(printed.length, MESSAGES.length, `exactly ${MESSAGES.length} messages ${pull.diag()}`);
    for (const [i, m] of MESSAGES.entries()) {
      assert.ok(printed[i].equals(m.body), `message ${i}: nngcat printed ${show(printed[i])}, sent ${show(m.body)}`);
    }
    assert.equal(await pull.exit(3000), { code: 0, signal: null }, `nngcat PULL exit ${pull.diag()}`);
  });

  it(`nngcat PUSH (${p}) -> wasmq PULL (${w}) over ws: binary --file body, 3 copies`, async (res) => {
    const pull = spSock(res, sp.Pull, { receiveTimeout: 5000 });
    const body = Buffer.concat([Buffer.from("from nngcat: "), ALL_BYTES]);
    const peer = await wsLink(res, pull, { tool, proto: "push", data: body, count: 3, interval: 0 }, { wasmBinds, tag: "push" });
    for (let i = 0; i < 3; i++) {
      const got = await recvOne(pull, 5000, () => `message ${i} from ${peer.diag()}`);
      assert.ok(got.equals(body), `message ${i}: got ${show(got)} (${got.length} bytes), want ${body.length} bytes`);
    }
  });
}

// ------------------------------------------------------------ large bodies

it("nngcat PUSH (dials) -> wasmq PULL (binds) over ws: a 300 KiB body (nng's 64 KiB frames reassembled)", async (res) => {
  const pull = spSock(res, sp.Pull, { receiveTimeout: 5000 });
  const body = payload(300 * 1024, 11);
  const peer = await wsLink(res, pull, { tool, proto: "push", data: body, count: 2, interval: 0 }, { wasmBinds: true, tag: "big-push" });
  for (let i = 0; i < 2; i++) {
    const got = await recvOne(pull, 5000, () => `300 KiB message ${i} from ${peer.diag()}`);
    assert.is(got.length, body.length, `message ${i} length`);
    assert.ok(got.equals(body), `message ${i} intact`);
  }
});

it("wasmq PUSH (connects) -> nngcat PULL (listens) over ws: a 300 KiB body", async (res) => {
  const push = spSock(res, sp.Push, { sendTimeout: 5000 });
  const body = payload(300 * 1024, 12);
  const pull = await wsLink(res, push, { tool, proto: "pull", count: 1 }, { wasmBinds: false, tag: "big-pull" });
  await push.send(body);
  const [got] = await pull.waitCount(1, 8000);
  assert.is(got.length, body.length, `length ${pull.diag()}`);
  assert.ok(got.equals(body), "intact");
});

// ------------------------------------------------------------ subprotocol refusal

it("nngcat REQ dialing a wasmq PULL over ws (offers rep.sp.nanomsg.org): the dial fails, nothing delivered", async (res) => {
  const pull = spSock(res, sp.Pull, { receiveTimeout: 300 });
  const path = freshPath("wrong");
  await pull.bind(`ws://127.0.0.1:0${path}`);
  const req = await startCat(res, { tool, proto: "req", data: "must not arrive", dial: pull.lastEndpoint, async: false }).catch((e) => e);
  // A synchronous nngcat dial that is refused exits non-zero at once.
  const peer = req instanceof Error ? null : req;
  if (peer) {
    const ex = await peer.exit(3000);
    assert.is.not(ex.code, 0, `nngcat REQ should fail to dial ${peer.diag()}`);
  } else {
    assert.match(req.message, /exited|Protocol error|Unable to dial/, req.message);
  }
  let got = null;
  try {
    got = await pull.receive();
  } catch (e) {
    assert.is(e.code, "ETIMEDOUT");
  }
  assert.is(got, null, `wasmq PULL received ${got && show(got[0])}`);
});

it("wasmq REQ dialing an nngcat PULL over ws (offers rep.sp.nanomsg.org): HTTP 400, retries, nothing printed", async (res) => {
  const peer = await startCat(res, { tool, proto: "pull", listen: await peerWsUrl("wrong-pull") });
  const req = spSock(res, sp.Req, { reconnectInterval: 50, sendTimeout: 0 });
  const retries = [];
  req.events.on("connect:retry", (e) => retries.push(e.error?.message));
  req.connect(peer.url);
  await req.send("must not arrive").catch(() => {});
  const t = Date.now();
  while (retries.length < 2 && Date.now() - t < 3000) await tick(20);
  assert.ok(retries.length >= 2, `connect:retry at least twice, got ${JSON.stringify(retries)}`);
  assert.match(String(retries[0]), /400/, `nng answers 400: ${retries[0]}`);
  await tick(100);
  assert.is(peer.messages.length, 0, `nngcat PULL printed nothing ${peer.diag()}`);
});

test.run();
