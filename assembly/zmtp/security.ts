// A ZeroMQ socket's security settings, as libzmq keeps them (its options
// ZMQ_PLAIN_*, ZMQ_CURVE_*, ZMQ_ZAP_*): which mechanism new connections use
// (RFC 23 "Security Handshake"), on which side of it this socket stands,
// and its credentials. Settings apply to connections that start after they
// are set. Each connection gets a fresh mechanism object (make()).
import { Bytes, bytesEqual } from "../bytes";
import { EINVAL } from "../errors";
import {
  OPT_PLAIN_SERVER, OPT_PLAIN_USERNAME, OPT_PLAIN_PASSWORD, OPT_CURVE_SERVER, OPT_CURVE_PUBLICKEY,
  OPT_CURVE_SECRETKEY, OPT_CURVE_SERVERKEY, OPT_ZAP_DOMAIN, OPT_ZAP_ENFORCE_DOMAIN, OPT_MECHANISM,
} from "../options";
import { KEY_BYTES, x25519Base } from "../crypto/box";
import { randomBytes } from "../entropy";
import { Timers, ST_COOKIE_KEY } from "../timers";
import { Mechanism } from "./mechanism";
import { NullMechanism } from "./null";
import { PlainClient, PlainServer } from "./plain";
import { CurveClient, CurveServer, COOKIE_KEY_LIFETIME } from "./curve";

export const MECH_NULL: i32 = 0;
export const MECH_PLAIN: i32 = 1;
export const MECH_CURVE: i32 = 2;

// Why a configuration cannot start a connection (security_check).
export const SEC_OK: i32 = 0;
export const SEC_NO_SERVER_KEY: i32 = 1;   // a CURVE client without curveServerKey
export const SEC_NO_KEYS: i32 = 2;         // a CURVE client without its own key pair
export const SEC_NO_SECRET_KEY: i32 = 3;   // a CURVE server without curveSecretKey
export const SEC_KEY_MISMATCH: i32 = 4;    // curvePublicKey is not the secret key's public key

export class Security {
  mechanism: i32 = MECH_NULL;
  asServer: bool = false;
  username: Bytes = new Bytes();
  password: Bytes = new Bytes();
  publicKey: Bytes = new Bytes();
  secretKey: Bytes = new Bytes();
  serverKey: Bytes = new Bytes();
  zapDomain: Bytes = new Bytes();
  zapEnforce: bool = false;

  // A CURVE server's cookie keys (RFC 26 "The WELCOME Command": a
  // server-only key that changes at least every minute). A key seals
  // cookies for a minute, then opens them (as the previous key) for one more,
  // the longest a cookie it sealed stays valid; then it is wiped, so a
  // recorded handshake cannot be opened later from the process's memory.
  cookieKey: Bytes = new Bytes();
  cookieKeyAt: f64 = -Infinity;
  cookieKeyPrev: Bytes = new Bytes();
  cookieKeyPrevAt: f64 = -Infinity;

  set(opt: i32, v: f64): bool {
    if (opt == OPT_PLAIN_SERVER) { this.asServer = v != 0; this.mechanism = v != 0 ? MECH_PLAIN : MECH_NULL; return true; }
    if (opt == OPT_CURVE_SERVER) { this.asServer = v != 0; this.mechanism = v != 0 ? MECH_CURVE : MECH_NULL; return true; }
    if (opt == OPT_ZAP_ENFORCE_DOMAIN) { this.zapEnforce = v != 0; return true; }
    return false;
  }

  get(opt: i32): f64 {
    if (opt == OPT_PLAIN_SERVER) return this.mechanism == MECH_PLAIN && this.asServer ? 1 : 0;
    if (opt == OPT_CURVE_SERVER) return this.mechanism == MECH_CURVE && this.asServer ? 1 : 0;
    if (opt == OPT_ZAP_ENFORCE_DOMAIN) return this.zapEnforce ? 1 : 0;
    if (opt == OPT_MECHANISM) return <f64>this.mechanism;
    return NaN;
  }

