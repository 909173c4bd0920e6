// Publish-subscribe between wasmq and libzmq (Debian python3-zmq child
// process): the full PUB|XPUB x SUB|XSUB matrix with wasmq on either side and
// either side binding; topic filtering both ways (a wasmq PUB/XPUB filters
// for a libzmq XSUB, which does no local filtering of its own; a wasmq SUB
// receives only its topics); XPUB seeing "\x01topic"/"\x00topic" subscription
// messages from libzmq SUB; multipart publications; subscribe-to-all; ipc://.
// PUB -> SUB tests use a slow-joiner barrier: publish repeatedly until the
// first message arrives, never sleep-and-hope.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { zmq } from "./helpers/impl.mjs";
import { interop, recv, tick, withTimeout, ipcEndpoint, str, Inbox } from "./helpers/util.mjs";
import { startPy } from "./helpers/pypeer.mjs";

const test = suite("pyzmq pub/sub (PUB, SUB, XPUB, XSUB)");
const it = interop(test);

const WASM_ANY = "tcp://127.0.0.1:0";
const PY_ANY = "tcp://127.0.0.1:*";
const sub = (topic) => Buffer.concat([Buffer.from([1]), Buffer.from(topic)]);
const unsub = (topic) => Buffer.concat([Buffer.from([0]), Buffer.from(topic)]);

const wasmClass = { PUB: "Publisher", XPUB: "XPublisher", SUB: "Subscriber", XSUB: "XSubscriber" };
const newWasm = (res, type, opts = {}) => res.sock(new zmq[wasmClass[type]]({ linger: 0, ...opts }));

/** Publish `frames` from a wasmq socket every few ms until `arrived` settles. */
async function publishUntil(pubSock, frames, arrived, what = "first publication to arrive") {
  let done = false;
  const settled = arrived.finally(() => (done = true));
  settled.catch(() => {});
  while (!done) {
    await pubSock.send(frames);
    await tick(5);
  }
  return withTimeout(settled, 1, what);
}

// After the barrier, the publisher sends this; the subscriber (topic "A")
// must get exactly the "A:" ones (plus possibly leftover "A:sync" copies).
const SEQUENCE = ["B:1", "A:1", "B:2", "B:3", "A:2", "AB:3", "B:A", "A:end"];
const WANTED = ["A:1", "A:2", "AB:3", "A:end"];

// --- the matrix ------------------------------------------------------------
for (const pubType of ["PUB", "XPUB"]) {
  for (const subType of ["SUB", "XSUB"]) {
    for (const wasmIs of ["publisher", "subscriber"]) {
      for (const wasmBinds of [true, false]) {
        const wasmType = wasmIs === "publisher" ? pubType : subType;
        const pyType = wasmIs === "publisher" ? subType : pubType;
        const name =
          `wasmq ${wasmType} ${wasmBinds ? "binds" : "connects"}, libzmq ${pyType} ` +
          `${wasmBinds ? "connects" : "binds"}: only topic "A" reaches the subscriber`;
        it(name, (res) =>
          wasmIs === "publisher"
            ? wasmPublishes(res, pubType, subType, wasmBinds)
            : wasmSubscribes(res, pubType, subType, wasmBinds),
        );
      }
    }
  }
}

async function wasmPublishes(res, pubType, subType, wasmBinds) {
  const pub = newWasm(res, pubType);
  const pyCfg = { type: subType };
  if (subType === "SUB") pyCfg.subscribe = ["A"];
  else pyCfg.script = [{ op: "send", frames: [sub("A")] }];
  let py;
  if (wasmBinds) {
    await pub.bind(WASM_ANY);
    py = await startPy(res, { ...pyCfg, connect: pub.lastEndpoint });
  } else {
    py = await startPy(res, { ...pyCfg, bind: PY_ANY });
    pub.connect(py.endpoint);
  }
  if (pubType === "XPUB") {
    // the subscription message itself is the barrier
    assert.equal(await recv(pub, undefined, "subscription at XPUB"), [sub("A")]);
  } else {
    await publishUntil(pub, "A:sync", py.waitMessage(() => true));
  }
  for (const m of SEQUENCE) await pub.send(m);
  await py.waitMessage((m) => m.text[0] === "A:end", undefined, '"A:end"');
  const got = py.messages.map((m) => m.text[0]).filter((t) => t !== "A:sync");
  assert.equal(got, WANTED, `libzmq ${subType} received exactly the "A" publications`);
}

