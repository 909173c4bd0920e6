// PUSH0 (nng pipeline0/push): load-balances messages to PULL peers,
// priorities first; waits when every peer is full; discards anything received.
import { SpSocket } from "../socket";
import { Pipe } from "../../pipe";
import { LoadBalancer } from "../../lb";
import { msgFree } from "../../msg";
import { PUSH0, PROTO_PUSH0, PROTO_PULL0 } from "../wire";

export class Push0 extends SpSocket {
  lb: LoadBalancer = new LoadBalancer();
  constructor() { super(PUSH0, PROTO_PUSH0, PROTO_PULL0); }
  xattach(p: Pipe): void { this.lb.add(p); }
  xdetach(p: Pipe): void { this.lb.remove(p); }
  canSend(): bool { return this.lb.hasRoom(); }
  send(src: usize, nframes: u32, now: f64): i32 {
    let p = this.lb.pick();
    if (!p) return this.blocked();
    p.writeMessage(0, 0, src, nframes);
    return 0;
  }
  deliver(p: Pipe, m: usize, now: f64): void { msgFree(m); }
}
