// Target "zmtp": ZMTP 3.x over a byte stream against every ZeroMQ socket type.
// A scenario (lib/scenario.mjs) has 1–3 raw peers that send a greeting, a
// NULL handshake (READY metadata) and then frames (short/long, MORE,
// COMMAND, reserved bits) and commands (PING/PONG/SUBSCRIBE/CANCEL/ERROR/
// READY/unknown), while the application receives, sends, subscribes and the
// clock moves (heartbeats, handshake timeout, reconnects).
//
// Configuration bytes:
//   conf[0]  socket type (index into TYPES)
//   conf[1]  bit 0 heartbeats, 1 small size/frame limits, 2 high-water marks
//            of 2, 3 short handshake timeout, 4 type option A, 5 type option
//            B (see setupFor), 6 pipes made by connect(), 7 a routing id
//   conf[2]  bit 0 ZWS2.0/NULL (zws target), 1 XPUB verbosity 2, 2 immediate,
//            3 a receive budget of 100 000 bytes for the whole core
//
// Oracles: lib/drive.mjs checkScenario (no trap, whole = byte-by-byte =
// random cuts, heap bounded and back to its level after close).
import { O, T } from "../lib/core.mjs";
import { decodeScenario, encodeScenario, OP, step, tick, encodeFrames, describeScenario } from "../lib/scenario.mjs";
import { scenarioRuns } from "../lib/drive.mjs";
import { mutateScenario, mutateUnits, mutateBytes } from "../lib/mutate.mjs";
import {
  greeting, ready, readyBody, command, commandBody, message, frame, pingData, tokenizeZmtp, serializeZmtp, sizeField,
  MORE, LONG, COMMAND, HUGE_SIZES, buf,
} from "../lib/wire.mjs";

export const TYPES = ["ROUTER", "PUB", "XPUB", "SUB", "REQ", "REP", "DEALER", "PULL", "XSUB", "PUSH", "PAIR"];

/** RFC 23 "The Socket-Type Property": the peer types each type accepts. */
export const PEERS = {
  PAIR: ["PAIR"], PUB: ["SUB", "XSUB"], XPUB: ["SUB", "XSUB"], SUB: ["PUB", "XPUB"], XSUB: ["PUB", "XPUB"],
  REQ: ["REP", "ROUTER"], REP: ["REQ", "DEALER"], DEALER: ["REP", "DEALER", "ROUTER"], ROUTER: ["REQ", "DEALER", "ROUTER"],
  PULL: ["PUSH"], PUSH: ["PULL"],
};

// Types whose first frame the core reads on send (the host keeps it inline).
const READS_FIRST_FRAME = new Set(["ROUTER", "PUB", "XPUB", "SUB", "XSUB", "PULL"]);

export const typeOf = (conf) => TYPES[(conf[0] ?? 0) % TYPES.length];

export function setupFor(conf, { ws = false } = {}) {
  const name = typeOf(conf);
  const f = conf[1] ?? 0;
  const g = conf[2] ?? 0;
  const options = [];
  const bytesOptions = [];
  if (f & 1) options.push([O.OPT_HEARTBEAT_IVL, 100], [O.OPT_HEARTBEAT_TTL, 500], [O.OPT_HEARTBEAT_TIMEOUT, 300]);
  if (f & 2) options.push([O.OPT_MAXMSGSIZE, 300], [O.OPT_MAX_FRAMES, 4]);
  if (f & 4) options.push([O.OPT_SNDHWM, 2], [O.OPT_RCVHWM, 2]);
  if (f & 8) options.push([O.OPT_HANDSHAKE_IVL, 200]);
  if (f & 16) {
    if (name === "ROUTER") options.push([O.OPT_ROUTER_MANDATORY, 1]);
    if (name === "REQ") options.push([O.OPT_REQ_CORRELATE, 1]);
    if (name === "XPUB") options.push([O.OPT_XPUB_VERBOSITY, g & 2 ? 2 : 1]);
  }
  if (f & 32) {
    if (name === "ROUTER") options.push([O.OPT_ROUTER_HANDOVER, 1]);
    if (name === "REQ") options.push([O.OPT_REQ_RELAXED, 1]);
    if (name === "XPUB") options.push([O.OPT_XPUB_MANUAL, 1]);
    if (name === "PULL" || name === "DEALER" || name === "SUB" || name === "PAIR") options.push([O.OPT_CONFLATE, 1]);
  }
  if (f & 128) bytesOptions.push([O.OPT_ROUTING_ID, Buffer.from("fz")]);
  if (g & 4) options.push([O.OPT_IMMEDIATE, 1]);
  return {
    type: T[name],
    name,
    options,
    bytesOptions,
    outbound: (f & 64) !== 0,
    ws,
    zwsNull: ws && (g & 1) !== 0,
    externalFrom: READS_FIRST_FRAME.has(name) ? 1 : 0,
    subOpt: O.OPT_SUBSCRIBE,
    unsubOpt: O.OPT_UNSUBSCRIBE,
    receiveBudget: g & 8 ? 100000 : 0,
    seed: 7,
  };
}

