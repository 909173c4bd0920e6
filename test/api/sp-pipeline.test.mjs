// SP PUSH/PULL over inproc://, tcp:// and ipc://: round robin over PULLs,
// fair queuing from PUSHes, sendPriority (all to the best priority while it
// has room, then the next), and PUSH waiting for a peer.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { api, eachTransport, recv, send, str, expectCode, withTimeout } from "./helpers/util.mjs";
import { sp, bound, spSock, link, logOf, nothingWithin } from "./helpers/sp.mjs";

const test = suite("api: SP PUSH/PULL");
const it = api(test);

const take = async (sock, n) => {
  const got = [];
  for (let i = 0; i < n; i++) got.push(...str(await recv(sock)));
  return got;
};

eachTransport(it, "PUSH round-robins over two PULLs", async (res, kind) => {
  const { sock: push, ep } = await bound(res, sp.Push, kind);
  const p1 = spSock(res, sp.Pull);
  const p2 = spSock(res, sp.Pull);
  await link(p1, push, ep);
  await link(p2, push, ep);
  for (let i = 0; i < 6; i++) await send(push, `m${i}`);
  const g1 = await take(p1, 3);
  const g2 = await take(p2, 3);
  const evens = ["m0", "m2", "m4"];
  const odds = ["m1", "m3", "m5"];
  assert.ok(
    (String(g1) === String(evens) && String(g2) === String(odds)) || (String(g1) === String(odds) && String(g2) === String(evens)),
    `strict alternation, got ${g1} / ${g2}`,
  );
  await nothingWithin(p1, 30);
  await nothingWithin(p2, 0);
});

eachTransport(it, "PULL fair-queues from two PUSHes: all arrive, each source in order", async (res, kind) => {
  const { sock: pull, ep } = await bound(res, sp.Pull, kind);
  const a = spSock(res, sp.Push);
  const b = spSock(res, sp.Push);
  await link(a, pull, ep);
  await link(b, pull, ep);
  const N = 20;
  const sends = [];
  for (let i = 0; i < N; i++) sends.push(a.send(`a${i}`), b.send(`b${i}`));
  await withTimeout(Promise.all(sends), 2000, "the sends");
  const got = await take(pull, 2 * N);
  const from = (p) => got.filter((m) => m[0] === p);
  assert.equal(from("a"), Array.from({ length: N }, (_, i) => `a${i}`));
  assert.equal(from("b"), Array.from({ length: N }, (_, i) => `b${i}`));
  if (kind === "inproc") {
    // Both PUSHes' output is flushed in the same turn and delivered before
    // the receiving loop resumes (the first message may be taken alone, as it
    // arrives): from then on the PULL alternates between them.
    let run = 1;
    let longest = 1;
    for (let i = 1; i < got.length; i++) {
      run = got[i][0] === got[i - 1][0] ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    assert.ok(longest <= 2, `alternating sources: ${got.join(",")}`);
  }
});

eachTransport(it, "sendPriority: all to the higher-priority PULL while it has room", async (res, kind) => {
  const { sock: high, ep: epHigh } = await bound(res, sp.Pull, kind);
  const { sock: low, ep: epLow } = await bound(res, sp.Pull, kind);
  const push = spSock(res, sp.Push, { reconnectInterval: 60_000 });
  // Priority is taken by endpoints added after it is set; connect the low one
  // first so round robin alone would pick it.
  push.sendPriority = 2;
  await link(push, low, epLow);
  push.sendPriority = 1;
  await link(push, high, epHigh);
  assert.is(push.sendPriority, 1);

  for (let i = 0; i < 10; i++) await send(push, `p${i}`);
  assert.equal(await take(high, 10), Array.from({ length: 10 }, (_, i) => `p${i}`));
  await nothingWithin(low, 50);

  // The high-priority peer goes away: the next priority takes over.
  high.close();
  await logOf(push).next("disconnect");
  for (let i = 0; i < 3; i++) await send(push, `after${i}`);
  assert.equal(await take(low, 3), ["after0", "after1", "after2"]);
});

eachTransport(it, "sendPriority: when the higher-priority PULL is full, the lower one gets the overflow", async (res, kind) => {
  const { sock: high, ep: epHigh } = await bound(res, sp.Pull, kind, { receiveHighWaterMark: 1 });
  const { sock: low, ep: epLow } = await bound(res, sp.Pull, kind);
  const push = spSock(res, sp.Push, { sendHighWaterMark: 1 });
  push.sendPriority = 1;
  await link(push, high, epHigh);
  push.sendPriority = 2;
  await link(push, low, epLow);

  // Nobody reads `high`: its queue, the connection and then the PUSH's queue
  // for it fill up, and messages move on to `low`.
  const big = Buffer.alloc(256 * 1024, 7);
  const overflow = low.receive();
  let sent = 0;
  let arrived = false;
  overflow.then(() => { arrived = true; }, () => {});
  while (!arrived && sent < 400) {
    await send(push, [Buffer.from(String(sent).padStart(4, "0")), big]);
    sent++;
    await new Promise((r) => setImmediate(r));
  }
  const [first] = await withTimeout(overflow, 2000, "a message at the low-priority PULL");
  assert.ok(sent > 1, `the high-priority PULL took messages first (sent ${sent})`);
  const n = Number(first.subarray(0, 4).toString());
  assert.ok(n >= 1, `the low-priority PULL got message #${n}, not the first`);
  // Everything before that went to the high-priority PULL, in order.
  for (let i = 0; i < n; i++) {
    const [m] = await recv(high, 2000);
    assert.is(m.subarray(0, 4).toString(), String(i).padStart(4, "0"));
  }
});

eachTransport(it, "PUSH with no PULL waits, and sends once one connects", async (res, kind) => {
  const { sock: push, ep } = await bound(res, sp.Push, kind);
  const pending = push.send("waited");
  const pull = spSock(res, sp.Pull);
  pull.connect(ep);
  await withTimeout(pending, 2000, "the send once a PULL is attached");
  assert.equal(str(await recv(pull)), ["waited"]);
});

it("PULL cannot send and PUSH cannot receive: ENOTSUP", async (res) => {
  await expectCode(() => spSock(res, sp.Pull).send("x"), "ENOTSUP", "PULL send");
  await expectCode(() => spSock(res, sp.Push).receive(), "ENOTSUP", "PUSH receive");
});

test.run();
