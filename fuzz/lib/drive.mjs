// Runs a scenario (scenario.mjs) against one socket on a Wasm core, as the
// host would: pipes opened and started when a peer first speaks, output
// taken, transports closed after the core asks, reconnects started when the
// core's timer says so. It returns a normalized trace of what happened, which
// is what the whole-versus-cut oracle compares.
//
// The trace is a list of batch records. A batch is a maximal run of IN steps,
// or one other step. Inside a batch the "plan" decides how the bytes of each
// IN step are cut into input() calls and when output is taken; across plans
// only what a host can observe at batch boundaries must agree:
//   ev   pipe events and socket readable edges, in order (output events are
//        left out: how often "you have bytes" is said depends on the cuts)
//   rel  the pipes released in the batch (a set: see onReleased)
//   w    how many writable events (they come when output is taken)
//   out  per pipe, every output byte of the batch concatenated (message mode:
//        the messages, in order)
//   res  recv results (frames, or the errno) and send return codes
//
// Oracles checked here: (a) no trap (any exception out of a Core call),
// (d) memory: heapBytes stays under a bound tied to the bytes fed while the
// scenario runs, and closing the socket releases every pipe.
import { Core, Clock, EAGAIN } from "./core.mjs";
import { OP, decodeFrames, SLOTS, decodeScenario } from "./scenario.mjs";
import { Rng, hash32 } from "./rng.mjs";
import { FuzzFailure } from "./failure.mjs";

// How long a frame is written out in full in a trace; longer ones are
// recorded as length and hash (large bodies would make traces huge).
const TRACE_FULL = 64;
const show = (b) => (b.length <= TRACE_FULL ? Buffer.from(b).toString("hex") : `${b.length}#${hash32(b).toString(16)}`);

// Memory bound while a hostile scenario runs: a fixed allowance for first
// chunks and scratch, plus a multiple of what was fed and sent (a 2-byte
// empty ZMTP message costs a message record of a few dozen bytes).
const HEAP_BASE = 2 << 20;
const HEAP_PER_BYTE = 48;

/**
 * setup: { type, options: [[id, number]], bytesOptions: [[id, Buffer]],
 *          outbound, ipc, ws, zwsNull, externalFrom, seed }
 * plan:  { kind: "whole" | "bytes" | "random", seed }
 * opts:  { core, clock } to reuse a core (the heap oracle runs twice on one)
 */
