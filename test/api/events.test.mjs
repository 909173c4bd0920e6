// Socket events (socket.events) over inproc://, tcp:// and ipc://: bind,
// accept, connect, handshake, disconnect, connect:retry, protocol errors,
// end; both through events.on(type, fn) and through events.receive().
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as net from "node:net";
import {
  zmq, api, eachTransport, bindAny, bindAddress, laterAddress, recv, send, str, watch, withTimeout,
  DEFAULT_TIMEOUT,
} from "./helpers/util.mjs";

const test = suite("api: events");
const it = api(test);

/** The next event of `type` read with events.receive() (others are skipped), bounded. */
async function receiveEvent(sock, type, ms = DEFAULT_TIMEOUT) {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out waiting for event ${type}`);
    const e = await withTimeout(sock.events.receive(), left, `event ${type}`);
    if (e.type === type) return e;
  }
}

eachTransport(it, "bind, accept, connect and handshake are reported on both sides", async (res, kind) => {
  const server = res.sock(new zmq.Dealer());
  const slog = watch(server);
  const address = bindAddress(kind, res);
  await server.bind(address);
  const ep = server.lastEndpoint;
  const bind = await slog.next("bind");
  assert.is(bind.address, ep, "bind reports the resolved endpoint");

  const client = res.sock(new zmq.Dealer());
  const clog = watch(client);
  client.connect(ep);
  const connect = await clog.next("connect");
  assert.is(connect.address, ep);
  const chs = await clog.next("handshake");
  assert.is(chs.address, ep);
  const accept = await slog.next("accept");
  assert.type(accept.address, "string");
  const shs = await slog.next("handshake");
  assert.type(shs.address, "string");
  // The connection works once both have shaken hands.
  await send(client, "hi");
  assert.equal(str(await recv(server)), ["hi"]);
  // Order on each side.
  assert.ok(slog.types.indexOf("bind") < slog.types.indexOf("accept"));
  assert.ok(slog.types.indexOf("accept") < slog.types.indexOf("handshake"));
  assert.ok(clog.types.indexOf("connect") < clog.types.indexOf("handshake"));
});

eachTransport(it, "disconnect is reported on both sides when a peer goes away", async (res, kind) => {
  const server = res.sock(new zmq.Dealer());
  const slog = watch(server);
  const ep = await bindAny(server, kind, res);
  const client = res.sock(new zmq.Dealer({ reconnectInterval: 60_000 }));
  const clog = watch(client);
  client.connect(ep);
  await slog.next("handshake");
  await clog.next("handshake");

  // The connecting side closes: the binding side sees a disconnect.
  const client2 = res.sock(new zmq.Dealer());
  client2.connect(ep);
  await slog.next("handshake", { nth: 2 });
  client2.close();
  const d1 = await slog.next("disconnect");
  assert.type(d1.address, "string");

  // The binding side closes: the connecting side sees a disconnect for its endpoint.
  server.close();
  const d2 = await clog.next("disconnect");
  assert.is(d2.address, ep);
});

for (const kind of ["tcp", "ipc"]) {
  it(`connect:retry is reported while nothing listens, with the interval and an error [${kind}]`, async (res) => {
    const ep = await laterAddress(kind, res);
    const client = res.sock(new zmq.Dealer({ reconnectInterval: 30 }));
    const clog = watch(client);
    client.connect(ep);
    const r1 = await clog.next("connect:retry");
    assert.is(r1.address, ep);
    assert.is(r1.interval, 30);
    assert.type(r1.error?.code, "string");
    await clog.next("connect:retry", { nth: 2 }); // and again
    // Then a listener appears and the retrying ends in a connection.
    const server = res.sock(new zmq.Dealer());
    await server.bind(ep);
    await clog.next("handshake");
    await send(client, "finally");
    assert.equal(str(await recv(server)), ["finally"]);
  });
}

eachTransport(it, "incompatible socket types: handshake:error:protocol on both sides, no messages", async (res, kind) => {
  const a = res.sock(new zmq.Push());
  const alog = watch(a);
  const ep = await bindAny(a, kind, res);
  const b = res.sock(new zmq.Push({ reconnectInterval: 60_000 }));
  const blog = watch(b);
  b.connect(ep);
  const ea = await alog.next("handshake:error:protocol");
  assert.type(ea.error?.code, "string");
  assert.is(ea.error.code, "ERR_ZMTP_SOCKET_TYPE_MISMATCH");
  const eb = await blog.next(["handshake:error:protocol", "disconnect"]);
  assert.ok(eb);
  assert.is(alog.count("handshake"), 0, "no successful handshake on the binding side");
});

for (const kind of ["tcp", "ipc"]) {
  it(`a peer that sends garbage instead of a ZMTP greeting: handshake:error:protocol [${kind}]`, async (res) => {
    const server = res.sock(new zmq.Dealer());
    const slog = watch(server);
    const ep = await bindAny(server, kind, res);
    const raw = kind === "tcp"
      ? net.connect({ host: "127.0.0.1", port: Number(ep.split(":").pop()) })
      : net.connect({ path: ep.slice("ipc://".length) });
    res.defer(() => raw.destroy());
    raw.on("error", () => {});
    raw.write(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + "x".repeat(64)));
    const e = await slog.next("handshake:error:protocol");
    assert.type(e.error?.code, "string");
    assert.match(e.error.code, /^ERR_ZMTP_/);
    // The server still works for real peers.
    const client = res.sock(new zmq.Dealer());
    client.connect(ep);
    await send(client, "ok");
    assert.equal(str(await recv(server)), ["ok"]);
  });
}

eachTransport(it, "events.receive(): bind, accept and handshake arrive in order", async (res, kind) => {
  const server = res.sock(new zmq.Pull());
  const first = server.events.receive(); // start observing before anything happens
  const ep = await bindAny(server, kind, res);
  const b = await withTimeout(first, DEFAULT_TIMEOUT, "bind event");
  assert.is(b.type, "bind");
  assert.is(b.address, ep);
  const client = res.sock(new zmq.Push());
  client.connect(ep);
  const acc = await receiveEvent(server, "accept");
  assert.type(acc.address, "string");
  const hs = await receiveEvent(server, "handshake");
  assert.type(hs.address, "string");
  await send(client, "x");
  assert.equal(str(await recv(server)), ["x"]);
});

it("close(): the observer reports the listener's close, then end, then closes; for await over events ends", async (res) => {
  const s = res.sock(new zmq.Dealer());
  const seen = [];
  const loop = (async () => {
    for await (const e of s.events) seen.push(e.type);
    return "ended";
  })();
  await s.bind(bindAddress("inproc", res));
  s.close();
  assert.is(await withTimeout(loop, 2000, "the events loop to end"), "ended");
  assert.equal(seen, ["bind", "close", "end"]);
  assert.is(s.events.closed, true);
});

test.run();
