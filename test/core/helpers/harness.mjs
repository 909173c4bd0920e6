// Drives the Wasm core directly through bindings/core.ts: no sockets, no
// timers, no sleeps. Time is a number the test moves (Clock); every core
// made here uses it and runs with manualTimers.
//
//   Sock      a socket on a core, counting its readable/writable events
//   PipeRec   one pipe of a socket, recording every pipe event in order
//   Net       cores wired back to back, one Link per pair of pipes, with
//             step()/drive() modelled on quinn-proto's tests/util.rs Pair
import { Core } from "../../../dist/esm/bindings/core.js";
import { greeting, ready, TYPE_NAMES, EAGAIN, strs } from "./wire.mjs";

export class Clock {
  t = 0;
  now = () => this.t;
}

/** A fresh core on `clock` (a new Wasm instance: nothing is shared between tests). */
export function newCore(clock = new Clock(), seed = 1) {
  return new Core(seed, { clock: clock.now, manualTimers: true });
}

/** Takes a pipe's output as the host does: the chunks, then the events that follow. */
export function takeOutput(core, h) {
  const chunks = core.takeOutput(h);
  core.drain();
  return chunks;
}

/** takeOutput's chunks (wire bytes with external bodies spliced in) as one Buffer. */
export function joinOutput(chunks) {
  if (!chunks) return Buffer.alloc(0);
  if (!Array.isArray(chunks)) return Buffer.from(chunks);   // older bindings: one Buffer
  return Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

export class PipeRec {
  /** Every event in order: ["output", urgent], ["handshake", type], ["close", reason], ... */
  events = [];
  closeReason = null;
  peerType = null;
  released = false;

  /** ipc: SP's IPC framing (SpPipeRec in sp.mjs). */
  constructor(sock, outbound, ipc = false) {
    this.sock = sock;
    this.core = sock.core;
    this.outbound = outbound;
    const ev = this.events;
    this.h = this.core.openPipe(sock.h, outbound, ipc, {
      onOutput: (urgent) => ev.push(["output", urgent]),
      onHandshake: (t) => { ev.push(["handshake", t]); this.peerType = t; },
      onClose: (r) => { ev.push(["close", r]); this.closeReason = r; },
      onPause: () => ev.push(["pause"]),
      onResume: () => ev.push(["resume"]),
      onConnect: () => ev.push(["connect"]),
      onReleased: () => { ev.push(["released"]); this.released = true; },
    });
  }

  /** The transport is up: queues our greeting. */
  start() { this.core.startPipe(this.h); return this; }

  /** What feed() makes of its argument. */
  bytes(x) { return Buffer.from(x); }

  /** Feeds bytes, whole or in chunks of `chunk` bytes. */
  feed(bytes, chunk = Infinity) {
    const b = this.bytes(bytes);
    if (chunk >= b.length) { if (b.length) this.core.input(this.h, b); return this; }
    for (let i = 0; i < b.length; i += chunk) this.core.input(this.h, b.subarray(i, i + chunk));
    return this;
  }

  /** Takes every pending output byte, external bodies spliced in (empty Buffer if none). */
  take() { return joinOutput(takeOutput(this.core, this.h)); }

  get closed() { return this.closeReason !== null; }
  count(kind) { return this.events.filter((e) => e[0] === kind).length; }
}

export class Sock {
  readable = 0;
  writable = 0;
  pipes = [];

  constructor(core, type, options = {}) {
    this.core = core;
    this.type = type;
    this.h = core.openSocket(type, {
      onReadable: () => { this.readable++; },
      onWritable: () => { this.writable++; },
    });
    for (const [opt, v] of Object.entries(options)) this.set(Number(opt), v);
  }

  /** Sets a numeric option (number) or a byte-string option (string/Buffer); asserts success. */
  set(opt, v) {
    const rc = typeof v === "number" ? this.core.setOption(this.h, opt, v) : this.core.setBytesOption(this.h, opt, v);
    if (rc !== 0) throw new Error(`option ${opt} = ${v}: rc ${rc}`);
    return this;
  }

  pipe(outbound = false) {
    const p = new PipeRec(this, outbound);
    this.pipes.push(p);
    return p;
  }

  send(frames) { return this.core.send(this.h, frames); }
  recv() { return this.core.recv(this.h); }
  /** The next message as strings, or the negative errno. */
  recvStr() { return strs(this.recv()); }
  /** Every message waiting, as arrays of strings. */
  recvAll() {
    const out = [];
    for (;;) {
      const m = this.recv();
      if (typeof m === "number") { if (m !== EAGAIN) throw new Error(`recv: ${m}`); return out; }
      out.push(strs(m));
    }
  }
}

/**
 * A socket of `type` on `core` with one started inbound pipe, talking to the
 * test as a raw peer. Returns { sock, pipe }.
 */
export function rawPeer(core, type, { options = {}, outbound = false, start = true } = {}) {
  const sock = new Sock(core, type, options);
  const pipe = sock.pipe(outbound);
  if (start) pipe.start();
  return { sock, pipe };
}

/**
 * Completes the NULL handshake on `pipe` from the raw-peer side: our greeting
 * (3.`minor`) and a READY announcing `peerType` (+ extra properties).
 * Returns the core's output so far (its greeting and READY).
 */
export function handshake(pipe, peerType, { minor = 1, props = {} } = {}) {
  const name = typeof peerType === "number" ? TYPE_NAMES[peerType] : peerType;
  pipe.feed(greeting(3, minor));
  pipe.feed(ready({ "Socket-Type": name, ...props }));
  if (pipe.peerType === null) throw new Error(`no handshake: ${JSON.stringify(pipe.events)}`);
  return pipe.take();
}

// ---------------------------------------------------------------------------
// Two (or more) cores back to back.

class Link {
  dead = false;

  constructor(net, a, b) {
    this.net = net;
    this.a = a;
    this.b = b;
    this.q = new Map([[a, []], [b, []]]);   // bytes in flight *from* each side
  }

  other(p) { return p === this.a ? this.b : this.a; }

  // One transfer each way: collect output, deliver one chunk.
  step() {
    if (this.dead) return false;
    let moved = false;
    for (const from of [this.a, this.b]) {
      const to = this.other(from);
      const q = this.q.get(from);
      const out = joinOutput(takeOutput(from.core, from.h));
      if (out.length) { q.push(out); moved = true; }
      if (q.length && !to.closed) {
        moved = true;
        const chunk = this.net.chunk;
        if (chunk === Infinity) {
          const all = Buffer.concat(q.splice(0));
          to.core.input(to.h, all);
        } else {
          const head = q[0];
          to.core.input(to.h, head.subarray(0, chunk));
          if (head.length > chunk) q[0] = head.subarray(chunk); else q.shift();
        }
      } else if (q.length) {
        q.length = 0;   // the receiver hung up: bytes to it are lost
      }
    }
    // A side that closed has flushed what it queued (e.g. an ERROR): the
    // transport goes away for both ends.
    for (const side of [this.a, this.b]) {
      if (side.closed && this.q.get(side).length === 0 && !this.dead) {
        this.dead = true;
        const o = this.other(side);
        o.core.pipeClosed(o.h);
        side.core.pipeClosed(side.h);
        moved = true;
      }
    }
    return moved;
  }
}

export class Net {
  /** chunk: bytes delivered per transfer (1 = split every transfer into 1-byte writes). */
  constructor({ chunk = Infinity } = {}) {
    this.clock = new Clock();
    this.chunk = chunk;
    this.cores = [];
    this.links = [];
  }

  core(seed = this.cores.length + 1) {
    const c = newCore(this.clock, seed);
    this.cores.push(c);
    return c;
  }

  /** Wires pipe `a` (the connecting side) to pipe `b` and starts both. */
  link(a, b) {
    const l = new Link(this, a, b);
    this.links.push(l);
    a.start();
    b.start();
    return l;
  }

  /** `a` connects to `b`: a fresh outbound pipe on a, inbound on b, linked. */
  connect(a, b) {
    const pa = a.pipe(true);
    const pb = b.pipe(false);
    this.link(pa, pb);
    return [pa, pb];
  }

  step() {
    let moved = false;
    for (const l of this.links) if (l.step()) moved = true;
    return moved;
  }

  /** Steps until no side has anything to send. Returns the number of steps. */
  drive(limit = 1e7) {
    let n = 0;
    while (this.step()) if (++n > limit) throw new Error("drive(): no quiescence");
    return n;
  }

  /** Moves the clock to `t` and runs every core's due timers. */
  at(t) {
    this.clock.t = t;
    for (const c of this.cores) c.tick();
  }
}

/**
 * Two cores, one socket each, a's pipe connected to b's, handshake driven.
 * Returns { net, a, b, pa, pb }.
 */
export function pair(typeA, typeB, { chunk = Infinity, optsA = {}, optsB = {} } = {}) {
  const net = new Net({ chunk });
  const a = new Sock(net.core(), typeA, optsA);
  const b = new Sock(net.core(), typeB, optsB);
  const [pa, pb] = net.connect(a, b);
  net.drive();
  return { net, a, b, pa, pb };
}
