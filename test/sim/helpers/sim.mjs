// The deterministic network simulator: several Cores (one Host each) on one
// manual clock, application actors on them, simulated links between their
// pipes, a seeded fault schedule, and invariants checked after every step.
//
// A run is a pure function of (scenario, seed, steps, fault list): no wall
// clock, no real timers, no Math.random. Phases:
//
//   lap       every actor starts, works 30 fault-free steps, sends its probes
//             and closes, so the cores' shared scratch buffers (receive
//             descriptors, trie paths, ...) reach their working size; the
//             heap measured after it is the baseline the leak check returns to
//   active    `steps` steps: faults start and end on schedule, actors work
//   heal      every fault ends; down actors come back
//   quiesce   actors finish what they started; the network settles: nothing
//             in flight, every session reconnected and handshaken
//   probes    each actor sends its after-heal probes; they must all arrive
//   timers    the clock jumps to each next deadline until only heartbeats
//             (or nothing) remain
//   close     every socket closes; every pipe must be released, every link
//             gone, every core back to its baseline heap and without deadlines
//
// Invariants (the names failures carry):
//   order        one connection carries its sender's own messages in the
//                order they were sent (REQ0 may resend the last one)
//   once         no application receives a message twice (except SP requests,
//                which REQ0 resends), and a PUSH/DEALER/PAIR message reaches
//                at most one receiver
//   fifo         each received message is the oldest one its pipe delivered
//                that the role had not dropped: per-pipe order, across
//                reconnects of a session pipe too
//   phantom      each received message was delivered on one of the receiver's pipes
//   hwm          a pipe never writes more messages in one take than its send
//                HWM; a socket never queues more than HWM × pipes; a pipe that
//                holds rcvhwm unread messages has paused its reader
//   subscription a subscriber never receives a message its filter dropped
//   reqrep/survey/routing/bus   the pattern's own promises (actors.mjs)
//   delivery     every reliable message (PUSH, DEALER, PAIR1) whose sender
//                saw no connection die after it was sent reached an application
//   stable       in -clean scenarios no connection dies at all
//   converge     after the heal, subscribers get exactly the probes they hold
//   liveness     the network settles after the heal within a bounded time
//   timers       no timer stays due after firing; after the heal only
//                heartbeats remain; with no sockets, no deadline at all
//   leak-pipes / leak-links / leak-heap   nothing outlives the sockets
//   api          a send or receive returned an error the pattern never gives
//   core-abort   the core trapped (sim-error: the simulator itself threw)
import { Host, READ_MAX } from "./host.mjs";
import { Net, pairKey } from "./net.mjs";
import { Rng } from "./rng.mjs";
import { tagOf } from "./marker.mjs";
import { ROLES } from "./actors.mjs";
import { SCENARIOS } from "./scenarios.mjs";
import { generateFaults, startFault, endFault } from "./faults.mjs";
import { T } from "../../core/helpers/wire.mjs";

const LAP_STEPS = 30;
const QUIESCE_MAX = 4000;
const APP_RING = 40;

/**
 * What a run did: messages sent and received, connections that died before
 * the close, reliable messages lost to those deaths, bytes written into
 * half-open connections, REQ replies, faults started, and how often
 * back-pressure engaged (sends refused with EAGAIN, readers paused at the
 * receive HWM, writers blocked on a full link).
 */
function newStats() {
  return { sent: 0, received: 0, deaths: 0, lost: 0, vanished: 0, replies: 0, faults: 0, eagain: 0, pauses: 0, blocked: 0 };
}

export class SimFailure extends Error {
  constructor(invariant, message) {
    super(`${invariant}: ${message}`);
    this.invariant = invariant;
    this.detail = message;
  }
}

export class Sim {
  t = 0;
  now = () => this.t;
  step = 0;
  phase = "setup";
  lap = false;
  closing = false;
  pipeSerial = 0;
  active = [];          // window faults in force
  laterQueue = [];      // [step, fn] (restarts coming back)
  brokenPending = [];   // [pair key, kind]: the next data write between the pair misbehaves
  profileStep = -1;
  profileCache = new Map();
  traceLines = [];
  appRing = [];
  sentMap = new Map();  // key → send record
  unreceived = new Set(); // reliable send records no application has received yet
  stats = newStats();

