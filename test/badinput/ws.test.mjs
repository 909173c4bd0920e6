// docs/hostile-peers.md section F (cases 46-48): hostile WebSocket clients, written
// by hand over node:net (test/helpers/ws-raw.mjs), against a ws:// listener of
// each family: a ZMTP ROUTER (ZWS 2.0) and an SP REQ.
//
// 46 upgrade request: missing Sec-WebSocket-Key, Version != 13 (8, 7), a
//    1 KiB Version value, duplicate Sec-WebSocket-Protocol, headers over
//    8 KiB (9 KiB and 20 KiB), wrong path, not GET, not an upgrade at all.
// 47 subprotocol missing or wrong (ZMTP: none, "chat"; SP: none,
//    rep.sp.nanomsg.org to a REQ listener, "chat"); a foreign Origin when the
//    listener's allow-list (the public `wsOrigins` option) is on. (Whether a
//    request with no Origin at all, i.e. any non-browser client, should pass
//    is a design question left open here.)
// 48 after the upgrade: TEXT frame (1003), unmasked client frame, RSV1/2/3,
//    reserved opcodes, CONT first, a data frame mid-fragment, a control frame
//    over 125 bytes or fragmented (1002), a 64-bit length with the MSB set or
//    beyond any limit (1009), a frame announcing more than the socket's
//    maxMessageSize (closed when the header arrives, as nng: 1009), a whole
//    message over maxMessageSize, an empty message, 100k empty CONT frames,
//    and a client that never answers the server's close frame.
//
// Every case (badCase, helpers/raw.mjs): no uncaught exception or unhandled
// rejection; the answer is an HTTP refusal with a fixed body (nothing of the
// request reflected) and the server closes the connection, or a WebSocket
// close with the expected code; the listener accepts/handshakes nothing for a
// refused upgrade and delivers nothing; and a good wasmq client then
// completes a round trip on the same listener.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  zmq, badCase, track, defer, EventLog, goodClientRoundTrip, withTimeout, assertNothingDelivered as nothingDelivered,
} from "./helpers/raw.mjs";
import { sp, spGoodRoundTrip } from "./helpers/sp.mjs";
import { rawUpgrade, upgradeRequest } from "../helpers/ws-raw.mjs";

const test = suite("bad input F: WebSocket (ZWS and SP listeners)");

const MiB = 1 << 20;
const GOOD_ORIGIN = "http://good.example";

const FAMILIES = [
  {
    name: "ZMTP ROUTER",
    Kind: zmq.Router,
    proto: "ZWS2.0",
    wrong: [["no subprotocol", null], ['"chat"', "chat"], ['"ZWS1.0"', "ZWS1.0"]],
    roundTrip: (l) => goodClientRoundTrip(l.sock),
    // A raw client that already upgraded completes a ZWS2.0 exchange: routing ids, one message.
    async rawRoundTrip(l, conn) {
      await conn.next(2000, "the ROUTER's routing id");
      conn.send(Buffer.from("\x00raw-peer", "latin1"));
      conn.send(Buffer.from("\x00hello from raw", "latin1"));
      const m = await withTimeout(l.sock.receive(), 2000, "the raw client's message at the ROUTER");
      assert.equal(m.map(String), ["raw-peer", "hello from raw"]);
    },
  },
  {
    name: "SP REQ",
    Kind: sp.Req,
    proto: "req.sp.nanomsg.org",
    wrong: [["no subprotocol", null], ["rep.sp.nanomsg.org (a REQ dialer's offer)", "rep.sp.nanomsg.org"], ['"chat"', "chat"]],
    roundTrip: (l) => spGoodRoundTrip(l),
    // The raw client plays REP: request in (id + body), reply out.
    async rawRoundTrip(l, conn) {
      await l.sock.send("req from wasmq");
      const f = await conn.next(2000, "the request at the raw REP");
      assert.is(f.payload.subarray(4).toString(), "req from wasmq");
      assert.ok(f.payload[0] & 0x80, "request id with the MSB set");
      conn.send(Buffer.concat([f.payload.subarray(0, 4), Buffer.from("raw reply")]));
      const [a] = await withTimeout(l.sock.receive(), 2000, "the raw reply at the REQ");
      assert.is(a.toString(), "raw reply");
    },
  },
];

