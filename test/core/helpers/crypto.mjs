// The core's crypto exports (assembly/crypto/exports.ts) behind functions on
// Uint8Arrays: each call lays its inputs out in the core's scratch area
// (crypto_scratch), calls the export, and copies the result out as a Buffer.
// The memory view is taken afresh after crypto_scratch, which may grow it.
import { Core } from "../../../dist/esm/bindings/core.js";

/** The raw Wasm exports of a fresh core. */
export function coreExports() {
  return new Core(1).x;
}

const hex = (s) => Buffer.from(s.replace(/[^0-9a-f]/gi, ""), "hex");
export { hex };

export class CoreCrypto {
  constructor(x = coreExports()) { this.x = x; }

  /** Reserves room for `sizes` (each rounded up to 16 bytes); returns their pointers and the view. */
  layout(...sizes) {
    const total = sizes.reduce((n, s) => n + ((s + 15) & ~15), 0);
    const base = this.x.crypto_scratch(Math.max(total, 16));
    if (!base) throw new Error(`crypto_scratch(${total}) refused`);
    const ptrs = [];
    let at = base;
    for (const s of sizes) { ptrs.push(at); at += (s + 15) & ~15; }
    return { ptrs, mem: () => new Uint8Array(this.x.memory.buffer) };
  }

  /** Inputs copied in, `outLen` bytes reserved first; fn(outPtr, ...inputPtrs); the output copied back. */
  run(outLen, inputs, fn) {
    const { ptrs, mem } = this.layout(outLen, ...inputs.map((a) => a.length));
    const m = mem();
    inputs.forEach((a, i) => m.set(a, ptrs[i + 1]));
    const r = fn(ptrs[0], ...ptrs.slice(1));
    const out = Buffer.from(mem().subarray(ptrs[0], ptrs[0] + outLen));
    return { out, r };
  }

  x25519(n, p) { return this.run(32, [n, p], (q, a, b) => this.x.crypto_x25519(q, a, b)).out; }
  x25519Base(n) { return this.run(32, [n], (q, a) => this.x.crypto_x25519_base(q, a)).out; }
  hsalsa20(in16, k) { return this.run(32, [in16, k], (o, a, b) => this.x.crypto_hsalsa20(o, a, b)).out; }
  salsa20Core(in16, k) { return this.run(64, [in16, k], (o, a, b) => this.x.crypto_salsa20_core(o, a, b)).out; }
  salsa20Xor(m, nonce8, k, ic = 0) {
    return this.run(m.length, [m, nonce8, k], (o, a, n, kk) => this.x.crypto_salsa20_xor(o, a, m.length, n, kk, ic)).out;
  }
  xsalsa20Xor(m, nonce, k, ic = 0) {
    return this.run(m.length, [m, nonce, k], (o, a, n, kk) => this.x.crypto_xsalsa20_xor(o, a, m.length, n, kk, ic)).out;
  }
  poly1305(m, key) { return this.run(16, [m, key], (o, a, kk) => this.x.crypto_poly1305(o, a, m.length, kk)).out; }
  /** Poly1305 through init/update/final, one update per part. */
  poly1305Parts(parts, key) {
    const all = Buffer.concat(parts);
    return this.run(16, [all, key], (o, a, kk) => {
      this.x.crypto_poly1305_init(kk);
      let at = a;
      for (const p of parts) { this.x.crypto_poly1305_update(at, p.length); at += p.length; }
      this.x.crypto_poly1305_final(o);
    }).out;
  }
  beforenm(pk, sk) { return this.run(32, [pk, sk], (k, a, b) => this.x.crypto_box_beforenm(k, a, b)).out; }

  /** Out of place: tag ‖ ciphertext. */
  seal(m, nonce, k) {
    return this.run(m.length + 16, [m, nonce, k], (o, a, n, kk) => this.x.crypto_seal(o, a, m.length, n, kk)).out;
  }
  /** In place: m written at out + 16, sealed there. */
  sealInPlace(m, nonce, k) {
    const { ptrs: [out, n, kk], mem } = this.layout(m.length + 16, 24, 32);
    const v = mem();
    v.set(m, out + 16); v.set(nonce, n); v.set(k, kk);
    this.x.crypto_seal(out, out + 16, m.length, n, kk);
    return Buffer.from(mem().subarray(out, out + 16 + m.length));
  }

  /**
   * Out of place open. The output region is filled with `fill` first and
   * returned whatever happened, so a test can see that a failed open left it alone.
   */
  openRaw(c, nonce, k, fill = 0xa5) {
    const outLen = Math.max(c.length - 16, 0);
    const { ptrs: [out, cp, n, kk], mem } = this.layout(outLen, c.length, 24, 32);
    const v = mem();
    v.fill(fill, out, out + outLen);
    v.set(c, cp); v.set(nonce, n); v.set(k, kk);
    const ok = this.x.crypto_open(out, cp, c.length, n, kk);
    return { ok, out: Buffer.from(mem().subarray(out, out + outLen)) };
  }
  open(c, nonce, k) {
    const { ok, out } = this.openRaw(c, nonce, k);
    return ok === 1 ? out : null;
  }
  /** In place: the plaintext replaces the ciphertext at c + 16. Returns { ok, region } (the whole c region after). */
  openInPlace(c, nonce, k) {
    const { ptrs: [cp, n, kk], mem } = this.layout(c.length, 24, 32);
    const v = mem();
    v.set(c, cp); v.set(nonce, n); v.set(k, kk);
    const ok = this.x.crypto_open(cp + 16, cp, c.length, n, kk);
    return { ok, region: Buffer.from(mem().subarray(cp, cp + c.length)) };
  }
}
