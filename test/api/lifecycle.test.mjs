// Socket life cycle and errors: sendTimeout/receiveTimeout (EAGAIN), close()
// (pending calls reject, later calls EBADF, for await ends), EADDRINUSE,
// address reuse after close, unknown schemes, and options as properties.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  zmq, api, eachTransport, bindAny, bindAddress, laterAddress, recv, send, str, withTimeout, expectCode, settledAfter,
  isWasmq,
} from "./helpers/util.mjs";
import { run } from "../helpers/child.mjs";

const test = suite("api: life cycle and errors");
const it = api(test);

eachTransport(it, "sendTimeout 0: send fails at once with EAGAIN when there is no peer", async (res, kind) => {
  const push = res.sock(new zmq.Push({ sendTimeout: 0 }));
  await bindAny(push, kind, res);
  await expectCode(() => push.send("x"), "EAGAIN", "PUSH send without peers", 1000);
  const dealer = res.sock(new zmq.Dealer());
  dealer.sendTimeout = 0;
  assert.is(dealer.sendTimeout, 0);
  await bindAny(dealer, kind, res);
  await expectCode(() => dealer.send("x"), "EAGAIN", "DEALER send without peers", 1000);
});

it("sendTimeout 0 on a socket with no endpoint at all: EAGAIN", async (res) => {
  const push = res.sock(new zmq.Push({ sendTimeout: 0 }));
  await expectCode(() => push.send("x"), "EAGAIN", "send", 1000);
});

eachTransport(it, "sendTimeout > 0: a send that cannot proceed fails with EAGAIN after the timeout", async (res, kind) => {
  const push = res.sock(new zmq.Push({ sendTimeout: 60 }));
  await bindAny(push, kind, res);
  const t0 = Date.now();
  await expectCode(() => push.send("x"), "EAGAIN", "send with sendTimeout 60", 2000);
  assert.ok(Date.now() - t0 >= 50, `waited for the timeout (${Date.now() - t0} ms)`);
});

eachTransport(it, "receiveTimeout: receive fails with EAGAIN after the timeout; 0 fails at once", async (res, kind) => {
  const pull = res.sock(new zmq.Pull({ receiveTimeout: 60 }));
  assert.is(pull.receiveTimeout, 60);
  const ep = await bindAny(pull, kind, res);
  const t0 = Date.now();
  await expectCode(() => pull.receive(), "EAGAIN", "receive with receiveTimeout 60", 2000);
  assert.ok(Date.now() - t0 >= 50, `waited for the timeout (${Date.now() - t0} ms)`);
  pull.receiveTimeout = 0;
  await expectCode(() => pull.receive(), "EAGAIN", "receive with receiveTimeout 0", 500);
  // A message that arrives is still delivered afterwards.
  pull.receiveTimeout = -1;
  const push = res.sock(new zmq.Push());
  push.connect(ep);
  await send(push, "late");
  assert.equal(str(await recv(pull)), ["late"]);
});

eachTransport(it, "close(): a pending receive rejects; later calls fail with EBADF", async (res, kind) => {
  const pull = res.sock(new zmq.Pull());
  const ep = await bindAny(pull, kind, res);
  const pending = pull.receive();
  const outcome = pending.then(() => null, (e) => e);
  assert.not.ok(await settledAfter(pending, 2), "nothing to receive yet");
  pull.close();
  const err = await withTimeout(outcome, 1000, "the pending receive to settle");
  assert.ok(err instanceof Error, "the pending receive rejects when the socket closes");
  // zeromq.js rejects pending operations of a closing socket with EAGAIN.
  assert.is(err.code, "EAGAIN");
  assert.is(pull.closed, true);
  await expectCode(() => pull.receive(), "EBADF", "receive after close");
  await expectCode(() => pull.bind(ep), "EBADF", "bind after close");
  await expectCode(() => pull.connect(ep), "EBADF", "connect after close");
  await expectCode(() => pull.unbind(ep), "EBADF", "unbind after close");
  const push = res.sock(new zmq.Push());
  push.close();
  await expectCode(() => push.send("x"), "EBADF", "send after close");
  pull.close(); // closing twice is harmless
});

