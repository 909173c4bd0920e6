// SP REQ/REP over inproc://, tcp:// and ipc://: round trips, a new request
// abandoning the previous one, ESTATE for a receive with no request out and a
// reply with no request in, resending after resendInterval and at once when
// the REP holding the request goes away, maxTtl on the REP, and raw REP + raw
// REQ as a device between a cooked REQ and a cooked REP.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { api, eachTransport, recv, send, str, expectCode, withTimeout, laterAddress } from "./helpers/util.mjs";
import { sp, bound, spSock, link, logOf, nothingWithin } from "./helpers/sp.mjs";

const test = suite("api: SP REQ/REP");
const it = api(test);

eachTransport(it, "REQ/REP: round trips, each reply to its request", async (res, kind) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, kind);
  const req = spSock(res, sp.Req);
  req.connect(ep);
  for (let i = 0; i < 5; i++) {
    await send(req, `q${i}`);
    assert.equal(str(await recv(rep)), [`q${i}`]);
    await send(rep, `r${i}`);
    assert.equal(str(await recv(req)), [`r${i}`]);
  }
});

eachTransport(it, "REQ/REP: two REQs on one REP each get their own reply", async (res, kind) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, kind);
  const r1 = spSock(res, sp.Req);
  const r2 = spSock(res, sp.Req);
  r1.connect(ep);
  r2.connect(ep);
  await send(r1, "from-1");
  await send(r2, "from-2");
  for (let i = 0; i < 2; i++) {
    const [q] = str(await recv(rep));
    await send(rep, `re:${q}`);
  }
  assert.equal(str(await recv(r1)), ["re:from-1"]);
  assert.equal(str(await recv(r2)), ["re:from-2"]);
});

eachTransport(it, "REQ: a second request abandons the first (its late reply is dropped)", async (res, kind) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, kind);
  const req = spSock(res, sp.Req);
  req.connect(ep);
  await send(req, "one");
  assert.equal(str(await recv(rep)), ["one"]);
  await send(req, "two"); // abandons "one"
  await send(rep, "reply-to-one"); // stale id at the REQ: dropped
  assert.equal(str(await recv(rep)), ["two"]);
  await send(rep, "reply-to-two");
  assert.equal(str(await recv(req)), ["reply-to-two"]);
  // The stale reply came first on the same connection and was not delivered.
  await expectCode(() => req.receive(), "ESTATE", "receive after the only live reply");
});

eachTransport(it, "REQ: receive with no request out rejects ESTATE (also after the reply)", async (res, kind) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, kind);
  const req = spSock(res, sp.Req);
  req.connect(ep);
  await expectCode(() => req.receive(), "ESTATE", "receive before any request");
  await send(req, "q");
  assert.equal(str(await recv(rep)), ["q"]);
  await send(rep, "r");
  assert.equal(str(await recv(req)), ["r"]);
  await expectCode(() => req.receive(), "ESTATE", "receive after the reply was taken");
});

eachTransport(it, "REP: send with no request rejects ESTATE; so does a second reply", async (res, kind) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, kind);
  await expectCode(() => rep.send("unasked"), "ESTATE", "REP send before any request");
  const req = spSock(res, sp.Req);
  req.connect(ep);
  await send(req, "q");
  assert.equal(str(await recv(rep)), ["q"]);
  await send(rep, "r");
  await expectCode(() => rep.send("again"), "ESTATE", "a second reply to one request");
  assert.equal(str(await recv(req)), ["r"]);
});

eachTransport(it, "REQ resends an unanswered request after resendInterval", async (res, kind) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, kind);
  const req = spSock(res, sp.Req, { resendInterval: 50 });
  assert.is(req.resendInterval, 50);
  req.connect(ep);
  const t0 = Date.now();
  await send(req, "please");
  assert.equal(str(await recv(rep, 2000)), ["please"]);
  // No reply: the same request comes again, about 50 ms later.
  assert.equal(str(await recv(rep, 2000, "the resent request")), ["please"]);
  assert.ok(Date.now() - t0 >= 40, `resent after ${Date.now() - t0} ms, not before the interval`);
  await send(rep, "answer");
  assert.equal(str(await recv(req, 2000)), ["answer"]);
});

eachTransport(it, "REQ resend carries the same request id (raw REP sees the same header)", async (res, kind) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, kind, { raw: true });
  const req = spSock(res, sp.Req, { resendInterval: 50 });
  req.connect(ep);
  await send(req, "same");
  const [h1, b1] = await recv(rep, 2000);
  const [h2, b2] = await recv(rep, 2000, "the resent request");
  assert.is(b1.toString(), "same");
  assert.is(b2.toString(), "same");
  assert.equal(h2, h1, "same pipe and request id");
  assert.is(h1.length, 8, "raw REP header: pipe id + request id");
  assert.ok(h1[4] & 0x80, "request id has its high bit set");
  assert.not.ok(h1[0] & 0x80, "pipe id has its high bit clear");
  // Answering either copy satisfies the REQ.
  await send(rep, [h2, "done"]);
  assert.equal(str(await recv(req, 2000)), ["done"]);
});