  /**
   * scenario: a name in SCENARIOS (or a scenario object); opts: { steps,
   * faults: a fault list to use instead of the seed's (for shrinking and
   * replay) }.
   */
  constructor(scenario, seed, { steps = 600, faults = null } = {}) {
    this.scenario = typeof scenario === "string" ? SCENARIOS[scenario] : scenario;
    if (!this.scenario) throw new Error(`unknown scenario ${scenario}`);
    this.seed = seed;
    this.steps = steps;
    this.faults = faults ?? generateFaults(this.scenario, seed, steps);
    this.conf = this.scenario.conf(Rng.derive(seed, "conf", this.scenario.name));
    this.clockRng = Rng.derive(seed, "clock");
    this.orderRng = Rng.derive(seed, "order");
    this.net = new Net(this);
    this.hosts = new Map();
    for (const [i, name] of this.scenario.hosts.entries()) {
      this.hosts.set(name, new Host(this, name, Rng.derive(seed, "core", i).u32()));
    }
    this.hostList = [...this.hosts.values()];
    this.actors = this.scenario.actors.map((spec) => new ROLES[spec.role](this, spec, this.conf));
    this.byName = new Map(this.actors.map((a) => [a.name, a]));
  }

  actor(name) { return this.byName.get(name); }

  /** Whether the topology connects actors x and y directly. */
  talks(x, y) {
    const k = pairKey(x, y);
    return this.scenario.edges.some(([a, b]) => pairKey(a, b) === k);
  }

  // ---- reporting ----

  fail(invariant, message) { throw new SimFailure(invariant, message); }

  trace(kind, text) { this.traceLines.push(`${this.phase}:${this.step} t=${this.t} ${kind} ${text}`); }

  // The last APP_RING application events, formatted only if a report wants them.
  appEvent(who, what, key) {
    const r = this.appRing;
    r.push([this.phase, this.step, this.t, who, what, key]);
    if (r.length > APP_RING * 2) r.splice(0, APP_RING);
  }

  appLines() {
    return this.appRing.slice(-APP_RING).map(([ph, st, t, who, what, key]) => `${ph}:${st} t=${t} ${who} ${what} ${key}`);
  }

  // ---- fault state the network asks about ----

  profile(link) {
    if (this.profileStep !== this.step) { this.profileCache.clear(); this.profileStep = this.step; }
    let p = this.profileCache.get(link.id);
    if (p) return p;
    p = { latency: 0, split: 0, coalesce: false, stalled: false };
    for (const f of this.active) {
      if (f.kind === "partition") { if (this.cuts(f, link.hosts[0], link.hosts[1])) p.stalled = true; continue; }
      if (!f.pair || pairKey(f.pair[0], f.pair[1]) !== link.pairKey) continue;
      if (f.kind === "delay") p.latency = Math.max(p.latency, f.latency);
      else if (f.kind === "split") p.split = p.split ? Math.min(p.split, f.max) : f.max;
      else if (f.kind === "coalesce") p.coalesce = true;
      else if (f.kind === "stall") p.stalled = true;
    }
    this.profileCache.set(link.id, p);
    return p;
  }

  cuts(f, h1, h2) { return f.group.includes(h1) !== f.group.includes(h2); }

  partitioned(h1, h2) {
    for (const f of this.active) if (f.kind === "partition" && this.cuts(f, h1, h2)) return true;
    return false;
  }

  isSlow(name) {
    for (const f of this.active) if (f.kind === "slow" && f.actor === name) return true;
    return false;
  }

  later(step, fn) { this.laterQueue.push([step, fn]); }

  /** A broken-link fault: the next data write between the pair misbehaves (`kind`). */
  armBroken(pair, kind) { this.brokenPending.push([pairKey(pair[0], pair[1]), kind]); }

