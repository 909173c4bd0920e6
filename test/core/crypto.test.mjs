// The core's NaCl primitives (assembly/crypto/): X25519, HSalsa20, Salsa20,
// XSalsa20, Poly1305 and the XSalsa20-Poly1305 box, checked three ways:
// published vectors (RFC 7748, RFC 8439, and NaCl's own tests box, box2,
// secretbox, scalarmult, core1 to core6, stream, stream2 and onetimeauth, as
// libsodium ships them), thousands of seeded random inputs against tweetnacl
// and Node's own X25519, and tampering.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash, createPrivateKey, createPublicKey, diffieHellman } from "node:crypto";
import nacl from "tweetnacl";
import { Rng } from "../../fuzz/lib/rng.mjs";
import { CoreCrypto, hex } from "./helpers/crypto.mjs";

const c = new CoreCrypto();
const sha256 = (b) => createHash("sha256").update(b).digest("hex");
const same = (a, b, msg) => assert.is(Buffer.from(a).toString("hex"), Buffer.from(b).toString("hex"), msg);

// Seeded, so a failing case can be replayed: the fuzzers' generator.
const rng = (seed) => new Rng(seed);

// ---- keys and nonces shared by NaCl's box, box2, secretbox, scalarmult, core1-3 and stream tests ----
const aliceSk = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
const alicePk = hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
const bobSk = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
const bobPk = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
const shared = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
const firstKey = hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
const secondKey = hex("dc908dda0b9344a953629b733820778880f3ceb421bb61b91cbd4c3e66256ce4");
const nonce = hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
const sigma = Buffer.from("expand 32-byte k");
// The 131-byte message of NaCl's box/secretbox tests, and its box (tag ‖ ciphertext).
const message = hex(`
  be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc
  e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31
  0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde
  048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864
  5e0705`);
const boxed = hex(`
  f3ffc7703f9400e52a7dfb4b3d3305d9
  8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a
  c0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738
  b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da
  99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74
  e355a5`);

// ---- X25519 ----

