// Salsa20/20 core, HSalsa20 and the Salsa20 / XSalsa20 stream ciphers, as
// specified in D. J. Bernstein's "Salsa20 specification" and "Extending the
// Salsa20 nonce" (XSalsa20 = HSalsa20 subkey + Salsa20), and used by NaCl's
// crypto_stream_xsalsa20 ("Cryptography in NaCl").
//
// Constant time by construction: the core is adds, xors and fixed rotates of
// 32-bit words, with no tables and no branch or address that depends on the
// key, the nonce or the data. Lengths decide the loop counts, and they are
// public.
//
// The input block, as the specification lays it out (words, little-endian):
//
//   ┌────────┬────────┬────────┬────────┐
//   │ σ0     │ k0     │ k1     │ k2     │
//   │ k3     │ σ1     │ n0     │ n1     │   n: 8-byte nonce (HSalsa20: in[0..8])
//   │ c0     │ c1     │ σ2     │ k4     │   c: 64-bit block counter (HSalsa20: in[8..16])
//   │ k5     │ k6     │ k7     │ σ3     │   σ = "expand 32-byte k"
//   └────────┴────────┴────────┴────────┘
//
// Callers pass raw pointers; out may equal m (in place) or not overlap it.

const SIGMA0: u32 = 0x61707865; // "expa"
const SIGMA1: u32 = 0x3320646e; // "nd 3"
const SIGMA2: u32 = 0x79622d32; // "2-by"
const SIGMA3: u32 = 0x6b206574; // "te k"

// The 16-word input block and one 64-byte keystream block, reused by every
// call (the core is single-threaded and nothing here re-enters).
const STATE = memory.data(64, 16);
const BLOCK = memory.data(64, 16);

// Lays out the input block at STATE: key at k (32 bytes), the 16 bytes of
// nonce and counter at in16.
@inline function setState(k: usize, in16: usize): void {
  store<u32>(STATE, SIGMA0, 0);
  memory.copy(STATE + 4, k, 16);          // words 1..4
  store<u32>(STATE, SIGMA1, 20);
  memory.copy(STATE + 24, in16, 16);      // words 6..9
  store<u32>(STATE, SIGMA2, 40);
  memory.copy(STATE + 44, k + 16, 16);    // words 11..14
  store<u32>(STATE, SIGMA3, 60);
}

