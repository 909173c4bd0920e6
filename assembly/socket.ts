// The socket base: options, the pipe lists, and the ops every role may
// override (the ops table of nng's protocols, as virtual methods). Shared
// building blocks live beside it: lb.ts (load balancing), fq.ts (fair
// queuing); roles that send to every peer walk `attached`.
import { Bytes } from "./bytes";
import { Options, OPT_ROUTING_ID, OPT_SUBSCRIBE, OPT_UNSUBSCRIBE, OPT_RAW, OPT_PLAIN_SERVER, OPT_MECHANISM } from "./options";
import { Security } from "./zmtp/security";
import { Pipe } from "./pipe";
import { emit, EV_READABLE, EV_WRITABLE, EV_PIPE_RELEASED, EV_LINGER_OVER } from "./events";
import { ENOTSUP, EINVAL, EAGAIN, R_PEER_LIMIT } from "./errors";

// framesRead() for a role that reads (and keeps) every frame.
export const FRAMES_ALL: u32 = 0xffffffff;
import { LoadBalancer } from "./lb";
import { msgFree, msgFrames, msgData, frameIsExternal, frameLen, frameSlot } from "./msg";
import { EXTERNAL } from "./external";
import { pipes } from "./registry";
import { FairQueue } from "./fq";
import { Engine } from "./engine";
import { Timers, SOCKET_TIMERS, ST_LINGER, ST_COOKIE_KEY } from "./timers";
import { ZmtpStream } from "./zmtp/stream";
import { Zws } from "./zmtp/zws";

// Descriptors of the last received message, one per frame:
//   [ptr u32][len u32][offset u32]           a frame in linear memory
//   [id u32][EXTERNAL | len u32][offset u32] bytes [offset, offset+len) of
//                                            the host's body `id` (external.ts)
// Pointers stay valid until the next call into the core.
export const recvDesc = new Bytes();
let lastDelivered: usize = 0;
// A drained pipe whose transport is gone is released on the next call, after
// the host has copied what the descriptors point at (ROUTER ids live in it).
let spent: Pipe | null = null;

export function recvBegin(): void {
  if (lastDelivered) { msgFree(lastDelivered); lastDelivered = 0; }
  let p = spent;
  if (p) { spent = null; p.maybeRelease(); }
  recvDesc.len = 0;
}
export function recvFrame(ptr: usize, n: u32): void { recvDesc.push32(<u32>ptr); recvDesc.push32(n); recvDesc.push32(0); }
export function recvExternal(id: u32, n: u32, offset: u32): void {
  recvDesc.push32(id); recvDesc.push32(EXTERNAL | n); recvDesc.push32(offset);
}
// The described frames point into m: free it on the next call, not before.
export function recvHold(m: usize): void { lastDelivered = m; }

// Describes frames [from..) of message m, then hands m to the free-on-next-call slot.
export function recvMessage(m: usize, from: u32): i32 {
  let k = msgFrames(m);
  let p = msgData(m);
  let count: i32 = 0;
  for (let i: u32 = 0; i < k; i++) {
    if (i >= from) {
      if (frameIsExternal(p)) recvExternal(load<u32>(p, 4), frameLen(p), 0);
      else recvFrame(p + 4, load<u32>(p));
      count++;
    }
    p += frameSlot(p);
  }
  lastDelivered = m;
  return count;
}

export class Socket {
  handle: i32 = 0;
  type: i32;
  opts: Options = new Options();
  routingId: Bytes = new Bytes();
  pipes: Array<Pipe> = [];
  // The pipes in routing now (attach/detach), for roles that send to all or look a peer up.
  attached: Array<Pipe> = [];
  fq: FairQueue = new FairQueue();
  // Building blocks a role takes up in its constructor (as nng's protocols
  // pick theirs): `balances`, each message to one pipe, round robin (lb.ts);
  // `exclusive`, one peer at a time (PAIR), the only one routed.
  balances: bool = false;
  exclusive: bool = false;
  lb: LoadBalancer = new LoadBalancer();
  only: Pipe | null = null;
  readSignalled: bool = false;
  wantWritable: bool = false;
  lingering: bool = false;
  timers: Timers = new Timers(SOCKET_TIMERS);
  // ZMTP security settings (zmtp/security.ts), made when first asked for.
  private sec: Security | null = null;

  constructor(type: i32) { this.type = type; }

  security(): Security {
    let s = this.sec;
    if (!s) { s = new Security(); this.sec = s; }
    return s;
  }
  @inline static isSecurityOption(opt: i32): bool { return opt >= OPT_PLAIN_SERVER && opt <= OPT_MECHANISM; }

