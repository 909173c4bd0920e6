// Target "trie": a JS reference model of subscriptions (assembly/trie.ts and
// the roles that use it), compared with what crosses the wire.
//
// Subscriber side (SUB or XSUB, one raw PUB peer): the application
// subscribes and unsubscribes (counted: two subscribes need two cancels);
// the peer publishes. Checked: exactly the matching messages are delivered
// (byte-prefix match, the empty topic matches all), every subscribe goes
// upstream and a cancel only when the last count goes (as SUBSCRIBE/CANCEL
// commands to a 3.1 peer, 0x01/0x00 messages to a 3.0 peer), and a new
// connection receives every present topic once.
//
// Publisher side (PUB or XPUB, 1–3 raw SUB peers): peers subscribe and
// cancel (a set per peer, as commands or 3.0 messages) and reconnect; the
// application publishes. Checked: each peer receives exactly the messages
// its set matches, and XPUB reports upstream what the model says for its
// verbosity (0: first subscriber / last cancel; 1: every subscribe; 2: also
// every cancel of a held topic), including the cancels a disconnect causes.
//
// Input: [conf u8] then ops [code u8][arg u8][len u16 BE][topic]
//   conf bit 0 publisher side, 1 the X variant, 2–3 XPUB verbosity,
//        4 peers greet as ZMTP 3.0
//   code 0 subscribe, 1 cancel, 2 publish [topic, body], 3 publish [topic],
//        4 reconnect a peer; arg: peer index (mod 3), bit 2 the 3.0 message form
import { Core, Clock, O, T, EAGAIN } from "../lib/core.mjs";
import { RawPeer, guard } from "../lib/peer.mjs";
import { FuzzFailure } from "../lib/failure.mjs";
import { command, message } from "../lib/wire.mjs";
import { mutateBytes } from "../lib/mutate.mjs";

const MAX_OPS = 240;

export function decode(input) {
  const conf = input.length ? input[0] : 0;
  const ops = [];
  let at = 1;
  while (at < input.length && ops.length < MAX_OPS) {
    const code = input[at++] % 5;
    const arg = at < input.length ? input[at++] : 0;
    let len = 0;
    if (at < input.length) len = input[at++] << 8;
    if (at < input.length) len |= input[at++];
    const topic = Buffer.from(input.subarray(at, at + len));
    at += topic.length;
    ops.push({ code, arg, topic });
  }
  return { conf, ops };
}

export function encode({ conf, ops }) {
  return Buffer.concat([Buffer.from([conf]), ...ops.map((o) => {
    const h = Buffer.from([o.code, o.arg, 0, 0]);
    h.writeUInt16BE(Math.min(o.topic.length, 0xffff), 2);
    return Buffer.concat([h, o.topic.subarray(0, 0xffff)]);
  })]);
}

// ---- the model ----

const key = (b) => b.toString("latin1");
const matches = (keys, data) => {
  const d = key(data);
  for (const k of keys) if (d.startsWith(k)) return true;
  return false;
};
const hex = (b) => Buffer.from(b).toString("hex");
const sortedUnits = (us) => us.map((u) => JSON.stringify(u)).sort();

function wireUnit(u) {
  return u.kind === "cmd" ? { cmd: u.name, data: hex(u.data) } : { msg: u.frames.map(hex) };
}

function expectUnits(got, want, what) {
  const g = got.map(wireUnit);
  const a = JSON.stringify(g);
  const b = JSON.stringify(want);
  if (a !== b) throw new FuzzFailure("model", `${what}: core sent ${a.slice(0, 400)}, model says ${b.slice(0, 400)}`);
}

// What a subscriber sends upstream for (un)subscribing `t` to a peer of `minor`.
const upstream = (on, t, minor) => (minor >= 1 ? { cmd: on ? "SUBSCRIBE" : "CANCEL", data: hex(t) } : { msg: [hex(Buffer.concat([Buffer.from([on ? 1 : 0]), t]))] });

