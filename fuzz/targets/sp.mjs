// Target "sp": the Scalability Protocols wire against the SP roles. The
// 8-byte header (00 'S' 'P' 00 proto 00 00), then [u64 size][payload] over
// tcp, [0x01][u64 size][payload] over ipc, or one WebSocket message per SP
// message in message mode (no header); payloads carry each protocol's own
// header: REQ/REP and SURVEYOR/RESPONDENT backtraces (hop words, an id with
// the high bit set, hop counts over maxTtl), PAIR1 hop counts, nothing for
// the others.
//
// Configuration bytes:
//   conf[0]  role (index into ROLES)
//   conf[1]  bit 0 ipc framing, 1 WebSocket message mode, 2 raw socket,
//            3 maxmsgsize 64, 4 maxTtl 2, 5 high-water marks of 2, 6 pipes
//            made by connect(), 7 resend interval / survey time 100 ms
//   conf[2]  bit 0 a receive budget of 100 000 bytes for the whole core
//
// ECHO steps let the raw peer answer with the id the core chose (REQ0's
// request id, SURVEYOR0's survey id), so replies that are accepted are
// reached too, not only the ones dropped for a stale id.
//
// Oracles: lib/drive.mjs checkScenario (no trap, whole = byte-by-byte =
// random cuts, heap bounded and back to its level after close).
import { O, ST, PROTO } from "../lib/core.mjs";
import { decodeScenario, encodeScenario, OP, step, tick, encodeFrames, describeScenario } from "../lib/scenario.mjs";
import { scenarioRuns } from "../lib/drive.mjs";
import { mutateScenario, mutateUnits, mutateBytes } from "../lib/mutate.mjs";
import { spHeader, spMessage, words, backtrace, tokenizeSp, serializeSp, sizeField, buf, HUGE_SIZES, SP_ID_FLAG } from "../lib/wire.mjs";

export const ROLES = ["REP0", "REQ0", "RESPONDENT0", "SURVEYOR0", "SUB0", "PULL0", "PAIR1", "BUS0", "PAIR0", "PUB0", "PUSH0"];

/** nng's protocol specs (e.g. "REQ/REP"): the protocol each role pairs with. */
const PEER = {
  PAIR0: "PAIR0", PAIR1: "PAIR1", PUB0: "SUB0", SUB0: "PUB0", REQ0: "REP0", REP0: "REQ0",
  PUSH0: "PULL0", PULL0: "PUSH0", SURVEYOR0: "RESPONDENT0", RESPONDENT0: "SURVEYOR0", BUS0: "BUS0",
};

export const roleOf = (conf) => ROLES[(conf[0] ?? 0) % ROLES.length];

export function setupFor(conf) {
  const role = roleOf(conf);
  const f = conf[1] ?? 0;
  const options = [];
  const raw = (f & 4) !== 0;
  if (raw) options.push([O.OPT_RAW, 1]);
  if (f & 8) options.push([O.OPT_MAXMSGSIZE, 64]);
  if (f & 16) options.push([O.OPT_MAX_TTL, 2]);
  if (f & 32) options.push([O.OPT_SNDHWM, 2], [O.OPT_RCVHWM, 2]);
  if (f & 128) options.push([O.OPT_RESEND_IVL, 100], [O.OPT_SURVEY_TIME, 100]);
  const ws = (f & 2) !== 0;
  const ipc = !ws && (f & 1) !== 0;
  return {
    type: ST[role],
    name: role,
    options,
    bytesOptions: [],
    outbound: (f & 64) !== 0,
    ipc,
    ws,
    zwsNull: false,
    // As the host does: raw sends carry a header frame the core reads, cooked
    // REQ0 keeps its request in the core to resend it.
    externalFrom: raw ? 1 : role === "REQ0" ? Infinity : 0,
    subOpt: O.OPT_SUBSCRIBE,
    unsubOpt: O.OPT_UNSUBSCRIBE,
    echo: (history, data) => echo(history, data, { ipc, ws }),
    peerProto: PROTO[PEER[role]],
    receiveBudget: (conf[2] ?? 0) & 1 ? 100000 : 0,
    seed: 11,
  };
}

// The last complete message the core sent on this connection; its first 4
// payload bytes (a request or survey id), then `data`, framed for the pipe.
function echo(history, data, { ipc, ws }) {
  let last = null;
  if (ws) {
    last = history.length ? history[history.length - 1] : null;
  } else {
    const units = tokenizeSp(Buffer.concat(history), { ipc });
    for (const u of units) if (u.kind === "msg" && BigInt(u.payload.length) === u.size.readBigUInt64BE(0)) last = u.payload;
  }
  if (!last || last.length < 4) return null;
  const payload = Buffer.concat([last.subarray(0, 4), data]);
  return ws ? payload : spMessage(payload, { ipc });
}

// ---- generation ----

const TOPICS = ["", "a", "ab", "news"];

