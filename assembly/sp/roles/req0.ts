// REQ0 (nng reqrep0/req): each request carries an id (high bit set, random
// start, then +1) and goes to one peer (load-balanced); only the reply with
// that id is kept, anything else is dropped. The request is resent every
// resendInterval and at once when the peer holding it goes away. A new
// request abandons the previous one. Receiving with no request out is
// ESTATE. Raw: no state, headers exposed ([request id, body]).
import { SpSocket, recvBody, recvSplit, payload, payloadLen } from "../socket";
import { Pipe } from "../../pipe";
import { recvBegin, FRAMES_ALL } from "../../socket";
import { Bytes, loadU32BE } from "../../bytes";
import { msgFree } from "../../msg";
import { ST_RESEND } from "../../timers";
import { nextU32 } from "../../random";
import { R_SP_MALFORMED, ESTATE } from "../../errors";
import { REQ0, PROTO_REQ0, PROTO_REP0, SP_ID_FLAG } from "../wire";

// XREQ0 (raw): no state; [request id, body] exposed, sends load-balanced.
export class XReq0 extends SpSocket {
  constructor() {
    super(REQ0, PROTO_REQ0, PROTO_REP0);
    this.balances = true;
  }
  headerLen(): u32 { return 4; }
  send(src: usize, nframes: u32, now: f64): i32 { return this.sendToOne(src, nframes); }
  deliver(p: Pipe, m: usize, now: f64): void {
    if (payloadLen(m) < 4) { msgFree(m); p.fail(R_SP_MALFORMED, now); return; }
    this.queueIn(p, m);
  }
  recv(now: f64): i32 { return this.recvQueued(); }
}

export class Req0 extends XReq0 {
  nextId: u32 = nextU32();
  // The request in flight: its whole payload (id + body), kept for resending.
  request: Bytes = new Bytes();
  requestId: u32 = 0;
  outstanding: bool = false;
  holder: Pipe | null = null;
  reply: usize = 0;

  rawVariant(): SpSocket | null { return new XReq0(); }

  xattach(p: Pipe): void {
    // A request with nowhere to go leaves as soon as a peer arrives.
    if (this.outstanding && !this.holder) this.resendNow();
  }
  xdetach(p: Pipe): void {
    if (this.outstanding && this.holder === p) {
      this.holder = null;
      this.resendNow();
    }
  }
  // The request is kept whole, to be resent.
  framesRead(): u32 { return FRAMES_ALL; }
  dispose(): void {
    this.request.free();
    if (this.reply) { msgFree(this.reply); this.reply = 0; }
    super.dispose();
  }
  hasIn(): bool { return this.reply != 0; }

  send(src: usize, nframes: u32, now: f64): i32 {
    let p = this.lb.pick();
    if (!p) return this.blocked();
    if (this.reply) { msgFree(this.reply); this.reply = 0; }
    this.requestId = this.nextId | SP_ID_FLAG;
    this.nextId = (this.nextId + 1) & ~SP_ID_FLAG;
    let r = this.request;
    r.len = 0;
    r.push32BE(this.requestId);
    let q = src;
    for (let i: u32 = 0; i < nframes; i++) {
      let n = load<u32>(q);   // the host keeps REQ frames inline (they may be resent)
      r.append(q + 4, n);
      q += 4 + n;
    }
    this.outstanding = true;
    this.transmit(p, now);
    return 0;
  }

  private transmit(p: Pipe, now: f64): void {
    p.writePayload(this.request.ptr, this.request.len);
    this.holder = p;
    this.scheduleResend(now);
  }

  private scheduleResend(now: f64): void {
    let ivl = this.opts.resendIvl;
    if (ivl > 0) this.timers.set(ST_RESEND, now + ivl);
    else this.timers.clear(ST_RESEND);
  }

  // The holder went away (or never was): resend on the next tick (a
  // deadline in the past is due at once).
  private resendNow(): void { this.timers.set(ST_RESEND, 0); }

  onTimer(kind: i32, now: f64): void {
    if (kind != ST_RESEND || !this.outstanding) return;
    let p = this.lb.pick();
    if (p) { this.transmit(p, now); return; }
    // No peer with room: xattach resends when one arrives; else the next interval.
    this.holder = null;
    this.scheduleResend(now);
  }

  deliver(p: Pipe, m: usize, now: f64): void {
    if (payloadLen(m) < 4) { msgFree(m); p.fail(R_SP_MALFORMED, now); return; }
    if (!this.outstanding || loadU32BE(payload(m)) != this.requestId) { msgFree(m); return; }
    this.outstanding = false;
    this.holder = null;
    this.timers.clear(ST_RESEND);
    this.reply = m;
    this.signalReadable();
  }

  recv(now: f64): i32 {
    recvBegin();
    let m = this.reply;
    if (m) { this.reply = 0; return recvBody(m, 4); }
    if (this.outstanding) return this.noMessage();
    return -ESTATE;
  }
}

