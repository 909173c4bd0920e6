// docs/hostile-peers.md section H (H1-H10): raw clients that break the PLAIN
// (RFC 24) and CURVE (RFC 25, RFC 26) handshakes, ZAP (RFC 27) refusals, and
// boxed MESSAGEs that do not add up, against real wasmq listeners over tcp
// and over ZWS 2.0 (RFC 45; subprotocols "ZWS2.0+CURVE" and "ZWS2.0+PLAIN").
// The CURVE client is test/core/helpers/curve-peer.mjs (tweetnacl), so what
// the listener is held to is the RFC, not wasmq's own code.
//
// Every case (badCase, helpers/secure.mjs): no uncaught exception, rejected
// promise or Wasm trap, and no ERR_WASMQ_CORE; the listener ends the raw
// connection and reports the typed reason (handshake:error:protocol with the
// code, or handshake:error:auth with the ZAP status), leaving no pipe;
// nothing is delivered; and a good wasmq client of the same mechanism then
// completes a round trip on the same listener, its request the first
// message the listener hands out.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  zmq, badCase, track, core, assertNothingDelivered, goodClientRoundTrip, withTimeout, EventLog, rawConnect,
  greeting, frame, ready as nullReady, metadata,
} from "./helpers/raw.mjs";
import { rawUpgrade, upgradeRequest } from "../helpers/ws-raw.mjs";
import {
  KEYS, USER, PASSWORD, zapHandler, secureListen, openWire, curveClient, curveHello, handshakeCurve,
  expectRefused, secureGoodRoundTrip, noPipesLeft, waitFor,
  body, plainHello, keyPair, BOX_MORE, CurveClientPeer,
} from "./helpers/secure.mjs";

const test = suite("bad input H: security handshakes (PLAIN, CURVE, ZAP; tcp and ZWS)");

const TRANSPORTS = ["tcp", "ws"];
const md = (type = "DEALER", more = {}) => metadata({ "Socket-Type": type, ...more });
const rand = (n) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (Math.random() * 256) | 0; return b; };

/**
 * One case per transport: a listener of `mechanism` ("plain": a ZAP handler
 * with the default policy is bound first, unless `zap` is false or a
 * policy), fn(l, handler), then U0 checks 5 and 3.
 */
function secCase(name, mechanism, fn, { zap = mechanism === "plain", options, bound = 8000, transports = TRANSPORTS } = {}) {
  for (const transport of transports) {
    badCase(test, `[${transport}] ${name}`, async () => {
      const handler = zap ? await zapHandler(typeof zap === "function" ? zap : undefined) : null;
      const l = await secureListen(mechanism, transport, { options });
      await fn(l, handler, transport);
      await assertNothingDelivered(l.sock);
      if (mechanism === "plain" && !handler) await zapHandler();
      await secureGoodRoundTrip(l);
    }, { bound });
  }
}

/**
 * The ERROR a PLAIN server refuses with: libzmq's spelling, whose C escape
 * "\x05ERROR" swallows the E (0x5e "RROR" [len] reason), which libzmq's PLAIN
 * clients alone recognise; wasmq sends it from PLAIN servers (commit 7cc800f).
 */
async function expectPlainRefusal(w, status) {
  const f = await w.frame();
  assert.ok(f.command, "a command");
  assert.is(f.body.toString("latin1"), `\x5eRROR\x03${status}`, `ERROR "${status}" in libzmq's PLAIN spelling`);
}

// ------------------------------------------------ H1: PLAIN HELLO lengths --

const badPlainHellos = [
  ["a username length past the end", body("HELLO", [40], "admin")],
  ["a password length short of the rest", body("HELLO", [5], "admin", [2], "secret")],
  ["a password length past the end", body("HELLO", [5], "admin", [60], "secret")],
  ["a byte after the password", body("HELLO", [5], "admin", [6], "secret", "!")],
  ["an empty body", body("HELLO")],
];
for (const [name, hb] of badPlainHellos) {
  secCase(`H1 PLAIN HELLO with ${name}: ERR_ZMTP_MALFORMED_COMMAND_HELLO, no ZAP request, no WELCOME`, "plain", async (l, zap) => {
    const w = await openWire(l);
    await w.greet();
    await w.command(hb);
    await expectRefused(l, w, { code: "ERR_ZMTP_MALFORMED_COMMAND_HELLO" });
    assert.is(w.framesIn, 0, "nothing sent after the greeting");
    assert.is(zap.requests.length, 0, "the ZAP handler was not asked");
  });
}