function bits(rng, p) {
  let b = 0;
  for (let i = 0; i < 8; i++) if (rng.chance(p)) b |= 1 << i;
  return b;
}

// Mostly small; some over the 64-byte limit option; a few of 32 KiB and more
// (gathered outside linear memory, a 1 KiB head kept for protocol headers).
const body = (rng) => {
  if (rng.chance(0.02)) return Buffer.alloc(rng.range(32768, 60000), rng.int(256));
  return rng.chance(0.05) ? rng.bytes(rng.range(60, 3000)) : rng.bytes(rng.size(20));
};

/** A payload a peer plausibly sends to `role`. */
function peerPayload(rng, role) {
  switch (role) {
    case "REP0": case "RESPONDENT0": return rng.weighted([
      [8, () => Buffer.concat([backtrace(Array.from({ length: rng.int(3) }, () => rng.u32()), rng.u32()), body(rng)])],
      [2, () => Buffer.concat([backtrace(Array.from({ length: rng.range(7, 20) }, (_, i) => i + 1), 7), body(rng)])],
      [1, () => words(...Array.from({ length: rng.range(0, 4) }, () => rng.u32() & 0x7fffffff))],
      [1, () => rng.bytes(rng.int(4))],
    ])();
    case "REQ0": case "SURVEYOR0": return rng.weighted([
      [4, () => Buffer.concat([words((rng.u32() | SP_ID_FLAG) >>> 0), body(rng)])],
      [1, () => rng.bytes(rng.int(4))],
    ])();
    case "PAIR1": return Buffer.concat([words(rng.pick([0, 1, 2, 3, 8, 9, 15, 0xff, 0x100, 0xffffffff])), body(rng)]);
    case "SUB0": return Buffer.concat([buf(rng.pick(TOPICS)), body(rng)]);
    default: return body(rng);
  }
}

function appFrames(rng, role, raw) {
  const b = () => rng.bytes(rng.size(20));
  if (raw) {
    const hdr = rng.weighted([[3, () => words(rng.u32() & 0x7fffffff, (rng.u32() | SP_ID_FLAG) >>> 0)], [1, () => words(rng.int(4))], [1, () => rng.bytes(rng.int(4))]])();
    return [hdr, b()];
  }
  if (rng.chance(0.04)) return [b(), { large: rng.range(1, 3), fill: 0x64 }];
  return Array.from({ length: rng.range(1, 2) }, b);
}

function message(rng, role, { ipc, ws }) {
  const p = peerPayload(rng, role);
  return ws ? p : spMessage(p, { ipc });
}

function handshake(rng, slot, role, cfg) {
  if (cfg.ws) return [];
  const proto = PROTO[PEER[role]];
  const h = rng.weighted([[20, () => spHeader(proto)], [1, () => spHeader(proto ^ 1)], [1, () => spHeader(proto, { version: 1 })], [1, () => spHeader(proto, { r7: 1 })]])();
  if (rng.chance(0.4)) return [step(OP.IN, slot, Buffer.concat([h, message(rng, role, cfg)]))];
  return [step(OP.IN, slot, h)];
}

function genAction(rng, role, slots, cfg) {
  const slot = rng.int(slots);
  const asks = role === "REQ0" || role === "SURVEYOR0";
  return rng.weighted([
    [10, () => [step(OP.IN, slot, message(rng, role, cfg))]],
    [2, () => [step(OP.IN, slot, Buffer.concat([message(rng, role, cfg), message(rng, role, cfg)]))]],
    [5, () => [step(OP.RECV, 0, Buffer.from([rng.int(4)]))]],
    [asks ? 8 : 4, () => [step(OP.SEND, 0, encodeFrames(appFrames(rng, role, cfg.raw)))]],
    [asks ? 8 : 1, () => [step(OP.ECHO, slot, body(rng))]],
    [3, () => [tick(rng.pick([1, 99, 100, 101, 500, 1000, 1001, 10000, 60000]))]],
    [1, () => [step(OP.CLOSE, slot), ...handshake(rng, slot, role, cfg)]],
    [role === "SUB0" ? 4 : 0, () => [step(OP.SUB, 0, Buffer.concat([Buffer.from([rng.int(2)]), buf(rng.pick(TOPICS))]))]],
    [rng.chance(0.2) ? 1 : 0, () => [step(OP.DESTROY, slot)]],
  ])();
}

function generateScenario(rng) {
  const ri = rng.int(ROLES.length);
  const role = ROLES[ri];
  const f = bits(rng, 0.2);
  const conf = Buffer.from([ri, f, rng.chance(0.15) ? 1 : 0]);
  const cfg = { ws: (f & 2) !== 0, ipc: (f & 2) === 0 && (f & 1) !== 0, raw: (f & 4) !== 0 };
  const slots = role.startsWith("PAIR") ? rng.range(1, 2) : rng.range(1, 3);
  const steps = [];
  if (role === "SUB0" && rng.chance(0.8)) steps.push(step(OP.SUB, 0, Buffer.concat([Buffer.from([1]), buf(rng.pick(TOPICS))])));
  for (let s = 0; s < slots; s++) steps.push(...handshake(rng, s, role, cfg));
  const n = rng.range(2, 14);
  for (let k = 0; k < n; k++) steps.push(...genAction(rng, role, slots, cfg));
  return { conf, steps };
}

