// DEALER (RFC 28): load-balances out, fair-queues in, no envelope handling.
import { Socket } from "../../socket";
import { DEALER } from "../wire";

export class Dealer extends Socket {
  constructor(type: i32 = DEALER) {
    super(type);
    this.balances = true;
  }
  framesRead(): u32 { return 0; }
  send(src: usize, nframes: u32, now: f64): i32 { return this.sendToOne(src, nframes); }
  recv(now: f64): i32 { return this.recvQueued(); }
}