// ------------------------------------------- H2: PLAIN refused by ZAP ----

secCase("H2 PLAIN wrong password: ZAP 400, ERROR \"400\" sent, handshake:error:auth status 400, the data behind it never delivered", "plain", async (l, zap) => {
  const w = await openWire(l);
  await w.greet();
  await w.command(plainHello(USER, "wrong"));
  await expectPlainRefusal(w, "400");
  await w.data(Buffer.from("sneaked in"));
  await expectRefused(l, w, { status: 400 });
  assert.is(zap.requests.length, 1);
  assert.equal([zap.requests[0].mechanism, String(zap.requests[0].creds[0]), String(zap.requests[0].creds[1])], ["PLAIN", USER, "wrong"]);
  assert.is(zap.requests[0].address, "127.0.0.1", "the peer address is in the request");
});

secCase("H2 a wasmq PLAIN client with the wrong password: both ends report handshake:error:auth status 400, nothing delivered", "plain", async (l) => {
  const dealer = track(new zmq.Dealer({ linger: 0, plainUsername: USER, plainPassword: "nope", reconnectInterval: 10000 }));
  const de = new EventLog(dealer);
  dealer.connect(l.endpoint);
  const e = await de.waitFor("handshake:error:auth");
  assert.equal([e.error.code, e.error.status], ["ERR_ZMTP_AUTH_FAILED", 400]);
  const le = await l.events.waitFor("handshake:error:auth");
  assert.is(le.error.status, 400);
  dealer.close();
});

for (const [status, sendsError] of [["300", false], ["500", true]]) {
  secCase(`H2 ZAP ${status}: handshake:error:auth status ${status}, ${sendsError ? `ERROR "${status}" sent` : "closed without ERROR"}`, "plain", async (l) => {
    const w = await openWire(l);
    await w.greet();
    await w.command(plainHello(USER, "refuse-me"));
    if (sendsError) await expectPlainRefusal(w, status);
    await expectRefused(l, w, { status: Number(status) });
    if (!sendsError) assert.is(w.framesIn, 0, "nothing sent for 300");
  }, { zap: (req) => (String(req.creds[1]) === "refuse-me" ? status : String(req.creds[1]) === PASSWORD ? "200" : "400") });
}

secCase("H2 a PLAIN listener with no ZAP handler refuses with EFAULT (handshake:error:other), sends no WELCOME", "plain", async (l) => {
  const w = await openWire(l);
  await w.greet();
  await w.command(plainHello(USER, PASSWORD));
  await expectRefused(l, w, { code: "EFAULT", type: "handshake:error:other" });
  assert.is(w.framesIn, 0, "no WELCOME");
}, { zap: false });

// ---------------------------------------------------- H3: CURVE HELLO ----

const badHellos = [
  ["199 bytes", (c) => c.hello({ size: 199 }), "ERR_ZMTP_MALFORMED_COMMAND_HELLO"],
  ["201 bytes", (c) => c.hello({ size: 201 }), "ERR_ZMTP_MALFORMED_COMMAND_HELLO"],
  ["only its name (04 06 05 HELLO)", () => body("HELLO"), "ERR_ZMTP_MALFORMED_COMMAND_HELLO"],
  ["version 2.0", (c) => c.hello({ version: [2, 0] }), "ERR_ZMTP_MALFORMED_COMMAND_HELLO"],
  ["version 1.1", (c) => c.hello({ version: [1, 1] }), "ERR_ZMTP_MALFORMED_COMMAND_HELLO"],
  // libzmq calls a command other than HELLO unexpected (curve_server.cpp process_hello).
  ["the misspelled name HELO", (c) => Buffer.concat([body("HELO"), c.hello().subarray(6)]), "ERR_ZMTP_UNEXPECTED_COMMAND"],
  ["the name in lower case", (c) => { const h = c.hello(); h.write("hello", 1, "latin1"); return h; }, "ERR_ZMTP_UNEXPECTED_COMMAND"],
];
for (const [name, make, code] of badHellos) {
  secCase(`H3 CURVE HELLO of ${name}: ${code}, no WELCOME sent`, "curve", async (l) => {
    const w = await openWire(l);
    await w.greet();
    await w.command(make(curveClient()));
    await expectRefused(l, w, { code });
    assert.is(w.framesIn, 0, "no WELCOME (nothing after the greeting)");
  });
}

