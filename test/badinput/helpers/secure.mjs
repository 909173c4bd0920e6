// Hostile peers against PLAIN and CURVE listeners (docs/hostile-peers.md
// section H), over tcp and over ZWS 2.0 (RFC 45), on the shared harness
// (raw.mjs, test/helpers/hostile.mjs). This module adds:
//   - KEYS: the listener's and the good client's CURVE pairs (raw 32 bytes);
//   - secureListen(): a PLAIN or CURVE listener on tcp:// or ws://;
//   - zapHandler(): a ZAP handler (RFC 27) bound at inproc://zeromq.zap.01,
//     answering by a policy, recording requests, optionally holding them;
//   - Wire / openWire(): one raw client, the same calls on both transports:
//     commands and data frames out, frames in, the close;
//   - curveClient(): a CurveClientPeer (test/core/helpers/curve-peer.mjs,
//     tweetnacl) for the listener's key; handshakeCurve()/handshakePlain():
//     the whole handshake from the raw side;
//   - expectRefused(): U0 check 2 for both transports and both event types
//     (handshake:error:protocol with a code, handshake:error:auth with a
//     ZAP status), and no ERR_WASMQ_CORE;
//   - secureGoodRoundTrip(): U0 check 3 with a CURVE or PLAIN wasmq client.
// Every wait is bounded; nothing sleeps to let things settle.
import * as assert from "uvu/assert";
import {
  zmq, track, defer, EventLog, withTimeout, token, rawConnect, greeting, frame, parseCommand,
} from "./raw.mjs";
import { rawUpgrade, upgradeRequest } from "../../helpers/ws-raw.mjs";
import { CurveClientPeer, keyPair } from "../../core/helpers/curve-peer.mjs";

export * from "../../core/helpers/curve-peer.mjs";

/** Long-term CURVE pairs: the listener's, and the good wasmq client's. */
export const KEYS = { server: keyPair(0x44), client: keyPair(0x33), good: keyPair(0x35) };

/** PLAIN credentials the ZAP handler accepts. */
export const USER = "admin";
export const PASSWORD = "secret";

export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";

// ---------------------------------------------------------------- ZAP --

/**
 * A ZAP handler: a ROUTER at inproc://zeromq.zap.01 that answers each request
 * with policy(request) → status ("200", "400", ...). Default policy: PLAIN
 * USER/PASSWORD or any CURVE key or NULL → 200, else 400. With hold(), replies
 * wait until release() (a server waiting for ZAP). Tracked for teardown.
 */
export async function zapHandler(policy = defaultPolicy) {
  const sock = track(new zmq.Router({ linger: 0 }));
  await sock.bind(ZAP_ENDPOINT);
  const h = {
    sock,
    requests: [],
    held: null,
    hold() { this.held = []; },
    release() { const q = this.held ?? []; this.held = null; for (const f of q) f(); },
  };
  (async () => {
    for (;;) {
      let m;
      try { m = await sock.receive(); } catch { return; }
      const [id, , version, reqId, domain, address, identity, mechanism, ...creds] = m;
      const req = { version: String(version), reqId: String(reqId), domain: String(domain), address: String(address), identity, mechanism: String(mechanism), creds };
      h.requests.push(req);
      const status = policy(req);
      const answer = () => sock.send([id, "", "1.0", reqId, status, status === "200" ? "OK" : "refused", status === "200" ? "user" : "", ""]).catch(() => {});
      if (h.held) h.held.push(answer); else answer();
    }
  })();
  return h;
}

function defaultPolicy(req) {
  if (req.mechanism === "PLAIN") return String(req.creds[0]) === USER && String(req.creds[1]) === PASSWORD ? "200" : "400";
  return "200";
}

// ----------------------------------------------------------- listener --

let n = 0;

/**
 * A listener of class `Kind` (default Router) that is a PLAIN or CURVE
 * server, bound to tcp://127.0.0.1:0 or ws://127.0.0.1:0/<fresh path>.
 * Returns { sock, events, endpoint, port, path, transport, mechanism }.
 */
