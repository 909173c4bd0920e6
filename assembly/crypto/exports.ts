// Exports of the crypto primitives, for the host's key tools (curveKeyPair,
// public keys from secret ones) and for the tests that check each primitive
// against published vectors and an independent implementation.
//
// Every export takes pointers into linear memory. crypto_scratch hands out
// one reusable area for the caller to write inputs into and read results
// from; the primitives themselves allocate nothing.
import { rawAlloc, rawFree } from "../alloc";
import { hsalsa20, salsa20Core, salsa20Xor, xsalsa20Xor } from "./salsa20";
import { poly1305, polyInit, polyUpdate, polyFinish } from "./poly1305";
import { x25519, x25519Base, boxBeforenm, seal, open } from "./box";

// The scratch area: grown on demand, never shrunk, and capped so a bad
// argument cannot make the core take the whole address space.
const SCRATCH_MAX: u32 = 64 << 20;
let scratch: usize = 0;
let scratchCap: u32 = 0;

// A pointer to at least n bytes (valid until the next call that grows it),
// or 0 when n is over SCRATCH_MAX. May grow the memory: views must be
// re-derived after calling it.
export function crypto_scratch(n: u32): usize {
  if (n > SCRATCH_MAX) return 0;
  if (n > scratchCap || scratch == 0) {
    let cap: u32 = 4096;
    while (cap < n) cap <<= 1;
    if (scratch) rawFree(scratch);
    scratch = rawAlloc(cap);
    scratchCap = cap;
  }
  return scratch;
}

// X25519 (RFC 7748): q = n·p, and q = n·9.
export function crypto_x25519(q: usize, n: usize, p: usize): void { x25519(q, n, p); }
export function crypto_x25519_base(q: usize, n: usize): void { x25519Base(q, n); }

// HSalsa20 and the Salsa20 core (64-byte block from 16 input bytes).
export function crypto_hsalsa20(out: usize, in16: usize, k: usize): void { hsalsa20(out, in16, k); }
export function crypto_salsa20_core(out: usize, in16: usize, k: usize): void { salsa20Core(out, in16, k); }

// Stream ciphers: out = m xor keystream, from block `ic` (an initial counter;
// a JavaScript caller that leaves it out passes 0). Salsa20 takes an 8-byte
// nonce, XSalsa20 a 24-byte one. No default parameters here: those would
// need the runtime's argument-count export.
export function crypto_salsa20_xor(out: usize, m: usize, len: u32, nonce: usize, k: usize, ic: u32): void {
  salsa20Xor(out, m, len, nonce, <u64>ic, k);
}
export function crypto_xsalsa20_xor(out: usize, m: usize, len: u32, nonce: usize, k: usize, ic: u32): void {
  xsalsa20Xor(out, m, len, nonce, <u64>ic, k);
}

// Poly1305, one-shot and incremental (one computation at a time).
export function crypto_poly1305(out: usize, m: usize, len: u32, key: usize): void { poly1305(out, m, len, key); }
export function crypto_poly1305_init(key: usize): void { polyInit(key); }
export function crypto_poly1305_update(m: usize, len: u32): void { polyUpdate(m, len); }
export function crypto_poly1305_final(out: usize): void { polyFinish(out); }

// crypto_box_beforenm, and XSalsa20-Poly1305 in the easy layout
// ([tag 16][ciphertext]); crypto_open returns 1 when the tag verified.
export function crypto_box_beforenm(k: usize, pk: usize, sk: usize): void { boxBeforenm(k, pk, sk); }
export function crypto_seal(out: usize, m: usize, mlen: u32, nonce: usize, k: usize): void { seal(out, m, mlen, nonce, k); }
export function crypto_open(out: usize, c: usize, clen: u32, nonce: usize, k: usize): i32 {
  return open(out, c, clen, nonce, k) ? 1 : 0;
}
