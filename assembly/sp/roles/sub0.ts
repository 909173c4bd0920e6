// SUB0 (nng pubsub0/sub): keeps the messages whose body starts with one of
// its topics (the empty topic: all). Subscriptions are a local set, never
// on the wire; subscribing twice and unsubscribing once removes the topic.
// A raw SUB keeps everything. Cannot send.
import { SpSocket, payload, payloadLen } from "../socket";
import { Pipe } from "../../pipe";
import { Trie } from "../../trie";
import { msgFree } from "../../msg";
import { OPT_SUBSCRIBE, OPT_UNSUBSCRIBE } from "../../options";
import { SUB0, PROTO_SUB0, PROTO_PUB0 } from "../wire";

// XSUB0 (raw): keeps every message; subscriptions do not apply (as nng).
export class XSub0 extends SpSocket {
  constructor() { super(SUB0, PROTO_SUB0, PROTO_PUB0); }
  recv(now: f64): i32 { return this.recvQueued(); }
}

export class Sub0 extends XSub0 {
  topics: Trie = new Trie();
  rawVariant(): SpSocket | null { return new XSub0(); }
  dispose(): void { this.topics.free(); super.dispose(); }

  deliver(p: Pipe, m: usize, now: f64): void {
    if (!this.topics.match(payload(m), payloadLen(m))) { msgFree(m); return; }
    this.queueIn(p, m);
  }

  setBytes(opt: i32, p: usize, n: u32): i32 {
    if (opt == OPT_SUBSCRIBE) { this.topics.add(p, n, false); return 0; }
    if (opt == OPT_UNSUBSCRIBE) { this.topics.remove(p, n, true); return 0; }
    return super.setBytes(opt, p, n);
  }
}