eachTransport(it, "REQ resends at once to another REP when the REP holding the request closes", async (res, kind) => {
  const { sock: rep1, ep: ep1 } = await bound(res, sp.Rep, kind);
  const { sock: rep2, ep: ep2 } = await bound(res, sp.Rep, kind);
  const req = spSock(res, sp.Req, { reconnectInterval: 60_000 });
  assert.is(req.resendInterval, 60_000, "default resend interval: the resend below is not timer-driven");
  await link(req, rep1, ep1);
  await link(req, rep2, ep2);

  await send(req, "who-takes-it");
  const got1 = rep1.receive().then((m) => ({ rep: rep1, other: rep2, otherP: got2, m }));
  const got2 = rep2.receive().then((m) => ({ rep: rep2, other: rep1, otherP: got1, m }));
  got1.catch(() => {});
  got2.catch(() => {});
  const first = await withTimeout(Promise.race([got1, got2]), 2000, "the request at one REP");
  assert.equal(str(first.m), ["who-takes-it"]);
  first.rep.close(); // holding the request, never answering

  const second = await withTimeout(first.otherP, 2000, "the request resent to the other REP");
  assert.equal(str(second.m), ["who-takes-it"]);
  await send(second.rep, "answered-by-survivor");
  assert.equal(str(await recv(req, 2000)), ["answered-by-survivor"]);
});

eachTransport(it, "REQ blocks with no REP and sends once one arrives", async (res, kind) => {
  const req = spSock(res, sp.Req);
  const { sock: rep, ep } = await bound(res, sp.Rep, kind);
  const sent = req.send("early"); // no peer yet: waits for one
  req.connect(ep);
  await withTimeout(sent, 2000, "the send once a REP is connected");
  assert.equal(str(await recv(rep)), ["early"]);
  await send(rep, "late");
  assert.equal(str(await recv(req)), ["late"]);
});

eachTransport(it, "REP maxTtl: a request with more hops than maxTtl is dropped", async (res, kind) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, kind, { maxTtl: 2 });
  assert.is(rep.maxTtl, 2);
  const raw = spSock(res, sp.Req, { raw: true });
  raw.connect(ep);
  const w = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
  // Three words (2 hops + id) > maxTtl 2: dropped. Two words: delivered.
  await send(raw, [Buffer.concat([w(7), w(9), w(0x80000001)]), "too-far"]);
  await send(raw, [Buffer.concat([w(7), w(0x80000002)]), "ok"]);
  assert.equal(str(await recv(rep)), ["ok"]);
  await send(rep, "back");
  // The reply carries the backtrace: raw REQ sees [first word, rest].
  const [hdr, rest] = await recv(raw);
  assert.equal(hdr, w(7));
  assert.equal(rest, Buffer.concat([w(0x80000002), Buffer.from("back")]));
  await nothingWithin(rep, 50);
});

eachTransport(it, "raw REP + raw REQ as a device between a cooked REQ and a cooked REP", async (res, kind) => {
  const { sock: front, ep: frontEp } = await bound(res, sp.Rep, kind, { raw: true });
  const { sock: server, ep: backEp } = await bound(res, sp.Rep, kind);
  const back = spSock(res, sp.Req, { raw: true });
  back.connect(backEp);
  const client = spSock(res, sp.Req);
  client.connect(frontEp);
  assert.ok(front.raw && back.raw && !client.raw && !server.raw);

  for (let i = 0; i < 3; i++) {
    await send(client, `hello-${i}`);
    const request = await recv(front);
    assert.is(request.length, 2, "raw receive gives [header, body]");
    const [hdr, body] = request;
    assert.is(hdr.length, 8, "header: pipe id + request id");
    assert.ok(hdr[4] & 0x80, "request id has its high bit set");
    assert.is(body.toString(), `hello-${i}`);
    await send(back, request);

    assert.equal(str(await recv(server)), [`hello-${i}`]);
    await send(server, `world-${i}`);

    const reply = await recv(back);
    assert.is(reply.length, 2, "raw REQ receive gives [header, body]");
    await send(front, reply);
    assert.equal(str(await recv(client)), [`world-${i}`]);
  }
});

