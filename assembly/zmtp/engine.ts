// What ZMTP over a stream (stream.ts) and over WebSocket messages (zws.ts)
// share: the connection's state, the security mechanism (mechanism.ts), the
// peer's metadata checks, commands after the handshake (PING/PONG,
// SUBSCRIBE/CANCEL, ERROR), heartbeats, the frame limits, and the encoder.
// The two differ in how frames are delimited on the wire and in what each
// side says first.
//
// States, a transition table in code form: each names what must arrive
// next; anything else closes the pipe with the reason given at its site.
import { Bytes } from "../bytes";
import { Engine } from "../engine";
import { Pipe } from "../pipe";
import * as R from "../errors";
import { EXTERNAL, addSplice, RECEIVE_EXTERNAL_MIN } from "../external";
import { MSG_HEADER } from "../msg";
import { PIPE_BUDGET_DEFAULT } from "../budget";
import { PT_HEARTBEAT, PT_PING_TIMEOUT, PT_PEER_TTL } from "../timers";
import { FLAG_MORE, FLAG_LONG, compatiblePeers, ROUTER, PING_CONTEXT_MAX } from "./wire";
import {
  commandKind, commandData, isMessageCommand, Metadata, parseMetadata, writeError, writePing, writePong,
  writeSubscription, CMD_READY, CMD_ERROR, CMD_PING, CMD_PONG, CMD_SUBSCRIBE, CMD_CANCEL, CMD_MESSAGE, ZWS_FLAG_MORE,
} from "./command";
import { Mechanism } from "./mechanism";
import { NullMechanism } from "./null";
import { zapForget } from "./zap";
import { MECH_CURVE } from "./security";
import { BOX_MORE, BOX_COMMAND } from "./curve";

export const ST_IDLE: i32 = 0;       // no transport
export const ST_GREETING: i32 = 1;   // reading the peer's 64-byte greeting
export const ST_HANDSHAKE: i32 = 2;  // greeting done; the mechanism's commands
export const ST_ACTIVE: i32 = 3;     // messages flow
export const ST_ROUTING_ID: i32 = 4; // plain ZWS2.0: the peer's first message is its routing id

// Commands are small but for SUBSCRIBE/CANCEL, whose topic is the body;
// this caps what a peer can make us buffer for one.
export const COMMAND_MAX: u32 = 1 << 20;

const md = new Metadata();

// A command built in ZWS form ([len u32][flags][body]) to be boxed, and
// pending frames recorded clear as [flags u8][len u32][bytes] until an
// encrypting handshake is done.
const boxScratch = new Bytes();

export class ZmtpEngine extends Engine {
  state: i32 = ST_IDLE;
  ws: bool;
  mechanism: Mechanism = new NullMechanism();
  // The frame being read: its flags (MORE, COMMAND) and a command's body.
  flags: u8 = 0;
  cmd: Bytes = new Bytes();
  // An opened CURVE MESSAGE: the frame's flags byte, then its bytes.
  plain: Bytes = new Bytes();
  pipeHandle: i32 = 0;

  constructor(ws: bool) {
    super();
    this.ws = ws;
  }

  reset(): void {
    this.state = ST_IDLE;
    this.cmd.clear();
    this.plain.clear();
    this.mechanism.free();
    if (this.pipeHandle) zapForget(this.pipeHandle);
  }

  free(): void {
    this.cmd.free();
    if (this.plain.cap) memory.fill(this.plain.ptr, 0, this.plain.cap);
    this.plain.free();
    this.mechanism.free();
  }

  // A connection starts: a fresh mechanism from the socket's settings.
  protected newMechanism(p: Pipe): void {
    this.mechanism.free();
    this.mechanism = p.sock.security().make();
    this.pipeHandle = p.handle;
  }

  // Whether frames written now must be boxed (or kept clear until they can be).
  @inline protected encrypting(p: Pipe): bool {
    return p.active ? this.mechanism.encrypts() : p.sock.security().mechanism == MECH_CURVE;
  }

  // The largest command a peer may send now: what the mechanism's next
  // handshake step can bring; after an encrypting handshake every frame is
  // a command, so a message's limits apply.
  // Why a command over commandLimit closes the pipe.
  oversizeReason(): i32 { return this.state == ST_HANDSHAKE ? this.mechanism.oversizeReason() : R.R_MESSAGE_TOO_LARGE; }

