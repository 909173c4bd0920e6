// Multipart message records and FIFO queues of them.
//
// A message is one heap block; frames follow the header back to back, each
// prefixed by its length. The same frame layout is what the host writes into
// the input region for a send, so encoders read both alike.
//
//   0        4         8        12       16
//   +--------+---------+--------+--------+----------------------------------+
//   | next   | nframes | used   | cap    | len u32 | bytes | len u32 | ...  |
//   +--------+---------+--------+--------+----------------------------------+
import { rawAlloc, rawRealloc, rawFree } from "./alloc";

export const MSG_HEADER: u32 = 16;

@inline export function msgNext(m: usize): usize { return <usize>load<u32>(m); }
@inline export function msgSetNext(m: usize, n: usize): void { store<u32>(m, <u32>n); }
@inline export function msgFrames(m: usize): u32 { return load<u32>(m, 4); }
@inline export function msgUsed(m: usize): u32 { return load<u32>(m, 8); }
@inline export function msgData(m: usize): usize { return m + MSG_HEADER; }

export function msgNew(cap: u32): usize {
  let m = rawAlloc(MSG_HEADER + cap);
  store<u32>(m, 0);
  store<u32>(m, 0, 4);
  store<u32>(m, 0, 8);
  store<u32>(m, cap, 12);
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

export function msgFree(m: usize): void { rawFree(m); }

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

// FIFO of messages linked through `next`.
export class MsgQueue {
  head: usize = 0;
  tail: usize = 0;
  count: i32 = 0;

  push(m: usize): void {
    msgSetNext(m, 0);
    if (this.tail) msgSetNext(this.tail, m); else this.head = m;
    this.tail = m;
    this.count++;
  }
  pop(): usize {
    let m = this.head;
    if (!m) return 0;
    this.head = msgNext(m);
    if (!this.head) this.tail = 0;
    this.count--;
    return m;
  }
  // Drops the newest message (conflate keeps only the last one).
  clear(): void {
    let m = this.head;
    while (m) { let n = msgNext(m); msgFree(m); m = n; }
    this.head = 0; this.tail = 0; this.count = 0;
  }
}
