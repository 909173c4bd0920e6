// The simulated host: what src/pipe-host.ts and src/socket.ts do for a real
// transport, done for simulated links, one Host per Core.
//
//   Host       one Core on the shared manual clock; flushes dirty pipes once
//              per step (the "turn" of the real event loop); ticks the core
//              when its next deadline is due.
//   SimSocket  one core socket of an application actor: bind (listen on an
//              address), connect (an outbound session pipe that redials on
//              the core's PipeConnect event), send/recv, close.
//   PipeRec    the PipeSink of one core pipe: flushes output into its link
//              (one write per turn, at once when urgent, not at all while the
//              link is over its buffer cap), ends the link after a PipeClose,
//              stops reading on PipePause, redials on PipeConnect. It also
//              keeps the simulator's ledger for the pipe: the messages its
//              connections delivered, in order.
//
// The sequence of core calls is pipe-host.ts's: openPipe, startPipe when
// the link is up, input per received piece, takeOutput + drain per flush,
// pipeClosed when the transport is gone, connectFailed when a dial fails.
import { Core } from "../../../dist/esm/bindings/core.js";
import { Scanner, countTags } from "./marker.mjs";
import { reasonName } from "../../core/helpers/wire.mjs";

/** Bytes a link direction may hold before the writer counts as blocked (a socket's kernel buffer). */
export const LINK_CAP = 16 * 1024;
/** The largest piece a reader takes at once (Node's 64 KiB reads). */
export const READ_MAX = 64 * 1024;

const EAGAIN = -11;

export class Host {
  dirty = [];
  opened = 0;
  released = 0;
  sockets = new Set();

  constructor(sim, name, seed) {
    this.sim = sim;
    this.name = name;
    this.core = new Core(seed, { clock: sim.now, manualTimers: true });
  }

  /** Runs the core's timers if one is due. A timer that stays due after firing is a spinning host timer. */
  tickIfDue() {
    const now = this.sim.t;
    if (now < this.core.nextDeadline) return;
    // A deadline of "now" right after a tick is allowed once (work that became
    // due during the tick, e.g. a REQ0 resend after its peer left); a third
    // tick at the same instant that still leaves it due would spin forever.
    for (let i = 0; i < 3; i++) {
      this.core.tick();
      if (this.core.nextDeadline > now) return;
    }
    this.sim.fail("timers", `${this.name}: next deadline ${this.core.nextDeadline} stays due at ${now} after three ticks`);
  }

  /** The end of a turn: every pipe that signalled output writes once. */
  flushDirty() {
    while (this.dirty.length) {
      const list = this.dirty;
      this.dirty = [];
      for (const p of list) { p.queuedFlush = false; p.flush(false); }
    }
  }
}

export class SimSocket {
  closed = false;
  closedStep = -1;
  lastDeath = -1;         // last step a link of this socket died (loss accounting)
  pipes = new Map();      // core handle → PipeRec, until PipeReleased
  pending = new Map();    // key → delivered, not yet received ledger entries
  received = new Map();   // key → times the application received it
  binds = [];
  readable = false;

  /**
   * `opts`: { type, sp, ipc, numeric: [[optId, number]], bytes: [[optId, value]],
   *           sndhwm, rcvhwm (as set in `numeric`, for the checks),
   *           skips: "none" | "unexpected" | "any", expect(entry), label }
   */
  constructor(actor, opts) {
    this.actor = actor;
    this.host = actor.host;
    this.sim = actor.sim;
    this.core = this.host.core;
    this.type = opts.type;
    this.sp = !!opts.sp;
    this.ipc = !!opts.ipc;
    this.skips = opts.skips ?? "none";
    this.unexpected = opts.unexpected;
    this.expect = opts.expect ?? (() => true);
    this.sndhwm = opts.sndhwm ?? 1000;
    this.rcvhwm = opts.rcvhwm ?? 1000;
    this.sid = `${actor.name}${opts.label ?? ""}.${actor.incarnation}`;
    this.h = this.core.openSocket(this.type, {
      onReadable: () => { this.readable = true; },
      onWritable: () => {},
    });
    this.host.sockets.add(this);
    for (const [opt, v] of opts.numeric ?? []) {
      const rc = this.core.setOption(this.h, opt, v);
      if (rc !== 0) throw new Error(`${this.sid}: option ${opt}=${v} refused (${rc})`);
    }
    for (const [opt, v] of opts.bytes ?? []) {
      const rc = this.core.setBytesOption(this.h, opt, v);
      if (rc !== 0) throw new Error(`${this.sid}: bytes option ${opt} refused (${rc})`);
    }
  }

  bind(addr) {
    this.sim.net.listen(addr, this);
    this.binds.push(addr);
  }