// Twenty rounds (ten column/row double rounds) over the block at `inp`,
// written to `out` as 16 words. With `feed` the input is added back word by
// word (the Salsa20 core); without it the raw permutation is kept, from which
// HSalsa20 takes eight words. With `xor` the words written are the keystream
// xored with those at m, so a stream block goes from locals straight to the
// output. The sixteen words live in locals throughout; `feed` and `xor` are
// constants at every call, so each use compiles to straight-line code.
@inline function rounds(out: usize, inp: usize, feed: bool, xor: bool = false, m: usize = 0): void {
  let x0 = load<u32>(inp, 0), x1 = load<u32>(inp, 4), x2 = load<u32>(inp, 8), x3 = load<u32>(inp, 12);
  let x4 = load<u32>(inp, 16), x5 = load<u32>(inp, 20), x6 = load<u32>(inp, 24), x7 = load<u32>(inp, 28);
  let x8 = load<u32>(inp, 32), x9 = load<u32>(inp, 36), x10 = load<u32>(inp, 40), x11 = load<u32>(inp, 44);
  let x12 = load<u32>(inp, 48), x13 = load<u32>(inp, 52), x14 = load<u32>(inp, 56), x15 = load<u32>(inp, 60);
  for (let i = 0; i < 10; i++) {
    // Columns: (0 4 8 12) (5 9 13 1) (10 14 2 6) (15 3 7 11).
    x4 ^= rotl<u32>(x0 + x12, 7);
    x8 ^= rotl<u32>(x4 + x0, 9);
    x12 ^= rotl<u32>(x8 + x4, 13);
    x0 ^= rotl<u32>(x12 + x8, 18);
    x9 ^= rotl<u32>(x5 + x1, 7);
    x13 ^= rotl<u32>(x9 + x5, 9);
    x1 ^= rotl<u32>(x13 + x9, 13);
    x5 ^= rotl<u32>(x1 + x13, 18);
    x14 ^= rotl<u32>(x10 + x6, 7);
    x2 ^= rotl<u32>(x14 + x10, 9);
    x6 ^= rotl<u32>(x2 + x14, 13);
    x10 ^= rotl<u32>(x6 + x2, 18);
    x3 ^= rotl<u32>(x15 + x11, 7);
    x7 ^= rotl<u32>(x3 + x15, 9);
    x11 ^= rotl<u32>(x7 + x3, 13);
    x15 ^= rotl<u32>(x11 + x7, 18);
    // Rows: (0 1 2 3) (5 6 7 4) (10 11 8 9) (15 12 13 14).
    x1 ^= rotl<u32>(x0 + x3, 7);
    x2 ^= rotl<u32>(x1 + x0, 9);
    x3 ^= rotl<u32>(x2 + x1, 13);
    x0 ^= rotl<u32>(x3 + x2, 18);
    x6 ^= rotl<u32>(x5 + x4, 7);
    x7 ^= rotl<u32>(x6 + x5, 9);
    x4 ^= rotl<u32>(x7 + x6, 13);
    x5 ^= rotl<u32>(x4 + x7, 18);
    x11 ^= rotl<u32>(x10 + x9, 7);
    x8 ^= rotl<u32>(x11 + x10, 9);
    x9 ^= rotl<u32>(x8 + x11, 13);
    x10 ^= rotl<u32>(x9 + x8, 18);
    x12 ^= rotl<u32>(x15 + x14, 7);
    x13 ^= rotl<u32>(x12 + x15, 9);
    x14 ^= rotl<u32>(x13 + x12, 13);
    x15 ^= rotl<u32>(x14 + x13, 18);
  }
  if (feed) {
    x0 += load<u32>(inp, 0); x1 += load<u32>(inp, 4); x2 += load<u32>(inp, 8); x3 += load<u32>(inp, 12);
    x4 += load<u32>(inp, 16); x5 += load<u32>(inp, 20); x6 += load<u32>(inp, 24); x7 += load<u32>(inp, 28);
    x8 += load<u32>(inp, 32); x9 += load<u32>(inp, 36); x10 += load<u32>(inp, 40); x11 += load<u32>(inp, 44);
    x12 += load<u32>(inp, 48); x13 += load<u32>(inp, 52); x14 += load<u32>(inp, 56); x15 += load<u32>(inp, 60);
  }
  if (xor) {
    // The whole block of m is read before any of out is written, so
    // out == m works.
    x0 ^= load<u32>(m, 0); x1 ^= load<u32>(m, 4); x2 ^= load<u32>(m, 8); x3 ^= load<u32>(m, 12);
    x4 ^= load<u32>(m, 16); x5 ^= load<u32>(m, 20); x6 ^= load<u32>(m, 24); x7 ^= load<u32>(m, 28);
    x8 ^= load<u32>(m, 32); x9 ^= load<u32>(m, 36); x10 ^= load<u32>(m, 40); x11 ^= load<u32>(m, 44);
    x12 ^= load<u32>(m, 48); x13 ^= load<u32>(m, 52); x14 ^= load<u32>(m, 56); x15 ^= load<u32>(m, 60);
  }
  store<u32>(out, x0, 0); store<u32>(out, x1, 4); store<u32>(out, x2, 8); store<u32>(out, x3, 12);
  store<u32>(out, x4, 16); store<u32>(out, x5, 20); store<u32>(out, x6, 24); store<u32>(out, x7, 28);
  store<u32>(out, x8, 32); store<u32>(out, x9, 36); store<u32>(out, x10, 40); store<u32>(out, x11, 44);
  store<u32>(out, x12, 48); store<u32>(out, x13, 52); store<u32>(out, x14, 56); store<u32>(out, x15, 60);
}

// One Salsa20 block from the state at STATE into BLOCK, for the single-block
// callers and a stream's last partial block. Out of line, like xorBlock, so
// the round code appears once for each.
function coreBlock(): void { rounds(BLOCK, STATE, true); }