test("X25519 gives the two single-step results of RFC 7748 section 5.2", () => {
  same(c.x25519(hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")),
       hex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"));
  // The second input u has its top bit set: the decoder must ignore it.
  same(c.x25519(hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493")),
       hex("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"));
});

test("X25519 iterated once and a thousand times gives RFC 7748 section 5.2's values", () => {
  let k = Buffer.alloc(32); k[0] = 9;
  let u = Buffer.from(k);
  for (let i = 1; i <= 1000; i++) {
    const r = c.x25519(k, u);
    u = k; k = r;
    if (i === 1) same(k, hex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"), "after 1");
  }
  same(k, hex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"), "after 1000");
});

test("the Diffie-Hellman example of RFC 7748 section 6.1 (and NaCl's scalarmult test)", () => {
  same(c.x25519Base(aliceSk), alicePk);
  same(c.x25519Base(bobSk), bobPk);
  same(c.x25519(aliceSk, bobPk), shared);
  same(c.x25519(bobSk, alicePk), shared);
  // scalarmult.exp: the same shared point with the top bit of Alice's key flipped.
  const flipped = Buffer.from(alicePk); flipped[31] ^= 0x80;
  same(c.x25519(bobSk, flipped), shared);
});

test("the base-point path agrees with the general one on u = 9", () => {
  const nine = Buffer.alloc(32); nine[0] = 9;
  const r = rng(7);
  for (let i = 0; i < 50; i++) {
    const n = r.bytes(32);
    same(c.x25519Base(n), c.x25519(n, nine), `case ${i}`);
  }
});

const P = (1n << 255n) - 19n;
const le = (v) => { const b = Buffer.alloc(32); for (let i = 0; i < 32; i++) { b[i] = Number(v & 0xffn); v >>= 8n; } return b; };

test("non-canonical u-coordinates (p to 2^255 - 1) and a set top bit decode mod p", () => {
  const r = rng(11);
  for (let i = 0; i < 19; i++) {
    const n = r.bytes(32);
    // u = p + i is u = i; i = 0 and 1 are low-order (zero results), the others ordinary.
    same(c.x25519(n, le(P + BigInt(i))), c.x25519(n, le(BigInt(i))), `p + ${i}`);
  }
  for (let i = 0; i < 30; i++) {
    const n = r.bytes(32), u = r.bytes(32);
    const hi = Buffer.from(u); hi[31] |= 0x80;
    const lo = Buffer.from(u); lo[31] &= 0x7f;
    same(c.x25519(n, hi), c.x25519(n, lo), `top bit, case ${i}`);
  }
});

test("low-order points give the all-zero result, whatever the scalar", () => {
  // The points of order 1, 2, 4 and 8, with the non-canonical encodings of
  // 0 and 1 (p and p + 1), as in libsodium's blocklist.
  const orders = [
    le(0n), le(1n), le(P - 1n), le(P), le(P + 1n),
    hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    // The same two with bit 255 set, which the decoder masks off.
    hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880"),
    hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7"),
  ];
  const r = rng(13);
  for (const u of orders) {
    for (let i = 0; i < 4; i++) same(c.x25519(r.bytes(32), u), Buffer.alloc(32), u.toString("hex"));
  }
});

test("scalars are clamped as RFC 7748 section 5 decodes them", () => {
  const r = rng(17);
  for (let i = 0; i < 20; i++) {
    const n = r.bytes(32), u = r.bytes(32);
    const m = Buffer.from(n);
    m[0] ^= r.u32() & 7;                 // the three low bits do not count
    m[31] = (m[31] & 0x3f) | (r.u32() & 0xc0);   // nor do the top two
    same(c.x25519(m, u), c.x25519(n, u), `case ${i}`);
  }
});

// Node's own X25519 (OpenSSL) through DER-wrapped raw keys.
const PKCS8 = hex("302e020100300506032b656e04220420");
const SPKI = hex("302a300506032b656e032100");
function nodeX25519(n, u) {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8, n]), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey({ key: Buffer.concat([SPKI, u]), format: "der", type: "spki" });
  return diffieHellman({ privateKey, publicKey });
}

// Each oracle call costs over half a millisecond (tweetnacl's 16-limb field;
// Node's key objects compute a public key on import), so the counts are kept
// to what a loaded machine does in about a second.
test("X25519 agrees with tweetnacl on 1000 random pairs and with Node's crypto on 200 more", () => {
  const r = rng(1);
  for (let i = 0; i < 1000; i++) {
    const n = r.bytes(32), u = r.bytes(32);
    same(c.x25519(n, u), nacl.scalarMult(n, u), `tweetnacl, case ${i}`);
  }
  for (let i = 0; i < 200; i++) {
    const n = r.bytes(32), u = r.bytes(32);
    u[31] &= 0x7f;
    same(c.x25519(n, u), nodeX25519(n, u), `node, case ${i}`);
  }
  for (let i = 0; i < 100; i++) {
    const n = r.bytes(32);
    same(c.x25519Base(n), nacl.scalarMult.base(n), `base, case ${i}`);
  }
});

// ---- Salsa20 family ----

test("HSalsa20 and the Salsa20 core match NaCl's core1, core2, core4, core5 and core6 tests", () => {
  same(c.hsalsa20(Buffer.alloc(16), shared), firstKey, "core1");
  same(c.hsalsa20(nonce.subarray(0, 16), firstKey), secondKey, "core2");
  const k4 = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216]);
  const in4 = Buffer.from([101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116]);
  same(c.salsa20Core(in4, k4), Buffer.from([
    69, 37, 68, 39, 41, 15, 107, 193, 255, 139, 122, 6, 170, 233, 217, 98,
    89, 144, 182, 106, 21, 51, 200, 65, 239, 49, 222, 34, 215, 114, 40, 126,
    104, 197, 7, 225, 197, 153, 31, 2, 102, 78, 76, 176, 84, 245, 246, 184,
    177, 160, 133, 130, 6, 72, 149, 119, 192, 195, 132, 236, 234, 103, 246, 74]), "core4");
  const k5 = hex("ee304fca27008d8c126f90027901d80f7f1d8b8dc936cf3b9f819692827e5777");
  const in5 = hex("81918ef2a5e0da9b3e9060521e4bb352");
  const h5 = hex("bc1b30fc072cc14075e4baa731b5a845ea9b11e9a5191f94e18cba8fd821a7cd");
  same(c.hsalsa20(in5, k5), h5, "core5");
  // core6: the Salsa20 core minus its known inputs at those eight positions is HSalsa20.
  const out = c.salsa20Core(in5, k5);
  const minus = (o, x) => ((out.readUInt32LE(o) - x.readUInt32LE(0)) >>> 0);
  const words = [[0, sigma.subarray(0)], [20, sigma.subarray(4)], [40, sigma.subarray(8)], [60, sigma.subarray(12)],
    [24, in5.subarray(0)], [28, in5.subarray(4)], [32, in5.subarray(8)], [36, in5.subarray(12)]];
  const h6 = Buffer.alloc(32);
  words.forEach(([o, x], i) => h6.writeUInt32LE(minus(o, x), i * 4));
  same(h6, h5, "core6");
});

test("Salsa20 and XSalsa20 keystreams match NaCl's core3, stream and stream2 tests", () => {
  const zeros = Buffer.alloc(4194304);
  // core3 / stream2: 2^16 Salsa20 blocks under the second key and the nonce's last 8 bytes.
  const s = c.salsa20Xor(zeros, nonce.subarray(16), secondKey);
  assert.is(sha256(s), "662b9d0e3463029156069b12f918691a98f7dfb2ca0393c96bbfc6b1fbd630a2", "salsa20");
  // stream: the same bytes as XSalsa20 under the first key and the whole nonce.
  const x = c.xsalsa20Xor(zeros, nonce, firstKey);
  assert.is(sha256(x), "662b9d0e3463029156069b12f918691a98f7dfb2ca0393c96bbfc6b1fbd630a2", "xsalsa20");
  // xor_ic: the first 4000 bytes xored with the stream from block 0 (zeros), then from block 1.
  const y = Buffer.from(x);
  c.xsalsa20Xor(y.subarray(0, 4000), nonce, firstKey).copy(y, 0);
  assert.ok(y.subarray(0, 4000).every((b) => b === 0), "xor from block 0 undoes the stream");
  c.xsalsa20Xor(y.subarray(0, 4000), nonce, firstKey, 1).copy(y, 0);
  assert.is(sha256(y), "0cc9ffaf60a99d221b548e9762385a231121ab226d1c610d2661ced26b6ad5ee", "from block 1");
  const z = Buffer.from(s);
  z.fill(0, 0, 4000);
  c.salsa20Xor(z.subarray(0, 4000), nonce.subarray(16), secondKey, 1).copy(z, 0);
  assert.is(sha256(z), "0cc9ffaf60a99d221b548e9762385a231121ab226d1c610d2661ced26b6ad5ee", "salsa20 from block 1");
  // Every length 0..63 is a prefix of the one stream (stream.exp's 64 short lines).
  const ks63 = hex("eea6a7251c1e72916d11c2cb214d3c252539121d8e234e652d651fa4c8cff880309e645a74e9e0a60d8243acd9177ab51a1beb8d5a2f5d700c093c5e5585573f").subarray(0, 63);
  for (let i = 0; i < 64; i++) same(c.xsalsa20Xor(Buffer.alloc(i), nonce, firstKey), ks63.subarray(0, i), `length ${i}`);
  // The block counter carries from its low word into its high one.
  same(c.xsalsa20Xor(Buffer.alloc(192), nonce, firstKey, 0xffffffff), hex(`
    b46af0bf761b78533e01a0dd7e07216c9710ef35f09a28d1e5fa469b602472ca5085f6dbcc6a6b51fb89986f8feca856
    58d05701f5677d0bb340a1f2c769547219f5420c62ffff7d1304dad82b6dec2bdc59ec12a9e18a774eed128c2c90610a
    9d4c75c0817d64817a76bbc12746971ae897af210a072c1bc9fb044e086b7bfe85fad95d5c2bbb28c12de5755b1ccde6
    3e93cc892b4d2bcbd7dc0706b094c2492e329e3b9a98a9cbc7d01031cf1d5861f576e1291df6286c28146b0b4df9ad44`), "2^32 - 1");
});

test("the stream xors in place and in pieces the same as whole", () => {
  const r = rng(3);
  const k = r.bytes(32), n = r.bytes(24), m = r.bytes(1000);
  const whole = c.xsalsa20Xor(m, n, k);
  same(Buffer.from(whole).map((b, i) => b ^ m[i]), c.xsalsa20Xor(Buffer.alloc(1000), n, k), "xor of the keystream");
  // Block-aligned pieces with the right initial counter.
  const parts = [c.xsalsa20Xor(m.subarray(0, 320), n, k), c.xsalsa20Xor(m.subarray(320), n, k, 5)];
  same(Buffer.concat(parts), whole, "pieces");
  // In place: out == m in linear memory.
  const { ptrs: [p, np, kp], mem } = c.layout(1000, 24, 32);
  const v = mem(); v.set(m, p); v.set(n, np); v.set(k, kp);
  c.x.crypto_xsalsa20_xor(p, p, 1000, np, kp);
  same(mem().subarray(p, p + 1000), whole, "in place");
});

// The four-block (wasm SIMD) path takes every whole 256 bytes of a stream,
// the scalar one the rest; both must give exactly the stream the Salsa20
// core gives block by block. The reference here is that core, called once
// per 64-byte block with the 64-bit counter written out in full.
const u64le = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v))); return b; };
function coreStream(len, n8, k, ic) {
  const out = Buffer.alloc(Math.ceil(len / 64) * 64);
  for (let b = 0; b * 64 < len; b++) c.salsa20Core(Buffer.concat([n8, u64le(BigInt(ic) + BigInt(b))]), k).copy(out, b * 64);
  return out.subarray(0, len);
}
const xorBytes = (a, b) => Buffer.from(a).map((v, i) => v ^ b[i]);

