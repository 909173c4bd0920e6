// The SP socket base: protocol ids, SP defaults, and helpers to read a
// received payload and describe body (and raw header) slices of it.
import { Socket, recvFrame, recvHold, recvExternal } from "../socket";
import { Pipe } from "../pipe";
import { Engine } from "../engine";
import { SpEngine } from "./engine";

let nextRawId: u32 = 0;
import { msgData, msgFrames, frameLen } from "../msg";
import { nextU32 } from "../random";
import {
  SP_DEFAULT_MAX_MSG_SIZE, SP_NEGOTIATION_TIMEOUT, SP_DEFAULT_MAX_TTL, SP_DEFAULT_RESEND_IVL, SP_DEFAULT_SURVEY_TIME,
} from "./wire";
import * as O from "../options";

export class SpSocket extends Socket {
  proto: u32;
  peerProto: u32;

  constructor(type: i32, proto: u32, peerProto: u32) {
    super(type);
    this.proto = proto;
    this.peerProto = peerProto;
    this.opts.maxmsgsize = SP_DEFAULT_MAX_MSG_SIZE;
    this.opts.handshakeIvl = SP_NEGOTIATION_TIMEOUT;
    this.opts.maxTtl = SP_DEFAULT_MAX_TTL;
    this.opts.resendIvl = SP_DEFAULT_RESEND_IVL;
    this.opts.surveyTime = SP_DEFAULT_SURVEY_TIME;
  }

  // The raw form of this protocol, when it is a class of its own (XReq0
  // beside Req0, ...; index.ts socket_set swaps it in when the raw option is
  // set, before any pipe exists); null when raw mode only shows the header
  // as a frame of its own.
  rawVariant(): SpSocket | null { return null; }

  // A raw send's first frame is its header, read here; cooked sends are
  // read by no SP role but REQ's, which keeps its request.
  framesRead(): u32 { return this.raw ? 1 : 0; }

  // Bytes of protocol header in front of a received body (a hop count, a
  // request or survey id): raw sockets show them as a frame of their own.
  headerLen(): u32 { return 0; }
  describe(m: usize): i32 { return this.raw ? recvSplit(m, this.headerLen()) : recvBody(m, this.headerLen()); }

  // An SP message carries its frames concatenated (scatter).
  writeTo(p: Pipe, src: usize, nframes: u32): void { p.writeMessage(0, 0, src, nframes); }

  makeEngine(ipc: bool, ws: bool, wsNull: bool): Engine { return new SpEngine(ipc, ws, this.proto, this.peerProto); }

  // SP pipes carry an id for raw headers (31 bits, never 0) and the
  // socket's priorities at the time they are made (nanomsg's per endpoint).
  newPipe(outbound: bool, ipc: bool, ws: bool, wsNull: bool): Pipe {
    let p = super.newPipe(outbound, ipc, ws, wsNull);
    if (nextRawId == 0) nextRawId = (this.seedId() & 0x7fffffff) | 1;
    p.rawId = nextRawId;
    nextRawId = (nextRawId + 1) & 0x7fffffff;
    if (nextRawId == 0) nextRawId = 1;
    p.sendPrio = this.opts.sendPriority;
    p.recvPrio = this.opts.recvPriority;
    return p;
  }
  // ZMTP's own options (heartbeats, routing, XPUB, conflate...) do not apply.
  acceptsOption(opt: i32): bool {
    return opt == O.OPT_SNDHWM || opt == O.OPT_RCVHWM || opt == O.OPT_MAXMSGSIZE ||
      opt == O.OPT_HANDSHAKE_IVL || opt == O.OPT_RECONNECT_IVL || opt == O.OPT_RECONNECT_IVL_MAX ||
      (opt >= O.OPT_RAW && opt < O.OPT_PLAIN_SERVER);
  }
  // SP queues at the socket, not per peer: a pipe is routed only while its
  // connection is up and negotiated (as nng's pipes), so nothing waits in a
  // dead connection's queue.
  keepsSessions(): bool { return false; }
  attachesEarly(): bool { return false; }
  seedId(): u32 { return nextU32(); }
  @inline get raw(): bool { return this.opts.raw; }
}

// A received SP message is one frame: the payload (protocol header + body).
@inline export function payload(m: usize): usize { return msgData(m) + 4; }
@inline export function payloadLen(m: usize): u32 { return load<u32>(msgData(m)); }

// A large payload (SpPipe) is two frames: its first SP_HEAD_BYTES in linear
// memory, where protocol headers are read, and the whole payload in the
// host's memory (external.ts). Describes the payload from `offset` as one
// frame, wherever it is.
export function recvPayload(m: usize, offset: u32): void {
  if (msgFrames(m) == 2) {
    let slot = payload(m) + payloadLen(m);
    recvExternal(load<u32>(slot, 4), frameLen(slot) - offset, offset);
  } else {
    recvFrame(payload(m) + offset, payloadLen(m) - offset);
  }
}

// Describes the body of m from `offset` (cooked receive); returns 1 frame.
export function recvBody(m: usize, offset: u32): i32 {
  recvPayload(m, offset);
  recvHold(m);
  return 1;
}

// Describes [header, body] with the header the first `hlen` bytes (raw receive).
export function recvSplit(m: usize, hlen: u32): i32 {
  recvFrame(payload(m), hlen);
  recvPayload(m, hlen);
  recvHold(m);
  return 2;
}

// Bytes in a send's input (frames laid out as [len][bytes] or external).
export function inputLength(src: usize, nframes: u32): u32 {
  let total: u32 = 0;
  let q = src;
  for (let i: u32 = 0; i < nframes; i++) {
    let n = load<u32>(q);
    if (n & 0x80000000) { total += n & 0x7fffffff; q += 8; }
    else { total += n; q += 4 + n; }
  }
  return total;
}
