// Application actors: one per socket role, doing each step what an
// application of that pattern does (send, receive, answer, subscribe), and
// checking what it receives against the pattern's promises.
//
// Every message body ends with a tag (marker.mjs) naming the sender
// incarnation and sequence number and, per pattern, the request it answers
// (re), its topic (t) or destination (to) and its origin (from). The
// simulator's ledger (sim.mjs) checks order, duplicates and loss for every
// actor alike; the actors check what only the pattern knows: a reply matches
// the outstanding request, a ROUTER message reached the identity it named, a
// survey answer is current, a BUS node never hears itself.
//
// An actor restarts by closing its sockets and opening new ones (a new
// incarnation, so a new sender id and fresh state), bound and connected to
// the same addresses as before.
import { Rng } from "./rng.mjs";
import { tag } from "./marker.mjs";
import { SimSocket } from "./host.mjs";
import { T, O, R } from "../../core/helpers/wire.mjs";
import { ST } from "../../core/helpers/sp.mjs";

export const EAGAIN = -R.EAGAIN;
export const EFSM = -R.EFSM;
export const ESTATE = -R.ESTATE;
export const ETIMEDOUT = -R.ETIMEDOUT;

/** Topics publishers use, and the subscriptions subscribers choose from ("" is everything, "w" a prefix of "weather" and "wx"). */
export const PUB_TOPICS = ["news", "news.eu", "sport", "weather", "wx"];
export const SUB_TOPICS = ["", "news", "news.eu", "sport", "w", "weather"];

const BIG = 40000;   // over EXTERNAL_MIN: the body is spliced, not copied, on send

export class Actor {
  incarnation = 0;
  up = false;
  socks = [];
  seq = 0;
  outbox = [];     // probes (and retries) waiting for a send that does not block
  allowDup = false;

  constructor(sim, spec, conf) {
    this.sim = sim;
    this.spec = spec;
    this.name = spec.name;
    this.host = sim.hosts.get(spec.host);
    this.conf = conf;
    this.rng = Rng.derive(sim.seed, "actor", spec.name);
  }

  get sock() { return this.socks[0]; }
  get sp() { return this.spec.role.endsWith("0") || this.spec.role === "pair1"; }

  start() {
    this.incarnation++;
    this.seq = 0;
    this.outbox = [];
    this.socks = this.open();
    const [first] = this.socks;
    for (const a of this.spec.bind ?? []) first.bind(a);
    for (const a of this.spec.connect ?? []) first.connect(a);
    this.up = true;
    this.reset();
    this.sim.trace("start", `${this.name} incarnation ${this.incarnation} (${this.socks.map((s) => s.sid).join(", ")})`);
  }

  stop() {
    for (const s of this.socks) s.close();
    this.up = false;
  }

  /** The socket options every role shares, then the role's own. */
  sockOpts(type, extra = {}) {
    const c = this.conf;
    const numeric = [[O.OPT_SNDHWM, c.sndhwm], [O.OPT_RCVHWM, c.rcvhwm],
      [O.OPT_RECONNECT_IVL, c.reconnectIvl], [O.OPT_RECONNECT_IVL_MAX, c.reconnectIvlMax]];
    if (!this.sp && c.heartbeatIvl > 0) {
      numeric.push([O.OPT_HEARTBEAT_IVL, c.heartbeatIvl], [O.OPT_HEARTBEAT_TIMEOUT, c.heartbeatTimeout]);
      if (c.heartbeatTtl > 0) numeric.push([O.OPT_HEARTBEAT_TTL, c.heartbeatTtl]);
    }
    return {
      type, sp: this.sp, ipc: this.sp, sndhwm: c.sndhwm, rcvhwm: c.rcvhwm,
      skips: "none", expect: () => true, ...extra,
      numeric: [...numeric, ...(extra.numeric ?? [])],
    };
  }

  open() { return [new SimSocket(this, this.sockOpts(this.type))]; }
  reset() {}

  act(active) {
    if (!this.up || this.sim.isSlow(this.name)) return;
    if (!this.sendOnly) this.receive();
    this.flushOutbox();
    this.work(active);
  }

  receive() {
    for (const s of this.socks) {
      for (;;) {
        const m = s.recv();
        if (typeof m === "number") { if (!this.recvError(s, m)) break; continue; }
        const t = this.sim.received(s, m);
        this.onMessage(s, m, t);
        if (!this.up) return;
      }
    }
  }

