// PAIR0 (nanomsg/nng pair v0): one peer, no header; a second peer is refused.
import { SpSocket } from "../socket";
import { PAIR0, PROTO_PAIR0 } from "../wire";

export class Pair0 extends SpSocket {
  constructor(type: i32 = PAIR0, proto: u32 = PROTO_PAIR0) {
    super(type, proto, proto);
    this.exclusive = true;
  }
  send(src: usize, nframes: u32, now: f64): i32 { return this.sendToOne(src, nframes); }
  recv(now: f64): i32 { return this.recvQueued(); }
}
