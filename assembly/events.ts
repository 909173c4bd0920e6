// The event queue: fixed 16-byte records the host drains after each call.
// The EV_* kinds below are one of the sources of bindings/shared.ts
// (scripts/gen-shared.mjs); keep each on one line as `export const EV_X: i32 = N;`.
//
//   +--------+--------+--------+--------+
//   | kind   | handle | a      | b      |   (i32 each)
//   +--------+--------+--------+--------+
import { Bytes } from "./bytes";

export const EV_PIPE_OUTPUT: i32 = 1;    // pipe has bytes to flush (edge: empty → non-empty); a = 1: flush now
export const EV_READABLE: i32 = 2;       // socket has a message (edge)
export const EV_WRITABLE: i32 = 3;       // socket may accept a send again (after EAGAIN)
export const EV_HANDSHAKE: i32 = 4;      // pipe completed its handshake; a = peer socket type
export const EV_PIPE_CLOSE: i32 = 5;     // host must close the transport (after flushing); a = reason, b = its detail (a ZAP status)
export const EV_PIPE_PAUSE: i32 = 6;     // stop reading: inbound queue at the high-water mark
export const EV_PIPE_RESUME: i32 = 7;
export const EV_PIPE_CONNECT: i32 = 8;   // reconnect timer fired: host opens a transport for the pipe
export const EV_PIPE_RELEASED: i32 = 9;  // handle is dead; host forgets it
export const EV_LINGER_OVER: i32 = 10;    // a closed socket's linger is over (queue empty or time up): the host finishes closing
export const EV_EXT_FREE: i32 = 11;      // handle = external frame id no pipe needs any more
export const EV_ZAP_REQUEST: i32 = 12;   // pipe asks the ZAP handler (zmtp/zap.ts): the host carries zap_request_ptr/len to it

export const EVENT_SIZE: u32 = 16;
export const events = new Bytes();

export function emit(kind: i32, handle: i32, a: i32, b: i32): void {
  let at = events.reserve(EVENT_SIZE);
  store<i32>(at, kind);
  store<i32>(at, handle, 4);
  store<i32>(at, a, 8);
  store<i32>(at, b, 12);
  events.len += EVENT_SIZE;
}
