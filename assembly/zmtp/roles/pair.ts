// PAIR (RFC 31): exactly one peer; a second one is refused.
import { Socket, recvBegin, recvMessage } from "../../socket";
import { Pipe } from "../../pipe";
import { PAIR } from "../wire";
import { R_PEER_LIMIT } from "../../errors";

export class Pair extends Socket {
  peer: Pipe | null = null;
  constructor() { super(PAIR); }
  xattach(p: Pipe): void { if (!this.peer) this.peer = p; }
  xdetach(p: Pipe): void { if (this.peer === p) this.peer = null; }
  pipeReady(p: Pipe, now: f64): bool {
    let cur = this.peer;
    if (cur && cur !== p) { p.reason = R_PEER_LIMIT; return false; }
    return true;
  }
  canSend(): bool { let p = this.peer; return p !== null && !p.full; }
  send(src: usize, nframes: u32, now: f64): i32 {
    let p = this.peer;
    if (!p || p.full) return this.blocked();
    p.writeFrames(src, nframes, false);
    p.endMessage();
    return 0;
  }
  recv(now: f64): i32 {
    recvBegin();
    let m = this.fqNext();
    if (!m) return this.noMessage();
    return recvMessage(m, 0);
  }
}