// ---- generation ----

const TOPICS = ["", "a", "ab", "abc", "b", "news", "n"];
const IDENTITIES = ["A", "B", "peer", ""];
const CMD_NAMES = ["READY", "ERROR", "PING", "PONG", "SUBSCRIBE", "CANCEL", "HELLO", "JOIN", "ready", "X"];

function bits(rng, p) {
  let b = 0;
  for (let i = 0; i < 8; i++) if (rng.chance(p)) b |= 1 << i;
  return b;
}

// Mostly small bodies; some long-form (over 255 bytes); a few of 32 KiB and
// more, which the bindings gather outside linear memory.
function randomBody(rng) {
  if (rng.chance(0.02)) return Buffer.alloc(rng.range(32768, 60000), rng.int(256));
  return rng.chance(0.1) ? rng.bytes(rng.range(256, 700)) : rng.bytes(rng.size(24));
}

/** Frames a peer plausibly sends to a socket of type `name`. */
export function peerFrames(rng, name) {
  const body = () => randomBody(rng);
  switch (name) {
    case "REP": return rng.chance(0.2) ? [rng.pick(IDENTITIES), "", body()] : ["", body()];
    case "REQ": return ["", body()];
    case "SUB": case "XSUB": return [rng.pick(TOPICS) + (rng.chance(0.5) ? "x" : ""), body()];
    case "PUB": case "XPUB": return [Buffer.concat([Buffer.from([rng.int(3)]), buf(rng.pick(TOPICS))])];
    default: return Array.from({ length: rng.range(1, 3) }, body);
  }
}

/** Frames the application plausibly sends on a socket of type `name`. */
function appFrames(rng, name) {
  const body = () => (rng.chance(0.05) ? { large: rng.range(1, 3), fill: 0x62 } : rng.bytes(rng.size(20)));
  switch (name) {
    case "ROUTER": return [rng.chance(0.8) ? buf(rng.pick(IDENTITIES)) : Buffer.from([0, 0, 0, 0, rng.int(4)]), body()];
    case "PUB": case "XPUB": return [buf(rng.pick(TOPICS) + "x"), body()];
    case "XSUB": return rng.chance(0.7) ? [Buffer.concat([Buffer.from([rng.int(2)]), buf(rng.pick(TOPICS))])] : [body()];
    default: return Array.from({ length: rng.range(1, 3) }, body);
  }
}

function peerCommand(rng, name) {
  const topic = () => buf(rng.pick(TOPICS));
  return rng.weighted([
    [5, () => command("PING", pingData(rng.pick([0, 0, 1, 3, 10, 65535]), rng.bytes(rng.pick([0, 0, 2, 16, 20]))))],
    [2, () => command("PONG", rng.bytes(rng.size(16)))],
    [name === "PUB" || name === "XPUB" ? 8 : 1, () => command("SUBSCRIBE", topic())],
    [name === "PUB" || name === "XPUB" ? 5 : 1, () => command("CANCEL", topic())],
    [1, () => command("ERROR", Buffer.concat([Buffer.from([5]), buf("oops!")]))],
    [1, () => ready([["Socket-Type", rng.pick(PEERS[name])]])],
    [1, () => command(rng.pick(CMD_NAMES), rng.bytes(rng.size(8)))],
    [1, () => frame(COMMAND, Buffer.from([rng.range(5, 40)]))],
  ])();
}

export function readyEntries(rng, name) {
  const entries = [["Socket-Type", rng.pick(PEERS[name])]];
  if (rng.chance(0.6)) entries.push(["Identity", rng.pick(IDENTITIES)]);
  if (rng.chance(0.1)) entries.push([`X-${rng.int(9)}`, rng.bytes(rng.size(8))]);
  if (rng.chance(0.2)) entries.reverse();
  return entries;
}