  brokenFired(link, text) {
    this.brokenPending = this.brokenPending.filter(([k]) => k !== link.pairKey);
    for (const l of this.net.links) if (l.pairKey === link.pairKey) l.broken = null;
    this.trace("fault", text);
  }

  onDeath(link, why) {
    if (this.scenario.stable && !this.lap && !this.closing) {
      this.fail("stable", `${link.name} died (${why}) in a scenario whose faults never kill a connection`);
    }
  }

  // ---- the ledger ----

  sent(sock, key, info) {
    const rec = { key, sock, sid: sock.sid, step: this.step, receivers: null, reliable: !!info.reliable, exclusive: !!info.exclusive };
    this.sentMap.set(key, rec);
    if (rec.reliable) this.unreceived.add(rec);
    this.stats.sent++;
    this.appEvent(sock.sid, "sent", key);
  }

  /** A link feeds `piece` to its `end`'s pipe: the core parses it, the ledger notes the messages it completed. */
  feed(end, piece) {
    const pipe = end.pipe;
    const tags = pipe.scanner.feed(piece);
    const closes = pipe.closeCount;
    pipe.core.input(pipe.h, piece);
    // A pipe the core closed while parsing this piece stopped somewhere in
    // it: its tags may or may not have been delivered.
    const uncertain = pipe.closeCount !== closes;
    const sock = pipe.sock;
    for (const tg of tags) {
      // The peer's own messages (not ones it forwards) leave its pipe in the
      // order it sent them, so one connection carries them in increasing
      // order; equal only where REQ0 resends the same request.
      if (tg.sid === end.peer.pipe.sock.sid) {
        if (tg.seq < end.lastSeq || (tg.seq === end.lastSeq && !sock.actor.allowDup)) {
          this.fail("order", tg.seq === end.lastSeq ? `${end.link.name} delivered ${tg.key} twice` : `${end.link.name} delivered ${tg.key} after ${tg.sid}:${end.lastSeq}`);
        }
        end.lastSeq = tg.seq;
      }
      const expected = !uncertain && sock.expect(tg);
      const queued = expected && sock.skips !== "any";
      const e = { key: tg.key, tag: tg, pipe, idx: pipe.entries.length, step: this.step, expected, uncertain, queued, state: "pending" };
      pipe.entries.push(e);
      if (queued) pipe.queuedUnread++;
      let occ = sock.pending.get(tg.key);
      if (!occ) sock.pending.set(tg.key, (occ = []));
      occ.push(e);
    }
    // Back-pressure: a pipe holding rcvhwm unread messages must have paused
    // its reader by now (so the link stops feeding it).
    if (tags.length && !uncertain && sock.skips !== "any" && sock.rcvhwm > 0 &&
        pipe.queuedUnread >= sock.rcvhwm && !pipe.paused && pipe.end) {
      this.fail("hwm", `${pipe.name} holds ${pipe.queuedUnread} unread messages (receive HWM ${sock.rcvhwm}) and has not paused its reader`);
    }
  }

  skippable(sock, e) {
    return sock.skips === "any" || e.uncertain || (sock.skips === "unexpected" && !e.expected);
  }

