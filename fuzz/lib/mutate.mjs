// Mutators: byte-level ones that know nothing of the wire (bit flips,
// interesting values, inserted/deleted/duplicated ranges, huge sizes), unit-
// level ones that work on tokenized frames or SP messages (flags, lying
// lengths, truncation, duplication, reordering, splicing between steps), and
// scenario-level ones (steps deleted, duplicated, moved, re-targeted,
// spliced in from another input, configuration bytes changed).
//
// A target supplies its tokenizer and generators; mutateScenario() stacks a
// few mutations, each chosen at random, on a copy of the input.
import { cloneScenario, OP, SLOTS, STEP_MAX } from "./scenario.mjs";
import { HUGE_SIZES, sizeField, LONG } from "./wire.mjs";

const INTERESTING8 = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x7f, 0x80, 0xfe, 0xff, 0x53, 0x50, 0x10, 0x20, 0x40];

/** One byte-level mutation of `b` (a new Buffer). */
export function mutateBytes(b, rng) {
  b = Buffer.from(b);
  const pos = () => rng.int(b.length + 1);
  switch (rng.int(10)) {
    case 0: if (b.length) { const i = rng.int(b.length); b[i] ^= 1 << rng.int(8); } return b;
    case 1: if (b.length) b[rng.int(b.length)] = rng.pick(INTERESTING8); return b;
    case 2: { const i = pos(); return Buffer.concat([b.subarray(0, i), rng.bytes(rng.range(1, 8)), b.subarray(i)]); }
    case 3: { if (!b.length) return b; const i = rng.int(b.length); const n = rng.range(1, Math.min(16, b.length - i)); return Buffer.concat([b.subarray(0, i), b.subarray(i + n)]); }
    case 4: { if (!b.length) return b; const i = rng.int(b.length); const n = rng.range(1, Math.min(32, b.length - i)); const j = pos(); return Buffer.concat([b.subarray(0, j), b.subarray(i, i + n), b.subarray(j)]); }
    case 5: { // a huge or boundary 64-bit size written over the bytes at a random place
      const s = sizeField(rng.pick(HUGE_SIZES), true);
      const i = pos();
      return Buffer.concat([b.subarray(0, i), s, b.subarray(Math.min(b.length, i + (rng.chance(0.5) ? 8 : 0)))]);
    }
    case 6: return b.subarray(0, rng.int(b.length + 1));
    case 7: return Buffer.concat([b, rng.bytes(rng.range(1, 16))]);
    case 8: if (b.length) { const i = rng.int(b.length); b[i] = (b[i] + rng.pick([1, -1, 2, -2, 16, -16])) & 0xff; } return b;
    default: { // repeat a range many times (lengths, frame counts and loops get exercised)
      if (!b.length) return b;
      const i = rng.int(b.length);
      const n = rng.range(1, Math.min(12, b.length - i));
      const piece = b.subarray(i, i + n);
      const k = rng.range(2, 64);
      return Buffer.concat([b.subarray(0, i), ...new Array(k).fill(piece), b.subarray(i + n)]).subarray(0, STEP_MAX);
    }
  }
}

/**
 * Unit-list mutations shared by the ZMTP and SP tokenizations. `kind` names
 * the unit kind that carries a length ("frame" or "msg"); `bodyOf`/`setBody`
 * reach its body; `special` is the target's own list of unit mutators.
 */
export function mutateUnits(units, rng, { kind, bodyOf, setBody, special = [], donors = [] }) {
  units = units.slice();
  const idx = () => rng.int(units.length);
  const sized = units.map((u, i) => [u, i]).filter(([u]) => u.kind === kind);
  const choice = rng.int(9 + special.length);
  switch (choice) {
    case 0: if (units.length) units.splice(idx(), 1); return units;
    case 1: if (units.length) { const i = idx(); units.splice(i, 0, structuredCloneUnit(units[i])); } return units;
    case 2: if (units.length > 1) { const i = idx(); const j = idx(); [units[i], units[j]] = [units[j], units[i]]; } return units;
    case 3: { // reorder: shuffle a window
      const i = idx(); const n = Math.min(units.length - i, rng.range(2, 5));
      const w = units.slice(i, i + n);
      for (let k = w.length - 1; k > 0; k--) { const j = rng.int(k + 1); [w[k], w[j]] = [w[j], w[k]]; }
      units.splice(i, n, ...w);
      return units;
    }
    case 4: { // lie about a length: off by a little, or a huge/boundary value
      if (!sized.length) return units;
      const [u] = rng.pick(sized);
      const real = BigInt(bodyOf(u).length);
      const v = rng.chance(0.5) ? rng.pick(HUGE_SIZES) : BigInt.asUintN(64, real + BigInt(rng.pick([-2, -1, 1, 2, 7, 256])));
      u.size = sizeField(v, u.size.length === 8 || v > 255n);
      if (u.flags !== undefined && u.size.length === 8) u.flags |= LONG;
      return units;
    }
    case 5: { // truncate a body (its claimed size stays)
      if (!sized.length) return units;
      const [u] = rng.pick(sized);
      const b = bodyOf(u);
      setBody(u, b.subarray(0, rng.int(b.length + 1)), false);
      return units;
    }
    case 6: { // mutate a body's bytes, keeping its size field honest or not
      if (!sized.length) return units;
      const [u] = rng.pick(sized);
      setBody(u, mutateBytes(bodyOf(u), rng), rng.chance(0.7));
      return units;
    }
    case 7: { // splice a unit in from another step or input
      if (!donors.length) return units;
      const d = rng.pick(donors);
      if (!d.length) return units;
      units.splice(rng.int(units.length + 1), 0, structuredCloneUnit(rng.pick(d)));
      return units;
    }
    case 8: { // a run of copies of one unit (frame counts, queue lengths)
      if (!units.length) return units;
      const i = idx();
      const k = rng.range(2, 40);
      units.splice(i, 0, ...Array.from({ length: k }, () => structuredCloneUnit(units[i])));
      return units;
    }
    default:
      return special[choice - 9](units, rng) ?? units;
  }
}

