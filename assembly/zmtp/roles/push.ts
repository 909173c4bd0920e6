// PUSH (RFC 30): load-balances messages to PULL peers; blocks when every
// pipe is at its high-water mark; ignores anything received.
import { Socket } from "../../socket";
import { Pipe } from "../../pipe";
import { msgFree } from "../../msg";
import { PUSH } from "../wire";

export class Push extends Socket {
  constructor() {
    super(PUSH);
    this.balances = true;
  }
  framesRead(): u32 { return 0; }
  send(src: usize, nframes: u32, now: f64): i32 { return this.sendToOne(src, nframes); }
  deliver(p: Pipe, m: usize, now: f64): void { msgFree(m); }
}
