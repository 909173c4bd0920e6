// The core's boundary: every export takes and returns numbers only.
//
// Memory the host uses directly:
//   input region  input_reserve(n) → ptr; the host writes bytes there, then
//                 calls pipe_input / socket_send / socket_set_bytes.
//   pipe output   pipe_out_ptr/len; the host copies the bytes to the transport
//                 and calls pipe_out_consumed.
//   recv frames   socket_recv → n; recv_desc_ptr holds n (ptr, len) pairs,
//                 valid until the next call.
//   events        events_ptr/events_len (16-byte records, events.ts); the host
//                 drains them after each call and calls events_clear.
// Time is always an argument (`now`, ms). The core imports abort and
// random_bytes (entropy.ts: keys and nonces).
import { input, reserveInput } from "./input";
import { events } from "./events";
import { pipes, sockets } from "./registry";
import { Socket, recvDesc, recvBegin, FRAMES_ALL } from "./socket";
import { Pipe } from "./pipe";
import { seed } from "./random";
import { earliest, resetDeadline, noteDeadline } from "./clock";
import { EBADF, EINVAL } from "./errors";
import { OPT_RAW } from "./options";
import { MECH_CURVE } from "./zmtp/security";
import { setZapHandler, zapRequestPtr, zapRequestLen, zapRequestTaken, zapReply } from "./zmtp/zap";
import { SpSocket } from "./sp/socket";
import { settleInput, SPLICE_SIZE } from "./external";
import { rawBytes } from "./alloc";
import { held, setProcessBudget } from "./budget";
import * as W from "./zmtp/wire";
import { Pair } from "./zmtp/roles/pair";
import { Pub } from "./zmtp/roles/pub";
import { Sub } from "./zmtp/roles/sub";
import { XPub } from "./zmtp/roles/xpub";
import { XSub } from "./zmtp/roles/xsub";
import { Req } from "./zmtp/roles/req";
import { Rep } from "./zmtp/roles/rep";
import { Dealer } from "./zmtp/roles/dealer";
import { Router } from "./zmtp/roles/router";
import { Push } from "./zmtp/roles/push";
import { Pull } from "./zmtp/roles/pull";
import * as SP from "./sp/wire";
import { SP_HEAD_BYTES } from "./sp/engine";
import { Pair0 } from "./sp/roles/pair0";
import { Pair1 } from "./sp/roles/pair1";
import { Pub0 } from "./sp/roles/pub0";
import { Sub0 } from "./sp/roles/sub0";
import { Req0 } from "./sp/roles/req0";
import { Rep0 } from "./sp/roles/rep0";
import { Push0 } from "./sp/roles/push0";
import { Pull0 } from "./sp/roles/pull0";
import { Surveyor0 } from "./sp/roles/surveyor0";
import { Respondent0 } from "./sp/roles/respondent0";
import { Bus0 } from "./sp/roles/bus0";


export function init(s: u32): void { seed(s); }

export function input_reserve(n: u32): usize { return reserveInput(n); }

// ---- sockets ----

export function socket_open(type: i32): i32 {
  let s: Socket;
  switch (type) {
    case W.PAIR: s = new Pair(); break;
    case W.PUB: s = new Pub(); break;
    case W.SUB: s = new Sub(); break;
    case W.XPUB: s = new XPub(); break;
    case W.XSUB: s = new XSub(); break;
    case W.REQ: s = new Req(); break;
    case W.REP: s = new Rep(); break;
    case W.DEALER: s = new Dealer(); break;
    case W.ROUTER: s = new Router(); break;
    case W.PUSH: s = new Push(); break;
    case W.PULL: s = new Pull(); break;
    case SP.PAIR0: s = new Pair0(); break;
    case SP.PAIR1: s = new Pair1(); break;
    case SP.PUB0: s = new Pub0(); break;
    case SP.SUB0: s = new Sub0(); break;
    case SP.REQ0: s = new Req0(); break;
    case SP.REP0: s = new Rep0(); break;
    case SP.PUSH0: s = new Push0(); break;
    case SP.PULL0: s = new Pull0(); break;
    case SP.SURVEYOR0: s = new Surveyor0(); break;
    case SP.RESPONDENT0: s = new Respondent0(); break;
    case SP.BUS0: s = new Bus0(); break;
    default: return -EINVAL;
  }
  s.handle = sockets.add(s);
  return s.handle;
}

