// REQ/REP over inproc://, tcp:// and ipc://: strict alternation, EFSM in the
// wrong state, `relaxed` and `correlate`, and REQ load balancing.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { zmq, api, eachTransport, bindAny, recv, send, str, watch, expectCode } from "./helpers/util.mjs";

const test = suite("api: REQ/REP");
const it = api(test);

async function reqrep(res, kind, reqOptions = {}) {
  const rep = res.sock(new zmq.Reply());
  const ep = await bindAny(rep, kind, res);
  const req = res.sock(new zmq.Request(reqOptions));
  req.connect(ep);
  return { rep, req, ep };
}

eachTransport(it, "REQ/REP strict alternation: request, reply, request, reply ...", async (res, kind) => {
  const { rep, req } = await reqrep(res, kind);
  for (let i = 0; i < 5; i++) {
    await send(req, [`q${i}`, "more"]);
    assert.equal(str(await recv(rep)), [`q${i}`, "more"], "REP sees the request without the envelope");
    await send(rep, `a${i}`);
    assert.equal(str(await recv(req)), [`a${i}`], "REQ sees the reply without the envelope");
  }
});

eachTransport(it, "REQ: a second send before the reply fails with EFSM; receive before send fails with EFSM", async (res, kind) => {
  const { rep, req } = await reqrep(res, kind);
  await expectCode(() => req.receive(), "EFSM", "REQ receive before any send");
  await send(req, "q1");
  await expectCode(() => req.send("q2"), "EFSM", "REQ second send before the reply");
  assert.equal(str(await recv(rep)), ["q1"]);
  await expectCode(() => rep.receive(), "EFSM", "REP receive before replying");
  await send(rep, "a1");
  await expectCode(() => rep.send("a2"), "EFSM", "REP send without a request");
  assert.equal(str(await recv(req)), ["a1"]);
  // Back in the send state: the next request works.
  await send(req, "q3");
  assert.equal(str(await recv(rep)), ["q3"]);
  await send(rep, "a3");
  assert.equal(str(await recv(req)), ["a3"]);
});

eachTransport(it, "REQ relaxed: a new request may be sent before the reply", async (res, kind) => {
  const { rep, req } = await reqrep(res, kind, { relaxed: true });
  await send(req, "q1");
  assert.equal(str(await recv(rep)), ["q1"]);
  await send(req, "q2"); // no EFSM
  await send(rep, "a1");
  assert.equal(str(await recv(rep)), ["q2"]);
  await send(rep, "a2");
  const reply = str(await recv(req));
  assert.ok(["a1", "a2"].includes(reply[0]), `a reply arrives: ${reply}`);
});

eachTransport(it, "REQ relaxed + correlate: a stale reply is dropped, the reply to the latest request is delivered", async (res, kind) => {
  const { rep, req } = await reqrep(res, kind, { relaxed: true, correlate: true });
  await send(req, "q1");
  assert.equal(str(await recv(rep)), ["q1"]);
  await send(req, "q2");
  await send(rep, "a1"); // answers the abandoned request
  assert.equal(str(await recv(rep)), ["q2"]);
  await send(rep, "a2");
  assert.equal(str(await recv(req)), ["a2"], "only the reply that matches the request id");
  // Still usable afterwards.
  await send(req, "q3");
  assert.equal(str(await recv(rep)), ["q3"]);
  await send(rep, "a3");
  assert.equal(str(await recv(req)), ["a3"]);
});

eachTransport(it, "REQ correlate (strict): request ids travel in the envelope and replies still match", async (res, kind) => {
  const { rep, req } = await reqrep(res, kind, { correlate: true });
  for (let i = 0; i < 3; i++) {
    await send(req, `q${i}`);
    assert.equal(str(await recv(rep)), [`q${i}`]);
    await send(rep, `a${i}`);
    assert.equal(str(await recv(req)), [`a${i}`]);
  }
});

eachTransport(it, "REQ load-balances requests across 2 REPs", async (res, kind) => {
  const req = res.sock(new zmq.Request());
  const log = watch(req);
  const ep = await bindAny(req, kind, res);
  const reps = [res.sock(new zmq.Reply()), res.sock(new zmq.Reply())];
  for (const r of reps) r.connect(ep);
  await log.next("handshake", { nth: 2 });
  // Both REPs answer in the background until they are closed.
  const loops = reps.map(async (r, k) => {
    for await (const [q] of r) await r.send(`${q}:rep${k}`);
  });
  const who = [];
  for (let i = 0; i < 4; i++) {
    await send(req, `q${i}`);
    const [a] = str(await recv(req));
    assert.match(a, new RegExp(`^q${i}:rep[01]$`));
    who.push(Number(a.at(-1)));
  }
  assert.ok(who[0] !== who[1] && who[1] !== who[2] && who[2] !== who[3], `REPs take turns: ${who}`);
  for (const r of reps) r.close();
  await Promise.all(loops);
});

test.run();