  /** The application on `sock` received `frames`: check it against what the wire delivered. Returns the tag. */
  received(sock, frames) {
    const t = tagOf(frames);
    this.stats.received++;
    this.appEvent(sock.sid, "received", t ? t.key : "(untagged)");
    if (!t) this.fail("phantom", `${sock.sid} received a message without a tag: ${JSON.stringify(frames.map((f) => f.toString("latin1").slice(0, 40)))}`);
    const n = sock.received.get(t.key) ?? 0;
    if (n > 0 && !sock.actor.allowDup) this.fail("once", `${sock.sid} received ${t.key} a second time`);
    sock.received.set(t.key, n + 1);
    const rec = this.sentMap.get(t.key);
    if (rec) {
      if (rec.exclusive && rec.receivers && !rec.receivers.has(sock.sid)) {
        this.fail("once", `${t.key} reached ${[...rec.receivers].join(", ")} and now ${sock.sid}`);
      }
      (rec.receivers ??= new Set()).add(sock.sid);
      this.unreceived.delete(rec);
    }
    const occs = sock.pending.get(t.key);
    if (!occs || !occs.length) this.fail("phantom", `${sock.sid} received ${t.key}, which none of its pipes delivered (or not again)`);
    let chosen = null;
    let blocker = null;
    for (const e of occs) {
      const p = e.pipe;
      let ok = true;
      for (let i = p.cursor; i < e.idx; i++) {
        const x = p.entries[i];
        if (x.state === "pending" && !this.skippable(sock, x)) { ok = false; blocker ??= [e, x]; break; }
      }
      if (ok) { chosen = e; break; }
    }
    if (!chosen) {
      const [e, x] = blocker;
      this.fail("fifo", `${sock.sid} received ${t.key} before ${x.key}, which ${e.pipe.name} delivered earlier (steps ${x.step} and ${e.step})`);
    }
    const p = chosen.pipe;
    for (let i = p.cursor; i < chosen.idx; i++) if (p.entries[i].state === "pending") this.settleEntry(sock, p.entries[i], "dropped");
    this.settleEntry(sock, chosen, "received");
    p.cursor = chosen.idx + 1;
    if (sock.skips === "unexpected" && !chosen.expected && !chosen.uncertain) {
      this.fail(sock.unexpected ?? "fifo", `${sock.sid} received ${t.key} (topic "${t.attrs.t}"), which its filter should have dropped on delivery at step ${chosen.step}`);
    }
    return t;
  }

  settleEntry(sock, e, state) {
    e.state = state;
    if (e.queued) e.pipe.queuedUnread--;
    const occ = sock.pending.get(e.key);
    const i = occ.indexOf(e);
    occ.splice(i, 1);
    if (!occ.length) sock.pending.delete(e.key);
  }

  /** Where a message that never reached an application got to (for failure messages). */
  whereIs(key) {
    for (const h of this.hostList) {
      for (const s of h.sockets) {
        const occ = s.pending.get(key);
        if (occ && occ.length) return `delivered to ${occ[0].pipe.name} at step ${occ[0].step} and never received`;
      }
    }
    return "never delivered to any pipe";
  }

  // ---- stepping ----

  stepOnce(active, dt) {
    this.step++;
    this.t += dt ?? this.clockRng.int(1, 4);
    if (active && !this.lap) this.applySchedule();
    if (this.laterQueue.length) {
      const due = this.laterQueue.filter(([s]) => s <= this.step);
      this.laterQueue = this.laterQueue.filter(([s]) => s > this.step);
      for (const [, fn] of due) fn();
    }
    for (const [k, kind] of this.brokenPending) for (const l of this.net.links) if (l.pairKey === k && !l.broken) l.broken = kind;
    for (const h of this.hostList) h.tickIfDue();
    this.net.step();
    for (const a of this.orderRng.shuffle(this.actors)) a.act(active);
    for (const h of this.hostList) h.flushDirty();
    this.checkQueues();
  }

  applySchedule() {
    for (const f of this.active.slice()) if (f.until !== undefined && f.until <= this.step) endFault(this, f);
    while (this.nextFault < this.faults.length && this.faults[this.nextFault].at <= this.step) {
      startFault(this, this.faults[this.nextFault++]);
      this.stats.faults++;
    }
  }

  /** Send HWM at the socket: never more queued than HWM for each of its pipes. */
  checkQueues() {
    for (const h of this.hostList) {
      for (const s of h.sockets) {
        if (s.sndhwm <= 0) continue;
        const q = h.core.queued(s.h);
        if (q > s.sndhwm * s.pipes.size) this.fail("hwm", `${s.sid} queues ${q} messages over ${s.pipes.size} pipes with send HWM ${s.sndhwm}`);
      }
    }
  }

