// The input region: where the host writes what it hands the core (a chunk
// a transport read, a send's frames, an option's bytes) before the call
// that reads it. One region for the whole core, reused by every call.
//
// Its limits bound linear memory whatever a caller sends or a transport
// hands over: the region only ever grows to the largest request.
import { Bytes } from "./bytes";

export const INPUT_MAX: u32 = 268435456;  // bytes one send may copy in (the frames a role reads); more: EMSGSIZE
export const INPUT_CHUNK: u32 = 65536;    // bytes of a received chunk fed per pipe_input call

export const input = new Bytes();

// Room for n bytes; the host writes them at the pointer returned.
export function reserveInput(n: u32): usize {
  input.len = 0;
  return input.reserve(n);
}