function handshakeSteps(rng, slot, name) {
  const g = rng.weighted([[10, () => greeting({ minor: 1 })], [3, () => greeting({ minor: 0 })], [1, () => greeting({ major: 4, minor: 255 })]])();
  const r = ready(readyEntries(rng, name));
  if (rng.chance(0.4)) return [step(OP.IN, slot, Buffer.concat([g, r]))];
  return [step(OP.IN, slot, g), step(OP.IN, slot, r)];
}

function genAction(rng, name, slots) {
  const slot = rng.int(slots);
  return rng.weighted([
    [10, () => step(OP.IN, slot, message(peerFrames(rng, name)))],
    [6, () => step(OP.IN, slot, peerCommand(rng, name))],
    [2, () => step(OP.IN, slot, Buffer.concat([message(peerFrames(rng, name)), peerCommand(rng, name), message(peerFrames(rng, name))]))],
    [5, () => step(OP.RECV, 0, Buffer.from([rng.int(4)]))],
    [5, () => step(OP.SEND, 0, encodeFrames(appFrames(rng, name)))],
    [3, () => tick(rng.pick([1, 50, 99, 100, 150, 250, 300, 500, 1000, 30000]))],
    [1, () => step(OP.CLOSE, slot)],
    // The peer goes away and a new one takes the slot: a fresh handshake.
    [2, () => [step(OP.CLOSE, slot), ...handshakeSteps(rng, slot, name)]],
    [name === "SUB" || name === "XPUB" ? 3 : 0, () => step(OP.SUB, 0, Buffer.concat([Buffer.from([rng.int(2)]), buf(rng.pick(TOPICS))]))],
    [rng.chance(0.2) ? 1 : 0, () => step(OP.DESTROY, slot)],
  ])();
}

export function generateScenario(rng) {
  const ti = rng.int(TYPES.length);
  const name = TYPES[ti];
  const conf = Buffer.from([ti, bits(rng, 0.2), bits(rng, 0.3)]);
  const slots = name === "PAIR" ? rng.range(1, 2) : rng.range(1, 3);
  const steps = [];
  for (let s = 0; s < slots; s++) steps.push(...handshakeSteps(rng, s, name));
  const n = rng.range(2, 14);
  for (let k = 0; k < n; k++) steps.push(...[genAction(rng, name, slots)].flat());
  if (name === "REP" || name === "ROUTER") steps.push(step(OP.RECV), step(OP.SEND, 0, encodeFrames(appFrames(rng, name))));
  return { conf, steps };
}

// ---- structure-aware mutation of one IN step ----

const GREETING_FIELDS = [0, 1, 9, 10, 11, 12, 13, 15, 16, 31, 32, 33, 63];

function reencodeLong(u) {
  u.flags |= LONG;
  u.size = sizeField(u.body.length, true);
}

