// Seeded randomness for the network simulator. Every decision the simulator
// makes (fault schedule, link behaviour, what each application actor does)
// draws from one of these generators, and each generator is derived from
// (seed, label), so a run is a pure function of its inputs: removing one fault
// while shrinking changes what that fault touches, never the draws of an
// unrelated actor or link.
//
// The generator is Marsaglia's xorshift32 (three shifts), the same family the
// core uses; it is small, fast and good enough to pick faults and sizes.

/** A 32-bit hash of a string (FNV-1a), finished with a multiply-xorshift mix so close labels diverge. */
export function hash32(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  /** `seed` is any number or string; the generator state is its hash (never zero). */
  constructor(seed) {
    this.state = hash32(String(seed)) || 0x9e3779b9;
  }

  /** The seed of a child generator for `label`, independent of how much this one was used. */
  static derive(seed, ...labels) {
    return new Rng(`${seed}/${labels.join("/")}`);
  }

  u32() {
    let x = this.state;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.state = x;
    return x;
  }

  /** Uniform in [0, 1). */
  float() { return this.u32() / 4294967296; }

  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo, hi) { return lo + Math.floor(this.float() * (hi - lo + 1)); }

  chance(p) { return this.float() < p; }

  pick(arr) { return arr[Math.floor(this.float() * arr.length)]; }

  /** A key of `weights` ({ name: weight }), chosen in proportion to its weight. */
  weighted(weights) {
    const entries = Object.entries(weights).filter(([, w]) => w > 0);
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.float() * total;
    for (const [k, w] of entries) { if ((r -= w) < 0) return k; }
    return entries[entries.length - 1][0];
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle(arr) {
    const a = arr.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}