async function wasmSubscribes(res, pubType, subType, wasmBinds) {
  const s = newWasm(res, subType);
  if (subType === "SUB") s.subscribe("A");
  const pyCfg = { type: pubType };
  let py;
  if (wasmBinds) {
    await s.bind(WASM_ANY);
    py = await startPy(res, { ...pyCfg, connect: s.lastEndpoint });
  } else {
    py = await startPy(res, { ...pyCfg, bind: PY_ANY });
    s.connect(py.endpoint);
  }
  const inbox = new Inbox(s); // keep a receive pending, like a real subscriber
  if (subType === "XSUB") await s.send(sub("A"));
  if (pubType === "XPUB") {
    const m = await py.recv(undefined, "subscription at libzmq XPUB");
    assert.equal(m.frames, [sub("A")]);
  } else {
    py.repeat([["A:sync"], ["B:sync"]]);
    const [first] = await inbox.next(undefined, "first publication (barrier)");
    assert.is(first.toString(), "A:sync");
    await py.stopRepeat();
  }
  for (const m of SEQUENCE) py.send([m]);
  const got = [];
  for (;;) {
    const [f] = await inbox.next();
    const t = f.toString();
    if (t !== "A:sync") got.push(t);
    if (t === "A:end") break;
  }
  assert.equal(got, WANTED, `wasmq ${subType} received exactly the "A" publications`);
}

// --- subscription messages ---------------------------------------------------
it("wasmq XPUB receives \\x01topic and \\x00topic from a libzmq SUB subscribing and unsubscribing", async (res) => {
  const xpub = newWasm(res, "XPUB");
  await xpub.bind(WASM_ANY);
  const py = await startPy(res, { type: "SUB", connect: xpub.lastEndpoint, subscribe: ["weather"] });
  assert.equal(await recv(xpub), [sub("weather")]);
  py.subscribe("news");
  assert.equal(await recv(xpub), [sub("news")]);
  await xpub.send(["news", "headline"]);
  const m = await py.recv();
  assert.equal(m.text, ["news", "headline"]);
  py.unsubscribe("weather");
  assert.equal(await recv(xpub), [unsub("weather")]);
});

it("wasmq SUB subscribe/unsubscribe reach a libzmq XPUB as \\x01topic / \\x00topic", async (res) => {
  const py = await startPy(res, { type: "XPUB", bind: PY_ANY });
  const s = newWasm(res, "SUB");
  s.subscribe("alpha", "beta");
  s.connect(py.endpoint);
  const subs = (await py.recvN(2)).map((m) => m.frames[0].toString("latin1")).sort();
  assert.equal(subs, ["\x01alpha", "\x01beta"]);
  s.unsubscribe("alpha");
  const m = await py.recv();
  assert.equal(m.frames, [unsub("alpha")]);
  // the remaining subscription still works
  py.send(["alpha", "dropped"]);
  py.send(["beta", "kept"]);
  assert.equal(str(await recv(s)), ["beta", "kept"]);
});

it("wasmq XSUB subscription messages are forwarded verbatim to a libzmq XPUB", async (res) => {
  const xsub = newWasm(res, "XSUB");
  await xsub.bind(WASM_ANY);
  const py = await startPy(res, { type: "XPUB", connect: xsub.lastEndpoint });
  new Inbox(xsub); // keep a receive pending so a bound libzmq socket attaches its peer
  await xsub.send(sub("t1"));
  // first one arrives once connected (earlier ones are replayed as the current set)
  assert.equal((await py.recv()).frames, [sub("t1")]);
  await xsub.send(sub(""));
  await xsub.send(unsub("t1"));
  const got = (await py.recvN(2)).map((m) => m.frames);
  assert.equal(got, [[sub("")], [unsub("t1")]]);
});