test("the four-block and one-block paths give the core's stream for every length 0..1100", () => {
  const r = rng(21);
  for (const ic of [0, 1, 3, 1000]) {
    const k = r.bytes(32), n8 = r.bytes(8), nx = r.bytes(24);
    const ref = coreStream(1100, n8, k, ic);
    const sub = c.hsalsa20(nx.subarray(0, 16), k);
    const refX = coreStream(1100, nx.subarray(16), sub, ic);
    const m = r.bytes(1100);
    for (let len = 0; len <= 1100; len++) {
      const mm = m.subarray(0, len);
      same(c.salsa20Xor(mm, n8, k, ic), xorBytes(mm, ref), `salsa20, ic ${ic}, length ${len}`);
      same(c.xsalsa20Xor(mm, nx, k, ic), xorBytes(mm, refX), `xsalsa20, ic ${ic}, length ${len}`);
    }
  }
});

test("the block counter carries into its high word inside and across a four-block group", () => {
  const r = rng(22);
  const k = r.bytes(32), n8 = r.bytes(8);
  // Groups that start 1, 2, 3 and 4 blocks before 2^32, and just after it.
  for (const back of [1, 2, 3, 4, 5, 7, 8]) {
    const ic = 2 ** 32 - back;
    for (const len of [256, 511, 512, 1024 + 64 + 5]) {
      const m = r.bytes(len);
      same(c.salsa20Xor(m, n8, k, ic), xorBytes(m, coreStream(len, n8, k, ic)), `ic 2^32 - ${back}, length ${len}`);
    }
  }
  same(c.salsa20Xor(Buffer.alloc(512), n8, k, 0xffffffff).subarray(64), coreStream(448, n8, k, 2 ** 32), "from 2^32 on");
});

