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
