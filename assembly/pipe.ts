// A pipe: one peer of a socket, and the session that outlives its
// connections. It is transport- and wire-neutral: the wire is the engine it
// holds (engine.ts; zmtp/ and sp/ have one each per framing), which parses
// the bytes that arrive and encodes the frames roles write. The pipe keeps
// what does not depend on the wire: the output buffers and their splices,
// back-pressure, the inbound queue and the message being received, the
// timers, and the life cycle.
//
// A pipe made by connect() is a session: it survives reconnects, keeps its
// unsent messages, and schedules its own reconnect with back-off. A pipe made
// by an accepted connection lives as long as that connection, then stays only
// until its received messages have been read.
//
// Peer misbehaviour ends in one of two ways, named at each site: the message
// is dropped, or the pipe is closed with a reason (fail()).
import { Bytes } from "./bytes";
import { emit, EV_PIPE_OUTPUT, EV_PIPE_CLOSE, EV_HANDSHAKE, EV_PIPE_CONNECT, EV_PIPE_PAUSE, EV_PIPE_RESUME } from "./events";
import * as R from "./errors";
import { MsgQueue, msgNew, msgFree, msgReserve, msgCharge, msgCountExternal, MSG_HEADER } from "./msg";
import { EXTERNAL, releaseSplices, moveSplices, extNewReceived } from "./external";
import { charge, fitsProcess, pipeBudget } from "./budget";
import { Timers, PIPE_TIMERS, PT_RECONNECT, PT_HANDSHAKE, PT_PING_TIMEOUT, PT_PEER_TTL } from "./timers";
import { Engine } from "./engine";
import { Socket } from "./socket";

// Output worth writing now rather than at the end of the host's turn: a
// batch this large gains nothing by waiting (libzmq's out_batch_size idea).
const FLUSH_BYTES: u32 = 65536;

// Bytes waiting in `out` beyond which the pipe counts as full.
const OUT_BYTES_MAX: u32 = 4 << 20;

// A linear frame's first allocation; larger frames grow as their bytes
// arrive, so a header that claims a lot and then goes silent costs little.
const FRAME_FIRST_CHUNK: u32 = 65536;

// State a role keeps per peer (an XPUB's subscriptions, say): made by the
// role when the pipe joins it, freed with the pipe.
export class PeerRecord {
  free(): void {}
}

export class Pipe {
  handle: i32 = 0;
  sock: Socket;
  outbound: bool;           // made by connect(): survives reconnects
  engine: Engine;
  connected: bool = false;  // a transport is attached
  transportGone: bool = true;
  attached: bool = false;   // the socket's routing includes this pipe
  active: bool = false;     // handshake complete on the current connection
  released: bool = false;

  // The peer, as its handshake announced it.
  peerType: i32 = -1;
  peerMinor: i32 = 0;              // ZMTP 3.x minor (3.0 peers subscribe by message)
  identity: Bytes = new Bytes();   // its routing id (a ROUTER routes by it)
  // This pipe's id in SP raw headers (REP/RESPONDENT hop word, BUS origin).
  rawId: u32 = 0;
  // The framing the host asked for: SP's ipc mapping (a message-type byte
  // before each size); a message transport (WebSocket), ZWS2.0/NULL or not.
  ipcFraming: bool = false;
  ws: bool = false;
  wsNull: bool = false;
  // The role's per-peer state.
  peer: PeerRecord | null = null;

  // The message being received. Its current frame's body either arrives
  // here in linear memory, or (external.ts) is gathered by the host while
  // `gathering`: `bodyLeft` bytes are still to come either way.
  msg: usize = 0;
  writeAt: u32 = 0;         // offset in the message data area for the next body byte
  msgFramesIn: i32 = 0;
  msgBytesIn: f64 = 0;
  bodyLeft: u64 = 0;
  gathering: bool = false;
  extId: u32 = 0;
  // Bytes in linear memory that start the body being gathered (SP keeps a
  // payload's head there for the roles), at extHead().
  extHeadLen: u32 = 0;

  // Output. `out` is wire bytes for the current connection; `pending` holds
  // messages encoded before the handshake completed.
  out: Bytes = new Bytes();
  pending: Bytes = new Bytes();
  // External bodies spliced into out / pending (external.ts), and their size.
  outSplices: Bytes = new Bytes();
  pendingSplices: Bytes = new Bytes();
  // `pending` holds clear frame records for an encrypting mechanism to box
  // once its handshake is done (zmtp/engine.ts), not wire bytes. The pipe
  // keeps this, not the engine: a WebSocket's subprotocol replaces the
  // engine after messages were queued.
  pendingClear: bool = false;
  extBytes: u32 = 0;
  outMsgs: i32 = 0;
  pendingMsgs: i32 = 0;
  outSignalled: bool = false;
  urgentSignalled: bool = false;

