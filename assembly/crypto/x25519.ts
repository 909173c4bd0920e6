// X25519 (RFC 7748): scalar multiplication on Curve25519 with the Montgomery
// ladder of RFC 7748 section 5, over GF(2^255 - 19).
//
// The field arithmetic is the radix-2^25.5 representation of the ref10 /
// SUPERCOP design (as used by libsodium): ten signed limbs alternating 26 and
// 25 bits, limb i weighted 2^ceil(25.5·i), products in i64. Wasm has no
// 64×64→128 multiply, so this is the widest limb layout whose schoolbook
// products and sums stay inside an i64.
//
// Constant time: the ladder runs all 255 steps whatever the scalar, swaps
// with an xor mask (never a branch or a secret-dependent address), and the
// inversion is a fixed addition chain. Low-order inputs are not rejected
// here: they give the all-zero result, which the caller may check for.
//
// A field element is 10 × i32 (40 bytes) in static scratch; every function
// takes pointers and may be called with the output equal to an input.

@inline const FE: usize = 40;

// Ladder registers and temporaries, in one static block.
const AREA = memory.data(<i32>(FE * 18), 16);
const X1 = AREA;
const X2 = AREA + FE;
const Z2 = AREA + FE * 2;
const X3 = AREA + FE * 3;
const Z3 = AREA + FE * 4;
const TA = AREA + FE * 5;
const TB = AREA + FE * 6;
const AA = AREA + FE * 7;
const BB = AREA + FE * 8;
const TE = AREA + FE * 9;
const DA = AREA + FE * 10;
const CB = AREA + FE * 11;
// Inversion temporaries.
const I0 = AREA + FE * 12;
const I1 = AREA + FE * 13;
const I2 = AREA + FE * 14;
const I3 = AREA + FE * 15;
// The clamped scalar.
const SCALAR = AREA + FE * 16;

// Normalises ten i64 limb sums into the output ranges (|even| ≤ 2^25,
// |odd| ≤ 2^24, plus a little on limb 1) and stores them. Each carry rounds
// to nearest (adds half the limb before shifting) so limbs stay signed and
// small; the carry out of limb 9 re-enters at limb 0 times 19, because
// 2^255 ≡ 19. The order interleaves two chains (from 0 and from 4) so that
// they can run side by side.
@inline function carryStore(h: usize,
    h0: i64, h1: i64, h2: i64, h3: i64, h4: i64,
    h5: i64, h6: i64, h7: i64, h8: i64, h9: i64): void {
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i32>(h, <i32>h0, 0); store<i32>(h, <i32>h1, 4);
  store<i32>(h, <i32>h2, 8); store<i32>(h, <i32>h3, 12);
  store<i32>(h, <i32>h4, 16); store<i32>(h, <i32>h5, 20);
  store<i32>(h, <i32>h6, 24); store<i32>(h, <i32>h7, 28);
  store<i32>(h, <i32>h8, 32); store<i32>(h, <i32>h9, 36);
}

@inline function limb(f: usize, i: usize): i64 { return <i64>load<i32>(f + (i << 2)); }

