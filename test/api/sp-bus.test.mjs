// SP BUS over inproc://, tcp:// and ipc://: a message reaches every directly
// connected peer exactly once, never comes back to its sender, and is not
// forwarded beyond direct peers. Sends wait for the handshake on both sides
// (a BUS drops a message when no peer is attached).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { api, eachTransport, recv, send, str } from "./helpers/util.mjs";
import { sp, bound, spSock, link, nothingWithin } from "./helpers/sp.mjs";

const test = suite("api: SP BUS");
const it = api(test);

const sorted = async (sock, n) => {
  const got = [];
  for (let i = 0; i < n; i++) got.push(...str(await recv(sock)));
  return got.sort();
};

eachTransport(it, "BUS full mesh of 3: each message reaches both other nodes, never its sender", async (res, kind) => {
  const { sock: a, ep: epA } = await bound(res, sp.Bus, kind);
  const { sock: b, ep: epB } = await bound(res, sp.Bus, kind);
  const c = spSock(res, sp.Bus);
  await link(b, a, epA);
  await link(c, a, epA);
  await link(c, b, epB);

  await send(a, "from-a");
  await send(b, "from-b");
  await send(c, "from-c");
  assert.equal(await sorted(a, 2), ["from-b", "from-c"]);
  assert.equal(await sorted(b, 2), ["from-a", "from-c"]);
  assert.equal(await sorted(c, 2), ["from-a", "from-b"]);
  // Exactly once each, and no echo.
  await nothingWithin(a, 50);
  await nothingWithin(b, 0);
  await nothingWithin(c, 0);
});

eachTransport(it, "BUS line A-B-C: direct peers only (B does not forward A's message to C)", async (res, kind) => {
  const { sock: b, ep } = await bound(res, sp.Bus, kind);
  const a = spSock(res, sp.Bus);
  const c = spSock(res, sp.Bus);
  await link(a, b, ep);
  await link(c, b, ep);

  await send(a, "a1");
  assert.equal(str(await recv(b)), ["a1"]);
  await send(b, "b1");
  assert.equal(str(await recv(a)), ["b1"]);
  assert.equal(str(await recv(c)), ["b1"]);
  await send(c, "c1");
  assert.equal(str(await recv(b)), ["c1"]);
  await nothingWithin(a, 50); // neither a1 (own) nor c1 (not a direct peer)
  await nothingWithin(c, 0);
  await nothingWithin(b, 0);
});

eachTransport(it, "BUS raw device: [origin, body] in; sending it back skips the origin", async (res, kind) => {
  const { sock: hub, ep } = await bound(res, sp.Bus, kind, { raw: true });
  const a = spSock(res, sp.Bus);
  const c = spSock(res, sp.Bus);
  await link(a, hub, ep);
  await link(c, hub, ep);

  await send(a, "via-hub");
  const m = await recv(hub);
  assert.is(m.length, 2, "raw BUS receive gives [origin pipe id, body]");
  assert.is(m[0].length, 4);
  assert.is(m[1].toString(), "via-hub");
  await send(hub, m); // forward to everyone but the origin
  assert.equal(str(await recv(c)), ["via-hub"]);
  await nothingWithin(a, 50);
});

test.run();
