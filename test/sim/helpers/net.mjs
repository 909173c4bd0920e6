// Simulated stream links (TCP-like byte streams, optionally with SP's IPC
// framing chosen by the address) between pipes of different hosts, and the
// address space sockets bind and dial.
//
// A Link has two Ends. Each End queues the bytes its pipe wrote, in order,
// each piece with the step at which it may arrive; the other End's pipe is
// fed those bytes as pieces (whole, split or coalesced, by the active
// faults). An End that is over LINK_CAP bytes makes its writer "blocked", as
// a full kernel buffer makes Node's write() return false; the host stops
// taking output and the core's queues (and HWMs) fill instead. A paused
// reader (PipePause) is simply not fed, so back-pressure crosses the link.
//
// Closing follows TCP: ending an End queues a FIN behind its bytes; the peer
// sees end of stream after the last byte and closes too. A reset drops
// everything and both ends see the close at once. A half-open link has one
// End gone (its host saw the close) and the other blackholed: what it writes
// vanishes and nothing reaches it, until its heartbeat gives up or the fault
// ends in a reset. A partition stalls every link across it (bytes are held,
// not lost) and makes dials across it fail after a SYN timeout.
import { LINK_CAP, READ_MAX } from "./host.mjs";
import { Rng } from "./rng.mjs";

// Inputs a direction may deliver per step, so application actions interleave
// with a long backlog instead of seeing it all at once.
const PIECES_PER_STEP = 8;
// Steps a dial across a partition waits before it fails (a SYN timeout).
const SYN_TIMEOUT = 25;

export class End {
  q = [];            // pieces written by this end's pipe, not yet delivered: { buf, due }
  qBytes = 0;
  fin = false;       // this end has ended; the peer sees end of stream after q
  closed = false;    // this end's transport is gone (its pipe was told)
  blackhole = false; // half-open: writes vanish, nothing is delivered here
  lastSeq = -1;      // highest sequence number the peer's own messages reached this end with

  constructor(link, pipe) {
    this.link = link;
    this.pipe = pipe;
  }

  get peer() { return this.link.a === this ? this.link.b : this.link.a; }
}

export class Link {
  dead = false;
  died = false;      // some end has closed (counted once as a death)
  broken = null;     // "dup" | "swap" | "drop": the next data write misbehaves (detection tests only)
  stash = null;      // "swap": the write held back

  constructor(net, id, dialer, acceptor) {
    this.net = net;
    this.id = id;
    this.a = new End(this, dialer);
    this.b = new End(this, acceptor);
    this.actors = [dialer.sock.actor.name, acceptor.sock.actor.name];
    this.pairKey = pairKey(this.actors[0], this.actors[1]);
    this.hosts = [dialer.host.name, acceptor.host.name];
    this.rng = Rng.derive(net.sim.seed, "link", id);
  }

  get name() { return `L${this.id}(${this.a.pipe.name}→${this.b.pipe.name})`; }
}

export const pairKey = (x, y) => (x < y ? `${x}|${y}` : `${y}|${x}`);

export class Net {
  listeners = new Map();  // address → SimSocket
  dials = [];             // { pipe, due, fail }
  links = [];             // links not yet dead
  linkSerial = 0;

  constructor(sim) {
    this.sim = sim;
    this.rng = Rng.derive(sim.seed, "net");
  }

  listen(addr, sock) {
    const cur = this.listeners.get(addr);
    if (cur && !cur.closed) throw new Error(`${addr} already bound by ${cur.sid}`);
    this.listeners.set(addr, sock);
  }

  unlisten(addr, sock) {
    if (this.listeners.get(addr) === sock) this.listeners.delete(addr);
  }

  /** Starts a dial for an outbound pipe; it completes (or fails) a few steps later. */
  dial(pipe) {
    if (this.dials.some((d) => d.pipe === pipe)) return;
    this.dials.push({ pipe, due: this.sim.step + this.rng.int(1, 3), fail: false });
  }

  linksBetween(x, y) {
    const k = pairKey(x, y);
    return this.links.filter((l) => l.pairKey === k);
  }

  /** Nothing in flight, no FIN undelivered, no dial pending. */
  idle() { return this.busy() === null; }