/**
 * U0 check 5: nothing is waiting at the listener. A non-blocking receive must
 * fail: EAGAIN (wasmq/zmq), ETIMEDOUT (wasmq/sp), or ESTATE (an SP REQ that
 * has no request outstanding, which is all the listeners here ever are when
 * this runs).
 */
const assertNothingDelivered = (sock, what) => nothingDelivered(sock, what, ["EAGAIN", "ETIMEDOUT", "ESTATE"]);

let n = 0;
/** A listener of the family on ws://127.0.0.1:0/<fresh path>, with its event log. */
async function wsListen(fam, options = {}) {
  const path = `/bad-${process.pid}-${++n}`;
  const sock = track(new fam.Kind({ linger: 0, ...options }));
  const events = new EventLog(sock);
  await sock.bind(`ws://127.0.0.1:0${path}`);
  const endpoint = sock.lastEndpoint;
  const port = Number(new URL(endpoint).port);
  return { fam, sock, events, endpoint, port, path };
}

const MARKER = "reflected-marker-7f3a";

/**
 * Send an upgrade request; assert a clean refusal: one of `statuses`, the
 * connection closed by the server, nothing of the request (MARKER) in the
 * answer, nothing accepted or delivered at the listener.
 */
async function expectRefused(l, req, statuses, what) {
  const r = await rawUpgrade(l.port, req, 3000);
  r.conn?.destroy();
  assert.ok(
    statuses.includes(r.status),
    `${what}: expected HTTP ${statuses.join("/")}, got ${r.status === null ? "no answer" : `${r.status} ${r.reason}`}${r.status === 101 ? " (upgrade accepted)" : ""}`,
  );
  assert.ok(r.serverClosed, `${what}: the server closes the connection after refusing`);
  assert.not.ok(r.head.includes(MARKER) || r.body.includes(MARKER), `${what}: the answer reflects the request: ${JSON.stringify(r.head + r.body).slice(0, 300)}`);
  assert.ok(r.body.length < 200, `${what}: a short fixed body, got ${r.body.length} bytes`);
  assert.is(l.events.count("accept"), 0, `${what}: nothing accepted (events: ${l.events.describe()})`);
  assert.is(l.events.count("handshake"), 0, `${what}: no handshake`);
  await assertNothingDelivered(l.sock, `${what}: nothing delivered`);
  return r;
}

/** A valid upgrade on the listener (offering the family's subprotocol); returns the RawWs. */
async function upgraded(l, extra = {}) {
  const r = await rawUpgrade(l.port, upgradeRequest({ port: l.port, path: l.path, protocols: l.fam.proto, ...extra }));
  assert.is(r.status, 101, `valid upgrade answered ${r.status} ${r.reason}`);
  defer(() => r.conn.destroy());
  return r.conn;
}

/**
 * After `send(conn)`: the server closes with one of `codes` (a close frame;
 * null in codes also accepts a bare TCP close) within ms; nothing delivered;
 * the listener reports the connection gone.
 */
async function expectClosed(l, conn, codes, what, ms = 1500) {
  const c = await conn.closed(ms).catch((e) => assert.unreachable(`${what}: ${e.message}`));
  assert.ok(codes.includes(c.code), `${what}: close code ${c.code} (${JSON.stringify(c.reason)}), expected ${codes.join("/")}`);
  await l.events.waitFor("disconnect", undefined, 2000);
  await assertNothingDelivered(l.sock, `${what}: nothing delivered`);
  return c;
}

/**
 * Defines one case per family: fn(l) then a good client's round trip on the
 * same listener: a wasmq dialer, or with `origin` (a listener with an Origin
 * allow-list, which a wasmq dialer, sending no Origin, cannot pass) a raw
 * client sending that Origin.
 */
function wsCase(name, fn, { options, bound = 5000, origin } = {}) {
  for (const fam of FAMILIES) {
    badCase(test, `[${fam.name}] ${name}`, async () => {
      const l = await wsListen(fam, typeof options === "function" ? options(fam) : options);
      await fn(l, fam);
      if (origin) await fam.rawRoundTrip(l, await upgraded(l, { origin }));
      else await fam.roundTrip(l);
    }, { bound });
  }
}

