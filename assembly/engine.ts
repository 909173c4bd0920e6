// The wire seam of a pipe. A pipe (pipe.ts) is the same session whatever
// the wire; its engine is the part that is not: what this side says first,
// how arriving bytes are parsed into frames, messages and commands, and how
// frames are encoded. One engine per framing:
//   zmtp/stream.ts  ZMTP 3.x over a byte stream (tcp, ipc, inproc)
//   zmtp/zws.ts     ZMTP over WebSocket messages (ZWS 2.0)
//   sp/engine.ts    SP over a byte stream (tcp/ipc framing) or messages (ws)
// An engine lives as long as its pipe; reset() is called when a connection
// ends, so the next one starts clean. The session does the rest (buffers,
// queues, timers, life cycle) and engines call back into it.
import { Pipe } from "./pipe";

// inputMessageHead's answer when the whole message must be parsed in
// linear memory (a command, a routing id, a frame the role reads).
export const NEED_WHOLE: i32 = -2;

export class Engine {
  // A transport is up: queue what this side says first.
  start(p: Pipe, now: f64): void {}

  // Parses n bytes at ptr; returns how many it took (fewer: the host gathers
  // a large body next, Pipe.gathering).
  input(p: Pipe, ptr: usize, n: u32, now: f64): u32 { return n; }

  // A message transport's message of `total` bytes with only its first n at
  // ptr: bytes taken (the host gathers the rest), or NEED_WHOLE.
  inputMessageHead(p: Pipe, ptr: usize, n: u32, total: u32, now: f64): i32 { return NEED_WHOLE; }

  // The host has gathered the whole external body of the current frame.
  bodyDone(p: Pipe, now: f64): void {}

  // The handshake is over: what was queued for the peer before it moves to
  // the output, behind the handshake (an encrypting mechanism boxes it now).
  movePending(p: Pipe): void { p.movePendingAsIs(); }

  // The handshake is over and queued output has moved behind it.
  activated(p: Pipe, now: f64): void {}

  // A pipe timer of this engine's (timers.ts) is due.
  onTimer(p: Pipe, kind: i32, now: f64): void {}

  // ---- encoding (into p.target()) ----
  writeFrame(p: Pipe, data: usize, n: u32, more: bool): void {}
  // The header only; the host splices the body (external.ts).
  writeExternalFrame(p: Pipe, n: u32, id: u32, more: bool): void {}
  writeSubscription(p: Pipe, subscribe: bool, topic: usize, n: u32): void {}
  writeMessage(p: Pipe, hdr: usize, hlen: u32, src: usize, nframes: u32, skip: u32): void {}

  // The connection is over: drop partial decoder state.
  reset(): void {}
  free(): void {}
}