  // Byte options; an empty value clears a credential (libzmq's NULL value).
  setBytes(opt: i32, p: usize, n: u32): i32 {
    if (opt == OPT_PLAIN_USERNAME || opt == OPT_PLAIN_PASSWORD) {
      if (n > 255) return -EINVAL;
      let b = opt == OPT_PLAIN_USERNAME ? this.username : this.password;
      b.len = 0;
      b.append(p, n);
      if (n == 0) { this.mechanism = MECH_NULL; return 0; }
      this.asServer = false;
      this.mechanism = MECH_PLAIN;
      return 0;
    }
    if (opt == OPT_CURVE_PUBLICKEY || opt == OPT_CURVE_SECRETKEY || opt == OPT_CURVE_SERVERKEY) {
      if (n != KEY_BYTES) return -EINVAL;
      let b = opt == OPT_CURVE_PUBLICKEY ? this.publicKey : opt == OPT_CURVE_SECRETKEY ? this.secretKey : this.serverKey;
      b.len = 0;
      b.append(p, n);
      if (opt == OPT_CURVE_SERVERKEY) this.asServer = false;
      this.mechanism = MECH_CURVE;
      return 0;
    }
    if (opt == OPT_ZAP_DOMAIN) {
      if (n > 255) return -EINVAL;
      this.zapDomain.len = 0;
      this.zapDomain.append(p, n);
      return 0;
    }
    return -EINVAL;
  }

  // Whether a connection can start with these settings (SEC_*): a CURVE
  // client needs the server's key and its own pair, a server its secret key.
  check(): i32 {
    if (this.mechanism != MECH_CURVE) return SEC_OK;
    if (this.asServer) {
      if (this.secretKey.len != KEY_BYTES) return SEC_NO_SECRET_KEY;
    } else {
      if (this.serverKey.len != KEY_BYTES) return SEC_NO_SERVER_KEY;
      if (this.secretKey.len != KEY_BYTES) return SEC_NO_KEYS;
    }
    if (this.publicKey.len == KEY_BYTES) {
      let derived = memory.data(32);
      x25519Base(derived, this.secretKey.ptr);
      if (!bytesEqual(derived, this.publicKey.ptr, KEY_BYTES)) return SEC_KEY_MISMATCH;
    } else if (!this.asServer) {
      return SEC_NO_KEYS;
    }
    return SEC_OK;
  }

  // The server's public key: set, or derived from the secret key.
  ownPublicKey(out: usize): void {
    if (this.publicKey.len == KEY_BYTES) memory.copy(out, this.publicKey.ptr, KEY_BYTES);
    else x25519Base(out, this.secretKey.ptr);
  }

  // The mechanism object for one new connection.
  make(): Mechanism {
    if (this.mechanism == MECH_PLAIN) return this.asServer ? changetype<Mechanism>(new PlainServer()) : changetype<Mechanism>(new PlainClient());
    if (this.mechanism == MECH_CURVE) return this.asServer ? changetype<Mechanism>(new CurveServer()) : changetype<Mechanism>(new CurveClient());
    return new NullMechanism();
  }

  // The cookie key in force at `now`, made anew once the current one has
  // served its minute.
  currentCookieKey(timers: Timers, now: f64): usize {
    this.ageCookieKeys(timers, now);
    if (this.cookieKey.len == 0) {
      let k = this.cookieKey.reserve(KEY_BYTES);
      randomBytes(k, KEY_BYTES);
      this.cookieKey.len = KEY_BYTES;
      this.cookieKeyAt = now;
      this.scheduleCookieKeys(timers);
    }
    return this.cookieKey.ptr;
  }

  // Retires the current key after its minute and wipes the previous one
  // after its second (the socket's ST_COOKIE_KEY timer, and every use).
  ageCookieKeys(timers: Timers, now: f64): void {
    if (this.cookieKey.len && now - this.cookieKeyAt >= COOKIE_KEY_LIFETIME) {
      wipe(this.cookieKeyPrev);
      this.cookieKeyPrev.copyFrom(this.cookieKey);
      this.cookieKeyPrevAt = this.cookieKeyAt;
      wipe(this.cookieKey);
    }
    if (this.cookieKeyPrev.len && now - this.cookieKeyPrevAt >= 2 * COOKIE_KEY_LIFETIME) wipe(this.cookieKeyPrev);
    this.scheduleCookieKeys(timers);
  }

  private scheduleCookieKeys(timers: Timers): void {
    let at = Infinity;
    if (this.cookieKey.len) at = this.cookieKeyAt + COOKIE_KEY_LIFETIME;
    if (this.cookieKeyPrev.len) at = min(at, this.cookieKeyPrevAt + 2 * COOKIE_KEY_LIFETIME);
    if (at == Infinity) timers.clear(ST_COOKIE_KEY); else timers.set(ST_COOKIE_KEY, at);
  }

  free(): void {
    wipe(this.password); wipe(this.secretKey); wipe(this.cookieKey); wipe(this.cookieKeyPrev);
    this.username.free(); this.publicKey.free(); this.serverKey.free(); this.zapDomain.free();
  }
}

// Secrets are overwritten before their memory goes back to the allocator.
export function wipe(b: Bytes): void {
  if (b.cap) memory.fill(b.ptr, 0, b.cap);
  b.free();
}