// --------------------------------------------- H4: HELLO's box is garbage --

secCase("H4 CURVE HELLO whose signature box is random bytes: ERR_ZMTP_CRYPTOGRAPHIC, no WELCOME, no state kept (heap back where it was)", "curve", async (l) => {
  const base = core().heapBytes;
  for (let i = 0; i < 5; i++) {
    const w = await openWire(l);
    await w.greet();
    await w.command(curveClient({ seed: 0x10 + i }).hello({ box: rand(80) }));
    await expectRefused(l, w, { code: "ERR_ZMTP_CRYPTOGRAPHIC" });
    assert.is(w.framesIn, 0, "no WELCOME");
  }
  await noPipesLeft(l);
  assert.ok(core().heapBytes <= base, `heap ${core().heapBytes} back to ${base} after 5 refused HELLOs`);
});

secCase("H4 CURVE HELLO sealed for another server's key: ERR_ZMTP_CRYPTOGRAPHIC, no WELCOME", "curve", async (l) => {
  const w = await openWire(l);
  await w.greet();
  await w.command(new CurveClientPeer({ serverKey: keyPair(0x99).publicKey }).hello());
  await expectRefused(l, w, { code: "ERR_ZMTP_CRYPTOGRAPHIC" });
  assert.is(w.framesIn, 0);
});

// ------------------------------------------------- H5: CURVE INITIATE ----

const BIG = 65537;
const badInitiates = [
  ["256 bytes", (c) => c.initiate(Buffer.alloc(0), { size: 256 }), "ERR_ZMTP_MALFORMED_COMMAND_INITIATE"],
  ["a bit flipped in the cookie", (c) => { const i = c.initiate(md()); i[40] ^= 1; return i; }, "ERR_ZMTP_CRYPTOGRAPHIC"],
  ["a cookie of zero bytes", (c) => c.initiate(md(), { cookie: Buffer.alloc(96) }), "ERR_ZMTP_CRYPTOGRAPHIC"],
  ["a vouch of random bytes", (c) => c.initiate(md(), { vouch: rand(96) }), "ERR_ZMTP_CRYPTOGRAPHIC"],
  ["a box of random bytes", (c) => c.initiate(md(), { box: rand(16 + 128 + md().length) }), "ERR_ZMTP_CRYPTOGRAPHIC"],
  ["a vouch for another C'", (c) => c.initiate(md(), { vouch: c.vouch({ vouchFor: Buffer.concat([keyPair(0x14).publicKey, KEYS.server.publicKey]) }) }), "ERR_ZMTP_KEY_EXCHANGE"],
  [`${BIG} bytes of metadata (over 65536)`, (c) => c.initiate(Buffer.concat([md(), metadata({ X: "a".repeat(BIG - md().length - 6) })])), "ERR_ZMTP_MALFORMED_COMMAND_INITIATE"],
];
for (const [name, make, code] of badInitiates) {
  secCase(`H5 CURVE INITIATE with ${name}: ${code}, no READY`, "curve", async (l) => {
    const w = await openWire(l);
    const c = await curveHello(w);
    const sent = w.framesIn;
    await w.command(make(c));
    await expectRefused(l, w, { code });
    assert.is(w.framesIn, sent, "nothing after WELCOME: no READY, no ERROR");
  });
}

secCase("H5 CURVE INITIATE with 1 KiB of metadata works: READY, and a boxed message from the raw client arrives", "curve", async (l) => {
  const w = await openWire(l);
  const m = md("DEALER", { Identity: "raw-1k", "X-Pad": "p".repeat(1024 - 41) });
  assert.ok(m.length >= 1024, `${m.length} bytes of metadata`);
  const { client, ready } = await handshakeCurve(w, m);
  assert.ok(ready.metadata.includes(Buffer.from("ROUTER")), "READY says ROUTER");
  await l.events.waitFor("handshake");
  await w.data(client.message(BOX_MORE, "one"));
  await w.data(client.message(0, "two"));
  const got = await withTimeout(l.sock.receive(), 3000, "the raw client's message");
  assert.equal(got.map(String), ["raw-1k", "one", "two"]);
  await l.sock.send(["raw-1k", "back"]);
  const f = await w.frame();
  assert.not.ok(f.command, "a MESSAGE travels as a data frame");
  assert.equal(client.openMessage(f.body).data.toString(), "back");
  w.destroy();
  await l.events.waitFor("disconnect");
  await noPipesLeft(l);
});

