// A small seeded PRNG for the fuzzers. Every random choice a target, mutator
// or runner makes goes through one of these, so a run is fully determined by
// its seed: a failure found at input #N of seed S is found again by rerunning
// seed S, and a test's bounded run is the same run every time.
//
// The generator is sfc32 seeded through splitmix32: fast, 32-bit, and good
// enough for choosing bytes and cut points (this is not cryptography).

function splitmix32(a) {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  constructor(seed = 1) {
    const sm = splitmix32(seed >>> 0);
    this.a = sm(); this.b = sm(); this.c = sm(); this.d = sm();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32() {
    let { a, b, c, d } = this;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    this.a = a; this.b = b; this.c = c; this.d = d;
    return t >>> 0;
  }

  /** An integer in [0, n). */
  int(n) { return n <= 1 ? 0 : this.u32() % n; }
  /** An integer in [lo, hi]. */
  range(lo, hi) { return lo + this.int(hi - lo + 1); }
  /** True with probability p. */
  chance(p) { return this.u32() < p * 4294967296; }
  /** One element of a non-empty array. */
  pick(a) { return a[this.int(a.length)]; }
  /** One element, chosen with the given weights ([[weight, value], ...]). */
  weighted(pairs) {
    let total = 0;
    for (const [w] of pairs) total += w;
    let r = this.int(total);
    for (const [w, v] of pairs) { if (r < w) return v; r -= w; }
    return pairs[pairs.length - 1][1];
  }
  /** n random bytes. */
  bytes(n) {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
  /** A small size, biased towards the short end (most interesting bugs need few bytes). */
  size(max = 64) { return this.chance(0.7) ? this.int(Math.min(max, 8) + 1) : this.int(max + 1); }
  /** A child generator: its own stream, derived from this one. */
  fork() { return new Rng(this.u32()); }
}

/** A stable 32-bit hash of a string or bytes (FNV-1a), for seeds and names. */
export function hash32(x) {
  const b = typeof x === "string" ? Buffer.from(x) : x;
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) { h ^= b[i]; h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}
