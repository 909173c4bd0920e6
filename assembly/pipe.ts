// A pipe: one peer of a socket. It holds the ZMTP engine for the current
// connection (greeting, NULL handshake, resumable frame decoder, encoder,
// heartbeats) and the queues that outlive it. sp/pipe.ts swaps in the SP
// engine over the same session.
//
// A pipe made by connect() is a session: it survives reconnects, keeps its
// unsent messages, and schedules its own reconnect with back-off. A pipe made
// by an accepted connection lives as long as that connection, then stays only
// until its received messages have been read.
//
// Peer misbehaviour ends in one of two ways, named at each site: the message
// is dropped, or the pipe is closed with a reason (fail()).
import { Bytes, loadU64BE, loadU16BE, bytesEqual } from "./bytes";
import { emit, EV_PIPE_OUTPUT, EV_PIPE_CLOSE, EV_HANDSHAKE, EV_PIPE_CONNECT, EV_PIPE_PAUSE, EV_PIPE_RESUME } from "./events";
import * as R from "./errors";
import {
  GREETING_SIZE, GREETING_SIG_START, GREETING_SIG_END, GREETING_OFF_MAJOR, GREETING_OFF_MINOR,
  GREETING_OFF_MECHANISM, GREETING_MECHANISM_LEN, ZMTP_MAJOR, ZMTP_MINOR,
  FLAG_MORE, FLAG_LONG, FLAG_COMMAND, FLAG_RESERVED, compatiblePeers, sendsIdentity, ROUTER,
  PING_CONTEXT_MAX,
} from "./zmtp/wire";
import {
  commandKind, commandData, Metadata, parseMetadata, writeReady, writeError, writePing, writePong,
  writeSubscription, CMD_READY, CMD_ERROR, CMD_PING, CMD_PONG, CMD_SUBSCRIBE, CMD_CANCEL,
  ZWS_FLAG_MORE, ZWS_FLAG_COMMAND,
} from "./zmtp/command";
import { MsgQueue, msgNew, msgFree, msgReserve, msgCharge, msgCountExternal, MSG_HEADER } from "./msg";
import { Trie } from "./trie";
import { EXTERNAL, addSplice, releaseSplices, moveSplices, extNewReceived, RECEIVE_EXTERNAL_MIN } from "./external";
import { charge, fitsProcess, pipeBudget, PIPE_BUDGET_DEFAULT } from "./budget";
import { Socket } from "./socket";
import { noteDeadline } from "./clock";

// Engine states: a transition table in code form. Each state names what the
// next bytes must be; anything else closes the pipe with the reason given.
export const ST_IDLE: i32 = 0;       // no transport
export const ST_GREETING: i32 = 1;   // reading the peer's 64-byte greeting
export const ST_HANDSHAKE: i32 = 2;  // greeting done; expecting READY (or ERROR)
export const ST_ACTIVE: i32 = 3;     // messages flow
export const ST_ROUTING_ID: i32 = 4; // plain ZWS2.0: the peer's first message is its routing id

// Decoder states (wire.md A3).
const D_FLAGS: i32 = 0;
const D_SIZE1: i32 = 1;
const D_SIZE8: i32 = 2;
const D_BODY: i32 = 3;
// The body of the current frame is the host's to gather (external.ts):
// parsing stops until the host reports every byte of it (extAdvance).
export const D_EXT: i32 = 9;

// input_message's answer when the core needs the whole message in the input region.
export const NEED_WHOLE: i32 = -2;