export async function secureListen(mechanism, transport, { Kind = zmq.Router, options = {} } = {}) {
  const sec = mechanism === "curve" ? { curveServer: true, curveSecretKey: KEYS.server.secretKey } : { plainServer: true };
  const sock = track(new Kind({ linger: 0, handshakeInterval: 5000, ...sec, ...options }));
  const events = new EventLog(sock);
  const path = `/sec-${process.pid}-${++n}`;
  await sock.bind(transport === "ws" ? `ws://127.0.0.1:0${path}` : "tcp://127.0.0.1:0");
  const endpoint = sock.lastEndpoint;
  const port = Number(new URL(endpoint.replace(/^tcp:/, "http:")).port);
  return { sock, events, endpoint, port, path, transport, mechanism };
}

// --------------------------------------------------------------- wire --

/**
 * One raw client at a secure listener, the same on tcp and ZWS:
 * greet(), command(body), data(body, more), write(bytes); frame() reads the
 * next ZMTP frame ({ command, more, body, name, data }); closed() waits for
 * the listener to end the connection; framesIn counts what it sent after
 * its greeting.
 */
export class Wire {
  static async open(l, protocol) {
    const w = new Wire();
    w.transport = l.transport;
    if (l.transport === "ws") {
      const proto = protocol ?? (l.mechanism === "curve" ? "ZWS2.0+CURVE" : "ZWS2.0+PLAIN");
      const r = await rawUpgrade(l.port, upgradeRequest({ port: l.port, path: l.path, protocols: proto }));
      assert.is(r.status, 101, `upgrade with ${proto} answered ${r.status} ${r.reason}`);
      assert.is(r.headers["sec-websocket-protocol"], proto, "the subprotocol offered is the one chosen");
      w.ws = r.conn;
      defer(() => r.conn.destroy());
    } else {
      w.tcp = await rawConnect(l.endpoint);
    }
    w.mechanism = l.mechanism;
    return w;
  }

  /** Our greeting (tcp only; ZWS has none) and the listener's, which is checked and kept. */
  async greet(mechanism = this.mechanism.toUpperCase()) {
    if (!this.tcp) return;
    await this.tcp.write(greeting({ mechanism }));
    this.theirGreeting = await this.tcp.read(64);
  }

  write(bytes) {
    if (this.tcp) return this.tcp.write(bytes);
    this.ws.send(bytes);
    return Promise.resolve(true);
  }

  /** The wire form of a command body / a data frame body. */
  commandBytes(body) { return this.tcp ? frame(body, { command: true }) : Buffer.concat([Buffer.from([0x02]), body]); }
  dataBytes(body, more = false) { return this.tcp ? frame(body, { more }) : Buffer.concat([Buffer.from([more ? 0x01 : 0x00]), body]); }

  command(body) { return this.write(this.commandBytes(body)); }
  data(body, more = false) { return this.write(this.dataBytes(body, more)); }

  /** Several frames in one write (tcp) or back to back (ZWS: one message each). */
  async burst(...frames) {
    if (this.tcp) return this.tcp.write(Buffer.concat(frames.map((f) => f.bytes)));
    for (const f of frames) this.ws.send(f.bytes);
    return true;
  }
  cmd(body) { return { bytes: this.commandBytes(body) }; }
  dat(body, more = false) { return { bytes: this.dataBytes(body, more) }; }

  /** The next frame from the listener. */
  async frame(ms = 3000) {
    if (this.tcp) return this.tcp.readFrame(ms);
    const f = await this.ws.next(ms, "a ZWS frame from the listener");
    const flags = f.payload[0];
    const body = f.payload.subarray(1);
    const out = { flags, more: (flags & 1) !== 0, command: (flags & 2) !== 0, body };
    if (out.command) Object.assign(out, parseCommand(body));
    return out;
  }

  /** The next command, which must be `name`. */
  async expect(name, ms) {
    const f = await this.frame(ms);
    assert.ok(f.command && f.name === name, `expected ${name} from the listener, got ${f.command ? f.name : "a data frame"}`);
    return f;
  }

  /** Data frames the listener sent after its greeting (ZWS: binary messages), so far. */
  get framesIn() {
    if (this.tcp) return this.tcp.received - 64;
    return this.ws.frames.filter((f) => f.opcode === 2).length;
  }

  /** Resolves once the listener has ended the connection (FIN/RST; ZWS: a close frame or TCP close). */
  async closed(ms = 3000) {
    if (this.tcp) {
      await this.tcp.waitClose(ms);
      assert.ok(this.tcp.remoteEnded || this.tcp.error, "the listener closed the connection (FIN or RST)");
      return;
    }
    await this.ws.closed(ms);
  }

