// The simulated topologies: which actors (roles) live on which host (core),
// who binds and who connects where, which faults a seed may draw and with
// what weight, and the per-run configuration (HWMs, heartbeats, intervals)
// the seed picks. "-clean" scenarios draw only faults that may delay but
// never lose (latency, splits, coalescing, slow readers, stalls, partitions
// without heartbeats): there every message must arrive, once and in order,
// and no connection may die.
//
// Addresses are names in the simulator's address space; "ipc://" ones give
// SP sockets the IPC framing ([0x01][size][payload]) on both ends.
import { pairKey } from "./net.mjs";

const CLEAN = { delay: 3, split: 3, coalesce: 2, slow: 3, stall: 2, partition: 1, jump: 1 };
const ALL = { ...CLEAN, reset: 2, halfopen: 2, restart: 2, jump: 1 };

function conf(rng, over = {}) {
  return {
    sndhwm: rng.pick([2, 5, 10, 50, 1000]),
    rcvhwm: rng.pick([2, 5, 10, 50, 1000]),
    reconnectIvl: rng.pick([10, 30, 100]),
    reconnectIvlMax: rng.pick([0, 400]),
    heartbeatIvl: 0,
    heartbeatTimeout: 0,
    heartbeatTtl: 0,
    rate: rng.pick([0.3, 0.6, 0.9]),
    bigP: rng.pick([0, 0.02]),
    subChange: 0.03,
    handover: rng.chance(0.5),
    resendIvl: rng.pick([150, 500]),
    abandonMs: 3000,
    retryMs: rng.pick([150, 400]),
    surveyTime: rng.pick([150, 300]),
    ...over,
  };
}

/** ZMTP runs with heartbeats most of the time: they are what notices a half-open connection. */
function lossyZmtp(rng) {
  const c = conf(rng);
  const hb = rng.chance(0.7) ? rng.pick([40, 100]) : 0;
  // Half the time the PINGs also carry a TTL: the peer then times out too.
  return { ...c, heartbeatIvl: hb, heartbeatTimeout: hb * 3, heartbeatTtl: rng.chance(0.5) ? hb * 4 : 0 };
}

const pushPull = (p) => [
  { name: "p1", host: "A", role: `push${p}`, bind: [p ? "ipc://p1" : "tcp://p1"] },
  { name: "l1", host: "B", role: `pull${p}`, bind: ["tcp://l1"], connect: [p ? "ipc://p1" : "tcp://p1"] },
  { name: "l2", host: "B", role: `pull${p}`, bind: ["tcp://l2"], connect: [p ? "ipc://p1" : "tcp://p1"] },
  { name: "l3", host: "C", role: `pull${p}`, bind: ["tcp://l3"], connect: [p ? "ipc://p1" : "tcp://p1"] },
  { name: "p2", host: "C", role: `push${p}`, connect: ["tcp://l1", "tcp://l2", "tcp://l3"] },
];

