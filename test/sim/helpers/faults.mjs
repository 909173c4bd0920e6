// Fault kinds, how a seed turns into a fault schedule, and what each fault
// does to the simulated network when it starts and ends.
//
// A schedule is a plain list of fault records, each with an id (its place
// in the seed's fault sequence), the step it starts at and, for windows, the
// step it ends at (the heal ends whatever is still in force). The simulator
// can run any subset of a schedule; that is how shrinking removes faults one
// by one and how a failure is replayed from its printed ids.
//
// Kinds (target: a pair of actors that talk, one actor, or hosts):
//   delay      window, pair   bytes arrive `latency` steps after they were written
//   split      window, pair   every read is cut into pieces of 1..max bytes
//   coalesce   window, pair   everything due is joined into one read
//   stall      window, pair   the readers stop reading (bytes held, not lost)
//   slow       window, actor  the application stops calling recv (and send): HWMs engage
//   partition  window, hosts  links across the cut stall, dials across it time out
//   halfopen   window, pair   one side loses the connection silently; the other's
//                             bytes vanish until its heartbeat gives up or the window
//                             ends in a reset
//   reset      instant, pair  the connection dies; both sides see the close
//   restart    instant, actor the socket is closed, then reopened and bound/connected
//                             again `down` steps later (a new incarnation)
//   jump       instant        the clock moves `ms` forward at once
//   dup, swap, drop   instant, pair   NOT legitimate faults: the link delivers one
//                             write twice, or before the write it followed, or not at
//                             all, while staying up. Only the deliberately broken
//                             scenarios use them, to show the invariants catch a
//                             network that breaks TCP's promises.
import { Rng } from "./rng.mjs";

export const WINDOW_KINDS = new Set(["delay", "split", "coalesce", "stall", "slow", "partition", "halfopen"]);

/**
 * The seed's endless fault sequence for a scenario: fault i starts a random
 * gap (mean `scenario.faultEvery` steps) after fault i-1, and its kind and
 * target come from a generator of its own. The schedule of a shorter run is
 * therefore a prefix of a longer one's and a fault keeps its id whatever the
 * run length, so a shrunk run replays with `--steps K --faults ids`.
 */
export function* faultStream(scenario, seed) {
  const gaps = Rng.derive(seed, "fault-gaps", scenario.name);
  const every = scenario.faultEvery ?? 60;
  let at = 0;
  for (let i = 0; ; i++) {
    at += gaps.int(1, 2 * every);
    yield makeFault(scenario, Rng.derive(seed, "fault", scenario.name, i), i, at);
  }
}

function makeFault(scenario, rng, id, at) {
  // A broken scenario always breaks its link once (its first fault), among ordinary ones.
  const kind = id === 0 && scenario.broken ? scenario.broken : rng.weighted(scenario.faults);
  const f = { id, kind, at };
  if (WINDOW_KINDS.has(kind)) f.until = at + rng.int(10, kind === "partition" ? 150 : 100);
  switch (kind) {
    case "delay": f.pair = rng.pick(scenario.edges); f.latency = rng.int(1, 15); break;
    case "split": f.pair = rng.pick(scenario.edges); f.max = rng.pick([1, 2, 3, 7, 16, 100]); break;
    case "coalesce": case "stall": case "reset": case "dup": case "swap": case "drop": f.pair = rng.pick(scenario.edges); break;
    case "halfopen": f.pair = rng.pick(scenario.edges); f.side = rng.pick(["dialer", "acceptor"]); break;
    case "slow": case "restart": f.actor = rng.pick(scenario.actors).name; if (kind === "restart") f.down = rng.int(0, 40); break;
    case "partition": {
      const hosts = scenario.hosts;
      const group = hosts.filter(() => rng.chance(0.5));
      f.group = group.length === 0 || group.length === hosts.length ? [hosts[0]] : group;
      break;
    }
    case "jump": f.ms = rng.pick(scenario.jumps ?? [1500, 5000, 12000, 40000]); break;
    default: throw new Error(`unknown fault kind ${kind}`);
  }
  return f;
}

/** The schedule of a `steps`-step run: the faults starting in its first 85 % (the last ones end before the heal). */
export function generateFaults(scenario, seed, steps) {
  const last = Math.max(2, Math.floor(steps * 0.85));
  const out = [];
  if (!scenario.broken && !Object.values(scenario.faults).some((w) => w > 0)) return out;
  for (const f of faultStream(scenario, seed)) {
    if (f.at > last) return out;
    out.push(f);
  }
  return out;
}

/** Faults of the seed's sequence by id (a replay of a shrunk schedule). */
export function faultsById(scenario, seed, ids) {
  const want = new Set(ids);
  const max = Math.max(-1, ...ids);
  const out = [];
  for (const f of faultStream(scenario, seed)) {
    if (f.id > max) return out;
    if (want.has(f.id)) out.push(f);
  }
  return out;
}

/** One line naming a fault, for traces and reports. */
export function describe(f) {
  const win = f.until !== undefined ? ` steps ${f.at}-${f.until}` : ` step ${f.at}`;
  const tgt = f.pair ? ` ${f.pair.join("<->")}` : f.actor ? ` ${f.actor}` : f.group ? ` {${f.group.join(",")}} | rest` : "";
  const extra = f.latency ? ` latency ${f.latency}` : f.max ? ` pieces ≤${f.max}B` : f.side ? ` (${f.side} loses it)` :
    f.ms ? ` +${f.ms} ms` : f.down !== undefined ? ` down ${f.down} steps` : "";
  return `#${f.id} ${f.kind}${tgt}${extra}${win}`;
}

/** Starts fault `f` on the simulator. */
export function startFault(sim, f) {
  sim.trace("fault", `start ${describe(f)}`);
  switch (f.kind) {
    case "delay": case "split": case "coalesce": case "stall": case "slow": case "partition":
      sim.active.push(f);
      break;
    case "halfopen": {
      f.links = [];
      for (const l of sim.net.linksBetween(f.pair[0], f.pair[1])) {
        if (l.a.closed || l.b.closed) continue;
        sim.net.halfOpen(l, f.side === "dialer" ? l.a : l.b);
        f.links.push(l);
      }
      sim.active.push(f);
      break;
    }
    case "reset":
      for (const l of sim.net.linksBetween(f.pair[0], f.pair[1])) sim.net.reset(l, `fault #${f.id}`);
      break;
    case "restart": {
      const a = sim.actor(f.actor);
      if (!a.up) break;
      a.stop();
      sim.later(sim.step + f.down, () => { if (!a.up) a.start(); });
      break;
    }
    case "jump":
      sim.t += f.ms;
      break;
    case "dup": case "swap": case "drop":
      sim.armBroken(f.pair, f.kind);
      break;
    default:
      throw new Error(`unknown fault kind ${f.kind}`);
  }
  sim.profileStep = -1;
}

/** Ends window fault `f` (on schedule, or at the heal). */
export function endFault(sim, f) {
  const i = sim.active.indexOf(f);
  if (i < 0) return;
  sim.active.splice(i, 1);
  sim.trace("fault", `end #${f.id} ${f.kind}`);
  if (f.kind === "halfopen") {
    // The side that still believed in the connection finally gets an RST.
    for (const l of f.links) {
      for (const e of [l.a, l.b]) if (!e.closed) { e.blackhole = false; sim.net.closeEnd(e, `reset after half-open #${f.id}`); }
    }
  }
  sim.profileStep = -1;
}
