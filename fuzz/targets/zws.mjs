// Target "zws": ZWS 2.0, ZMTP over WebSocket, in the core's message mode
// (Core.setPipeMode: each input() call is one whole WebSocket message, the
// output is one record per message; assembly/pipe.ts readZwsMessage). Both
// plain ZWS2.0 (the first message each way is a routing id, no READY) and
// ZWS2.0/NULL (a READY exchange with a 0x02 command flag), against the same
// socket types and options as the zmtp target (conf bytes as in zmtp.mjs;
// conf[2] bit 0 selects ZWS2.0/NULL).
//
// Every IN step is one message, so there are no byte cuts: the whole-versus-
// cut oracle here compares taking the output once per batch of messages,
// after every message, and at random messages.
//
// A differential oracle for ZWS2.0/NULL: the same session over a byte stream
// (a 3.0 greeting first on each connection, each message turned into the
// ZMTP frame it stands for, heartbeats off since ZWS has none) must give the
// same events, results and output frames: readZwsMessage and the stream
// decoder must agree on every frame.
import { decodeScenario, encodeScenario, OP, step, tick, encodeFrames, describeScenario } from "../lib/scenario.mjs";
import { runScenario, compareTraces, scenarioRuns } from "../lib/drive.mjs";
import { FuzzFailure } from "../lib/failure.mjs";
import { mutateScenario, mutateBytes } from "../lib/mutate.mjs";
import { zwsFrame, zwsCommand, zwsReady, commandBody, readyBody, pingData, buf, ZWS_MORE, ZWS_COMMAND, greeting, frame, MORE, COMMAND } from "../lib/wire.mjs";
import { TYPES, PEERS, setupFor, typeOf, peerFrames, readyEntries } from "./zmtp.mjs";

const TOPICS = ["", "a", "ab", "news"];
const CMD_NAMES = ["READY", "ERROR", "PING", "PONG", "SUBSCRIBE", "CANCEL", "HELLO", "X"];

function bits(rng, p) {
  let b = 0;
  for (let i = 0; i < 8; i++) if (rng.chance(p)) b |= 1 << i;
  return b;
}

const routingId = (rng) => rng.weighted([
  [16, () => zwsFrame(0, rng.pick(["", "A", "B", "peer"]))],
  [1, () => zwsFrame(0, Buffer.concat([Buffer.from([0]), buf("x")]))],
  [1, () => zwsFrame(0, Buffer.alloc(rng.pick([255, 256]), 0x69))],
  [1, () => zwsFrame(1, "A")],
])();

function handshake(rng, slot, name, zwsNull) {
  return [step(OP.IN, slot, zwsNull ? zwsReady(readyEntries(rng, name)) : routingId(rng))];
}

const messageSteps = (slot, frames) => frames.map((f, i) => step(OP.IN, slot, zwsFrame(i + 1 < frames.length ? ZWS_MORE : 0, f)));

function peerCommand(rng, name) {
  return rng.weighted([
    [4, () => zwsCommand("PING", pingData(rng.pick([0, 1, 10]), rng.bytes(rng.pick([0, 4, 20]))))],
    [1, () => zwsCommand("PONG", rng.bytes(rng.size(8)))],
    [name === "PUB" || name === "XPUB" ? 6 : 1, () => zwsCommand(rng.pick(["SUBSCRIBE", "CANCEL"]), rng.pick(TOPICS))],
    [1, () => zwsCommand("ERROR", Buffer.concat([Buffer.from([2]), buf("no")]))],
    [1, () => zwsReady(readyEntries(rng, name))],
    [1, () => zwsCommand(rng.pick(CMD_NAMES), rng.bytes(rng.size(6)))],
    [1, () => zwsFrame(ZWS_COMMAND, Buffer.alloc(0))],
  ])();
}

function appFrames(rng, name) {
  const body = () => (rng.chance(0.05) ? { large: rng.range(1, 3), fill: 0x63 } : rng.bytes(rng.size(16)));
  if (name === "ROUTER") return [buf(rng.pick(["A", "B", "peer", ""])), body()];
  if (name === "PUB" || name === "XPUB") return [buf(rng.pick(TOPICS) + "x"), body()];
  if (name === "XSUB") return [Buffer.concat([Buffer.from([rng.int(2)]), buf(rng.pick(TOPICS))])];
  return Array.from({ length: rng.range(1, 3) }, body);
}

function genAction(rng, name, slots, zwsNull) {
  const slot = rng.int(slots);
  return rng.weighted([
    [10, () => messageSteps(slot, peerFrames(rng, name))],
    [5, () => [step(OP.IN, slot, peerCommand(rng, name))]],
    [name === "PUB" || name === "XPUB" ? 4 : 1, () => messageSteps(slot, [Buffer.concat([Buffer.from([rng.int(2)]), buf(rng.pick(TOPICS))])])],
    [4, () => [step(OP.RECV, 0, Buffer.from([rng.int(4)]))]],
    [4, () => [step(OP.SEND, 0, encodeFrames(appFrames(rng, name)))]],
    [2, () => [tick(rng.pick([1, 100, 250, 1000, 30000]))]],
    [1, () => [step(OP.CLOSE, slot), ...handshake(rng, slot, name, zwsNull)]],
    [name === "SUB" || name === "XPUB" ? 2 : 0, () => [step(OP.SUB, 0, Buffer.concat([Buffer.from([rng.int(2)]), buf(rng.pick(TOPICS))]))]],
  ])();
}