export function runScenario(sc, setup, plan, opts = {}) {
  const clock = opts.clock ?? new Clock();
  const core = opts.core ?? new Core(setup.seed ?? 1, { clock: clock.now, manualTimers: true });
  const planRng = new Rng(plan.seed ?? 1);
  const trace = [];
  let cur = null;
  let writable = 0;
  const message = setup.ws === true;

  const call = (what, fn) => {
    try {
      return fn();
    } catch (e) {
      throw new FuzzFailure("trap", `${what}: ${e && e.message ? e.message : e}`, { cause: e });
    }
  };

  // A small process-wide receive budget (bindings that have one) makes the
  // refusals at a frame header reachable with small inputs.
  if (setup.receiveBudget && core.setReceiveBudget && !opts.core) core.setReceiveBudget(setup.receiveBudget);
  const heapStart = core.heapBytes;
  let fed = 0;
  const checkHeap = (where) => {
    const grown = core.heapBytes - heapStart;
    const bound = HEAP_BASE + HEAP_PER_BYTE * fed;
    if (grown > bound) throw new FuzzFailure("memory", `${where}: heap grew by ${grown} bytes (bound ${bound} for ${fed} bytes fed)`);
  };

  // ---- the socket ----
  const sh = call("openSocket", () => core.openSocket(setup.type, {
    onReadable: () => cur && cur.ev.push("R"),
    onWritable: () => { writable++; },
  }));
  for (const [id, v] of setup.options ?? []) call("setOption", () => core.setOption(sh, id, v));
  for (const [id, v] of setup.bytesOptions ?? []) call("setBytesOption", () => core.setBytesOption(sh, id, v));

  // ---- pipes: slots hold the pipe a peer on that slot talks through ----
  const slots = new Array(SLOTS).fill(null);
  const all = [];
  let serial = 0;

  function openPipe() {
    const p = { n: serial++, h: 0, closed: false, transportGone: false, released: false, connectDue: false, started: false };
    const tag = `${p.n}:`;
    const ev = (s) => cur && cur.ev.push(tag + s);
    p.h = call("openPipe", () => core.openPipe(sh, !!setup.outbound, !!setup.ipc, {
      onOutput: () => {},
      onHandshake: (t) => ev(`h${t}`),
      onClose: (r) => { p.closed = true; ev(`c${r}`); },
      onPause: () => ev("p"),
      onResume: () => ev("r"),
      onConnect: () => { p.connectDue = true; ev("n"); },
      // A release follows the host's pipeClosed(), which a host can only make
      // between input calls: where it falls among other pipes' events depends
      // on the cuts. Releases are recorded per batch, as a set.
      onReleased: () => { p.released = true; if (cur) cur.rel.push(p.n); },
    }));
    all.push(p);
    startPipe(p);
    return p;
  }

  function startPipe(p) {
    if (setup.ws) call("setPipeMode", () => core.setPipeMode(p.h, true, !!setup.zwsNull));
    p.closed = false;
    p.transportGone = false;
    p.started = true;
    // What the core sent on this connection (chunks, or messages): ECHO reads it.
    p.history = [];
    call("startPipe", () => core.startPipe(p.h));
    // A stream peer standing in for a message one (the zws differential)
    // speaks its greeting first on every connection.
    if (setup.peerGreeting) {
      fed += setup.peerGreeting.length;
      call("input", () => core.input(p.h, setup.peerGreeting));
      settleCloses();
    }
  }

  // The pipe a peer on `slot` speaks through now, opening one for a new peer
  // when the slot is empty or its connection is over (an accepted pipe) —
  // an outbound pipe waiting to reconnect has no transport: null.
  function pipeFor(slot, open) {
    let p = slots[slot];
    if (p && !p.released && !p.transportGone) return p;
    if (p && setup.outbound && !p.released && !p.destroyed) return null;
    if (!open) return null;
    p = openPipe();
    slots[slot] = p;
    return p;
  }

  function takeOutput(p) {
    if (p.released) return;
    const key = p.n;
    if (message) {
      const msgs = call("takeMessages", () => core.takeMessages(p.h));
      if (!msgs) return;
      call("drain", () => core.drain());
      const list = (cur.out[key] ??= []);
      const raw = (cur.outMsgs[key] ??= []);
      for (const m of msgs) { list.push(show(m)); p.history.push(Buffer.from(m)); raw.push(Buffer.from(m)); }
    } else {
      const chunks = call("takeOutput", () => core.takeOutput(p.h));
      if (!chunks) return;
      call("drain", () => core.drain());
      const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
      const prev = cur.outBytes[key];
      cur.outBytes[key] = prev ? Buffer.concat([prev, bytes]) : bytes;
      p.history.push(bytes);
    }
  }

  // After every input call: a pipe the core closed has its output flushed and
  // its transport closed, as the host does on a close event.
  function settleCloses() {
    for (const p of all) {
      if (p.closed && !p.transportGone && !p.released) {
        takeOutput(p);
        p.transportGone = true;
        call("pipeClosed", () => core.pipeClosed(p.h));
      }
    }
  }

  function takeAll() {
    for (const p of all) takeOutput(p);
    settleCloses();
  }

  function begin() {
    cur = { ev: [], rel: [], out: {}, outBytes: {}, outMsgs: {}, res: [] };
    writable = 0;
  }

  function end() {
    takeAll();
    cur.rel.sort((a, b) => a - b);
    if (opts.logical) cur.lf = logicalFrames(cur, message);
    delete cur.outMsgs;
    // Stream output is compared in full: a cut must not change a single byte.
    for (const [k, b] of Object.entries(cur.outBytes)) cur.out[k] = b.length <= 4096 ? b.toString("hex") : `${b.length}#${hash32(b).toString(16)}`;
    delete cur.outBytes;
    cur.w = writable;
    trace.push(cur);
    cur = null;
    checkHeap(`after batch ${trace.length}`);
  }

  // Where to cut one IN step's bytes, per the plan.
  function cuts(len) {
    if (message || plan.kind === "whole" || len <= 1) return [len];
    if (plan.kind === "bytes") {
      // Byte by byte; a step of more than 8 KiB (a large body) byte by byte
      // for its first 4 KiB and last 64 bytes, in odd-sized pieces between,
      // so a campaign is not spent on one 60 KiB frame.
      if (len <= 8192) return new Array(len).fill(1);
      const out = new Array(4096).fill(1);
      let mid = len - 4096 - 64;
      while (mid > 0) { const n = Math.min(mid, 1021); out.push(n); mid -= n; }
      return out.concat(new Array(64).fill(1));
    }
    const out = [];
    let left = len;
    while (left > 0) {
      const n = Math.min(left, planRng.chance(0.3) ? 1 : 1 + planRng.int(Math.min(left, 24)));
      out.push(n);
      left -= n;
    }
    return out;
  }
  // Whether to take output after an input call (the whole plan: only at the end).
  const takeAfterChunk = () => plan.kind === "bytes" || (plan.kind === "random" && planRng.chance(0.6));

  // One IN step's bytes into pipe p: one message, or cut per the plan.
  function feed(p, data) {
    if (message) {
      fed += data.length + 16;
      // One whole message (bindings with inputMessage gather a large body
      // outside linear memory; older ones take it through input()).
      call("inputMessage", () => (core.inputMessage ? core.inputMessage(p.h, data) : core.input(p.h, data)));
      settleCloses();
      if (takeAfterChunk()) takeAll();
      return;
    }
    let at = 0;
    for (const n of cuts(data.length)) {
      if (p.transportGone || p.released) break;
      const chunk = data.subarray(at, at + n);
      at += n;
      fed += n;
      call("input", () => core.input(p.h, chunk));
      settleCloses();
      if (takeAfterChunk()) takeAll();
    }
  }

  const steps = sc.steps;
  let i = 0;
  while (i < steps.length) {
    begin();
    const s = steps[i];
    if (s.op === OP.IN) {
      // A batch of IN steps.
      for (; i < steps.length && steps[i].op === OP.IN; i++) {
        const st = steps[i];
        const p = pipeFor(st.pipe, true);
        if (p) feed(p, st.data);
      }
      end();
      continue;
    }
    i++;
    switch (s.op) {
      case OP.RECV: {
        const max = s.data.length && s.data[0] ? s.data[0] : 64;
        for (let k = 0; k < max; k++) {
          const m = call("recv", () => core.recv(sh));
          if (typeof m === "number") { cur.res.push(`e${-m}`); break; }
          cur.res.push(m.map(show).join(","));
          void EAGAIN;
        }
        break;
      }
      case OP.SEND: {
        const frames = decodeFrames(s.data);
        for (const f of frames) fed += f.length;
        fed += 16 * frames.length;
        const rc = call("send", () => core.send(sh, frames, setup.externalFrom ?? 1));
        cur.res.push(`s${rc}`);
        break;
      }
      case OP.TICK: {
        const ms = s.data.length >= 2 ? s.data.readUInt16BE(0) : s.data.length ? s.data[0] : 1;
        clock.t += ms;
        call("tick", () => core.tick());
        // A reconnect the core asked for: the host opens a new transport.
        for (const p of all) {
          if (p.connectDue && !p.released) { p.connectDue = false; startPipe(p); }
        }
        break;
      }
      case OP.CLOSE: {
        const p = slots[s.pipe];
        if (p && !p.released && !p.transportGone && p.started) {
          takeOutput(p);
          p.transportGone = true;
          call("pipeClosed", () => core.pipeClosed(p.h));
        }
        break;
      }
      case OP.SUB: {
        const on = s.data.length ? (s.data[0] & 1) === 1 : true;
        const topic = s.data.subarray(1);
        const rc = call("setBytesOption", () => core.setBytesOption(sh, on ? setup.subOpt : setup.unsubOpt, topic));
        cur.res.push(`o${rc}`);
        break;
      }
      case OP.ECHO: {
        // The previous batch took every output byte, so the history is the
        // same whatever the plan.
        const p = pipeFor(s.pipe, false);
        const data = p && setup.echo ? setup.echo(p.history, s.data) : null;
        if (p && data) feed(p, data);
        break;
      }
      case OP.DESTROY: {
        const p = slots[s.pipe];
        if (p && !p.released) {
          p.destroyed = true;
          call("destroyPipe", () => core.destroyPipe(p.h));
          slots[s.pipe] = null;
        }
        break;
      }
    }
    end();
  }

  // ---- closing: every pipe is released ----
  begin();
  call("closeSocket", () => core.closeSocket(sh));
  delete cur.outMsgs;
  cur.rel.sort((a, b) => a - b);
  const unreleased = all.filter((p) => !p.released).map((p) => p.n);
  delete cur.outBytes;
  cur.w = writable;
  trace.push(cur);
  cur = null;
  if (unreleased.length) throw new FuzzFailure("memory", `pipes ${unreleased.join(", ")} not released after the socket was closed`);
  return { trace, core, clock, heapAfter: core.heapBytes, heapStart };
}

