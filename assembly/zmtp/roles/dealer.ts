// DEALER (RFC 28): load-balances out, fair-queues in, no envelope handling.
import { Socket, recvBegin, recvMessage } from "../../socket";
import { Pipe } from "../../pipe";
import { LoadBalancer } from "../../lb";
import { DEALER } from "../wire";

export class Dealer extends Socket {
  lb: LoadBalancer = new LoadBalancer();
  constructor(type: i32 = DEALER) { super(type); }
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
  recv(now: f64): i32 {
    recvBegin();
    let m = this.fqNext();
    if (!m) return this.noMessage();
    return recvMessage(m, 0);
  }
}
