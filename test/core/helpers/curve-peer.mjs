// An independent CURVE peer (RFC 26 CurveZMQ, as RFC 25 "ZMTP-CURVE" carries
// it in ZMTP) and PLAIN command builders (RFC 24), written from the RFCs'
// byte layouts on tweetnacl, never on wasmq's own code: what a test checks
// with them is wasmq against the spec, not wasmq against itself.
//
//   CurveClientPeer  HELLO, INITIATE (cookie, vouch, metadata), MESSAGE out;
//                    WELCOME, READY, MESSAGE in
//   CurveServerPeer  HELLO, INITIATE in; WELCOME (with its own cookie),
//                    READY, MESSAGE out
//
// Both work on command *bodies* ([name length][name][data], RFC 23
// "Commands"); the caller frames them for its transport (a ZMTP command
// frame over a stream, a [0x02][body] message over ZWS). After the
// handshake each frame travels as one MESSAGE in a data frame, its plaintext
// flags byte carrying MORE (0x01) and COMMAND (0x02) as libzmq does.
//
// Every step takes overrides (a nonce, a box, a length) so a test can build
// the hostile variants of docs/hostile-peers.md section H with the same code.
import nacl from "tweetnacl";

const b = (x) => (typeof x === "string" ? Buffer.from(x, "latin1") : Buffer.from(x));
const cat = (...parts) => Buffer.concat(parts.map(b));

/** MESSAGE plaintext flags. */
export const BOX_MORE = 0x01;
export const BOX_COMMAND = 0x02;

/** A deterministic key pair from one byte (secret = 32 times that byte, clamped by X25519 itself). */
export function keyPair(seedByte) {
  const kp = nacl.box.keyPair.fromSecretKey(new Uint8Array(32).fill(seedByte));
  return { publicKey: Buffer.from(kp.publicKey), secretKey: Buffer.from(kp.secretKey) };
}

/** The public key of a secret key (X25519 with the base point). */
export const publicOf = (secret) => Buffer.from(nacl.scalarMult.base(new Uint8Array(secret)));

/** A 24-byte nonce: a 16-byte ASCII prefix and a short nonce (u64 BE). */
export function shortNonce(prefix, n) {
  if (prefix.length !== 16) throw new Error(`short nonce prefix ${prefix} is not 16 bytes`);
  const t = Buffer.alloc(8);
  t.writeBigUInt64BE(BigInt(n));
  return cat(prefix, t);
}

/** A 24-byte nonce: an 8-byte ASCII prefix and 16 bytes. */
export function longNonce(prefix, tail16) {
  if (prefix.length !== 8 || tail16.length !== 16) throw new Error("long nonce: 8-byte prefix + 16 bytes");
  return cat(prefix, tail16);
}

const u64 = (n) => { const t = Buffer.alloc(8); t.writeBigUInt64BE(BigInt(n)); return t; };

/** A command body: [name length][name][data]. */
export const body = (name, ...data) => cat(Buffer.from([name.length]), name, ...data);

/** Splits a command body into its name and data (null name if it is not one). */
export function split(cmdBody) {
  const n = cmdBody[0] ?? 0;
  return { name: cmdBody.subarray(1, 1 + n).toString("latin1"), data: cmdBody.subarray(1 + n) };
}

/** Box with a precomputed key; the "easy" layout (MAC first) as tweetnacl and libzmq use. */
export const seal = (m, nonce, key) => Buffer.from(nacl.box.after(new Uint8Array(m), new Uint8Array(nonce), key));
/** Opens, or null. */
export function open(c, nonce, key) {
  const m = nacl.box.open.after(new Uint8Array(c), new Uint8Array(nonce), key);
  return m ? Buffer.from(m) : null;
}
const before = (pub, sec) => nacl.box.before(new Uint8Array(pub), new Uint8Array(sec));

/** Bytes from a fixed pattern (no entropy needed in tests): `n` bytes starting at `start`, counting up. */
export const pattern = (n, start = 0) => Buffer.from(Array.from({ length: n }, (_, i) => (start + i) & 0xff));

// ---------------------------------------------------------------- PLAIN --

/** PLAIN HELLO body (RFC 24): [ulen][user][plen][password]. */
export const plainHello = (user, pass) => body("HELLO", [b(user).length], user, [b(pass).length], pass);
export const plainWelcome = () => body("WELCOME");
export const plainInitiate = (md) => body("INITIATE", md);
export const plainReady = (md) => body("READY", md);
/** ERROR body: [len][reason]. */
export const errorBody = (reason) => body("ERROR", [b(reason).length], reason);

// ---------------------------------------------------------------- CURVE --

class CurvePeer {
  nonceOut = 1;   // the next short nonce this side sends
  nonceIn = 0;    // the last short nonce received (RFC 26: each must be greater)
  msgKey = null;  // C'·S' once known

