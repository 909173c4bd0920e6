// SP additions to the hostile-peer harness (raw.mjs), for bad-inputs.md
// section E. Additive: raw.mjs is used as is (badCase, EventLog, RawPeer,
// withTimeout, track, defer, assertNothingDelivered, wasmMemory); this adds
//   - sp: the wasmq/sp API under test;
//   - the SP wire builders of the core suite (test/core/helpers/sp.mjs);
//   - spListen(): an SP listener on tcp://127.0.0.1:0 or a fresh ipc:// path;
//   - rawConnectSp(): a raw node:net peer for tcp:// or ipc:// endpoints,
//     with readSpMessage() for [0x01]?[size u64][payload];
//   - spExpectRejected() / spExpectPeerGone(): U0 check 2 with SP codes;
//   - spGoodRoundTrip(): U0 check 3 (and 5) for every SP listener role.
import net from "node:net";
import os from "node:os";
import path from "node:path";
import * as assert from "uvu/assert";
import {
  badCase, withTimeout, track, defer, EventLog, RawPeer, token, assertNothingDelivered, wasmMemory, DEFAULT_BOUND,
} from "./raw.mjs";

export {
  badCase, withTimeout, track, defer, EventLog, RawPeer, token, assertNothingDelivered, wasmMemory, DEFAULT_BOUND,
};
export {
  spHeader, spMessage, spMessages, spSize, words, word, reqId, hopId, backtrace, hopsBacktrace, pair1Payload,
  decodeSp, SPEC_IDS, PEER,
} from "../../core/helpers/sp.mjs";
import { spHeader, SPEC_IDS } from "../../core/helpers/sp.mjs";