test("the stream is the same at every alignment of input and output, and in place", () => {
  const r = rng(23);
  const k = r.bytes(32), n = r.bytes(24);
  for (const len of [255, 256, 257, 300, 1000, 4099]) {
    const m = r.bytes(len);
    const want = c.xsalsa20Xor(m, n, k);
    const { ptrs: [pi, po, np, kp], mem } = c.layout(len + 16, len + 16, 24, 32);
    for (let a = 0; a < 16; a++) {
      for (const b of [0, 1, 3, 4, 8, 13, 15]) {
        const v = mem(); v.set(m, pi + a); v.set(n, np); v.set(k, kp);
        c.x.crypto_xsalsa20_xor(po + b, pi + a, len, np, kp, 0);
        same(mem().subarray(po + b, po + b + len), want, `length ${len}, in + ${a}, out + ${b}`);
      }
      const v = mem(); v.set(m, pi + a);
      c.x.crypto_xsalsa20_xor(pi + a, pi + a, len, np, kp, 0);
      same(mem().subarray(pi + a, pi + a + len), want, `length ${len}, in place at + ${a}`);
    }
  }
});

test("large random messages: the stream and seal agree with tweetnacl", () => {
  const r = rng(24);
  const lengths = [256 * 1024, 1 << 20, (1 << 20) + 13, 3 * 65536 - 1];
  for (let i = 0; i < 12; i++) lengths.push(r.int(300000));
  for (const len of lengths) {
    const k = r.bytes(32), n = r.bytes(24), m = r.bytes(len);
    const want = new Uint8Array(len);
    nacl.lowlevel.crypto_stream_xor(want, 0, m, 0, len, n, k);
    same(c.xsalsa20Xor(m, n, k), want, `stream, length ${len}`);
    const box = c.seal(m, n, k);
    same(box, nacl.secretbox(m, n, k), `seal, length ${len}`);
    same(c.open(box, n, k), m, `open, length ${len}`);
  }
});