// h = f · g. Schoolbook: the product of limbs i and j lands at limb i + j,
// doubled when both are odd (two half bits make a whole one) and times 19
// when i + j ≥ 10 (it wrapped past 2^255).
function feMul(h: usize, f: usize, g: usize): void {
  let f0 = limb(f, 0), f1 = limb(f, 1), f2 = limb(f, 2), f3 = limb(f, 3), f4 = limb(f, 4);
  let f5 = limb(f, 5), f6 = limb(f, 6), f7 = limb(f, 7), f8 = limb(f, 8), f9 = limb(f, 9);
  let g0 = limb(g, 0), g1 = limb(g, 1), g2 = limb(g, 2), g3 = limb(g, 3), g4 = limb(g, 4);
  let g5 = limb(g, 5), g6 = limb(g, 6), g7 = limb(g, 7), g8 = limb(g, 8), g9 = limb(g, 9);
  let u1 = g1 * 19, u2 = g2 * 19, u3 = g3 * 19, u4 = g4 * 19, u5 = g5 * 19;
  let u6 = g6 * 19, u7 = g7 * 19, u8 = g8 * 19, u9 = g9 * 19;
  let d1 = f1 << 1, d3 = f3 << 1, d5 = f5 << 1, d7 = f7 << 1, d9 = f9 << 1;

  let h0 = f0 * g0 + d1 * u9 + f2 * u8 + d3 * u7 + f4 * u6 + d5 * u5 + f6 * u4 + d7 * u3 + f8 * u2 + d9 * u1;
  let h1 = f0 * g1 + f1 * g0 + f2 * u9 + f3 * u8 + f4 * u7 + f5 * u6 + f6 * u5 + f7 * u4 + f8 * u3 + f9 * u2;
  let h2 = f0 * g2 + d1 * g1 + f2 * g0 + d3 * u9 + f4 * u8 + d5 * u7 + f6 * u6 + d7 * u5 + f8 * u4 + d9 * u3;
  let h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * u9 + f5 * u8 + f6 * u7 + f7 * u6 + f8 * u5 + f9 * u4;
  let h4 = f0 * g4 + d1 * g3 + f2 * g2 + d3 * g1 + f4 * g0 + d5 * u9 + f6 * u8 + d7 * u7 + f8 * u6 + d9 * u5;
  let h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * u9 + f7 * u8 + f8 * u7 + f9 * u6;
  let h6 = f0 * g6 + d1 * g5 + f2 * g4 + d3 * g3 + f4 * g2 + d5 * g1 + f6 * g0 + d7 * u9 + f8 * u8 + d9 * u7;
  let h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * u9 + f9 * u8;
  let h8 = f0 * g8 + d1 * g7 + f2 * g6 + d3 * g5 + f4 * g4 + d5 * g3 + f6 * g2 + d7 * g1 + f8 * g0 + d9 * u9;
  let h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
  carryStore(h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
}

// h = f². The same products as feMul with f = g, each unordered pair taken
// once and doubled: 55 multiplications instead of 100.
function feSq(h: usize, f: usize): void {
  let f0 = limb(f, 0), f1 = limb(f, 1), f2 = limb(f, 2), f3 = limb(f, 3), f4 = limb(f, 4);
  let f5 = limb(f, 5), f6 = limb(f, 6), f7 = limb(f, 7), f8 = limb(f, 8), f9 = limb(f, 9);
  // Doubled limbs, and the wrapped ones pre-multiplied: ×19, or ×38 for the
  // odd limbs (19 and the odd-odd doubling at once).
  let e0 = f0 << 1, e1 = f1 << 1, e2 = f2 << 1, e3 = f3 << 1, e4 = f4 << 1;
  let e5 = f5 << 1, e6 = f6 << 1, e7 = f7 << 1;
  let v5 = f5 * 38, v6 = f6 * 19, v7 = f7 * 38, v8 = f8 * 19, v9 = f9 * 38;

  let h0 = f0 * f0 + e1 * v9 + e2 * v8 + e3 * v7 + e4 * v6 + f5 * v5;
  let h1 = e0 * f1 + f2 * v9 + e3 * v8 + f4 * v7 + e5 * v6;
  let h2 = e0 * f2 + e1 * f1 + e3 * v9 + e4 * v8 + e5 * v7 + f6 * v6;
  let h3 = e0 * f3 + e1 * f2 + f4 * v9 + e5 * v8 + f6 * v7;
  let h4 = e0 * f4 + e1 * e3 + f2 * f2 + e5 * v9 + e6 * v8 + f7 * v7;
  let h5 = e0 * f5 + e1 * f4 + e2 * f3 + f6 * v9 + e7 * v8;
  let h6 = e0 * f6 + e1 * e5 + e2 * f4 + e3 * f3 + e7 * v9 + f8 * v8;
  let h7 = e0 * f7 + e1 * f6 + e2 * f5 + e3 * f4 + f8 * v9;
  let h8 = e0 * f8 + e1 * e7 + e2 * f6 + e3 * e5 + f4 * f4 + f9 * v9;
  let h9 = e0 * f9 + e1 * f8 + e2 * f7 + e3 * f6 + e4 * f5;
  carryStore(h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
}

// h = f · n for a small constant n (121666 in the ladder, 9 for the base point).
function feMulSmall(h: usize, f: usize, n: i64): void {
  carryStore(h,
    limb(f, 0) * n, limb(f, 1) * n, limb(f, 2) * n, limb(f, 3) * n, limb(f, 4) * n,
    limb(f, 5) * n, limb(f, 6) * n, limb(f, 7) * n, limb(f, 8) * n, limb(f, 9) * n);
}

// Additions and subtractions are limb-wise with no carry: their inputs are
// always fresh products (|limb| ≤ 2^25.01), so the results stay within what
// feMul and feSq accept (|limb| ≤ 1.65·2^26).
@inline function feAdd(h: usize, f: usize, g: usize): void {
  for (let i: usize = 0; i < FE; i += 4) store<i32>(h + i, load<i32>(f + i) + load<i32>(g + i));
}

@inline function feSub(h: usize, f: usize, g: usize): void {
  for (let i: usize = 0; i < FE; i += 4) store<i32>(h + i, load<i32>(f + i) - load<i32>(g + i));
}

@inline function feCopy(h: usize, f: usize): void { memory.copy(h, f, FE); }

@inline function feSet(h: usize, v: i32): void {
  memory.fill(h, 0, FE);
  store<i32>(h, v);
}

// Swaps f and g when bit is 1, leaves them when 0, in the same instructions
// either way (RFC 7748's cswap).
@inline function feSwap(f: usize, g: usize, bit: i32): void {
  let mask = -bit;
  for (let i: usize = 0; i < FE; i += 4) {
    let a = load<i32>(f + i), b = load<i32>(g + i);
    let t = (a ^ b) & mask;
    store<i32>(f + i, a ^ t);
    store<i32>(g + i, b ^ t);
  }
}

// h = f^(2^n), n ≥ 1.
function feSqN(h: usize, f: usize, n: i32): void {
  feSq(h, f);
  for (let i = 1; i < n; i++) feSq(h, h);
}

// h = 1/f = f^(p - 2) (Fermat), p - 2 = 2^255 - 21, by the usual chain of
// 254 squarings and 11 multiplications through f^(2^k - 1) for
// k = 5, 10, 20, 50, 100, 250. (1/0 comes out as 0, as RFC 7748 wants.)
function feInvert(h: usize, f: usize): void {
  feSq(I0, f);              // 2
  feSqN(I1, I0, 2);         // 8
  feMul(I1, f, I1);         // 9
  feMul(I0, I0, I1);        // 11
  feSq(I2, I0);             // 22
  feMul(I1, I1, I2);        // 31 = 2^5 - 1
  feSqN(I2, I1, 5);
  feMul(I1, I2, I1);        // 2^10 - 1
  feSqN(I2, I1, 10);
  feMul(I2, I2, I1);        // 2^20 - 1
  feSqN(I3, I2, 20);
  feMul(I2, I3, I2);        // 2^40 - 1
  feSqN(I2, I2, 10);
  feMul(I1, I2, I1);        // 2^50 - 1
  feSqN(I2, I1, 50);
  feMul(I2, I2, I1);        // 2^100 - 1
  feSqN(I3, I2, 100);
  feMul(I2, I3, I2);        // 2^200 - 1
  feSqN(I2, I2, 50);
  feMul(I1, I2, I1);        // 2^250 - 1
  feSqN(I1, I1, 5);         // 2^255 - 32
  feMul(h, I1, I0);         // 2^255 - 21
}

// Limb i starts at bit ceil(25.5·i) and is 26 bits wide when i is even, 25
// when odd.
@inline function limbStart(i: u32): u32 { return (51 * i + 1) >> 1; }
@inline function limbBits(i: u32): i32 { return 26 - <i32>(i & 1); }

// Field element from 32 little-endian bytes, bit 255 ignored (RFC 7748
// section 5: "implementations MUST mask the most significant bit"). Each
// limb is cut straight out of the bits; a 32-bit load from the limb's first
// byte always covers it (the widest case, limb 4, is bits 6..31 of bytes
// 12..15), and limb 9 stops at bit 254. Values from p to 2^255 - 1
// (non-canonical encodings) need no special case: the arithmetic is mod p.
function feFromBytes(h: usize, s: usize): void {
  for (let i: u32 = 0; i < 10; i++) {
    let at = limbStart(i);
    let v = (load<u32>(s + (at >> 3)) >> (at & 7)) & ((1 << limbBits(i)) - 1);
    store<i32>(h + (i << 2), <i32>v);
  }
}

// 32 little-endian bytes of the canonical value of f (in [0, p)). The loops
// run over limb positions, never over anything secret.
function feToBytes(s: usize, f: usize): void {
  // With |f| < 2p, q = ⌊f / p⌋ is -1, 0 or 1, and it is the carry out of the
  // top of f + 19 (f ≥ p exactly when f + 19 reaches 2^255). Computing that
  // carry alone, limb by limb, gives q without comparing anything.
  let q = (19 * load<i32>(f, 36) + (1 << 24)) >> 25;
  for (let i: u32 = 0; i < 10; i++) q = (load<i32>(f + (i << 2)) + q) >> limbBits(i);
  // f - q·p = f + 19q - q·2^255: add 19q at the bottom, carry exactly
  // (floor shifts, so every limb ends non-negative) and drop what leaves the
  // top, the q·2^255. Each limb goes into a 64-bit bit buffer as it is
  // settled, and whole 32-bit words are written out of it.
  let c = 19 * q;
  let acc: u64 = 0;
  let bits: u32 = 0;
  let out = s;
  for (let i: u32 = 0; i < 10; i++) {
    let w = limbBits(i);
    let v = load<i32>(f + (i << 2)) + c;
    c = v >> w;
    acc |= <u64>(<u32>(v - (c << w))) << bits;
    bits += w;
    if (bits >= 32) {
      store<u32>(out, <u32>acc);
      acc >>= 32;
      bits -= 32;
      out += 4;
    }
  }
  store<u32>(out, <u32>acc);              // the last 31 bits
}

// q = n · u (u at p, or the base point 9 when base is set). The scalar is
// clamped as RFC 7748 section 5 decodes it: low three bits cleared (a
// multiple of the cofactor 8), bit 255 cleared, bit 254 set.
function ladder(q: usize, n: usize, p: usize, base: bool): void {
  memory.copy(SCALAR, n, 32);
  store<u8>(SCALAR, load<u8>(SCALAR) & 248);
  store<u8>(SCALAR, (load<u8>(SCALAR, 31) & 127) | 64, 31);

  if (base) feSet(X1, 9); else feFromBytes(X1, p);
  feSet(X2, 1);
  feSet(Z2, 0);
  feCopy(X3, X1);
  feSet(Z3, 1);

  // RFC 7748 section 5's ladder: (x2:z2) = k·u and (x3:z3) = (k+1)·u for the
  // bits k read so far; each step doubles one and adds the pair (their
  // difference is u). The swap is deferred: swapping only when this bit
  // differs from the last one is the same as swap, step, swap back.
  let swap = 0;
  for (let pos = 254; pos >= 0; pos--) {
    let bit = (<i32>load<u8>(SCALAR + (<usize>pos >> 3)) >> (pos & 7)) & 1;
    swap ^= bit;
    feSwap(X2, X3, swap);
    feSwap(Z2, Z3, swap);
    swap = bit;

    feAdd(TA, X2, Z2);          // A = x2 + z2
    feSub(TB, X2, Z2);          // B = x2 - z2
    feSq(AA, TA);               // AA = A²
    feSq(BB, TB);               // BB = B²
    feMul(X2, AA, BB);          // x2 = AA·BB
    feSub(TE, AA, BB);          // E = AA - BB
    feSub(DA, X3, Z3);          // D = x3 - z3
    feMul(DA, DA, TA);          // DA = D·A
    feAdd(CB, X3, Z3);          // C = x3 + z3
    feMul(CB, CB, TB);          // CB = C·B
    feAdd(X3, DA, CB);
    feSq(X3, X3);               // x3 = (DA + CB)²
    feSub(Z3, DA, CB);
    feSq(Z3, Z3);
    if (base) feMulSmall(Z3, Z3, 9); else feMul(Z3, Z3, X1);   // z3 = u·(DA - CB)²
    // z2 = E·(AA + a24·E), a24 = 121665; written BB + 121666·E (AA = BB + E)
    // so the small multiple comes straight from a product.
    feMulSmall(Z2, TE, 121666);
    feAdd(Z2, Z2, BB);
    feMul(Z2, Z2, TE);
  }
  feSwap(X2, X3, swap);
  feSwap(Z2, Z3, swap);

  feInvert(Z2, Z2);
  feMul(X2, X2, Z2);
  feToBytes(q, X2);

  memory.fill(AREA, 0, FE * 18);
}

// q = n · p (X25519). All three are 32-byte buffers; q may equal n or p.
export function scalarMult(q: usize, n: usize, p: usize): void { ladder(q, n, p, false); }

// q = n · 9, the public key of secret key n.
export function scalarMultBase(q: usize, n: usize): void { ladder(q, n, 0, true); }