// ----------------------------------------------- H6: cookie replayed ----

secCase("H6 a cookie from one connection replayed in INITIATE on a new one: ERR_ZMTP_CRYPTOGRAPHIC; the first connection still completes", "curve", async (l) => {
  const a = await openWire(l);
  const ca = await curveHello(a, curveClient({ seed: 0x61 }));
  const b = await openWire(l);
  const cb = await curveHello(b, curveClient({ seed: 0x62 }));
  await b.command(cb.initiate(md(), { cookie: ca.cookie }));
  await expectRefused(l, b, { code: "ERR_ZMTP_CRYPTOGRAPHIC", alone: false });
  // A's exchange, replayed whole on a third connection: HELLO, then A's INITIATE.
  const c = await openWire(l);
  const replay = curveClient({ seed: 0x61 });
  await curveHello(c, replay);
  const initiateA = ca.initiate(md("DEALER", { Identity: "conn-a" }));
  await c.command(initiateA);
  await expectRefused(l, c, { code: "ERR_ZMTP_CRYPTOGRAPHIC", alone: false });
  await a.command(initiateA);
  await a.expect("READY");
  await l.events.waitFor("handshake");
  a.destroy();
  await l.events.waitFor("disconnect");
  await noPipesLeft(l);
});

// -------------------------------------------------- H7, H8: MESSAGE -----

/** A raw CURVE client through the handshake, its first message delivered; returns { w, client }. */
async function upAndTalking(l, id) {
  const w = await openWire(l);
  const { client } = await handshakeCurve(w, md("DEALER", { Identity: id }));
  await l.events.waitFor("handshake");
  await w.data(client.message(0, "legit"));
  const m = await withTimeout(l.sock.receive(), 3000, "the legit message");
  assert.equal(m.map(String), [id, "legit"]);
  return { w, client };
}

for (const [name, nonce] of [["repeated", 3], ["decreasing", 2]]) {
  secCase(`H7 CURVE MESSAGE with a ${name} short nonce: ERR_ZMTP_INVALID_SEQUENCE, not delivered, no ERROR sent`, "curve", async (l) => {
    const { w, client } = await upAndTalking(l, `seq-${name}`);
    const sent = w.framesIn;
    await w.data(client.message(0, "replayed", { nonce }));
    await expectRefused(l, w, { code: "ERR_ZMTP_INVALID_SEQUENCE", handshaken: true, handshakes: 1 });
    assert.is(w.framesIn, sent, "no ERROR");
  });
}

const flip = (i) => (box) => { box[i] ^= 0x01; return box; };
for (const [name, make, code] of [
  ["one bit flipped in the MAC", (c) => c.message(0, "tampered", { tamper: flip(3) }), "ERR_ZMTP_CRYPTOGRAPHIC"],
  ["one bit flipped in the ciphertext", (c) => c.message(0, "tampered", { tamper: flip(20) }), "ERR_ZMTP_CRYPTOGRAPHIC"],
  ["32 bytes (under the 33-byte minimum)", (c) => c.message(0, "tampered").subarray(0, 32), "ERR_ZMTP_MALFORMED_COMMAND_MESSAGE"],
]) {
  secCase(`H8 CURVE MESSAGE with ${name}: ${code}, closed with no ERROR sent, not delivered`, "curve", async (l) => {
    const { w, client } = await upAndTalking(l, "tamper");
    const sent = w.framesIn;
    await w.data(make(client));
    await expectRefused(l, w, { code, handshaken: true, handshakes: 1 });
    assert.is(w.framesIn, sent, "no ERROR");
  });
}

// -------------------------------------- H9: data before the handshake ----

secCase("H9 a data frame after HELLO on a CURVE listener (before INITIATE): ERR_ZMTP_UNEXPECTED_COMMAND, never delivered", "curve", async (l) => {
  const w = await openWire(l);
  const c = await curveHello(w);
  await w.burst(w.dat(Buffer.from("early")), w.cmd(c.initiate(md())));
  await expectRefused(l, w, { code: "ERR_ZMTP_UNEXPECTED_COMMAND" });
});