// Output as logical frames, whatever the framing: "M" (more) "C" (command)
// flags and the body, per pipe. A stream's greeting (0xFF at a frame start,
// a flags byte the core never writes) is left out.
function logicalFrames(rec, message) {
  const lf = {};
  if (message) {
    for (const [k, msgs] of Object.entries(rec.outMsgs)) {
      lf[k] = msgs.map((m) => `${m[0] & 1 ? "M" : ""}${m[0] & 2 ? "C" : ""}:${show(m.subarray(1))}`);
    }
    return lf;
  }
  for (const [k, b] of Object.entries(rec.outBytes)) {
    const out = [];
    let at = 0;
    while (at < b.length) {
      const f = b[at];
      if (f === 0xff) { at += 64; continue; }
      const long = (f & 2) !== 0;
      const size = long ? Number(b.readBigUInt64BE(at + 1)) : b[at + 1];
      at += long ? 9 : 2;
      out.push(`${f & 1 ? "M" : ""}${f & 4 ? "C" : ""}:${show(b.subarray(at, at + size))}`);
      at += size;
    }
    lf[k] = out;
  }
  return lf;
}

/** The first batch where two traces differ, as a readable message; null if equal. */
export function compareTraces(a, b, nameA, nameB) {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = JSON.stringify(a[i] ?? null);
    const y = JSON.stringify(b[i] ?? null);
    if (x !== y) return `batch ${i}: ${nameA} ${x.slice(0, 600)}\n          ${nameB} ${y.slice(0, 600)}`;
  }
  return null;
}