  /** Nothing in flight, every actor done and up, every session pipe connected, every promised message received. */
  unsettled() {
    const busy = this.net.busy();
    if (busy) return busy;
    if (this.laterQueue.length) return "a restart is pending";
    for (const a of this.actors) {
      if (!a.up) return `${a.name} is down`;
      if (!a.settled()) return `${a.name} has work outstanding`;
    }
    for (const h of this.hostList) {
      for (const s of h.sockets) {
        for (const p of s.pipes.values()) if (p.outbound && !(p.end && p.handshaken)) return `${p.name} → ${p.addr} is not connected`;
      }
    }
    for (const rec of this.unreceived) {
      const risk = Math.max(rec.sock.lastDeath, rec.sock.closedStep);
      // Everything else has settled and nothing is in flight: it never will.
      if (rec.step > risk) this.fail("delivery", this.lostMessage(rec));
    }
    return null;
  }

  lostMessage(rec) {
    return `${rec.key} (sent at step ${rec.step}, no connection of ${rec.sid} died after it) never reached an application: ${this.whereIs(rec.key)}`;
  }

  nextWake() {
    if (!this.quiet()) return this.t;
    let w = Infinity;
    for (const h of this.hostList) w = Math.min(w, h.core.nextDeadline);
    for (const a of this.actors) w = Math.min(w, a.wakeAt());
    return w;
  }

  /** Steps with the clock stopped until nothing is in flight (heartbeats answered, FINs seen). */
  drain() {
    for (let k = 0; k < 200 && !this.quiet(); k++) this.stepOnce(false, 0);
  }

  /** No pipe waiting for its end-of-turn flush, and nothing in flight. */
  quiet() {
    for (const h of this.hostList) if (h.dirty.length) return false;
    return this.net.idle();
  }

  /**
   * Actors finish what they started (no new work) until the network settles.
   * The network is drained with the clock stopped before each look, so
   * heartbeat traffic never hides a settled state; then time moves on, at
   * least 5 ms, or straight to the next deadline when that is further.
   */
  settle(invariant, budget = QUIESCE_MAX) {
    let why = null;
    for (let i = 0; i < budget; i++) {
      this.drain();
      why = this.unsettled();
      if (!why) return;
      const w = this.nextWake();
      this.stepOnce(false, w < Infinity && w > this.t + 5 ? w - this.t : 5);
    }
    this.fail(invariant, `the network did not settle within ${budget} steps after the heal: ${why}`);
  }

  heal() {
    for (const f of this.active.slice()) endFault(this, f);
    const pending = this.laterQueue;
    this.laterQueue = [];
    for (const [, fn] of pending) fn();
    this.brokenPending = [];
    for (const l of this.net.links) l.broken = null;
    this.trace("heal", "every fault has ended");
  }

  // ---- phases ----

  /** Grows each core's shared scratch (input region, event queue) to its working size before the baseline. */
  warm(h) {
    const c = h.core;
    c.input(0, Buffer.alloc(READ_MAX));
    const s = c.openSocket(T.PULL, { onReadable() {}, onWritable() {} });
    const sink = { onOutput() {}, onHandshake() {}, onClose() {}, onPause() {}, onResume() {}, onConnect() {}, onReleased() {} };
    for (let i = 0; i < 100; i++) c.startPipe(c.openPipe(s, false, false, sink));
    c.closeSocket(s);
  }

  lapRun() {
    this.phase = "lap";
    this.lap = true;
    for (const a of this.actors) a.start();
    for (let i = 0; i < LAP_STEPS; i++) this.stepOnce(true);
    // Probes too: every receiving socket has then received at least once.
    this.settle("liveness");
    for (const a of this.actors) a.probe();
    this.settle("liveness");
    this.lap = false;
    this.closeAll();
    this.sentMap = new Map();
    this.unreceived = new Set();
    this.stats = newStats();
    for (const h of this.hostList) h.baseline = h.core.heapBytes;
  }