secCase("H9 a boxed MESSAGE right behind INITIATE while ZAP is asked (CURVE): ERR_ZMTP_UNEXPECTED_COMMAND, never delivered, even once ZAP says 200", "curve", async (l, zap) => {
  zap.hold();
  const w = await openWire(l);
  const c = await curveHello(w);
  await w.command(c.initiate(md("DEALER", { Identity: "early" })));
  await waitFor(() => zap.requests.length === 1, "the ZAP request");
  await w.data(c.message(0, "early"));
  await expectRefused(l, w, { code: "ERR_ZMTP_UNEXPECTED_COMMAND" });
  zap.release();
  assert.equal(zap.requests[0].creds.map((k) => k.length), [32], "the request carried C");
  assert.ok(zap.requests[0].creds[0].equals(KEYS.client.publicKey));
}, { zap: true });

secCase("H9 data right behind a PLAIN HELLO while ZAP is asked: ERR_ZMTP_UNEXPECTED_COMMAND, never delivered", "plain", async (l, zap) => {
  zap.hold();
  const w = await openWire(l);
  await w.greet();
  await w.burst(w.cmd(plainHello(USER, PASSWORD)), w.dat(Buffer.from("early")));
  await expectRefused(l, w, { code: "ERR_ZMTP_UNEXPECTED_COMMAND" });
  zap.release();
});

badCase(test, "[tcp] H9 data behind READY on a NULL listener with a ZAP domain, while ZAP is asked: ERR_ZMTP_UNEXPECTED_COMMAND, never delivered", async () => {
  const zap = await zapHandler();
  zap.hold();
  const sock = track(new zmq.Router({ linger: 0, zapDomain: "global" }));
  const events = new EventLog(sock);
  await sock.bind("tcp://127.0.0.1:0");
  const l = { sock, events, endpoint: sock.lastEndpoint };
  const peer = await rawConnect(l.endpoint);
  await peer.write(greeting());
  await waitFor(() => zap.requests.length === 1, "the ZAP request");
  assert.is(zap.requests[0].mechanism, "NULL");
  await peer.write(Buffer.concat([nullReady("DEALER"), frame("early")]));
  const w = { closed: () => peer.waitClose().then(() => assert.ok(peer.remoteEnded || peer.error)) };
  await expectRefused(l, w, { code: "ERR_ZMTP_UNEXPECTED_COMMAND" });
  zap.release();
  await assertNothingDelivered(sock);
  await goodClientRoundTrip(sock);
}, { bound: 8000 });

// ------------------------------------------------- H13: no downgrade ----

for (const [mechanism, weaker] of [["curve", ["NULL", "PLAIN"]], ["plain", ["NULL", "CURVE"]]]) {
  for (const other of weaker) {
    secCase(`H13 a ${other} greeting to a ${mechanism.toUpperCase()} listener: ERR_ZMTP_MECHANISM_MISMATCH, nothing after the greeting`, mechanism, async (l) => {
      const w = await openWire(l);
      await w.greet(other);
      await w.write(other === "NULL" ? nullReady("DEALER") : Buffer.alloc(0));
      await expectRefused(l, w, { code: "ERR_ZMTP_MECHANISM_MISMATCH" });
      assert.is(w.framesIn, 0, "nothing after the greeting");
    }, { transports: ["tcp"] });
  }
}

const WEAKER = {
  curve: ["ZWS2.0", "ZWS2.0/NULL", "ZWS2.0+PLAIN", "ZWS2.0/PLAIN"],
  plain: ["ZWS2.0", "ZWS2.0/NULL", "ZWS2.0+CURVE"],
};
for (const [mechanism, protos] of Object.entries(WEAKER)) {
  secCase(`H13 a ZWS upgrade offering only ${protos.join(", ")} to a ${mechanism.toUpperCase()} listener: HTTP 400 each, nothing accepted or handshaken; with its own subprotocol listed after a weaker one, that one is chosen`, mechanism, async (l) => {
    for (const proto of protos) {
      const r = await rawUpgrade(l.port, upgradeRequest({ port: l.port, path: l.path, protocols: proto }));
      r.conn?.destroy();
      assert.is(r.status, 400, `${proto}: HTTP ${r.status}`);
    }
    assert.is(l.events.count("accept"), 0, "nothing accepted");
    assert.is(l.events.count("handshake"), 0);
    const own = mechanism === "curve" ? "ZWS2.0+CURVE" : "ZWS2.0+PLAIN";
    const r = await rawUpgrade(l.port, upgradeRequest({ port: l.port, path: l.path, protocols: `ZWS2.0/NULL, ${own}` }));
    r.conn?.destroy();
    assert.equal([r.status, r.headers["sec-websocket-protocol"]], [101, own]);
    await l.events.waitFor("disconnect");
    await noPipesLeft(l);
  }, { transports: ["ws"] });
}

