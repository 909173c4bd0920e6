// ZAP, the ZeroMQ Authentication Protocol (RFC 27): a server-side handshake
// asks the handler bound at inproc://zeromq.zap.01 whether to let a peer in.
// The core builds each request and checks each reply here; the host only
// carries the frames (a DEALER of its own connected to that endpoint) and
// says whether a handler is bound at all (zap_handler), since an unbound
// handler decides the outcome as in libzmq: PLAIN fails, NULL and CURVE go
// on unless zapEnforceDomain.
//
// Request frames: "" (delimiter), "1.0", request id, domain, peer address,
// identity (this socket's routing id), mechanism, credentials...
// Reply frames, exactly 7: "", "1.0", request id, status code, status text,
// user id, metadata (RFC 23 metadata layout).
import { Bytes } from "../bytes";
import { Pipe } from "../pipe";
import { pipes } from "../registry";
import * as R from "../errors";
import { emit, EV_ZAP_REQUEST } from "../events";
import { Metadata, parseMetadata } from "./command";
import { ZmtpEngine, ST_HANDSHAKE } from "./engine";

// What zapAsk() decided.
export const ZAP_WAIT: i32 = 0;    // a request is out; the reply continues the handshake
export const ZAP_SKIP: i32 = 1;    // no handler is asked; go on
export const ZAP_FAILED: i32 = 2;  // the pipe was failed

// When a mechanism must ask, may skip, or must fail without a handler.
export const ZAP_POLICY_REQUIRED: i32 = 0;   // PLAIN: a handler must answer
export const ZAP_POLICY_DOMAIN: i32 = 1;     // NULL: ask only when a domain is set
export const ZAP_POLICY_UNLESS_ENFORCED: i32 = 2; // CURVE: ask when a domain is set or not enforced

let handlerBound = false;
export function setZapHandler(bound: bool): void { handlerBound = bound; }

// Requests the host has not taken yet, by pipe, and the serial each pipe's
// outstanding request carries in its id ("<pipe>.<serial>").
const requests = new Map<i32, Bytes>();
const waiting = new Map<i32, u32>();
let serial: u32 = 0;

function pushFrame(b: Bytes, p: usize, n: u32): void { b.push32(n); b.append(p, n); }
function pushText(b: Bytes, s: string): void { b.push32(<u32>s.length); b.pushString(s); }

// Asks the handler about the peer of p, or decides without one (ZAP_*).
// Credentials are given as up to two byte strings (PLAIN: user, password;
// CURVE: the client's long-term key).
export function zapAsk(e: ZmtpEngine, p: Pipe, policy: i32, mechanism: string,
                       c1: usize, n1: u32, c2: usize, n2: u32, ncred: i32, now: f64): i32 {
  let sec = p.sock.security();
  let domainSet = sec.zapDomain.len > 0;
  let wanted = policy == ZAP_POLICY_REQUIRED || (policy == ZAP_POLICY_DOMAIN && domainSet) ||
    (policy == ZAP_POLICY_UNLESS_ENFORCED && (domainSet || !sec.zapEnforce));
  if (!wanted) return ZAP_SKIP;
  if (!handlerBound) {
    if (policy == ZAP_POLICY_REQUIRED || sec.zapEnforce) { p.fail(R.R_NO_ZAP_HANDLER, now); return ZAP_FAILED; }
    return ZAP_SKIP;
  }
  let id = ++serial;
  let b: Bytes;
  if (requests.has(p.handle)) b = requests.get(p.handle);
  else { b = new Bytes(); requests.set(p.handle, b); }
  b.len = 0;
  pushFrame(b, 0, 0);
  pushText(b, "1.0");
  pushText(b, p.handle.toString() + "." + id.toString());
  pushFrame(b, sec.zapDomain.ptr, sec.zapDomain.len);
  pushFrame(b, p.peerAddress.ptr, p.peerAddress.len);
  pushFrame(b, p.sock.routingId.ptr, p.sock.routingId.len);
  pushText(b, mechanism);
  if (ncred > 0) pushFrame(b, c1, n1);
  if (ncred > 1) pushFrame(b, c2, n2);
  waiting.set(p.handle, id);
  emit(EV_ZAP_REQUEST, p.handle, 0, 0);
  return ZAP_WAIT;
}

// The host's view of a pipe's request: its frames as [len u32][bytes]...
export function zapRequestPtr(h: i32): usize { return requests.has(h) ? requests.get(h).ptr : 0; }
export function zapRequestLen(h: i32): u32 { return requests.has(h) ? requests.get(h).len : 0; }
export function zapRequestTaken(h: i32): void {
  if (!requests.has(h)) return;
  requests.get(h).free();
  requests.delete(h);
}