  // Input queue (complete messages), fair-queued by the socket.
  inq: MsgQueue = new MsgQueue();
  inFq: bool = false;
  paused: bool = false;

  timers: Timers = new Timers(PIPE_TIMERS);
  // PT_PING_TIMEOUT or PT_PEER_TTL may be set: the next byte clears them.
  awaitingLife: bool = false;
  reconnectIvl: f64 = 0;    // the current back-off

  // Priorities (1 highest .. 16), nanomsg's per-endpoint send/receive priority.
  sendPrio: i32 = 8;
  recvPrio: i32 = 8;

  // Host-visible reason of the last close.
  reason: i32 = 0;

  // The peer's address as the host gave it (ZAP requests name it), and the
  // user id the ZAP handler gave the peer.
  peerAddress: Bytes = new Bytes();
  userId: Bytes = new Bytes();

  constructor(sock: Socket, outbound: bool, engine: Engine) {
    this.sock = sock;
    this.outbound = outbound;
    this.engine = engine;
    this.reconnectIvl = sock.opts.reconnectIvl;
  }

  // ---- transport lifecycle (host calls) ----

  // The transport's framing, known once it is up (a WebSocket's subprotocol).
  setEngine(e: Engine): void {
    this.engine.free();
    this.engine = e;
  }

  // A transport is up: fresh connection state, then the engine speaks first.
  start(now: f64): void {
    this.out.len = 0;
    releaseSplices(this.outSplices);
    this.extBytes = 0;
    this.outMsgs = 0;
    this.outSignalled = false;
    this.urgentSignalled = false;
    this.connected = true;
    this.transportGone = false;
    this.timers.clear(PT_RECONNECT);
    let hs = this.sock.opts.handshakeIvl;
    if (hs > 0) this.timers.set(PT_HANDSHAKE, now + hs);
    this.engine.start(this, now);
  }

  // The transport ended (peer closed, error, or after our own fail()).
  transportClosed(now: f64): void {
    this.transportGone = true;
    if (this.connected) this.down(now, R.R_PEER_CLOSED);
    this.maybeRelease();
  }

  // ---- input ----

  // Parses what it can of n bytes; returns how many it took. Fewer than n
  // means a large body follows that the host gathers itself; the rest of a
  // closed pipe's input counts as taken.
  input(p: usize, n: u32, now: f64): u32 {
    if (!this.connected) return n;
    let took = this.engine.input(this, p, n, now);
    return this.connected ? took : n;
  }

  // A message transport's message of `total` bytes, of which only the first
  // n are in the input region (engine.ts inputMessageHead).
  inputMessageHead(p: usize, n: u32, total: u32, now: f64): i32 {
    if (!this.connected) return <i32>total;
    let r = this.engine.inputMessageHead(this, p, n, total, now);
    return this.connected ? r : <i32>total;
  }

  // Any byte received is liveness: it cancels the heartbeat timeout and a
  // PING's TTL. Engines call it before each decoding step (each takes at
  // least one byte), so a PING's TTL set by one step is cancelled by the
  // next byte whether it came in the same chunk or a later one.
  @inline alive(): void {
    if (!this.awaitingLife) return;
    this.awaitingLife = false;
    this.timers.clear(PT_PING_TIMEOUT);
    this.timers.clear(PT_PEER_TTL);
  }

  // A liveness timer is set (the engine's heartbeat timeout or a PING's TTL).
  @inline awaitLife(kind: i32, at: f64): void {
    this.timers.set(kind, at);
    this.awaitingLife = true;
  }

  // ---- the message being received ----

  // Counts a frame of `size` bytes against the process budget, with what its
  // record costs (a length word, and the message header for its first frame),
  // so a flood of empty frames is bounded too. False (and closed) if not.
  private charge(m: usize, size: u64, now: f64): bool {
    let cost = <f64>size + 4 + (load<u32>(m, 4) == 0 && load<u32>(m, 8) == 0 ? <f64>MSG_HEADER : 0);
    if (!fitsProcess(cost)) { this.fail(R.R_MEMORY_BUDGET, now); return false; }
    charge(cost);
    msgCharge(m, <u32>cost);
    return true;
  }