  /** Why the network is not idle (for failure messages), or null. */
  busy() {
    if (this.dials.length) return `${this.dials[0].pipe.name} is dialling ${this.dials[0].pipe.addr}`;
    for (const l of this.links) {
      for (const e of [l.a, l.b]) {
        const to = e.peer;
        if (e.q.length && !to.closed) return `${l.name}: ${e.qBytes} bytes for ${to.pipe.name}${to.pipe.paused ? " (paused)" : ""} in flight`;
        if (e.fin && !to.closed && !e.blackhole) return `${l.name}: end of stream for ${to.pipe.name}${to.pipe.paused ? " (paused)" : ""} in flight`;
      }
    }
    return null;
  }

  // ---- per step ----

  step() {
    this.stepDials();
    for (const l of this.links.slice()) {
      if (l.dead) continue;
      const prof = this.sim.profile(l);
      this.deliver(l, l.a, l.b, prof);
      if (!l.dead) this.deliver(l, l.b, l.a, prof);
      this.reap(l);
    }
  }

  stepDials() {
    const now = this.sim.step;
    const due = this.dials.filter((d) => d.due <= now);
    if (!due.length) return;
    this.dials = this.dials.filter((d) => d.due > now);
    for (const d of due) this.complete(d);
  }

  complete(d) {
    const pipe = d.pipe;
    if (pipe.released || pipe.sock.closed || pipe.end) return;
    const ls = this.listeners.get(pipe.addr);
    if (d.fail || !ls || ls.closed) {
      this.sim.trace("refused", `${pipe.name} → ${pipe.addr}${d.fail ? " (timed out across a partition)" : ""}`);
      pipe.core.connectFailed(pipe.h);
      return;
    }
    if (this.sim.partitioned(pipe.host.name, ls.host.name)) {
      // The SYN goes nowhere; the dial fails when it times out.
      this.dials.push({ pipe, due: this.sim.step + SYN_TIMEOUT, fail: true });
      return;
    }
    const acc = ls.accept(pipe.addr);
    const link = new Link(this, ++this.linkSerial, pipe, acc);
    this.links.push(link);
    this.sim.trace("up", link.name);
    pipe.attach(link.a);
    acc.attach(link.b);
  }

  /** A pipe wrote `buf` into its end. */
  write(end, buf) {
    if (end.closed || end.fin) return;
    if (end.blackhole) { this.sim.stats.vanished += buf.length; return; }
    const link = end.link;
    const prof = this.sim.profile(link);
    const last = end.q.length ? end.q[end.q.length - 1].due : 0;
    const due = Math.max(last, this.sim.step + prof.latency);
    end.q.push({ buf, due });
    end.qBytes += buf.length;
    if (link.broken && buf.includes("<<m:", 0, "latin1")) this.misbehave(link, end, buf, due);
  }

  /**
   * The deliberately broken links of the detection tests, acting on a whole
   * write that carries messages (so the framing stays valid and only the
   * invariants can tell): "dup" delivers it twice, "swap" puts it before the
   * previous undelivered write, "drop" loses it without closing anything.
   */
  misbehave(link, end, buf, due) {
    const kind = link.broken;
    if (kind === "dup") {
      end.q.push({ buf, due });
      end.qBytes += buf.length;
    } else if (kind === "swap") {
      // Hold this write back until the same end writes again, then send both
      // in the wrong order.
      end.q.pop();
      end.qBytes -= buf.length;
      link.stash = { end, buf };
      link.broken = "swap2";
      return;
    } else if (kind === "swap2") {
      if (link.stash.end !== end) return;
      end.q.push({ buf: link.stash.buf, due });
      end.qBytes += link.stash.buf.length;
      link.stash = null;
    } else if (kind === "drop") {
      end.q.pop();
      end.qBytes -= buf.length;
    }
    link.broken = null;
    this.sim.brokenFired(link, `${link.name} ${kind === "dup" ? "duplicated" : kind === "swap2" ? "reordered" : "dropped"} a ${buf.length}-byte write`);
  }