function subscriberSide(core, conf, ops) {
  const x = (conf & 2) !== 0;
  const minor = conf & 16 ? 0 : 1;
  const sock = guard("openSocket", () => core.openSocket(x ? T.XSUB : T.SUB, { onReadable() {}, onWritable() {} }));
  const model = new Map();   // topic → count
  const connect = () => new RawPeer(core, sock).handshake(x ? "XPUB" : "PUB", { minor });
  let peer = connect();
  peer.take();
  for (const [i, op] of ops.entries()) {
    const where = `op ${i} (${["subscribe", "cancel", "publish", "publish1", "reconnect"][op.code]} ${hex(op.topic).slice(0, 40)})`;
    const t = op.topic;
    const k = key(t);
    const want = [];
    if (op.code === 0 || op.code === 1) {
      const on = op.code === 0;
      if (x) {
        const rc = guard("send", () => core.send(sock, [Buffer.concat([Buffer.from([on ? 1 : 0]), t])], 1));
        if (rc !== 0) throw new FuzzFailure("model", `${where}: XSUB send of a subscription returned ${rc}`);
      } else {
        const rc = guard("setBytesOption", () => core.setBytesOption(sock, on ? O.OPT_SUBSCRIBE : O.OPT_UNSUBSCRIBE, t));
        if (rc !== 0) throw new FuzzFailure("model", `${where}: subscribe option returned ${rc}`);
      }
      const c = model.get(k) ?? 0;
      if (on) { model.set(k, c + 1); want.push(upstream(true, t, minor)); }
      else if (c > 0) {
        if (c === 1) { model.delete(k); want.push(upstream(false, t, minor)); } else model.set(k, c - 1);
      }
      expectUnits(peer.take(), want, where);
    } else if (op.code === 2 || op.code === 3) {
      const frames = op.code === 2 ? [t, Buffer.from("body")] : [t];
      peer.feed(message(frames));
      const got = [];
      for (;;) {
        const m = guard("recv", () => core.recv(sock));
        if (typeof m === "number") { if (m !== EAGAIN) throw new FuzzFailure("model", `${where}: recv gave ${m}`); break; }
        got.push(m.map(hex));
      }
      const exp = matches(model.keys(), t) ? [frames.map(hex)] : [];
      if (JSON.stringify(got) !== JSON.stringify(exp)) {
        throw new FuzzFailure("model", `${where}: delivered ${JSON.stringify(got).slice(0, 300)}, model says ${JSON.stringify(exp).slice(0, 300)} (topics ${JSON.stringify([...model.keys()].map((s) => hex(Buffer.from(s, "latin1")))).slice(0, 300)})`);
      }
      expectUnits(peer.take(), [], where);
    } else {
      peer.disconnect();
      peer = connect();
      const got = peer.take().map(wireUnit);
      const exp = [...model.keys()].map((s) => upstream(true, Buffer.from(s, "latin1"), minor));
      if (JSON.stringify(sortedUnits(got)) !== JSON.stringify(sortedUnits(exp))) {
        throw new FuzzFailure("model", `${where}: a new connection got ${JSON.stringify(got).slice(0, 300)}, model says ${JSON.stringify(exp).slice(0, 300)}`);
      }
    }
    if (peer.closeReason !== null) throw new FuzzFailure("model", `${where}: the publisher's pipe was closed (reason ${peer.closeReason})`);
  }
  return sock;
}

