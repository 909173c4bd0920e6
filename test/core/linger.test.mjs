// Linger is a core deadline (timers.ts ST_LINGER): once the application has
// closed a socket, what is queued may still leave for up to `linger` ms;
// the core says when that is over (EV_LINGER_OVER), because its queue has
// drained or because the time is up, on the manual clock like every timer.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Clock, newCore, handshake, PipeRec } from "./helpers/harness.mjs";
import { T } from "./helpers/wire.mjs";

function lingeringPush(ms) {
  const clock = new Clock();
  const core = newCore(clock);
  const sock = { core, over: 0, pipes: [] };
  sock.h = core.openSocket(T.PUSH, { onReadable() {}, onWritable() {}, onLingerOver() { sock.over++; } });
  const pipe = new PipeRec(sock, true);     // connect-made, not up yet: messages wait in it
  assert.is(core.send(sock.h, ["one"]), 0);
  assert.is(core.send(sock.h, ["two"]), 0);
  const lingering = core.linger(sock.h, ms);
  return { clock, core, sock, pipe, lingering };
}

test("with nothing queued there is nothing to wait for", () => {
  const core = newCore();
  const h = core.openSocket(T.PUSH, { onReadable() {}, onWritable() {} });
  assert.is(core.linger(h, 1000), false);
});

test("linger 0 waits for nothing, whatever is queued", () => {
  assert.is(lingeringPush(0).lingering, false);
});

test("the linger time runs out on the manual clock: over at exactly `linger` ms, not before", () => {
  const env = lingeringPush(1000);
  assert.is(env.lingering, true);
  env.clock.t = 999; env.core.tick();
  assert.is(env.sock.over, 0);
  assert.is(env.core.nextDeadline, 1000);
  env.clock.t = 1000; env.core.tick();
  assert.is(env.sock.over, 1);
  env.clock.t = 5000; env.core.tick();
  assert.is(env.sock.over, 1, "once");
});

for (const [name, ms] of [["linger -1", -1], ["linger Infinity", Infinity], ["linger 10 s", 10_000]]) {
  test(`${name}: over as soon as the queue has drained to a peer that came later`, () => {
    const env = lingeringPush(ms);
    assert.is(env.lingering, true);
    env.clock.t = 500; env.core.tick();
    assert.is(env.sock.over, 0, "still waiting");
    env.pipe.start();
    env.pipe.take();                        // our greeting: the messages wait for the handshake
    assert.is(env.sock.over, 0, "nothing of the queue has left yet");
    const out = handshake(env.pipe, "PULL"); // the host takes READY and the queued messages
    assert.ok(out.includes(Buffer.from("two")), "both messages went out");
    assert.is(env.sock.over, 1);
  });
}

test.run();