  commandLimit(p: Pipe): u64 {
    if (this.state == ST_HANDSHAKE) return <u64>this.mechanism.commandLimit();
    if (this.state != ST_ACTIVE || !this.mechanism.encrypts()) return <u64>COMMAND_MAX;
    let limit = p.sock.opts.maxmsgsize;
    let frame = limit >= 0 ? limit : <f64>PIPE_BUDGET_DEFAULT;
    return <u64>frame + <u64>this.mechanism.messageOverhead();
  }

  // ---- frames ----

  // A data frame of `size` bytes begins (flags already read). The session
  // takes its body, in linear memory or, with `mayExternal` and a large
  // body the role does not read, gathered by the host. False if closed.
  protected beginDataFrame(p: Pipe, size: u64, mayExternal: bool, now: f64): bool {
    let o = p.sock.opts;
    let total = p.msgBytesIn + <f64>size;
    // A record holds at most 4 GiB, an external body 2 GiB: larger cannot
    // be received at all, whatever the budgets.
    if (size >= <u64>EXTERNAL || total > <f64>(0xffffffff - MSG_HEADER - 64)) { p.fail(R.R_MESSAGE_TOO_LARGE, now); return false; }
    // maxMessageSize (-1: none), then the receive budget (budget.ts).
    let limit = o.maxmsgsize;
    if (limit >= 0 && total > limit) { p.fail(R.R_MESSAGE_TOO_LARGE, now); return false; }
    if (limit < 0 && total > PIPE_BUDGET_DEFAULT) { p.fail(R.R_MEMORY_BUDGET, now); return false; }
    if (p.msgFramesIn + 1 > o.maxFrames) { p.fail(R.R_MESSAGE_TOO_LARGE, now); return false; }
    let external = mayExternal && size >= <u64>RECEIVE_EXTERNAL_MIN && p.sock.receivesExternal(<u32>p.msgFramesIn);
    return p.beginFrame(size, external ? 0 : <u32>size, external, now);
  }

  // A data frame's bytes are all in.
  protected endDataFrame(p: Pipe, now: f64): void {
    p.closeFrame();
    if ((this.flags & FLAG_MORE) == 0) p.deliver(now);
  }

  bodyDone(p: Pipe, now: f64): void { this.endDataFrame(p, now); }

  // ---- commands ----

  // A whole command body is in `cmd`.
  protected command(p: Pipe, now: f64): void {
    let body = this.cmd.ptr;
    let n = this.cmd.len;
    let kind = this.state == ST_ACTIVE && isMessageCommand(body, n) ? CMD_MESSAGE : commandKind(body, n);
    let data = n ? commandData(body) : body;
    let dlen = n ? <u32>(body + n - data) : 0;
    if (this.state == ST_HANDSHAKE) this.mechanism.command(this, p, kind, data, dlen, body, n, now);
    else if (this.mechanism.encrypts()) this.boxedFrame(p, kind, body, n, now);
    else this.activeCommand(p, kind, data, dlen, now);
    // A large MESSAGE's buffer goes back to the allocator (Bytes.clear).
    this.cmd.clear();
  }

  // After an encrypting handshake: the only command is MESSAGE, holding one
  // frame, data or command (RFC 26 "The MESSAGE Command"; the COMMAND flag
  // is libzmq's, for PING/PONG and subscriptions).
  private boxedFrame(p: Pipe, kind: i32, body: usize, n: u32, now: f64): void {
    if (kind != CMD_MESSAGE) { p.fail(R.R_UNEXPECTED_COMMAND, now); return; }
    let len = this.mechanism.openMessage(this, p, body, n, now);
    if (len < 0) return;
    let pt = this.plain.ptr;
    let f = load<u8>(pt);
    let size = <u32>len - 1;
    if (f & BOX_COMMAND) {
      if ((f & BOX_MORE) != 0 || p.msg != 0) { p.fail(R.R_MALFORMED_FRAME, now); return; }
      let ckind = commandKind(pt + 1, size);
      let data = size ? commandData(pt + 1) : pt + 1;
      this.activeCommand(p, ckind, data, size ? <u32>(pt + 1 + size - data) : 0, now);
    } else {
      this.flags = (f & BOX_MORE) ? FLAG_MORE : 0;
      if (!this.beginDataFrame(p, <u64>size, false, now)) return;
      if (size > 0) p.appendBody(pt + 1, size);
      this.endDataFrame(p, now);
    }
    this.plain.clear();
  }