export function socket_close(h: i32, now: f64): i32 {
  let s = sockets.get(h);
  if (!s) return -EBADF;
  s.close(now);
  sockets.remove(h);
  return 0;
}

export function socket_set(h: i32, opt: i32, v: f64): i32 {
  let s = sockets.get(h);
  if (!s) return -EBADF;
  if (!s.acceptsOption(opt)) return -EINVAL;
  if (opt == OPT_RAW) return setRaw(h, s, v != 0);
  if (Socket.isSecurityOption(opt)) return s.security().set(opt, v) ? 0 : -EINVAL;
  return s.opts.set(opt, v) ? 0 : -EINVAL;
}

// Raw mode is the protocol's raw class (sp/roles: XReq0 beside Req0, ...),
// chosen once, before the socket has a pipe: the cooked socket is replaced
// under the same handle. Protocols whose raw form only shows the header as
// a frame of its own keep their class.
function setRaw(h: i32, s: Socket, on: bool): i32 {
  if (on == s.opts.raw) return 0;
  if (!on || s.pipes.length > 0 || !(s instanceof SpSocket)) return -EINVAL;
  let r = (<SpSocket>s).rawVariant();
  s.opts.raw = true;
  if (!r) return 0;
  r.handle = h;
  r.opts = s.opts;
  s.dispose();
  sockets.replace(h, r);
  return 0;
}

// A numeric option's value as the core holds it (NaN: no such option here).
export function socket_get(h: i32, opt: i32): f64 {
  let s = sockets.get(h);
  if (!s) return NaN;
  if (!s.acceptsOption(opt)) return NaN;
  if (Socket.isSecurityOption(opt)) return s.security().get(opt);
  return s.opts.get(opt);
}

// Byte-string options: the value is in the input region.
export function socket_set_bytes(h: i32, opt: i32, n: u32): i32 {
  let s = sockets.get(h);
  if (!s) return -EBADF;
  return s.setBytes(opt, input.ptr, n);
}

// Sends the message whose frames the host laid out in the input region as
// [len u32][bytes]...; returns 0 or a negative errno (EAGAIN: retry on EV_WRITABLE).
export function socket_send(h: i32, nframes: u32, now: f64): i32 {
  let s = sockets.get(h);
  if (!s) return -EBADF;
  let rc = s.send(input.ptr, nframes, now);
  settleInput(input.ptr, nframes);
  return rc;
}

// How many leading frames of a send the host must copy in (socket.ts
// framesRead); -1 for all of them.
export function socket_frames_read(h: i32): i32 {
  let s = sockets.get(h);
  if (!s) return -EBADF;
  // CURVE boxes every frame in linear memory: none may stay outside it.
  if (s.security().mechanism == MECH_CURVE) return -1;
  let n = s.framesRead();
  return n == FRAMES_ALL ? -1 : <i32>n;
}

// Returns the frame count of the next message (descriptors at recv_desc_ptr)
// or a negative errno (EAGAIN: wait for EV_READABLE).
export function socket_recv(h: i32, now: f64): i32 {
  let s = sockets.get(h);
  if (!s) return -EBADF;
  return s.recv(now);
}

export function recv_desc_ptr(): usize { return recvDesc.ptr; }

// The host has taken the last received message: free it now (and what it
// holds against the receive budget) rather than at the next receive.
export function recv_release(): void { recvBegin(); }

// socket_poll's bits: a message is waiting; a send would not block.
const POLL_READABLE: i32 = 1;
const POLL_WRITABLE: i32 = 2;

export function socket_poll(h: i32): i32 {
  let s = sockets.get(h);
  if (!s) return -EBADF;
  let r = 0;
  if (s.canSend()) r |= POLL_WRITABLE;
  if (s.hasIn()) r |= POLL_READABLE;
  return r;
}

// Messages still queued in the socket's pipes (what linger waits for).
export function socket_queued(h: i32): i32 {
  let s = sockets.get(h);
  if (!s) return -EBADF;
  return s.queued();
}