  /** A negative recv result: true to keep receiving. */
  recvError(s, rc) {
    if (rc === EAGAIN) return false;
    this.sim.fail("api", `${s.sid} recv returned ${rc}`);
    return false;
  }

  onMessage() {}
  work() {}
  settled() { return this.outbox.length === 0; }
  /** When this actor next has something to do without new input (the settle loop never jumps past it). */
  wakeAt() { return this.outbox.length ? this.sim.t : Infinity; }
  probe() {}
  probeCheck() {}

  /**
   * The tag and body of the next message (the sequence number is spent only
   * if the send succeeds). Small bodies are strings (encoded into the core's
   * input region); large ones are Buffers, which the bindings pass by
   * reference when they are not a message's first frame.
   */
  next(s, attrs = {}, { big = false } = {}) {
    const seq = this.seq + 1;
    const key = `${s.sid}:${seq}`;
    const text = "x".repeat(big ? BIG : this.rng.int(0, 60)) + tag(s.sid, seq, attrs);
    return { key, seq, body: big ? Buffer.from(text, "latin1") : text };
  }

  /**
   * Sends `frames` carrying tag `key`; records it in the ledger when taken.
   * Returns true if taken, false on EAGAIN; any other result is a failure.
   */
  trySend(s, frames, key, info = {}) {
    const rc = s.send(frames);
    if (rc === 0) {
      this.seq++;
      this.sim.sent(s, key, info);
      return true;
    }
    if (rc === EAGAIN) { this.sim.stats.eagain++; return false; }
    this.sim.fail("api", `${s.sid} send returned ${rc}`);
    return false;
  }

  /** Sends queued probes in order; one that would block waits for the next step. */
  flushOutbox() {
    while (this.outbox.length) {
      const build = this.outbox[0];
      const { s, frames, key, info } = build();
      if (!this.trySend(s, frames, key, info)) return;
      this.outbox.shift();
    }
  }

  big() { return this.conf.bigP > 0 && this.rng.chance(this.conf.bigP); }
}

// ---------------------------------------------------------------------------
// Pipeline: PUSH load-balances, PULL fair-queues; every message is promised
// to exactly one puller, in order per pipe, unless a fault took it.

export class Pusher extends Actor {
  sendOnly = true;   // PUSH cannot receive
  get type() { return this.sp ? ST.PUSH0 : T.PUSH; }

  frames(s, attrs) {
    const m = this.next(s, attrs, { big: this.big() });
    const frames = !this.sp && this.rng.chance(0.3) ? ["job", m.body] : [m.body];
    return { s, frames, key: m.key, info: { reliable: true, exclusive: true, probe: !!attrs.probe } };
  }

  work(active) {
    if (!active || !this.rng.chance(this.conf.rate)) return;
    for (let n = this.rng.int(1, 3); n > 0; n--) {
      const { s, frames, key, info } = this.frames(this.sock, {});
      if (!this.trySend(s, frames, key, info)) return;
    }
  }

  probe() { for (let i = 0; i < 3; i++) this.outbox.push(() => this.frames(this.sock, { probe: 1 })); }
}

export class Puller extends Actor {
  get type() { return this.sp ? ST.PULL0 : T.PULL; }
}

// ---------------------------------------------------------------------------
// Request/reply. ZMTP REQ runs relaxed and correlated and retries after
// `retryMs` (the "lazy pirate" client); SP REQ0 resends by itself and the
// client only abandons a request after a long wait. Either way every reply
// the application sees must answer the one request it has outstanding.

export class Requester extends Actor {
  out = null;        // { key, t }
  final = false;     // the after-heal request: must be answered

  get type() { return this.sp ? ST.REQ0 : T.REQ; }

  open() {
    const numeric = this.sp ? [[O.OPT_RESEND_IVL, this.conf.resendIvl]] : [[O.OPT_REQ_RELAXED, 1], [O.OPT_REQ_CORRELATE, 1]];
    // REQ0 keeps each request to resend it, so its frames stay in linear memory.
    return [new SimSocket(this, this.sockOpts(this.type, { skips: "any", numeric }))];
  }

  reset() { this.out = null; }

  recvError(s, rc) {
    if (rc === EAGAIN || rc === EFSM || rc === ESTATE) return false;
    return super.recvError(s, rc);
  }