// --- multipart / fan-out / subscribe-all ---------------------------------------
it("wasmq SUB receives multipart publications (topic frame + body frames) from libzmq PUB", async (res) => {
  const py = await startPy(res, { type: "PUB", bind: PY_ANY });
  const s = newWasm(res, "SUB");
  s.subscribe("prices");
  s.connect(py.endpoint);
  py.repeat([["prices", "sync"]]);
  assert.equal(str(await recv(s)), ["prices", "sync"]);
  await py.stopRepeat();
  py.send(["other", "x"]);
  py.send(["prices", "", Buffer.from([0, 255]), "end"]);
  for (;;) {
    const m = await recv(s);
    if (m[1].toString() === "sync") continue;
    assert.is(m.length, 4);
    assert.is(m[0].toString(), "prices");
    assert.is(m[1].length, 0);
    assert.ok(Buffer.from(m[2]).equals(Buffer.from([0, 255])));
    assert.is(m[3].toString(), "end");
    break;
  }
});

it("wasmq PUB fans out to two libzmq SUBs, each getting only its own topic", async (res) => {
  const pub = newWasm(res, "PUB");
  await pub.bind(WASM_ANY);
  const a = await startPy(res, { type: "SUB", connect: pub.lastEndpoint, subscribe: ["a."] });
  const b = await startPy(res, { type: "SUB", connect: pub.lastEndpoint, subscribe: ["b."] });
  let done = false;
  const both = Promise.all([a.waitMessage(() => true), b.waitMessage(() => true)]);
  both.finally(() => (done = true)).catch(() => {});
  while (!done) {
    await pub.send("a.sync");
    await pub.send("b.sync");
    await tick(5);
  }
  await withTimeout(both, 1);
  for (let i = 0; i < 5; i++) {
    await pub.send(`a.${i}`);
    await pub.send(`b.${i}`);
  }
  await pub.send("a.end");
  await pub.send("b.end");
  await a.waitMessage((m) => m.text[0] === "a.end");
  await b.waitMessage((m) => m.text[0] === "b.end");
  const nosync = (p) => p.messages.map((m) => m.text[0]).filter((t) => !t.endsWith(".sync"));
  assert.equal(nosync(a), ["a.0", "a.1", "a.2", "a.3", "a.4", "a.end"]);
  assert.equal(nosync(b), ["b.0", "b.1", "b.2", "b.3", "b.4", "b.end"]);
});

it("wasmq SUB subscribed to everything (empty topic) receives all libzmq PUB topics", async (res) => {
  const py = await startPy(res, { type: "PUB", bind: PY_ANY });
  const s = newWasm(res, "SUB");
  s.subscribe();
  s.connect(py.endpoint);
  py.repeat([["sync"]]);
  assert.equal(str(await recv(s)), ["sync"]);
  await py.stopRepeat();
  for (const t of ["x", "y", "", "end"]) py.send([t]);
  const got = [];
  for (;;) {
    const t = (await recv(s))[0].toString();
    if (t === "sync") continue;
    got.push(t);
    if (t === "end") break;
  }
  assert.equal(got, ["x", "y", "", "end"]);
});

// --- ipc ------------------------------------------------------------------------
it("wasmq PUB binds ipc:// and a libzmq SUB receives its topic", async (res) => {
  const pub = newWasm(res, "PUB");
  const ep = ipcEndpoint(res, "pub");
  await pub.bind(ep);
  const py = await startPy(res, { type: "SUB", connect: ep, subscribe: ["ipc"] });
  await publishUntil(pub, ["ipc", "sync"], py.waitMessage(() => true));
  await pub.send(["nope", "x"]);
  await pub.send(["ipc", "end"]);
  await py.waitMessage((m) => m.text[1] === "end");
  assert.ok(py.messages.every((m) => m.text[0] === "ipc"));
});

it("wasmq SUB connects over ipc:// to a libzmq PUB and filters", async (res) => {
  const ep = ipcEndpoint(res, "sub");
  const py = await startPy(res, { type: "PUB", bind: ep });
  const s = newWasm(res, "SUB");
  s.subscribe("ipc");
  s.connect(ep);
  py.repeat([["nope"], ["ipc-sync"]]);
  assert.equal(str(await recv(s)), ["ipc-sync"]);
  await py.stopRepeat();
  py.send(["nope-2"]);
  py.send(["ipc-end"]);
  for (;;) {
    const t = (await recv(s))[0].toString();
    assert.ok(t.startsWith("ipc"), `unexpected ${t}`);
    if (t === "ipc-end") break;
  }
});

test.run();