function publisherSide(core, conf, ops) {
  const x = (conf & 2) !== 0;
  const verbosity = [0, 1, 2, 2][(conf >> 2) & 3];
  const minor = conf & 16 ? 0 : 1;
  const sock = guard("openSocket", () => core.openSocket(x ? T.XPUB : T.PUB, { onReadable() {}, onWritable() {} }));
  if (x && verbosity) guard("setOption", () => core.setOption(sock, O.OPT_XPUB_VERBOSITY, verbosity));
  const peers = [];
  const sets = [];
  const global = new Map();   // topic → pipes holding it
  const reports = [];
  const join = (i) => {
    peers[i] = new RawPeer(core, sock).handshake(x ? "XSUB" : "SUB", { minor });
    peers[i].take();
    sets[i] = new Set();
  };
  join(0);
  const report = (on, t) => { if (x) reports.push(hex(Buffer.concat([Buffer.from([on ? 1 : 0]), t]))); };
  for (const [i, op] of ops.entries()) {
    const where = `op ${i} (${["subscribe", "cancel", "publish", "publish1", "reconnect"][op.code]} peer ${op.arg % 3} ${hex(op.topic).slice(0, 40)})`;
    const pi = op.arg % 3;
    const t = op.topic;
    const k = key(t);
    let batch = false;
    if (op.code === 0 || op.code === 1 || op.code === 4) {
      if (!peers[pi]) join(pi);
    }
    if (op.code === 0 || op.code === 1) {
      const on = op.code === 0;
      const form30 = (op.arg & 4) !== 0;
      peers[pi].feed(form30 ? message([Buffer.concat([Buffer.from([on ? 1 : 0]), t])]) : command(on ? "SUBSCRIBE" : "CANCEL", t));
      const s = sets[pi];
      if (on) {
        const fresh = !s.has(k);
        let first = false;
        if (fresh) { s.add(k); const g = global.get(k) ?? 0; global.set(k, g + 1); first = g === 0; }
        if (first || verbosity >= 1) report(true, t);
      } else {
        const gone = s.delete(k);
        let last = false;
        if (gone) { const g = global.get(k) - 1; if (g === 0) global.delete(k); else global.set(k, g); last = g === 0; }
        if (last || (verbosity >= 2 && gone)) report(false, t);
      }
    } else if (op.code === 2 || op.code === 3) {
      const frames = op.code === 2 ? [t, Buffer.from("b")] : [t];
      const rc = guard("send", () => core.send(sock, frames, 1));
      if (rc !== 0) throw new FuzzFailure("model", `${where}: send returned ${rc}`);
      for (const [j, p] of peers.entries()) {
        if (!p) continue;
        expectUnits(p.take(), matches(sets[j], t) ? [{ msg: frames.map(hex) }] : [], `${where}, peer ${j}`);
      }
    } else {
      peers[pi].disconnect();
      for (const s of sets[pi]) {
        const g = global.get(s) - 1;
        if (g === 0) { global.delete(s); report(false, Buffer.from(s, "latin1")); } else global.set(s, g);
      }
      batch = true;
      join(pi);
    }
    // What XPUB passed up, in order (a disconnect's cancels in any order).
    const got = [];
    if (x) {
      for (;;) {
        const m = guard("recv", () => core.recv(sock));
        if (typeof m === "number") { if (m !== EAGAIN) throw new FuzzFailure("model", `${where}: recv gave ${m}`); break; }
        got.push(m.map(hex).join(","));
      }
    }
    const exp = reports.splice(0);
    const a = batch ? [...got].sort() : got;
    const b = batch ? [...exp].sort() : exp;
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      throw new FuzzFailure("model", `${where}: XPUB (verbosity ${verbosity}) reported ${JSON.stringify(got).slice(0, 300)}, model says ${JSON.stringify(exp).slice(0, 300)}`);
    }
    for (const [j, p] of peers.entries()) {
      if (p && p.closeReason !== null) throw new FuzzFailure("model", `${where}: peer ${j}'s pipe was closed (reason ${p.closeReason})`);
    }
  }
  return sock;
}

function life(core, input) {
  const { conf, ops } = decode(input);
  const sock = conf & 1 ? publisherSide(core, conf, ops) : subscriberSide(core, conf, ops);
  guard("closeSocket", () => core.closeSocket(sock));
}

