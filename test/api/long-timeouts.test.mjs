// Timeouts of 2^31 ms and more, and Infinity, mean what they say. The host's
// setTimeout cannot take such a delay (Node fires after 1 ms with a
// TimeoutOverflowWarning), so each case checks two things: nothing fired
// early, observed against a reference timer that certainly elapsed first,
// and no timer was armed with a delay the host would overflow.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { zmq, api, recv, str } from "./helpers/util.mjs";
import * as sp from "wasmq/sp";

const test = suite("api: very long timeouts");
const it = api(test);

const LONG = [["2^31 ms", 2 ** 31], ["2^32 + 5 ms", 2 ** 32 + 5], ["Infinity", Infinity]];
const elapsed = (ms) => new Promise((r) => setTimeout(r, ms));

// Records TimeoutOverflowWarnings raised while fn runs.
async function overflowWarnings(fn) {
  const seen = [];
  const onWarning = (w) => { if (w.name === "TimeoutOverflowWarning") seen.push(w.message); };
  process.on("warning", onWarning);
  try {
    await fn();
    // Warnings are emitted on the next tick after the setTimeout call.
    await new Promise((r) => setImmediate(r));
  } finally {
    process.removeListener("warning", onWarning);
  }
  return seen;
}

for (const [name, ms] of LONG) {
  it(`receiveTimeout ${name}: receive() waits for the message instead of failing at once`, async (res) => {
    const pull = res.sock(new zmq.Pull({ receiveTimeout: ms }));
    await pull.bind("tcp://127.0.0.1:0");
    let outcome = null;
    const warnings = await overflowWarnings(async () => {
      const pending = pull.receive().then((m) => { outcome = str(m); }, (e) => { outcome = e.code ?? String(e); });
      await elapsed(30);
      assert.is(outcome, null, "receive() settled before any message was sent");
      const push = res.sock(new zmq.Push({ linger: 0 }));
      push.connect(pull.lastEndpoint);
      await push.send("late");
      await pending;
    });
    assert.equal(outcome, ["late"]);
    assert.equal(warnings, []);
  });

  it(`sendTimeout ${name}: a send with no peer waits for one`, async (res) => {
    const push = res.sock(new zmq.Push({ sendTimeout: ms }));
    let outcome = null;
    const warnings = await overflowWarnings(async () => {
      const pending = push.send("queued").then(() => { outcome = "sent"; }, (e) => { outcome = e.code; });
      await elapsed(30);
      assert.is(outcome, null, "send() settled with no peer");
      const pull = res.sock(new zmq.Pull());
      await pull.bind("tcp://127.0.0.1:0");
      push.connect(pull.lastEndpoint);
      await pending;
      assert.equal(str(await recv(pull)), ["queued"]);
    });
    assert.is(outcome, "sent");
    assert.equal(warnings, []);
  });

  it(`linger ${name}: messages queued before close() still reach a peer that comes later`, async (res) => {
    const push = new zmq.Push({ linger: ms });
    const pull = res.sock(new zmq.Pull());
    await pull.bind("tcp://127.0.0.1:0");
    const warnings = await overflowWarnings(async () => {
      // Connected to the endpoint but nobody is there yet: unbind it first.
      const endpoint = pull.lastEndpoint;
      await pull.unbind(endpoint);
      push.connect(endpoint);
      await push.send("one");
      await push.send("two");
      push.close();
      await elapsed(30);
      await pull.bind(endpoint);
      assert.equal(str(await recv(pull)), ["one"]);
      assert.equal(str(await recv(pull)), ["two"]);
    });
    assert.equal(warnings, []);
  });
}

for (const [name, ms] of LONG.filter(([, v]) => v !== Infinity)) {
  it(`reconnectInterval ${name}: a refused connection does not make the core's timer refire`, async (res) => {
    const probe = res.sock(new zmq.Pull());
    await probe.bind("tcp://127.0.0.1:0");
    const endpoint = probe.lastEndpoint;
    await probe.unbind(endpoint);
    const warnings = await overflowWarnings(async () => {
      const push = res.sock(new zmq.Push({ reconnectInterval: ms, linger: 0 }));
      const retry = push.events.receive();
      push.connect(endpoint);
      await retry;
      await elapsed(30);
    });
    assert.equal(warnings, []);
  });

  it(`handshakeInterval ${name} (SP): a silent peer is not timed out early and arms no overflowing timer`, async (res) => {
    const rep = res.sock(new sp.Rep({ handshakeInterval: ms }));
    await rep.bind("tcp://127.0.0.1:0");
    const { port } = new URL(rep.lastEndpoint);
    const net = await import("node:net");
    const warnings = await overflowWarnings(async () => {
      const c = net.connect({ host: "127.0.0.1", port: Number(port) });
      res.defer(() => c.destroy());
      let closed = false;
      c.on("close", () => { closed = true; });
      c.on("error", () => {});
      await new Promise((r) => c.once("connect", r));
      await elapsed(30);
      assert.not.ok(closed, "the silent connection was closed");
    });
    assert.equal(warnings, []);
  });
}

test.run();
