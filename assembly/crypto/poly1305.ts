// Poly1305 one-time authenticator (RFC 8439 section 2.5; D. J. Bernstein,
// "The Poly1305-AES message-authentication code"), the onetimeauth of
// "Cryptography in NaCl". The arithmetic follows the 32-bit design of
// poly1305-donna: the accumulator h and the clamped key r in five 26-bit
// limbs, products in u64, and the reduction mod 2^130 - 5 folded in as a
// multiplication by 5 of the limbs that wrap past 2^130.
//
// Constant time: no branch or memory address depends on the key, the
// message bytes or the accumulator; the final "h mod p" picks between h and
// h - p with a mask. Only lengths (public) steer the loops.
//
// One authenticator is computed at a time (single-threaded core): init,
// update any number of times with any lengths, finish. The state is module
// globals, so the block loop works on locals and touches memory only for
// the message.

const MASK26: u32 = 0x3ffffff;

// r in 26-bit limbs, and 5·r1..5·r4 for the wrapped products.
let r0: u32 = 0, r1: u32 = 0, r2: u32 = 0, r3: u32 = 0, r4: u32 = 0;
let s1: u32 = 0, s2: u32 = 0, s3: u32 = 0, s4: u32 = 0;
// The accumulator, limbs kept below 2^26 (plus a little) between blocks.
let h0: u32 = 0, h1: u32 = 0, h2: u32 = 0, h3: u32 = 0, h4: u32 = 0;
// s, the second half of the key, added at the end.
let pad0: u32 = 0, pad1: u32 = 0, pad2: u32 = 0, pad3: u32 = 0;
// Bytes of a partial block waiting for the next update or for finish.
const PENDING = memory.data(16, 16);
let pending: usize = 0;

// key: 32 bytes, r ‖ s. r is clamped as the specification requires (top four
// bits of every fourth byte and bottom two of bytes 4, 8, 12 cleared); the
// clamping masks are spread over the five limbs.
export function polyInit(key: usize): void {
  r0 = load<u32>(key, 0) & 0x3ffffff;
  r1 = (load<u32>(key, 3) >> 2) & 0x3ffff03;
  r2 = (load<u32>(key, 6) >> 4) & 0x3ffc0ff;
  r3 = (load<u32>(key, 9) >> 6) & 0x3f03fff;
  r4 = (load<u32>(key, 12) >> 8) & 0x00fffff;
  s1 = r1 * 5; s2 = r2 * 5; s3 = r3 * 5; s4 = r4 * 5;
  h0 = 0; h1 = 0; h2 = 0; h3 = 0; h4 = 0;
  pad0 = load<u32>(key, 16); pad1 = load<u32>(key, 20);
  pad2 = load<u32>(key, 24); pad3 = load<u32>(key, 28);
  pending = 0;
}

// Absorbs `n` whole 16-byte blocks at m. hibit is 2^128 in limb 4's terms
// (1 << 24) for full blocks, 0 for the last, already padded, partial one.
function blocks(m: usize, n: usize, hibit: u32): void {
  let a0 = h0, a1 = h1, a2 = h2, a3 = h3, a4 = h4;
  let k0 = <u64>r0, k1 = <u64>r1, k2 = <u64>r2, k3 = <u64>r3, k4 = <u64>r4;
  let t1 = <u64>s1, t2 = <u64>s2, t3 = <u64>s3, t4 = <u64>s4;
  let end = m + (n << 4);
  while (m < end) {
    // h += block, the 128 bits cut at 26-bit boundaries (byte offsets 0, 3,
    // 6, 9, 12 are where those boundaries fall, give or take a shift).
    a0 += load<u32>(m, 0) & MASK26;
    a1 += (load<u32>(m, 3) >> 2) & MASK26;
    a2 += (load<u32>(m, 6) >> 4) & MASK26;
    a3 += (load<u32>(m, 9) >> 6) & MASK26;
    a4 += (load<u32>(m, 12) >> 8) | hibit;

    // h *= r mod 2^130 - 5: a limb product that lands at 2^130 or above is
    // brought down as ×5 (2^130 ≡ 5), hence the s = 5r limbs.
    let b0 = <u64>a0, b1 = <u64>a1, b2 = <u64>a2, b3 = <u64>a3, b4 = <u64>a4;
    let d0 = b0 * k0 + b1 * t4 + b2 * t3 + b3 * t2 + b4 * t1;
    let d1 = b0 * k1 + b1 * k0 + b2 * t4 + b3 * t3 + b4 * t2;
    let d2 = b0 * k2 + b1 * k1 + b2 * k0 + b3 * t4 + b4 * t3;
    let d3 = b0 * k3 + b1 * k2 + b2 * k1 + b3 * k0 + b4 * t4;
    let d4 = b0 * k4 + b1 * k3 + b2 * k2 + b3 * k1 + b4 * k0;

    // One carry pass is enough to keep every limb under 2^26 + a small
    // excess, which the next block's products have room for.
    let c: u64;
    c = d0 >> 26; a0 = <u32>d0 & MASK26; d1 += c;
    c = d1 >> 26; a1 = <u32>d1 & MASK26; d2 += c;
    c = d2 >> 26; a2 = <u32>d2 & MASK26; d3 += c;
    c = d3 >> 26; a3 = <u32>d3 & MASK26; d4 += c;
    c = d4 >> 26; a4 = <u32>d4 & MASK26;
    a0 += <u32>c * 5;
    a1 += a0 >> 26; a0 &= MASK26;
    m += 16;
  }
  h0 = a0; h1 = a1; h2 = a2; h3 = a3; h4 = a4;
}

