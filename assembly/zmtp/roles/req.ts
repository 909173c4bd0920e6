// REQ (RFC 28): strict send/receive alternation. Each request goes to one
// peer (load-balanced) behind an empty delimiter frame; only a reply from
// that peer, carrying the delimiter (and the request id under `correlate`),
// is accepted; anything else is dropped silently, as libzmq does.
// `relaxed` allows a new request before the reply, abandoning the old one.
import { Socket, recvBegin, recvMessage } from "../../socket";
import { Pipe } from "../../pipe";
import { msgFree, msgFrames, msgData } from "../../msg";
import { REQ } from "../wire";
import { EFSM } from "../../errors";
import { nextU32 } from "../../random";

const requestId = memory.data(4);

export class Req extends Socket {
  awaitingReply: bool = false;
  replyPipe: Pipe | null = null;
  reply: usize = 0;
  replySkip: u32 = 0;
  reqId: u32 = nextU32();

  constructor() {
    super(REQ);
    this.balances = true;
  }
  hasIn(): bool { return this.reply != 0; }
  dispose(): void {
    if (this.reply) { msgFree(this.reply); this.reply = 0; }
    super.dispose();
  }
  framesRead(): u32 { return 0; }
  canSend(): bool { return (!this.awaitingReply || this.opts.reqRelaxed) && this.lb.hasRoom(); }

  send(src: usize, nframes: u32, now: f64): i32 {
    if (this.awaitingReply && !this.opts.reqRelaxed) return -EFSM;
    let p = this.lb.pick();
    if (!p) return this.blocked();
    if (this.reply) { msgFree(this.reply); this.reply = 0; }
    if (this.opts.reqCorrelate) {
      this.reqId++;
      // libzmq writes the id in host (little-endian) order.
      store<u32>(requestId, this.reqId);
      p.writeFrame(requestId, 4, true);
    }
    p.writeFrame(0, 0, true);
    p.writeFrames(src, nframes, false);
    p.endMessage();
    this.awaitingReply = true;
    this.replyPipe = p;
    return 0;
  }

  deliver(p: Pipe, m: usize, now: f64): void {
    if (!this.awaitingReply || this.replyPipe !== p || this.reply) { msgFree(m); return; }
    let k = msgFrames(m);
    let f = msgData(m);
    let skip: u32 = 1;
    if (this.opts.reqCorrelate) {
      if (k < 2 || load<u32>(f) != 4 || load<u32>(f + 4) != this.reqId) { msgFree(m); return; }
      f += 8;
      skip = 2;
    } else if (k < 1) { msgFree(m); return; }
    if (load<u32>(f) != 0) { msgFree(m); return; }
    this.reply = m;
    this.replySkip = skip;
    this.signalReadable();
  }

  recv(now: f64): i32 {
    recvBegin();
    if (!this.awaitingReply) return -EFSM;
    let m = this.reply;
    if (!m) return this.noMessage();
    this.reply = 0;
    this.awaitingReply = false;
    this.replyPipe = null;
    return recvMessage(m, this.replySkip);
  }

}
