// SURVEYOR0 (nng survey0/survey): a survey (id with the high bit set, random
// start, then +1) goes to every respondent, best effort; answers carrying
// that id are collected until the deadline (surveyTime), later or stale ones
// are dropped. After the deadline a receive fails once with ETIMEDOUT, then
// ESTATE until the next survey. Raw: no state, [survey id, body] exposed.
import { SpSocket, recvBody, recvSplit, payload, payloadLen } from "../socket";
import { SpPipe } from "../pipe";
import { Pipe } from "../../pipe";
import { recvBegin } from "../../socket";
import { storeU32BE, loadU32BE } from "../../bytes";
import { MsgQueue, msgFree } from "../../msg";
import { emit, EV_PIPE_DROPPED } from "../../events";
import { callNow, noteDeadline } from "../../clock";
import { nextU32 } from "../../random";
import { ESTATE, ETIMEDOUT } from "../../errors";
import { SURVEYOR0, PROTO_SURVEYOR0, PROTO_RESPONDENT0, SP_ID_FLAG } from "../wire";

const surveyHeader = memory.data(4);

export class Surveyor0 extends SpSocket {
  nextId: u32 = nextU32();
  surveyId: u32 = 0;
  open: bool = false;
  expired: bool = false;
  deadlineAt: f64 = 0;
  answers: MsgQueue = new MsgQueue();
  dispose(): void { this.answers.clear(); super.dispose(); }

  constructor() { super(SURVEYOR0, PROTO_SURVEYOR0, PROTO_RESPONDENT0); }

  canSend(): bool { return true; }
  hasIn(): bool { return this.raw ? this.fq.active.length > 0 : this.answers.count > 0; }

  send(src: usize, nframes: u32): i32 {
    let hdrLen: u32 = 0;
    if (!this.raw) {
      this.answers.clear();
      this.surveyId = this.nextId | SP_ID_FLAG;
      this.nextId = (this.nextId + 1) & ~SP_ID_FLAG;
      storeU32BE(surveyHeader, this.surveyId);
      hdrLen = 4;
      this.open = true;
      this.expired = false;
      this.deadlineAt = callNow + this.opts.surveyTime;
      noteDeadline(this.deadlineAt);
    }
    let a = this.attached;
    for (let i = 0, n = a.length; i < n; i++) {
      let p = a[i];
      if (p.full) { emit(EV_PIPE_DROPPED, p.handle, 1, 0); continue; }
      (<SpPipe>p).writeMessage(surveyHeader, hdrLen, src, nframes);
    }
    return 0;
  }

  tick(now: f64): void {
    if (!this.open || now < this.deadlineAt) return;
    this.open = false;
    this.expired = true;
    this.answers.clear();
    this.signalReadable(); // a waiting receive learns of the deadline
  }

  deadline(): f64 { return this.open ? this.deadlineAt : Infinity; }

  deliver(p: Pipe, m: usize): void {
    if (payloadLen(m) < 4) { msgFree(m); return; }
    if (this.raw) { this.queueIn(p, m); return; }
    if (!this.open || loadU32BE(payload(m)) != this.surveyId) { msgFree(m); return; }
    this.answers.push(m);
    this.signalReadable();
  }

  recv(): i32 {
    recvBegin();
    if (this.raw) {
      let m = this.fqNext();
      if (!m) return this.noMessage();
      return recvSplit(m, 4);
    }
    let m = this.answers.pop();
    if (m) return recvBody(m, 4);
    if (this.open && callNow >= this.deadlineAt) this.tick(callNow);
    if (this.open) return this.noMessage();
    if (this.expired) { this.expired = false; this.readSignalled = false; return -ETIMEDOUT; }
    return -ESTATE;
  }
}