// The application closed the socket: 1 if queued messages may still leave
// for up to ms (-1 or Infinity: until they have), then EV_LINGER_OVER; 0 if
// there is nothing to wait for (close it now).
export function socket_linger(h: i32, ms: f64, now: f64): i32 {
  let s = sockets.get(h);
  if (!s) return -EBADF;
  return s.linger(ms, now) ? 1 : 0;
}

// ---- pipes ----

// Flags: PIPE_OUTBOUND = made by connect() (survives reconnects);
// PIPE_IPC = SP's IPC framing. The host calls pipe_start once a transport is up.
// With PIPE_WS, each pipe_input is one whole message and the output is
// records [len u32 LE][message].
// PIPE_WS = a message transport (WebSocket: ZWS 2.0 or SP over WS);
// PIPE_WS_NULL = ZWS2.0/NULL rather than plain ZWS2.0.
const PIPE_OUTBOUND: i32 = 1;
const PIPE_IPC: i32 = 2;
const PIPE_WS: i32 = 4;
const PIPE_WS_NULL: i32 = 8;

export function pipe_open(sh: i32, flags: i32): i32 {
  let s = sockets.get(sh);
  if (!s) return -EBADF;
  let p = s.newPipe((flags & PIPE_OUTBOUND) != 0, (flags & PIPE_IPC) != 0, (flags & PIPE_WS) != 0, (flags & PIPE_WS_NULL) != 0);
  p.handle = pipes.add(p);
  s.addPipe(p);
  return p.handle;
}

// The transport's framing, known once it is up (a WebSocket's subprotocol).
export function pipe_set_mode(h: i32, flags: i32): i32 {
  let p = pipes.get(h);
  if (!p) return -EBADF;
  let ws = (flags & PIPE_WS) != 0, wsNull = (flags & PIPE_WS_NULL) != 0;
  if (ws != p.ws || wsNull != p.wsNull) {
    p.ws = ws;
    p.wsNull = wsNull;
    p.setEngine(p.sock.makeEngine(p.ipcFraming, ws, wsNull));
  }
  return 0;
}

export function pipe_start(h: i32, now: f64): i32 {
  let p = pipes.get(h);
  if (!p) return -EBADF;
  p.start(now);
  return 0;
}

// Parses n bytes of the input region; returns how many were taken. Fewer
// than n: the pipe is gathering an external body (pipe_ext_*) and the host
// feeds its bytes from its own chunk before calling pipe_input on the rest.
export function pipe_input(h: i32, n: u32, now: f64): i32 {
  let p = pipes.get(h);
  if (!p) return -EBADF;
  return <i32>p.input(input.ptr, n, now);
}

// A message transport's message of `total` bytes with only its first n in
// the input region: bytes taken (the body is then gathered by the host), or
// NEED_WHOLE (-2): call pipe_input with the whole message instead.
export function pipe_input_message(h: i32, n: u32, total: u32, now: f64): i32 {
  let p = pipes.get(h);
  if (!p) return -EBADF;
  return p.inputMessageHead(input.ptr, n, total, now);
}

// How many leading bytes of a large message pipe_input_message must be given
// (an SP payload's head is read in linear memory).
export function input_head_bytes(): u32 { return SP_HEAD_BYTES; }

// The external body being gathered: bytes still wanted (0: none), its id,
// and the head bytes in linear memory that start it.
export function pipe_ext_pending(h: i32): f64 {
  let p = pipes.get(h);
  return p && p.connected && p.gathering ? <f64>p.bodyLeft : 0;
}
export function pipe_ext_id(h: i32): u32 {
  let p = pipes.get(h);
  return p ? p.extId : 0;
}
export function pipe_ext_head_ptr(h: i32): usize {
  let p = pipes.get(h);
  return p && p.extHeadLen ? p.extHead() : 0;
}
export function pipe_ext_head_len(h: i32): u32 {
  let p = pipes.get(h);
  return p ? p.extHeadLen : 0;
}

// The host gathered k more bytes of the external body.
export function pipe_ext_advance(h: i32, k: u32, now: f64): void {
  let p = pipes.get(h);
  if (p) p.extAdvance(k, now);
}

