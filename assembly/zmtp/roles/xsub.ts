// XSUB (RFC 29): fair-queues messages that match its subscriptions and sends
// subscriptions upstream to every publisher: SUBSCRIBE/CANCEL commands to
// 3.1 peers, 0x01/0x00 messages to 3.0 peers, and all of them again on every
// new connection. Subscriptions are counted (two subscribes need two cancels).
// SUB is XSUB with a subscribe option instead of sendable messages.
import { Socket } from "../../socket";
import { Pipe } from "../../pipe";
import { Trie } from "../../trie";
import { Bytes } from "../../bytes";
import { msgFree, msgFrames, msgData } from "../../msg";
import { XSUB } from "../wire";
import { distribute } from "../../fanout";

const topics = new Bytes();

export class XSub extends Socket {
  subs: Trie = new Trie();

  constructor(type: i32 = XSUB) { super(type); }

  canSend(): bool { return true; }
  // The first frame is matched against the subscriptions.
  receivesExternal(i: u32): bool { return i > 0; }
  dispose(): void { this.subs.free(); super.dispose(); }

  pipeActivated(p: Pipe): void {
    topics.len = 0;
    this.subs.list(topics);
    let q = topics.ptr, end = topics.ptr + topics.len;
    while (q < end) {
      let n = load<u32>(q);
      p.writeSubscription(true, q + 4, n);
      q += 4 + n;
    }
  }

  subscribe(on: bool, topic: usize, n: u32): void {
    // Every subscribe goes out; a cancel only when the last count goes.
    if (on) this.subs.add(topic, n, true);
    else if (!this.subs.remove(topic, n)) return;
    let a = this.attached;
    for (let i = 0; i < a.length; i++) a[i].writeSubscription(on, topic, n);
  }

  // Messages starting 0x01/0x00 are (un)subscriptions; others go upstream.
  send(src: usize, nframes: u32, now: f64): i32 {
    let flen = nframes > 0 ? load<u32>(src) : 0;
    if (nframes == 1 && flen > 0) {
      let b = load<u8>(src + 4);
      if (b == 1 || b == 0) { this.subscribe(b == 1, src + 5, flen - 1); return 0; }
    }
    distribute(this, src, nframes);
    return 0;
  }

  // Filter on arrival (libzmq SUB filters on receive as well as the PUB on send).
  deliver(p: Pipe, m: usize, now: f64): void {
    let first = msgData(m);
    let flen = msgFrames(m) > 0 ? load<u32>(first) : 0;
    if (!this.subs.match(first + 4, flen)) { msgFree(m); return; }
    this.queueIn(p, m);
  }

  recv(now: f64): i32 { return this.recvQueued(); }
}
