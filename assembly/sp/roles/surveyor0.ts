// SURVEYOR0 (nng survey0/survey): a survey (id with the high bit set, random
// start, then +1) goes to every respondent, best effort; answers carrying
// that id are collected until the deadline (surveyTime), later or stale ones
// are dropped. After the deadline a receive fails once with ETIMEDOUT, then
// ESTATE until the next survey.
// XSURVEYOR0 (raw): no state, [survey id, body] exposed; the cooked socket
// is the raw one plus the survey's id and deadline.
import { SpSocket, recvBody, payload, payloadLen } from "../socket";
import { Pipe } from "../../pipe";
import { recvBegin } from "../../socket";
import { storeU32BE, loadU32BE } from "../../bytes";
import { MsgQueue, msgFree } from "../../msg";
import { distribute } from "../../fanout";
import { ST_SURVEY } from "../../timers";
import { nextU32 } from "../../random";
import { ESTATE, ETIMEDOUT } from "../../errors";
import { SURVEYOR0, PROTO_SURVEYOR0, PROTO_RESPONDENT0, SP_ID_FLAG } from "../wire";

const surveyHeader = memory.data(4);

export class XSurveyor0 extends SpSocket {
  constructor() { super(SURVEYOR0, PROTO_SURVEYOR0, PROTO_RESPONDENT0); }
  canSend(): bool { return true; }
  headerLen(): u32 { return 4; }
  send(src: usize, nframes: u32, now: f64): i32 {
    distribute(this, src, nframes);
    return 0;
  }
  deliver(p: Pipe, m: usize, now: f64): void {
    if (payloadLen(m) < 4) { msgFree(m); return; }
    this.queueIn(p, m);
  }
  recv(now: f64): i32 { return this.recvQueued(); }
}

export class Surveyor0 extends XSurveyor0 {
  nextId: u32 = nextU32();
  surveyId: u32 = 0;
  open: bool = false;
  expired: bool = false;
  answers: MsgQueue = new MsgQueue();

  rawVariant(): SpSocket | null { return new XSurveyor0(); }
  dispose(): void { this.answers.clear(); super.dispose(); }
  hasIn(): bool { return this.answers.count > 0; }

  send(src: usize, nframes: u32, now: f64): i32 {
    this.answers.clear();
    this.surveyId = this.nextId | SP_ID_FLAG;
    this.nextId = (this.nextId + 1) & ~SP_ID_FLAG;
    storeU32BE(surveyHeader, this.surveyId);
    this.open = true;
    this.expired = false;
    this.timers.set(ST_SURVEY, now + this.opts.surveyTime);
    distribute(this, src, nframes);
    return 0;
  }

  // Every respondent gets the survey behind its id.
  writeTo(p: Pipe, src: usize, nframes: u32): void { p.writeMessage(surveyHeader, 4, src, nframes); }

  // The survey is over.
  onTimer(kind: i32, now: f64): void {
    if (kind != ST_SURVEY || !this.open) return;
    this.open = false;
    this.expired = true;
    this.answers.clear();
    this.signalReadable(); // a waiting receive learns of the deadline
  }

  deliver(p: Pipe, m: usize, now: f64): void {
    if (payloadLen(m) < 4 || !this.open || loadU32BE(payload(m)) != this.surveyId) { msgFree(m); return; }
    this.answers.push(m);
    this.signalReadable();
  }

  recv(now: f64): i32 {
    recvBegin();
    let m = this.answers.pop();
    if (m) return recvBody(m, 4);
    if (this.open && this.timers.take(ST_SURVEY, now)) this.onTimer(ST_SURVEY, now);
    if (this.open) return this.noMessage();
    if (this.expired) { this.expired = false; this.readSignalled = false; return -ETIMEDOUT; }
    return -ESTATE;
  }
}
