// The SP engine over the shared pipe session: the 8-byte header exchange and
// peer-protocol check, then messages framed as [size u64][payload] (TCP,
// inproc) or [0x01][size u64][payload] (IPC). There is no multipart, no
// heartbeat and no other control traffic on this wire.
import { Pipe, ST_GREETING, D_EXT, NEED_WHOLE } from "../pipe";
import { SpSocket } from "./socket";
import { loadU64BE, loadU16BE } from "../bytes";
import { msgNew, msgReserve, msgCountExternal, MSG_HEADER } from "../msg";
import { EXTERNAL, addSplice, extNewReceived, RECEIVE_EXTERNAL_MIN } from "../external";
import { PIPE_BUDGET_DEFAULT } from "../budget";
import * as R from "../errors";
import {
  SP_HEADER_SIZE, SP_HEADER_BYTE0, SP_HEADER_S, SP_HEADER_P, SP_HEADER_VERSION, SP_HEADER_OFF_PROTO,
  SP_SIZE_LEN, SP_IPC_MSG_TYPE,
} from "./wire";

// Decoder states.
const D_TYPE: i32 = 10;  // IPC message-type byte
const D_SIZE: i32 = 11;
const D_BODY: i32 = 12;

const BODY_FIRST_CHUNK: u32 = 65536;
// A large payload's first bytes stay in linear memory for the roles to read
// its protocol header: a backtrace of up to 256 words (maxTtl 255, plus the
// word that shows it is over), a request or survey id, a hop count, a
// subscription prefix. The whole payload is gathered by the host.
export const SP_HEAD_BYTES: u32 = 1024;

// The header byte expected at each offset (0xFFFF: the peer's protocol id).
function headerByteOk(i: u32, b: u8): bool {
  if (i == 0) return b == SP_HEADER_BYTE0;
  if (i == 1) return b == SP_HEADER_S;
  if (i == 2) return b == SP_HEADER_P;
  if (i == 3) return b == SP_HEADER_VERSION;
  if (i == 6 || i == 7) return b == 0;
  return true;
}

let nextRawId: u32 = 0;

export class SpPipe extends Pipe {
  ipc: bool;
  // The size of the payload being received when it goes to the host (0: linear).
  extPayload: u32 = 0;
  // This pipe's id in raw headers (REP/RESPONDENT hop word, BUS origin): 31 bits.
  rawId: u32;
  spSock: SpSocket;

  constructor(sock: SpSocket, outbound: bool, ipc: bool) {
    super(sock, outbound);
    this.spSock = sock;
    this.ipc = ipc;
    if (nextRawId == 0) nextRawId = (sock.seedId() & 0x7fffffff) | 1;
    this.rawId = nextRawId;
    nextRawId = (nextRawId + 1) & 0x7fffffff;
    if (nextRawId == 0) nextRawId = 1;
    this.sendPrio = sock.opts.sendPriority;
    this.recvPrio = sock.opts.recvPriority;
  }

  start(now: f64): void {
    this.resetConnection(now);
    if (this.ws) {
      // SP over WebSocket (wire.md B4): no header; the subprotocol the host
      // negotiated (<protocol>.sp.nanomsg.org) was the peer check.
      this.peerType = <i32>this.spSock.peerProto;
      this.activate(now);
      return;
    }
    let o = this.out;
    o.push8(SP_HEADER_BYTE0);
    o.push8(SP_HEADER_S);
    o.push8(SP_HEADER_P);
    o.push8(SP_HEADER_VERSION);
    let proto = this.spSock.proto;
    o.push8((proto >> 8) & 0xff);
    o.push8(proto & 0xff);
    o.push8(0);
    o.push8(0);
    this.signalOutput();
  }

  input(p: usize, n: u32, now: f64): u32 {
    if (!this.connected) return n;
    if (this.ws) { this.readWsMessage(p, n, now); return n; }
    let start = p, end = p + n;
    while (p < end && this.connected && this.dState != D_EXT) {
      if (this.state == ST_GREETING) p = this.readHeader(p, end, now);
      else p = this.readMessages(p, end, now);
    }
    return this.connected ? <u32>(p - start) : n;
  }

  // One WebSocket message is one SP message (header + body).
  private readWsMessage(p: usize, n: u32, now: f64): void {
    if (!this.beginMessage(<u64>n, now, false)) return;
    if (n > 0) this.readSpBody(p, p + n, now);
  }

  // A large WebSocket message of which the first n bytes are here: its head
  // is read, the rest gathered by the host.
  inputMessageHead(p: usize, n: u32, total: u32, now: f64): i32 {
    if (!this.connected || !this.ws || total < RECEIVE_EXTERNAL_MIN || n < SP_HEAD_BYTES) return NEED_WHOLE;
    if (!this.beginMessage(<u64>total, now, true)) return <i32>total;
    this.readSpBody(p, p + SP_HEAD_BYTES, now);
    return <i32>SP_HEAD_BYTES;
  }

  // Checks each header byte as it arrives (a slow drip fails as early as it can).
  private readHeader(p: usize, end: usize, now: f64): usize {
    let g = this.greet;
    while (p < end && g.len < SP_HEADER_SIZE) {
      let b = load<u8>(p++);
      if (!headerByteOk(g.len, b)) { this.fail(R.R_SP_BAD_HEADER, now); return end; }
      g.push8(b);
    }
    if (g.len < SP_HEADER_SIZE) return p;
    let peer = loadU16BE(g.ptr + SP_HEADER_OFF_PROTO);
    if (peer != this.spSock.peerProto) { this.fail(R.R_SP_PROTOCOL_MISMATCH, now); return end; }
    this.peerType = <i32>peer;
    this.dState = this.ipc ? D_TYPE : D_SIZE;
    this.sizeBytes.len = 0;
    this.activate(now);
    return p;
  }

