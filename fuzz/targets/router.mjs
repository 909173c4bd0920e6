// Target "router": a JS reference model of the ROUTER routing table
// (assembly/zmtp/roles/router.ts), compared with what the core does. Raw peers
// connect with identities from a small pool (so duplicates are common), an
// empty one (a generated 0x00 + u32 id, learnt when the peer first speaks),
// or invalid ones (a leading 0x00, more than 255 bytes); they send, stall
// (their output is not taken, so high-water marks fill) and go away. The
// application sends to known, unknown and stale ids.
//
// Checked against the model: which connections are refused and with what
// reason (invalid identity, duplicate identity; with handover the old
// connection is closed instead), the routing id prefixed to each received
// message, and for each send its return code (0, EHOSTUNREACH or EAGAIN with
// mandatory) and the one peer, if any, whose wire gets the message.
//
// Input: [conf u8] then ops [code u8][arg u8][len u8][data]
//   conf bit 0 handover, 1 mandatory, 2 sndhwm 2, 3 peers announce ROUTER
//   code 0 connect (arg: identity pool index; bit 7: data is the identity)
//        1 disconnect peer arg, 2 peer arg sends data, 3 application sends data
//        to the id arg picks, 4 stall/unstall peer arg, 5 drain peer arg
import { Core, Clock, O, T, R, EAGAIN } from "../lib/core.mjs";
import { RawPeer, guard } from "../lib/peer.mjs";
import { FuzzFailure } from "../lib/failure.mjs";
import { message } from "../lib/wire.mjs";
import { mutateBytes } from "../lib/mutate.mjs";

const MAX_OPS = 200;
const IDS = ["", "A", "B", "C", "\x00x", "i".repeat(256), "i".repeat(255), "AB"].map((s) => Buffer.from(s, "latin1"));

export function decode(input) {
  const conf = input.length ? input[0] : 0;
  const ops = [];
  let at = 1;
  while (at < input.length && ops.length < MAX_OPS) {
    const code = input[at++] % 6;
    const arg = at < input.length ? input[at++] : 0;
    const len = at < input.length ? input[at++] : 0;
    const data = Buffer.from(input.subarray(at, at + len));
    at += data.length;
    ops.push({ code, arg, data });
  }
  return { conf, ops };
}

export function encode({ conf, ops }) {
  return Buffer.concat([Buffer.from([conf]), ...ops.map((o) => Buffer.concat([Buffer.from([o.code, o.arg, Math.min(o.data.length, 255)]), o.data.subarray(0, 255)]))]);
}

const hex = (b) => Buffer.from(b).toString("hex");
const OPS = ["connect", "disconnect", "peer-send", "app-send", "stall", "drain"];