// out[0..64) = m[0..64) xor the block from STATE (unaligned word access is
// fine in Wasm).
function xorBlock(out: usize, m: usize): void { rounds(out, STATE, true, true, m); }

// ---- Four blocks at a time (wasm SIMD) ----
//
// Four consecutive blocks in parallel, as libsodium's SSE2/AVX2 Salsa20 and
// D. J. Bernstein's own vectorised implementations do: each of the sixteen
// state words is a v128 whose four lanes are that word in blocks n, n+1,
// n+2 and n+3. Every lane runs exactly the scalar rounds above (the
// Salsa20 specification's quarterround, rowround and columnround), so the
// rounds need no shuffles at all; only the output is transposed, 4 x 4
// words at a time, into four sequential 64-byte blocks. Constant time as the
// scalar code is: lane-wise adds, xors and fixed shifts.
//
// Used for every whole 256 bytes of a stream; what is left (under 256
// bytes) goes through the scalar blocks, which a short message does anyway.

// rotl on each lane; wasm SIMD has no rotate, so two shifts and an or.
@inline function rotv(x: v128, n: i32): v128 {
  return v128.or(i32x4.shl(x, n), i32x4.shr_u(x, 32 - n));
}

// out[0..256) = m[0..256) xor the four blocks from STATE's key and nonce at
// counters counter .. counter + 3 (64-bit each: a lane whose low word wraps
// carries into its high word). STATE's counter words are not read. Each
// 16-byte group of m is loaded right before the same group of out is
// stored, so out == m works.
function xorBlocks4(out: usize, m: usize, counter: u64): void {
  let lo = i32x4.splat(<i32><u32>counter);
  let c8 = i32x4.add(lo, i32x4(0, 1, 2, 3));
  // lt_u is all ones in a lane whose low word wrapped: hi - (-1) = hi + 1.
  let c9 = i32x4.sub(i32x4.splat(<i32>(counter >> 32)), i32x4.lt_u(c8, lo));
  let x0 = v128.load32_splat(STATE, 0), x1 = v128.load32_splat(STATE, 4);
  let x2 = v128.load32_splat(STATE, 8), x3 = v128.load32_splat(STATE, 12);
  let x4 = v128.load32_splat(STATE, 16), x5 = v128.load32_splat(STATE, 20);
  let x6 = v128.load32_splat(STATE, 24), x7 = v128.load32_splat(STATE, 28);
  let x8 = c8, x9 = c9;
  let x10 = v128.load32_splat(STATE, 40), x11 = v128.load32_splat(STATE, 44);
  let x12 = v128.load32_splat(STATE, 48), x13 = v128.load32_splat(STATE, 52);
  let x14 = v128.load32_splat(STATE, 56), x15 = v128.load32_splat(STATE, 60);
  for (let i = 0; i < 10; i++) {
    // Columns, then rows, word for word as in rounds().
    x4 = v128.xor(x4, rotv(i32x4.add(x0, x12), 7));
    x8 = v128.xor(x8, rotv(i32x4.add(x4, x0), 9));
    x12 = v128.xor(x12, rotv(i32x4.add(x8, x4), 13));
    x0 = v128.xor(x0, rotv(i32x4.add(x12, x8), 18));
    x9 = v128.xor(x9, rotv(i32x4.add(x5, x1), 7));
    x13 = v128.xor(x13, rotv(i32x4.add(x9, x5), 9));
    x1 = v128.xor(x1, rotv(i32x4.add(x13, x9), 13));
    x5 = v128.xor(x5, rotv(i32x4.add(x1, x13), 18));
    x14 = v128.xor(x14, rotv(i32x4.add(x10, x6), 7));
    x2 = v128.xor(x2, rotv(i32x4.add(x14, x10), 9));
    x6 = v128.xor(x6, rotv(i32x4.add(x2, x14), 13));
    x10 = v128.xor(x10, rotv(i32x4.add(x6, x2), 18));
    x3 = v128.xor(x3, rotv(i32x4.add(x15, x11), 7));
    x7 = v128.xor(x7, rotv(i32x4.add(x3, x15), 9));
    x11 = v128.xor(x11, rotv(i32x4.add(x7, x3), 13));
    x15 = v128.xor(x15, rotv(i32x4.add(x11, x7), 18));
    x1 = v128.xor(x1, rotv(i32x4.add(x0, x3), 7));
    x2 = v128.xor(x2, rotv(i32x4.add(x1, x0), 9));
    x3 = v128.xor(x3, rotv(i32x4.add(x2, x1), 13));
    x0 = v128.xor(x0, rotv(i32x4.add(x3, x2), 18));
    x6 = v128.xor(x6, rotv(i32x4.add(x5, x4), 7));
    x7 = v128.xor(x7, rotv(i32x4.add(x6, x5), 9));
    x4 = v128.xor(x4, rotv(i32x4.add(x7, x6), 13));
    x5 = v128.xor(x5, rotv(i32x4.add(x4, x7), 18));
    x11 = v128.xor(x11, rotv(i32x4.add(x10, x9), 7));
    x8 = v128.xor(x8, rotv(i32x4.add(x11, x10), 9));
    x9 = v128.xor(x9, rotv(i32x4.add(x8, x11), 13));
    x10 = v128.xor(x10, rotv(i32x4.add(x9, x8), 18));
    x12 = v128.xor(x12, rotv(i32x4.add(x15, x14), 7));
    x13 = v128.xor(x13, rotv(i32x4.add(x12, x15), 9));
    x14 = v128.xor(x14, rotv(i32x4.add(x13, x12), 13));
    x15 = v128.xor(x15, rotv(i32x4.add(x14, x13), 18));
  }
  // The feed-forward: the input block again, lane by lane.
  x0 = i32x4.add(x0, v128.load32_splat(STATE, 0)); x1 = i32x4.add(x1, v128.load32_splat(STATE, 4));
  x2 = i32x4.add(x2, v128.load32_splat(STATE, 8)); x3 = i32x4.add(x3, v128.load32_splat(STATE, 12));
  x4 = i32x4.add(x4, v128.load32_splat(STATE, 16)); x5 = i32x4.add(x5, v128.load32_splat(STATE, 20));
  x6 = i32x4.add(x6, v128.load32_splat(STATE, 24)); x7 = i32x4.add(x7, v128.load32_splat(STATE, 28));
  x8 = i32x4.add(x8, c8); x9 = i32x4.add(x9, c9);
  x10 = i32x4.add(x10, v128.load32_splat(STATE, 40)); x11 = i32x4.add(x11, v128.load32_splat(STATE, 44));
  x12 = i32x4.add(x12, v128.load32_splat(STATE, 48)); x13 = i32x4.add(x13, v128.load32_splat(STATE, 52));
  x14 = i32x4.add(x14, v128.load32_splat(STATE, 56)); x15 = i32x4.add(x15, v128.load32_splat(STATE, 60));
  xorQuad(out, m, 0, x0, x1, x2, x3);
  xorQuad(out, m, 16, x4, x5, x6, x7);
  xorQuad(out, m, 32, x8, x9, x10, x11);
  xorQuad(out, m, 48, x12, x13, x14, x15);
}

