// PULL0 (nng pipeline0/pull): fair-queues messages from PUSH peers; cannot send.
import { SpSocket, recvBody, recvSplit } from "../socket";
import { recvBegin } from "../../socket";
import { PULL0, PROTO_PULL0, PROTO_PUSH0 } from "../wire";

export class Pull0 extends SpSocket {
  constructor() { super(PULL0, PROTO_PULL0, PROTO_PUSH0); }
  recv(now: f64): i32 {
    recvBegin();
    let m = this.fqNext();
    if (!m) return this.noMessage();
    // Raw sockets answer [header, body]; PULL has no header.
    return this.raw ? recvSplit(m, 0) : recvBody(m, 0);
  }
}
