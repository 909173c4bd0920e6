// PUB0 (nng pubsub0/pub): every message to every subscriber, dropped for a
// subscriber whose queue is full; never blocks. Filtering happens in the
// SUB; a peer that sends a PUB anything is disconnected (as nng does).
import { SpSocket } from "../socket";
import { Pipe } from "../../pipe";
import { msgFree } from "../../msg";
import { distribute } from "../../fanout";
import { R_SP_UNEXPECTED } from "../../errors";
import { PUB0, PROTO_PUB0, PROTO_SUB0 } from "../wire";

export class Pub0 extends SpSocket {
  constructor() { super(PUB0, PROTO_PUB0, PROTO_SUB0); }
  attachesEarly(): bool { return false; }
  canSend(): bool { return true; }
  send(src: usize, nframes: u32, now: f64): i32 {
    distribute(this, src, nframes);
    return 0;
  }
  deliver(p: Pipe, m: usize, now: f64): void {
    msgFree(m);
    p.fail(R_SP_UNEXPECTED, now);
  }
}
