// PUB0 (nng pubsub0/pub): every message to every subscriber, dropped for a
// subscriber whose queue is full; never blocks. Filtering happens in the
// SUB; a peer that sends a PUB anything is disconnected (as nng does).
import { SpSocket } from "../socket";
import { SpPipe } from "../pipe";
import { Pipe } from "../../pipe";
import { msgFree } from "../../msg";
import { emit, EV_PIPE_DROPPED } from "../../events";
import { callNow } from "../../clock";
import { R_SP_UNEXPECTED } from "../../errors";
import { PUB0, PROTO_PUB0, PROTO_SUB0 } from "../wire";

export class Pub0 extends SpSocket {
  constructor() { super(PUB0, PROTO_PUB0, PROTO_SUB0); }
  attachesEarly(): bool { return false; }
  canSend(): bool { return true; }
  send(src: usize, nframes: u32): i32 {
    let a = this.attached;
    for (let i = 0, n = a.length; i < n; i++) {
      let p = a[i];
      if (p.full) { emit(EV_PIPE_DROPPED, p.handle, 1, 0); continue; }
      (<SpPipe>p).writeMessage(0, 0, src, nframes);
    }
    return 0;
  }
  deliver(p: Pipe, m: usize): void {
    msgFree(m);
    p.fail(R_SP_UNEXPECTED, callNow);
  }
}
