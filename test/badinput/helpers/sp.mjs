// SP hostile peers for docs/hostile-peers.md section E, over the harness both
// bad-input suites share (test/helpers/hostile.mjs: badCase, raw
// connections, EventLog, expectRejected, ...). This module adds
//   - sp: the wasmq/sp API under test;
//   - the SP wire builders of the core suite (test/core/helpers/sp.mjs);
//   - spListen(): an SP listener on tcp://127.0.0.1:0 or a fresh ipc:// path;
//   - rawConnectSp(): a raw connection to tcp:// or ipc:// endpoints, with
//     readSpMessage() for [0x01]?[size u64][payload];
//   - spExpectRejected() / spExpectPeerGone(): U0 check 2 for SP;
//   - spGoodRoundTrip(): U0 check 3 (and 5) for every SP listener role.
import os from "node:os";
import path from "node:path";
import * as assert from "uvu/assert";
import {
  withTimeout, track, EventLog, RawConnection, connectRaw, token, expectRejected, expectPeerGone,
  assertNothingDelivered, waitUntil, DEFAULT_BOUND,
} from "../../helpers/hostile.mjs";

export {
  badCase, withTimeout, track, defer, EventLog, token, assertNothingDelivered, wasmMemory, waitUntil, DEFAULT_BOUND,
} from "../../helpers/hostile.mjs";
export {
  spHeader, spMessage, spMessages, spSize, words, word, reqId, hopId, backtrace, hopsBacktrace, pair1Payload,
  decodeSp, SPEC_IDS, PEER,
} from "../../core/helpers/sp.mjs";
import { spHeader, SPEC_IDS } from "../../core/helpers/sp.mjs";
import { importRetry } from "../../helpers/import-retry.mjs";

/** The SP API under test. */
export const sp = await importRetry("wasmq/sp");

/** The spec protocol id (nng's protocol specs, e.g. "REQ/REP") for a wasmq/sp class. */
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

/** A raw connection that also reads SP messages. */
export class RawSpPeer extends RawConnection {
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
export const rawConnectSp = (endpoint) => connectRaw(endpoint, RawSpPeer);

/** A raw peer past the header exchange with an SP listener `l`, speaking `peerProto`. */
export async function spActivePeer(l, peerProto) {
  const peer = await rawConnectSp(l.endpoint);
  await peer.spHandshake(peerProto, protoOf(l.sock.constructor));
  await l.events.waitFor("handshake");
  return peer;
}

/** U0 check 2 for SP: expectRejected (the core's own list says which codes are protocol errors). */
export const spExpectRejected = expectRejected;

/** The raw peer went away by itself: a plain disconnect, no state left once SP has released the pipe. */
export const spExpectPeerGone = (l, { alone = true } = {}) => expectPeerGone(l, { alone, eventually: true });

/**
 * U0 check 5 for SP: no message is waiting at the listener. A non-blocking
 * receive (receiveTimeout 0) must fail with the family's "nothing now" code
 * (ETIMEDOUT, nng style; EAGAIN accepted too).
 */
export const spAssertNothingDelivered = (sock, what = "nothing was delivered to the listener") =>
  assertNothingDelivered(sock, what, ["ETIMEDOUT", "EAGAIN"]);

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
