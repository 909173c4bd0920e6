// The SP engine (nng's "SP TCP Mapping", "SP IPC Mapping", "SP WebSocket
// Mapping"): over a stream, the 8-byte header exchange and peer-protocol
// check, then messages framed as [size u64][payload] (tcp, inproc) or
// [0x01][size u64][payload] (ipc); over WebSocket, no header (the
// subprotocol was the check) and one message per WebSocket message. There
// is no multipart, no heartbeat and no other control traffic on this wire.
import { Bytes, loadU64BE, loadU16BE } from "../bytes";
import { Engine, NEED_WHOLE } from "../engine";
import { Pipe } from "../pipe";
import * as R from "../errors";
import { EXTERNAL, addSplice, RECEIVE_EXTERNAL_MIN } from "../external";
import { PIPE_BUDGET_DEFAULT } from "../budget";
import {
  SP_HEADER_SIZE, SP_HEADER_BYTE0, SP_HEADER_S, SP_HEADER_P, SP_HEADER_VERSION, SP_HEADER_OFF_PROTO,
  SP_SIZE_LEN, SP_IPC_MSG_TYPE,
} from "./wire";

// Decoder states.
const D_HEADER: i32 = 0; // the peer's 8-byte header
const D_TYPE: i32 = 1;   // IPC message-type byte
const D_SIZE: i32 = 2;
const D_BODY: i32 = 3;

// A large payload's first bytes stay in linear memory for the roles to read
// its protocol header: a backtrace of up to 256 words (maxTtl 255, plus the
// word that shows it is over), a request or survey id, a hop count, a
// subscription prefix. The whole payload is gathered by the host.
export const SP_HEAD_BYTES: u32 = 1024;

// The header byte expected at each offset (the protocol id is checked whole).
function headerByteOk(i: u32, b: u8): bool {
  if (i == 0) return b == SP_HEADER_BYTE0;
  if (i == 1) return b == SP_HEADER_S;
  if (i == 2) return b == SP_HEADER_P;
  if (i == 3) return b == SP_HEADER_VERSION;
  if (i == 6 || i == 7) return b == 0;
  return true;
}

export class SpEngine extends Engine {
  ipc: bool;
  ws: bool;
  proto: u32;       // ours
  peerProto: u32;   // the one we accept
  dState: i32 = D_HEADER;
  header: Bytes = new Bytes();
  sizeBytes: Bytes = new Bytes();
  // The payload being received when it goes to the host (0: linear).
  extPayload: u32 = 0;

  constructor(ipc: bool, ws: bool, proto: u32, peerProto: u32) {
    super();
    this.ipc = ipc;
    this.ws = ws;
    this.proto = proto;
    this.peerProto = peerProto;
  }

  reset(): void {
    this.dState = D_HEADER;
    this.header.len = 0;
    this.extPayload = 0;
  }

  free(): void { this.header.free(); this.sizeBytes.free(); }

  start(p: Pipe, now: f64): void {
    this.reset();
    if (this.ws) {
      // SP over WebSocket: no header; the subprotocol the host negotiated
      // (<protocol>.sp.nanomsg.org) was the peer check.
      p.peerType = <i32>this.peerProto;
      p.activate(now);
      return;
    }
    let o = p.out;
    o.push8(SP_HEADER_BYTE0);
    o.push8(SP_HEADER_S);
    o.push8(SP_HEADER_P);
    o.push8(SP_HEADER_VERSION);
    o.push8((this.proto >> 8) & 0xff);
    o.push8(this.proto & 0xff);
    o.push8(0);
    o.push8(0);
    p.signalOutput();
  }

  input(p: Pipe, ptr: usize, n: u32, now: f64): u32 {
    if (this.ws) {
      // One WebSocket message is one SP message.
      if (!this.beginMessage(p, <u64>n, false, now)) return n;
      if (n > 0) this.readBody(p, ptr, ptr + n, now);
      return n;
    }
    let at = ptr, end = ptr + n;
    while (at < end && p.connected && !p.gathering) {
      if (this.dState == D_HEADER) at = this.readHeader(p, at, end, now);
      else at = this.readMessages(p, at, end, now);
    }
    return <u32>(at - ptr);
  }

  // A large WebSocket message of which the first n bytes are here: its head
  // is read, the rest gathered by the host.
  inputMessageHead(p: Pipe, ptr: usize, n: u32, total: u32, now: f64): i32 {
    if (!this.ws || total < RECEIVE_EXTERNAL_MIN || n < SP_HEAD_BYTES) return NEED_WHOLE;
    if (!this.beginMessage(p, <u64>total, true, now)) return <i32>total;
    this.readBody(p, ptr, ptr + SP_HEAD_BYTES, now);
    return <i32>SP_HEAD_BYTES;
  }

