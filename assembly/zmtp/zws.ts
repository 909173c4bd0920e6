// ZMTP over WebSocket (ZWS 2.0, RFC 45): one WebSocket message is one
// frame, [flags][body], flags bit 0 MORE and bit 1 COMMAND; there is no
// greeting. "ZWS2.0/NULL" runs the NULL handshake (READY both ways); plain
// "ZWS2.0", what browsers and jszmq speak, exchanges routing ids as the
// first message instead and checks nothing. Liveness is the WebSocket's own
// ping/pong, so no ZMTP heartbeats.
import { Pipe } from "../pipe";
import * as R from "../errors";
import { NEED_WHOLE } from "../engine";
import { RECEIVE_EXTERNAL_MIN } from "../external";
import { FLAG_MORE, ROUTER } from "./wire";
import { ZWS_FLAG_MORE, ZWS_FLAG_COMMAND } from "./command";
import { ZmtpEngine, ST_HANDSHAKE, ST_ACTIVE, ST_ROUTING_ID } from "./engine";

export class Zws extends ZmtpEngine {
  // ZWS2.0/NULL rather than plain ZWS2.0.
  withNull: bool;

  constructor(withNull: bool) {
    super(true);
    this.withNull = withNull;
  }

  // NULL starts with READY, plain with our routing id.
  start(p: Pipe, now: f64): void {
    this.reset();
    this.newMechanism(p);
    let s = p.sock;
    p.peerMinor = 0; // subscriptions go as 0x01/0x00 messages (RFC 45)
    if (this.withNull) {
      this.state = ST_HANDSHAKE;
      this.mechanism.greeted(this, p, now);
      return;
    }
    this.state = ST_ROUTING_ID;
    p.out.push32(1 + s.routingId.len);
    p.out.push8(0);
    p.out.append(s.routingId.ptr, s.routingId.len);
    p.signalOutput();
  }

  input(p: Pipe, ptr: usize, n: u32, now: f64): u32 {
    p.alive();
    this.readMessage(p, ptr, n, now, false);
    return n;
  }

  // A large data frame: only its flags byte is here, the host gathers the body.
  inputMessageHead(p: Pipe, ptr: usize, n: u32, total: u32, now: f64): i32 {
    if (n == 0 || this.state != ST_ACTIVE || this.mechanism.encrypts()) return NEED_WHOLE;
    let f = load<u8>(ptr);
    if ((f & ZWS_FLAG_COMMAND) != 0 || total - 1 < RECEIVE_EXTERNAL_MIN || !p.sock.receivesExternal(<u32>p.msgFramesIn)) return NEED_WHOLE;
    p.alive();
    this.readMessage(p, ptr, total, now, true);
    return 1;
  }

  // One message of n bytes at ptr; with `external` only its first byte is there.
  private readMessage(p: Pipe, ptr: usize, n: u32, now: f64, external: bool): void {
    if (n == 0) { p.fail(R.R_MALFORMED_FRAME, now); return; }
    let f = load<u8>(ptr);
    if ((f & ~(ZWS_FLAG_MORE | ZWS_FLAG_COMMAND)) != 0 || (f & ZWS_FLAG_COMMAND) != 0 && (f & ZWS_FLAG_MORE) != 0) {
      p.fail(R.R_MALFORMED_FRAME, now);
      return;
    }
    let body = ptr + 1, size = n - 1;
    if (this.state == ST_ROUTING_ID) {
      // The peer's routing id, as ZMTP 2.0 did; a ROUTER routes by it.
      if (f != 0 || size > 255 || (size > 0 && load<u8>(body) == 0)) { p.fail(R.R_INVALID_IDENTITY, now); return; }
      p.identity.len = 0;
      if (p.sock.type == ROUTER) p.identity.append(body, size);
      p.peerType = -1;
      this.handshakeDone(p, now);
      return;
    }
    if (this.mechanism.encrypts()) {
      // Every message is a MESSAGE (as on a stream: stream.ts).
      if (f & ZWS_FLAG_MORE) { p.fail(R.R_MALFORMED_MESSAGE, now); return; }
      f |= ZWS_FLAG_COMMAND;
    } else {
      if (this.state == ST_HANDSHAKE && (f & ZWS_FLAG_COMMAND) == 0) { p.fail(R.R_UNEXPECTED_COMMAND, now); return; }
      if ((f & ZWS_FLAG_COMMAND) != 0 && p.msg != 0) { p.fail(R.R_MALFORMED_FRAME, now); return; }
    }
    if (f & ZWS_FLAG_COMMAND) {
      if (<u64>size > this.commandLimit(p)) { p.fail(this.oversizeReason(), now); return; }
      this.cmd.len = 0;
      this.cmd.append(body, size);
      this.command(p, now);
      return;
    }
    this.flags = (f & ZWS_FLAG_MORE) ? FLAG_MORE : 0;
    if (!this.beginDataFrame(p, <u64>size, external, now)) return;
    if (p.gathering) return;
    if (size > 0) p.appendBody(body, size);
    this.endDataFrame(p, now);
  }
}