  /** Advances the clock deadline by deadline; afterwards only heartbeats may remain. */
  checkTimers() {
    this.phase = "timers";
    const hb = this.scenario.actors.some((a) => !a.role.endsWith("0") && a.role !== "pair1") ? this.conf.heartbeatIvl : 0;
    for (let i = 0; i < 40; i++) {
      let d = Infinity;
      for (const h of this.hostList) d = Math.min(d, h.core.tick());
      if (d === Infinity) break;
      if (hb > 0 && i >= 10 && d - this.t <= hb) break;
      this.t = Math.max(this.t, d);
      for (let k = 0; k < 50 && (k === 0 || !this.quiet()); k++) this.stepOnce(false, 0);
    }
    for (const h of this.hostList) {
      const d = h.core.tick();
      if (d === Infinity) continue;
      if (hb > 0 && d - this.t <= hb) continue;
      this.fail("timers", `${h.name} still has a deadline ${d - this.t} ms ahead after every timer was passed (heartbeat interval ${hb || "off"})`);
    }
  }

  closeAll() {
    this.closing = true;
    for (const a of this.actors) if (a.up) a.stop();
    for (let i = 0; i < 300 && (this.net.links.length || this.net.dials.length); i++) this.stepOnce(false, 1);
    this.closing = false;
    if (this.net.links.length) {
      this.fail("leak-links", `${this.net.links.length} links still open after every socket closed: ${this.net.links.map((l) => l.name).join(", ")}`);
    }
    for (const h of this.hostList) {
      if (h.opened !== h.released) this.fail("leak-pipes", `${h.name}: ${h.opened} pipes opened, ${h.released} released`);
      const d = h.core.tick();
      if (d !== Infinity) this.fail("timers", `${h.name} keeps a deadline at ${d} ms with no socket open`);
    }
  }

  checkHeap() {
    for (const h of this.hostList) {
      const now = h.core.heapBytes;
      if (now !== h.baseline) this.fail("leak-heap", `${h.name}: the core holds ${now - h.baseline} bytes more than before the run (${h.baseline} → ${now})`);
    }
  }

  checkDelivery() {
    for (const rec of this.sentMap.values()) {
      if (!rec.reliable || rec.receivers) continue;
      const risk = Math.max(rec.sock.lastDeath, rec.sock.closedStep);
      if (rec.step > risk) this.fail("delivery", this.lostMessage(rec));
      this.stats.lost++;
    }
  }

  /** Runs the whole thing; returns { ok, failure, trace, app, stats, faults }. */
  run() {
    let failure = null;
    try {
      for (const h of this.hostList) this.warm(h);
      this.lapRun();
      this.phase = "active";
      // Fault steps count from the start of this phase (the lap left nothing in flight).
      this.step = 0;
      this.nextFault = 0;
      for (const a of this.actors) a.start();
      for (let i = 0; i < this.steps; i++) this.stepOnce(true);
      this.phase = "quiesce";
      this.heal();
      this.settle("liveness");
      this.phase = "probes";
      for (const a of this.actors) a.probe();
      this.settle("liveness");
      for (const a of this.actors) a.probeCheck();
      this.checkDelivery();
      this.checkTimers();
      this.phase = "close";
      this.closeAll();
      this.checkHeap();
    } catch (err) {
      if (err instanceof SimFailure) failure = { invariant: err.invariant, message: err.detail };
      else if (/wasmq core aborted/.test(err.message)) failure = { invariant: "core-abort", message: err.message };
      else failure = { invariant: "sim-error", message: err.stack ?? String(err) };
      failure.phase = this.phase;
      failure.step = this.step;
      failure.t = this.t;
      this.trace("FAIL", `${failure.invariant}: ${failure.message.split("\n")[0]}`);
    }
    return {
      ok: !failure,
      failure,
      scenario: this.scenario.name,
      seed: this.seed,
      steps: this.steps,
      faults: this.faults,
      trace: this.traceLines,
      app: this.appLines(),
      stats: this.stats,
    };
  }
}

/** One run: the pure function (scenario, seed, steps, faults) → result. */
export function runSim(scenario, seed, opts = {}) {
  return new Sim(scenario, seed, opts).run();
}