it("close(): a pending send rejects", async (res) => {
  const push = res.sock(new zmq.Push());
  const pending = push.send("nowhere");
  const outcome = pending.then(() => null, (e) => e);
  assert.not.ok(await settledAfter(pending, 2), "no peer: the send waits");
  push.close();
  const err = await withTimeout(outcome, 1000, "the pending send to settle");
  assert.ok(err instanceof Error, "the pending send rejects when the socket closes");
  assert.is(err.code, "EAGAIN");
});

eachTransport(it, "for await ... of socket ends when the socket closes", async (res, kind) => {
  const pull = res.sock(new zmq.Pull());
  const ep = await bindAny(pull, kind, res);
  const push = res.sock(new zmq.Push());
  push.connect(ep);
  const got = [];
  let sawTwo;
  const two = new Promise((r) => { sawTwo = r; });
  const loop = (async () => {
    for await (const m of pull) {
      got.push(str(m));
      if (got.length === 2) sawTwo();
    }
    return "ended";
  })();
  await send(push, "one");
  await send(push, ["two", "parts"]);
  await withTimeout(two, 5000, "two messages in the loop");
  pull.close(); // the loop is waiting for a third message
  assert.is(await withTimeout(loop, 2000, "the for-await loop to end"), "ended");
  assert.equal(got, [["one"], ["two", "parts"]]);
});

eachTransport(it, "bind to an address in use rejects with EADDRINUSE", async (res, kind) => {
  const a = res.sock(new zmq.Pull());
  const ep = await bindAny(a, kind, res);
  const b = res.sock(new zmq.Pull());
  await expectCode(() => b.bind(ep), "EADDRINUSE", `second bind of ${ep}`);
  // The first socket still owns the address.
  const push = res.sock(new zmq.Push());
  push.connect(ep);
  await send(push, "to-first");
  assert.equal(str(await recv(a)), ["to-first"]);
});

eachTransport(it, "after close() the address can be bound again", async (res, kind) => {
  const a = res.sock(new zmq.Pull());
  const ep = await bindAny(a, kind, res);
  a.close();
  const b = res.sock(new zmq.Pull());
  await withTimeout(b.bind(ep), 2000, `rebinding ${ep}`);
  const push = res.sock(new zmq.Push());
  push.connect(ep);
  await send(push, "x");
  assert.equal(str(await recv(b)), ["x"]);
});

eachTransport(it, "bind reports the resolved endpoint in lastEndpoint", async (res, kind) => {
  const s = res.sock(new zmq.Pull());
  const address = bindAddress(kind, res);
  await s.bind(address);
  if (kind === "tcp") assert.match(s.lastEndpoint, /^tcp:\/\/127\.0\.0\.1:[1-9]\d*$/);
  else assert.is(s.lastEndpoint, address);
});

it("connect() with a malformed address throws EINVAL at once instead of retrying", async (res) => {
  const push = res.sock(new zmq.Push());
  for (const bad of ["tcp://no-port-here", "tcp://127.0.0.1:0", "tcp://*:5555"]) {
    try {
      push.connect(bad);
      assert.unreachable(`connect(${bad}) should throw`);
    } catch (e) {
      assert.is(e.code, "EINVAL", bad);
    }
  }
  assert.is(push.lastEndpoint, null);
});

it("unknown transport schemes are refused", async (res) => {
  const s = res.sock(new zmq.Dealer());
  await expectCode(() => s.bind("bogus://x"), "EPROTONOSUPPORT", "bind bogus://");
  await expectCode(() => s.connect("bogus://x"), "EPROTONOSUPPORT", "connect bogus://");
});

it("invalid option values throw EINVAL", async (res) => {
  const s = res.sock(new zmq.Dealer());
  assert.throws(() => { s.sendHighWaterMark = -5; }, (e) => e.code === "EINVAL");
  assert.throws(() => { s.receiveTimeout = "soon"; }, (e) => e.code === "EINVAL");
  assert.is(s.sendHighWaterMark, 1000, "unchanged after a refused value");
});