function life(core, input) {
  const { conf, ops } = decode(input);
  const handover = (conf & 1) !== 0;
  const mandatory = (conf & 2) !== 0;
  const hwm = conf & 4 ? 2 : 1000;
  const sock = guard("openSocket", () => core.openSocket(T.ROUTER, { onReadable() {}, onWritable() {} }));
  if (handover) guard("setOption", () => core.setOption(sock, O.OPT_ROUTER_HANDOVER, 1));
  if (mandatory) guard("setOption", () => core.setOption(sock, O.OPT_ROUTER_MANDATORY, 1));
  if (hwm !== 1000) guard("setOption", () => core.setOption(sock, O.OPT_SNDHWM, hwm));

  // The model: every peer that was ever connected, with what the core should do.
  const peers = [];   // { raw, id (Buffer | null: generated, not learnt yet), routed, stalled, expected: [], queued }
  const live = () => peers.filter((p) => p.routed);
  const findRouted = (id) => live().find((p) => p.id && p.id.equals(id));

  const check = (where) => {
    for (const p of peers) p.raw.settle();
    for (const [i, p] of peers.entries()) {
      if (p.stalled || !p.routed) continue;
      const got = p.raw.take().map((u) => (u.kind === "msg" ? u.frames.map(hex).join(",") : `cmd ${u.name}`));
      const exp = p.expected.splice(0);
      p.queued = 0;
      if (JSON.stringify(got) !== JSON.stringify(exp)) {
        throw new FuzzFailure("model", `${where}: peer ${i} (id ${p.id ? hex(p.id) : "generated"}) got ${JSON.stringify(got).slice(0, 300)}, model says ${JSON.stringify(exp).slice(0, 300)}`);
      }
    }
    for (const [i, p] of peers.entries()) {
      if (p.routed && p.raw.closeReason !== null) {
        throw new FuzzFailure("model", `${where}: peer ${i} (id ${p.id ? hex(p.id) : "generated"}) was closed with reason ${p.raw.closeReason}, model keeps it routed`);
      }
    }
  };

  for (const [i, op] of ops.entries()) {
    const where = `op ${i} (${OPS[op.code]} ${op.arg} ${hex(op.data).slice(0, 24)})`;
    const pick = (list) => (list.length ? list[op.arg % list.length] : null);
    switch (op.code) {
      case 0: {
        const id = op.arg & 0x80 ? op.data : IDS[op.arg % IDS.length];
        const raw = new RawPeer(core, sock);
        const type = conf & 8 ? "ROUTER" : op.arg & 0x40 ? "REQ" : "DEALER";
        const props = id.length || op.arg & 0x20 ? [["Identity", id]] : [];
        raw.handshake(type, { props });
        const p = { raw, id: id.length ? id : null, routed: false, stalled: false, expected: [], queued: 0 };
        peers.push(p);
        let wantReason = null;
        let displaced = null;
        if (id.length && (id[0] === 0 || id.length > 255)) wantReason = R.R_INVALID_IDENTITY;
        else if (id.length && findRouted(id)) {
          if (!handover) wantReason = R.R_DUPLICATE_IDENTITY;
          else displaced = findRouted(id);
        }
        if (raw.closeReason !== wantReason) {
          throw new FuzzFailure("model", `${where}: a peer with identity ${hex(id)} was ${raw.closeReason === null ? "accepted" : `closed with reason ${raw.closeReason}`}, model says ${wantReason === null ? "accepted" : `reason ${wantReason}`}`);
        }
        if (displaced) {
          displaced.raw.settle();
          if (displaced.raw.closeReason !== R.R_CLOSED_BY_SOCKET) {
            throw new FuzzFailure("model", `${where}: handover: the old peer with identity ${hex(id)} has close reason ${displaced.raw.closeReason}, model says ${R.R_CLOSED_BY_SOCKET}`);
          }
          displaced.routed = false;
        }
        p.routed = wantReason === null;
        raw.take();
        break;
      }
      case 1: {
        const p = pick(live());
        if (p) { p.raw.disconnect(); p.routed = false; }
        break;
      }
      case 2: {
        const p = pick(live());
        if (!p) break;
        const frames = op.data.length && op.data[0] & 1 ? [op.data, Buffer.from("2")] : [op.data];
        p.raw.feed(message(frames));
        const m = guard("recv", () => core.recv(sock));
        if (typeof m === "number") throw new FuzzFailure("model", `${where}: recv gave ${m}, model expects the peer's message`);
        if (p.id === null) {
          // A generated id: 0x00 + u32, unique among the routed peers.
          if (m[0].length !== 5 || m[0][0] !== 0) throw new FuzzFailure("model", `${where}: generated routing id ${hex(m[0])} is not 00 + 4 bytes`);
          if (findRouted(m[0])) throw new FuzzFailure("model", `${where}: generated routing id ${hex(m[0])} is already another peer's`);
          p.id = Buffer.from(m[0]);
        }
        const got = m.map(hex).join(",");
        const exp = [p.id, ...frames].map(hex).join(",");
        if (got !== exp) throw new FuzzFailure("model", `${where}: received ${got}, model says ${exp}`);
        const again = guard("recv", () => core.recv(sock));
        if (again !== EAGAIN) throw new FuzzFailure("model", `${where}: a second recv gave ${typeof again === "number" ? again : "a message"}, model says EAGAIN`);
        break;
      }
      case 3: {
        // The id: a routed peer's (learnt) id, one from the pool, or the data itself.
        const ids = live().filter((p) => p.id).map((p) => p.id);
        const sel = op.arg % 4;
        const id = sel === 0 && ids.length ? ids[(op.arg >> 2) % ids.length] : sel === 1 ? IDS[(op.arg >> 2) % IDS.length] : sel === 2 ? Buffer.from([0, 0, 0, 0, op.arg >> 2]) : op.data.subarray(0, 6);
        const body = op.data.subarray(op.data.length > 6 ? 6 : 0);
        const frames = op.arg & 0x80 ? [id] : [id, body];
        const rc = guard("send", () => core.send(sock, frames, 1));
        const p = findRouted(id);
        let want = 0;
        if (!p) want = mandatory ? -R.EHOSTUNREACH : 0;
        else if (p.queued >= hwm) want = mandatory ? EAGAIN : 0;
        else if (frames.length > 1) { p.expected.push(hex(body)); p.queued++; }
        if (rc !== want) throw new FuzzFailure("model", `${where}: send to ${hex(id)} returned ${rc}, model says ${want}`);
        break;
      }
      case 4: {
        const p = pick(live());
        if (p) p.stalled = !p.stalled;
        break;
      }
      case 5: {
        const p = pick(live());
        if (p) p.stalled = false;
        break;
      }
    }
    check(where);
  }
  guard("closeSocket", () => core.closeSocket(sock));
  for (const [i, p] of peers.entries()) {
    if (!p.raw.released) throw new FuzzFailure("memory", `peer ${i}'s pipe not released after the socket was closed`);
  }
}

