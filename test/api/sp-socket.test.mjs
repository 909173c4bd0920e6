// The wasmq/sp socket surface: exports, option defaults and read-back,
// invalid values, raw mode, receiveTimeout/sendTimeout → ETIMEDOUT, a closed
// socket → ECLOSED, a peer of the wrong protocol refused, receivePriority,
// and `require("wasmq/sp")` from CommonJS.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { zmq, api, eachTransport, recv, send, str, expectCode, withTimeout, watch, bindAny } from "./helpers/util.mjs";
import { sp, bound, spSock, logOf, link } from "./helpers/sp.mjs";
import { run } from "../helpers/child.mjs";

const test = suite("api: SP socket");
const it = api(test, { timeout: 15_000 });

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLASSES = ["Pair0", "Pair1", "Bus", "Req", "Rep", "Pub", "Sub", "Push", "Pull", "Surveyor", "Respondent"];

it("exports every SP socket class, each an SpSocket", async (res) => {
  for (const name of CLASSES) {
    assert.type(sp[name], "function", name);
    const s = spSock(res, sp[name]);
    assert.ok(s instanceof sp.SpSocket, `${name} extends SpSocket`);
    assert.is(s.closed, false);
  }
  assert.type(sp.Observer, "function");
});

it("option defaults (nng's)", async (res) => {
  for (const name of CLASSES) {
    const s = spSock(res, sp[name]);
    assert.is(s.raw, false, `${name}.raw`);
    assert.is(s.maxTtl, 8, `${name}.maxTtl`);
    assert.is(s.sendPriority, 8, `${name}.sendPriority`);
    assert.is(s.receivePriority, 8, `${name}.receivePriority`);
    assert.is(s.tcpNoDelay, true, `${name}.tcpNoDelay`);
    assert.is(s.ipv4Only, false, `${name}.ipv4Only`);
    assert.is(s.name, "", `${name}.name`);
    assert.is(s.maxMessageSize, 1024 * 1024, `${name}.maxMessageSize`);
    assert.is(s.receiveTimeout, -1, `${name}.receiveTimeout`);
    assert.is(s.sendTimeout, -1, `${name}.sendTimeout`);
  }
  assert.is(spSock(res, sp.Req).resendInterval, 60_000);
  assert.is(spSock(res, sp.Surveyor).surveyTime, 1000);
});

it("options set through the constructor and through setters read back", async (res) => {
  const req = spSock(res, sp.Req, {
    resendInterval: 250, maxTtl: 15, sendPriority: 1, receivePriority: 16, tcpNoDelay: false,
    ipv4Only: true, name: "my-req", maxMessageSize: 4096, receiveTimeout: 10, sendTimeout: 20,
  });
  assert.is(req.resendInterval, 250);
  assert.is(req.maxTtl, 15);
  assert.is(req.sendPriority, 1);
  assert.is(req.receivePriority, 16);
  assert.is(req.tcpNoDelay, false);
  assert.is(req.ipv4Only, true);
  assert.is(req.name, "my-req");
  assert.is(req.maxMessageSize, 4096);
  assert.is(req.receiveTimeout, 10);
  assert.is(req.sendTimeout, 20);

  const sv = spSock(res, sp.Surveyor, { surveyTime: 42 });
  assert.is(sv.surveyTime, 42);
  sv.surveyTime = 7;
  sv.maxTtl = 1;
  sv.name = "s";
  sv.tcpNoDelay = true;
  sv.ipv4Only = false;
  assert.is(sv.surveyTime, 7);
  assert.is(sv.maxTtl, 1);
  assert.is(sv.name, "s");
  assert.is(sv.tcpNoDelay, true);
  assert.is(sv.ipv4Only, false);
});

it("invalid option values throw EINVAL and leave the value unchanged", async (res) => {
  const s = spSock(res, sp.Req);
  for (const [opt, v] of [
    ["maxTtl", 0], ["maxTtl", 16], ["sendPriority", 0], ["sendPriority", 17],
    ["receivePriority", 0], ["receivePriority", 17], ["resendInterval", -1], ["maxTtl", "8"],
  ]) {
    const before = s[opt];
    await expectCode(() => { s[opt] = v; }, "EINVAL", `${opt} = ${JSON.stringify(v)}`);
    assert.is(s[opt], before, `${opt} unchanged`);
  }
  await expectCode(() => { spSock(res, sp.Surveyor).surveyTime = -5; }, "EINVAL", "surveyTime = -5");
  await expectCode(() => spSock(res, sp.Pair0, { maxTtl: 99 }), "EINVAL", "maxTtl 99 in the constructor");
});

it("raw mode is fixed at construction", async (res) => {
  for (const name of CLASSES) {
    const s = spSock(res, sp[name], { raw: true });
    assert.is(s.raw, true, `${name} raw`);
  }
  assert.is(spSock(res, sp.Rep, { raw: false }).raw, false);
});

