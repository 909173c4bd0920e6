// REP (RFC 28): receives a request, strips its envelope (every frame up to
// and including the first empty one) and puts the same envelope in front of
// the reply, sent back to the pipe the request came from. A request without
// a delimiter is dropped. Replies to a vanished or full peer are dropped.
import { Socket, recvBegin, recvMessage } from "../../socket";
import { Pipe } from "../../pipe";
import { Bytes } from "../../bytes";
import { msgFree, msgFrames, msgData, frameIsExternal, frameSlot } from "../../msg";
import { REP } from "../wire";
import { EFSM } from "../../errors";

export class Rep extends Socket {
  mustReply: bool = false;
  envelope: Bytes = new Bytes();
  envelopeFrames: u32 = 0;
  replyPipe: Pipe | null = null;

  constructor() { super(REP); }
  canSend(): bool { return this.mustReply; }
  framesRead(): u32 { return 0; }
  xdetach(p: Pipe): void { if (this.replyPipe === p) this.replyPipe = null; }
  dispose(): void { this.envelope.free(); super.dispose(); }

  recv(now: f64): i32 {
    recvBegin();
    if (this.mustReply) return -EFSM;
    while (true) {
      let m = this.fqNext();
      if (!m) return this.noMessage();
      let k = msgFrames(m);
      let f = msgData(m);
      let split: u32 = 0;
      let found = false;
      let external = false;
      for (let i: u32 = 0; i < k; i++) {
        let n = load<u32>(f);
        if (frameIsExternal(f)) external = true;
        f += frameSlot(f);
        if (n == 0) { split = i + 1; found = true; break; }
      }
      // No delimiter, or a 32 KiB+ frame in the envelope (no routing id is
      // that long, and the envelope is kept to prefix the reply): dropped.
      if (!found || external) { msgFree(m); continue; }
      this.envelope.len = 0;
      this.envelope.append(msgData(m), <u32>(f - msgData(m)));
      this.envelopeFrames = split;
      this.replyPipe = this.fq.lastPipe;
      this.mustReply = true;
      return recvMessage(m, split);
    }
  }

  send(src: usize, nframes: u32, now: f64): i32 {
    if (!this.mustReply) return -EFSM;
    this.mustReply = false;
    let p = this.replyPipe;
    this.replyPipe = null;
    if (!p || !p.attached || p.full) return 0;
    p.writeFrames(this.envelope.ptr, this.envelopeFrames, true);
    p.writeFrames(src, nframes, false);
    p.endMessage();
    return 0;
  }
}