// ---- structure-aware mutation ----

const PROTOS = Object.values(PROTO);

function specialFor(ipc) {
  return [
    (units, rng) => { // a header byte: signature, version, protocol id, reserved
      const h = units.find((u) => u.kind === "header");
      if (!h) { units.unshift({ kind: "header", bytes: spHeader(rng.pick(PROTOS)) }); return; }
      const i = rng.int(8);
      h.bytes[i] = i === 5 ? rng.pick(PROTOS) & 0xff : rng.pick([0, 1, 0x53, 0x50, 0xff]);
      if (rng.chance(0.15)) h.bytes = h.bytes.subarray(0, rng.int(8));
    },
    (units, rng) => { // the ipc type byte
      const ms = units.filter((u) => u.kind === "msg");
      if (!ms.length || !ipc) return;
      rng.pick(ms).type = rng.pick([0, 2, 0x80, 0xff]);
    },
    (units, rng) => { // backtrace words: more hops, a cleared or set high bit, a lost terminator
      const ms = units.filter((u) => u.kind === "msg" && u.payload.length >= 4);
      if (!ms.length) return;
      const u = rng.pick(ms);
      const nw = Math.floor(u.payload.length / 4);
      const k = rng.int(4);
      if (k === 0) u.payload = Buffer.concat([words(...Array.from({ length: rng.range(1, 16) }, (_, i) => i + 1)), u.payload]);
      else if (k === 1) { const i = 4 * rng.int(nw); u.payload[i] ^= 0x80; }
      else if (k === 2) u.payload = words(...Array.from({ length: rng.range(1, 6) }, () => rng.u32() & 0x7fffffff));
      else u.payload.writeUInt32BE(rng.pick([0, 1, 8, 9, 0xff, 0x100, 0x80000000, 0xffffffff]), 0);
      u.size = sizeField(u.payload.length, true);
    },
    (units, rng) => { // a size claiming more than anyone should send, then a little
      const m = { kind: "msg", type: ipc ? 1 : undefined, size: sizeField(rng.pick(HUGE_SIZES), true), payload: rng.bytes(rng.size(8)) };
      units.splice(rng.int(units.length + 1), 0, m);
    },
  ];
}

function mutateSpStream(data, rng, { donors = [], sc } = {}) {
  const cfg = setupFor(sc.conf);
  if (cfg.ws) return mutateWsMessage(data, rng);
  const units = tokenizeSp(data, { ipc: cfg.ipc });
  const out = mutateUnits(units, rng, {
    kind: "msg",
    bodyOf: (u) => u.payload,
    setBody: (u, b, honest) => { u.payload = Buffer.from(b); if (honest) u.size = sizeField(b.length, true); },
    special: specialFor(cfg.ipc),
    donors: donors.slice(0, 4).map((d) => tokenizeSp(d, { ipc: cfg.ipc })),
  });
  return serializeSp(out);
}

function mutateWsMessage(data, rng) {
  const m = Buffer.from(data);
  if (rng.chance(0.3) && m.length >= 4) { m.writeUInt32BE(rng.pick([0, 1, 9, 0x80000000, 0xffffffff]), 0); return m; }
  if (rng.chance(0.2)) return Buffer.concat([words(...Array.from({ length: rng.range(1, 16) }, (_, i) => i + 1)), m]);
  return mutateBytes(m, rng);
}

export default {
  name: "sp",
  description: "SP over tcp, ipc and WebSocket framing: header, sizes, backtraces, hop counts, 11 roles",
  scenario: true,
  generate(rng) { return encodeScenario(generateScenario(rng)); },
  mutate(input, rng, donor) {
    const sc = decodeScenario(input);
    return encodeScenario(mutateScenario(sc, rng, {
      mutateIn: mutateSpStream,
      genStep: (r, s) => {
        const c = setupFor(s.conf);
        return genAction(r, c.name, 3, { ws: c.ws, ipc: c.ipc, raw: ((s.conf[1] ?? 0) & 4) !== 0 })[0];
      },
      confBytes: 3,
      donor: donor ? decodeScenario(donor) : null,
    }));
  },
  ...scenarioRuns(setupFor),
  describe(input) {
    const sc = decodeScenario(input);
    const s = setupFor(sc.conf);
    return `${s.name} ${s.ws ? "ws" : s.ipc ? "ipc" : "tcp"} ${JSON.stringify(s.options)}\n${describeScenario(sc)}`;
  },
};

/** The setup a scenario's configuration selects (for tools and tests). */
export const setupOf = (conf) => setupFor(conf);