function generateScenario(rng) {
  const ti = rng.int(TYPES.length);
  const name = TYPES[ti];
  const g = bits(rng, 0.3);
  const conf = Buffer.from([ti, bits(rng, 0.2) & ~1, g & ~8 | (rng.chance(0.1) ? 8 : 0)]);
  const zwsNull = (g & 1) !== 0;
  const slots = name === "PAIR" ? 1 : rng.range(1, 3);
  const steps = [];
  for (let s = 0; s < slots; s++) steps.push(...handshake(rng, s, name, zwsNull));
  const n = rng.range(2, 12);
  for (let k = 0; k < n; k++) steps.push(...genAction(rng, name, slots, zwsNull));
  return { conf, steps };
}

// One message: its flags, its command name, READY metadata, or its bytes.
function mutateMessage(data, rng) {
  const m = Buffer.from(data);
  switch (rng.int(6)) {
    case 0: if (m.length) m[0] = rng.pick([0, 1, 2, 3, 4, 0x80, 0xff]); else return Buffer.from([rng.int(4)]); return m;
    case 1: { // rename the command
      if (m.length < 2) return m;
      const nl = m[1];
      return zwsFrame(m[0], commandBody(rng.pick(CMD_NAMES), m.subarray(2 + nl)));
    }
    case 2: { // READY metadata with bad lengths or types
      const entries = [["Socket-Type", rng.pick([...Object.keys(PEERS), "NOPE"])]];
      if (rng.chance(0.5)) entries.push(["Identity", rng.pick(["A", "\x00z", "x".repeat(256)]), rng.chance(0.3) ? 0x7fffffff : undefined]);
      return zwsFrame(ZWS_COMMAND, readyBody(entries));
    }
    case 3: return Buffer.alloc(0);
    default: return mutateBytes(m, rng);
  }
}

// One ZWS message as the stream frame it stands for; messages both framings
// refuse as malformed (empty, reserved flag bits) become a frame with a
// reserved bit, which the stream decoder refuses for the same reason.
function streamFrame(m) {
  if (!m.length || (m[0] & ~3) !== 0) return Buffer.from([0x08, 0x00]);
  return frame((m[0] & ZWS_MORE ? MORE : 0) | (m[0] & ZWS_COMMAND ? COMMAND : 0), m.subarray(1));
}

function differential(sc) {
  const ws = setupFor(sc.conf, { ws: true });
  const conf = Buffer.from(sc.conf);
  conf[1] &= ~1;   // no heartbeats on the stream twin: ZWS has none
  const stream = { ...setupFor(conf), peerGreeting: greeting({ minor: 0 }) };
  const twin = { conf, steps: sc.steps.map((s) => (s.op === OP.IN ? { ...s, data: streamFrame(s.data) } : s)) };
  const pick = (t) => t.map((b) => ({ ev: b.ev, rel: b.rel, w: b.w, res: b.res, lf: b.lf }));
  const a = pick(runScenario(sc, ws, { kind: "whole" }, { logical: true }).trace);
  const b = pick(runScenario(twin, stream, { kind: "whole" }, { logical: true }).trace);
  const diff = compareTraces(a, b, "ZWS2.0/NULL", "stream");
  if (diff) throw new FuzzFailure("zws-vs-stream", diff);
}

const wsSetup = (conf) => setupFor(conf, { ws: true });
const wsRuns = scenarioRuns(wsSetup);

export default {
  name: "zws",
  description: "ZWS 2.0 (message mode): plain ZWS2.0 routing ids and ZWS2.0/NULL READY, frames and commands",
  scenario: true,
  generate(rng) { return encodeScenario(generateScenario(rng)); },
  mutate(input, rng, donor) {
    const sc = decodeScenario(input);
    return encodeScenario(mutateScenario(sc, rng, {
      mutateIn: (d, r) => mutateMessage(d, r),
      genStep: (r, s) => genAction(r, typeOf(s.conf), 3, ((s.conf[2] ?? 0) & 1) !== 0)[0],
      confBytes: 3,
      donor: donor ? decodeScenario(donor) : null,
    }));
  },
  // The scenario oracles, then, for ZWS2.0/NULL, the same session over a byte stream.
  run(input, opts) {
    const features = wsRuns.run(input, opts);
    const sc = decodeScenario(input);
    if (wsSetup(sc.conf).zwsNull) differential(sc);
    return features;
  },
  trace: wsRuns.trace,
  describe(input) {
    const sc = decodeScenario(input);
    const s = setupFor(sc.conf, { ws: true });
    return `${s.name} ${s.zwsNull ? "ZWS2.0/NULL" : "ZWS2.0"} ${JSON.stringify(s.options)}\n${describeScenario(sc)}`;
  },
};

/** The setup a scenario's configuration selects (for tools and tests). */
export const setupOf = (conf) => setupFor(conf, { ws: true });