// ------------------------------------------------------------ 46: the upgrade request

const req = (l, o) => upgradeRequest({ port: l.port, path: l.path, protocols: l.fam.proto, extra: [["X-Trace", MARKER]], ...o });

wsCase("46 missing Sec-WebSocket-Key -> 400", (l) => expectRefused(l, req(l, { key: null }), [400], "no key"));

wsCase("46 malformed Sec-WebSocket-Key (not 16 bytes base64) -> 400", (l) =>
  expectRefused(l, req(l, { key: `${MARKER}==` }), [400], "bad key"));

wsCase("46 Sec-WebSocket-Version: 8 (not 13) -> 400/426", (l) => expectRefused(l, req(l, { version: "8" }), [400, 426], "version 8"));

wsCase("46 Sec-WebSocket-Version: 7 -> 400/426", (l) => expectRefused(l, req(l, { version: "7" }), [400, 426], "version 7"));

wsCase("46 a 1 KiB Sec-WebSocket-Version value -> 400/426, not reflected", (l) =>
  expectRefused(l, req(l, { version: (MARKER + "9").repeat(48).slice(0, 1024) }), [400, 426], "1 KiB version"));

wsCase("46 duplicate Sec-WebSocket-Protocol headers -> 400", (l) =>
  expectRefused(l, req(l, { extra: [["Sec-WebSocket-Protocol", l.fam.proto], ["X-Trace", MARKER]] }), [400], "two protocol headers"));

wsCase("46 the same subprotocol twice in one header -> 400", (l) =>
  expectRefused(l, req(l, { protocols: `${l.fam.proto}, ${l.fam.proto}` }), [400], "protocol listed twice"));

wsCase("46 headers over 8 KiB (9 KiB, otherwise valid) -> refused (400/431)", (l) =>
  expectRefused(l, req(l, { extra: [["X-Junk", "j".repeat(9 * 1024)], ["X-Trace", MARKER]] }), [400, 431], "9 KiB of headers"));

wsCase("46 headers over 16 KiB (20 KiB) -> refused (400/431)", (l) =>
  expectRefused(l, req(l, { extra: [["X-Junk", "j".repeat(20 * 1024)], ["X-Trace", MARKER]] }), [400, 431], "20 KiB of headers"));

wsCase("46 upgrade to another path of the listener's own server -> 404", (l) =>
  expectRefused(l, req(l, { path: `/not-bound-${MARKER}` }), [404], "wrong path"));

wsCase("46 POST with upgrade headers -> 4xx", (l) =>
  expectRefused(l, req(l, { method: "POST" }), [400, 405], "POST upgrade"));

wsCase("46 a plain GET (no upgrade) to the listener's port -> 4xx with a fixed body", (l) =>
  expectRefused(l, `GET /?${MARKER} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trace: ${MARKER}\r\nConnection: close\r\n\r\n`, [400, 404, 426], "plain GET"));

// ------------------------------------------------------------ 47: subprotocol, Origin

for (const fam of FAMILIES) {
  for (const [label, protocols] of fam.wrong) {
    badCase(test, `[${fam.name}] 47 subprotocol: ${label} -> 400`, async () => {
      const l = await wsListen(fam);
      await expectRefused(l, req(l, { protocols }), [400], label);
      await fam.roundTrip(l);
    }, { bound: 5000 });
  }
}

badCase(test, "[SP REQ] 47 subprotocol: another SP protocol offered with the right one (\"pair.sp.nanomsg.org, req.sp.nanomsg.org\") -> chosen by name, not position", async () => {
  const l = await wsListen(FAMILIES[1]);
  const r = await rawUpgrade(l.port, req(l, { protocols: "pair.sp.nanomsg.org, req.sp.nanomsg.org" }));
  r.conn?.destroy();
  assert.ok(r.status === 101 ? r.headers["sec-websocket-protocol"] === "req.sp.nanomsg.org" : r.status === 400,
    `either refused or "req.sp.nanomsg.org" chosen; got ${r.status} ${r.headers["sec-websocket-protocol"]}`);
  await spGoodRoundTrip(l);
});

const originList = () => ({ wsOrigins: [GOOD_ORIGIN] });

