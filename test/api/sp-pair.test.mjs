// SP PAIR v0 and v1 over inproc://, tcp:// and ipc://: messages both ways,
// one peer only (a second is refused while the first keeps the channel),
// and PAIR1's hop count as a raw socket sees it.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { api, eachTransport, recv, send, str } from "./helpers/util.mjs";
import { sp, bound, spSock, link, logOf, nothingWithin } from "./helpers/sp.mjs";

const test = suite("api: SP PAIR0/PAIR1");
const it = api(test);

for (const name of ["Pair0", "Pair1"]) {
  const Pair = sp[name];

  eachTransport(it, `${name}: messages both ways, in order`, async (res, kind) => {
    const { sock: a, ep } = await bound(res, Pair, kind);
    const b = spSock(res, Pair);
    b.connect(ep);
    for (let i = 0; i < 5; i++) {
      await send(b, `b${i}`);
      await send(a, `a${i}`);
    }
    for (let i = 0; i < 5; i++) {
      assert.equal(str(await recv(a)), [`b${i}`]);
      assert.equal(str(await recv(b)), [`a${i}`]);
    }
  });

  eachTransport(it, `${name}: a second peer is refused; the first keeps the channel`, async (res, kind) => {
    const { sock: a, ep } = await bound(res, Pair, kind);
    const first = spSock(res, Pair);
    await link(first, a, ep);
    await send(first, "hello");
    assert.equal(str(await recv(a)), ["hello"]);

    const second = spSock(res, Pair, { reconnectInterval: 60_000 });
    second.connect(ep);
    // The bound PAIR closes the second connection once its header is in.
    await logOf(second).next("disconnect");
    const refusal = await logOf(a).next(["handshake:error:protocol", "disconnect"]);
    assert.is(refusal.type, "handshake:error:protocol", "the binder reports a refused peer, not a lost one");
    assert.is(refusal.error?.code, "ERR_ZMTP_PEER_LIMIT");
    assert.is(logOf(a).count("handshake"), 1, "the binder completed one handshake only");

    await send(first, "still-here");
    assert.equal(str(await recv(a)), ["still-here"]);
    await send(a, "to-first");
    assert.equal(str(await recv(first)), ["to-first"]);
    await nothingWithin(second, 50);
  });
}

for (const name of ["Pair0", "Pair1"]) {
  eachTransport(it, `${name}: when the peer leaves, another may take its place`, async (res, kind) => {
    const Pair = sp[name];
    const { sock: a, ep } = await bound(res, Pair, kind);
    const first = spSock(res, Pair);
    await link(first, a, ep);
    first.close();
    await logOf(a).next("disconnect");
    const next = spSock(res, Pair);
    await link(next, a, ep);
    await send(next, "newcomer");
    assert.equal(str(await recv(a)), ["newcomer"]);
    await send(a, "welcome");
    assert.equal(str(await recv(next)), ["welcome"]);
  });
}

eachTransport(it, "Pair1 raw: receive gives [hop count, body]; a fresh message has count 1", async (res, kind) => {
  const { sock: raw, ep } = await bound(res, sp.Pair1, kind, { raw: true });
  assert.ok(raw.raw);
  const cooked = spSock(res, sp.Pair1);
  cooked.connect(ep);
  await send(cooked, "hop");
  const [hdr, body] = await recv(raw);
  assert.equal(hdr, Buffer.from([0, 0, 0, 1]));
  assert.is(body.toString(), "hop");
  // A raw send forwards the count incremented; the cooked side sees the body.
  await send(raw, [hdr, "back"]);
  assert.equal(str(await recv(cooked)), ["back"]);
});

eachTransport(it, "Pair1 raw: a message whose count exceeds maxTtl is dropped, not delivered", async (res, kind) => {
  const { sock: cooked, ep } = await bound(res, sp.Pair1, kind, { maxTtl: 3 });
  const raw = spSock(res, sp.Pair1, { raw: true });
  raw.connect(ep);
  const count = (n) => Buffer.from([0, 0, 0, n]);
  await send(raw, [count(2), "ok-3"]); // leaves with 3 = maxTtl: delivered
  await send(raw, [count(3), "drop-4"]); // leaves with 4: dropped by the receiver
  await send(raw, [count(0), "end"]);
  assert.equal(str(await recv(cooked)), ["ok-3"]);
  assert.equal(str(await recv(cooked)), ["end"]);
});

eachTransport(it, "Pair1 raw device: the hop count grows per hop; over maxTtl it is dropped", async (res, kind) => {
  // a (cooked) -> d1 (raw) ~ device ~ d2 (raw) -> b (cooked, maxTtl 2)
  const { sock: d1, ep: ep1 } = await bound(res, sp.Pair1, kind, { raw: true });
  const { sock: d2, ep: ep2 } = await bound(res, sp.Pair1, kind, { raw: true });
  const a = spSock(res, sp.Pair1);
  const b = spSock(res, sp.Pair1, { maxTtl: 2 });
  await link(a, d1, ep1);
  await link(b, d2, ep2);

  await send(a, "one-hop");
  const m = await recv(d1);
  assert.equal(m[0], Buffer.from([0, 0, 0, 1]));
  await send(d2, m); // leaves d2 with count 2 = b's maxTtl: delivered
  assert.equal(str(await recv(b)), ["one-hop"]);
  await send(d2, [Buffer.from([0, 0, 0, 2]), "two-hops"]); // count 3 > 2: dropped by b
  await send(d2, [Buffer.from([0, 0, 0, 0]), "end"]);
  assert.equal(str(await recv(b)), ["end"]);
  // The other way: b -> d2 gives count 1 too.
  await send(b, "back");
  const r = await recv(d2);
  assert.equal(r[0], Buffer.from([0, 0, 0, 1]));
  await send(d1, r);
  assert.equal(str(await recv(a)), ["back"]);
});

test.run();