  // A frame of `size` bytes begins: its body arrives in linear memory
  // (`linear` bytes of it: SP keeps only a head of a large payload there),
  // then, with `external`, the whole body is gathered by the host. The
  // engine has checked the size against its limits. False if closed.
  beginFrame(size: u64, linear: u32, external: bool, now: f64): bool {
    this.msgBytesIn += <f64>size;
    this.msgFramesIn++;
    let first = <u32>min<u32>(linear, FRAME_FIRST_CHUNK) + (external ? 8 : 0);
    let m = this.msg;
    if (!m) { m = msgNew(4 + first); this.writeAt = 0; }
    else m = msgReserve(m, 4 + first);
    this.msg = m;
    if (!this.charge(m, size, now)) return false;
    let used = load<u32>(m, 8);
    if (external && linear == 0) {
      this.beginGather(size, 0);
      return true;
    }
    // Frame length prefix; `used` advances when the frame completes.
    store<u32>(m + MSG_HEADER + used, linear);
    this.writeAt = used + 4;
    this.bodyLeft = <u64>linear;
    return true;
  }

  // Body bytes of the current linear frame.
  appendBody(p: usize, take: u32): void {
    let m = this.msg;
    if (this.writeAt + take > load<u32>(m, 12)) {
      // Grow towards the frame's size only as its bytes arrive.
      m = msgReserve(m, this.writeAt - load<u32>(m, 8) + take);
      this.msg = m;
    }
    memory.copy(m + MSG_HEADER + this.writeAt, p, take);
    this.writeAt += take;
    this.bodyLeft -= <u64>take;
  }

  // The frame's body is the host's to gather: an external slot
  // [EXTERNAL|size][id]. With `headLen`, an SP payload's first bytes were
  // read here as a frame of their own; it closes, and the slot that follows
  // stands for the whole payload, head included.
  beginGather(size: u64, headLen: u32): void {
    if (headLen > 0) this.closeFrame();
    let m = msgReserve(this.msg, 8);
    this.msg = m;
    let at = m + MSG_HEADER + load<u32>(m, 8);
    let id = extNewReceived();
    store<u32>(at, EXTERNAL | <u32>size);
    store<u32>(at, id, 4);
    msgCountExternal(m);
    this.writeAt = load<u32>(m, 8) + 8;
    this.extId = id;
    this.extHeadLen = headLen;
    this.gathering = true;
    this.bodyLeft = size - <u64>headLen;
  }

  // Where the head the host puts in front of what it gathers is.
  extHead(): usize { return this.msg + MSG_HEADER + 4; }

  // The host gathered k more bytes of the external body.
  extAdvance(k: u32, now: f64): void {
    if (!this.connected || !this.gathering) return;
    this.alive();
    this.bodyLeft -= <u64>min<u64>(<u64>k, this.bodyLeft);
    if (this.bodyLeft > 0) return;
    this.gathering = false;
    this.extId = 0;
    this.extHeadLen = 0;
    this.engine.bodyDone(this, now);
  }

  // The current frame's bytes are all in: it joins the message.
  closeFrame(): void {
    let m = this.msg;
    store<u32>(m, this.writeAt, 8);
    store<u32>(m, load<u32>(m, 4) + 1, 4);
  }

  // The message is complete: the socket's role takes it.
  deliver(now: f64): void {
    let m = this.msg;
    this.msg = 0;
    this.msgFramesIn = 0;
    this.msgBytesIn = 0;
    this.sock.deliver(this, m, now);
  }

  // ---- output ----

  // Full at the high-water mark (messages), or when the transport has
  // stopped taking bytes and a few MiB are already waiting here.
  @inline get full(): bool {
    let hwm = this.sock.opts.sndhwm;
    return (hwm > 0 && this.outMsgs + this.pendingMsgs >= hwm) || this.out.len + this.extBytes >= OUT_BYTES_MAX;
  }

  // Where the next message's frames go, and their splices.
  @inline target(): Bytes { return this.active ? this.out : this.pending; }
  @inline targetSplices(): Bytes { return this.active ? this.outSplices : this.pendingSplices; }

  writeFrame(data: usize, n: u32, more: bool): void { this.engine.writeFrame(this, data, n, more); }

  // Writes frames laid out as [len u32][bytes]... (the msg/input layout),
  // where a send's input may also hold external frames [EXTERNAL|len][id].
  writeFrames(src: usize, nframes: u32, moreAfter: bool): void {
    let p = src;
    let e = this.engine;
    for (let i: u32 = 0; i < nframes; i++) {
      let n = load<u32>(p);
      let more = i + 1 < nframes || moreAfter;
      if (n & EXTERNAL) {
        e.writeExternalFrame(this, n & ~EXTERNAL, load<u32>(p, 4), more);
        p += 8;
      } else {
        e.writeFrame(this, p + 4, n, more);
        p += 4 + n;
      }
    }
  }

  // One SP message: a protocol header, then the frames of a send's input
  // concatenated (scatter), the first `skip` bytes of frame 0 left out.
  writeMessage(hdr: usize, hlen: u32, src: usize, nframes: u32, skip: u32 = 0): void {
    this.engine.writeMessage(this, hdr, hlen, src, nframes, skip);
    this.endMessage();
  }