export function pipe_out_ptr(h: i32): usize {
  let p = pipes.get(h);
  return p ? p.out.ptr : 0;
}

export function pipe_out_len(h: i32): u32 {
  let p = pipes.get(h);
  return p ? p.out.len : 0;
}

// External bodies to splice into the output: [offset u32][id u32][len u32] each.
export function pipe_splices_ptr(h: i32): usize {
  let p = pipes.get(h);
  return p ? p.outSplices.ptr : 0;
}

export function pipe_splices_len(h: i32): u32 {
  let p = pipes.get(h);
  return p ? p.outSplices.len / SPLICE_SIZE : 0;
}

export function pipe_out_consumed(h: i32): void {
  let p = pipes.get(h);
  if (p) p.consumed();
}

// The transport is gone (peer closed, error, or the host closed it).
export function pipe_closed(h: i32, now: f64): void {
  let p = pipes.get(h);
  if (p) p.transportClosed(now);
}

// The transport itself refused the peer (a WebSocket frame over the size
// limit, say): the pipe closes with that reason, then as pipe_closed.
export function pipe_fail(h: i32, reason: i32, now: f64): void {
  let p = pipes.get(h);
  if (!p) return;
  p.fail(reason, now);
  p.transportClosed(now);
}

// A connect failed: schedule the next attempt with back-off.
export function pipe_connect_failed(h: i32, now: f64): void {
  let p = pipes.get(h);
  if (p) p.scheduleReconnect(now);
}

// disconnect(): forget the session and its queued messages.
export function pipe_destroy(h: i32, now: f64): void {
  let p = pipes.get(h);
  if (p) p.destroy(now);
}

// ---- time ----

// Runs every timer due at `now`; returns the next deadline (Infinity if none).
export function tick(now: f64): f64 {
  resetDeadline();
  let socks = sockets.items;
  for (let i = 0; i < socks.length; i++) {
    let s = socks[i];
    if (s) { s.tick(now); noteDeadline(s.deadline()); }
  }
  let items = pipes.items;
  for (let i = 0; i < items.length; i++) {
    let p = items[i];
    if (p) { p.tick(now); noteDeadline(p.nextDeadline()); }
  }
  return earliest;
}

export function next_deadline(): f64 { return earliest; }

// ---- memory ----

// Bytes the core holds in raw allocations (buffers, messages, tries).
export function heap_bytes(): f64 { return <f64>rawBytes(); }

// Bytes of received messages held (budget.ts), in linear memory or the host's.
export function received_bytes(): f64 { return held; }

// The process receive budget, bytes.
export function set_receive_budget(bytes: f64): void { setProcessBudget(bytes); }

// ---- events ----

export function events_ptr(): usize { return events.ptr; }
export function events_len(): u32 { return events.len >> 4; }
export function events_clear(): void { events.len = 0; }

// ---- security (zmtp/security.ts, zmtp/zap.ts) ----

// Whether the socket's security settings can start a connection: 0, or a
// SEC_* code the host turns into a TypeError at bind/connect.
export function socket_security_check(h: i32): i32 {
  let s = sockets.get(h);
  if (!s) return -EBADF;
  return s.security().check();
}

// The peer's address (in the input region), for ZAP requests.
export function pipe_set_peer_address(h: i32, n: u32): void {
  let p = pipes.get(h);
  if (!p) return;
  p.peerAddress.len = 0;
  p.peerAddress.append(input.ptr, n);
}

// Whether a handler is bound at inproc://zeromq.zap.01 (the host knows its inproc endpoints).
export function zap_handler(bound: i32): void { setZapHandler(bound != 0); }

// A pipe's ZAP request (after EV_ZAP_REQUEST): frames as [len u32][bytes]...
export function zap_request_ptr(h: i32): usize { return zapRequestPtr(h); }
export function zap_request_len(h: i32): u32 { return zapRequestLen(h); }
export function zap_request_taken(h: i32): void { zapRequestTaken(h); }

// The handler's reply, its frames in the input region as [len u32][bytes]...
export function zap_reply(nframes: u32, now: f64): void {
  zapReply(input.ptr, nframes, now);
}

// ---- crypto (crypto/exports.ts) ----

export * from "./crypto/exports";