// Words w..w+3 of the four blocks, one v128 per word (lane = block), turned
// into one v128 per block (lane = word) by the usual 4 x 4 transpose of
// 32-bit lanes (two rounds of interleaving), and xored into bytes
// off..off+16 of each of the four 64-byte blocks.
@inline function xorQuad(out: usize, m: usize, off: usize, a: v128, b: v128, c: v128, d: v128): void {
  let t0 = i32x4.shuffle(a, b, 0, 4, 1, 5);   // a0 b0 a1 b1
  let t1 = i32x4.shuffle(a, b, 2, 6, 3, 7);   // a2 b2 a3 b3
  let t2 = i32x4.shuffle(c, d, 0, 4, 1, 5);   // c0 d0 c1 d1
  let t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);   // c2 d2 c3 d3
  let p = out + off, q = m + off;
  v128.store(p, v128.xor(v128.load(q, 0), i64x2.shuffle(t0, t2, 0, 2)), 0);
  v128.store(p, v128.xor(v128.load(q, 64), i64x2.shuffle(t0, t2, 1, 3)), 64);
  v128.store(p, v128.xor(v128.load(q, 128), i64x2.shuffle(t1, t3, 0, 2)), 128);
  v128.store(p, v128.xor(v128.load(q, 192), i64x2.shuffle(t1, t3, 1, 3)), 192);
}