eachTransport(it, "REQ resends its request to a REP restarted on the same address", async (res, kind) => {
  const ep = await laterAddress(kind, res, "restart");
  const rep1 = spSock(res, sp.Rep);
  await withTimeout(rep1.bind(ep), 2000, "bind");
  const req = spSock(res, sp.Req, { reconnectInterval: 20 });
  req.connect(ep);
  await send(req, "survive-restart");
  assert.equal(str(await recv(rep1)), ["survive-restart"]);
  rep1.close();
  await logOf(req).next("disconnect");
  const rep2 = spSock(res, sp.Rep);
  await withTimeout(rep2.bind(ep), 2000, "rebinding the same address");
  // Redialled: the outstanding request goes out at once on the new pipe.
  assert.equal(str(await recv(rep2, 2000, "the request at the restarted REP")), ["survive-restart"]);
  await send(rep2, "after-restart");
  assert.equal(str(await recv(req)), ["after-restart"]);
});

eachTransport(it, "REP: a reply to a REQ that went away is dropped quietly", async (res, kind) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, kind);
  const gone = spSock(res, sp.Req);
  gone.connect(ep);
  await send(gone, "then-leave");
  assert.equal(str(await recv(rep)), ["then-leave"]);
  gone.close();
  await logOf(rep).next("disconnect");
  await send(rep, "to-nobody"); // resolves: SP never fails or blocks a reply
  const other = spSock(res, sp.Req);
  other.connect(ep);
  await send(other, "next");
  assert.equal(str(await recv(rep)), ["next"]);
  await send(rep, "to-other");
  assert.equal(str(await recv(other)), ["to-other"]);
});

eachTransport(it, "REP: a new request replaces one never answered; the reply goes to the latest", async (res, kind) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, kind);
  const r1 = spSock(res, sp.Req);
  const r2 = spSock(res, sp.Req);
  await link(r1, rep, ep);
  await send(r1, "first");
  assert.equal(str(await recv(rep)), ["first"]);
  await link(r2, rep, ep);
  await send(r2, "second");
  assert.equal(str(await recv(rep)), ["second"]); // "first" is now unanswerable
  await send(rep, "answer");
  assert.equal(str(await recv(r2)), ["answer"]);
  await expectCode(() => rep.send("another"), "ESTATE", "no request left to answer");
  await nothingWithin(r1, 50);
});

eachTransport(it, "REP closes a connection whose request has no backtrace end (ERR_SP_MALFORMED)", async (res, kind) => {
  const { sock: rep, ep } = await bound(res, sp.Rep, kind);
  const raw = spSock(res, sp.Req, { raw: true, reconnectInterval: 60_000 });
  await link(raw, rep, ep);
  await send(raw, "abc"); // 3 bytes: not even one 32-bit word
  const d = await logOf(rep).next("disconnect");
  assert.is(d.error?.code, "ERR_SP_MALFORMED");
  await logOf(raw).next("disconnect");
  await nothingWithin(rep, 0);
});

it("raw REP send: no parts or a header shorter than 4 bytes is EINVAL; an unknown pipe id is dropped", async (res) => {
  const rep = spSock(res, sp.Rep, { raw: true });
  await expectCode(() => rep.send([]), "EINVAL", "raw send with no header");
  await expectCode(() => rep.send([Buffer.from([1, 2]), "x"]), "EINVAL", "raw send with a 2-byte header");
  await send(rep, [Buffer.from([0, 0, 0, 99, 0x80, 0, 0, 1]), "nowhere"]); // resolves: dropped
});

eachTransport(it, "REQ load-balances successive requests over two REPs", async (res, kind) => {
  const { sock: rep1, ep: ep1 } = await bound(res, sp.Rep, kind);
  const { sock: rep2, ep: ep2 } = await bound(res, sp.Rep, kind);
  const req = spSock(res, sp.Req);
  await link(req, rep1, ep1);
  await link(req, rep2, ep2);
  // One receive outstanding per REP, renewed when it delivers.
  const next = new Map();
  const arm = (rep) => {
    const p = rep.receive().then((m) => ({ rep, m }));
    p.catch(() => {});
    next.set(rep, p);
  };
  arm(rep1);
  arm(rep2);
  const seen = [];
  for (let i = 0; i < 4; i++) {
    await send(req, `q${i}`);
    const { rep, m } = await withTimeout(Promise.race(next.values()), 2000, `request ${i} at a REP`);
    assert.equal(str(m), [`q${i}`], "each request reaches exactly one REP, once");
    seen.push(rep === rep1 ? 1 : 2);
    arm(rep);
    await send(rep, `r${i}`);
    assert.equal(str(await recv(req)), [`r${i}`]);
  }
  assert.ok(seen[0] !== seen[1] && seen[1] !== seen[2] && seen[2] !== seen[3], `alternating REPs: ${seen}`);
});

test.run();
