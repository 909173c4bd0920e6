// XPUB (RFC 29): distributes each message to the pipes whose subscriptions
// match its first frame (publisher-side filtering, as libzmq), dropping for
// pipes at their high-water mark; never blocks. Subscriptions arrive as
// SUBSCRIBE/CANCEL commands (3.1) or as messages starting 0x01/0x00 (3.0)
// and are passed up to the application per `verbosity`. PUB is XPUB that
// keeps the subscriptions to itself.
import { Socket, recvBegin, recvMessage } from "../../socket";
import { Pipe, PeerRecord } from "../../pipe";
import { Trie } from "../../trie";
import { Bytes } from "../../bytes";
import { MsgQueue, msgNew, msgFree, msgFrames, msgData, msgAppendFrame } from "../../msg";
import { XPUB } from "../wire";
import { OPT_SUBSCRIBE, OPT_UNSUBSCRIBE } from "../../options";
import { distribute } from "../../fanout";
import { R_SUBSCRIPTION_LIMIT } from "../../errors";

// What one peer may subscribe to: topic bytes held for it and distinct topics.
const SUBSCRIPTION_BYTES_MAX: f64 = 16777216;
const SUBSCRIPTION_TOPICS_MAX: i32 = 1 << 20;

const topics = new Bytes();
const scratch = new Bytes();

// What the XPUB keeps per peer: the topics it subscribed to (a set).
class Subscriber extends PeerRecord {
  subs: Trie = new Trie();
  free(): void { this.subs.free(); }
}

@inline function subsOf(p: Pipe): Trie | null {
  let r = p.peer;
  return r ? (<Subscriber>r).subs : null;
}

export class XPub extends Socket {
  // How many pipes hold each topic (for first-subscriber/last-cancel reporting).
  all: Trie = new Trie();
  upstream: MsgQueue = new MsgQueue();
  lastSubPipe: Pipe | null = null;
  reportsUpstream: bool = true;

  constructor(type: i32 = XPUB) { super(type); }

  xattach(p: Pipe): void {
    if (!p.peer) p.peer = new Subscriber();
  }
  // The first frame may be a 3.0 (un)subscription.
  receivesExternal(i: u32): bool { return i > 0; }
  dispose(): void {
    this.all.free();
    this.upstream.clear();
    super.dispose();
  }
  xdetach(p: Pipe): void {
    if (this.lastSubPipe === p) this.lastSubPipe = null;
  }
  // Connect-made pipes get subscriptions only once connected.
  attachesEarly(): bool { return false; }
  canSend(): bool { return true; }
  hasIn(): bool { return this.upstream.count > 0; }

  send(src: usize, nframes: u32, now: f64): i32 {
    distribute(this, src, nframes);
    return 0;
  }

  // A peer gets the messages whose first frame one of its topics prefixes.
  selects(p: Pipe, src: usize, nframes: u32): bool {
    let t = subsOf(p);
    return t != null && t.match(src + 4, nframes > 0 ? load<u32>(src) : 0);
  }

  // 3.0 peers subscribe with a message; anything else goes up as data.
  deliver(p: Pipe, m: usize, now: f64): void {
    let first = msgData(m);
    let flen = msgFrames(m) > 0 ? load<u32>(first) : 0;
    if (flen > 0) {
      let b = load<u8>(first + 4);
      if (b == 1 || b == 0) {
        this.subscription(p, first + 5, flen - 1, b == 1, now);
        msgFree(m);
        return;
      }
    }
    if (this.reportsUpstream) this.pushUp(m); else msgFree(m);
  }

  subscription(p: Pipe, topic: usize, n: u32, on: bool, now: f64): void {
    let t = subsOf(p);
    if (!t) return;
    let verbosity = this.opts.xpubVerbosity;
    if (this.opts.xpubManual && this.reportsUpstream) {
      this.lastSubPipe = p;
      this.report(on, topic, n);
      return;
    }
    if (on) {
      if (t.bytes + <f64>n > SUBSCRIPTION_BYTES_MAX || t.topics >= SUBSCRIPTION_TOPICS_MAX) {
        p.fail(R_SUBSCRIPTION_LIMIT, now);
        return;
      }
      let newForPipe = t.add(topic, n, false);
      let first = newForPipe && this.all.add(topic, n, true);
      if (first || verbosity >= 1) this.report(true, topic, n);
    } else {
      let goneForPipe = t.remove(topic, n);
      let last = goneForPipe && this.all.remove(topic, n);
      if (last || (verbosity >= 2 && goneForPipe)) this.report(false, topic, n);
    }
  }

  // The pipe's connection ended: its subscriptions go, and topics nobody
  // holds any more are reported as cancelled.
  pipeDown(p: Pipe): void {
    let t = subsOf(p);
    if (!t) return;
    topics.len = 0;
    t.list(topics);
    let q = topics.ptr, end = topics.ptr + topics.len;
    while (q < end) {
      let n = load<u32>(q);
      if (this.all.remove(q + 4, n)) this.report(false, q + 4, n);
      q += 4 + n;
    }
    t.dispose();
  }

  private report(on: bool, topic: usize, n: u32): void {
    if (!this.reportsUpstream) return;
    scratch.len = 0;
    scratch.push8(on ? 1 : 0);
    scratch.append(topic, n);
    this.pushUp(msgAppendFrame(msgNew(n + 5), scratch.ptr, scratch.len));
  }

  private pushUp(m: usize): void {
    this.upstream.push(m);
    this.signalReadable();
  }

  recv(now: f64): i32 {
    recvBegin();
    let m = this.upstream.pop();
    if (!m) return this.noMessage();
    return recvMessage(m, 0);
  }

  // Manual mode: the application decides what the last subscriber gets.
  setBytes(opt: i32, p: usize, n: u32): i32 {
    if (opt == OPT_SUBSCRIBE || opt == OPT_UNSUBSCRIBE) {
      let pipe = this.lastSubPipe;
      let t = pipe ? subsOf(pipe) : null;
      if (!t) return 0;
      if (opt == OPT_SUBSCRIBE) { if (t.add(p, n, false)) this.all.add(p, n, true); }
      else if (t.remove(p, n)) this.all.remove(p, n);
      return 0;
    }
    return super.setBytes(opt, p, n);
  }
}