const special = [
  (units, rng) => { // a flag bit: MORE, LONG (size re-encoded or not), COMMAND, or a reserved bit
    const fs = units.filter((u) => u.kind === "frame");
    if (!fs.length) return;
    const u = rng.pick(fs);
    const bit = rng.pick([MORE, LONG, COMMAND, 0x08, 0x10, 0x80]);
    u.flags ^= bit;
    if (bit === LONG && rng.chance(0.6)) u.size = sizeField(u.body.length, (u.flags & LONG) !== 0);
  },
  (units, rng) => { // the long form for a small body (legal, RFC 23 "Framing")
    const fs = units.filter((u) => u.kind === "frame");
    if (fs.length) reencodeLong(rng.pick(fs));
  },
  (units, rng) => { // rename a command, or damage its name length
    const cs = units.filter((u) => u.kind === "frame" && u.flags & COMMAND && u.body.length);
    if (!cs.length) return;
    const u = rng.pick(cs);
    const nl = u.body[0];
    const data = u.body.subarray(1 + nl);
    u.body = rng.chance(0.7) ? commandBody(rng.pick(CMD_NAMES), data) : Buffer.concat([Buffer.from([rng.pick([0, 1, nl + 1, 255])]), u.body.subarray(1)]);
    u.size = sizeField(u.body.length, u.size.length === 8 || u.body.length > 255);
  },
  (units, rng) => { // READY metadata: lengths, case, unknown or missing type, bad identities
    const idx = units.findIndex((u) => u.kind === "frame" && u.flags & COMMAND && u.body.subarray(1, 6).toString("latin1") === "READY");
    const at = idx >= 0 ? idx : units.length;
    const name = rng.pick(Object.keys(PEERS));
    const entries = [];
    const pick = rng.int(8);
    if (pick !== 0) entries.push([rng.pick(["Socket-Type", "socket-type", "SOCKET-TYPE", "Socket-Typ"]), rng.pick([name, "NOPE", "", name.toLowerCase()])]);
    if (pick === 1) entries.push(["Identity", Buffer.concat([Buffer.from([0]), buf("x")])]);
    if (pick === 2) entries.push(["Identity", Buffer.alloc(256, 0x69)]);
    if (pick === 3) entries.push(["Identity", "dup"], ["Identity", "dup2"]);
    if (pick === 4) entries.push(["", "x"]);
    if (pick === 5) entries.push(["Identity", "x", rng.pick([0x7fffffff, 0xffffffff, 2, 100])]);
    if (pick === 6) entries.push(["Socket-Type", "PUB"], ["Socket-Type", "SUB"]);
    let body = readyBody(entries);
    if (pick === 7) body = Buffer.concat([body, rng.bytes(rng.range(1, 4))]);
    const u = { kind: "frame", flags: COMMAND, size: sizeField(body.length, body.length > 255), body };
    if (body.length > 255) u.flags |= LONG;
    units.splice(at, idx >= 0 ? 1 : 0, u);
  },
  (units, rng) => { // a greeting field
    const g = units.find((u) => u.kind === "greeting");
    if (!g) { units.unshift({ kind: "greeting", bytes: greeting({ minor: rng.int(2) }) }); return; }
    const i = rng.pick(GREETING_FIELDS);
    g.bytes[i] = rng.pick([0x00, 0x01, 0x02, 0x03, 0x04, 0x7e, 0x7f, 0xff, 0x4e, 0x6e]);
    if (rng.chance(0.2)) g.bytes = g.bytes.subarray(0, rng.pick([1, 9, 10, 11, 12, 32, 63]));
  },
  (units, rng) => { // a header claiming a huge body, and then nothing or a little
    const size = rng.pick(HUGE_SIZES);
    const cmd = rng.chance(0.3) ? COMMAND : 0;
    units.splice(rng.int(units.length + 1), 0, { kind: "frame", flags: cmd | LONG | (cmd ? 0 : rng.int(2)), size: sizeField(size, true), body: rng.bytes(rng.size(8)) });
  },
];

export function mutateZmtpStream(data, rng, { donors = [] } = {}) {
  const units = tokenizeZmtp(data);
  const donorUnits = donors.slice(0, 4).map((d) => tokenizeZmtp(d));
  const out = mutateUnits(units, rng, {
    kind: "frame",
    bodyOf: (u) => u.body,
    setBody: (u, b, honest) => {
      u.body = Buffer.from(b);
      if (honest) {
        u.size = sizeField(b.length, u.size.length === 8 || b.length > 255);
        if (u.size.length === 8) u.flags |= LONG;
      }
    },
    special,
    donors: donorUnits,
  });
  return serializeZmtp(out);
}

function genStepFor(rng, sc) {
  const name = typeOf(sc.conf);
  return [genAction(rng, name, 3)].flat()[0];
}

// ---- the target ----

export default {
  name: "zmtp",
  description: "ZMTP 3.x over streams: greeting, NULL handshake, frames and commands, 11 socket types",
  scenario: true,
  generate(rng) { return encodeScenario(generateScenario(rng)); },
  mutate(input, rng, donor) {
    const sc = decodeScenario(input);
    return encodeScenario(mutateScenario(sc, rng, {
      mutateIn: mutateZmtpStream, genStep: genStepFor, confBytes: 3, donor: donor ? decodeScenario(donor) : null,
    }));
  },
  ...scenarioRuns(setupFor),
  describe(input) {
    const sc = decodeScenario(input);
    return `${typeOf(sc.conf)} ${JSON.stringify(setupFor(sc.conf).options)}\n${describeScenario(sc)}`;
  },
};

export { mutateBytes };

/** The setup a scenario's configuration selects (for tools and tests). */
export const setupOf = (conf) => setupFor(conf);