  onMessage(s, m, t) {
    const out = this.out;
    if (!out || t.attrs.re !== out.key) {
      this.sim.fail("reqrep", `${s.sid} received reply ${t.key} answering ${t.attrs.re}, but its outstanding request is ${out ? out.key : "none"}`);
    }
    this.out = null;
    this.sim.stats.replies++;
  }

  request() {
    const s = this.sock;
    const m = this.next(s, {});
    if (this.trySend(s, [m.body], m.key, { request: true })) this.out = { key: m.key, t: this.sim.t };
  }

  work(active) {
    const now = this.sim.t;
    if (this.out) {
      // ZMTP: a lost request or reply is the client's to retry. SP: REQ0
      // resends by itself; the application gives up on one only rarely.
      const wait = this.sp ? this.conf.abandonMs : this.conf.retryMs;
      if (now - this.out.t >= wait && (!this.sp || this.rng.chance(0.5))) this.request();
      return;
    }
    if (active ? this.rng.chance(this.conf.rate) : this.final) { this.final = false; this.request(); }
  }

  wakeAt() { return this.out ? this.out.t + (this.sp ? this.conf.abandonMs : this.conf.retryMs) : Infinity; }
  probe() { this.final = true; }
  settled() { return !this.out && !this.final; }
}

export class Replier extends Actor {
  holding = null;    // { key, due }

  get type() { return this.sp ? ST.REP0 : T.REP; }

  open() {
    this.allowDup = this.sp;   // REQ0 resends the same request: a REP0 may see it twice
    return [new SimSocket(this, this.sockOpts(this.type))];
  }

  reset() { this.holding = null; }

  // One request at a time: REP answers before it may receive again.
  receive() {
    if (this.holding) return;
    const m = this.sock.recv();
    if (typeof m === "number") { this.recvError(this.sock, m); return; }
    const t = this.sim.received(this.sock, m);
    this.holding = { key: t.key, due: this.sim.step + this.rng.int(0, 2) };
  }

  work() {
    const h = this.holding;
    if (!h || this.sim.step < h.due) return;
    const s = this.sock;
    const m = this.next(s, { re: h.key });
    this.holding = null;
    // REP drops a reply to a peer that is gone or full: send still succeeds.
    this.trySend(s, [m.body], m.key, { reply: true });
  }

  settled() { return !this.holding; }
  wakeAt() { return this.holding ? this.sim.t : Infinity; }
}

/** A ROUTER (clients) / DEALER (workers) queue device, as zmq_proxy. */
export class Broker extends Actor {
  held = null;   // a request the backend could not take yet

  open() {
    return [
      new SimSocket(this, this.sockOpts(T.ROUTER, { label: "f" })),
      new SimSocket(this, this.sockOpts(T.DEALER, { label: "b" })),
    ];
  }

  start() {
    this.incarnation++;
    this.socks = this.open();
    this.socks[0].bind(this.spec.bind[0]);
    this.socks[1].bind(this.spec.bind[1]);
    this.up = true;
    this.held = null;
    this.sim.trace("start", `${this.name} incarnation ${this.incarnation}`);
  }

  receive() {
    const [front, back] = this.socks;
    if (this.held) {
      if (back.send(this.held) !== 0) return;
      this.held = null;
    }
    for (;;) {
      const m = front.recv();
      if (typeof m === "number") { this.recvError(front, m); break; }
      this.sim.received(front, m);
      const rc = back.send(m);
      if (rc === EAGAIN) { this.held = m; break; }
      if (rc !== 0) this.sim.fail("api", `${back.sid} send returned ${rc}`);
    }
    for (;;) {
      const m = back.recv();
      if (typeof m === "number") { this.recvError(back, m); break; }
      this.sim.received(back, m);
      const rc = front.send(m);
      if (rc !== 0) this.sim.fail("api", `${front.sid} send returned ${rc}`);
    }
  }

  settled() { return !this.held; }
  wakeAt() { return this.held ? this.sim.t : Infinity; }
}

// ---------------------------------------------------------------------------
// Publish/subscribe. Subscribers change their subscriptions over time; the
// ledger checks no message reaches the application that the subscriber's
// filter dropped at delivery, and the final probes check the publishers'
// view converged to each subscriber's set.

export class Publisher extends Actor {
  sendOnly = true;   // PUB cannot receive
  get type() { return this.sp ? ST.PUB0 : T.PUB; }

