// NaCl's public-key and secret-key boxes, the primitives CurveZMQ (RFC 26)
// is built from, as defined in "Cryptography in NaCl":
//
//   crypto_box_beforenm   k = HSalsa20(X25519(sk, pk), 0^16)
//   crypto_secretbox /    XSalsa20 keystream under (k, 24-byte nonce); its
//   crypto_box_afternm    first 32 bytes are the Poly1305 one-time key, the
//                         message is xored with the keystream from byte 32
//                         on, and the tag authenticates the ciphertext.
//
// Layout is the "easy" one, NaCl's boxes without their zero padding:
//
//   ┌──────────────┬──────────────────────────────┐
//   │ tag (16)     │ ciphertext (mlen)            │
//   └──────────────┴──────────────────────────────┘
//
// In place means the ciphertext sits exactly where the plaintext was
// (out + 16 == m for seal, out == c + 16 for open); otherwise the regions
// must not overlap. Messages of any size are streamed in chunks: nothing
// here allocates, and nothing grows with the message.

import { hsalsa20, salsa20Block, salsa20Xor } from "./salsa20";
import { polyInit, polyUpdate, polyFinish } from "./poly1305";
import { scalarMult, scalarMultBase } from "./x25519";

export const KEY_BYTES: u32 = 32;
export const NONCE_BYTES: u32 = 24;
export const MAC_BYTES: u32 = 16;

// Encrypt-then-MAC in slices of this many bytes, so the ciphertext the
// Poly1305 pass reads is still in cache from the XSalsa20 pass that wrote it.
// A multiple of 64, so every slice starts on a keystream block.
@inline const SLICE: u32 = 8192;

const SUBKEY = memory.data(32, 16);   // HSalsa20(k, nonce[0..16])
const BLOCK0 = memory.data(64, 16);   // keystream block 0: Poly1305 key ‖ first 32 pad bytes
const TAG = memory.data(16, 16);
const SHARED = memory.data(32, 16);
const ZERO16 = memory.data(16, 16);   // stays all zero

// q = n·p (X25519, RFC 7748); n clamped internally; all 32-byte buffers.
export function x25519(q: usize, n: usize, p: usize): void { scalarMult(q, n, p); }

// q = n·9 (the public key of secret key n).
export function x25519Base(q: usize, n: usize): void { scalarMultBase(q, n); }

// k = HSalsa20(x25519(sk, pk), 16 zero bytes): crypto_box_beforenm. The raw
// shared point is never handed out: hashing it this way is what makes it a
// uniform key.
export function boxBeforenm(k: usize, pk: usize, sk: usize): void {
  scalarMult(SHARED, sk, pk);
  hsalsa20(k, ZERO16, SHARED);
  memory.fill(SHARED, 0, 32);
}

// Derives the subkey and keystream block 0, and keys Poly1305 with its
// first half.
// `subkey`: k is already HSalsa20(k, nonce[0..16)) (xsalsaSubkey), for a
// caller whose nonces share their first 16 bytes (CurveZMQ's MESSAGEs).
@inline function begin(nonce: usize, k: usize, subkey: bool): void {
  if (subkey) memory.copy(SUBKEY, k, 32);
  else hsalsa20(SUBKEY, nonce, k);
  salsa20Block(BLOCK0, nonce + 16, 0, SUBKEY);
  polyInit(BLOCK0);
}

@inline function end(): void {
  memory.fill(SUBKEY, 0, 32);
  memory.fill(BLOCK0, 0, 64);
  memory.fill(TAG, 0, 16);
}

// dst[0..len) = src[0..len) xor the keystream from byte 32 of block 0 on.
// `from` is the offset into that stream (0 or past the first 32 bytes, on a
// block boundary), so a caller can go slice by slice.
function cipher(dst: usize, src: usize, len: u32, from: u32, nonce: usize): void {
  if (from == 0) {
    let head = len < 32 ? len : 32;
    for (let i: u32 = 0; i < head; i++) {
      store<u8>(dst + i, load<u8>(src + i) ^ load<u8>(BLOCK0 + 32 + i));
    }
    if (len <= 32) return;
    dst += 32; src += 32; len -= 32; from = 32;
  }
  // Stream offset 32 + 64·(b - 1) is block b.
  salsa20Xor(dst, src, len, nonce + 16, 1 + <u64>((from - 32) >> 6), SUBKEY);
}

// XSalsa20-Poly1305 seal: writes mlen + 16 bytes at out, tag then ciphertext.
export function seal(out: usize, m: usize, mlen: u32, nonce: usize, k: usize): void { sealWith(out, m, mlen, nonce, k, false); }

// The same with k = xsalsaSubkey(k, nonce[0..16)) made once beforehand;
// only nonce[16..24) is read.
export function sealSub(out: usize, m: usize, mlen: u32, nonce: usize, sub: usize): void { sealWith(out, m, mlen, nonce, sub, true); }

// The XSalsa20 subkey of key k for nonces starting with these 16 bytes
// (HSalsa20, "Extending the Salsa20 nonce"): what every seal or open with
// such a nonce derives first.
export function xsalsaSubkey(sub: usize, nonce16: usize, k: usize): void { hsalsa20(sub, nonce16, k); }

@inline function sealWith(out: usize, m: usize, mlen: u32, nonce: usize, k: usize, subkey: bool): void {
  begin(nonce, k, subkey);
  let c = out + 16;
  // Slices: [0, 32) from block 0, then SLICE bytes at a time from 32.
  let at: u32 = 0;
  while (at < mlen) {
    let n: u32 = at == 0 ? 32 : SLICE;
    if (n > mlen - at) n = mlen - at;
    cipher(c + at, m + at, n, at, nonce);
    polyUpdate(c + at, n);
    at += n;
  }
  polyFinish(out);
  end();
}

// The inverse: verifies the tag over c[16..clen) first, in constant time;
// only then decrypts into out. On a short box or a bad tag returns false
// and out is untouched.
export function open(out: usize, c: usize, clen: u32, nonce: usize, k: usize): bool { return openWith(out, c, clen, nonce, k, false); }

// open() with a subkey made by xsalsaSubkey, as sealSub.
export function openSub(out: usize, c: usize, clen: u32, nonce: usize, sub: usize): bool { return openWith(out, c, clen, nonce, sub, true); }

@inline function openWith(out: usize, c: usize, clen: u32, nonce: usize, k: usize, subkey: bool): bool {
  if (clen < 16) return false;
  let mlen = clen - 16;
  begin(nonce, k, subkey);
  polyUpdate(c + 16, mlen);
  polyFinish(TAG);
  // Every byte is compared whatever the earlier ones were: the time taken
  // says nothing about how much of a forged tag was right.
  let diff: u32 = 0;
  for (let i: usize = 0; i < 16; i++) diff |= <u32>(load<u8>(TAG + i) ^ load<u8>(c + i));
  let ok = ((diff - 1) >> 8) & 1;     // 1 exactly when diff == 0
  if (ok) {
    let at: u32 = 0;
    while (at < mlen) {
      let n: u32 = at == 0 ? 32 : SLICE;
      if (n > mlen - at) n = mlen - at;
      cipher(out + at, c + 16 + at, n, at, nonce);
      at += n;
    }
  }
  end();
  return ok != 0;
}
