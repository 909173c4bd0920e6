// PAIR (RFC 31): exactly one peer; a second one is refused.
import { Socket } from "../../socket";
import { PAIR } from "../wire";

export class Pair extends Socket {
  constructor() {
    super(PAIR);
    this.exclusive = true;
  }
  framesRead(): u32 { return 0; }
  send(src: usize, nframes: u32, now: f64): i32 { return this.sendToOne(src, nframes); }
  recv(now: f64): i32 { return this.recvQueued(); }
}
