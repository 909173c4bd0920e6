// The CURVE mechanism (RFC 26, CurveZMQ, as RFC 25 carries it in ZMTP):
// X25519 key agreement and XSalsa20-Poly1305 boxes (crypto/box.ts).
// Keys: C/c and S/s are the client's and server's long-term pairs, C'/c'
// and S'/s' fresh for each connection.
//
//   client                                  server
//   HELLO C', Box[64 zeros](C'→S)     →
//                                     ←     WELCOME Box[S' + cookie](S→C')
//   INITIATE cookie, Box[C + vouch + metadata](C'→S')   →   (ZAP asked about C)
//                                     ←     READY Box[metadata](S'→C')
//   MESSAGE Box[flags + frame] both ways, short nonces increasing
//
// The server keeps nothing of a client between HELLO and INITIATE but the
// 16-byte nonce of the cookie it handed out: C' and s' travel inside the
// cookie, a secretbox under a key the socket changes every minute
// (security.ts), so a flood of HELLOs costs one WELCOME each and no memory
// beyond the connection. The cookie's nonce carries its issue time, and a
// cookie over a minute old, or from another connection, does not open.
import { Bytes, loadU64BE, storeU64BE, bytesEqual } from "../bytes";
import { Pipe } from "../pipe";
import * as R from "../errors";
import { randomBytes } from "../entropy";
import { KEY_BYTES, MAC_BYTES, x25519Base, boxBeforenm, seal, open, sealSub, openSub, xsalsaSubkey } from "../crypto/box";
import { ZmtpEngine } from "./engine";
import { FLAG_LONG } from "./wire";
import { Mechanism, peerError, ERROR_COMMAND_MAX } from "./mechanism";
import {
  CMD_HELLO, CMD_WELCOME, CMD_INITIATE, CMD_READY, CMD_ERROR, frameCommandHeader, metadataSize, writeMetadata,
} from "./command";
import { zapAsk, ZAP_POLICY_UNLESS_ENFORCED, ZAP_SKIP } from "./zap";

// MESSAGE plaintext flags (libzmq's): the frame's MORE, and COMMAND for
// PING/PONG and subscriptions.
export const BOX_MORE: u8 = 0x01;
export const BOX_COMMAND: u8 = 0x02;

// A cookie key serves this long, ms (RFC 26: "at least every 60 seconds");
// a cookie opens for as long after it was made.
export const COOKIE_KEY_LIFETIME: f64 = 60000;

// The most metadata INITIATE and READY may carry: far more than the
// properties any ZeroMQ socket sends, far less than a command may weigh.
export const CURVE_METADATA_MAX: u32 = 65536;

// Command sizes (RFC 26 "The HELLO Command" ... with libzmq's 72 padding bytes).
const HELLO_SIZE: u32 = 200;
const WELCOME_SIZE: u32 = 168;
const INITIATE_MIN: u32 = 257;
const READY_MIN: u32 = 30;
const MESSAGE_MIN: u32 = 33;        // name 8, nonce 8, MAC 16, flags 1
const MESSAGE_HEAD: u32 = 16;       // name and nonce, before the box