  private readMessages(p: usize, end: usize, now: f64): usize {
    while (p < end && this.connected) {
      let st = this.dState;
      if (st == D_TYPE) {
        if (load<u8>(p++) != SP_IPC_MSG_TYPE) { this.fail(R.R_SP_MALFORMED, now); return end; }
        this.dState = D_SIZE;
        this.sizeBytes.len = 0;
      } else if (st == D_SIZE) {
        let sb = this.sizeBytes;
        let take = min<usize>(<usize>(SP_SIZE_LEN - sb.len), end - p);
        sb.append(p, <u32>take);
        p += take;
        if (sb.len == SP_SIZE_LEN && !this.beginMessage(loadU64BE(sb.ptr), now, true)) return end;
      } else if (st == D_BODY) {
        p = this.readSpBody(p, end, now);
      } else {
        return p;
      }
    }
    return p;
  }

  // The size is known: check it before allocating anything for it. With
  // `mayExternal`, a large payload's head is read here and the rest left to
  // the host (D_EXT once the head is in).
  private beginMessage(size: u64, now: f64, mayExternal: bool): bool {
    // 0 or less: no limit (nng's NNG_OPT_RECVMAXSZ 0) but the budgets'.
    let limit = this.sock.opts.maxmsgsize;
    if ((limit > 0 && <f64>size > limit) || size >= <u64>EXTERNAL) { this.fail(R.R_MESSAGE_TOO_LARGE, now); return false; }
    if (limit <= 0 && <f64>size > PIPE_BUDGET_DEFAULT) { this.fail(R.R_MEMORY_BUDGET, now); return false; }
    let external = mayExternal && size >= <u64>RECEIVE_EXTERNAL_MIN;
    let linear = external ? SP_HEAD_BYTES : <u32>size;
    let m = msgNew(4 + <u32>min<u32>(linear, BODY_FIRST_CHUNK) + (external ? 8 : 0));
    this.msg = m;
    if (!this.chargeFrame(m, size, now)) return false;
    this.remaining = <u64>linear;
    this.extPayload = external ? <u32>size : 0;
    this.dState = D_BODY;
    store<u32>(m + MSG_HEADER, linear);
    this.writeAt = 4;
    if (size == 0) this.finishInbound();
    return this.connected;
  }

  private readSpBody(p: usize, end: usize, now: f64): usize {
    let take = <u32>min<u64>(this.remaining, <u64>(end - p));
    let m = this.msg;
    if (this.writeAt + take > load<u32>(m, 12)) {
      m = msgReserve(m, this.writeAt + take - load<u32>(m, 8));
      this.msg = m;
    }
    memory.copy(m + MSG_HEADER + this.writeAt, p, take);
    this.writeAt += take;
    this.remaining -= take;
    p += take;
    if (this.remaining == 0) {
      if (this.extPayload) this.beginExternal();
      else this.finishInbound();
    }
    return p;
  }

  // The head is in: the whole payload becomes the host's body `id`, frame 1.
  private beginExternal(): void {
    let size = this.extPayload;
    let m = msgReserve(this.msg, 8);
    this.msg = m;
    let at = m + MSG_HEADER + this.writeAt;
    let id = extNewReceived();
    store<u32>(at, EXTERNAL | size);
    store<u32>(at, id, 4);
    msgCountExternal(m);
    this.writeAt += 8;
    this.extId = id;
    this.extHeadLen = SP_HEAD_BYTES;
    this.remaining = <u64>(size - SP_HEAD_BYTES);
    this.dState = D_EXT;
  }

  // Where the head the host puts in front of the gathered bytes is.
  extHead(): usize { return this.msg + MSG_HEADER + 4; }

  protected extDone(now: f64): void {
    this.extId = 0;
    this.extHeadLen = 0;
    this.finishInbound();
  }

  private finishInbound(): void {
    let m = this.msg;
    let external = this.extPayload != 0;
    this.extPayload = 0;
    store<u32>(m, this.writeAt, 8);
    store<u32>(m, external ? 2 : 1, 4);
    this.msg = 0;
    this.dState = this.ipc ? D_TYPE : D_SIZE;
    this.sizeBytes.len = 0;
    this.sock.deliver(this, m);
  }

  // ---- output ----

  // One SP message: `hlen` header bytes at `hdr`, then the frames of a send's
  // input (scatter: concatenated), the first `skip` bytes of frame 0 left out.
  writeMessage(hdr: usize, hlen: u32, src: usize, nframes: u32, skip: u32 = 0): void {
    let total: u64 = <u64>hlen;
    let q = src;
    for (let i: u32 = 0; i < nframes; i++) {
      let n = load<u32>(q);
      if (n & EXTERNAL) { total += <u64>(n & ~EXTERNAL); q += 8; }
      else { total += <u64>n; q += 4 + n; }
    }
    total -= <u64>skip;
    let o = this.target();
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
        addSplice(this.active ? this.outSplices : this.pendingSplices, o.len, load<u32>(q, 4), len);
        this.extBytes += len;
        q += 8;
      } else {
        let from = i == 0 ? skip : 0;
        o.append(q + 4 + from, n - from);
        q += 4 + n;
      }
    }
    this.endMessage();
  }

  // A payload already in linear memory (a stored request, a received message).
  writePayload(p: usize, n: u32): void {
    this.writeMessage(p, n, 0, 0);
  }
}