function generate(rng) {
  const conf = rng.u32() & 0x0f;
  const ops = [];
  const n = rng.range(4, 50);
  for (let i = 0; i < n; i++) {
    const code = rng.weighted([[4, 0], [2, 1], [5, 2], [6, 3], [2, 4], [1, 5]]);
    const arg = code === 0 ? rng.weighted([[8, rng.int(4)], [1, rng.int(8)], [1, 0x80], [1, 0x20]]) : rng.u32() & 0xff;
    const data = code === 0 && arg & 0x80 ? Buffer.from(rng.pick(["A", "B", "Z", "\x00"])) : rng.bytes(rng.size(12));
    ops.push({ code, arg, data });
  }
  return encode({ conf, ops });
}

function mutate(input, rng, donor) {
  const d = decode(input);
  const k = rng.int(7);
  if (k === 0) d.conf ^= 1 << rng.int(4);
  else if (k === 1 && d.ops.length) d.ops.splice(rng.int(d.ops.length), 1);
  else if (k === 2 && d.ops.length) { const i = rng.int(d.ops.length); d.ops.splice(i, 0, { ...d.ops[i] }); }
  else if (k === 3 && d.ops.length) { const o = rng.pick(d.ops); o.data = mutateBytes(o.data, rng).subarray(0, 255); }
  else if (k === 4 && d.ops.length) { const o = rng.pick(d.ops); o.arg = rng.u32() & 0xff; }
  else if (k === 5 && donor) { const o = decode(donor).ops; if (o.length) d.ops.splice(rng.int(d.ops.length + 1), 0, ...o.slice(rng.int(o.length)).slice(0, 8)); }
  else if (d.ops.length > 1) { const i = rng.int(d.ops.length); const [o] = d.ops.splice(i, 1); d.ops.splice(rng.int(d.ops.length + 1), 0, o); }
  d.ops = d.ops.slice(0, MAX_OPS);
  return encode(d);
}

export default {
  name: "router",
  description: "ROUTER routing model: identities, duplicates, handover, mandatory, high-water marks, sends to ids",
  generate,
  mutate,
  run(input) {
    const clock = new Clock();
    const core = new Core(5, { clock: clock.now, manualTimers: true });
    life(core, input);
    const base = core.heapBytes;
    life(core, input);
    if (core.heapBytes !== base) throw new FuzzFailure("memory", `a second life of the same sequence left ${core.heapBytes - base} more raw bytes held`);
    const { conf, ops } = decode(input);
    return [...new Set(ops.map((o) => `${conf & 7}:${o.code}:${o.arg % 4}`))];
  },
  describe(input) {
    const { conf, ops } = decode(input);
    return [`conf ${conf.toString(2).padStart(4, "0")} (handover, mandatory, hwm 2, ROUTER peers)`, ...ops.map((o) => `${OPS[o.code]} arg ${o.arg} ${hex(o.data)}`)].join("\n");
  },
};