  /** MESSAGE body: [7]"MESSAGE" nonce Box[flags + data]. */
  message(flags, data, { nonce = this.nonceOut++, tamper } = {}) {
    const pt = cat([flags], data);
    let box = seal(pt, shortNonce(this.outPrefix, nonce), this.msgKey);
    if (tamper) box = tamper(Buffer.from(box));
    return body("MESSAGE", u64(nonce), box);
  }

  /** Opens a MESSAGE body from the other side: { nonce, flags, data }; throws if it does not open. */
  openMessage(cmdBody) {
    const { name, data } = split(cmdBody);
    if (name !== "MESSAGE") throw new Error(`expected MESSAGE, got ${JSON.stringify(name)}`);
    const nonce = data.readBigUInt64BE(0);
    const pt = open(data.subarray(8), shortNonce(this.inPrefix, nonce), this.msgKey);
    if (!pt) throw new Error(`MESSAGE (nonce ${nonce}) does not open`);
    if (nonce <= BigInt(this.nonceIn)) throw new Error(`MESSAGE nonce ${nonce} not above ${this.nonceIn}`);
    this.nonceIn = Number(nonce);
    return { nonce: Number(nonce), flags: pt[0], data: pt.subarray(1) };
  }
}

/**
 * A CURVE client. `serverKey`: S; `keys`: C/c; `ephemeral`: C'/c' (fixed,
 * so tests are repeatable).
 */
export class CurveClientPeer extends CurvePeer {
  outPrefix = "CurveZMQMESSAGEC";
  inPrefix = "CurveZMQMESSAGES";

  constructor({ serverKey, keys = keyPair(0x51), ephemeral = keyPair(0x52) } = {}) {
    super();
    this.S = b(serverKey);
    this.keys = keys;
    this.eph = ephemeral;
    this.helloKey = before(this.S, this.eph.secretKey);
  }

  /**
   * HELLO body, 200 bytes: [5]"HELLO" version(01 00) 72 zeros C' nonce Box[64 zeros](C'→S).
   * Overrides: version, padding, nonce, box (80 bytes), size (cut or pad the body).
   */
  hello({ version = [1, 0], padding = Buffer.alloc(72), nonce = this.nonceOut++, box, size } = {}) {
    const sig = box ?? seal(Buffer.alloc(64), shortNonce("CurveZMQHELLO---", nonce), this.helloKey);
    let h = body("HELLO", version, padding, this.eph.publicKey, u64(nonce), sig);
    if (size !== undefined) h = size <= h.length ? h.subarray(0, size) : cat(h, Buffer.alloc(size - h.length));
    return h;
  }

  /** Opens a WELCOME body: { serverEphemeral S', cookie (96 bytes), nonce (16) }; throws if it does not. */
  openWelcome(cmdBody) {
    const { name, data } = split(cmdBody);
    if (name !== "WELCOME") throw new Error(`expected WELCOME, got ${JSON.stringify(name)}`);
    if (cmdBody.length !== 168) throw new Error(`WELCOME of ${cmdBody.length} bytes, not 168`);
    const n16 = data.subarray(0, 16);
    const pt = open(data.subarray(16), longNonce("WELCOME-", n16), this.helloKey);
    if (!pt) throw new Error("WELCOME box does not open with C'·S");
    this.serverEph = pt.subarray(0, 32);
    this.cookie = pt.subarray(32);
    this.msgKey = before(this.serverEph, this.eph.secretKey);
    return { serverEphemeral: this.serverEph, cookie: this.cookie, nonce: n16 };
  }

  /**
   * The vouch, 96 bytes: nonce(16) Box[C' + S](C→S'). Overrides: the keys vouched for, the nonce, the box.
   */
  vouch({ vouchFor = cat(this.eph.publicKey, this.S), nonce16 = pattern(16, 0x80), box, signer = this.keys.secretKey } = {}) {
    const v = box ?? seal(vouchFor, longNonce("VOUCH---", nonce16), before(this.serverEph, signer));
    return cat(nonce16, v);
  }

  /**
   * INITIATE body: [8]"INITIATE" cookie(96) nonce Box[C + vouch + metadata](C'→S').
   * Overrides: cookie, nonce, the vouch (96 bytes), the client key C, the whole box, size.
   */
  initiate(md, { cookie = this.cookie, nonce = this.nonceOut++, vouch, clientKey = this.keys.publicKey, box, size } = {}) {
    const pt = cat(clientKey, vouch ?? this.vouch(), md);
    const bx = box ?? seal(pt, shortNonce("CurveZMQINITIATE", nonce), this.msgKey);
    let i = body("INITIATE", cookie, u64(nonce), bx);
    if (size !== undefined) i = size <= i.length ? i.subarray(0, size) : cat(i, Buffer.alloc(size - i.length));
    return i;
  }

