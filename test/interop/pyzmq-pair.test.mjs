// Exclusive pair (PAIR/PAIR) between wasmq and libzmq (Debian python3-zmq
// child process): both bind/connect directions over TCP, ipc://, multipart
// messages with empty and 0-byte frames in both directions, 1000 pipelined
// messages echoed in order, and a 4 MiB message round trip checked
// byte-for-byte on both ends.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { zmq } from "./helpers/impl.mjs";
import { interop, recv, pattern, sha256, ipcEndpoint, str } from "./helpers/util.mjs";
import { startPy } from "./helpers/pypeer.mjs";

const test = suite("pyzmq exclusive pair (PAIR)");
const it = interop(test);

const WASM_ANY = "tcp://127.0.0.1:0";
const PY_ANY = "tcp://127.0.0.1:*";
const newPair = (res) => res.sock(new zmq.Pair({ linger: 0 }));

async function exchange(pair, py) {
  // libzmq -> wasmq
  py.send(["from-py", "", "x"]);
  assert.equal(str(await recv(pair)), ["from-py", "", "x"]);
  py.send([Buffer.alloc(0)]);
  const zero = await recv(pair);
  assert.is(zero.length, 1);
  assert.is(zero[0].length, 0, "0-byte message from libzmq");
  // wasmq -> libzmq
  await pair.send(["from-wasm", Buffer.alloc(0), Buffer.from([0xff, 0])]);
  const m = await py.recv();
  assert.equal(m.frames, [Buffer.from("from-wasm"), Buffer.alloc(0), Buffer.from([0xff, 0])]);
  await pair.send(Buffer.alloc(0));
  assert.equal((await py.recv()).lens, [0], "0-byte message from wasmq");
}

it("wasmq PAIR binds, libzmq PAIR connects: multipart, empty-frame and 0-byte messages flow both ways", async (res) => {
  const pair = newPair(res);
  await pair.bind(WASM_ANY);
  assert.match(pair.lastEndpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  const py = await startPy(res, { type: "PAIR", connect: pair.lastEndpoint });
  await exchange(pair, py);
});

it("wasmq PAIR connects to a binding libzmq PAIR: multipart, empty-frame and 0-byte messages flow both ways", async (res) => {
  const py = await startPy(res, { type: "PAIR", bind: PY_ANY });
  const pair = newPair(res);
  pair.connect(py.endpoint);
  await exchange(pair, py);
});

it("wasmq PAIR and libzmq PAIR talk over ipc:// (wasmq binds)", async (res) => {
  const pair = newPair(res);
  const ep = ipcEndpoint(res, "pair");
  await pair.bind(ep);
  const py = await startPy(res, { type: "PAIR", connect: ep });
  await exchange(pair, py);
});

it("wasmq PAIR echoes 1000 pipelined messages through a libzmq PAIR in order", async (res) => {
  const py = await startPy(res, { type: "PAIR", bind: PY_ANY, echo: true });
  const pair = newPair(res);
  pair.connect(py.endpoint);
  const N = 1000;
  const sending = (async () => {
    for (let i = 0; i < N; i++) await pair.send([`seq`, String(i)]);
  })();
  sending.catch(() => {}); // surfaced by the await below; never unhandled
  for (let i = 0; i < N; i++) {
    const [a, b] = str(await recv(pair));
    assert.is(a, "seq");
    assert.is(Number(b), i);
  }
  await sending;
});

it("a 4 MiB message round-trips byte-for-byte between wasmq PAIR and a libzmq PAIR echo", async (res) => {
  const pair = newPair(res);
  await pair.bind(WASM_ANY);
  const py = await startPy(res, { type: "PAIR", connect: pair.lastEndpoint, echo: true });
  const big = pattern(4 * 1024 * 1024, 42);
  await pair.send(["big", big]);
  const [tag, back] = await recv(pair, 15_000);
  assert.is(tag.toString(), "big");
  assert.is(back.length, big.length);
  assert.ok(Buffer.from(back).equals(big), "echoed payload identical");
  const seen = await py.recv();
  assert.equal(seen.lens, [3, big.length]);
  assert.is(seen.sha256[1], sha256(big), "libzmq received the exact bytes");
});

test.run();
