// External frames: large frame bodies that stay in the host's memory.
//
// For a frame above the host's threshold, the input region carries
// [EXTERNAL | len u32][id u32] instead of the bytes. A pipe writes the frame
// header into its output and records where the body goes (a splice: offset
// in the output, id); the host writes its own buffer there, so a 64 KiB
// message is never copied through linear memory, and a fan-out writes the
// same buffer to every subscriber. The core counts references per id and
// tells the host (EV_EXT_FREE) when no pipe needs a body any more.
import { Bytes } from "./bytes";
import { emit, EV_EXT_FREE } from "./events";

export const EXTERNAL: u32 = 0x80000000;
export const SPLICE_SIZE: u32 = 12; // [offset u32][id u32][len u32]

const refs = new Map<u32, i32>();

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
