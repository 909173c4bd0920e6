// PUSH (RFC 30): load-balances messages to PULL peers; blocks when every
// pipe is at its high-water mark; ignores anything received.
import { Socket } from "../../socket";
import { Pipe } from "../../pipe";
import { LoadBalancer } from "../../lb";
import { msgFree } from "../../msg";
import { PUSH } from "../wire";

export class Push extends Socket {
  lb: LoadBalancer = new LoadBalancer();
  constructor() { super(PUSH); }
  xattach(p: Pipe): void { this.lb.add(p); }
  xdetach(p: Pipe): void { this.lb.remove(p); }
  canSend(): bool { return this.lb.hasRoom(); }
  send(src: usize, nframes: u32, now: f64): i32 {
    let p = this.lb.pick();
    if (!p) return this.blocked();
    p.writeFrames(src, nframes, false);
    p.endMessage();
    return 0;
  }
  deliver(p: Pipe, m: usize, now: f64): void { msgFree(m); }
}
