// The answering side of REQ/REP and SURVEYOR/RESPONDENT (nng xrep/rep,
// xrespondent/respondent): a request's header is its backtrace, 32-bit words
// up to and including the first with the high bit set. The cooked socket
// keeps the backtrace and the pipe, hands up the body, and puts the same
// backtrace in front of the reply. A backtrace with no end closes the pipe
// (as nng); more hops than maxTtl drops the message. Raw sockets expose
// [pipe id + backtrace, body] and route a sent message by its first word.
import { SpSocket, recvBody, recvPayload, payload, payloadLen } from "../socket";
import { Pipe } from "../../pipe";
import { recvBegin, recvFrame, recvHold } from "../../socket";
import { Bytes, loadU32BE, storeU32BE } from "../../bytes";
import { msgFree } from "../../msg";
import { R_SP_MALFORMED, ESTATE, EINVAL } from "../../errors";
import { SP_ID_FLAG } from "../wire";

const rawHeader = new Bytes();

// Length of m's backtrace in bytes; 0 = no terminating word; -1 = over
// maxTtl. As nng, a word beyond maxTtl hops drops the message whether or not
// it ends the backtrace, so at most (maxTtl + 1) words are ever read (and a
// large payload's head in linear memory, SP_HEAD_BYTES, always holds them).
function backtraceLength(m: usize, maxTtl: i32): i32 {
  let base = payload(m);
  let n = payloadLen(m);
  let off: u32 = 0;
  let hops = 0;
  while (off + 4 <= n) {
    if (hops >= maxTtl) return -1;
    let w = loadU32BE(base + off);
    off += 4;
    hops++;
    if (w & SP_ID_FLAG) return <i32>off;
  }
  return 0;
}

// The raw socket (nng xrep, xrespondent): [pipe id + backtrace, body] are
// exposed; a send is routed by its first word to that pipe.
export class XResponder extends SpSocket {
  canSend(): bool { return true; }

  deliver(p: Pipe, m: usize, now: f64): void {
    let len = backtraceLength(m, this.opts.maxTtl);
    if (len == 0) { msgFree(m); p.fail(R_SP_MALFORMED, now); return; }
    if (len < 0) { msgFree(m); return; }
    this.queueIn(p, m);
  }

  recv(now: f64): i32 {
    recvBegin();
    let m = this.fqNext();
    if (!m) return this.noMessage();
    let p = this.fq.lastPipe!;
    let len = <u32>backtraceLength(m, this.opts.maxTtl);
    rawHeader.len = 0;
    rawHeader.reserve(4 + len);
    storeU32BE(rawHeader.ptr, p.rawId);
    rawHeader.len = 4;
    rawHeader.append(payload(m), len);
    recvFrame(rawHeader.ptr, rawHeader.len);
    recvPayload(m, len);
    recvHold(m);
    return 2;
  }

  send(src: usize, nframes: u32, now: f64): i32 {
    if (nframes == 0 || load<u32>(src) < 4 || (load<u32>(src) & 0x80000000)) return -EINVAL;
    let id = loadU32BE(src + 4);
    let a = this.attached;
    for (let i = 0; i < a.length; i++) {
      let p = a[i];
      if (p.rawId != id) continue;
      if (!p.full) p.writeMessage(0, 0, src, nframes, 4);
      break;
    }
    return 0; // unroutable or full: dropped, never back-pressure (SP)
  }
}

// The cooked socket keeps the backtrace and the pipe of the request it
// handed up, and puts that backtrace in front of the reply.
export class Responder extends XResponder {
  awaitingReply: bool = false;
  backtrace: Bytes = new Bytes();
  replyPipe: Pipe | null = null;

  xdetach(p: Pipe): void {
    if (this.replyPipe === p) this.replyPipe = null;
  }
  canSend(): bool { return this.awaitingReply; }
  dispose(): void { this.backtrace.free(); super.dispose(); }

  recv(now: f64): i32 {
    recvBegin();
    let m = this.fqNext();
    if (!m) return this.noMessage();
    let len = <u32>backtraceLength(m, this.opts.maxTtl);
    // A new request replaces one never answered (as nng's cooked REP).
    this.backtrace.len = 0;
    this.backtrace.append(payload(m), len);
    this.replyPipe = this.fq.lastPipe;
    this.awaitingReply = true;
    return recvBody(m, len);
  }

  send(src: usize, nframes: u32, now: f64): i32 {
    if (!this.awaitingReply) return -ESTATE;
    this.awaitingReply = false;
    let p = this.replyPipe;
    this.replyPipe = null;
    if (!p || !p.active || p.full) return 0;
    p.writeMessage(this.backtrace.ptr, this.backtrace.len, src, nframes);
    return 0;
  }
}
