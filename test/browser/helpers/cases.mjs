// The cases both browser suites run, in the page (page.test.mjs) and in a
// module Web Worker (worker.test.mjs): the Node side (wasmq's Node entries,
// or nngcat) here, the browser side in fixtures/harness.mjs.
import * as assert from "uvu/assert";
import * as zmq from "wasmq/zmq";
import * as sp from "wasmq/sp";
import { freePort, nngcatRep, withTimeout } from "./browser.mjs";

const T = 5_000;
const str = (frames) => frames.map((f) => f.toString());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Publishes [topic, n] pairs every few ms until stopped (subscribers join late). */
function publishing(send) {
  let on = true;
  const done = (async () => {
    for (let n = 0; on; n++) {
      await send("weather", n);
      await send("sports", n);
      await sleep(10);
    }
  })();
  return async () => { on = false; await done.catch(() => {}); };
}

/**
 * Defines every case on `it` (a bounded uvu test), running the browser side
 * through `run(name, params)` in context `where` ("page" or "worker").
 */
export function defineCases(it, where, getRun) {
  const run = (name, params) => getRun()(where, name, params);

  it(`${where}: no Node globals (Buffer, process); the bundle loads`, async () => {
    const env = await run("env");
    assert.is(env.worker, where === "worker");
    assert.is(env.buffer, "undefined");
    assert.is(env.process, "undefined");
  });

  it(`${where}: zmq REQ -> Node REP over ws:// (multipart, binary)`, async (res) => {
    const rep = res.sock(new zmq.Reply());
    await rep.bind("ws://127.0.0.1:0/zmq-rep");
    (async () => {
      for await (const frames of rep) {
        await rep.send(frames.length === 1 ? frames : [`echo ${str(frames).join("|")}`]);
      }
    })().catch(() => {});
    const r = await run("zmqReqRep", { url: rep.lastEndpoint });
    assert.equal(r.replies, [0, 1, 2].map((i) => [`echo hello ${i}|from the browser`]));
    assert.equal(r.frameKinds, ["Uint8Array"]);
    assert.equal(r.binary, [0, 1, 2, 253, 254, 255]);
  });

  it(`${where}: zmq SUB <- Node PUB over ws:// (filtered by topic)`, async (res) => {
    const pub = res.sock(new zmq.Publisher());
    await pub.bind("ws://127.0.0.1:0/zmq-pub");
    const stop = publishing((topic, n) => pub.send([topic, `${topic} ${n}`]));
    res.defer(stop);
    const r = await run("zmqPubSub", { url: pub.lastEndpoint, topic: "weather", count: 3 });
    assert.is(r.got.length, 3);
    for (const m of r.got) {
      assert.is(m.length, 2);
      assert.is(m[0], "weather");
      assert.match(m[1], /^weather \d+$/);
    }
  });

  it(`${where}: zmq PUSH -> Node PULL and Node PUSH -> PULL over ws://`, async (res) => {
    const count = 20;
    const pull = res.sock(new zmq.Pull());
    await pull.bind("ws://127.0.0.1:0/zmq-pull");
    const push = res.sock(new zmq.Push());
    await push.bind("ws://127.0.0.1:0/zmq-push");
    const sending = (async () => { for (let i = 0; i < count; i++) await push.send(["task", String(i)]); })();
    const receiving = (async () => {
      const got = [];
      while (got.length < count) got.push(str(await pull.receive()));
      return got;
    })();
    // Settled below; until then a failure elsewhere must not leave them unhandled.
    sending.catch(() => {});
    receiving.catch(() => {});
    const r = await run("zmqPushPull", { pullUrl: pull.lastEndpoint, pushUrl: push.lastEndpoint, count });
    assert.equal(r.got, Array.from({ length: count }, (_, i) => ["task", String(i)]));
    await withTimeout(sending, T, "Node's sends");
    assert.equal(await withTimeout(receiving, T, "the browser's messages at the Node PULL"),
      Array.from({ length: count }, (_, i) => ["job", String(i)]));
  });

  it(`${where}: large messages both ways over ws:// (send back-pressure, paused receive)`, async (res) => {
    const count = 60;
    const size = 100 * 1024;
    const pull = res.sock(new zmq.Pull());
    await pull.bind("ws://127.0.0.1:0/zmq-large-pull");
    const push = res.sock(new zmq.Push());
    await push.bind("ws://127.0.0.1:0/zmq-large-push");
    const sending = (async () => { for (let i = 0; i < count; i++) await push.send(Buffer.alloc(size, i & 0xff)); })();
    const receiving = (async () => {
      const got = [];
      while (got.length < count) {
        const [m] = await pull.receive();
        got.push([m.length, m[0], m[m.length - 1]]);
      }
      return got;
    })();
    sending.catch(() => {});
    receiving.catch(() => {});
    const expected = Array.from({ length: count }, (_, i) => [size, i & 0xff, i & 0xff]);
    const r = await run("zmqLarge", { pullUrl: pull.lastEndpoint, pushUrl: push.lastEndpoint, count, size });
    assert.equal(r.got, expected);
    await withTimeout(sending, T, "Node's sends");
    assert.equal(await withTimeout(receiving, T, "the browser's messages at the Node PULL"), expected);
  });

  it(`${where}: sp REQ -> Node REP over ws:// (rep.sp.nanomsg.org)`, async (res) => {
    const rep = res.sock(new sp.Rep());
    await rep.bind("ws://127.0.0.1:0/sp-rep");
    (async () => { for await (const [body] of rep) await rep.send(`re: ${body}`); })().catch(() => {});
    const r = await run("spReqRep", { url: rep.lastEndpoint, requests: ["one", "two", "three"] });
    assert.equal(r.replies, [["re: one"], ["re: two"], ["re: three"]]);
    assert.equal(r.frameKinds, ["Uint8Array"]);
  });

  it(`${where}: sp SUB <- Node PUB over ws:// (filtered by topic)`, async (res) => {
    const pub = res.sock(new sp.Pub());
    await pub.bind("ws://127.0.0.1:0/sp-pub");
    const stop = publishing((topic, n) => pub.send(`${topic} ${n}`));
    res.defer(stop);
    const r = await run("spPubSub", { url: pub.lastEndpoint, topic: "weather", count: 3 });
    assert.is(r.got.length, 3);
    for (const [m] of r.got) assert.match(m, /^weather \d+$/);
  });

  it(`${where}: sp PUSH -> Node PULL and Node PUSH -> PULL over ws://`, async (res) => {
    const count = 20;
    const pull = res.sock(new sp.Pull());
    await pull.bind("ws://127.0.0.1:0/sp-pull");
    const push = res.sock(new sp.Push());
    await push.bind("ws://127.0.0.1:0/sp-push");
    const sending = (async () => { for (let i = 0; i < count; i++) await push.send(`task ${i}`); })();
    const receiving = (async () => {
      const got = [];
      while (got.length < count) got.push(str(await pull.receive()));
      return got;
    })();
    sending.catch(() => {});
    receiving.catch(() => {});
    const r = await run("spPushPull", { pullUrl: pull.lastEndpoint, pushUrl: push.lastEndpoint, count });
    assert.equal(r.got, Array.from({ length: count }, (_, i) => [`task ${i}`]));
    await withTimeout(sending, T, "Node's sends");
    assert.equal(await withTimeout(receiving, T, "the browser's messages at the Node PULL"),
      Array.from({ length: count }, (_, i) => [`job ${i}`]));
  });

  it(`${where}: sp REQ -> nngcat --rep0 over ws://`, async (res) => {
    const cat = await nngcatRep("pong from nngcat", `nng-${where}`);
    res.defer(cat.close);
    const r = await run("spReqRep", { url: cat.url, requests: ["ping from the browser"] });
    assert.equal(r.replies, [["pong from nngcat"]], `nngcat stderr: ${cat.stderr()}`);
    assert.equal(cat.requests, ["ping from the browser"]);
  });

  it(`${where}: inproc:// between sockets in the same ${where}`, async () => {
    const r = await run("inproc", { name: `${where}-inproc` });
    assert.equal(r.zmq, ["in", "proc"]);
    assert.equal(r.zmqKinds, ["Uint8Array", "Uint8Array"]);
    assert.equal(r.sp, ["pair"]);
  });

  it(`${where}: listening and Node-only transports fail with EPROTONOSUPPORT`, async () => {
    const r = await run("unsupported");
    for (const k of ["bind ws", "bind wss", "bind tcp", "connect tcp", "connect ipc", "attachWebSocketServer"]) {
      assert.is(r[k], "EPROTONOSUPPORT", `${k}: ${r[k]}`);
    }
  });

  it(`${where}: connects before the Node listener exists, and reconnects after it is replaced`, async (res) => {
    const port = await freePort();
    const url = `ws://127.0.0.1:${port}/late`;
    const key = `reconnect-${where}`;
    await run("reconnectStart", { url, key });
    res.defer(() => run("reconnectEnd", { key }).catch(() => {}));
    await sleep(150); // a few refused dials
    let pull = res.sock(new zmq.Pull({ receiveTimeout: T }));
    await pull.bind(url);
    await run("reconnectSend", { key, msg: "first" });
    assert.equal(str(await pull.receive()), ["first"]);
    pull.close();
    await sleep(100);
    pull = res.sock(new zmq.Pull({ receiveTimeout: T }));
    await pull.bind(url);
    await run("reconnectSend", { key, msg: "second" });
    assert.equal(str(await pull.receive()), ["second"]);
    const { events } = await run("reconnectEnd", { key });
    for (const e of ["connect:retry", "connect", "handshake", "disconnect"]) assert.ok(events.includes(e), `event ${e} (got ${events})`);
  });
}