  // Checks each header byte as it arrives (a slow drip fails as early as it can).
  private readHeader(p: Pipe, at: usize, end: usize, now: f64): usize {
    let g = this.header;
    while (at < end && g.len < SP_HEADER_SIZE) {
      let b = load<u8>(at++);
      if (!headerByteOk(g.len, b)) { p.fail(R.R_SP_BAD_HEADER, now); return end; }
      g.push8(b);
    }
    if (g.len < SP_HEADER_SIZE) return at;
    let peer = loadU16BE(g.ptr + SP_HEADER_OFF_PROTO);
    if (peer != this.peerProto) { p.fail(R.R_SP_PROTOCOL_MISMATCH, now); return end; }
    p.peerType = <i32>peer;
    this.nextMessage();
    p.activate(now);
    return at;
  }

  @inline private nextMessage(): void {
    this.dState = this.ipc ? D_TYPE : D_SIZE;
    this.sizeBytes.len = 0;
  }

  private readMessages(p: Pipe, at: usize, end: usize, now: f64): usize {
    while (at < end && p.connected && !p.gathering) {
      let st = this.dState;
      if (st == D_TYPE) {
        if (load<u8>(at++) != SP_IPC_MSG_TYPE) { p.fail(R.R_SP_MALFORMED, now); return end; }
        this.dState = D_SIZE;
        this.sizeBytes.len = 0;
      } else if (st == D_SIZE) {
        let sb = this.sizeBytes;
        let take = min<usize>(<usize>(SP_SIZE_LEN - sb.len), end - at);
        sb.append(at, <u32>take);
        at += take;
        if (sb.len == SP_SIZE_LEN && !this.beginMessage(p, loadU64BE(sb.ptr), true, now)) return end;
      } else {
        at = this.readBody(p, at, end, now);
      }
    }
    return at;
  }

  // The size is known: check it before allocating anything for it. With
  // `mayExternal`, a large payload's head is read here and the rest left to
  // the host once the head is in.
  private beginMessage(p: Pipe, size: u64, mayExternal: bool, now: f64): bool {
    // 0 or less: no limit (nng's NNG_OPT_RECVMAXSZ 0) but the budgets'.
    let limit = p.sock.opts.maxmsgsize;
    if ((limit > 0 && <f64>size > limit) || size >= <u64>EXTERNAL) { p.fail(R.R_MESSAGE_TOO_LARGE, now); return false; }
    if (limit <= 0 && <f64>size > PIPE_BUDGET_DEFAULT) { p.fail(R.R_MEMORY_BUDGET, now); return false; }
    let external = mayExternal && size >= <u64>RECEIVE_EXTERNAL_MIN;
    this.extPayload = external ? <u32>size : 0;
    if (!p.beginFrame(size, external ? SP_HEAD_BYTES : <u32>size, external, now)) return false;
    this.dState = D_BODY;
    if (size == 0) this.finish(p, now);
    return p.connected;
  }

  private readBody(p: Pipe, at: usize, end: usize, now: f64): usize {
    let take = <u32>min<u64>(p.bodyLeft, <u64>(end - at));
    p.appendBody(at, take);
    at += take;
    if (p.bodyLeft == 0) {
      if (this.extPayload) {
        // The head is in: the whole payload becomes the host's, frame 1.
        p.beginGather(<u64>this.extPayload, SP_HEAD_BYTES);
        this.nextMessage();
      } else {
        this.finish(p, now);
      }
    }
    return at;
  }

  bodyDone(p: Pipe, now: f64): void {
    this.extPayload = 0;
    p.closeFrame();
    p.deliver(now);
  }

  private finish(p: Pipe, now: f64): void {
    this.nextMessage();
    p.closeFrame();
    p.deliver(now);
  }

  // ---- encoding ----

  // One SP message: `hlen` header bytes at `hdr`, then the frames of a send's
  // input (scatter: concatenated), the first `skip` bytes of frame 0 left out.
  writeMessage(p: Pipe, hdr: usize, hlen: u32, src: usize, nframes: u32, skip: u32): void {
    let total: u64 = <u64>hlen;
    let q = src;
    for (let i: u32 = 0; i < nframes; i++) {
      let n = load<u32>(q);
      if (n & EXTERNAL) { total += <u64>(n & ~EXTERNAL); q += 8; }
      else { total += <u64>n; q += 4 + n; }
    }
    total -= <u64>skip;
    let o = p.target();
    if (this.ws) o.push32(<u32>total);
    else {
      if (this.ipc) o.push8(SP_IPC_MSG_TYPE);
      o.push64BE(total);
    }
    o.append(hdr, hlen);
    q = src;
    for (let i: u32 = 0; i < nframes; i++) {
      let n = load<u32>(q);
      if (n & EXTERNAL) {
        let len = n & ~EXTERNAL;
        addSplice(p.targetSplices(), o.len, load<u32>(q, 4), len);
        p.extBytes += len;
        q += 8;
      } else {
        let from = i == 0 ? skip : 0;
        o.append(q + 4 + from, n - from);
        q += 4 + n;
      }
    }
  }
}