// Another engineer may be rebuilding dist/ concurrently: retry a failed import.
async function importRetry(spec, tries = 6) {
  let last;
  for (let i = 0; i < tries; i++) {
    try {
      return await import(spec);
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw last;
}

/** The SP API under test. */
export const sp = await importRetry("wasmq/sp");

/** The spec protocol id (wire.md B2) for a wasmq/sp class. */
export function protoOf(Kind) {
  const map = new Map([
    [sp.Pair0, "PAIR0"], [sp.Pair1, "PAIR1"], [sp.Pub, "PUB0"], [sp.Sub, "SUB0"], [sp.Req, "REQ0"], [sp.Rep, "REP0"],
    [sp.Push, "PUSH0"], [sp.Pull, "PULL0"], [sp.Surveyor, "SURVEYOR0"], [sp.Respondent, "RESPONDENT0"], [sp.Bus, "BUS0"],
  ]);
  return SPEC_IDS[map.get(Kind)];
}

let ipcCounter = 0;
/** A fresh ipc:// endpoint in the temp directory. */
export function ipcEndpoint() {
  return `ipc://${path.join(os.tmpdir(), `wasmq-sp-bad-${process.pid}-${++ipcCounter}.sock`)}`;
}

/**
 * A wasmq SP listener of class `Kind` with an event log attached before bind,
 * on `transport` "tcp" (127.0.0.1:0) or "ipc" (fresh path). Short negotiation
 * timeout (300 ms) unless given.
 */
export async function spListen(Kind, options = {}, transport = "tcp") {
  const sock = track(new Kind({ linger: 0, handshakeInterval: 300, ...options }));
  const events = new EventLog(sock);
  await sock.bind(transport === "ipc" ? ipcEndpoint() : "tcp://127.0.0.1:0");
  return { sock, endpoint: sock.lastEndpoint, events, transport, ipc: transport === "ipc" };
}

/** A RawPeer that also reads SP messages. */
export class RawSpPeer extends RawPeer {
  /** The listener's 8-byte header. */
  readHeader(ms = DEFAULT_BOUND) { return this.read(8, ms); }

  /** The next SP message's payload ([0x01] checked on ipc). */
  async readSpMessage(ms = DEFAULT_BOUND) {
    if (this.ipc) {
      const [t] = await this.read(1, ms);
      assert.is(t, 0x01, "ipc message-type byte from the listener");
    }
    const size = Number((await this.read(8, ms)).readBigUInt64BE(0));
    return size ? this.read(size, ms) : Buffer.alloc(0);
  }

  /** Writes SP messages framed for this connection's transport. */
  writeSp(...payloads) {
    return this.write(Buffer.concat(payloads.map((p) => spFrame(p, this.ipc))));
  }

  /**
   * The header exchange from the peer's side: our header for `proto`, then the
   * listener's; asserts the listener's is a valid SP header for `expectProto`.
   */
  async spHandshake(proto, expectProto) {
    await this.write(spHeader(proto));
    const h = await this.readHeader();
    if (expectProto !== undefined) assert.equal(h, spHeader(expectProto), "the listener's SP header");
    return h;
  }
}

function spFrame(payload, ipc) {
  const p = Buffer.from(payload);
  const s = Buffer.alloc(8);
  s.writeBigUInt64BE(BigInt(p.length));
  return Buffer.concat(ipc ? [Buffer.from([1]), s, p] : [s, p]);
}

/** Opens a raw connection to a tcp:// or ipc:// wasmq endpoint; closed in teardown. */
export async function rawConnectSp(endpoint) {
  let opts;
  if (endpoint.startsWith("ipc://")) opts = { path: endpoint.slice("ipc://".length) };
  else {
    const m = /^tcp:\/\/(.*):(\d+)$/.exec(endpoint);
    if (!m) throw new Error(`not a tcp/ipc endpoint: ${endpoint}`);
    opts = { host: m[1].replace(/^\[|\]$/g, ""), port: Number(m[2]), noDelay: true };
  }
  const sock = net.connect(opts);
  const peer = new RawSpPeer(sock);
  peer.ipc = endpoint.startsWith("ipc://");
  defer(() => { if (!peer.isClosed) sock.destroy(); });
  await withTimeout(
    new Promise((resolve, reject) => {
      sock.once("connect", resolve);
      sock.once("error", reject);
    }),
    DEFAULT_BOUND,
    `raw connect to ${endpoint}`,
  );
  peer.connectedAt = performance.now();
  return peer;
}

/** A raw peer past the header exchange with an SP listener `l`, speaking `peerProto`. */
export async function spActivePeer(l, peerProto) {
  const peer = await rawConnectSp(l.endpoint);
  await peer.spHandshake(peerProto, protoOf(l.sock.constructor));
  await l.events.waitFor("handshake");
  return peer;
}

// Close reasons that are the peer breaking the protocol (bindings/codes.ts isProtocolError).
const PROTOCOL_CODES = new Set([
  "ERR_SP_BAD_HEADER", "ERR_SP_PROTOCOL_MISMATCH", "ERR_SP_MALFORMED", "ERR_SP_UNEXPECTED", "ERR_ZMTP_MALFORMED_FRAME",
]);

/**
 * U0 check 2 for SP: the raw connection is closed by wasmq (FIN or RST from
 * the listener), and the listener reports it — before the header exchange
 * completed as handshake:error:protocol (ERR_SP_*) or handshake:error:other
 * (ETIMEDOUT), then disconnect with the same code; after it
 * (`handshaken: true`) as disconnect with that code. With `alone`, no pipe
 * is left behind. Returns { closedAfter } ms since `since` (default: connect).
 */
export async function spExpectRejected(l, peer, code, { handshaken = false, alone = true, since, handshakes = 0 } = {}) {
  await peer.waitClose();
  assert.ok(peer.remoteEnded || peer.error, "the raw connection was closed by wasmq (FIN or RST from the listener)");
  if (!handshaken) {
    const type = PROTOCOL_CODES.has(code) ? "handshake:error:protocol" : "handshake:error:other";
    const e = await l.events.waitFor(type, code);
    assert.is(e.error.code, code, `${type} carries ${code}`);
    assert.is(l.events.count("handshake"), handshakes, "no handshake event for the rejected peer");
  }
  const d = await l.events.waitFor("disconnect", code);
  assert.is(d.error?.code, code, `disconnect carries ${code}`);
  if (alone) assert.is(l.sock.pipes.size, 0, "the rejected connection left no pipe behind");
  return { closedAfter: peer.closedAt - (since ?? peer.connectedAt) };
}

/** The raw peer went away by itself: a plain disconnect, no state left. */
export async function spExpectPeerGone(l, { alone = true } = {}) {
  const d = await l.events.waitFor("disconnect");
  assert.ok(!d.error || d.error.code === "ECONNRESET", `plain disconnect (got ${d.error?.code})`);
  if (alone) await waitUntil(() => l.sock.pipes.size === 0, "the closed connection's pipe to go");
  return d;
}

/**
 * U0 check 5 for SP: no message is waiting at the listener. A non-blocking
 * receive (receiveTimeout 0) must fail with the family's "nothing now" code
 * (ETIMEDOUT, nng style; EAGAIN accepted too).
 */
export async function spAssertNothingDelivered(sock, what = "nothing was delivered to the listener") {
  const prev = sock.receiveTimeout;
  sock.receiveTimeout = 0;
  let got;
  try {
    got = await sock.receive();
  } catch (e) {
    assert.ok(e.code === "ETIMEDOUT" || e.code === "EAGAIN", `${what}: receive failed with ${e.code}`);
    return;
  } finally {
    sock.receiveTimeout = prev;
  }
  assert.unreachable(`${what}, but got [${got.map((f) => JSON.stringify(f.toString("latin1").slice(0, 40))).join(", ")}]`);
}

/** Polls `cond` every 5 ms, bounded. */
export async function waitUntil(cond, what = "condition", ms = DEFAULT_BOUND) {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const recvBounded = (sock, what) => withTimeout(sock.receive(), DEFAULT_BOUND, what);

/**
 * U0 check 3 for SP: a well-behaved wasmq peer dials the listener `l` and
 * completes a round trip; the first message the listener hands out is the
 * good peer's (U0 check 5: nothing partial or hostile queued before it).
 */
export async function spGoodRoundTrip(l) {
  const s = l.sock;
  const t = token("good");
  const dial = (Kind, opts = {}) => {
    const d = track(new Kind({ linger: 0, ...opts }));
    dialed.set(d, {
      handshakesBefore: l.events.count("handshake"),
      handshaken: new Promise((resolve) => d.events.on("handshake", resolve)),
    });
    d.connect(l.endpoint);
    return d;
  };
  if (s instanceof sp.Rep) {
    const req = dial(sp.Req);
    await req.send(t);
    const [q] = await recvBounded(s, "the good request at the REP");
    assert.is(q.toString(), t, "REP: the first request is the good peer's");
    await s.send(`re ${t}`);
    const [a] = await recvBounded(req, "the reply at the good REQ");
    assert.is(a.toString(), `re ${t}`);
    req.close();
  } else if (s instanceof sp.Respondent) {
    const sv = dial(sp.Surveyor, { surveyTime: 2000 });
    await waitForHandshake(l, sv);
    await sv.send(t);
    const [q] = await recvBounded(s, "the good survey at the RESPONDENT");
    assert.is(q.toString(), t, "RESPONDENT: the first survey is the good peer's");
    await s.send(`re ${t}`);
    const [a] = await recvBounded(sv, "the answer at the good SURVEYOR");
    assert.is(a.toString(), `re ${t}`);
    sv.close();
  } else if (s instanceof sp.Req) {
    const rep = dial(sp.Rep);
    await waitForHandshake(l, rep);
    await s.send(t);
    const [q] = await recvBounded(rep, "the request at the good REP");
    assert.is(q.toString(), t);
    await rep.send(`re ${t}`);
    const [a] = await recvBounded(s, "the good reply at the REQ");
    assert.is(a.toString(), `re ${t}`, "REQ: the reply is the good peer's");
    rep.close();
  } else if (s instanceof sp.Surveyor) {
    const rs = dial(sp.Respondent);
    await waitForHandshake(l, rs);
    await s.send(t);
    const [q] = await recvBounded(rs, "the survey at the good RESPONDENT");
    assert.is(q.toString(), t);
    await rs.send(`re ${t}`);
    const [a] = await recvBounded(s, "the good answer at the SURVEYOR");
    assert.is(a.toString(), `re ${t}`, "SURVEYOR: the answer is the good peer's");
    rs.close();
  } else if (s instanceof sp.Pull) {
    const push = dial(sp.Push);
    await push.send(t);
    const [m] = await recvBounded(s, "the good message at the PULL");
    assert.is(m.toString(), t, "PULL: the first message is the good peer's");
    push.close();
  } else if (s instanceof sp.Pub) {
    const sub = dial(sp.Sub);
    sub.subscribe(t);
    await waitForHandshake(l, sub);
    await s.send(`${t} payload`);
    const [m] = await recvBounded(sub, "a message at the good SUB");
    assert.is(m.toString(), `${t} payload`);
    sub.close();
  } else if (s instanceof sp.Pair0 || s instanceof sp.Pair1 || s instanceof sp.Bus) {
    const Kind = s.constructor;
    const p = dial(Kind);
    await waitForHandshake(l, p);
    await p.send(t);
    const [m] = await recvBounded(s, "the good message at the listener");
    assert.is(m.toString(), t, "the first message is the good peer's");
    await s.send(`re ${t}`);
    const [a] = await recvBounded(p, "the reply at the good peer");
    assert.is(a.toString(), `re ${t}`);
    p.close();
  } else {
    throw new Error("spGoodRoundTrip: unsupported listener type");
  }
}

// Roles that drop messages for peers not yet connected (PUB, SURVEYOR, the
// listener-side REQ's load balancer) need the good peer's header exchange done.
// Both ends must have seen the other's header.
// (Sockets are sealed, as zeromq.js's are: what a test knows about one it
// keeps beside it.)
const dialed = new WeakMap();
async function waitForHandshake(l, dialer) {
  const { handshaken, handshakesBefore } = dialed.get(dialer);
  await withTimeout(handshaken, DEFAULT_BOUND, "the good peer's SP handshake");
  await waitUntil(() => l.events.count("handshake") > handshakesBefore, "the listener's handshake with the good peer");
}