// A pipe's connection ended: its question no longer matters.
export function zapForget(h: i32): void {
  waiting.delete(h);
  zapRequestTaken(h);
}

const md = new Metadata();

// A reply, its frames at src as [len u32][bytes]...; replies nobody waits
// for (the pipe is gone, or the id is not one we sent) are dropped.
export function zapReply(src: usize, nframes: u32, now: f64): void {
  // Frame k's position, walking the layout once.
  let at = new StaticArray<usize>(8);
  let len = new StaticArray<u32>(8);
  let q = src;
  let n = min<u32>(nframes, 8);
  for (let i: u32 = 0; i < n; i++) { len[i] = load<u32>(q); at[i] = q + 4; q += 4 + len[i]; }
  // The request id names the pipe: "<pipe>.<serial>".
  // Both parts are decimal u32s (a pipe handle reaches 10 digits).
  let hv: u64 = 0, iv: u64 = 0, dot = false, digits = 0, wellFormed = n >= 3;
  for (let i: u32 = 0; wellFormed && i < len[2]; i++) {
    let c = <u32>load<u8>(at[2] + i);
    if (c == 0x2e && !dot && digits > 0) { dot = true; digits = 0; continue; }
    if (c < 0x30 || c > 0x39 || digits >= 10) { wellFormed = false; break; }
    digits++;
    if (!dot) hv = hv * 10 + <u64>(c - 0x30);
    else iv = iv * 10 + <u64>(c - 0x30);
  }
  if (hv > 0x7fffffff || iv > 0xffffffff) wellFormed = false;
  if (!wellFormed) { dot = false; digits = 0; }
  let h = <i32>hv;
  let id = <u32>iv;
  let named = dot && digits > 0;
  let mine = named && waiting.has(h) && waiting.get(h) == id;
  if (!mine) {
    // A reply to a request we made whose connection is gone: nothing to do.
    if (named && id >= 1 && id <= serial) return;
    // One that names no request of ours (a handler that lost the frames):
    // with a single question out it can only be that one's answer, and fails
    // it as libzmq's one pipe per connection would; with several it could be
    // anyone's, and is dropped rather than fail a stranger (those handshakes
    // end at their deadline).
    if (waiting.size != 1) return;
    h = waiting.keys()[0];
  }
  waiting.delete(h);
  let p = pipes.get(h);
  if (!p || !p.connected || !(p.engine instanceof ZmtpEngine)) return;
  let e = <ZmtpEngine>p.engine;
  if (e.state != ST_HANDSHAKE) return;
  if (nframes != 7) { p.fail(R.R_ZAP_MALFORMED_REPLY, now); return; }
  if (!mine) { p.fail(R.R_ZAP_BAD_REQUEST_ID, now); return; }
  if (len[0] != 0) { p.fail(R.R_ZAP_UNSPECIFIED, now); return; }
  if (len[1] != 3 || load<u8>(at[1]) != 0x31 || load<u8>(at[1] + 1) != 0x2e || load<u8>(at[1] + 2) != 0x30) {
    p.fail(R.R_ZAP_BAD_VERSION, now); return;
  }
  let sc = at[3];
  if (len[3] != 3 || load<u8>(sc) < 0x32 || load<u8>(sc) > 0x35 || load<u8>(sc + 1) != 0x30 || load<u8>(sc + 2) != 0x30) {
    p.fail(R.R_ZAP_INVALID_STATUS_CODE, now); return;
  }
  parseMetadata(at[6], at[6] + len[6], md);
  if (!md.ok) { p.fail(R.R_ZAP_INVALID_METADATA, now); return; }
  let status = <i32>(load<u8>(sc) - 0x30) * 100;
  if (status == 200) {
    p.userId.len = 0;
    p.userId.append(at[5], len[5]);
    e.mechanism.zapAccepted(e, p, now);
    return;
  }
  zapRefused(e, p, status, now);
}

// A refusal: ERROR with the status code (none for 300, a temporary
// failure), and the connection ends as an authentication failure.
export function zapRefused(e: ZmtpEngine, p: Pipe, status: i32, now: f64): void {
  if (status != 300) {
    e.mechanism.writeRefusal(e, p, status);
    p.signalOutput();
  }
  p.fail(R.R_AUTH_FAILED, now, status);
}