export function structuredCloneUnit(u) {
  const c = { ...u };
  for (const k of ["bytes", "size", "body", "payload"]) if (c[k]) c[k] = Buffer.from(c[k]);
  return c;
}

/**
 * Stacks 1–4 mutations on a copy of `sc`. hooks:
 *   mutateIn(data, rng, ctx)  a structure-aware mutation of one IN step's data
 *   genStep(rng, sc)          a fresh, plausible step
 *   confBytes                 how many configuration bytes the target reads
 *   donor                     another scenario to splice steps from (optional)
 */
export function mutateScenario(sc, rng, hooks) {
  const out = cloneScenario(sc);
  const n = rng.weighted([[5, 1], [3, 2], [2, 3], [1, 4]]);
  for (let k = 0; k < n; k++) mutateOnce(out, rng, hooks);
  if (!out.steps.length) out.steps.push(hooks.genStep(rng, out));
  return out;
}

function mutateOnce(sc, rng, hooks) {
  const steps = sc.steps;
  const ins = steps.filter((s) => s.op === OP.IN);
  const r = rng.int(100);
  if (r < 40 && ins.length) {
    const s = rng.pick(ins);
    const donors = ins.filter((x) => x !== s).map((x) => x.data);
    s.data = (rng.chance(0.75) ? hooks.mutateIn(s.data, rng, { donors, sc }) : mutateBytes(s.data, rng)).subarray(0, STEP_MAX);
    return;
  }
  if (r < 48) { // configuration: a type, an option, a framing
    while (sc.conf.length < hooks.confBytes) sc.conf = Buffer.concat([sc.conf, Buffer.from([0])]);
    const i = rng.int(hooks.confBytes);
    sc.conf[i] = rng.chance(0.5) ? sc.conf[i] ^ (1 << rng.int(8)) : rng.u32() & 0xff;
    return;
  }
  if (r < 56 && steps.length) { steps.splice(rng.int(steps.length), 1); return; }
  if (r < 64 && steps.length) { const i = rng.int(steps.length); steps.splice(i + 1, 0, { ...steps[i], data: Buffer.from(steps[i].data) }); return; }
  if (r < 70 && steps.length > 1) { const i = rng.int(steps.length); const [s] = steps.splice(i, 1); steps.splice(rng.int(steps.length + 1), 0, s); return; }
  if (r < 76 && steps.length) { const s = rng.pick(steps); s.pipe = rng.int(SLOTS); return; }
  if (r < 82 && ins.length) { // split one IN step in two, or merge two neighbours of one pipe
    const i = steps.indexOf(rng.pick(ins));
    const s = steps[i];
    const nx = steps[i + 1];
    if (nx && nx.op === OP.IN && nx.pipe === s.pipe && rng.chance(0.5)) {
      s.data = Buffer.concat([s.data, nx.data]).subarray(0, STEP_MAX);
      steps.splice(i + 1, 1);
    } else if (s.data.length > 1) {
      const at = rng.range(1, s.data.length - 1);
      steps.splice(i + 1, 0, { op: OP.IN, pipe: s.pipe, data: Buffer.from(s.data.subarray(at)) });
      s.data = Buffer.from(s.data.subarray(0, at));
    }
    return;
  }
  if (r < 90 && hooks.donor && hooks.donor.steps.length) { // splice steps from another input
    const d = hooks.donor.steps;
    const from = rng.int(d.length);
    const take = d.slice(from, from + rng.range(1, 4)).map((s) => ({ ...s, data: Buffer.from(s.data) }));
    steps.splice(rng.int(steps.length + 1), 0, ...take);
    return;
  }
  if (r < 95 && steps.length) { // a non-IN step's data (send frames, tick length, recv count, topic)
    const s = rng.pick(steps);
    s.data = mutateBytes(s.data, rng).subarray(0, STEP_MAX);
    return;
  }
  steps.splice(rng.int(steps.length + 1), 0, hooks.genStep(rng, sc));
}