  frames(s, topic, attrs) {
    // A large body fans out by reference (ZMTP: frame 1 is spliced into every subscriber's output).
    const m = this.next(s, { t: topic, ...attrs }, { big: !attrs.probe && this.big() });
    const sp = () => (typeof m.body === "string" ? `${topic}|${m.body}` : Buffer.concat([Buffer.from(`${topic}|`), m.body]));
    const frames = this.sp ? [sp()] : [topic, m.body];
    return { s, frames, key: m.key, info: { probe: !!attrs.probe, topic } };
  }

  work(active) {
    if (!active || !this.rng.chance(this.conf.rate)) return;
    const { s, frames, key, info } = this.frames(this.sock, this.rng.pick(PUB_TOPICS), {});
    this.trySend(s, frames, key, info);
  }

  probe() {
    this.probes = [];
    for (const topic of PUB_TOPICS) {
      this.outbox.push(() => {
        const f = this.frames(this.sock, topic, { probe: 1 });
        this.probes.push({ key: f.key, topic });
        return f;
      });
    }
  }
}

export class Subscriber extends Actor {
  subs = new Map();   // topic → count (ZMTP counts subscriptions; SP keeps a set: count 1)
  got = [];           // probe tags received by this incarnation

  get type() { return this.sp ? ST.SUB0 : T.SUB; }

  open() {
    return [new SimSocket(this, this.sockOpts(this.type, {
      skips: "unexpected",
      unexpected: "subscription",
      expect: (t) => this.matches(t.attrs.t),
    }))];
  }

  matches(topic) {
    for (const [s, n] of this.subs) if (n > 0 && topic.startsWith(s)) return true;
    return false;
  }

  reset() {
    this.subs = new Map();
    this.got = [];
    const initial = this.sim.lap ? SUB_TOPICS.slice(1) : this.rng.shuffle(SUB_TOPICS).slice(0, this.rng.int(1, 3));
    for (const t of initial) this.subscribe(t);
  }

  subscribe(topic) {
    this.sock.setBytes(O.OPT_SUBSCRIBE, topic);
    this.subs.set(topic, this.sp ? 1 : (this.subs.get(topic) ?? 0) + 1);
  }

  unsubscribe(topic) {
    this.sock.setBytes(O.OPT_UNSUBSCRIBE, topic);
    const n = (this.subs.get(topic) ?? 0) - 1;
    if (this.sp || n <= 0) this.subs.delete(topic); else this.subs.set(topic, n);
  }

  work(active) {
    if (this.sim.lap && this.sim.step === 30) {
      // The lap cancels and renews one subscription, so both directions of
      // the subscription traffic have run once before the baseline.
      this.unsubscribe("news");
      this.subscribe("news");
      return;
    }
    if (!active || !this.rng.chance(this.conf.subChange)) return;
    const held = [...this.subs.keys()];
    if (held.length && this.rng.chance(0.5)) {
      const t = this.rng.pick(held);
      this.unsubscribe(t);
      this.sim.trace("app", `${this.sock.sid} unsubscribes "${t}"`);
    } else {
      const t = this.rng.pick(SUB_TOPICS);
      this.subscribe(t);
      this.sim.trace("app", `${this.sock.sid} subscribes "${t}"`);
    }
  }

  onMessage(s, m, t) {
    if (t.attrs.probe) this.got.push(t.key);
  }

