// PUSH0 (nng pipeline0/push): load-balances messages to PULL peers,
// priorities first; waits when every peer is full; discards anything received.
import { SpSocket } from "../socket";
import { Pipe } from "../../pipe";
import { msgFree } from "../../msg";
import { PUSH0, PROTO_PUSH0, PROTO_PULL0 } from "../wire";

export class Push0 extends SpSocket {
  constructor() {
    super(PUSH0, PROTO_PUSH0, PROTO_PULL0);
    this.balances = true;
  }
  send(src: usize, nframes: u32, now: f64): i32 { return this.sendToOne(src, nframes); }
  deliver(p: Pipe, m: usize, now: f64): void { msgFree(m); }
}
