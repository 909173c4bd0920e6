// SP messages over inproc://, tcp:// and ipc://: an array given to send()
// is one message (its parts concatenated), empty messages, 1 MiB at the
// default maxMessageSize, and a message over the receiver's maxMessageSize
// closing that connection with EMSGSIZE (the sender reconnects; later
// messages flow) while a raised limit lets it through.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { api, eachTransport, recv, send, str } from "./helpers/util.mjs";
import { sp, bound, spSock, link, logOf, nothingWithin, pattern } from "./helpers/sp.mjs";

const test = suite("api: SP messages");
const it = api(test, { timeout: 10_000 });

const MiB = 1024 * 1024;

eachTransport(it, "send([a, b]) arrives as one concatenated message", async (res, kind) => {
  const { sock: a, ep } = await bound(res, sp.Pair0, kind);
  const b = spSock(res, sp.Pair0);
  b.connect(ep);
  await send(b, ["head-", Buffer.from("body"), new Uint8Array([0x21]), null]);
  const m = await recv(a);
  assert.is(m.length, 1, "one part");
  assert.is(m[0].toString(), "head-body!");
  assert.ok(Buffer.isBuffer(m[0]));
  // Through REQ/REP too: the REP sees the joined body, the REQ the joined reply.
  const { sock: rep, ep: ep2 } = await bound(res, sp.Rep, kind);
  const req = spSock(res, sp.Req);
  req.connect(ep2);
  await send(req, ["q", "1", "2"]);
  assert.equal(str(await recv(rep)), ["q12"]);
  await send(rep, ["r", "", "3"]);
  assert.equal(str(await recv(req)), ["r3"]);
});

eachTransport(it, "0-byte messages: empty buffer, null and [] each arrive as one empty message", async (res, kind) => {
  const { sock: pull, ep } = await bound(res, sp.Pull, kind);
  const push = spSock(res, sp.Push);
  push.connect(ep);
  await send(push, Buffer.alloc(0));
  await send(push, null);
  await send(push, []);
  await send(push, "end");
  for (let i = 0; i < 3; i++) assert.equal(await recv(pull), [Buffer.alloc(0)], `empty message #${i}`);
  assert.equal(str(await recv(pull)), ["end"]);
  // An empty request and an empty reply.
  const { sock: rep, ep: ep2 } = await bound(res, sp.Rep, kind);
  const req = spSock(res, sp.Req);
  req.connect(ep2);
  await send(req, "");
  assert.equal(await recv(rep), [Buffer.alloc(0)]);
  await send(rep, Buffer.alloc(0));
  assert.equal(await recv(req), [Buffer.alloc(0)]);
});

eachTransport(it, "1 MiB message (the default maxMessageSize) arrives intact", async (res, kind) => {
  const { sock: pull, ep } = await bound(res, sp.Pull, kind);
  assert.is(pull.maxMessageSize, MiB);
  const push = spSock(res, sp.Push);
  push.connect(ep);
  const big = pattern(MiB, 3);
  await send(push, big);
  await send(push, [pattern(MiB / 2, 1), pattern(MiB / 2, 2)]);
  const [m] = await recv(pull);
  assert.is(m.length, MiB);
  assert.ok(m.equals(big), "same bytes");
  const [m2] = await recv(pull);
  assert.ok(m2.equals(Buffer.concat([pattern(MiB / 2, 1), pattern(MiB / 2, 2)])), "parts joined, same bytes");
  assert.is(logOf(pull).count("disconnect"), 0);
});

eachTransport(it, "2 MiB message with maxMessageSize 4 MiB on the receiver arrives", async (res, kind) => {
  const { sock: pull, ep } = await bound(res, sp.Pull, kind, { maxMessageSize: 4 * MiB });
  assert.is(pull.maxMessageSize, 4 * MiB);
  const push = spSock(res, sp.Push); // the sender's own limit does not matter
  push.connect(ep);
  const big = pattern(2 * MiB, 9);
  await send(push, big);
  const [m] = await recv(pull);
  assert.is(m.length, 2 * MiB);
  assert.ok(m.equals(big));
});

eachTransport(it, "2 MiB message over the default limit: not delivered, receiver disconnects with EMSGSIZE", async (res, kind) => {
  const { sock: pull, ep } = await bound(res, sp.Pull, kind);
  const push = spSock(res, sp.Push, { reconnectInterval: 20 });
  await link(push, pull, ep);
  await send(push, pattern(2 * MiB, 5));
  const d = await logOf(pull).next("disconnect");
  assert.is(d.error?.code, "EMSGSIZE", `disconnect error: ${d.error?.code}`);
  await logOf(push).next("disconnect");
  // The sender redials; the next message goes through and nothing else came.
  await send(push, "small-after");
  assert.equal(str(await recv(pull)), ["small-after"]);
  await nothingWithin(pull, 30);
});

eachTransport(it, "1 MiB + 1 byte is over the default limit (the limit is inclusive)", async (res, kind) => {
  const { sock: pull, ep } = await bound(res, sp.Pull, kind);
  const push = spSock(res, sp.Push, { reconnectInterval: 20 });
  await link(push, pull, ep);
  await send(push, pattern(MiB + 1));
  const d = await logOf(pull).next("disconnect");
  assert.is(d.error?.code, "EMSGSIZE");
});

test.run();