@inline function wipe(): void {
  memory.fill(STATE, 0, 64);
  memory.fill(BLOCK, 0, 64);
}

// The Salsa20 core: out (64 bytes) = Salsa20_k(in16), the 16-byte input being
// nonce and counter as laid out above.
export function salsa20Core(out: usize, in16: usize, k: usize): void {
  setState(k, in16);
  coreBlock();
  memory.copy(out, BLOCK, 64);
  wipe();
}

// HSalsa20: out (32 bytes) = words 0, 5, 10, 15, 6, 7, 8, 9 of the permuted
// block, without the feed-forward. Those are the positions of σ and of in16,
// inputs the caller knows anyway, so leaving out the addition loses nothing
// (the argument of "Extending the Salsa20 nonce").
export function hsalsa20(out: usize, in16: usize, k: usize): void {
  setState(k, in16);
  rounds(BLOCK, STATE, false);
  store<u32>(out, load<u32>(BLOCK, 0), 0);
  store<u32>(out, load<u32>(BLOCK, 20), 4);
  store<u32>(out, load<u32>(BLOCK, 40), 8);
  store<u32>(out, load<u32>(BLOCK, 60), 12);
  store<u32>(out, load<u32>(BLOCK, 24), 16);
  store<u32>(out, load<u32>(BLOCK, 28), 20);
  store<u32>(out, load<u32>(BLOCK, 32), 24);
  store<u32>(out, load<u32>(BLOCK, 36), 28);
  wipe();
}

// One keystream block: out (64 bytes) = Salsa20_k(n8 ‖ counter).
export function salsa20Block(out: usize, n8: usize, counter: u64, k: usize): void {
  store<u64>(BLOCK, load<u64>(n8));
  store<u64>(BLOCK, counter, 8);
  setState(k, BLOCK);
  coreBlock();
  memory.copy(out, BLOCK, 64);
  wipe();
}

// out[0..len) = m[0..len) xor the Salsa20 keystream for key k and the 8-byte
// nonce at n8, starting at block `counter` (64-bit, little-endian in the
// block, carrying from the low word into the high one).
export function salsa20Xor(out: usize, m: usize, len: usize, n8: usize, counter: u64, k: usize): void {
  if (len == 0) return;
  store<u64>(BLOCK, load<u64>(n8));        // nonce, then counter, as the 16 input bytes
  store<u64>(BLOCK, counter, 8);
  setState(k, BLOCK);
  while (len >= 256) {
    xorBlocks4(out, m, counter);
    counter += 4;
    out += 256;
    m += 256;
    len -= 256;
  }
  store<u64>(STATE, counter, 32);
  while (len >= 64) {
    xorBlock(out, m);
    counter++;
    store<u64>(STATE, counter, 32);
    out += 64;
    m += 64;
    len -= 64;
  }
  if (len > 0) {
    coreBlock();
    for (let i: usize = 0; i < len; i++) {
      store<u8>(out + i, load<u8>(m + i) ^ load<u8>(BLOCK + i));
    }
  }
  wipe();
}

// XSalsa20: Salsa20 under the subkey HSalsa20(k, nonce[0..16]) with nonce[16..24].
const SUBKEY = memory.data(32, 16);

export function xsalsa20Xor(out: usize, m: usize, len: usize, nonce: usize, counter: u64, k: usize): void {
  hsalsa20(SUBKEY, nonce, k);
  salsa20Xor(out, m, len, nonce + 16, counter, SUBKEY);
  memory.fill(SUBKEY, 0, 32);
}
