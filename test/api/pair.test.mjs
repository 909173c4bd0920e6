// PAIR/PAIR over inproc://, tcp:// and ipc://: both directions, and a second
// PAIR peer is refused while the first one keeps working.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { zmq, api, eachTransport, bindAny, recv, send, str, watch } from "./helpers/util.mjs";

const test = suite("api: PAIR");
const it = api(test);

eachTransport(it, "PAIR/PAIR: messages both ways, in order", async (res, kind) => {
  const a = res.sock(new zmq.Pair());
  const ep = await bindAny(a, kind, res);
  const b = res.sock(new zmq.Pair());
  b.connect(ep);
  for (let i = 0; i < 5; i++) {
    await send(b, `b${i}`);
    await send(a, [`a${i}`, "x"]);
  }
  for (let i = 0; i < 5; i++) {
    assert.equal(str(await recv(a)), [`b${i}`]);
    assert.equal(str(await recv(b)), [`a${i}`, "x"]);
  }
});

eachTransport(it, "PAIR refuses a second peer; the first keeps the channel", async (res, kind) => {
  const a = res.sock(new zmq.Pair());
  const alog = watch(a);
  const ep = await bindAny(a, kind, res);
  const first = res.sock(new zmq.Pair());
  first.connect(ep);
  await send(first, "hello");
  assert.equal(str(await recv(a)), ["hello"]);

  const second = res.sock(new zmq.Pair({ reconnectInterval: 60_000 }));
  const slog = watch(second);
  second.connect(ep);
  await send(second, "intruder");
  // The bound PAIR closes the second connection.
  await slog.next("disconnect");
  const refusal = await alog.next(["handshake:error:protocol", "disconnect"]);
  assert.ok(refusal, "the bound PAIR reports the refused connection");
  if (refusal.type === "handshake:error:protocol") assert.is(refusal.error?.code, "ERR_ZMTP_PEER_LIMIT");

  await send(first, "still-here");
  assert.equal(str(await recv(a)), ["still-here"], "nothing from the second peer arrives");
  await send(a, "to-first");
  assert.equal(str(await recv(first)), ["to-first"]);
  second.receiveTimeout = 0;
  assert.not.ok(second.readable, "the second peer received nothing");
});

test.run();