  deliver(link, from, to, prof) {
    if (to.closed || to.blackhole) {
      if (from.q.length) { from.q = []; from.qBytes = 0; }
      return;
    }
    if (prof.stalled) return;
    const step = this.sim.step;
    let n = 0;
    while (from.q.length && from.q[0].due <= step && n < PIECES_PER_STEP) {
      if (to.pipe.paused) break;
      let piece;
      if (prof.coalesce) {
        // Everything due, joined into reads of at most READ_MAX bytes.
        const parts = [];
        let size = 0;
        while (from.q.length && from.q[0].due <= step && size < READ_MAX) {
          const head = from.q[0];
          head.started = true;
          const take = Math.min(head.buf.length, READ_MAX - size);
          parts.push(head.buf.subarray(0, take));
          size += take;
          if (take === head.buf.length) from.q.shift(); else head.buf = head.buf.subarray(take);
        }
        piece = parts.length === 1 ? parts[0] : Buffer.concat(parts);
      } else {
        const head = from.q[0];
        head.started = true;
        const max = prof.split ? link.rng.int(1, Math.min(head.buf.length, prof.split)) : READ_MAX;
        const take = Math.min(head.buf.length, max);
        piece = head.buf.subarray(0, take);
        if (take === head.buf.length) from.q.shift(); else head.buf = head.buf.subarray(take);
      }
      from.qBytes -= piece.length;
      n++;
      this.sim.feed(to, piece);
      if (to.closed || link.dead) break;
    }
    if (!from.q.length && from.fin && !to.closed && !to.pipe.paused) {
      // End of stream: the reader's transport closes (Node ends its side too).
      this.closeEnd(to, "end of stream");
    }
    if (!from.closed && from.pipe.blocked && from.qBytes < LINK_CAP) {
      from.pipe.blocked = false;
      from.pipe.flush(false);
    }
  }

  // ---- closing ----

  /** The end's transport is gone: its pipe is told (pipe_closed), and it sends nothing more. */
  closeEnd(end, why) {
    if (end.closed) return;
    end.closed = true;
    end.fin = true;
    const link = end.link;
    // Loss accounting: whatever either socket had in this connection (sent
    // into it, or received and unread when the socket goes) may be gone, as
    // of this step. Each end counts, not just the first: a message written
    // into an end whose peer already left is lost when this end finds out.
    end.pipe.sock.lastDeath = this.sim.step;
    end.peer.pipe.sock.lastDeath = this.sim.step;
    this.noteDeath(link, why);
    if (end.pipe.end === end) end.pipe.end = null;
    end.pipe.core.pipeClosed(end.pipe.h);
    this.reap(link);
  }

  /** The host ends its side after a PipeClose: queued bytes then FIN go out; nothing more is read. */
  endLocal(end, why) {
    if (end.closed) return;
    const peer = end.peer;
    if (peer.q.length) { peer.q = []; peer.qBytes = 0; }
    if (end.blackhole) { end.q = []; end.qBytes = 0; }
    this.closeEnd(end, why);
  }

  /** RST: both ends close at once; whatever was in flight is lost. */
  reset(link, why) {
    for (const e of [link.a, link.b]) { e.q = []; e.qBytes = 0; }
    this.sim.trace("reset", `${link.name} ${why}`);
    for (const e of [link.a, link.b]) this.closeEnd(e, why);
  }

  /** One end's host loses the connection silently; the other end keeps writing into the void. */
  halfOpen(link, deadEnd) {
    const live = deadEnd.peer;
    for (const e of [link.a, link.b]) { e.q = []; e.qBytes = 0; }
    live.blackhole = true;
    this.sim.trace("half-open", `${link.name}: ${deadEnd.pipe.name} gone, ${live.pipe.name} still thinks it is up`);
    this.closeEnd(deadEnd, "half-open (local side lost it)");
  }

  noteDeath(link, why) {
    if (link.died) return;
    link.died = true;
    if (!this.sim.closing) this.sim.stats.deaths++;
    this.sim.trace("down", `${link.name}: ${why}`);
    this.sim.onDeath(link, why);
  }

  reap(link) {
    if (link.dead) return;
    if (link.a.closed && link.b.closed) {
      link.dead = true;
      const i = this.links.indexOf(link);
      if (i >= 0) this.links.splice(i, 1);
    }
  }
}