  // ---- ops a role overrides ----

  // The handshake finished; false refuses the peer (set p.reason). An
  // exclusive socket refuses a second peer.
  pipeReady(p: Pipe, now: f64): bool {
    let cur = this.only;
    if (this.exclusive && cur && cur !== p) { p.reason = R_PEER_LIMIT; return false; }
    return true;
  }
  // After pipeReady succeeded and the pipe is attached.
  pipeActivated(p: Pipe): void {}
  pipeDeactivated(p: Pipe): void {}
  // The pipe's connection went down (before it leaves routing).
  pipeDown(p: Pipe): void {}
  // Routing structures gain/lose the pipe.
  xattach(p: Pipe): void {}
  xdetach(p: Pipe): void {}
  // Connect-made pipes stay in routing across reconnects (libzmq sessions).
  keepsSessions(): bool { return true; }
  // A connect-made pipe joins routing before its handshake unless `immediate`.
  attachesEarly(): bool { return true; }
  send(src: usize, nframes: u32, now: f64): i32 { return -ENOTSUP; }
  recv(now: f64): i32 { return -ENOTSUP; }
  // A complete message arrived on p. Default: fair-queue it.
  deliver(p: Pipe, m: usize, now: f64): void { this.queueIn(p, m); }
  subscription(p: Pipe, topic: usize, n: u32, on: bool, now: f64): void {}
  canSend(): bool {
    if (this.balances) return this.lb.hasRoom();
    let p = this.only;
    return p !== null && !p.full;
  }
  // Whether an option means anything for this family (options.ts ids).
  acceptsOption(opt: i32): bool { return opt < OPT_RAW || Socket.isSecurityOption(opt); }
  // A socket timer (timers.ts: REQ resend, survey deadline) is due.
  onTimer(kind: i32, now: f64): void {}
  // The socket is closing: give back every raw allocation the role holds
  // (buffers, tries, held messages). Overrides free their own, then call super.
  dispose(): void {
    this.routingId.free();
    let s = this.sec;
    if (s) { s.free(); this.sec = null; }
  }
  // Fan-out (fanout.ts): whether pipe p gets this message, and how a message
  // is written to one pipe (ZMTP: its frames; SP roles add their header).
  selects(p: Pipe, src: usize, nframes: u32): bool { return true; }
  writeTo(p: Pipe, src: usize, nframes: u32): void {
    p.writeFrames(src, nframes, false);
    p.endMessage();
  }
  // How many leading frames of a send this role reads (a topic, a routing
  // id, a header): the host copies them into linear memory; later frames of
  // 32 KiB and more stay in its buffers (external.ts). FRAMES_ALL: every one
  // (a role that keeps the message, as an SP REQ keeps its request to resend).
  framesRead(): u32 { return 1; }
  // How a received message is described to the host (the family's layout).
  describe(m: usize): i32 { return recvMessage(m, 0); }
  // Whether frame i of a received message may stay in the host's memory
  // (large bodies, external.ts); roles that read a frame's bytes say no.
  receivesExternal(i: u32): bool { return true; }
  // The pipe kind this socket speaks through.
  // The engine for a pipe's framing (engine.ts): ZMTP over a stream or over
  // WebSocket messages; SP sockets have their own.
  makeEngine(ipc: bool, ws: bool, wsNull: bool): Engine {
    return ws ? changetype<Engine>(new Zws(wsNull)) : changetype<Engine>(new ZmtpStream());
  }
  // A new pipe of this socket (the family may label it).
  newPipe(outbound: bool, ipc: bool, ws: bool, wsNull: bool): Pipe {
    let p = new Pipe(this, outbound, this.makeEngine(ipc, ws, wsNull));
    p.ipcFraming = ipc;
    p.ws = ws;
    p.wsNull = wsNull;
    return p;
  }
  // A message is waiting for recv().
  hasIn(): bool { return this.fq.length > 0; }
  setBytes(opt: i32, p: usize, n: u32): i32 {
    if (opt == OPT_ROUTING_ID) {
      if (n > 255 || (n > 0 && load<u8>(p) == 0)) return -EINVAL;
      this.routingId.len = 0;
      this.routingId.append(p, n);
      return 0;
    }
    if (opt == OPT_SUBSCRIBE || opt == OPT_UNSUBSCRIBE) return -ENOTSUP;
    if (Socket.isSecurityOption(opt) && this.acceptsOption(opt)) return this.security().setBytes(opt, p, n);
    return -EINVAL;
  }

  // ---- shared mechanics ----