// ---- Poly1305 ----

const ietf = Buffer.from("Any submission to the IETF intended by the Contributor for publication as all or part " +
  "of an IETF Internet-Draft or RFC and any statement made within the context of an IETF activity is considered " +
  "an \"IETF Contribution\". Such statements include oral statements in IETF sessions, as well as written and " +
  "electronic communications made at any time or place, which are addressed to");
const jabberwocky = Buffer.from("'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n" +
  "All mimsy were the borogoves,\nAnd the mome raths outgrabe.");
// [key, message, tag]: RFC 8439 section 2.5.2, then appendix A.3 #1 to #11.
const polyVectors = [
  ["85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", Buffer.from("Cryptographic Forum Research Group"),
    "a8061dc1305136c6c22b8baf0c0127a9"],
  ["00".repeat(32), Buffer.alloc(64), "00".repeat(16)],
  ["00".repeat(16) + "36e5f6b5c5e06070f0efca96227a863e", ietf, "36e5f6b5c5e06070f0efca96227a863e"],
  ["36e5f6b5c5e06070f0efca96227a863e" + "00".repeat(16), ietf, "f3477e7cd95417af89a6b8794c310cf0"],
  ["1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0", jabberwocky, "4541669a7eaaee61e708dc7cbcc5eb62"],
  ["02" + "00".repeat(31), hex("ff".repeat(16)), "03" + "00".repeat(15)],
  ["02" + "00".repeat(15) + "ff".repeat(16), hex("02" + "00".repeat(15)), "03" + "00".repeat(15)],
  ["01" + "00".repeat(31), hex("ff".repeat(16) + "f0" + "ff".repeat(15) + "11" + "00".repeat(15)), "05" + "00".repeat(15)],
  ["01" + "00".repeat(31), hex("ff".repeat(16) + "fb" + "fe".repeat(15) + "01".repeat(16)), "00".repeat(16)],
  ["02" + "00".repeat(31), hex("fd" + "ff".repeat(15)), "fa" + "ff".repeat(15)],
  ["0100000000000000040000000000000000000000000000000000000000000000",
    hex("e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000" + "00".repeat(16) + "01" + "00".repeat(15)),
    "14000000000000005500000000000000"],
  ["0100000000000000040000000000000000000000000000000000000000000000",
    hex("e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000" + "00".repeat(16)),
    "13000000000000000000000000000000"],
];