  /** connect(): one session pipe for the address, dialled now and redialled by the core's back-off. */
  connect(addr) {
    const p = new PipeRec(this, true, addr);
    this.sim.net.dial(p);
    return p;
  }

  /** An accepted connection's pipe. */
  accept(addr) { return new PipeRec(this, false, addr); }

  setBytes(opt, v) {
    const rc = this.core.setBytesOption(this.h, opt, v);
    if (rc !== 0) throw new Error(`${this.sid}: bytes option ${opt} refused (${rc})`);
  }

  send(frames) {
    if (this.closed) throw new Error(`${this.sid}: send after close`);
    return this.core.send(this.h, frames);
  }

  /** The next message's frames, or a negative errno (EAGAIN when none). */
  recv() {
    if (this.closed) return EAGAIN;
    return this.core.recv(this.h);
  }

  /**
   * close(): what is queued for peers is flushed first (linger 0 for anything
   * a link cannot take), the listeners go, then the core socket; its
   * PipeClose events end the links.
   */
  close() {
    if (this.closed) return;
    for (const p of this.pipes.values()) p.flush(true);
    this.closed = true;
    this.closedStep = this.sim.step;
    for (const a of this.binds) this.sim.net.unlisten(a, this);
    this.sim.trace("close", `${this.sid} closed`);
    this.core.closeSocket(this.h);
    this.host.sockets.delete(this);
  }
}

export class PipeRec {
  end = null;            // this pipe's end of its current link
  paused = false;
  blocked = false;
  queuedFlush = false;
  released = false;
  handshaken = false;    // the current connection finished its handshake
  closeReason = null;
  closeCount = 0;        // PipeClose events so far (a close while parsing makes that piece's tags uncertain)
  // Ledger: every tagged message the connections of this pipe delivered to
  // the core, in order; `cursor` is the first one the application has not
  // received (or seen dropped).
  entries = [];
  cursor = 0;
  queuedUnread = 0;      // delivered entries the role queued and the application has not received
  scanner = new Scanner();

  constructor(sock, outbound, addr) {
    this.sock = sock;
    this.sim = sock.sim;
    this.host = sock.host;
    this.core = sock.core;
    this.outbound = outbound;
    this.addr = addr;
    this.ipc = sock.ipc && addr.startsWith("ipc://");
    this.id = ++this.sim.pipeSerial;
    this.h = this.core.openPipe(sock.h, outbound, this.ipc, this);
    sock.pipes.set(this.h, this);
    this.host.opened++;
  }

  get name() { return `${this.sock.sid}#${this.id}`; }

  /** A new connection for this pipe: fresh read state, as a new transport socket would have. */
  attach(end) {
    this.end = end;
    this.paused = false;
    this.blocked = false;
    this.handshaken = false;
    this.scanner = new Scanner();
    this.core.startPipe(this.h);
  }

  /** Writes the core's output for this pipe into its link; `force` ignores the link's back-pressure. */
  flush(force) {
    const end = this.end;
    if (!end || end.closed) return;
    if (this.blocked && !force) return;
    const chunks = this.core.takeOutput(this.h);
    if (!chunks) return;
    const buf = chunks.length === 1 ? Buffer.from(chunks[0].buffer, chunks[0].byteOffset, chunks[0].byteLength)
      : Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
    // A take holds every message the pipe had queued: never more than its HWM.
    const n = countTags(buf);
    if (this.sock.sndhwm > 0 && n > this.sock.sndhwm) {
      this.sim.fail("hwm", `${this.name} wrote ${n} messages in one take, over its send HWM ${this.sock.sndhwm}`);
    }
    this.sim.net.write(end, buf);
    this.core.drain();
    if (end.qBytes >= LINK_CAP) { this.blocked = true; this.sim.stats.blocked++; }
  }

  // ---- PipeSink ----

  onOutput(urgent) {
    if (urgent) { this.flush(false); return; }
    if (this.queuedFlush) return;
    this.queuedFlush = true;
    this.host.dirty.push(this);
  }

  onHandshake() {
    this.handshaken = true;
    this.sim.trace("handshake", `${this.name} ${this.outbound ? "→" : "←"} ${this.addr}`);
  }

  onClose(reason) {
    this.closeReason = reason;
    this.closeCount++;
    this.sim.trace("pipe-close", `${this.name} ${reasonName(reason)}`);
    // As pipe-host.ts: send what is queued (an ERROR command, say), then end.
    this.flush(true);
    if (this.end) this.sim.net.endLocal(this.end, reasonName(reason));
  }

  onPause() { this.paused = true; this.sim.stats.pauses++; }
  onResume() { this.paused = false; }

  onConnect() {
    if (this.sock.closed || this.released) return;
    this.sim.net.dial(this);
  }

  onReleased() {
    this.released = true;
    this.sock.pipes.delete(this.h);
    this.host.released++;
  }
}