eachTransport(it, "receiveTimeout: a receive with nothing coming rejects ETIMEDOUT", async (res, kind) => {
  const { sock: pull, ep } = await bound(res, sp.Pull, kind, { receiveTimeout: 50 });
  const push = spSock(res, sp.Push);
  push.connect(ep);
  const t0 = Date.now();
  await expectCode(() => pull.receive(), "ETIMEDOUT", "receive with receiveTimeout 50", 2000);
  assert.ok(Date.now() - t0 >= 45, `timed out after ${Date.now() - t0} ms`);
  // The socket still works afterwards.
  await send(push, "after-timeout");
  assert.equal(str(await recv(pull)), ["after-timeout"]);
});

it("receiveTimeout on REQ waiting for a reply, and sendTimeout on a PUSH with no peer: ETIMEDOUT", async (res) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, "inproc");
  const req = spSock(res, sp.Req, { receiveTimeout: 40 });
  req.connect(ep);
  await send(req, "never-answered");
  assert.equal(str(await recv(rep)), ["never-answered"]);
  await expectCode(() => req.receive(), "ETIMEDOUT", "REQ receive", 2000);
  const push = spSock(res, sp.Push, { sendTimeout: 40 });
  await expectCode(() => push.send("nowhere"), "ETIMEDOUT", "PUSH send with no peer", 2000);
});

it("receiveTimeout 0 / sendTimeout 0: nothing ready fails at once with ETIMEDOUT (nng), not EAGAIN", async (res) => {
  // nng: a zero NNG_OPT_RECVTIMEO/SENDTIMEO expires the operation at once with
  // NNG_ETIMEDOUT (EAGAIN only with NNG_FLAG_NONBLOCK, which has no
  // counterpart here); wasmq/sp reports timeouts as ETIMEDOUT everywhere else.
  const pull = spSock(res, sp.Pull, { receiveTimeout: 0 });
  await expectCode(() => pull.receive(), "ETIMEDOUT", "receive with receiveTimeout 0", 1000);
  const push = spSock(res, sp.Push, { sendTimeout: 0 });
  await expectCode(() => push.send("nowhere"), "ETIMEDOUT", "send with sendTimeout 0 and no peer", 1000);
});

it("a closed socket: operations reject/throw ECLOSED, pending ones reject ECLOSED", async (res) => {
  const rep = spSock(res, sp.Rep);
  await rep.bind(`inproc://sp-closed-${process.pid}`);
  const pending = rep.receive();
  const push = spSock(res, sp.Push);
  const pendingSend = push.send("no-peer");
  rep.close();
  push.close();
  assert.is(rep.closed, true);
  await expectCode(pending, "ECLOSED", "a receive pending at close");
  await expectCode(pendingSend, "ECLOSED", "a send pending at close");
  await expectCode(() => rep.receive(), "ECLOSED", "receive after close");
  await expectCode(() => rep.send("x"), "ECLOSED", "send after close");
  await expectCode(() => rep.bind("inproc://sp-closed-2"), "ECLOSED", "bind after close");
  await expectCode(() => rep.connect("inproc://sp-closed-3"), "ECLOSED", "connect after close");
  rep.close(); // idempotent
  // Its address is free again.
  const again = spSock(res, sp.Rep);
  await withTimeout(again.bind(`inproc://sp-closed-${process.pid}`), 2000, "rebinding the address");
});

eachTransport(it, "a peer of the wrong protocol is refused on both sides (ERR_SP_PROTOCOL_MISMATCH)", async (res, kind) => {
  const { sock: pull, ep } = await bound(res, sp.Pull, kind);
  const req = spSock(res, sp.Req, { reconnectInterval: 60_000 });
  req.connect(ep);
  const mine = await logOf(req).next("handshake:error:protocol");
  const theirs = await logOf(pull).next("handshake:error:protocol");
  assert.is(mine.error?.code, "ERR_SP_PROTOCOL_MISMATCH");
  assert.is(theirs.error?.code, "ERR_SP_PROTOCOL_MISMATCH");
  assert.is(logOf(req).count("handshake"), 0);
  assert.is(logOf(pull).count("handshake"), 0);
});

eachTransport(it, "events: connect, accept, handshake on both sides, disconnect when the peer closes", async (res, kind) => {
  const { sock: a, ep } = await bound(res, sp.Pair0, kind);
  const b = spSock(res, sp.Pair0);
  b.connect(ep);
  await logOf(b).next("connect");
  await logOf(a).next("accept");
  await logOf(b).next("handshake");
  const h = await logOf(a).next("handshake");
  assert.ok(typeof h.address === "string" && h.address.length > 0);
  b.close();
  const d = await logOf(a).next("disconnect");
  assert.is(d.error, undefined, "a peer closing is not an error");
});