  // A payload already in linear memory (a stored request, a received message).
  writePayload(p: usize, n: u32): void { this.writeMessage(p, n, 0, 0); }

  // SUB/XSUB → publisher (the engine knows how this peer wants them).
  writeSubscription(subscribe: bool, topic: usize, n: u32): void {
    if (!this.active) return;
    this.engine.writeSubscription(this, subscribe, topic, n);
    this.signalOutput();
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
    this.sock.lingerCheck();
  }

  // ---- the handshake is over ----

  // The engine's handshake succeeded: the socket may still refuse the peer;
  // queued messages go out behind the handshake; routing takes the pipe in.
  activate(now: f64): void {
    let s = this.sock;
    this.timers.clear(PT_HANDSHAKE);
    this.reconnectIvl = s.opts.reconnectIvl;
    if (!s.pipeReady(this, now)) { this.fail(this.reason, now); return; }
    this.active = true;
    // Messages queued before the handshake go out now, behind it.
    if (this.pending.len) this.engine.movePending(this);
    this.outMsgs += this.pendingMsgs;
    this.pendingMsgs = 0;
    this.signalOutput();
    this.engine.activated(this, now);
    emit(EV_HANDSHAKE, this.handle, this.peerType, this.peerMinor);
    if (!this.attached) s.attach(this);
    s.pipeActivated(this);
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

  // Every timer due at `now`, once each, in kind order (timers.ts).
  tick(now: f64): void {
    for (let k = 0; k < PIPE_TIMERS; k++) {
      if (this.timers.take(k, now)) this.onTimer(k, now);
    }
  }

  private onTimer(kind: i32, now: f64): void {
    if (kind == PT_RECONNECT) { emit(EV_PIPE_CONNECT, this.handle, 0, 0); return; }
    if (!this.connected) return;
    if (kind == PT_HANDSHAKE) { this.fail(R.R_HANDSHAKE_TIMEOUT, now); return; }
    this.engine.onTimer(this, kind, now);
  }

  nextDeadline(): f64 { return this.timers.next(); }

  // The next redial of a connect-made pipe, with back-off: after a refused
  // connect and after a lost connection alike.
  scheduleReconnect(now: f64): void {
    let ivl = this.sock.opts.reconnectIvl;
    if (ivl < 0) return;
    this.timers.set(PT_RECONNECT, now + this.reconnectIvl);
    let max = this.sock.opts.reconnectIvlMax;
    if (max > ivl) this.reconnectIvl = min(this.reconnectIvl * 2, max);
  }

  // The engine's default for movePending: the bytes are already wire bytes.
  movePendingAsIs(): void {
    moveSplices(this.pendingSplices, this.outSplices, this.out.len);
    this.out.append(this.pending.ptr, this.pending.len);
    this.pending.clear();
  }

  // ---- closing ----

  // Protocol failure: stop reading, ask the host to close the transport
  // (after flushing anything queued, such as an ERROR command).
  // `detail` qualifies the reason (R_AUTH_FAILED: the ZAP status code).
  fail(reason: i32, now: f64, detail: i32 = 0): void {
    if (!this.connected) return;
    this.reason = reason;
    emit(EV_PIPE_CLOSE, this.handle, reason, detail);
    this.down(now, reason);
  }

  // The connection is over: drop its partial state, keep the session.
  protected down(now: f64, reason: i32): void {
    this.connected = false;
    this.timers.clearAll();
    if (this.msg) { msgFree(this.msg); this.msg = 0; }
    this.msgFramesIn = 0;
    this.msgBytesIn = 0;
    this.bodyLeft = 0;
    this.gathering = false;
    this.extId = 0;
    this.extHeadLen = 0;
    this.engine.reset();
    this.paused = false;
    let wasActive = this.active;
    this.active = false;
    this.sock.pipeDown(this);
    if (this.attached && (!this.outbound || this.sock.opts.immediate || !this.sock.keepsSessions())) this.sock.detach(this);
    if (wasActive) this.sock.pipeDeactivated(this);
    if (this.outbound) this.scheduleReconnect(now);
  }

  // Forget everything (disconnect(), socket close, or a spent accepted pipe).
  destroy(now: f64): void {
    if (this.connected) {
      this.reason = R.R_CLOSED_BY_SOCKET;
      emit(EV_PIPE_CLOSE, this.handle, R.R_CLOSED_BY_SOCKET, 0);
      this.down(now, R.R_CLOSED_BY_SOCKET);
    }
    this.timers.clearAll();
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
    this.out.free(); this.pending.free();
    this.identity.free(); this.inq.clear();
    this.peerAddress.free(); this.userId.free();
    this.engine.free();
    if (this.msg) { msgFree(this.msg); this.msg = 0; }
    let r = this.peer;
    if (r) { r.free(); this.peer = null; }
  }
}
