// PAIR0 (nanomsg/nng pair v0): one peer, no header; a second peer is refused.
import { SpSocket, recvBody, recvSplit } from "../socket";
import { Pipe } from "../../pipe";
import { recvBegin } from "../../socket";
import { R_PEER_LIMIT } from "../../errors";
import { PAIR0, PROTO_PAIR0 } from "../wire";

export class Pair0 extends SpSocket {
  peer: Pipe | null = null;
  constructor(type: i32 = PAIR0, proto: u32 = PROTO_PAIR0) { super(type, proto, proto); }
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
    p.writeMessage(0, 0, src, nframes);
    return 0;
  }
  recv(now: f64): i32 {
    recvBegin();
    let m = this.fqNext();
    if (!m) return this.noMessage();
    return this.raw ? recvSplit(m, 0) : recvBody(m, 0);
  }
}