export function polyUpdate(m: usize, len: usize): void {
  if (pending) {
    let take: usize = 16 - pending;
    if (take > len) take = len;
    memory.copy(PENDING + pending, m, take);
    pending += take;
    m += take;
    len -= take;
    if (pending < 16) return;
    blocks(PENDING, 1, 1 << 24);
    pending = 0;
  }
  let whole = len >> 4;
  if (whole) blocks(m, whole, 1 << 24);
  let rest = len & 15;
  if (rest) {
    memory.copy(PENDING, m + (whole << 4), rest);
    pending = rest;
  }
}

// Writes the 16-byte tag at out and wipes the state.
export function polyFinish(out: usize): void {
  if (pending) {
    // The last partial block gets a 1 byte after it and zeros, and no 2^128.
    store<u8>(PENDING + pending, 1);
    memory.fill(PENDING + pending + 1, 0, 15 - pending);
    blocks(PENDING, 1, 0);
  }
  // Full carry, so that every limb is below 2^26 and h < 2^130 + small.
  let a0 = h0, a1 = h1, a2 = h2, a3 = h3, a4 = h4;
  a2 += a1 >> 26; a1 &= MASK26;
  a3 += a2 >> 26; a2 &= MASK26;
  a4 += a3 >> 26; a3 &= MASK26;
  a0 += (a4 >> 26) * 5; a4 &= MASK26;
  a1 += a0 >> 26; a0 &= MASK26;

  // g = h + 5 - 2^130 = h - p. If that did not borrow, h ≥ p and g is the
  // reduced value. The choice is a mask built from g4's sign bit.
  let g0 = a0 + 5;
  let g1 = a1 + (g0 >> 26); g0 &= MASK26;
  let g2 = a2 + (g1 >> 26); g1 &= MASK26;
  let g3 = a3 + (g2 >> 26); g2 &= MASK26;
  let g4 = a4 + (g3 >> 26) - (1 << 26); g3 &= MASK26;
  let useG = (g4 >> 31) - 1;              // all ones when g4 did not go negative
  let useH = ~useG;
  a0 = (a0 & useH) | (g0 & useG);
  a1 = (a1 & useH) | (g1 & useG);
  a2 = (a2 & useH) | (g2 & useG);
  a3 = (a3 & useH) | (g3 & useG);
  a4 = (a4 & useH) | (g4 & useG);

  // h mod 2^128 as four words, plus s, carries kept in the top half of a u64.
  let w0 = a0 | (a1 << 26);
  let w1 = (a1 >> 6) | (a2 << 20);
  let w2 = (a2 >> 12) | (a3 << 14);
  let w3 = (a3 >> 18) | (a4 << 8);
  let f = <u64>w0 + pad0;
  store<u32>(out, <u32>f, 0);
  f = <u64>w1 + pad1 + (f >> 32);
  store<u32>(out, <u32>f, 4);
  f = <u64>w2 + pad2 + (f >> 32);
  store<u32>(out, <u32>f, 8);
  f = <u64>w3 + pad3 + (f >> 32);
  store<u32>(out, <u32>f, 12);

  r0 = r1 = r2 = r3 = r4 = 0;
  s1 = s2 = s3 = s4 = 0;
  h0 = h1 = h2 = h3 = h4 = 0;
  pad0 = pad1 = pad2 = pad3 = 0;
  memory.fill(PENDING, 0, 16);
  pending = 0;
}

// One-shot: out (16 bytes) = Poly1305_key(m[0..len)).
export function poly1305(out: usize, m: usize, len: usize, key: usize): void {
  polyInit(key);
  polyUpdate(m, len);
  polyFinish(out);
}
