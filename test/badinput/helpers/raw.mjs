// ZMTP hostile peers for the bad-input suite (docs/hostile-peers.md),
// over the harness both bad-input suites share (test/helpers/hostile.mjs:
// badCase, raw connections, EventLog, expectRejected, ...). This module adds:
//   - zmq: the wasmq/zmq API under test;
//   - byte builders: greeting(), frame(), longFrame(), command(), ready(),
//     metadata(), ping(), subscribe()/cancel(), message();
//   - RawPeer / rawConnect(endpoint): a raw connection that also reads ZMTP
//     (a frame, a command, a message; the NULL handshake; a PING barrier);
//   - listen(): a wasmq listener on tcp://127.0.0.1:0 with an event log;
//   - goodClientRoundTrip(): U0 check 3 (a well-behaved wasmq client still
//     completes a round trip), which also checks U0 5 (the first message the
//     listener hands out is the good client's, nothing partial before it).
// Every wait is bounded by withTimeout(); nothing sleeps to "let things settle".
import * as assert from "uvu/assert";
import { importRetry } from "../../helpers/import-retry.mjs";
import {
  withTimeout, track, token, RawConnection, connectRaw, EventLog, DEFAULT_BOUND,
} from "../../helpers/hostile.mjs";

export {
  core, Core, DEFAULT_BOUND, withTimeout, track, defer, badCase, EventLog, token,
  expectRejected, expectPeerGone, assertNothingDelivered, wasmMemory,
} from "../../helpers/hostile.mjs";

/** The API under test (zeromq.js v6 shape). */
export const zmq = await importRetry("wasmq/zmq");

// -------------------------------------------------------------- builders --

const u8 = (b) => (typeof b === "string" ? Buffer.from(b, "latin1") : Buffer.from(b));

/**
 * A 64-byte greeting (RFC 23 "Formal Grammar"). `mechanism` may be a string (NUL-padded)
 * or a 20-byte Buffer for hand-made garbage.
 */
export function greeting({ first = 0xff, sigEnd = 0x7f, major = 3, minor = 1, mechanism = "NULL", asServer = 0 } = {}) {
  const g = Buffer.alloc(64);
  g[0] = first;
  g[9] = sigEnd;
  g[10] = major;
  g[11] = minor;
  if (Buffer.isBuffer(mechanism)) mechanism.copy(g, 12, 0, 20);
  else g.write(mechanism, 12, 20, "latin1");
  g[32] = asServer;
  return g;
}

/** One frame header for `size` (a BigInt or number) with the given flags; LONG picks the 8-byte form. */
export function header(flags, size) {
  if (flags & 0x02) {
    const h = Buffer.alloc(9);
    h[0] = flags;
    h.writeBigUInt64BE(BigInt(size), 1);
    return h;
  }
  return Buffer.from([flags, Number(size)]);
}

/**
 * A frame (RFC 23 "Framing"): short form up to 255 bytes unless `long` is given;
 * `flags` overrides the computed flag byte entirely.
 */
export function frame(body, { more = false, command = false, long, flags } = {}) {
  body = u8(body);
  const isLong = long ?? body.length > 255;
  const f = flags ?? ((more ? 0x01 : 0) | (isLong ? 0x02 : 0) | (command ? 0x04 : 0));
  // With explicit `flags`, their LONG bit alone decides the size encoding.
  return Buffer.concat([header(f, body.length), body]);
}

/** A command body: [name_len][name][data] (RFC 23 "Commands"). */
export function commandBody(name, data = Buffer.alloc(0)) {
  const n = u8(name);
  return Buffer.concat([Buffer.from([n.length]), n, u8(data)]);
}

/** A command frame. */
export function command(name, data, opts = {}) {
  return frame(commandBody(name, data), { ...opts, command: true });
}

/** One metadata property [name_len u8][name][value_len u32 BE][value]. */
export function prop(name, value) {
  const n = u8(name);
  const v = u8(value);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(v.length);
  return Buffer.concat([Buffer.from([n.length]), n, len, v]);
}

/** Metadata from an object or a list of [name, value] pairs. */
export function metadata(props) {
  const list = Array.isArray(props) ? props : Object.entries(props);
  return Buffer.concat(list.map(([k, v]) => prop(k, v)));
}

/** READY command frame: ready("PUSH") or ready({ "Socket-Type": ..., Identity: ... }) or ready(rawMetadataBuffer). */
export function ready(props) {
  if (typeof props === "string") props = { "Socket-Type": props };
  const md = Buffer.isBuffer(props) ? props : metadata(props);
  return command("READY", md);
}

/** PING command frame: TTL in deciseconds plus up to any context bytes. */
export function ping(ttl = 0, context = Buffer.alloc(0)) {
  const t = Buffer.alloc(2);
  t.writeUInt16BE(ttl);
  return command("PING", Buffer.concat([t, u8(context)]));
}

export const subscribe = (topic) => command("SUBSCRIBE", topic);
export const cancel = (topic) => command("CANCEL", topic);

/** A whole multipart data message: MORE on every frame but the last. */
export function message(...frames) {
  return Buffer.concat(frames.map((f, i) => frame(f, { more: i < frames.length - 1 })));
}

// --------------------------------------------------------------- parsing --

/** Splits a command body into its name and data. */
export function parseCommand(body) {
  const n = body[0];
  return { name: body.subarray(1, 1 + n).toString("latin1"), data: body.subarray(1 + n) };
}

/** Parses READY metadata into { name: Buffer }. */
export function parseMetadata(data) {
  const out = {};
  let p = 0;
  while (p < data.length) {
    const nl = data[p];
    const name = data.subarray(p + 1, p + 1 + nl).toString("latin1");
    const vl = data.readUInt32BE(p + 1 + nl);
    out[name] = data.subarray(p + 5 + nl, p + 5 + nl + vl);
    p += 5 + nl + vl;
  }
  return out;
}

