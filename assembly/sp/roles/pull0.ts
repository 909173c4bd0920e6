// PULL0 (nng pipeline0/pull): fair-queues messages from PUSH peers; cannot send.
// Raw sockets answer [header, body]; PULL has no header.
import { SpSocket } from "../socket";
import { PULL0, PROTO_PULL0, PROTO_PUSH0 } from "../wire";

export class Pull0 extends SpSocket {
  constructor() { super(PULL0, PROTO_PULL0, PROTO_PUSH0); }
  recv(now: f64): i32 { return this.recvQueued(); }
}