  // A command after the handshake.
  protected activeCommand(p: Pipe, kind: i32, data: usize, dlen: u32, now: f64): void {
    if (kind == CMD_PING) {
      if (dlen < 2) { p.fail(R.R_MALFORMED_COMMAND, now); return; }
      let ttl = (<u32>load<u8>(data) << 8) | <u32>load<u8>(data + 1);
      if (ttl > 0) p.awaitLife(PT_PEER_TTL, now + <f64>ttl * 100);
      let ctxLen = min<u32>(dlen - 2, PING_CONTEXT_MAX);
      writePong(this.cmdOut(p), data + 2, ctxLen, this.cmdWs());
      this.cmdDone(p);
    } else if (kind == CMD_PONG) {
      // Liveness only; the decoder already cleared the timeout.
    } else if (kind == CMD_SUBSCRIBE || kind == CMD_CANCEL) {
      p.sock.subscription(p, data, dlen, kind == CMD_SUBSCRIBE, now);
    } else if (kind == CMD_ERROR) {
      p.fail(R.R_ERROR_RECEIVED, now);
    } else if (kind == CMD_READY) {
      // The handshake happens once: a second READY is a protocol error.
      p.fail(R.R_UNEXPECTED_COMMAND, now);
    }
    // Anything else after the handshake is dropped, as libzmq does.
  }

  // Commands after the handshake are written into p.out, or, when they are
  // to be boxed, built in ZWS form in a scratch buffer and sealed by cmdDone.
  private cmdOut(p: Pipe): Bytes {
    if (!this.mechanism.encrypts()) return p.out;
    boxScratch.len = 0;
    return boxScratch;
  }
  @inline private cmdWs(): bool { return this.ws || this.mechanism.encrypts(); }
  private cmdDone(p: Pipe): void {
    if (this.mechanism.encrypts()) {
      this.mechanism.sealFrame(this, p, BOX_COMMAND, boxScratch.ptr + 5, boxScratch.len - 5);
      boxScratch.clear();
    }
    p.signalOutput();
  }

  // The peer's metadata (READY, or a security mechanism's final command):
  // its socket type must be one ours talks to; a ROUTER takes its Identity.
  // False (and closed) if not acceptable.
  peerMetadata(p: Pipe, data: usize, n: u32, now: f64): bool {
    parseMetadata(data, data + n, md);
    if (!md.ok) { p.fail(R.R_INVALID_METADATA, now); return false; }
    let s = p.sock;
    if (md.socketType < 0 || (compatiblePeers(s.type) & (1 << md.socketType)) == 0) {
      writeError(p.out, "Invalid socket type", this.ws);
      p.signalOutput();
      p.fail(R.R_SOCKET_TYPE_MISMATCH, now);
      return false;
    }
    p.peerType = md.socketType;
    p.identity.len = 0;
    if (s.type == ROUTER && md.hasIdentity && md.identityLen > 0) {
      // Ids starting with a zero byte are reserved for the ids a ROUTER
      // generates (libzmq's ZMQ_ROUTING_ID rule).
      if (md.identityLen > 255 || load<u8>(md.identityAt) == 0) { p.fail(R.R_INVALID_IDENTITY, now); return false; }
      p.identity.append(md.identityAt, md.identityLen);
    }
    return true;
  }

  // The mechanism's handshake succeeded.
  handshakeDone(p: Pipe, now: f64): void {
    this.state = ST_ACTIVE;
    p.activate(now);
  }

  // ---- heartbeats (ZMTP 3.1 PING/PONG) ----

  activated(p: Pipe, now: f64): void {
    // Over WebSocket, liveness is the WebSocket's own ping/pong.
    let ivl = p.sock.opts.heartbeatIvl;
    if (ivl > 0 && !this.ws) p.timers.set(PT_HEARTBEAT, now + ivl);
  }

