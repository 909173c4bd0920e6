// PUSH/PULL over inproc://, tcp:// and ipc://: load balancing, fair queuing,
// connect before bind, disconnect/unbind, reconnect after the listener
// restarts, and send back-pressure beyond the high-water mark.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  zmq, api, eachTransport, bindAny, laterAddress, recv, send, str, watch, settledAfter, withTimeout, expectCode,
} from "./helpers/util.mjs";

const test = suite("api: PUSH/PULL");
const it = api(test);

eachTransport(it, "PUSH load-balances round-robin across 2 PULLs", async (res, kind) => {
  const push = res.sock(new zmq.Push());
  const log = watch(push);
  const ep = await bindAny(push, kind, res);
  const pulls = [res.sock(new zmq.Pull()), res.sock(new zmq.Pull())];
  for (const p of pulls) p.connect(ep);
  await log.next("handshake", { nth: 2 });

  for (let i = 0; i < 10; i++) await send(push, `m${i}`);
  const got = [[], []];
  for (let k = 0; k < 2; k++) {
    for (let i = 0; i < 5; i++) got[k].push(str(await recv(pulls[k]))[0]);
  }
  const idx = got.map((g) => g.map((m) => Number(m.slice(1))));
  // Each PULL gets every other message, in order.
  for (const g of idx) {
    assert.is(g.length, 5);
    for (let i = 1; i < g.length; i++) assert.is(g[i] - g[i - 1], 2, `round-robin gap in ${g}`);
  }
  assert.equal([...idx[0], ...idx[1]].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

eachTransport(it, "PULL fair-queues messages from 2 PUSHes", async (res, kind) => {
  const pull = res.sock(new zmq.Pull());
  const log = watch(pull);
  const ep = await bindAny(pull, kind, res);
  const a = res.sock(new zmq.Push());
  const b = res.sock(new zmq.Push());
  a.connect(ep);
  b.connect(ep);
  await log.next("handshake", { nth: 2 });

  const N = 20;
  for (let i = 0; i < N; i++) {
    await a.send(`a${i}`);
    await b.send(`b${i}`);
  }
  const seq = [];
  for (let i = 0; i < 2 * N; i++) seq.push(str(await recv(pull))[0]);

  // Per-source order is kept ...
  for (const src of ["a", "b"]) {
    const mine = seq.filter((m) => m[0] === src).map((m) => Number(m.slice(1)));
    assert.equal(mine, [...Array(N).keys()], `order from ${src}`);
  }
  // ... and once both sources have messages waiting, the PULL alternates.
  const firstA = seq.findIndex((m) => m[0] === "a");
  const firstB = seq.findIndex((m) => m[0] === "b");
  const start = Math.max(firstA, firstB);
  let run = 0;
  let longest = 0;
  const remainingA = N - seq.slice(0, start).filter((m) => m[0] === "a").length;
  const remainingB = N - seq.slice(0, start).filter((m) => m[0] === "b").length;
  const pairs = Math.min(remainingA, remainingB);
  for (let i = start + 1; i < start + 2 * pairs - 1; i++) {
    run = seq[i][0] === seq[i - 1][0] ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  assert.is(longest, 0, `PULL should alternate between the two PUSHes once both have messages: ${seq.join(",")}`);
});

eachTransport(it, "connect before bind: the PUSH keeps its message and delivers once the PULL binds", async (res, kind) => {
  const ep = await laterAddress(kind, res);
  const push = res.sock(new zmq.Push({ reconnectInterval: 20 }));
  const log = watch(push);
  push.connect(ep);
  if (kind !== "inproc") {
    // Nothing listens yet: the dial fails and is retried.
    const e = await log.next("connect:retry");
    assert.is(e.address, ep);
  }
  await send(push, ["early", "bird"]);
  const pull = res.sock(new zmq.Pull());
  await pull.bind(ep);
  assert.equal(str(await recv(pull)), ["early", "bird"]);
  await send(push, "second");
  assert.equal(str(await recv(pull)), ["second"]);
});

eachTransport(it, "disconnect() stops delivery to that PULL", async (res, kind) => {
  const push = res.sock(new zmq.Push());
  const log = watch(push);
  const ep = await bindAny(push, kind, res);
  const gone = res.sock(new zmq.Pull());
  const stays = res.sock(new zmq.Pull());
  gone.connect(ep);
  stays.connect(ep);
  await log.next("handshake", { nth: 2 });

  gone.disconnect(ep);
  await log.next("disconnect");
  for (let i = 0; i < 6; i++) await send(push, `m${i}`);
  for (let i = 0; i < 6; i++) assert.equal(str(await recv(stays)), [`m${i}`], "all messages reach the remaining PULL");
  gone.receiveTimeout = 0;
  await expectCode(() => gone.receive(), "EAGAIN", "nothing reached the disconnected PULL");
  assert.throws(() => gone.disconnect(ep), (e) => e.code === "ENOENT", "disconnecting twice: ENOENT");
});

eachTransport(it, "unbind() stops delivery from peers of that endpoint", async (res, kind) => {
  const pull = res.sock(new zmq.Pull());
  const log = watch(pull);
  const epA = await bindAny(pull, kind, res, "a");
  const epB = await bindAny(pull, kind, res, "b");
  const a = res.sock(new zmq.Push({ reconnectInterval: 20 }));
  const b = res.sock(new zmq.Push());
  const logA = watch(a);
  a.connect(epA);
  b.connect(epB);
  await log.next("handshake", { nth: 2 });

  await withTimeout(pull.unbind(epA), 5000, "unbind");
  await logA.next("disconnect");
  if (kind !== "inproc") await logA.next("connect:retry"); // the endpoint is gone
  await send(a, "lost");
  await send(b, "b1");
  assert.equal(str(await recv(pull)), ["b1"]);
  await send(b, "b2");
  assert.equal(str(await recv(pull)), ["b2"], "nothing from the unbound endpoint in between");
  await expectCode(() => pull.unbind(epA), "ENOENT", "unbinding twice");
});

eachTransport(it, "reconnect: the connecting PUSH keeps queued messages and delivers them when the PULL comes back on the same address", async (res, kind) => {
  const pull1 = res.sock(new zmq.Pull());
  const ep = await bindAny(pull1, kind, res);
  const push = res.sock(new zmq.Push({ reconnectInterval: 20 }));
  const log = watch(push);
  push.connect(ep);
  await send(push, "before");
  assert.equal(str(await recv(pull1)), ["before"]);

  pull1.close();
  await log.next("disconnect");
  // Queued in the session while no peer is there.
  await send(push, "during-1");
  await send(push, ["during-2", "part"]);

  const pull2 = res.sock(new zmq.Pull());
  await withTimeout(pull2.bind(ep), 5000, "rebind on the same address");
  assert.equal(str(await recv(pull2)), ["during-1"]);
  assert.equal(str(await recv(pull2)), ["during-2", "part"]);
  await log.next("handshake", { nth: 2 });
  await send(push, "after");
  assert.equal(str(await recv(pull2)), ["after"]);
});

eachTransport(it, "concurrent (not awaited) sends beyond the HWM queue and are delivered in send order", async (res, kind) => {
  const pull = res.sock(new zmq.Pull());
  const log = watch(pull);
  const ep = await bindAny(pull, kind, res);
  const push = res.sock(new zmq.Push({ sendHighWaterMark: 4 }));
  push.connect(ep);
  await log.next("handshake");
  const N = 300;
  const SIZE = 64 * 1024;
  const sends = [];
  for (let i = 0; i < N; i++) {
    const b = Buffer.alloc(SIZE, i & 0xff);
    b.writeUInt32BE(i, 0);
    sends.push(push.send(b));
  }
  const order = [];
  for (let i = 0; i < N; i++) order.push((await recv(pull, 5000, `message ${i}`))[0].readUInt32BE(0));
  await withTimeout(Promise.all(sends), 5000, "all sends");
  const firstBad = order.findIndex((v, i) => v !== i);
  assert.is(firstBad, -1, `out of order from position ${firstBad}: ${order.slice(Math.max(0, firstBad - 2), firstBad + 4)}`);
});

eachTransport(it, "back-pressure: beyond the high-water marks a send queues, then resolves when the PULL drains", async (res, kind) => {
  const pull = res.sock(new zmq.Pull({ receiveHighWaterMark: 2 }));
  const log = watch(pull);
  const ep = await bindAny(pull, kind, res);
  const push = res.sock(new zmq.Push({ sendHighWaterMark: 2 }));
  push.connect(ep);
  await log.next("handshake");

  const SIZE = 64 * 1024;
  const LIMIT = 600; // ~38 MiB: far beyond socket buffers plus both HWMs
  const msg = (i) => {
    const b = Buffer.alloc(SIZE, i & 0xff);
    b.writeUInt32BE(i, 0);
    return b;
  };
  let blocked = null;
  let accepted = 0;
  for (let i = 0; i < LIMIT; i++) {
    const p = push.send(msg(i));
    if (!(await settledAfter(p, 3))) { blocked = p; break; }
    await p; // surfaces a rejection
    accepted++;
  }
  assert.ok(blocked, `the PUSH was never back-pressured: ${accepted} x 64 KiB sends completed while the PULL read nothing`);
  assert.is(push.writable, false, "writable is false while a send is queued");
  let done = false;
  blocked.then(() => { done = true; });

  // Drain: everything arrives in order, including the queued message.
  for (let i = 0; i <= accepted; i++) {
    const m = await recv(pull, 5000, `message ${i}`);
    assert.is(m.length, 1);
    assert.is(m[0].length, SIZE);
    assert.is(m[0].readUInt32BE(0), i, "order");
  }
  await withTimeout(blocked, 5000, "the queued send to resolve");
  assert.ok(done);
}, 20_000);

test.run();
