// Deterministic PRNG (xorshift32), seeded by the host at init.
let state: u32 = 0x9e3779b9;

export function seed(s: u32): void { state = s ? s : 0x9e3779b9; }

export function nextU32(): u32 {
  let x = state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  state = x;
  return x;
}
