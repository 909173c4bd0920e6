// SP SURVEYOR/RESPONDENT over inproc://, tcp:// and ipc://: a survey reaches
// every respondent and their answers come back; after surveyTime a receive
// rejects ETIMEDOUT once, then ESTATE; late and stale answers are dropped;
// ESTATE for a respondent answering nothing; raw respondents. A SURVEYOR
// drops surveys for peers not yet attached, so cases wait for both handshakes.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { api, eachTransport, recv, send, str, expectCode } from "./helpers/util.mjs";
import { sp, bound, spSock, link, nothingWithin } from "./helpers/sp.mjs";

const test = suite("api: SP SURVEYOR/RESPONDENT");
const it = api(test);

async function survey(res, kind, n, options) {
  const { sock: surveyor, ep } = await bound(res, sp.Surveyor, kind, options);
  const rs = [];
  for (let i = 0; i < n; i++) {
    const r = spSock(res, sp.Respondent);
    await link(r, surveyor, ep);
    rs.push(r);
  }
  return { surveyor, rs };
}

eachTransport(it, "SURVEYOR: both respondents get the survey and both answers arrive", async (res, kind) => {
  const { surveyor, rs } = await survey(res, kind, 2);
  await send(surveyor, "how-are-you");
  for (const [i, r] of rs.entries()) {
    assert.equal(str(await recv(r)), ["how-are-you"]);
    await send(r, `fine-${i}`);
  }
  const answers = [...str(await recv(surveyor)), ...str(await recv(surveyor))].sort();
  assert.equal(answers, ["fine-0", "fine-1"]);
});

eachTransport(it, "SURVEYOR: after surveyTime receive rejects ETIMEDOUT, then ESTATE", async (res, kind) => {
  const { surveyor, rs: [r] } = await survey(res, kind, 1, { surveyTime: 150 });
  assert.is(surveyor.surveyTime, 150);
  await expectCode(() => surveyor.receive(), "ESTATE", "receive before any survey");
  const t0 = Date.now();
  await send(surveyor, "q");
  assert.equal(str(await recv(r)), ["q"]);
  await send(r, "a");
  assert.equal(str(await recv(surveyor)), ["a"]);
  // One respondent, one answer: the next receive waits for the deadline.
  const err = await expectCode(() => surveyor.receive(), "ETIMEDOUT", "receive past the deadline", 2000);
  assert.ok(Date.now() - t0 >= 140, `deadline after ${Date.now() - t0} ms`);
  assert.ok(err instanceof Error);
  await expectCode(() => surveyor.receive(), "ESTATE", "receive after the deadline was reported");
  // A new survey opens a new collection.
  await send(surveyor, "q2");
  assert.equal(str(await recv(r)), ["q2"]);
  await send(r, "a2");
  assert.equal(str(await recv(surveyor)), ["a2"]);
});

eachTransport(it, "SURVEYOR: a respondent's late answer is dropped", async (res, kind) => {
  const { surveyor, rs: [r] } = await survey(res, kind, 1, { surveyTime: 100 });
  await send(surveyor, "s1");
  assert.equal(str(await recv(r)), ["s1"]);
  await expectCode(() => surveyor.receive(), "ETIMEDOUT", "the deadline of s1", 2000);
  await send(r, "late-answer-to-s1");
  // The late answer travels ahead of the next one on the same connection.
  await send(surveyor, "s2");
  assert.equal(str(await recv(r)), ["s2"]);
  await send(r, "answer-to-s2");
  assert.equal(str(await recv(surveyor)), ["answer-to-s2"]);
});

eachTransport(it, "SURVEYOR: a new survey abandons the previous one (its answers are dropped)", async (res, kind) => {
  const { surveyor, rs: [r] } = await survey(res, kind, 1);
  await send(surveyor, "first");
  assert.equal(str(await recv(r)), ["first"]);
  await send(surveyor, "second");
  await send(r, "to-first"); // stale by the time it arrives
  assert.equal(str(await recv(r)), ["second"]);
  await send(r, "to-second");
  assert.equal(str(await recv(surveyor)), ["to-second"]);
});

eachTransport(it, "RESPONDENT: send with no survey rejects ESTATE; one answer per survey", async (res, kind) => {
  const { surveyor, rs: [r] } = await survey(res, kind, 1);
  await expectCode(() => r.send("unasked"), "ESTATE", "respondent send before any survey");
  await send(surveyor, "q");
  assert.equal(str(await recv(r)), ["q"]);
  await send(r, "a");
  await expectCode(() => r.send("again"), "ESTATE", "a second answer");
  assert.equal(str(await recv(surveyor)), ["a"]);
});

it("SURVEYOR with no respondents: send resolves, receive times out with ETIMEDOUT", async (res) => {
  const surveyor = spSock(res, sp.Surveyor, { surveyTime: 50 });
  await send(surveyor, "anyone?");
  await expectCode(() => surveyor.receive(), "ETIMEDOUT", "the empty survey's deadline", 2000);
});

eachTransport(it, "raw RESPONDENT: [header, body] in, [header, answer] routes back", async (res, kind) => {
  const { sock: surveyor, ep } = await bound(res, sp.Surveyor, kind);
  const r = spSock(res, sp.Respondent, { raw: true });
  await link(r, surveyor, ep);
  await send(surveyor, "raw-q");
  const [hdr, body] = await recv(r);
  assert.is(body.toString(), "raw-q");
  assert.is(hdr.length, 8, "pipe id + survey id");
  assert.ok(hdr[4] & 0x80, "survey id has its high bit set");
  await send(r, [hdr, "raw-a"]);
  assert.equal(str(await recv(surveyor)), ["raw-a"]);
  await nothingWithin(r, 30);
});

eachTransport(it, "raw RESPONDENT + raw SURVEYOR as a device between a cooked SURVEYOR and RESPONDENTs", async (res, kind) => {
  const { sock: front, ep: frontEp } = await bound(res, sp.Respondent, kind, { raw: true });
  const { sock: back, ep: backEp } = await bound(res, sp.Surveyor, kind, { raw: true });
  const surveyor = spSock(res, sp.Surveyor);
  await link(surveyor, front, frontEp);
  const rs = [spSock(res, sp.Respondent), spSock(res, sp.Respondent)];
  for (const r of rs) await link(r, back, backEp);

  await send(surveyor, "through-device");
  const q = await recv(front);
  assert.is(q.length, 2);
  assert.is(q[1].toString(), "through-device");
  await send(back, q); // header + body go on as one backtrace + body
  for (const [i, r] of rs.entries()) {
    assert.equal(str(await recv(r)), ["through-device"]);
    await send(r, `answer-${i}`);
  }
  for (let i = 0; i < 2; i++) {
    const a = await recv(back);
    assert.is(a.length, 2, "raw SURVEYOR receive gives [header, body]");
    await send(front, a);
  }
  const answers = [...str(await recv(surveyor)), ...str(await recv(surveyor))].sort();
  assert.equal(answers, ["answer-0", "answer-1"]);
});

test.run();