it("options are properties: set through the constructor or later, read back", async (res) => {
  const d = res.sock(new zmq.Dealer({ sendHighWaterMark: 7, receiveHighWaterMark: 9, routingId: "me", immediate: true, linger: 0 }));
  assert.is(d.sendHighWaterMark, 7);
  assert.is(d.receiveHighWaterMark, 9);
  assert.is(d.routingId, "me");
  assert.is(d.immediate, true);
  d.reconnectInterval = 250;
  assert.is(d.reconnectInterval, 250);
  d.heartbeatInterval = 1000;
  assert.is(d.heartbeatInterval, 1000);
  d.conflate = true;
  assert.is(d.conflate, true);
});

it("subclass options given to the constructor are read back by their getters", async (res) => {
  const req = res.sock(new zmq.Request({ relaxed: true, correlate: true }));
  assert.is(req.relaxed, true, "Request({ relaxed: true }).relaxed");
  assert.is(req.correlate, true, "Request({ correlate: true }).correlate");
  const router = res.sock(new zmq.Router({ mandatory: true, handover: true }));
  assert.is(router.mandatory, true, "Router({ mandatory: true }).mandatory");
  assert.is(router.handover, true, "Router({ handover: true }).handover");
  const xpub = res.sock(new zmq.XPublisher({ verbosity: "allSubs", manual: true }));
  assert.is(xpub.verbosity, "allSubs", "XPublisher({ verbosity }).verbosity");
  assert.is(xpub.manual, true, "XPublisher({ manual: true }).manual");
});

it("subclass options given to the constructor take effect (Router mandatory)", async (res) => {
  const router = res.sock(new zmq.Router({ mandatory: true }));
  await expectCode(() => router.send(["nobody", "x"]), "EHOSTUNREACH", "mandatory from the constructor");
});

eachTransport(it, "conflate: a PULL keeps only the newest waiting message", async (res, kind) => {
  const pull = res.sock(new zmq.Pull({ conflate: true }));
  const ep = await bindAny(pull, kind, res);
  const push = res.sock(new zmq.Push());
  push.connect(ep);
  for (let i = 1; i <= 100; i++) await push.send(String(i));
  const got = [];
  for (;;) {
    const [m] = str(await recv(pull));
    got.push(Number(m));
    if (m === "100") break;
  }
  for (let i = 1; i < got.length; i++) assert.ok(got[i] > got[i - 1], "newer messages only");
  assert.ok(got.length < 100, `older messages were dropped (received ${got.length} of 100)`);
});

eachTransport(it, "linger -1 (the default): a message sent before the peer existed is delivered after close()", async (res, kind) => {
  const ep = await laterAddress(kind, res, "linger");
  const push = new zmq.Push();
  assert.is(push.linger, -1);
  push.connect(ep);
  await send(push, "sent-then-closed");
  push.close();
  assert.ok(push.closed);
  const pull = res.sock(new zmq.Pull());
  await pull.bind(ep);
  assert.equal(str(await recv(pull)), ["sent-then-closed"]);
});

eachTransport(it, "linger 0: a message not yet sent is dropped at close()", async (res, kind) => {
  const ep = await laterAddress(kind, res, "nolinger");
  const push = new zmq.Push({ linger: 0 });
  push.connect(ep);
  await send(push, "dropped");
  push.close();
  const pull = res.sock(new zmq.Pull({ receiveTimeout: 300 }));
  await pull.bind(ep);
  await expectCode(() => pull.receive(), "EAGAIN", "receive after a linger-0 close", 2000);
});

if (isWasmq) {
  it("a socket lingering for a peer that never comes does not keep the process alive", async () => {
    const program = `
      const zmq = require("wasmq/zmq");
      const push = new zmq.Push();
      push.connect("tcp://127.0.0.1:1");
      push.send("never delivered").then(() => { push.close(); console.log("closed"); });
    `;
    const { code, stdout: out } = await run(process.execPath, ["-e", program], { timeout: 5000 });
    assert.is(code, 0);
    assert.is(out.trim(), "closed");
  });
}

test.run();