// A trace with values drawn from the core's random generator (routing ids,
// request and survey ids, raw pipe ids) reduced to sizes, and each batch's
// events as a sorted list (timers of several pipes due at one tick fire in
// handle-table order, and a second life's pipes sit in other slots): what a
// second life of the same scenario on the same core must repeat exactly.
function shape(trace) {
  const size = (h) => (h.includes("#") ? Number(h.split("#")[0]) : h.length / 2);
  return trace.map((b) => ({
    ev: [...b.ev].sort(), rel: b.rel, w: b.w,
    res: b.res.map((r) => (/^[eso]-?\d+$/.test(r) ? r : r.split(",").map(size))),
    out: Object.fromEntries(Object.entries(b.out).map(([k, v]) => [k, Array.isArray(v) ? v.map(size) : size(v)])),
  }));
}

/**
 * All core-target oracles for one scenario:
 *  (a) no trap, in every run;
 *  (b) whole, byte by byte and `cuts` seeded random cuts give one trace;
 *  (d) heap bounded during each run, and a second life of the same scenario
 *      on the same core ends with heapBytes exactly where the first left it,
 *      with the same events and sizes (nothing leaks from one socket into
 *      the next: budgets, scratch state, released pipes).
 * Returns the whole-plan trace.
 */
export function checkScenario(sc, setup, { cuts = 3, seed = 1, heap = true } = {}) {
  const whole = runScenario(sc, setup, { kind: "whole" });
  if (heap) {
    // The first life warmed the core's shared scratch buffers; the second
    // must leave exactly as many raw bytes held as the first did.
    const base = whole.core.heapBytes;
    whole.clock.t += 1e6;
    const again = runScenario(sc, setup, { kind: "whole" }, { core: whole.core, clock: whole.clock });
    if (again.heapAfter !== base) {
      throw new FuzzFailure("memory", `closing the socket left ${again.heapAfter - base} more raw bytes held than the previous life of the same scenario (${base} → ${again.heapAfter})`);
    }
    // Nothing of the first socket may leak into the second: its events and
    // the sizes of everything it sent and received must repeat.
    const diff = compareTraces(shape(whole.trace), shape(again.trace), "first life", "second life");
    if (diff) throw new FuzzFailure("second-life", diff, { key: `second life differs: ${diff.split("\n")[0].replace(/\d+/g, "N").slice(0, 60)}` });
  }
  const plans = [{ kind: "bytes" }];
  const r = new Rng(seed);
  for (let k = 0; k < cuts; k++) plans.push({ kind: "random", seed: r.u32() });
  for (const plan of plans) {
    const other = runScenario(sc, setup, plan);
    const diff = compareTraces(whole.trace, other.trace, "whole", plan.kind === "bytes" ? "byte-by-byte" : `cut(${plan.seed})`);
    if (diff) throw new FuzzFailure("whole-vs-cut", diff);
  }
  return whole.trace;
}