wsCase("47 Origin allow-list on (wsOrigins): a foreign Origin -> 403", (l) =>
  expectRefused(l, req(l, { origin: `http://evil.example/${MARKER}` }), [403], "foreign origin"), { options: originList, origin: GOOD_ORIGIN });

wsCase("47 Origin allow-list on: an Origin that only starts like the allowed one -> 403", (l) =>
  expectRefused(l, req(l, { origin: `${GOOD_ORIGIN}.evil.example` }), [403], "look-alike origin"), { options: originList, origin: GOOD_ORIGIN });

for (const fam of FAMILIES) {
  badCase(test, `[${fam.name}] 47 Origin allow-list on: the allowed Origin gets 101 and completes an exchange; a foreign one in between is refused`, async () => {
    const l = await wsListen(fam, originList());
    assert.equal(l.sock.wsOrigins, [GOOD_ORIGIN], "wsOrigins reads back");
    await expectRefused(l, req(l, { origin: "http://evil.example" }), [403], "foreign origin");
    const conn = await upgraded(l, { origin: GOOD_ORIGIN });
    await fam.rawRoundTrip(l, conn);
  }, { bound: 5000 });
}

// ------------------------------------------------------------ 48: frames after the upgrade

const frameCase = (name, codes, send, opts) =>
  wsCase(`48 ${name} -> close ${codes.filter((c) => c !== null).join("/")}`, async (l) => {
    const conn = await upgraded(l);
    await send(conn, l);
    await expectClosed(l, conn, codes, name);
  }, opts);

frameCase("a TEXT frame", [1003], (c) => c.frame({ opcode: 1, payload: "text is not allowed" }));
frameCase("an unmasked client frame", [1002], (c) => c.frame({ payload: "abcdef", mask: false }));
frameCase("RSV1 set (no extension negotiated)", [1002], (c) => c.frame({ payload: "abcdef", rsv: 4 }));
frameCase("RSV2 set", [1002], (c) => c.frame({ payload: "abcdef", rsv: 2 }));
frameCase("RSV3 set", [1002], (c) => c.frame({ payload: "abcdef", rsv: 1 }));
frameCase("reserved data opcode 3", [1002], (c) => c.frame({ opcode: 3, payload: "x" }));
frameCase("reserved control opcode 0xB", [1002], (c) => c.frame({ opcode: 0xb, payload: "x" }));
frameCase("a CONT frame first", [1002], (c) => c.frame({ opcode: 0, payload: "x" }));
frameCase("a new data frame in the middle of a fragmented message", [1002], (c) => {
  c.frame({ opcode: 2, payload: "part 1", fin: false });
  c.frame({ opcode: 2, payload: "another message" });
});
frameCase("a PING over 125 bytes", [1002], (c) => c.frame({ opcode: 9, payload: Buffer.alloc(126) }));
frameCase("a fragmented PING", [1002], (c) => c.frame({ opcode: 9, payload: "x", fin: false }));
frameCase("a 64-bit length with the MSB set", [1009], (c) => c.frame({ payload: Buffer.alloc(0), length: 1n << 63n, lengthForm: 64 }));
frameCase("a 2^40-byte length (over any limit)", [1009], (c) => c.frame({ payload: Buffer.alloc(0), length: 1n << 40n, lengthForm: 64 }));

// A hostile client never answers the server's close frame. The server must
// not hold the TCP connection (and the pipe, whose disconnect event waits for
// it) until the `ws` package's default closeTimeout of 30 s.
wsCase("48 a TEXT frame, then the client ignores the close frame -> TCP closed and disconnect reported (1 s close timeout)", async (l) => {
  const conn = await upgraded(l);
  conn.echoClose = false;
  conn.frame({ opcode: 1, payload: "text, and deaf to the close" });
  const c = await conn.closed(1500);
  assert.is(c.code, 1003);
  const t = performance.now();
  await conn.until(() => (conn.tcpClosed ? true : undefined), 6000, "the server to close TCP").catch(() => {});
  assert.ok(conn.tcpClosed, `TCP still open ${(performance.now() - t).toFixed(0)} ms after the close frame (the peer never answered it)`);
  await l.events.waitFor("disconnect", undefined, 3000);
}, { bound: 10000 });