// The NULL mechanism name as it appears in the greeting: "NULL" + 16 NULs.
const NULL_MECHANISM = memory.data<u8>([
  0x4e, 0x55, 0x4c, 0x4c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

// Commands are small but for SUBSCRIBE/CANCEL, whose topic is the body;
// this caps what a peer can make us buffer for one.
const COMMAND_MAX: u32 = 1 << 20;
// Output worth writing now rather than at the end of the host's turn: a
// batch this large gains nothing by waiting (libzmq's out_batch_size idea).
const FLUSH_BYTES: u32 = 65536;

// Bytes waiting in `out` beyond which the pipe counts as full.
const OUT_BYTES_MAX: u32 = 4 << 20;

// A data frame's first allocation; larger frames grow as their bytes arrive,
// so a header that claims 4 GiB and then goes silent costs nothing.
const FRAME_FIRST_CHUNK: u32 = 65536;

const md = new Metadata();

export class Pipe {
  handle: i32 = 0;
  sock: Socket;
  outbound: bool;           // made by connect(): survives reconnects
  // Message transports (WebSocket): each input call is one message and the
  // output is records of one message each. wsNull: ZWS2.0/NULL (READY
  // handshake); otherwise plain ZWS2.0 (routing ids exchanged, no checks).
  ws: bool = false;
  wsNull: bool = false;
  state: i32 = ST_IDLE;
  connected: bool = false;  // a transport is attached
  transportGone: bool = true;
  attached: bool = false;   // the socket's routing includes this pipe
  active: bool = false;     // handshake complete on the current connection
  released: bool = false;

  // Peer, learnt in the handshake.
  peerMinor: i32 = 0;
  peerType: i32 = -1;
  identity: Bytes = new Bytes();   // ROUTER: the routing id of this peer

  // Greeting accumulation.
  greet: Bytes = new Bytes();

  // Decoder.
  dState: i32 = D_FLAGS;
  flags: u8 = 0;
  sizeBytes: Bytes = new Bytes();
  remaining: u64 = 0;
  msg: usize = 0;           // message being assembled
  writeAt: u32 = 0;         // offset in the message data area for the next body byte
  msgFramesIn: i32 = 0;
  msgBytesIn: f64 = 0;
  cmd: Bytes = new Bytes();
  // The received body the host is gathering (D_EXT), and the head bytes of
  // it already in linear memory (SP keeps a payload's first bytes there).
  extId: u32 = 0;
  extHeadLen: u32 = 0;

  // Output. `out` is wire bytes for the current connection; `pending` holds
  // messages encoded before the handshake completed.
  out: Bytes = new Bytes();
  pending: Bytes = new Bytes();
  // External bodies spliced into out / pending (external.ts), and their size.
  outSplices: Bytes = new Bytes();
  pendingSplices: Bytes = new Bytes();
  extBytes: u32 = 0;
  outMsgs: i32 = 0;
  pendingMsgs: i32 = 0;
  outSignalled: bool = false;
  urgentSignalled: bool = false;

  // Input queue (complete messages), fair-queued by the socket.
  inq: MsgQueue = new MsgQueue();
  inFq: bool = false;
  paused: bool = false;

  // PUB/XPUB: what this peer subscribed to.
  subs: Trie | null = null;

  // Timers, absolute ms; 0 = off.
  handshakeAt: f64 = 0;
  pingAt: f64 = 0;
  timeoutAt: f64 = 0;
  ttlAt: f64 = 0;
  reconnectAt: f64 = 0;
  reconnectIvl: f64 = 0;

  // Priorities (1 highest .. 16), nanomsg's per-endpoint send/receive priority.
  sendPrio: i32 = 8;
  recvPrio: i32 = 8;

  // Host-visible reason of the last close.
  reason: i32 = 0;

  constructor(sock: Socket, outbound: bool) {
    this.sock = sock;
    this.outbound = outbound;
    this.reconnectIvl = sock.opts.reconnectIvl;
  }

  // ---- transport lifecycle (host calls) ----

  // A transport is up: send our greeting and start reading theirs.
  start(now: f64): void {
    this.resetConnection(now);
    if (this.ws) { this.startZws(); return; }
    let g = this.out.reserve(GREETING_SIZE);
    memory.fill(g, 0, GREETING_SIZE);
    store<u8>(g, GREETING_SIG_START);
    store<u8>(g + 9, GREETING_SIG_END);
    store<u8>(g + GREETING_OFF_MAJOR, ZMTP_MAJOR);
    store<u8>(g + GREETING_OFF_MINOR, ZMTP_MINOR);
    memory.copy(g + GREETING_OFF_MECHANISM, NULL_MECHANISM, GREETING_MECHANISM_LEN);
    this.out.len += GREETING_SIZE;
    this.signalOutput();
  }

  // ZWS 2.0 has no greeting: NULL starts with READY, plain with our routing id.
  private startZws(): void {
    let s = this.sock;
    this.peerMinor = 0; // subscriptions go as 0x01/0x00 messages (wire.md A8)
    if (this.wsNull) {
      this.state = ST_HANDSHAKE;
      writeReady(this.out, s.type, s.routingId, sendsIdentity(s.type), true);
    } else {
      this.state = ST_ROUTING_ID;
      this.out.push32(1 + s.routingId.len);
      this.out.push8(0);
      this.out.append(s.routingId.ptr, s.routingId.len);
    }
    this.signalOutput();
  }

  // Fresh state for a new connection, with the handshake deadline armed.
  protected resetConnection(now: f64): void {
    this.out.len = 0;
    releaseSplices(this.outSplices);
    this.extBytes = 0;
    this.outMsgs = 0;
    this.outSignalled = false;
    this.urgentSignalled = false;
    this.connected = true;
    this.transportGone = false;
    this.state = ST_GREETING;
    this.greet.len = 0;
    this.dState = D_FLAGS;
    this.reconnectAt = 0;
    let hs = this.sock.opts.handshakeIvl;
    if (hs > 0) { this.handshakeAt = now + hs; noteDeadline(this.handshakeAt); }
  }

  // The transport ended (peer closed, error, or after our own fail()).
  transportClosed(now: f64): void {
    this.transportGone = true;
    if (this.connected) this.down(now, R.R_PEER_CLOSED);
    this.maybeRelease();
  }

  // ---- input ----

  // Parses what it can of n bytes; returns how many it took. Fewer than n
  // means a large body follows that the host gathers itself (D_EXT); the
  // rest of a closed pipe's input counts as taken.
  input(p: usize, n: u32, now: f64): u32 {
    if (!this.connected) return n;
    if (this.ws) { this.alive(); this.readZwsMessage(p, n, now, false); return n; }
    let start = p, end = p + n;
    while (p < end && this.connected && this.dState != D_EXT) {
      if (this.state == ST_GREETING) p = this.readGreeting(p, end, now);
      else p = this.readFrames(p, end, now);
    }
    return this.connected ? <u32>(p - start) : n;
  }

  // A message transport's message of `total` bytes, of which only the first
  // n are in the input region: the frame header, and the body is gathered
  // by the host. NEED_WHOLE if this message must be parsed in linear memory
  // (a command, the routing id, a frame the role reads).
  inputMessageHead(p: usize, n: u32, total: u32, now: f64): i32 {
    if (!this.connected || !this.ws || n == 0 || this.state != ST_ACTIVE) return NEED_WHOLE;
    let f = load<u8>(p);
    if ((f & ZWS_FLAG_COMMAND) != 0 || total - 1 < RECEIVE_EXTERNAL_MIN || !this.sock.receivesExternal(this.msgFramesIn)) return NEED_WHOLE;
    this.alive();
    this.readZwsMessage(p, total, now, true);
    return this.connected ? 1 : <i32>total;
  }

  // The host gathered k more bytes of the external body.
  extAdvance(k: u32, now: f64): void {
    if (!this.connected || this.dState != D_EXT) return;
    this.alive();
    let take = <u64>min<u64>(<u64>k, this.remaining);
    this.remaining -= take;
    if (this.remaining == 0) this.extDone(now);
  }

  // Where the extHeadLen bytes the host puts in front of what it gathers are.
  extHead(): usize { return 0; }

  // Every byte of the external body is with the host.
  protected extDone(now: f64): void {
    this.extId = 0;
    this.extHeadLen = 0;
    this.endFrame(now);
  }

  // One WebSocket message: one ZMTP frame as [flags][body] (wire.md A14).
  // With `external`, only the flags byte is here and the body is the host's.
  private readZwsMessage(p: usize, n: u32, now: f64, external: bool): void {
    if (n == 0) { this.fail(R.R_MALFORMED_FRAME, now); return; }
    let f = load<u8>(p);
    if ((f & ~(ZWS_FLAG_MORE | ZWS_FLAG_COMMAND)) != 0 || (f & ZWS_FLAG_COMMAND) != 0 && (f & ZWS_FLAG_MORE) != 0) {
      this.fail(R.R_MALFORMED_FRAME, now);
      return;
    }
    let body = p + 1, size = n - 1;
    if (this.state == ST_ROUTING_ID) {
      // The peer's routing id, as ZMTP 2.0 did; a ROUTER routes by it.
      if (f != 0 || size > 255 || (size > 0 && load<u8>(body) == 0)) { this.fail(R.R_INVALID_IDENTITY, now); return; }
      this.identity.len = 0;
      if (this.sock.type == ROUTER) this.identity.append(body, size);
      this.peerType = -1;
      this.activate(now);
      return;
    }
    if (this.state == ST_HANDSHAKE && (f & ZWS_FLAG_COMMAND) == 0) { this.fail(R.R_UNEXPECTED_COMMAND, now); return; }
    if (f & ZWS_FLAG_COMMAND) {
      if (this.msg != 0) { this.fail(R.R_MALFORMED_FRAME, now); return; }
      this.cmd.len = 0;
      this.cmd.append(body, size);
      this.command(now);
      return;
    }
    this.flags = (f & ZWS_FLAG_MORE) ? FLAG_MORE : 0;
    if (!this.beginFrame(<u64>size, now, external)) return;
    if (size > 0 && !external) this.readBody(body, body + size, now);
  }

  private readGreeting(p: usize, end: usize, now: f64): usize {
    let g = this.greet;
    let take = min<usize>(<usize>(GREETING_SIZE - g.len), end - p);
    let before = g.len;
    g.append(p, <u32>take);
    p += take;
    let b = g.ptr;
    // Check each field as soon as its bytes are here (slow drip or not).
    if (before < 1 && g.len >= 1 && load<u8>(b) != GREETING_SIG_START) { this.fail(R.R_BAD_GREETING, now); return end; }
    if (before < 10 && g.len >= 10 && (load<u8>(b + 9) & 1) == 0) { this.fail(R.R_UNSUPPORTED_VERSION, now); return end; }
    if (before < 11 && g.len >= 11 && load<u8>(b + GREETING_OFF_MAJOR) < ZMTP_MAJOR) { this.fail(R.R_UNSUPPORTED_VERSION, now); return end; }
    if (g.len < GREETING_SIZE) return p;
    let major = load<u8>(b + GREETING_OFF_MAJOR);
    this.peerMinor = major > ZMTP_MAJOR ? 255 : <i32>load<u8>(b + GREETING_OFF_MINOR);
    if (!bytesEqual(b + GREETING_OFF_MECHANISM, NULL_MECHANISM, GREETING_MECHANISM_LEN)) {
      this.fail(R.R_MECHANISM_MISMATCH, now);
      return end;
    }
    this.state = ST_HANDSHAKE;
    let s = this.sock;
    writeReady(this.out, s.type, s.routingId, sendsIdentity(s.type));
    this.signalOutput();
    return p;
  }

  // Any byte received is liveness: it cancels the heartbeat timeout and a
  // PING's TTL. Cleared before each decoding step (each consumes at least one
  // byte), so a PING's TTL set by one step is cancelled by the next byte
  // whether it came in the same chunk or a later one.
  @inline alive(): void { this.timeoutAt = 0; this.ttlAt = 0; }

  private readFrames(p: usize, end: usize, now: f64): usize {
    while (p < end && this.connected) {
      this.alive();
      let st = this.dState;
      if (st == D_FLAGS) {
        let f = load<u8>(p++);
        if ((f & FLAG_RESERVED) != 0 || ((f & FLAG_COMMAND) != 0 && (f & FLAG_MORE) != 0)) { this.fail(R.R_MALFORMED_FRAME, now); return end; }
        if (this.state == ST_HANDSHAKE && (f & FLAG_COMMAND) == 0) { this.fail(R.R_UNEXPECTED_COMMAND, now); return end; }
        // A command may not interrupt a multipart message.
        if ((f & FLAG_COMMAND) != 0 && this.msg != 0) { this.fail(R.R_MALFORMED_FRAME, now); return end; }
        this.flags = f;
        if (f & FLAG_LONG) { this.dState = D_SIZE8; this.sizeBytes.len = 0; }
        else this.dState = D_SIZE1;
      } else if (st == D_SIZE1) {
        if (!this.beginFrame(<u64>load<u8>(p++), now, true)) return end;
      } else if (st == D_SIZE8) {
        let sb = this.sizeBytes;
        let take = min<usize>(<usize>(8 - sb.len), end - p);
        sb.append(p, <u32>take);
        p += take;
        if (sb.len == 8) {
          let size = loadU64BE(sb.ptr);
          // Sizes ≥ 2^63 are illegal; compare as u64 before any arithmetic.
          if (size >= 0x8000000000000000) { this.fail(R.R_MALFORMED_FRAME, now); return end; }
          if (!this.beginFrame(size, now, true)) return end;
          if (this.dState == D_EXT) return p;
        }
      } else if (st == D_BODY) {
        p = this.readBody(p, end, now);
      } else {
        return p;
      }
    }
    return p;
  }

  // Whether a message of `total` bytes so far may be held: maxMessageSize
  // (-1: none) and the receive budgets (budget.ts), checked before anything
  // is allocated for it. Closes the pipe and returns false if not.
  protected admit(total: f64, now: f64): bool {
    let limit = this.sock.opts.maxmsgsize;
    if (limit >= 0 && total > limit) { this.fail(R.R_MESSAGE_TOO_LARGE, now); return false; }
    if (limit < 0 && total > PIPE_BUDGET_DEFAULT) { this.fail(R.R_MEMORY_BUDGET, now); return false; }
    return true;
  }

  // Counts a frame of `size` bytes of the message being assembled against
  // the process budget, with what its record costs (a length word, and the
  // message header for its first frame), so that a flood of empty frames is
  // bounded too. False (and closed) if it does not fit.
  protected chargeFrame(m: usize, size: u64, now: f64): bool {
    let cost = <f64>size + 4 + (load<u32>(m, 4) == 0 && load<u32>(m, 8) == 0 ? <f64>MSG_HEADER : 0);
    if (!fitsProcess(cost)) { this.fail(R.R_MEMORY_BUDGET, now); return false; }
    charge(cost);
    msgCharge(m, <u32>cost);
    return true;
  }

  // A frame header is complete. Returns false if the pipe was closed. With
  // `mayExternal`, a large body is left to the host to gather (D_EXT).
  protected beginFrame(size: u64, now: f64, mayExternal: bool = false): bool {
    this.remaining = size;
    this.dState = D_BODY;
    if (this.flags & FLAG_COMMAND) {
      if (size > <u64>COMMAND_MAX) { this.fail(R.R_MESSAGE_TOO_LARGE, now); return false; }
      // Grows as the body arrives: a header alone costs nothing.
      this.cmd.len = 0;
    } else {
      let o = this.sock.opts;
      let total = this.msgBytesIn + <f64>size;
      // A record holds at most 4 GiB, an external body 2 GiB: larger cannot
      // be received at all, whatever the budgets.
      if (size >= <u64>EXTERNAL || total > <f64>(0xffffffff - MSG_HEADER - 64)) { this.fail(R.R_MESSAGE_TOO_LARGE, now); return false; }
      if (!this.admit(total, now)) return false;
      if (this.msgFramesIn + 1 > o.maxFrames) { this.fail(R.R_MESSAGE_TOO_LARGE, now); return false; }
      let external = mayExternal && size >= <u64>RECEIVE_EXTERNAL_MIN && this.sock.receivesExternal(this.msgFramesIn);
      this.msgBytesIn = total;
      this.msgFramesIn++;
      let first = external ? 4 : <u32>min<u64>(size, <u64>FRAME_FIRST_CHUNK);
      let m = this.msg;
      if (!m) { m = msgNew(4 + first); this.writeAt = 0; }
      else m = msgReserve(m, 4 + first);
      this.msg = m;
      if (!this.chargeFrame(m, size, now)) return false;
      // Frame length prefix; `used` advances when the frame completes.
      let used = load<u32>(m, 8);
      let at = m + MSG_HEADER + used;
      if (external) {
        let id = extNewReceived();
        store<u32>(at, EXTERNAL | <u32>size);
        store<u32>(at, id, 4);
        msgCountExternal(m);
        this.writeAt = used + 8;
        this.extId = id;
        this.extHeadLen = 0;
        this.dState = D_EXT;
        return true;
      }
      store<u32>(at, <u32>size);
      this.writeAt = used + 4;
    }
    if (size == 0) this.endFrame(now);
    return this.connected;
  }

  protected readBody(p: usize, end: usize, now: f64): usize {
    let take = <u32>min<u64>(this.remaining, <u64>(end - p));
    if (this.flags & FLAG_COMMAND) {
      this.cmd.append(p, take);
    } else {
      let m = this.msg;
      let cap = load<u32>(m, 12);
      if (this.writeAt + take > cap) {
        // Grow towards the frame's size only as its bytes arrive.
        let used = load<u32>(m, 8);
        m = msgReserve(m, this.writeAt - used + take);
        this.msg = m;
      }
      memory.copy(m + MSG_HEADER + this.writeAt, p, take);
      this.writeAt += take;
    }
    this.remaining -= take;
    p += take;
    if (this.remaining == 0) this.endFrame(now);
    return p;
  }

  private endFrame(now: f64): void {
    this.dState = D_FLAGS;
    let f = this.flags;
    if (f & FLAG_COMMAND) { this.command(now); return; }
    let m = this.msg;
    store<u32>(m, this.writeAt, 8);
    store<u32>(m, load<u32>(m, 4) + 1, 4);
    if (f & FLAG_MORE) return;
    this.msg = 0;
    this.msgFramesIn = 0;
    this.msgBytesIn = 0;
    this.sock.deliver(this, m);
  }

  protected command(now: f64): void {
    let body = this.cmd.ptr;
    let n = this.cmd.len;
    let kind = commandKind(body, n);
    let data = n ? commandData(body) : body;
    let dlen = n ? <u32>(body + n - data) : 0;
    if (this.state == ST_HANDSHAKE) {
      if (kind == CMD_READY) { this.ready(data, dlen, now); return; }
      if (kind == CMD_ERROR) { this.fail(R.R_ERROR_RECEIVED, now); return; }
      this.fail(R.R_UNEXPECTED_COMMAND, now);
      return;
    }
    // ST_ACTIVE
    if (kind == CMD_PING) {
      if (dlen < 2) { this.fail(R.R_MALFORMED_COMMAND, now); return; }
      let ttl = loadU16BE(data);
      if (ttl > 0) { this.ttlAt = now + <f64>ttl * 100; noteDeadline(this.ttlAt); }
      let ctxLen = min<u32>(dlen - 2, PING_CONTEXT_MAX);
      writePong(this.out, data + 2, ctxLen, this.ws);
      this.signalOutput();
    } else if (kind == CMD_PONG) {
      // Liveness only; input() already cleared the timeout.
    } else if (kind == CMD_SUBSCRIBE || kind == CMD_CANCEL) {
      this.sock.subscription(this, data, dlen, kind == CMD_SUBSCRIBE);
    } else if (kind == CMD_ERROR) {
      this.fail(R.R_ERROR_RECEIVED, now);
    } else if (kind == CMD_READY) {
      // The handshake happens once (bad-inputs A9).
      this.fail(R.R_UNEXPECTED_COMMAND, now);
    }
    // Anything else after the handshake is dropped, as libzmq does.
  }

  private ready(data: usize, n: u32, now: f64): void {
    parseMetadata(data, data + n, md);
    if (!md.ok) { this.fail(R.R_INVALID_METADATA, now); return; }
    let s = this.sock;
    if (md.socketType < 0 || (compatiblePeers(s.type) & (1 << md.socketType)) == 0) {
      writeError(this.out, "Invalid socket type", this.ws);
      this.signalOutput();
      this.fail(R.R_SOCKET_TYPE_MISMATCH, now);
      return;
    }
    this.peerType = md.socketType;
    this.identity.len = 0;
    if (s.type == ROUTER && md.hasIdentity && md.identityLen > 0) {
      // Ids starting with 0x00 are reserved for generated ones (wire.md C6).
      if (md.identityLen > 255 || load<u8>(md.identityAt) == 0) { this.fail(R.R_INVALID_IDENTITY, now); return; }
      this.identity.append(md.identityAt, md.identityLen);
    }
    this.activate(now);
  }

  // The handshake succeeded: the socket may still refuse the peer; queued
  // messages go out behind the handshake; routing takes the pipe in.
  protected activate(now: f64): void {
    let s = this.sock;
    this.state = ST_ACTIVE;
    this.handshakeAt = 0;
    this.reconnectIvl = s.opts.reconnectIvl;
    if (!s.pipeReady(this)) { this.fail(this.reason, now); return; }
    this.active = true;
    // Messages queued before the handshake go out now, behind READY.
    if (this.pending.len) {
      moveSplices(this.pendingSplices, this.outSplices, this.out.len);
      this.out.append(this.pending.ptr, this.pending.len);
      this.outMsgs += this.pendingMsgs;
      this.pending.clear();
      this.pendingMsgs = 0;
    }
    this.signalOutput();
    // Over WebSocket, liveness is the WebSocket's own ping/pong.
    let ivl = s.opts.heartbeatIvl;
    if (ivl > 0 && !this.ws) { this.pingAt = now + ivl; noteDeadline(this.pingAt); }
    emit(EV_HANDSHAKE, this.handle, this.peerType, this.peerMinor);
    if (!this.attached) s.attach(this);
    s.pipeActivated(this);
  }

  // ---- output ----

  // Full at the high-water mark (messages), or when the transport has
  // stopped taking bytes and a few MiB are already waiting here.
  @inline get full(): bool {
    let hwm = this.sock.opts.sndhwm;
    return (hwm > 0 && this.outMsgs + this.pendingMsgs >= hwm) || this.out.len + this.extBytes >= OUT_BYTES_MAX;
  }

  // Where the next message's frames go.
  @inline target(): Bytes { return this.active ? this.out : this.pending; }

  writeFrame(data: usize, n: u32, more: bool): void {
    let o = this.target();
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

  // Writes frames laid out as [len u32][bytes]... (the msg/input layout),
  // where a send's input may also hold external frames [EXTERNAL|len][id].
  writeFrames(src: usize, nframes: u32, moreAfter: bool): void {
    let p = src;
    for (let i: u32 = 0; i < nframes; i++) {
      let n = load<u32>(p);
      let more = i + 1 < nframes || moreAfter;
      if (n & EXTERNAL) {
        this.writeExternalFrame(n & ~EXTERNAL, load<u32>(p, 4), more);
        p += 8;
      } else {
        this.writeFrame(p + 4, n, more);
        p += 4 + n;
      }
    }
  }

  // The header goes into the output; the body is spliced in by the host.
  private writeExternalFrame(n: u32, id: u32, more: bool): void {
    let o = this.target();
    if (this.ws) {
      o.push32(1 + n);
      o.push8(more ? ZWS_FLAG_MORE : 0);
    } else {
      o.push8((more ? FLAG_MORE : 0) | FLAG_LONG);
      o.push64BE(<u64>n);
    }
    addSplice(this.active ? this.outSplices : this.pendingSplices, o.len, id, n);
    this.extBytes += n;
  }

  // A whole message was written with writeFrame(s).
  endMessage(): void {
    if (!this.active) { this.pendingMsgs++; return; }
    this.outMsgs++;
    this.signalOutput();
    // A big batch, or half the high-water mark, asks for a write now, so a
    // sender that never yields still streams instead of filling up.
    if (!this.urgentSignalled && this.connected) {
      let hwm = this.sock.opts.sndhwm;
      if (this.out.len + this.extBytes >= FLUSH_BYTES || (hwm > 0 && this.outMsgs >= (hwm + 1) >> 1)) {
        this.urgentSignalled = true;
        emit(EV_PIPE_OUTPUT, this.handle, 1, 0);
      }
    }
  }

  // SUB/XSUB → publisher: 3.1 peers get a command, 3.0 peers a message (wire.md A8).
  writeSubscription(subscribe: bool, topic: usize, n: u32): void {
    if (!this.active) return;
    if (this.peerMinor >= 1) {
      writeSubscription(this.out, subscribe, topic, n);
    } else {
      let o = this.out;
      let body = n + 1;
      if (this.ws) { o.push32(1 + body); o.push8(0); }
      else if (body <= 255) { o.push8(0); o.push8(body); }
      else { o.push8(FLAG_LONG); o.push64BE(<u64>body); }
      o.push8(subscribe ? 1 : 0);
      o.append(topic, n);
    }
    this.signalOutput();
  }

  signalOutput(): void {
    if (!this.outSignalled && this.out.len > 0 && this.connected) {
      this.outSignalled = true;
      emit(EV_PIPE_OUTPUT, this.handle, 0, 0);
    }
  }

  // The host took every byte of `out`.
  consumed(): void {
    let wasFull = this.full;
    this.out.clear();
    releaseSplices(this.outSplices);
    this.extBytes = 0;
    this.outMsgs = 0;
    this.outSignalled = false;
    this.urgentSignalled = false;
    if (wasFull || this.sock.wantWritable) this.sock.signalWritable();
  }

  // ---- input queue ----

  enqueue(m: usize): void {
    let s = this.sock;
    if (s.opts.conflate) this.inq.clear();
    this.inq.push(m);
    let hwm = s.opts.rcvhwm;
    let full = (hwm > 0 && this.inq.count >= hwm) || this.inq.bytes >= pipeBudget(s.opts.maxmsgsize);
    if (full && !this.paused && this.connected) {
      this.paused = true;
      emit(EV_PIPE_PAUSE, this.handle, 0, 0);
    }
  }

  dequeue(): usize {
    let m = this.inq.pop();
    if (this.paused) {
      let hwm = this.sock.opts.rcvhwm;
      let lwm = hwm > 1 ? hwm >> 1 : 0;
      if ((hwm <= 0 || this.inq.count <= lwm) && this.inq.bytes <= pipeBudget(this.sock.opts.maxmsgsize) / 2) {
        this.paused = false;
        if (this.connected) emit(EV_PIPE_RESUME, this.handle, 0, 0);
      }
    }
    return m;
  }

  // ---- timers ----

  tick(now: f64): void {
    if (this.reconnectAt > 0 && now >= this.reconnectAt) {
      this.reconnectAt = 0;
      emit(EV_PIPE_CONNECT, this.handle, 0, 0);
    }
    if (!this.connected) return;
    if (this.handshakeAt > 0 && now >= this.handshakeAt) { this.fail(R.R_HANDSHAKE_TIMEOUT, now); return; }
    if ((this.timeoutAt > 0 && now >= this.timeoutAt) || (this.ttlAt > 0 && now >= this.ttlAt)) {
      this.fail(R.R_HEARTBEAT_TIMEOUT, now); return;
    }
    if (this.pingAt > 0 && now >= this.pingAt) {
      let o = this.sock.opts;
      writePing(this.out, <u32>min<f64>(o.heartbeatTtl / 100, 65535));
      this.signalOutput();
      this.pingAt = now + o.heartbeatIvl;
      let to = o.heartbeatTimeout >= 0 ? o.heartbeatTimeout : o.heartbeatIvl;
      if (to > 0 && this.timeoutAt == 0) { this.timeoutAt = now + to; }
    }
  }

  nextDeadline(): f64 {
    let d: f64 = Infinity;
    if (this.reconnectAt > 0) d = min(d, this.reconnectAt);
    if (this.connected) {
      if (this.handshakeAt > 0) d = min(d, this.handshakeAt);
      if (this.pingAt > 0) d = min(d, this.pingAt);
      if (this.timeoutAt > 0) d = min(d, this.timeoutAt);
      if (this.ttlAt > 0) d = min(d, this.ttlAt);
    }
    return d;
  }

  // ---- closing ----

  // Protocol failure: stop reading, ask the host to close the transport
  // (after flushing anything queued, such as an ERROR command).
  fail(reason: i32, now: f64): void {
    if (!this.connected) return;
    this.reason = reason;
    emit(EV_PIPE_CLOSE, this.handle, reason, 0);
    this.down(now, reason);
  }

  // The connection is over: drop its partial state, keep the session.
  protected down(now: f64, reason: i32): void {
    this.connected = false;
    this.state = ST_IDLE;
    this.handshakeAt = 0; this.pingAt = 0; this.timeoutAt = 0; this.ttlAt = 0;
    if (this.msg) { msgFree(this.msg); this.msg = 0; }
    this.msgFramesIn = 0;
    this.msgBytesIn = 0;
    this.extId = 0;
    this.extHeadLen = 0;
    this.dState = D_FLAGS;
    this.cmd.clear();
    this.paused = false;
    let wasActive = this.active;
    this.active = false;
    if (this.subs) this.sock.clearSubscriptions(this);
    if (this.attached && (!this.outbound || this.sock.opts.immediate || !this.sock.keepsSessions())) this.sock.detach(this);
    if (wasActive) this.sock.pipeDeactivated(this);
    if (this.outbound) {
      let ivl = this.sock.opts.reconnectIvl;
      if (ivl >= 0) {
        this.reconnectAt = now + this.reconnectIvl;
        noteDeadline(this.reconnectAt);
        let max = this.sock.opts.reconnectIvlMax;
        if (max > ivl) this.reconnectIvl = min(this.reconnectIvl * 2, max);
      }
    }
  }

  // Forget everything (disconnect(), socket close, or a spent accepted pipe).
  destroy(): void {
    if (this.connected) {
      this.reason = R.R_CLOSED_BY_SOCKET;
      emit(EV_PIPE_CLOSE, this.handle, R.R_CLOSED_BY_SOCKET, 0);
      this.down(0, R.R_CLOSED_BY_SOCKET);
    }
    this.reconnectAt = 0;
    if (this.attached) this.sock.detach(this);
    this.inq.clear();
    this.sock.fqRemove(this);
    this.outbound = false;
    this.transportGone = true;
    this.maybeRelease();
  }

  // An accepted pipe disappears once its transport is gone and its messages read.
  maybeRelease(): void {
    if (this.released || this.outbound || !this.transportGone || this.connected || this.inq.count > 0) return;
    this.released = true;
    this.sock.release(this);
  }

  freeBuffers(): void {
    releaseSplices(this.outSplices);
    releaseSplices(this.pendingSplices);
    this.outSplices.free(); this.pendingSplices.free();
    this.out.free(); this.pending.free(); this.greet.free(); this.cmd.free();
    this.sizeBytes.free(); this.identity.free(); this.inq.clear();
    if (this.msg) { msgFree(this.msg); this.msg = 0; }
    let t = this.subs;
    if (t) { t.free(); this.subs = null; }
  }
}