// -------------------------------------------------------------- raw peer --

/** A raw connection that also speaks ZMTP's framing. Create with rawConnect(). */
export class RawPeer extends RawConnection {
  /** The next whole frame: { flags, more, command, body, name?, data? }. */
  async readFrame(ms = DEFAULT_BOUND) {
    const [flags] = await this.read(1, ms);
    let size;
    if (flags & 0x02) size = Number((await this.read(8, ms)).readBigUInt64BE(0));
    else size = (await this.read(1, ms))[0];
    const body = size ? await this.read(size, ms) : Buffer.alloc(0);
    const f = { flags, more: (flags & 1) !== 0, command: (flags & 4) !== 0, body };
    if (f.command) Object.assign(f, parseCommand(body));
    return f;
  }

  /** Skips frames until a command named `name`; returns it. */
  async readCommand(name, ms = DEFAULT_BOUND) {
    for (;;) {
      const f = await this.readFrame(ms);
      if (f.command && f.name === name) return f;
    }
  }

  /** The next whole data message (array of Buffers); commands in between are skipped. */
  async readMessage(ms = DEFAULT_BOUND) {
    const frames = [];
    for (;;) {
      const f = await this.readFrame(ms);
      if (f.command) continue;
      frames.push(f.body);
      if (!f.more) return frames;
    }
  }

  /**
   * The NULL handshake from the peer's side: send greeting + READY, read the
   * listener's greeting and READY. Returns the listener's READY metadata.
   */
  async handshake(socketType, extraProps = {}, greet = {}) {
    await this.write(Buffer.concat([greeting(greet), ready({ "Socket-Type": socketType, ...extraProps })]));
    const g = await this.read(64);
    assert.is(g[0], 0xff, "listener greeting byte 0");
    assert.is(g[9] & 1, 1, "listener greeting byte 9 bit 0");
    assert.is(g[10], 3, "listener greeting major");
    const r = await this.readFrame();
    assert.ok(r.command && r.name === "READY", `listener sent READY (got ${r.name ?? "data"})`);
    return parseMetadata(r.data);
  }

  /**
   * PING/PONG barrier: once the PONG for this PING is back, the listener has
   * processed every byte written before it.
   */
  async barrier(context = "barrier") {
    const ctx = Buffer.from(String(context).slice(0, 16));
    await this.write(ping(0, ctx));
    for (;;) {
      const f = await this.readCommand("PONG");
      if (f.data.equals(ctx)) return;
    }
  }
}

/** Opens a raw connection to a wasmq listener; resolves once connected. */
export const rawConnect = (endpoint) => connectRaw(endpoint, RawPeer);

// --------------------------------------------------------------- listener --

/**
 * A wasmq listener of class `Kind` bound to tcp://127.0.0.1:0, with an event
 * log attached before bind. Defaults keep handshakes short (300 ms).
 */
export async function listen(Kind, options = {}) {
  const sock = track(new Kind({ linger: 0, handshakeInterval: 300, ...options }));
  const events = new EventLog(sock);
  await sock.bind("tcp://127.0.0.1:0");
  return { sock, endpoint: sock.lastEndpoint, events };
}

// ------------------------------------------------------------ good client --

function recvBounded(sock, what) {
  return withTimeout(sock.receive(), DEFAULT_BOUND, what);
}

/**
 * U0 check 3: a well-behaved wasmq client completes a round trip on the same
 * listener. The first message the listener hands out must be the good
 * client's (so nothing partial or hostile was queued before it).
 *   Router    <- Dealer: request in, reply out
 *   Pull      <- Push:   one message
 *   Publisher -> Subscriber: publishes until the subscription has arrived
 */
export async function goodClientRoundTrip(listener) {
  const endpoint = listener.lastEndpoint;
  const t = token("good");
  if (listener instanceof zmq.Router) {
    const dealer = track(new zmq.Dealer({ linger: 0, routingId: t }));
    dealer.connect(endpoint);
    await dealer.send(["request", t]);
    const [id, a, b] = await recvBounded(listener, "the good client's request at the router");
    assert.is(id.toString(), t, "router: first message comes from the good client");
    assert.equal([a.toString(), b.toString()], ["request", t]);
    await listener.send([id, "reply", t]);
    const reply = await recvBounded(dealer, "the router's reply at the good client");
    assert.equal(reply.map(String), ["reply", t]);
    dealer.close();
  } else if (listener instanceof zmq.Pull) {
    const push = track(new zmq.Push({ linger: 0 }));
    push.connect(endpoint);
    await push.send([t, "tail"]);
    const m = await recvBounded(listener, "the good client's message at the pull");
    assert.equal(m.map(String), [t, "tail"], "pull: first message comes from the good client");
    push.close();
  } else if (listener instanceof zmq.Publisher || listener instanceof zmq.XPublisher) {
    const sub = track(new zmq.Subscriber({ linger: 0 }));
    sub.subscribe(t);
    sub.connect(endpoint);
    // Subscriptions travel asynchronously and PUB drops until one arrives:
    // publish every 10 ms until the subscriber has one (bounded).
    let got = null;
    const rx = recvBounded(sub, "a message at the good subscriber").then((m) => (got = m));
    const pace = () => new Promise((r) => setTimeout(r, 10));
    while (!got) {
      await listener.send([t, "payload"]);
      await Promise.race([rx, pace()]);
    }
    assert.equal(got.map(String), [t, "payload"]);
    sub.close();
  } else {
    throw new Error("goodClientRoundTrip: unsupported listener type");
  }
}
