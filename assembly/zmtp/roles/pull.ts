// PULL (RFC 30): fair-queues messages from PUSH peers; cannot send.
import { Socket } from "../../socket";
import { PULL } from "../wire";

export class Pull extends Socket {
  constructor() { super(PULL); }
  recv(now: f64): i32 { return this.recvQueued(); }
}