/**
 * Cheap stand-in for coverage: the kinds of things a trace shows (event
 * kinds, close reasons, result codes, message frame counts, pairs of
 * consecutive events), prefixed by the socket's name. The runner keeps an
 * input in its working corpus when it shows a feature no earlier one did.
 */
export function traceFeatures(prefix, trace) {
  const out = new Set();
  for (const b of trace) {
    let prev = "^";
    for (const e of b.ev) {
      const k = e.replace(/^\d+:/, "");
      out.add(`${prefix}:${k}`);
      out.add(`${prefix}:${prev}>${k}`);
      prev = k;
    }
    if (b.rel.length) out.add(`${prefix}:rel`);
    for (const r of b.res) out.add(`${prefix}:${/^[eso]-?\d+$/.test(r) ? r : `m${r.split(",").length}`}`);
    if (Object.keys(b.out).length) out.add(`${prefix}:out${Math.min(Object.keys(b.out).length, 3)}`);
    if (b.w) out.add(`${prefix}:w`);
  }
  return [...out];
}

/**
 * The `run` and `trace` of a scenario target (zmtp, zws, sp): decode the
 * input, set up the core as `setupFor(conf)` says, then check every oracle
 * (run) or give the whole-plan trace, one batch a line (node fuzz/run.mjs --trace).
 */
export function scenarioRuns(setupFor) {
  return {
    run(input, { cuts = 3 } = {}) {
      const sc = decodeScenario(input);
      const setup = setupFor(sc.conf);
      return traceFeatures(setup.name, checkScenario(sc, setup, { cuts, seed: hash32(input) }));
    },
    trace(input) {
      const sc = decodeScenario(input);
      return runScenario(sc, setupFor(sc.conf), { kind: "whole" }).trace.map((b) => JSON.stringify(b));
    },
  };
}