test("Poly1305 gives the tags of RFC 8439 section 2.5.2 and appendix A.3", () => {
  polyVectors.forEach(([key, m, tag], i) => {
    same(c.poly1305(m, hex(key)), hex(tag), `vector ${i}`);
  });
});

test("incremental Poly1305 gives the same tags however the message is cut", () => {
  polyVectors.forEach(([key, m, tag], i) => {
    const bytes = [...m].map((b) => Buffer.from([b]));
    same(c.poly1305Parts(bytes, hex(key)), hex(tag), `vector ${i}, byte at a time`);
    const r = rng(i);
    const parts = [];
    for (let at = 0; at < m.length;) { const n = Math.min(r.int(40), m.length - at); parts.push(m.subarray(at, at + n)); at += n; }
    same(c.poly1305Parts(parts, hex(key)), hex(tag), `vector ${i}, random cuts`);
  });
});

test("Poly1305 matches NaCl's onetimeauth test, one-shot and in pieces", () => {
  const rs = hex("eea6a7251c1e72916d11c2cb214d3c252539121d8e234e652d651fa4c8cff880");
  const m = boxed.subarray(16);
  same(c.poly1305(m, rs), hex("f3ffc7703f9400e52a7dfb4b3d3305d9"));
  same(c.poly1305Parts([m.subarray(0, 100), m.subarray(100, 100), m.subarray(100)], rs), hex("f3ffc7703f9400e52a7dfb4b3d3305d9"));
});

// Poly1305 takes whole runs two blocks at a time (h·r^2 + m·r) and an odd
// block alone; the extremes (r and the message all ones, so every limb
// product is as large as clamping allows) must still agree with tweetnacl,
// however the updates cut the message into odd and even runs of blocks.
test("Poly1305 agrees with tweetnacl at the largest limbs, one-shot and in odd and even runs", () => {
  const r = rng(25);
  const tag = (m, key) => { const t = new Uint8Array(16); nacl.lowlevel.crypto_onetimeauth(t, 0, m, 0, m.length, key); return t; };
  const keys = [Buffer.alloc(32, 0xff), Buffer.concat([Buffer.alloc(16, 0xff), Buffer.alloc(16)]), Buffer.alloc(32)];
  for (let i = 0; i < 60; i++) keys.push(r.bytes(32));
  for (const [i, key] of keys.entries()) {
    for (const len of [0, 15, 16, 17, 31, 32, 33, 48, 64, 1000, 4096 + 7, r.int(70000)]) {
      const m = i % 3 === 0 ? Buffer.alloc(len, 0xff) : r.bytes(len);
      const want = tag(m, key);
      same(c.poly1305(m, key), want, `key ${i}, length ${len}`);
      const parts = [];
      for (let at = 0; at < len;) { const n = Math.min(16 * r.int(5) + (r.int(4) === 0 ? r.int(16) : 0), len - at); parts.push(m.subarray(at, at + n)); at += n; }
      same(c.poly1305Parts(parts, key), want, `key ${i}, length ${len}, in ${parts.length} parts`);
    }
  }
});

// ---- boxes ----

test("crypto_box_beforenm gives NaCl's first key from either side (box, box2, core1)", () => {
  same(c.beforenm(bobPk, aliceSk), firstKey);
  same(c.beforenm(alicePk, bobSk), firstKey);
});

test("seal and open reproduce NaCl's box, box2 and secretbox tests", () => {
  same(c.seal(message, nonce, firstKey), boxed, "secretbox / box_afternm");
  same(c.sealInPlace(message, nonce, firstKey), boxed, "in place");
  same(c.open(boxed, nonce, firstKey), message, "box2 / open_afternm");
  const k = c.beforenm(alicePk, bobSk);
  same(c.open(boxed, nonce, k), message, "open with a beforenm key");
});