  /** Exactly the probes whose topic this subscriber holds, one each from every publisher. */
  probeCheck() {
    const want = new Set();
    for (const p of this.sim.actors) {
      if (!(p instanceof Publisher) || !this.sim.talks(p.name, this.name)) continue;
      for (const pr of p.probes ?? []) if (this.matches(pr.topic)) want.add(pr.key);
    }
    const got = new Set(this.got);
    const missing = [...want].filter((k) => !got.has(k));
    const extra = [...got].filter((k) => !want.has(k));
    const subs = JSON.stringify([...this.subs.keys()]);
    if (missing.length) this.sim.fail("converge", `${this.sock.sid} holding ${subs} missed probes ${missing.join(", ")}`);
    if (extra.length) this.sim.fail("converge", `${this.sock.sid} holding ${subs} received probes it does not hold: ${extra.join(", ")}`);
    if (!this.sp) {
      // ZMTP filters at the publisher: a probe on the wire that the SUB then
      // drops means the publisher's copy of the subscriptions is stale.
      for (const p of this.sock.pipes.values()) {
        for (const e of p.entries) {
          if (e.tag.attrs.probe && !e.expected && !e.uncertain) {
            this.sim.fail("converge", `publisher sent probe ${e.key} (topic "${e.tag.attrs.t}") to ${this.sock.sid}, which holds ${subs}`);
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// ROUTER/DEALER routing by identity: dealers name themselves (routing id);
// the ROUTER addresses each message by that id and sees each dealer's id on
// what it receives.

export class Router extends Actor {
  get type() { return T.ROUTER; }

  open() {
    return [new SimSocket(this, this.sockOpts(T.ROUTER, { numeric: [[O.OPT_ROUTER_HANDOVER, this.conf.handover ? 1 : 0]] }))];
  }

  frames(s, to, attrs) {
    const m = this.next(s, { to, ...attrs });
    return { s, frames: [to, m.body], key: m.key, info: { probe: !!attrs.probe, to } };
  }

  work(active) {
    if (!active || !this.rng.chance(this.conf.rate)) return;
    const { s, frames, key, info } = this.frames(this.sock, this.rng.pick(this.spec.dealers), {});
    this.trySend(s, frames, key, info);
  }

  onMessage(s, m, t) {
    const id = m[0].toString("latin1");
    if (t.attrs.from !== id) this.sim.fail("routing", `${s.sid} received ${t.key} from "${t.attrs.from}" under identity "${id}"`);
  }

  probe() { for (const d of this.spec.dealers) this.outbox.push(() => this.frames(this.sock, d, { probe: 1 })); }
}

export class Dealer extends Actor {
  got = [];
  get type() { return T.DEALER; }
  get id() { return this.spec.id; }

  open() { return [new SimSocket(this, this.sockOpts(T.DEALER, { bytes: [[O.OPT_ROUTING_ID, this.id]] }))]; }
  reset() { this.got = []; }

  frames(s, attrs) {
    const m = this.next(s, { from: this.id, ...attrs }, { big: this.big() });
    return { s, frames: [m.body], key: m.key, info: { reliable: true, exclusive: true, probe: !!attrs.probe } };
  }

  work(active) {
    if (!active || !this.rng.chance(this.conf.rate)) return;
    const { s, frames, key, info } = this.frames(this.sock, {});
    this.trySend(s, frames, key, info);
  }

  onMessage(s, m, t) {
    if (t.attrs.to !== this.id) this.sim.fail("routing", `${s.sid} (identity "${this.id}") received ${t.key} addressed to "${t.attrs.to}"`);
    if (t.attrs.probe) this.got.push(t.key);
  }

  probe() { this.outbox.push(() => this.frames(this.sock, { probe: 1 })); }

  /** The ROUTER's after-heal probe for this identity arrived. */
  probeCheck() {
    if (!this.got.length) this.sim.fail("routing", `${this.sock.sid} (identity "${this.id}") never received the ROUTER's probe after the heal`);
  }
}

// ---------------------------------------------------------------------------
// Survey: every survey goes to all respondents; answers count only for the
// current survey and before its deadline; each respondent answers once.

export class Surveyor extends Actor {
  cur = null;   // { key, deadline, from: Set of respondent sids, final }

  get type() { return ST.SURVEYOR0; }

  open() {
    return [new SimSocket(this, this.sockOpts(ST.SURVEYOR0, { skips: "any", numeric: [[O.OPT_SURVEY_TIME, this.conf.surveyTime]] }))];
  }

  reset() { this.cur = null; }

  recvError(s, rc) {
    if (rc === ETIMEDOUT) {
      if (!this.cur || this.sim.t < this.cur.deadline) this.sim.fail("survey", `${s.sid} got ETIMEDOUT before the deadline of survey ${this.cur?.key}`);
      return true;
    }
    if (rc === EAGAIN || rc === ESTATE) return false;
    return super.recvError(s, rc);
  }

  onMessage(s, m, t) {
    const c = this.cur;
    if (!c || t.attrs.re !== c.key) this.sim.fail("survey", `${s.sid} received answer ${t.key} to ${t.attrs.re}, current survey ${c?.key}`);
    if (this.sim.t >= c.deadline) this.sim.fail("survey", `${s.sid} received answer ${t.key} after the deadline`);
    if (c.from.has(t.sid)) this.sim.fail("survey", `${s.sid} received two answers from ${t.sid} to ${c.key}`);
    c.from.add(t.sid);
  }

  survey(final) {
    const s = this.sock;
    const m = this.next(s, {});
    if (this.trySend(s, [m.body], m.key, {})) {
      this.cur = { key: m.key, deadline: this.sim.t + this.conf.surveyTime, from: new Set(), final };
    }
  }

  work(active) {
    if (this.cur && this.sim.t < this.cur.deadline) return;
    if (active && this.rng.chance(this.conf.rate)) this.survey(false);
  }

  probe() { this.survey(true); }
  settled() { return !this.cur || this.sim.t >= this.cur.deadline || this.cur.from.size >= this.respondents().length; }

  respondents() { return this.sim.actors.filter((a) => a instanceof Respondent && a.up); }

  /** The after-heal survey reached every respondent and every answer came back in time. */
  probeCheck() {
    const c = this.cur;
    if (!c || !c.final) this.sim.fail("survey", `${this.name} has no final survey`);
    const missing = this.respondents().map((a) => a.sock.sid).filter((sid) => !c.from.has(sid));
    if (missing.length) this.sim.fail("survey", `final survey ${c.key} got no answer from ${missing.join(", ")}`);
  }
}

export class Respondent extends Actor {
  holding = null;
  get type() { return ST.RESPONDENT0; }
  reset() { this.holding = null; }

  // A newer survey replaces one not yet answered, as RESPONDENT0 does.
  onMessage(s, m, t) { this.holding = { key: t.key, due: this.sim.step + this.rng.int(0, 3) }; }

  work() {
    const h = this.holding;
    if (!h || this.sim.step < h.due) return;
    this.holding = null;
    const s = this.sock;
    const m = this.next(s, { re: h.key });
    this.trySend(s, [m.body], m.key, {});
  }

  settled() { return !this.holding; }
  wakeAt() { return this.holding ? this.sim.t : Infinity; }
}

// ---------------------------------------------------------------------------
// PAIR1: one peer each way, every message promised; BUS0: a full mesh where
// every node hears every other node's message once and never its own.

export class Pair extends Actor {
  get type() { return ST.PAIR1; }

  frames(s, attrs) {
    const m = this.next(s, attrs, { big: this.big() });
    return { s, frames: [m.body], key: m.key, info: { reliable: true, exclusive: true, probe: !!attrs.probe } };
  }

  work(active) {
    if (!active || !this.rng.chance(this.conf.rate)) return;
    for (let n = this.rng.int(1, 2); n > 0; n--) {
      const { s, frames, key, info } = this.frames(this.sock, {});
      if (!this.trySend(s, frames, key, info)) return;
    }
  }

  probe() { for (let i = 0; i < 2; i++) this.outbox.push(() => this.frames(this.sock, { probe: 1 })); }
}

export class BusNode extends Actor {
  got = new Set();
  probeKey = null;
  get type() { return ST.BUS0; }
  reset() { this.got = new Set(); this.probeKey = null; }

  work(active) {
    if (!active || !this.rng.chance(this.conf.rate)) return;
    const s = this.sock;
    const m = this.next(s, {}, { big: this.big() });
    this.trySend(s, [m.body], m.key, {});
  }

  onMessage(s, m, t) {
    if (t.sid === s.sid) this.sim.fail("bus", `${s.sid} received its own message ${t.key}`);
    if (t.attrs.probe) this.got.add(t.key);
  }

  probe() {
    this.outbox.push(() => {
      const s = this.sock;
      const m = this.next(s, { probe: 1 });
      this.probeKey = m.key;
      return { s, frames: [m.body], key: m.key, info: { probe: true } };
    });
  }

  /** Every other node's after-heal probe arrived (exactly once: the ledger checks duplicates). */
  probeCheck() {
    for (const a of this.sim.actors) {
      if (a === this || !(a instanceof BusNode)) continue;
      if (!this.got.has(a.probeKey)) this.sim.fail("bus", `${this.sock.sid} never received ${a.name}'s probe ${a.probeKey}`);
    }
  }
}

/** Role name in a scenario → actor class. */
export const ROLES = {
  push: Pusher, pull: Puller, req: Requester, rep: Replier, broker: Broker,
  pub: Publisher, sub: Subscriber, router: Router, dealer: Dealer,
  push0: Pusher, pull0: Puller, req0: Requester, rep0: Replier, pub0: Publisher, sub0: Subscriber,
  surveyor0: Surveyor, respondent0: Respondent, pair1: Pair, bus0: BusNode,
};