  addPipe(p: Pipe): void {
    this.pipes.push(p);
    if (p.outbound && this.attachesEarly() && !this.opts.immediate) this.attach(p);
  }

  attach(p: Pipe): void {
    if (p.attached) return;
    p.attached = true;
    this.attached.push(p);
    if (this.balances) this.lb.add(p);
    if (this.exclusive && !this.only) this.only = p;
    this.xattach(p);
    if (this.wantWritable) this.signalWritable();
  }

  detach(p: Pipe): void {
    if (!p.attached) return;
    p.attached = false;
    let i = this.attached.indexOf(p);
    if (i >= 0) this.attached.splice(i, 1);
    if (this.balances) this.lb.remove(p);
    if (this.only === p) this.only = null;
    this.xdetach(p);
  }

  queueIn(p: Pipe, m: usize): void {
    p.enqueue(m);
    this.fq.add(p);
    this.signalReadable();
  }

  fqRemove(p: Pipe): void { this.fq.remove(p); }

  // The message to one pipe: the next with room (balances) or the only peer.
  sendToOne(src: usize, nframes: u32): i32 {
    let p = this.balances ? this.lb.pick() : this.only;
    if (!p || p.full) return this.blocked();
    this.writeTo(p, src, nframes);
    return 0;
  }

  // The next fair-queued message, described (recv of most roles).
  recvQueued(): i32 {
    recvBegin();
    let m = this.fqNext();
    if (!m) return this.noMessage();
    return this.describe(m);
  }

  // Takes the next message fair-queued across pipes; 0 if none.
  fqNext(): usize {
    let p = this.fq.next();
    if (!p) return 0;
    let m = p.dequeue();
    this.fq.lastPipe = p;
    if (p.inq.count == 0) { this.fq.remove(p); spent = p; }
    return m;
  }

  signalReadable(): void {
    if (!this.readSignalled) {
      this.readSignalled = true;
      emit(EV_READABLE, this.handle, 0, 0);
    }
  }

  // recv() found nothing: the next arrival must signal again.
  noMessage(): i32 {
    this.readSignalled = false;
    return -EAGAIN;
  }

  blocked(): i32 {
    this.wantWritable = true;
    return -EAGAIN;
  }

  signalWritable(): void {
    if (this.wantWritable) {
      this.wantWritable = false;
      emit(EV_WRITABLE, this.handle, 0, 0);
    }
  }

  release(p: Pipe): void {
    let i = this.pipes.indexOf(p);
    if (i >= 0) { this.pipes[i] = this.pipes[this.pipes.length - 1]; this.pipes.pop(); }
    emit(EV_PIPE_RELEASED, p.handle, 0, 0);
    p.freeBuffers();
    pipes.remove(p.handle);
    this.lingerCheck();
  }

  // Every socket timer due at `now`, once each, in kind order.
  tick(now: f64): void {
    for (let k = 0; k < SOCKET_TIMERS; k++) {
      if (!this.timers.take(k, now)) continue;
      if (k == ST_LINGER) this.lingerOver();
      else if (k == ST_COOKIE_KEY) { let sec = this.sec; if (sec) sec.ageCookieKeys(this.timers, now); }
      else this.onTimer(k, now);
    }
  }

  // ---- linger ----

  // Messages still queued in the socket's pipes (what linger waits for).
  queued(): i32 {
    let n = 0;
    let a = this.pipes;
    for (let i = 0; i < a.length; i++) n += a[i].outMsgs + a[i].pendingMsgs;
    return n;
  }

  // The application closed the socket: whatever is queued may still leave
  // for up to `ms` (Infinity, or -1: until it has; 0: not at all). True if
  // there is something to wait for; EV_LINGER_OVER says when it is over.
  linger(ms: f64, now: f64): bool {
    if (ms == 0 || this.queued() == 0) return false;
    this.lingering = true;
    if (ms > 0 && ms != Infinity) this.timers.set(ST_LINGER, now + ms);
    return true;
  }

  // A pipe's output was taken or a pipe went away: done lingering if nothing is left.
  lingerCheck(): void {
    if (this.lingering && this.queued() == 0) this.lingerOver();
  }

  private lingerOver(): void {
    if (!this.lingering) return;
    this.lingering = false;
    this.timers.clear(ST_LINGER);
    emit(EV_LINGER_OVER, this.handle, 0, 0);
  }

  deadline(): f64 { return this.timers.next(); }

  close(now: f64): void {
    let list = this.pipes.slice(0);
    for (let i = 0; i < list.length; i++) {
      let p = list[i];
      p.destroy(now);
      if (!p.released) { p.released = true; this.release(p); }
    }
    recvBegin();
    this.dispose();
  }
}