  /** We go (RST / TCP destroy). */
  destroy() {
    if (this.tcp) this.tcp.reset(); else this.ws.destroy();
  }
}

export const openWire = (l, protocol) => Wire.open(l, protocol);

// ---------------------------------------------------- handshakes, raw --

/** A tweetnacl CURVE client for the listener's key (long-term pair `keys`, ephemeral from `seed`). */
export const curveClient = ({ keys = KEYS.client, seed = 0x52 } = {}) =>
  new CurveClientPeer({ serverKey: KEYS.server.publicKey, keys, ephemeral: keyPair(seed) });

/** Greeting, HELLO, WELCOME (opened into `c`), and returns c. */
export async function curveHello(w, c = curveClient()) {
  await w.greet();
  await w.command(c.hello());
  const f = await w.expect("WELCOME");
  c.openWelcome(f.body);
  return c;
}

/** The whole CURVE handshake from the raw side; returns the opened READY. */
export async function handshakeCurve(w, metadataBuf, c = curveClient()) {
  await curveHello(w, c);
  await w.command(c.initiate(metadataBuf));
  const r = await w.expect("READY");
  return { client: c, ready: c.openReady(r.body) };
}

// ---------------------------------------------------------------- checks --

const AUTH_TEXT = { 300: "Temporary error", 400: "Authentication failure", 500: "Internal error" };

/**
 * U0 check 2 (and 1's no-ERR_WASMQ_CORE) for a secure listener: the listener
 * ends the raw connection and reports it. `code`: the reason's code, as
 * handshake:error:protocol (or `type`); `status`: a ZAP refusal instead,
 * as handshake:error:auth with that status. `handshaken`: the connection
 * was up, so only the disconnect carries the code. No pipe is left.
 */
export async function expectRefused(l, w, { code, status, type, handshaken = false, handshakes = 0, alone = true } = {}) {
  await w.closed();
  if (status !== undefined) {
    const e = await l.events.waitFor("handshake:error:auth");
    assert.is(e.error.code, "ERR_ZMTP_AUTH_FAILED");
    assert.is(e.error.status, status, `handshake:error:auth carries status ${status}`);
    assert.is(e.error.message, AUTH_TEXT[status]);
    code = "ERR_ZMTP_AUTH_FAILED";
  } else if (!handshaken) {
    const e = await l.events.waitFor(type ?? "handshake:error:protocol", code);
    assert.is(e.error.code, code);
  }
  const d = await l.events.waitFor("disconnect", code);
  assert.is(d.error?.code, code, `disconnect carries ${code}`);
  assert.is(l.events.count("handshake"), handshakes, "no handshake event for the refused peer");
  if (alone) await noPipesLeft(l);
  const failure = l.events.log.find((e) => e.error?.code === "ERR_WASMQ_CORE");
  assert.not.ok(failure, `no core failure (${failure?.error?.message})`);
}

/** Bounded poll for state no event announces. */
export async function waitFor(cond, what, ms = 3000) {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** No pipe left at the listener (the refused ones are gone), bounded. */
export const noPipesLeft = (l) => waitFor(() => l.sock.pipes.size === 0, `no pipe left (has ${l.sock.pipes.size})`);

/**
 * U0 check 3: a well-behaved wasmq client of the listener's mechanism (CURVE
 * with KEYS.good, PLAIN with USER/PASSWORD) completes a round trip on the
 * same listener (a Router), and its request is the first message the
 * listener hands out.
 */
export async function secureGoodRoundTrip(l) {
  const t = token("good");
  const sec = l.mechanism === "curve"
    ? { curveServerKey: KEYS.server.publicKey, curvePublicKey: KEYS.good.publicKey, curveSecretKey: KEYS.good.secretKey }
    : { plainUsername: USER, plainPassword: PASSWORD };
  const dealer = track(new zmq.Dealer({ linger: 0, routingId: t, ...sec }));
  dealer.connect(l.endpoint);
  await dealer.send(["request", t]);
  const [id, a, b] = await withTimeout(l.sock.receive(), 3000, "the good client's request at the listener");
  assert.is(id.toString(), t, "the first message the listener hands out is the good client's");
  assert.equal([a.toString(), b.toString()], ["request", t]);
  await l.sock.send([id, "reply", t]);
  const reply = await withTimeout(dealer.receive(), 3000, "the reply at the good client");
  assert.equal(reply.map(String), ["reply", t]);
  dealer.close();
}
