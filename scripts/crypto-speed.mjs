// Micro-benchmark of the core's NaCl primitives (assembly/crypto/) against
// tweetnacl and, where Node has the same primitive, node:crypto. Not a test:
// run it after `npm run build` with `node scripts/crypto-speed.mjs`.
//
// The core's figures are for the Wasm calls on data already in linear
// memory (as the ZMTP engine will use them); copying in and out is not
// counted. Node has no XSalsa20 or Poly1305, so its ChaCha20-Poly1305 is
// shown beside seal as the nearest native AEAD, for scale only.
import { createCipheriv, createPrivateKey, createPublicKey, diffieHellman, randomBytes } from "node:crypto";
import nacl from "tweetnacl";
import { coreExports } from "../test/core/helpers/crypto.mjs";

const x = coreExports();

/**
 * Calls per second: five rounds of batches, each about ms / 5 long, and the
 * best round kept, so a burst of load elsewhere on the machine does not
 * show up as a slow primitive.
 */
function rate(fn, ms = 1000) {
  for (let i = 0; i < 20; i++) fn();          // warm up
  let best = 0;
  for (let round = 0; round < 5; round++) {
    let n = 0, batch = 1;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms / 5) {
      for (let i = 0; i < batch; i++) fn();
      n += batch;
      t = performance.now();
      if (t - t0 < ms / 50) batch *= 2;
    }
    best = Math.max(best, (n * 1000) / (t - t0));
  }
  return best;
}

const fmt = (v, unit) => `${v >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1)} ${unit}`;
const row = (name, ...cells) => console.log(name.padEnd(34) + cells.map((c) => c.padStart(16)).join(""));

// ---- X25519 ----
const base = x.crypto_scratch(1 << 20);
const mem = () => new Uint8Array(x.memory.buffer);
const [Q, N, U] = [base, base + 32, base + 64];
mem().set(randomBytes(32), N);
mem().set(nacl.scalarMult.base(randomBytes(32)), U);
const sk = randomBytes(32), pk = nacl.scalarMult.base(randomBytes(32));
const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b656e04220420", "hex"), sk]), format: "der", type: "pkcs8" });
const publicKey = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b656e032100", "hex"), pk]), format: "der", type: "spki" });

console.log(`node ${process.version}, ${process.arch}`);
row("", "wasmq core", "tweetnacl", "node:crypto");
row("X25519 (ops/s)",
  fmt(rate(() => x.crypto_x25519(Q, N, U)), ""),
  fmt(rate(() => nacl.scalarMult(sk, pk)), ""),
  fmt(rate(() => diffieHellman({ privateKey, publicKey })), ""));
row("X25519 base point (ops/s)",
  fmt(rate(() => x.crypto_x25519_base(Q, N)), ""),
  fmt(rate(() => nacl.scalarMult.base(sk)), ""),
  "-");
row("box beforenm (ops/s)",
  fmt(rate(() => x.crypto_box_beforenm(Q, U, N)), ""),
  fmt(rate(() => nacl.box.before(pk, sk)), ""),
  "-");

// ---- seal / open ----
const K = base + 128, NONCE = base + 160, M = base + 256;
mem().set(randomBytes(32), K);
mem().set(randomBytes(24), NONCE);
const key = randomBytes(32), nonce = randomBytes(24), chachaNonce = randomBytes(12);
for (const size of [16, 4096, 65536]) {
  const out = M + size + 64;
  mem().set(randomBytes(size), M);
  const m = randomBytes(size);
  const mb = (calls) => fmt((calls * size) / 1e6, "MB/s");
  x.crypto_seal(out, M, size, NONCE, K);
  const sealed = nacl.secretbox(m, nonce, key);
  row(`seal ${size} B`,
    mb(rate(() => x.crypto_seal(out, M, size, NONCE, K))),
    mb(rate(() => nacl.secretbox(m, nonce, key))),
    mb(rate(() => {
      const c = createCipheriv("chacha20-poly1305", key, chachaNonce, { authTagLength: 16 });
      c.update(m); c.final(); c.getAuthTag();
    })) + "*");
  row(`open ${size} B`,
    mb(rate(() => x.crypto_open(M, out, size + 16, NONCE, K))),
    mb(rate(() => nacl.secretbox.open(sealed, nonce, key))),
    "-");
}
// The two halves of seal on their own, on the same buffers: the XSalsa20
// stream (out of place) and one-shot Poly1305. tweetnacl exports neither.
for (const size of [16, 4096, 65536]) {
  const out = M + size + 64;
  const mb = (calls) => fmt((calls * size) / 1e6, "MB/s");
  row(`xsalsa20 stream ${size} B`, mb(rate(() => x.crypto_xsalsa20_xor(out, M, size, NONCE, K, 0))), "-", "-");
  row(`poly1305 ${size} B`, mb(rate(() => x.crypto_poly1305(out, M, size, K))), "-", "-");
}
console.log("* node:crypto ChaCha20-Poly1305 (no XSalsa20-Poly1305 in Node), for scale");
