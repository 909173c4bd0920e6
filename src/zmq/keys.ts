// CURVE keys for users: a fresh key pair (zeromq.js's curveKeyPair()), the
// public key of a secret key, and the checks keys pass when they are set.
// The X25519 arithmetic is the core's (assembly/crypto/x25519.ts), the
// randomness the platform's (crypto.getRandomValues).
import { core } from "../../bindings/core.js";
import { optionError } from "../options.js";
import { z85Encode, z85Decode } from "./z85.js";

/** A CURVE key pair as 40-character Z85 strings. */
export interface CurveKeyPair {
  publicKey: string;
  secretKey: string;
}

/** A new CURVE key pair (X25519), as zeromq.js's curveKeyPair() gives it. */
export function curveKeyPair(): CurveKeyPair {
  const secret = core().randomBytes(32);
  const publicKey = z85Encode(core().curvePublicKey(secret));
  const secretKey = z85Encode(secret);
  secret.fill(0);
  return { publicKey, secretKey };
}

/** The public key of a secret key (Z85 string or 32 bytes), as Z85. */
export function curvePublicKey(secretKey: string | Uint8Array): string {
  return z85Encode(core().curvePublicKey(keyBytes("The secret key", secretKey)));
}

/**
 * A key given as 40 Z85 characters or 32 bytes, as its 32 bytes; a TypeError
 * (code EINVAL) naming `what` (e.g. 'Option "curveServerKey"') otherwise.
 */
export function keyBytes(what: string, v: unknown): Uint8Array {
  if (typeof v === "string") {
    if (v.length !== 40) throw optionError(`${what} must be a 40-character Z85 key or 32 bytes, not a string of ${v.length} characters`);
    try { return z85Decode(v); } catch (err) { throw optionError(`${what} is not a Z85 key: ${(err as Error).message}`); }
  }
  if (v instanceof Uint8Array) {
    if (v.length !== 32) throw optionError(`${what} must be a 40-character Z85 key or 32 bytes, not ${v.length} bytes`);
    return new Uint8Array(v);
  }
  throw optionError(`${what} must be a 40-character Z85 key or 32 bytes`);
}
