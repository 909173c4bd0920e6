// External frames: large frame bodies that stay in the host's memory.
//
// For a frame above the host's threshold, the input region carries
// [EXTERNAL | len u32][id u32] instead of the bytes. A pipe writes the frame
// header into its output and records where the body goes (a splice: offset
// in the output, id); the host writes its own buffer there, so a 64 KiB
// message is never copied through linear memory, and a fan-out writes the
// same buffer to every subscriber. The core counts references per id and
// tells the host (EV_EXT_FREE) when no pipe needs a body any more.
//
// Received frames work the same way in reverse (zero-copy receive): when a
// large frame's header arrives, the core gives the body an id of its own
// (RECEIVED_ID set, so it never meets a host-made id), stops parsing, and
// the host gathers the body's bytes straight from its transport chunks into
// its own buffer under that id. The message record holds one reference; the
// host hands the buffer to the application on receive, or drops it on
// EV_EXT_FREE if the message is discarded. Large bodies therefore never
// enter linear memory in either direction.
import { Bytes } from "./bytes";
import { emit, EV_EXT_FREE } from "./events";

export const EXTERNAL: u32 = 0x80000000;
export const SPLICE_SIZE: u32 = 12; // [offset u32][id u32][len u32]
// Ids the core makes for received bodies; the host's own stay below.
export const RECEIVED_ID: u32 = 0x40000000;
// Frames at least this large are received into the host's memory (the
// host's EXTERNAL_MIN for sends is the same figure).
export const RECEIVE_EXTERNAL_MIN: u32 = 32 * 1024;

const refs = new Map<u32, i32>();
let nextReceived: u32 = 0;

// An id for a body about to be received, held once (by its message).
export function extNewReceived(): u32 {
  let id: u32;
  do {
    nextReceived = (nextReceived + 1) & (RECEIVED_ID - 1);
    id = RECEIVED_ID | nextReceived;
  } while (refs.has(id));
  refs.set(id, 1);
  return id;
}

export function extRef(id: u32): void {
  refs.set(id, refs.has(id) ? refs.get(id) + 1 : 1);
}

export function extUnref(id: u32): void {
  if (!refs.has(id)) return;
  let n = refs.get(id) - 1;
  if (n > 0) { refs.set(id, n); return; }
  refs.delete(id);
  emit(EV_EXT_FREE, <i32>id, 0, 0);
}

// A send that referenced `id` nowhere (dropped, or refused) frees it at once.
export function extSettle(id: u32): void {
  if (!refs.has(id)) emit(EV_EXT_FREE, <i32>id, 0, 0);
}

export function addSplice(list: Bytes, offset: u32, id: u32, len: u32): void {
  list.push32(offset);
  list.push32(id);
  list.push32(len);
  extRef(id);
}

// Drops every splice of a list (output discarded or consumed).
export function releaseSplices(list: Bytes): void {
  let p = list.ptr, end = list.ptr + list.len;
  while (p < end) { extUnref(load<u32>(p, 4)); p += SPLICE_SIZE; }
  list.len = 0;
}

// Moves splices from `from` to `to`, shifting their offsets by `shift`.
export function moveSplices(from: Bytes, to: Bytes, shift: u32): void {
  let p = from.ptr, end = from.ptr + from.len;
  while (p < end) {
    to.push32(load<u32>(p) + shift);
    to.push32(load<u32>(p, 4));
    to.push32(load<u32>(p, 8));
    p += SPLICE_SIZE;
  }
  from.len = 0;
}

// Settles every external frame of a send's input (after the role ran).
export function settleInput(src: usize, nframes: u32): void {
  let p = src;
  for (let i: u32 = 0; i < nframes; i++) {
    let n = load<u32>(p);
    if (n & EXTERNAL) { extSettle(load<u32>(p, 4)); p += 8; }
    else p += 4 + n;
  }
}