it("receivePriority: a PULL takes from the higher-priority PUSH first [inproc]", async (res) => {
  // inproc: both PUSHes' output is flushed in one turn and delivered before
  // the receiving loop resumes, so both queues are full when it does. The
  // first message may be taken alone as it arrives.
  const { sock: low, ep: epLow } = await bound(res, sp.Push, "inproc");
  const { sock: high, ep: epHigh } = await bound(res, sp.Push, "inproc");
  const pull = spSock(res, sp.Pull);
  pull.receivePriority = 2;
  await link(pull, low, epLow);
  pull.receivePriority = 1;
  await link(pull, high, epHigh);
  const N = 5;
  for (let i = 0; i < N; i++) { void low.send(`low${i}`); void high.send(`high${i}`); }
  const got = [];
  for (let i = 0; i < 2 * N; i++) got.push(...str(await recv(pull)));
  const rest = got[0] === "low0" ? got.slice(1) : got;
  const firstLow = rest.findIndex((m) => m.startsWith("low"));
  assert.ok(rest.slice(0, firstLow).length === N && rest.slice(firstLow).every((m) => m.startsWith("low")),
    `all high-priority messages before the remaining low ones: ${got.join(",")}`);
});

eachTransport(it, "close() lingers: messages already sent are still delivered", async (res, kind) => {
  const { sock: pull, ep } = await bound(res, sp.Pull, kind);
  const push = spSock(res, sp.Push);
  await link(push, pull, ep);
  for (let i = 0; i < 50; i++) await send(push, `m${i}`);
  push.close();
  for (let i = 0; i < 50; i++) assert.equal(str(await recv(pull)), [`m${i}`]);
});

it("for await over an SP socket yields messages and ends when it closes", async (res) => {
  const { sock: pull, ep } = await bound(res, sp.Pull, "inproc");
  const push = spSock(res, sp.Push);
  push.connect(ep);
  for (let i = 0; i < 3; i++) await send(push, `i${i}`);
  const got = [];
  for await (const m of pull) {
    got.push(...str(m));
    if (got.length === 3) break;
  }
  assert.equal(got, ["i0", "i1", "i2"]);
  const rest = (async () => { const g = []; for await (const m of pull) g.push(m); return g; })();
  pull.close();
  assert.equal(await withTimeout(rest, 2000, "the iteration to end"), []);
});

it("readable/writable follow the protocol state (REQ/REP)", async (res) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, "inproc");
  const req = spSock(res, sp.Req);
  assert.is(rep.writable, false, "REP: nothing to answer");
  assert.is(req.writable, false, "REQ: no peer");
  await link(req, rep, ep);
  assert.is(req.writable, true, "REQ: a peer to ask");
  await send(req, "x");
  assert.equal(str(await recv(rep)), ["x"]);
  assert.is(rep.writable, true, "REP: a request to answer");
  assert.is(req.readable, false, "REQ: no reply yet");
  await send(rep, "y");
  assert.is(rep.writable, false);
  assert.equal(str(await recv(req)), ["y"]);
  assert.is(req.readable, false);
});

eachTransport(it, "a ZeroMQ peer is refused by an SP socket (and vice versa), without hanging", async (res, kind) => {
  for (const spBinds of [true, false]) {
    const binder = res.sock(spBinds ? new sp.Pair0() : new zmq.Pair());
    const blog = watch(binder);
    const ep = await bindAny(binder, kind, res);
    const connector = res.sock(spBinds ? new zmq.Pair({ reconnectInterval: 60_000 }) : new sp.Pair0({ reconnectInterval: 60_000 }));
    const clog = watch(connector);
    connector.connect(ep);
    const [spLog, zLog] = spBinds ? [blog, clog] : [clog, blog];
    const spErr = await spLog.next("handshake:error:protocol");
    const zErr = await zLog.next("handshake:error:protocol");
    assert.is(spErr.error?.code, "ERR_SP_BAD_HEADER", `SP side (${spBinds ? "binder" : "connector"})`);
    assert.is(zErr.error?.code, "ERR_ZMTP_BAD_GREETING", `ZMTP side (${spBinds ? "connector" : "binder"})`);
    assert.is(spLog.count("handshake") + zLog.count("handshake"), 0);
  }
});

/** Runs a child process to completion (bounded, killed in teardown); resolves { code, stdout, stderr }. */
const runChild = (cmd, args, options, res, ms) => run(cmd, args, { ...options, res, timeout: ms });

it("require(\"wasmq/sp\") works from CommonJS: every class, and a REQ/REP round trip", async (res) => {
  const script = `
    const sp = require("wasmq/sp");
    console.log(Object.keys(sp).sort().join(","));
    const rep = new sp.Rep();
    const req = new sp.Req();
    (async () => {
      await rep.bind("tcp://127.0.0.1:0");
      req.connect(rep.lastEndpoint);
      await req.send(["from", "-cjs"]);
      const [q] = await rep.receive();
      await rep.send("re:" + q);
      const m = await req.receive();
      console.log("roundtrip:" + m.map(String).join("|") + ":" + Buffer.isBuffer(m[0]));
      req.close(); rep.close();
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = await runChild(process.execPath, ["-e", script], { cwd: ROOT }, res, 12_000);
  assert.is(r.code, 0, `node -e exited ${r.code}: ${r.stderr}`);
  const [names, roundtrip] = r.stdout.trim().split("\n");
  const exported = names.split(",");
  for (const c of [...CLASSES, "SpSocket"]) assert.ok(exported.includes(c), `CommonJS export ${c} (got ${names})`);
  assert.is(roundtrip, "roundtrip:re:from-cjs:true");
});

test.run();