  onTimer(p: Pipe, kind: i32, now: f64): void {
    if (kind == PT_PING_TIMEOUT || kind == PT_PEER_TTL) { p.fail(R.R_HEARTBEAT_TIMEOUT, now); return; }
    if (kind == PT_HEARTBEAT) {
      let o = p.sock.opts;
      writePing(this.cmdOut(p), <u32>min<f64>(o.heartbeatTtl / 100, 65535), this.cmdWs());
      this.cmdDone(p);
      p.timers.set(PT_HEARTBEAT, now + o.heartbeatIvl);
      let to = o.heartbeatTimeout >= 0 ? o.heartbeatTimeout : o.heartbeatIvl;
      if (to > 0 && !p.timers.isSet(PT_PING_TIMEOUT)) p.awaitLife(PT_PING_TIMEOUT, now + to);
    }
  }

  // ---- encoding ----

  writeFrame(p: Pipe, data: usize, n: u32, more: bool): void {
    if (this.encrypting(p)) {
      if (p.active) { this.mechanism.sealFrame(this, p, more ? BOX_MORE : 0, data, n); return; }
      // Boxed once the handshake has made the keys (movePending).
      p.pendingClear = true;
      let o = p.pending;
      o.push8(more ? BOX_MORE : 0);
      o.push32(n);
      o.append(data, n);
      return;
    }
    let o = p.target();
    let flags: u8 = more ? FLAG_MORE : 0;
    if (this.ws) {
      o.push32(1 + n);
      o.push8(more ? ZWS_FLAG_MORE : 0);
      o.append(data, n);
    } else if (n <= 255) {
      let at = o.reserve(2 + n);
      store<u8>(at, flags);
      store<u8>(at, <u8>n, 1);
      if (n) memory.copy(at + 2, data, n);
      o.len += 2 + n;
    } else {
      o.push8(flags | FLAG_LONG);
      o.push64BE(<u64>n);
      o.append(data, n);
    }
  }

  // Frames queued clear before an encrypting handshake are boxed now, in order.
  movePending(p: Pipe): void {
    if (!p.pendingClear) { p.movePendingAsIs(); return; }
    p.pendingClear = false;
    let q = p.pending.ptr, end = q + p.pending.len;
    if (this.mechanism.encrypts()) {
      while (q < end) {
        let f = load<u8>(q);
        let n = load<u32>(q + 1);
        this.mechanism.sealFrame(this, p, f, q + 5, n);
        q += 5 + n;
      }
    }
    // (Queued for a CURVE connection that turned out not to be one, the
    // frames cannot be sent as they were meant: they are dropped.)
    p.pending.clear();
  }

  writeExternalFrame(p: Pipe, n: u32, id: u32, more: bool): void {
    let o = p.target();
    if (this.ws) {
      o.push32(1 + n);
      o.push8(more ? ZWS_FLAG_MORE : 0);
    } else {
      o.push8((more ? FLAG_MORE : 0) | FLAG_LONG);
      o.push64BE(<u64>n);
    }
    addSplice(p.targetSplices(), o.len, id, n);
    p.extBytes += n;
  }

  // 3.1 peers get a command, 3.0 peers (and ZWS) a message starting
  // 0x01/0x00 (RFC 37 "SUBSCRIBE", RFC 29 for 3.0); boxed alike under CURVE.
  writeSubscription(p: Pipe, subscribe: bool, topic: usize, n: u32): void {
    if (this.mechanism.encrypts()) {
      let b = boxScratch;
      b.len = 0;
      if (p.peerMinor >= 1) {
        let name = subscribe ? "SUBSCRIBE" : "CANCEL";
        b.push8(<u32>name.length); b.pushString(name);
      } else {
        b.push8(subscribe ? 1 : 0);
      }
      b.append(topic, n);
      this.mechanism.sealFrame(this, p, p.peerMinor >= 1 ? BOX_COMMAND : 0, b.ptr, b.len);
      b.clear();
      return;
    }
    if (p.peerMinor >= 1) { writeSubscription(p.out, subscribe, topic, n); return; }
    let o = p.out;
    let body = n + 1;
    if (this.ws) { o.push32(1 + body); o.push8(0); }
    else if (body <= 255) { o.push8(0); o.push8(body); }
    else { o.push8(FLAG_LONG); o.push64BE(<u64>body); }
    o.push8(subscribe ? 1 : 0);
    o.append(topic, n);
  }
}