  /** Opens a READY body: { nonce, metadata }; throws if it does not. */
  openReady(cmdBody) {
    const { name, data } = split(cmdBody);
    if (name !== "READY") throw new Error(`expected READY, got ${JSON.stringify(name)}`);
    const nonce = data.readBigUInt64BE(0);
    const md = open(data.subarray(8), shortNonce("CurveZMQREADY---", nonce), this.msgKey);
    if (!md) throw new Error("READY box does not open with C'·S'");
    this.nonceIn = Number(nonce);
    return { nonce: Number(nonce), metadata: md };
  }
}

/**
 * A CURVE server. `keys`: S/s; `ephemeral`: S'/s'; `cookieKey`: the
 * secretbox key of its cookies.
 */
export class CurveServerPeer extends CurvePeer {
  outPrefix = "CurveZMQMESSAGES";
  inPrefix = "CurveZMQMESSAGEC";

  constructor({ keys = keyPair(0x61), ephemeral = keyPair(0x62), cookieKey = pattern(32, 0x40) } = {}) {
    super();
    this.keys = keys;
    this.eph = ephemeral;
    this.cookieKey = new Uint8Array(cookieKey);
  }

  /** Checks and opens a HELLO body (throws if it is not RFC 26's): { clientEphemeral, nonce, version, padding }. */
  openHello(cmdBody) {
    const { name, data } = split(cmdBody);
    if (name !== "HELLO") throw new Error(`expected HELLO, got ${JSON.stringify(name)}`);
    if (cmdBody.length !== 200) throw new Error(`HELLO of ${cmdBody.length} bytes, not 200`);
    const cn = data.subarray(74, 106);
    const nonce = data.readBigUInt64BE(106);
    this.clientEph = cn;
    this.helloKey = before(cn, this.keys.secretKey);
    const sig = open(data.subarray(114), shortNonce("CurveZMQHELLO---", nonce), this.helloKey);
    if (!sig) throw new Error("HELLO signature box does not open with C'·S");
    this.nonceIn = Number(nonce);
    return { clientEphemeral: cn, nonce: Number(nonce), version: data.subarray(0, 2), padding: data.subarray(2, 74), signature: sig };
  }

  /** WELCOME for a client ephemeral key C' this server did not get a HELLO from (a forged WELCOME). */
  welcomeFor(clientEph, opts) {
    this.clientEph = Buffer.from(clientEph);
    this.helloKey = before(this.clientEph, this.keys.secretKey);
    return this.welcome(opts);
  }

  /** WELCOME body: [7]"WELCOME" nonce(16) Box[S' + cookie](S→C'); the cookie: nonce(16) secretbox[C' + s']. */
  welcome({ nonce16 = pattern(16, 0x20), cookieNonce = pattern(16, 0x30) } = {}) {
    const sealed = nacl.secretbox(new Uint8Array(cat(this.clientEph, this.eph.secretKey)), new Uint8Array(longNonce("COOKIE--", cookieNonce)), this.cookieKey);
    this.cookie = cat(cookieNonce, sealed);
    const pt = cat(this.eph.publicKey, this.cookie);
    return body("WELCOME", nonce16, seal(pt, longNonce("WELCOME-", nonce16), this.helloKey));
  }

  /**
   * Opens an INITIATE body: { cookieOk, nonce, clientKey C, vouch: { nonce, keys: C' + S } | null, metadata }.
   * Throws if the box does not open.
   */
  openInitiate(cmdBody) {
    const { name, data } = split(cmdBody);
    if (name !== "INITIATE") throw new Error(`expected INITIATE, got ${JSON.stringify(name)}`);
    const cookie = data.subarray(0, 96);
    const nonce = data.readBigUInt64BE(96);
    const opened = nacl.secretbox.open(new Uint8Array(cookie.subarray(16)), new Uint8Array(longNonce("COOKIE--", cookie.subarray(0, 16))), this.cookieKey);
    const cookieOk = !!opened && Buffer.from(opened).equals(cat(this.clientEph, this.eph.secretKey));
    this.msgKey = before(this.clientEph, this.eph.secretKey);
    const pt = open(data.subarray(104), shortNonce("CurveZMQINITIATE", nonce), this.msgKey);
    if (!pt) throw new Error("INITIATE box does not open with C'·S'");
    this.nonceIn = Number(nonce);
    const clientKey = pt.subarray(0, 32);
    const vn = pt.subarray(32, 48);
    const vouched = open(pt.subarray(48, 128), longNonce("VOUCH---", vn), before(clientKey, this.eph.secretKey));
    return {
      cookieOk, nonce: Number(nonce), clientKey, size: cmdBody.length,
      vouch: vouched ? { nonce: vn, keys: vouched } : null,
      metadata: pt.subarray(128),
    };
  }

  /** READY body: [5]"READY" nonce Box[metadata](S'→C'). */
  ready(md, { nonce = this.nonceOut++ } = {}) {
    return body("READY", u64(nonce), seal(md, shortNonce("CurveZMQREADY---", nonce), this.msgKey));
  }
}