for (const fam of FAMILIES) {
  badCase(test, `[${fam.name}] 48 unbind() while a connected client ignores close frames resolves (1 s close timeout) and drops it`, async () => {
    const l = await wsListen(fam);
    const conn = await upgraded(l);
    conn.echoClose = false;
    await l.events.waitFor("accept", undefined, 1000);
    const t = performance.now();
    let done = false;
    const unbinding = l.sock.unbind(l.endpoint).then(() => (done = true));
    await Promise.race([unbinding, new Promise((r) => setTimeout(r, 6000))]);
    const ms = performance.now() - t;
    assert.ok(done, `unbind() still pending after ${ms.toFixed(0)} ms (close frame sent: ${JSON.stringify(conn.closeFrame)}, TCP closed: ${conn.tcpClosed})`);
    await conn.until(() => (conn.tcpClosed ? true : undefined), 3000, "the connection to be dropped").catch(() => {});
    assert.ok(conn.tcpClosed, "the deaf client's TCP connection is closed by the server");
    conn.destroy(); // (teardown: let a still-pending unbind finish)
    await unbinding;
  }, { bound: 12000 });
}

// nng closes with 1009 when a frame header announces more than it will take,
// before any payload; here the socket's maxMessageSize is 1 MiB (the SP
// default; set for the ZMTP socket) and the client announces 8 MiB, then sends
// nothing more. Waiting for 8 MiB (up to 256 MiB) per connection is unbounded
// memory for a limit the application set.
frameCase("a frame announcing 8 MiB (over maxMessageSize 1 MiB), then silence", [1009, null], (c) =>
  c.frame({ payload: Buffer.alloc(0), length: 8 * MiB }), { options: { maxMessageSize: MiB } });

wsCase("48 a whole message over maxMessageSize (1.5 MiB, limit 1 MiB) -> closed, nothing delivered", async (l, fam) => {
  const conn = await upgraded(l);
  if (fam.Kind === zmq.Router) {
    await conn.next(2000, "the ROUTER's routing id");
    conn.send(Buffer.from("\x00big-peer", "latin1"));
    conn.send(Buffer.concat([Buffer.from([0]), Buffer.alloc(1.5 * MiB, 0x61)]));
  } else {
    conn.send(Buffer.concat([Buffer.from([0x80, 0, 0, 1]), Buffer.alloc(1.5 * MiB, 0x61)]));
  }
  await expectClosed(l, conn, [1000, 1002, 1009, null], "message over maxMessageSize");
}, { options: { maxMessageSize: MiB } });

wsCase("48 an empty binary message (no ZWS flags byte / no SP header) -> dropped or closed, nothing delivered", async (l) => {
  const conn = await upgraded(l);
  conn.send(Buffer.alloc(0));
  const open = await conn.stillOpenAfter(300);
  if (!open) {
    const c = await conn.closed(0);
    assert.ok([1000, 1002, 1003, 1007, 1008, null].includes(c.code), `close code ${c.code}`);
  }
  await assertNothingDelivered(l.sock, "empty message: nothing delivered");
});

wsCase("48 100k empty CONT frames (one message in 100k fragments) -> handled in bounded time", async (l) => {
  const conn = await upgraded(l);
  const one = Buffer.from([0x00, 0x80, 1, 2, 3, 4]); // CONT, not FIN, masked, empty
  const parts = [Buffer.from([0x02, 0x80, 1, 2, 3, 4])]; // BINARY, not FIN, masked, empty
  for (let i = 0; i < 100_000; i++) parts.push(one);
  parts.push(Buffer.from([0x80, 0x80, 1, 2, 3, 4])); // CONT, FIN: an empty message
  conn.write(Buffer.concat(parts));
  // Whatever the verdict on the empty message (drop or close), the listener
  // gets through the 100k frames: a probe PING is answered (or the
  // connection closed). How fast is the benchmark's business, not a test's.
  conn.frame({ opcode: 9, payload: "probe" });
  await withTimeout(conn.until(() => (conn.frames.some((f) => f.opcode === 10 || f.opcode === 8) ? true : undefined), 12000, "a PONG or a close")
    .catch((e) => { if (!conn.tcpClosed) throw e; }), 12500, "the listener to get through 100k CONT frames");
  await assertNothingDelivered(l.sock, "100k CONT frames: nothing delivered");
}, { bound: 15000 });

test.run();
