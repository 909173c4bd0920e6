// Multipart message records and FIFO queues of them.
//
// A message is one heap block; frames follow the header back to back, each
// prefixed by its length. The same frame layout is what the host writes into
// the input region for a send, so encoders read both alike.
//
//   0        4         8        12       16       20       24
//   +--------+---------+--------+--------+--------+--------+---------------------------+
//   | next   | nframes | used   | cap    | ext    | charged| len u32 | bytes | ...      |
//   +--------+---------+--------+--------+--------+--------+---------------------------+
//
// A frame whose body stays in the host (external.ts) takes 8 bytes:
// [EXTERNAL | len u32][id u32]. `ext` counts such frames, so freeing a
// message that has none costs nothing extra; `charged` is what the message
// counts against the receive budgets (budget.ts), given back when it goes.
import { rawAlloc, rawRealloc, rawFree } from "./alloc";
import { EXTERNAL, extUnref } from "./external";
import { uncharge } from "./budget";

export const MSG_HEADER: u32 = 24;

@inline export function msgNext(m: usize): usize { return <usize>load<u32>(m); }
@inline export function msgSetNext(m: usize, n: usize): void { store<u32>(m, <u32>n); }
@inline export function msgFrames(m: usize): u32 { return load<u32>(m, 4); }
@inline export function msgUsed(m: usize): u32 { return load<u32>(m, 8); }
@inline export function msgData(m: usize): usize { return m + MSG_HEADER; }
@inline export function msgExt(m: usize): u32 { return load<u32>(m, 16); }
@inline export function msgCharged(m: usize): f64 { return <f64>load<u32>(m, 20); }

// A frame slot at f: its body length, whether it is external, its size in the record.
@inline export function frameLen(f: usize): u32 { return load<u32>(f) & ~EXTERNAL; }
@inline export function frameIsExternal(f: usize): bool { return (load<u32>(f) & EXTERNAL) != 0; }
@inline export function frameSlot(f: usize): usize {
  let n = load<u32>(f);
  return (n & EXTERNAL) ? 8 : 4 + <usize>n;
}

export function msgNew(cap: u32): usize {
  let m = rawAlloc(MSG_HEADER + cap);
  store<u32>(m, 0);
  store<u32>(m, 0, 4);
  store<u32>(m, 0, 8);
  store<u32>(m, cap, 12);
  store<u32>(m, 0, 16);
  store<u32>(m, 0, 20);
  return m;
}

// Ensures `extra` free bytes after `used`; may move the block.
export function msgReserve(m: usize, extra: u32): usize {
  let used = load<u32>(m, 8);
  let cap = load<u32>(m, 12);
  let need = used + extra;
  if (need <= cap) return m;
  let ncap = cap < 64 ? <u32>64 : cap;
  while (ncap < need) ncap = ncap < 0x40000000 ? ncap << 1 : need;
  m = rawRealloc(m, MSG_HEADER + ncap);
  store<u32>(m, ncap, 12);
  return m;
}

// Records that m counts `n` more bytes against the receive budget.
@inline export function msgCharge(m: usize, n: u32): void { store<u32>(m, load<u32>(m, 20) + n, 20); }
@inline export function msgCountExternal(m: usize): void { store<u32>(m, load<u32>(m, 16) + 1, 16); }

export function msgFree(m: usize): void {
  if (load<u32>(m, 16)) {
    // Drop the host's bodies this message referenced.
    let k = msgFrames(m);
    let f = msgData(m);
    for (let i: u32 = 0; i < k; i++) {
      if (frameIsExternal(f)) extUnref(load<u32>(f, 4));
      f += frameSlot(f);
    }
  }
  let c = load<u32>(m, 20);
  if (c) uncharge(<f64>c);
  rawFree(m);
}

// Appends a whole frame (copying it); returns the (possibly moved) message.
export function msgAppendFrame(m: usize, src: usize, n: u32): usize {
  m = msgReserve(m, 4 + n);
  let used = load<u32>(m, 8);
  let at = m + MSG_HEADER + used;
  store<u32>(at, n);
  if (n) memory.copy(at + 4, src, n);
  store<u32>(m, used + 4 + n, 8);
  store<u32>(m, load<u32>(m, 4) + 1, 4);
  return m;
}

// FIFO of messages linked through `next`; `bytes` is what they are charged.
export class MsgQueue {
  head: usize = 0;
  tail: usize = 0;
  count: i32 = 0;
  bytes: f64 = 0;

  push(m: usize): void {
    msgSetNext(m, 0);
    if (this.tail) msgSetNext(this.tail, m); else this.head = m;
    this.tail = m;
    this.count++;
    this.bytes += msgCharged(m);
  }
  pop(): usize {
    let m = this.head;
    if (!m) return 0;
    this.head = msgNext(m);
    if (!this.head) this.tail = 0;
    this.count--;
    this.bytes -= msgCharged(m);
    return m;
  }
  // Frees every message (conflate keeps only the newest, so it clears first).
  clear(): void {
    let m = this.head;
    while (m) { let n = msgNext(m); msgFree(m); m = n; }
    this.head = 0; this.tail = 0; this.count = 0; this.bytes = 0;
  }
}