// -------------------------------------------------- H10: a HELLO flood ----

/**
 * `bogus` connections send a valid-looking HELLO (right size and version,
 * random C' and box) and are refused; `parked` send a valid one, get their
 * WELCOME and then say nothing. Meanwhile good clients are served; the
 * parked ones cost a bounded amount of core memory each; once all have
 * gone, the core's heap is back near where it was.
 */
async function flood(l, bogus, parked) {
  await secureGoodRoundTrip(l);   // warms the listener's one-time state (cookie key, scratch)
  await noPipesLeft(l);
  const base = core().heapBytes;
  const c = curveClient({ seed: 0x70 });
  const goodHello = c.hello();
  const helloOf = () => {
    const h = Buffer.from(goodHello);
    rand(32).copy(h, 80);          // C'
    rand(80).copy(h, 120);         // the box
    return h;
  };
  const open = async (bytes) => {
    const w = await openWire(l);
    await w.greet();
    await w.command(bytes);
    return w;
  };
  const bogusWires = [];
  for (let i = 0; i < bogus; i += 50) {
    bogusWires.push(...(await Promise.all(Array.from({ length: Math.min(50, bogus - i) }, () => open(helloOf())))));
    if (i === 100) await secureGoodRoundTrip(l);   // served while the flood goes on
  }
  const parkedWires = await Promise.all(Array.from({ length: parked }, () => open(goodHello)));
  await Promise.all(parkedWires.map((w) => w.expect("WELCOME", 8000)));
  await Promise.all(bogusWires.map((w) => w.closed(8000)));
  await waitFor(() => l.events.count("handshake:error:protocol") >= bogus, `${bogus} refusals`, 8000);
  assert.ok(l.events.log.filter((e) => e.type === "handshake:error:protocol").every((e) => e.error.code === "ERR_ZMTP_CRYPTOGRAPHIC"), "every bogus HELLO refused as ERR_ZMTP_CRYPTOGRAPHIC");
  await waitFor(() => l.sock.pipes.size === parked, `only the ${parked} parked connections left (has ${l.sock.pipes.size})`, 8000);
  const perParked = (core().heapBytes - base) / parked;
  assert.ok(perParked < 2048, `a connection parked after WELCOME holds ${Math.round(perParked)} bytes of core heap`);
  await secureGoodRoundTrip(l);   // still served with the parked ones waiting
  for (const w of parkedWires) w.destroy();
  await noPipesLeft(l);
  const after = core().heapBytes;
  assert.ok(after <= base + 1024, `heap back near its level once all have gone: ${after} vs ${base}`);
  // The parked ones left mid-handshake: each a failed handshake without
  // detail (as libzmq reports it), nothing else.
  assert.is(l.events.count("handshake:error:other"), parked);
  assert.ok(l.events.log.filter((e) => e.type === "handshake:error:other").every((e) => e.error.code === "ECONNRESET"), "peer closes");
}

badCase(test, "[tcp] H10 300 bogus HELLOs and 100 that stop after HELLO: bounded core memory, back near the baseline after they close; good clients served meanwhile", async () => {
  const l = await secureListen("curve", "tcp", { options: { handshakeInterval: 20000 } });
  await flood(l, 300, 100);
}, { bound: 25000 });

badCase(test, "[ws] H10 100 bogus HELLOs and 50 that stop after HELLO over ZWS: bounded core memory, back near the baseline; good clients served meanwhile", async () => {
  const l = await secureListen("curve", "ws", { options: { handshakeInterval: 20000 } });
  await flood(l, 100, 50);
}, { bound: 25000 });

test.run();