// "CURVE" + 15 NULs, the greeting's mechanism field.
const CURVE_NAME = memory.data<u8>([
  0x43, 0x55, 0x52, 0x56, 0x45, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

// Scratch shared by every connection (the core is single-threaded): a
// 24-byte nonce, and plaintexts of the handshake's boxes.
const nonce = memory.data(24);
const scratch = new Bytes();
// A server's C'·s for the HELLO and WELCOME it handles right now.
const helloKey = memory.data(32);

function setNonce(prefix: string, tail: usize, tailLen: u32): usize {
  for (let i = 0; i < prefix.length; i++) store<u8>(nonce + i, <u8>prefix.charCodeAt(i));
  memory.copy(nonce + prefix.length, tail, tailLen);
  return nonce;
}

function setShortNonce(prefix: string, n: u64): usize {
  for (let i = 0; i < 16; i++) store<u8>(nonce + i, <u8>prefix.charCodeAt(i));
  return shortNonceTail(n);
}

@inline function shortNonceTail(n: u64): usize {
  storeU64BE(nonce + 16, n);
  return nonce;
}

// The per-message constants, as bytes (no string work per frame).
const MESSAGE_NAME = memory.data<u8>([0x07, 0x4d, 0x45, 0x53, 0x53, 0x41, 0x47, 0x45]); // 07 "MESSAGE"
const PREFIX_FROM_CLIENT = memory.data<u8>([0x43, 0x75, 0x72, 0x76, 0x65, 0x5a, 0x4d, 0x51, 0x4d, 0x45, 0x53, 0x53, 0x41, 0x47, 0x45, 0x43]); // "CurveZMQMESSAGEC"
const PREFIX_FROM_SERVER = memory.data<u8>([0x43, 0x75, 0x72, 0x76, 0x65, 0x5a, 0x4d, 0x51, 0x4d, 0x45, 0x53, 0x53, 0x41, 0x47, 0x45, 0x53]); // "CurveZMQMESSAGES"

function messageNonce(prefix: usize, n: u64): usize {
  memory.copy(nonce, prefix, 16);
  return shortNonceTail(n);
}

// A command's name at `at`: its length byte, then its letters.
function putName(at: usize, name: string): void {
  store<u8>(at, <u8>name.length);
  for (let i = 0; i < name.length; i++) store<u8>(at + 1 + i, <u8>name.charCodeAt(i));
}

function wipeScratch(): void { if (scratch.cap) memory.fill(scratch.ptr, 0, scratch.cap); scratch.len = 0; }

// What both sides share once the handshake is done.
class CurveBase extends Mechanism {
  // Per-connection secrets and state, in one wiped allocation (offsets below).
  st: Bytes = new Bytes();
  nonceOut: u64 = 1;
  nonceIn: u64 = 0;
  done: bool = false;

  // Made when the connection has keys to keep (a client at once, a server
  // at INITIATE): a server keeps no allocation for a client before then.
  protected keepState(): void {
    if (this.st.len) return;
    memory.fill(this.st.reserve(ST_SIZE), 0, ST_SIZE);
    this.st.len = ST_SIZE;
  }

  name(): usize { return CURVE_NAME; }
  encrypts(): bool { return this.done; }
  messageOverhead(): u32 { return MESSAGE_MIN; }

  @inline at(off: u32): usize { return this.st.ptr + off; }

  // Nonce prefixes of the MESSAGEs this side sends and receives.
  outPrefix(): usize { return 0; }
  inPrefix(): usize { return 0; }

  // A MESSAGE goes in a data frame (flags 0, or LONG), as libzmq sends it
  // and as its receiver requires: it reads a command-flagged frame's
  // plaintext as a command.
  sealFrame(e: ZmtpEngine, p: Pipe, flags: u8, data: usize, n: u32): void {
    let size = MESSAGE_MIN + n;
    let o = p.out;
    if (e.ws) { o.push32(1 + size); o.push8(0); }
    else if (size <= 255) { o.push8(0); o.push8(size); }
    else { o.push8(FLAG_LONG); o.push64BE(<u64>size); }
    let at = o.reserve(size);
    store<u64>(at, load<u64>(MESSAGE_NAME));
    let nn = this.nonceOut++;
    storeU64BE(at + 8, nn);
    store<u8>(at + 32, flags);
    if (n) memory.copy(at + 33, data, n);
    sealSub(at + 16, at + 32, 1 + n, messageNonce(this.outPrefix(), nn), this.at(SUB_OUT));
    o.len += size;
  }

  openMessage(e: ZmtpEngine, p: Pipe, body: usize, n: u32, now: f64): i32 {
    if (n < MESSAGE_MIN) { p.fail(R.R_MALFORMED_MESSAGE, now); return -1; }
    let nn = loadU64BE(body + 8);
    if (nn <= this.nonceIn) { p.fail(R.R_INVALID_SEQUENCE, now); return -1; }
    let len = n - MESSAGE_HEAD - MAC_BYTES;
    let pt = e.plain;
    pt.len = 0;
    let out = pt.reserve(len);
    if (!openSub(out, body + MESSAGE_HEAD, n - MESSAGE_HEAD, messageNonce(this.inPrefix(), nn), this.at(SUB_IN))) {
      p.fail(R.R_CRYPTOGRAPHIC, now);
      return -1;
    }
    this.nonceIn = nn;
    pt.len = len;
    return <i32>len;
  }

  // The handshake is over: every MESSAGE nonce of a direction starts with
  // the same 16 bytes, so its XSalsa20 subkey is made once, not per frame.
  protected keysReady(): void {
    xsalsaSubkey(this.at(SUB_OUT), this.outPrefix(), this.at(K_MSG));
    xsalsaSubkey(this.at(SUB_IN), this.inPrefix(), this.at(K_MSG));
    this.done = true;
  }

  // This side's metadata, boxed: READY (server) or inside INITIATE (client).
  metadataInto(b: Bytes, p: Pipe): void { writeMetadata(b, p.sock.type, p.sock.routingId); }

  free(): void {
    if (this.st.cap) memory.fill(this.st.ptr, 0, this.st.cap);
    this.st.free();
  }
}

// Offsets in CurveBase.st.
const K_MSG: u32 = 0;        // the MESSAGE key (C'·S' precomputed)
const K_HELLO: u32 = 32;     // C'·S, for HELLO and WELCOME
const CN_PUB: u32 = 64;      // client: C'
const CN_SEC: u32 = 96;      // client: c'
const CN_SERVER: u32 = 128;  // client: S'
const COOKIE: u32 = 160;     // client: the cookie (96)
const CLIENT_KEY: u32 = 256; // server: C, for ZAP
const SUB_OUT: u32 = 288;    // the XSalsa20 subkeys of the MESSAGE key for each direction's nonce prefix
const SUB_IN: u32 = 320;
const ST_SIZE: u32 = 352;

export class CurveClient extends CurveBase {
  step: i32 = 0; // 0: awaiting WELCOME, 1: awaiting READY
  outPrefix(): usize { return PREFIX_FROM_CLIENT; }
  inPrefix(): usize { return PREFIX_FROM_SERVER; }
  commandLimit(): u32 { return this.step == 0 ? max(WELCOME_SIZE, ERROR_COMMAND_MAX) : READY_MIN + CURVE_METADATA_MAX; }
  oversizeReason(): i32 { return this.step == 0 ? R.R_MALFORMED_WELCOME : R.R_MALFORMED_READY; }

  greeted(e: ZmtpEngine, p: Pipe, now: f64): void {
    let sec = p.sock.security();
    this.keepState();
    randomBytes(this.at(CN_SEC), KEY_BYTES);
    x25519Base(this.at(CN_PUB), this.at(CN_SEC));
    boxBeforenm(this.at(K_HELLO), sec.serverKey.ptr, this.at(CN_SEC));
    let o = p.out;
    frameCommandHeader(o, HELLO_SIZE, e.ws);
    let h = o.reserve(HELLO_SIZE);
    memory.fill(h, 0, HELLO_SIZE);
    putName(h, "HELLO");
    store<u8>(h + 6, 1);
    memory.copy(h + 80, this.at(CN_PUB), KEY_BYTES);
    let nn = this.nonceOut++;
    storeU64BE(h + 112, nn);
    // The signature box: 64 zero bytes, sealed in place (its room is zero).
    seal(h + 120, h + 136, 64, setShortNonce("CurveZMQHELLO---", nn), this.at(K_HELLO));
    o.len += HELLO_SIZE;
    p.signalOutput();
  }

  command(e: ZmtpEngine, p: Pipe, kind: i32, data: usize, n: u32, body: usize, bodyLen: u32, now: f64): void {
    if (kind == CMD_ERROR) { peerError(p, data, n, now); return; }
    if (this.step == 0 && kind == CMD_WELCOME) { this.welcome(e, p, body, bodyLen, now); return; }
    if (this.step == 1 && kind == CMD_READY) { this.ready(e, p, body, bodyLen, now); return; }
    p.fail(R.R_UNEXPECTED_COMMAND, now);
  }

  private welcome(e: ZmtpEngine, p: Pipe, body: usize, n: u32, now: f64): void {
    if (n != WELCOME_SIZE) { p.fail(R.R_MALFORMED_WELCOME, now); return; }
    let sec = p.sock.security();
    scratch.len = 0;
    let pt = scratch.reserve(128);
    if (!open(pt, body + 24, 144, setNonce("WELCOME-", body + 8, 16), this.at(K_HELLO))) {
      wipeScratch();
      p.fail(R.R_CRYPTOGRAPHIC, now);
      return;
    }
    memory.copy(this.at(CN_SERVER), pt, KEY_BYTES);
    memory.copy(this.at(COOKIE), pt + 32, 96);
    boxBeforenm(this.at(K_MSG), this.at(CN_SERVER), this.at(CN_SEC));

    // INITIATE's plaintext: [C 32][vouch nonce 16][vouch box 80][metadata],
    // the vouch being C' and S boxed from C to S' (RFC 26 "The INITIATE
    // Command"); the vouch's own plaintext sits past the end until sealed.
    let vouchKey = memory.data(32);
    boxBeforenm(vouchKey, this.at(CN_SERVER), sec.secretKey.ptr);
    let mlen = metadataSize(p.sock.type, p.sock.routingId);
    let plainLen = 128 + mlen;
    scratch.len = 0;
    let v = scratch.reserve(plainLen + 64);
    sec.ownPublicKey(v);
    randomBytes(v + 32, 16);
    let vouchPlain = v + plainLen;
    memory.copy(vouchPlain, this.at(CN_PUB), KEY_BYTES);
    memory.copy(vouchPlain + 32, sec.serverKey.ptr, KEY_BYTES);
    seal(v + 48, vouchPlain, 64, setNonce("VOUCH---", v + 32, 16), vouchKey);
    memory.fill(vouchKey, 0, 32);
    scratch.len = 128;
    writeMetadata(scratch, p.sock.type, p.sock.routingId);

    let size = 9 + 96 + 8 + MAC_BYTES + plainLen;
    let o = p.out;
    frameCommandHeader(o, size, e.ws);
    let at = o.reserve(size);
    putName(at, "INITIATE");
    memory.copy(at + 9, this.at(COOKIE), 96);
    let nn = this.nonceOut++;
    storeU64BE(at + 105, nn);
    seal(at + 113, v, plainLen, setShortNonce("CurveZMQINITIATE", nn), this.at(K_MSG));
    o.len += size;
    wipeScratch();
    p.signalOutput();
    this.step = 1;
  }

  private ready(e: ZmtpEngine, p: Pipe, body: usize, n: u32, now: f64): void {
    if (n < READY_MIN || n - READY_MIN > CURVE_METADATA_MAX) { p.fail(R.R_MALFORMED_READY, now); return; }
    let nn = loadU64BE(body + 6);
    if (nn <= this.nonceIn) { p.fail(R.R_INVALID_SEQUENCE, now); return; }
    let mlen = n - 14 - MAC_BYTES;
    scratch.len = 0;
    let pt = scratch.reserve(mlen);
    if (!open(pt, body + 14, n - 14, setShortNonce("CurveZMQREADY---", nn), this.at(K_MSG))) {
      p.fail(R.R_CRYPTOGRAPHIC, now);
      return;
    }
    this.nonceIn = nn;
    // The ephemeral secret is no longer needed: the MESSAGE key is made.
    memory.fill(this.at(CN_SEC), 0, KEY_BYTES);
    memory.fill(this.at(K_HELLO), 0, KEY_BYTES);
    if (!e.peerMetadata(p, pt, mlen, now)) return;
    this.keysReady();
    e.handshakeDone(p, now);
  }
}

export class CurveServer extends CurveBase {
  step: i32 = 0; // 0: awaiting HELLO, 1: awaiting INITIATE, 2: awaiting ZAP
  // The nonce of the cookie this connection was given, all it keeps of the client before INITIATE.
  cookieA: u64 = 0;
  cookieB: u64 = 0;
  outPrefix(): usize { return PREFIX_FROM_SERVER; }
  inPrefix(): usize { return PREFIX_FROM_CLIENT; }
  asServer(): bool { return true; }
  // A HELLO is exactly 200 bytes (RFC 26): a header that says more is refused at once.
  commandLimit(): u32 { return this.step == 0 ? HELLO_SIZE : this.step == 1 ? INITIATE_MIN + CURVE_METADATA_MAX : 0; }
  oversizeReason(): i32 { return this.step == 0 ? R.R_MALFORMED_HELLO : this.step == 1 ? R.R_MALFORMED_INITIATE : R.R_UNEXPECTED_COMMAND; }

  command(e: ZmtpEngine, p: Pipe, kind: i32, data: usize, n: u32, body: usize, bodyLen: u32, now: f64): void {
    if (this.step == 0 && kind == CMD_HELLO) { this.hello(e, p, body, bodyLen, now); return; }
    if (this.step == 1 && kind == CMD_INITIATE) { this.initiate(e, p, body, bodyLen, now); return; }
    p.fail(R.R_UNEXPECTED_COMMAND, now);
  }

  private hello(e: ZmtpEngine, p: Pipe, body: usize, n: u32, now: f64): void {
    if (n != HELLO_SIZE || load<u8>(body + 6) != 1 || load<u8>(body + 7) != 0) { p.fail(R.R_MALFORMED_HELLO, now); return; }
    let sec = p.sock.security();
    let cn = body + 80;
    let k = helloKey;
    boxBeforenm(k, cn, sec.secretKey.ptr);
    let nn = loadU64BE(body + 112);
    scratch.len = 0;
    let sig = scratch.reserve(64);
    if (!open(sig, body + 120, 80, setShortNonce("CurveZMQHELLO---", nn), k)) { memory.fill(k, 0, KEY_BYTES); p.fail(R.R_CRYPTOGRAPHIC, now); return; }
    this.nonceIn = nn;

    // S'/s' for this connection, and the cookie that carries C' and s'.
    scratch.len = 0;
    let w = scratch.reserve(16 + 128 + 64);
    // [room for the MAC 16][S' 32][cookie nonce 16][cookie box 80] then [C' s'] to seal
    let sn = w + 16 + 128;
    memory.copy(sn, cn, KEY_BYTES);
    randomBytes(sn + 32, KEY_BYTES);
    x25519Base(w + 16, sn + 32);
    let cookieNonce = w + 48;
    storeU64BE(cookieNonce, <u64>now);
    randomBytes(cookieNonce + 8, 8);
    this.cookieA = load<u64>(cookieNonce);
    this.cookieB = load<u64>(cookieNonce, 8);
    seal(w + 64, sn, 64, setNonce("COOKIE--", cookieNonce, 16), sec.currentCookieKey(p.sock.timers, now));
    memory.fill(sn, 0, 64);

    let o = p.out;
    frameCommandHeader(o, WELCOME_SIZE, e.ws);
    let at = o.reserve(WELCOME_SIZE);
    putName(at, "WELCOME");
    randomBytes(at + 8, 16);
    seal(at + 24, w + 16, 128, setNonce("WELCOME-", at + 8, 16), k);
    o.len += WELCOME_SIZE;
    wipeScratch();
    memory.fill(k, 0, KEY_BYTES);
    p.signalOutput();
    this.step = 1;
  }

  private initiate(e: ZmtpEngine, p: Pipe, body: usize, n: u32, now: f64): void {
    if (n < INITIATE_MIN || n - INITIATE_MIN > CURVE_METADATA_MAX) { p.fail(R.R_MALFORMED_INITIATE, now); return; }
    let sec = p.sock.security();
    // The cookie: this connection's, young enough, and sealed by us.
    let cookieNonce = body + 9;
    let issued = <f64>loadU64BE(cookieNonce);
    let mine = load<u64>(cookieNonce) == this.cookieA && load<u64>(cookieNonce, 8) == this.cookieB;
    if (!mine || now - issued >= COOKIE_KEY_LIFETIME || issued > now) {
      p.fail(R.R_CRYPTOGRAPHIC, now);
      return;
    }
    scratch.len = 0;
    let cp = scratch.reserve(64);
    let cnon = setNonce("COOKIE--", cookieNonce, 16);
    let opened = sec.cookieKey.len == KEY_BYTES && open(cp, body + 25, 80, cnon, sec.cookieKey.ptr);
    if (!opened && sec.cookieKeyPrev.len == KEY_BYTES) opened = open(cp, body + 25, 80, setNonce("COOKIE--", cookieNonce, 16), sec.cookieKeyPrev.ptr);
    if (!opened) { wipeScratch(); p.fail(R.R_CRYPTOGRAPHIC, now); return; }
    // cp: C' then s'.
    this.keepState();
    boxBeforenm(this.at(K_MSG), cp, cp + 32);
    let cnPub = memory.data(32);
    memory.copy(cnPub, cp, KEY_BYTES);

    let nn = loadU64BE(body + 105);
    if (nn <= this.nonceIn) { wipeScratch(); p.fail(R.R_INVALID_SEQUENCE, now); return; }
    let boxLen = n - 113;
    let plainLen = boxLen - MAC_BYTES;
    let ip = new Bytes();
    let pt = ip.reserve(plainLen);
    if (!open(pt, body + 113, boxLen, setShortNonce("CurveZMQINITIATE", nn), this.at(K_MSG))) {
      wipeScratch(); ip.free();
      p.fail(R.R_CRYPTOGRAPHIC, now);
      return;
    }
    this.nonceIn = nn;
    // The vouch: C' and S, from C to S'.
    let vouchKey = memory.data(32);
    boxBeforenm(vouchKey, pt, cp + 32);
    let vp = scratch.ptr;  // C' and s' are no longer needed: reuse for the vouch's plaintext
    let vouchOk = open(vp, pt + 48, 80, setNonce("VOUCH---", pt + 32, 16), vouchKey);
    memory.fill(vouchKey, 0, 32);
    if (!vouchOk) { wipeScratch(); ip.free(); p.fail(R.R_CRYPTOGRAPHIC, now); return; }
    let serverPub = memory.data(32);
    sec.ownPublicKey(serverPub);
    let vouchFits = bytesEqual(vp, cnPub, KEY_BYTES) && bytesEqual(vp + 32, serverPub, KEY_BYTES);
    wipeScratch();
    if (!vouchFits) { ip.free(); p.fail(R.R_KEY_EXCHANGE, now); return; }
    memory.copy(this.at(CLIENT_KEY), pt, KEY_BYTES);
    let ok = e.peerMetadata(p, pt + 128, plainLen - 128, now);
    ip.free();
    if (!ok) return;
    this.step = 2;
    let r = zapAsk(e, p, ZAP_POLICY_UNLESS_ENFORCED, "CURVE", this.at(CLIENT_KEY), KEY_BYTES, 0, 0, 1, now);
    if (r == ZAP_SKIP) this.zapAccepted(e, p, now);
  }

  zapAccepted(e: ZmtpEngine, p: Pipe, now: f64): void {
    if (this.step != 2) return;
    let mlen = metadataSize(p.sock.type, p.sock.routingId);
    let size = 6 + 8 + MAC_BYTES + mlen;
    let o = p.out;
    frameCommandHeader(o, size, e.ws);
    let at = o.reserve(size);
    putName(at, "READY");
    let nn = this.nonceOut++;
    storeU64BE(at + 6, nn);
    scratch.len = 0;
    writeMetadata(scratch, p.sock.type, p.sock.routingId);
    seal(at + 14, scratch.ptr, mlen, setShortNonce("CurveZMQREADY---", nn), this.at(K_MSG));
    scratch.len = 0;
    o.len += size;
    p.signalOutput();
    this.keysReady();
    e.handshakeDone(p, now);
  }
}