// ---- generation and mutation ----

function topic(rng) {
  return rng.weighted([
    [10, () => Buffer.from(Array.from({ length: rng.int(5) }, () => rng.pick([0x61, 0x62, 0x61, 0x63]))) ],
    [2, () => Buffer.from(Array.from({ length: rng.int(4) }, () => rng.pick([0x00, 0x01, 0x61])))],
    [1, () => Buffer.concat([Buffer.alloc(rng.pick([40, 255, 300]), 0x78), Buffer.from(rng.pick(["", "a", "b"]))])],
    [rng.chance(0.05) ? 1 : 0, () => Buffer.alloc(rng.pick([4096, 65535]), 0x79)],
  ])();
}

function generate(rng) {
  const conf = rng.u32() & 0x1f;
  const ops = [];
  const n = rng.range(4, 60);
  const pool = Array.from({ length: rng.range(2, 6) }, () => topic(rng));
  for (let i = 0; i < n; i++) {
    const code = rng.weighted([[5, 0], [4, 1], [5, 2], [1, 3], [1, 4]]);
    const t = rng.chance(0.8) ? rng.pick(pool) : topic(rng);
    const pub = code === 2 || code === 3;
    ops.push({ code, arg: rng.u32() & 0xff, topic: pub && rng.chance(0.5) ? Buffer.concat([t, Buffer.from(rng.pick(["", "a", "b", "zz"]))]) : t });
  }
  return encode({ conf, ops });
}

function mutate(input, rng, donor) {
  const d = decode(input);
  const k = rng.int(7);
  if (k === 0) d.conf ^= 1 << rng.int(5);
  else if (k === 1 && d.ops.length) d.ops.splice(rng.int(d.ops.length), 1);
  else if (k === 2 && d.ops.length) { const i = rng.int(d.ops.length); d.ops.splice(i, 0, { ...d.ops[i], code: rng.int(5) }); }
  else if (k === 3 && d.ops.length) { const o = rng.pick(d.ops); o.topic = mutateBytes(o.topic, rng).subarray(0, 0xffff); }
  else if (k === 4 && d.ops.length) { const o = rng.pick(d.ops); o.arg = rng.u32() & 0xff; }
  else if (k === 5 && donor) { const o = decode(donor).ops; if (o.length) d.ops.splice(rng.int(d.ops.length + 1), 0, ...o.slice(rng.int(o.length)).slice(0, 8)); }
  else d.ops.push({ code: rng.int(5), arg: rng.u32() & 0xff, topic: topic(rng) });
  d.ops = d.ops.slice(0, MAX_OPS);
  return encode(d);
}

export default {
  name: "trie",
  description: "subscription model: SUB/XSUB and PUB/XPUB through raw pipes against a JS reference of the trie",
  generate,
  mutate,
  run(input) {
    const clock = new Clock();
    const core = new Core(3, { clock: clock.now, manualTimers: true });
    life(core, input);
    // A second life on the same core must leave the heap where the first did.
    const base = core.heapBytes;
    life(core, input);
    if (core.heapBytes !== base) throw new FuzzFailure("memory", `a second life of the same sequence left ${core.heapBytes - base} more raw bytes held`);
    const { conf, ops } = decode(input);
    const side = conf & 1 ? (conf & 2 ? "XPUB" : "PUB") : conf & 2 ? "XSUB" : "SUB";
    return [...new Set(ops.map((o) => `${side}:${o.code}:${Math.min(o.topic.length, 3)}`))];
  },
  describe(input) {
    const { conf, ops } = decode(input);
    return [`conf ${conf.toString(2).padStart(5, "0")}`, ...ops.map((o) => `${["subscribe", "cancel", "publish", "publish1", "reconnect"][o.code]} arg ${o.arg} ${hex(o.topic).slice(0, 80)}`)].join("\n");
  },
};