test("seal and open agree with tweetnacl's secretbox on 3000 random messages", () => {
  const r = rng(2);
  const special = [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 95, 96, 97, 127, 128, 129, 8191, 8192, 8193, 8224, 8225];
  const big = [65536, 65537, 100000, 8192 * 9 + 32];
  for (let i = 0; i < 3000; i++) {
    const len = i < special.length ? special[i] : i < special.length + big.length ? big[i - special.length] : r.int(2001);
    const k = r.bytes(32), n = r.bytes(24), m = r.bytes(len);
    const ours = c.seal(m, n, k);
    same(ours, nacl.secretbox(m, n, k), `seal, case ${i}, length ${len}`);
    same(c.open(ours, n, k), m, `open, case ${i}`);
    const back = nacl.secretbox.open(ours, n, k);
    assert.ok(back && Buffer.compare(Buffer.from(back), m) === 0, `tweetnacl opens ours, case ${i}`);
  }
});

test("box keys from beforenm agree with tweetnacl's box.before on 200 random pairs", () => {
  const r = rng(4);
  for (let i = 0; i < 200; i++) {
    const sk = r.bytes(32), pk = r.bytes(32);
    same(c.beforenm(pk, sk), nacl.box.before(pk, sk), `case ${i}`);
  }
});

test("every single-bit flip of a box makes open fail and leaves the output untouched", () => {
  const r = rng(5);
  const k = r.bytes(32), n = r.bytes(24);
  for (const len of [0, 1, 33]) {
    const box = c.seal(r.bytes(len), n, k);
    for (let bit = 0; bit < box.length * 8; bit++) {
      const bad = Buffer.from(box);
      bad[bit >> 3] ^= 1 << (bit & 7);
      const { ok, out } = c.openRaw(bad, n, k, 0xa5);
      assert.is(ok, 0, `length ${len}, bit ${bit}`);
      assert.ok(out.every((b) => b === 0xa5), `output untouched, length ${len}, bit ${bit}`);
    }
    // The wrong nonce or key fails the same way.
    const n2 = Buffer.from(n); n2[23] ^= 1;
    const k2 = Buffer.from(k); k2[0] ^= 1;
    assert.is(c.openRaw(box, n2, k).ok, 0, "other nonce");
    assert.is(c.openRaw(box, n, k2).ok, 0, "other key");
    // Truncated or extended boxes fail too.
    assert.is(c.openRaw(box.subarray(0, box.length - 1), n, k).ok, 0, "one byte short");
    assert.is(c.openRaw(Buffer.concat([box, Buffer.alloc(1)]), n, k).ok, 0, "one byte long");
  }
  for (let len = 0; len < 16; len++) {
    assert.is(c.openRaw(Buffer.alloc(len), n, k).ok, 0, `a ${len}-byte box is too short`);
  }
});

test("in-place seal and open give the same bytes as out of place", () => {
  const r = rng(6);
  for (const len of [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, 8192 + 32, 8192 + 33, 70000]) {
    const k = r.bytes(32), n = r.bytes(24), m = r.bytes(len);
    const out = c.seal(m, n, k);
    same(c.sealInPlace(m, n, k), out, `seal, length ${len}`);
    const { ok, region } = c.openInPlace(out, n, k);
    assert.is(ok, 1, `open, length ${len}`);
    same(region.subarray(16), m, `opened in place, length ${len}`);
    // A failed in-place open leaves the ciphertext as it was.
    const bad = Buffer.from(out); bad[0] ^= 1;
    const failed = c.openInPlace(bad, n, k);
    assert.is(failed.ok, 0, `tampered, length ${len}`);
    same(failed.region, bad, `tampered box untouched, length ${len}`);
  }
});

test("the scratch area grows on demand and refuses sizes over its cap", () => {
  const p = c.x.crypto_scratch(100);
  assert.ok(p > 0);
  assert.ok(c.x.crypto_scratch(1 << 20) > 0);
  assert.is(c.x.crypto_scratch(0xffffffff), 0);
});

test.run();