const LIST = [
  {
    name: "zmq-pushpull-clean",
    title: "ZMTP PUSH/PULL under splits, latency, stalls, partitions and slow readers",
    hosts: ["A", "B", "C"], actors: pushPull(""), faults: CLEAN, jumps: [500, 2000], stable: true,
    conf: (rng) => conf(rng),
  },
  {
    name: "zmq-pushpull",
    title: "ZMTP PUSH/PULL under every fault",
    hosts: ["A", "B", "C"], actors: pushPull(""), faults: ALL, conf: lossyZmtp,
  },
  {
    name: "zmq-reqrep",
    title: "ZMTP REQ (relaxed, correlated, retrying) to two REPs",
    hosts: ["A", "B", "C"],
    actors: [
      { name: "w1", host: "C", role: "rep", bind: ["tcp://w1"] },
      { name: "w2", host: "C", role: "rep", bind: ["tcp://w2"] },
      { name: "c1", host: "A", role: "req", connect: ["tcp://w1", "tcp://w2"] },
      { name: "c2", host: "A", role: "req", connect: ["tcp://w1", "tcp://w2"] },
      { name: "c3", host: "B", role: "req", connect: ["tcp://w2", "tcp://w1"] },
    ],
    faults: ALL, conf: lossyZmtp,
  },
  {
    name: "zmq-broker",
    title: "ZMTP REQ → ROUTER/DEALER broker → REP",
    hosts: ["A", "B", "C"],
    actors: [
      { name: "b", host: "B", role: "broker", bind: ["tcp://front", "tcp://back"] },
      { name: "w1", host: "C", role: "rep", connect: ["tcp://back"] },
      { name: "w2", host: "C", role: "rep", connect: ["tcp://back"] },
      { name: "c1", host: "A", role: "req", connect: ["tcp://front"] },
      { name: "c2", host: "A", role: "req", connect: ["tcp://front"] },
      { name: "c3", host: "C", role: "req", connect: ["tcp://front"] },
    ],
    faults: ALL, conf: lossyZmtp,
  },
  {
    name: "zmq-pubsub",
    title: "ZMTP PUB/SUB with subscriptions changing over time",
    hosts: ["A", "B", "C"],
    actors: [
      { name: "pub1", host: "A", role: "pub", bind: ["tcp://pub1"] },
      { name: "s3", host: "C", role: "sub", bind: ["tcp://s3"] },
      { name: "pub2", host: "B", role: "pub", bind: ["tcp://pub2"], connect: ["tcp://s3"] },
      { name: "s1", host: "B", role: "sub", connect: ["tcp://pub1", "tcp://pub2"] },
      { name: "s2", host: "C", role: "sub", connect: ["tcp://pub2", "tcp://pub1"] },
    ],
    faults: ALL, conf: lossyZmtp,
  },
  {
    name: "zmq-routing",
    title: "ZMTP ROUTER and four DEALERs routed by identity",
    hosts: ["A", "B", "C"],
    actors: [
      { name: "r", host: "A", role: "router", bind: ["tcp://r"], dealers: ["d1", "d2", "d3", "d4"] },
      { name: "d1", host: "B", role: "dealer", id: "d1", connect: ["tcp://r"] },
      { name: "d2", host: "B", role: "dealer", id: "d2", connect: ["tcp://r"] },
      { name: "d3", host: "C", role: "dealer", id: "d3", connect: ["tcp://r"] },
      { name: "d4", host: "C", role: "dealer", id: "d4", connect: ["tcp://r"] },
    ],
    faults: ALL, conf: lossyZmtp,
  },
  {
    name: "sp-reqrep",
    title: "SP REQ0 (resending) to two REP0s over tcp and ipc",
    hosts: ["A", "B", "C"],
    actors: [
      { name: "w1", host: "C", role: "rep0", bind: ["tcp://w1"] },
      { name: "w2", host: "B", role: "rep0", bind: ["ipc://w2"] },
      { name: "c1", host: "A", role: "req0", connect: ["tcp://w1", "ipc://w2"] },
      { name: "c2", host: "A", role: "req0", connect: ["ipc://w2", "tcp://w1"] },
      { name: "c3", host: "B", role: "req0", connect: ["tcp://w1", "ipc://w2"] },
    ],
    faults: ALL, conf: (rng) => conf(rng),
  },
  {
    name: "sp-pushpull-clean",
    title: "SP PUSH0/PULL0 under splits, latency, stalls, partitions and slow readers",
    hosts: ["A", "B", "C"], actors: pushPull("0"), faults: CLEAN, jumps: [500, 2000], stable: true,
    conf: (rng) => conf(rng),
  },
  {
    name: "sp-pushpull",
    title: "SP PUSH0/PULL0 under every fault",
    hosts: ["A", "B", "C"], actors: pushPull("0"), faults: ALL, conf: (rng) => conf(rng),
  },
  {
    name: "sp-pubsub",
    title: "SP PUB0/SUB0 with subscriptions changing over time",
    hosts: ["A", "B", "C"],
    actors: [
      { name: "pub1", host: "A", role: "pub0", bind: ["tcp://pub1"] },
      { name: "pub2", host: "B", role: "pub0", bind: ["ipc://pub2"] },
      { name: "s1", host: "B", role: "sub0", connect: ["tcp://pub1", "ipc://pub2"] },
      { name: "s2", host: "C", role: "sub0", connect: ["ipc://pub2", "tcp://pub1"] },
      { name: "s3", host: "C", role: "sub0", connect: ["tcp://pub1"] },
    ],
    faults: ALL, conf: (rng) => conf(rng),
  },
  {
    name: "sp-survey",
    title: "SP SURVEYOR0 and three RESPONDENT0s",
    hosts: ["A", "B", "C"],
    actors: [
      { name: "sv", host: "A", role: "surveyor0", bind: ["tcp://sv", "ipc://sv"] },
      { name: "r1", host: "B", role: "respondent0", connect: ["tcp://sv"] },
      { name: "r2", host: "C", role: "respondent0", connect: ["tcp://sv"] },
      { name: "r3", host: "C", role: "respondent0", connect: ["ipc://sv"] },
    ],
    faults: ALL, conf: (rng) => conf(rng, { rate: 0.2 }),
  },
  {
    name: "sp-pair1",
    title: "SP PAIR1, both peers streaming",
    hosts: ["A", "B"],
    actors: [
      { name: "a", host: "A", role: "pair1", bind: ["ipc://pair"] },
      { name: "b", host: "B", role: "pair1", connect: ["ipc://pair"] },
    ],
    faults: ALL, conf: (rng) => conf(rng),
  },
  {
    name: "sp-bus",
    title: "SP BUS0, a full mesh of four nodes",
    hosts: ["A", "B", "C"],
    actors: [
      { name: "n1", host: "A", role: "bus0", bind: ["tcp://n1"] },
      { name: "n2", host: "B", role: "bus0", bind: ["tcp://n2"], connect: ["tcp://n1"] },
      { name: "n3", host: "C", role: "bus0", bind: ["ipc://n3"], connect: ["tcp://n1", "tcp://n2"] },
      { name: "n4", host: "C", role: "bus0", connect: ["tcp://n1", "tcp://n2", "ipc://n3"] },
    ],
    faults: ALL, conf: (rng) => conf(rng, { rate: 0.3 }),
  },
  // Deliberately broken: the link itself duplicates, reorders or drops one
  // write while staying up. Not run by default; the tests use them to show a
  // network that breaks TCP's promises is caught, shrunk and replayed
  // identically.
  ...[["dup", "duplicates"], ["swap", "reorders"], ["drop", "silently drops"]].map(([kind, verb]) => ({
    name: `broken-${kind}-link`,
    title: `ZMTP PUSH/PULL over a link that ${verb} one write (must be detected)`,
    hosts: ["A", "B", "C"], actors: pushPull(""), faults: { delay: 1, split: 1 }, faultEvery: 150, broken: kind,
    conf: (rng) => conf(rng, { sndhwm: 1000, rcvhwm: 1000, rate: 0.9 }),
  })),
];

// Who talks to whom: the actor pairs a pair-targeted fault may pick.
for (const s of LIST) {
  const owner = new Map();
  for (const a of s.actors) for (const addr of a.bind ?? []) owner.set(addr, a.name);
  const seen = new Set();
  s.edges = [];
  for (const a of s.actors) {
    for (const addr of a.connect ?? []) {
      const b = owner.get(addr);
      if (!b) throw new Error(`${s.name}: ${a.name} connects to ${addr}, which nobody binds`);
      const k = pairKey(a.name, b);
      if (!seen.has(k)) { seen.add(k); s.edges.push([a.name, b]); }
    }
  }
}

export const SCENARIOS = Object.fromEntries(LIST.map((s) => [s.name, s]));
/** The scenarios a plain `npm run sim` (and the test suite's sweep) runs. */
export const DEFAULT_SCENARIOS = LIST.filter((s) => !s.broken).map((s) => s.name);
