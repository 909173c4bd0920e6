// ZMTP 3.x over a byte stream (tcp, ipc, inproc): the 64-byte greeting
// (RFC 23 "Greeting"), then frames [flags][size: 1 or 8 bytes][body]
// (RFC 23 "Framing"). The decoder is resumable: it takes whatever bytes
// arrived, one or 64 KiB, keeps what it needs next in `dState`, and gives
// the same events however the input is cut. Each greeting field is checked
// as soon as its byte is here, so a slow drip fails as early as it can.
import { Bytes, loadU64BE, bytesEqual } from "../bytes";
import { Pipe } from "../pipe";
import * as R from "../errors";
import {
  GREETING_SIZE, GREETING_SIG_START, GREETING_SIG_END, GREETING_OFF_MAJOR, GREETING_OFF_MINOR,
  GREETING_OFF_MECHANISM, GREETING_MECHANISM_LEN, GREETING_OFF_AS_SERVER, ZMTP_MAJOR, ZMTP_MINOR,
  FLAG_LONG, FLAG_COMMAND, FLAG_MORE, FLAG_RESERVED,
} from "./wire";
import { ZmtpEngine, ST_GREETING, ST_HANDSHAKE } from "./engine";

// Decoder states (RFC 23 "Framing").
const D_FLAGS: i32 = 0;
const D_SIZE1: i32 = 1;
const D_SIZE8: i32 = 2;
const D_BODY: i32 = 3;

export class ZmtpStream extends ZmtpEngine {
  greet: Bytes = new Bytes();
  dState: i32 = D_FLAGS;
  sizeBytes: Bytes = new Bytes();
  remaining: u64 = 0;

  constructor() { super(false); }

  reset(): void {
    super.reset();
    this.greet.len = 0;
    this.dState = D_FLAGS;
  }

  free(): void {
    super.free();
    this.greet.free();
    this.sizeBytes.free();
  }

  // Our greeting: signature, version 3.1, the mechanism and its as-server byte.
  start(p: Pipe, now: f64): void {
    this.reset();
    this.newMechanism(p);
    this.state = ST_GREETING;
    let g = p.out.reserve(GREETING_SIZE);
    memory.fill(g, 0, GREETING_SIZE);
    store<u8>(g, GREETING_SIG_START);
    store<u8>(g + 9, GREETING_SIG_END);
    store<u8>(g + GREETING_OFF_MAJOR, ZMTP_MAJOR);
    store<u8>(g + GREETING_OFF_MINOR, ZMTP_MINOR);
    memory.copy(g + GREETING_OFF_MECHANISM, this.mechanism.name(), GREETING_MECHANISM_LEN);
    if (this.mechanism.asServer()) store<u8>(g + GREETING_OFF_AS_SERVER, 1);
    p.out.len += GREETING_SIZE;
    p.signalOutput();
  }

  input(p: Pipe, ptr: usize, n: u32, now: f64): u32 {
    let at = ptr, end = ptr + n;
    while (at < end && p.connected && !p.gathering) {
      if (this.state == ST_GREETING) at = this.readGreeting(p, at, end, now);
      else at = this.readFrames(p, at, end, now);
    }
    return <u32>(at - ptr);
  }

  private readGreeting(p: Pipe, at: usize, end: usize, now: f64): usize {
    let g = this.greet;
    let take = min<usize>(<usize>(GREETING_SIZE - g.len), end - at);
    let before = g.len;
    g.append(at, <u32>take);
    at += take;
    let b = g.ptr;
    if (before < 1 && g.len >= 1 && load<u8>(b) != GREETING_SIG_START) { p.fail(R.R_BAD_GREETING, now); return end; }
    if (before < 10 && g.len >= 10 && (load<u8>(b + 9) & 1) == 0) { p.fail(R.R_UNSUPPORTED_VERSION, now); return end; }
    if (before < 11 && g.len >= 11 && load<u8>(b + GREETING_OFF_MAJOR) < ZMTP_MAJOR) { p.fail(R.R_UNSUPPORTED_VERSION, now); return end; }
    if (g.len < GREETING_SIZE) return at;
    let major = load<u8>(b + GREETING_OFF_MAJOR);
    p.peerMinor = major > ZMTP_MAJOR ? 255 : <i32>load<u8>(b + GREETING_OFF_MINOR);
    if (!bytesEqual(b + GREETING_OFF_MECHANISM, this.mechanism.name(), GREETING_MECHANISM_LEN)) {
      p.fail(R.R_MECHANISM_MISMATCH, now);
      return end;
    }
    this.state = ST_HANDSHAKE;
    this.mechanism.greeted(this, p, now);
    return at;
  }

  private readFrames(p: Pipe, at: usize, end: usize, now: f64): usize {
    while (at < end && p.connected && !p.gathering) {
      p.alive();
      let st = this.dState;
      if (st == D_FLAGS) {
        let f = load<u8>(at++);
        if ((f & FLAG_RESERVED) != 0 || ((f & FLAG_COMMAND) != 0 && (f & FLAG_MORE) != 0)) { p.fail(R.R_MALFORMED_FRAME, now); return end; }
        if (this.mechanism.encrypts()) {
          // After an encrypting handshake every frame is a MESSAGE; libzmq
          // sends them as data frames and its receiver takes them so, its
          // MORE flag inside the box (boxedFrame). Either form is read.
          if (f & FLAG_MORE) { p.fail(R.R_MALFORMED_MESSAGE, now); return end; }
          f |= FLAG_COMMAND;
        } else {
          if (this.state == ST_HANDSHAKE && (f & FLAG_COMMAND) == 0) { p.fail(R.R_UNEXPECTED_COMMAND, now); return end; }
          // A command may not interrupt a multipart message.
          if ((f & FLAG_COMMAND) != 0 && p.msg != 0) { p.fail(R.R_MALFORMED_FRAME, now); return end; }
        }
        this.flags = f;
        if (f & FLAG_LONG) { this.dState = D_SIZE8; this.sizeBytes.len = 0; }
        else this.dState = D_SIZE1;
      } else if (st == D_SIZE1) {
        if (!this.beginFrame(p, <u64>load<u8>(at++), now)) return end;
      } else if (st == D_SIZE8) {
        let sb = this.sizeBytes;
        let take = min<usize>(<usize>(8 - sb.len), end - at);
        sb.append(at, <u32>take);
        at += take;
        if (sb.len == 8) {
          let size = loadU64BE(sb.ptr);
          // Sizes ≥ 2^63 are illegal; compare as u64 before any arithmetic.
          if (size >= 0x8000000000000000) { p.fail(R.R_MALFORMED_FRAME, now); return end; }
          if (!this.beginFrame(p, size, now)) return end;
        }
      } else {
        at = this.readBody(p, at, end, now);
      }
    }
    return at;
  }

  // A frame header is complete. False if the pipe was closed.
  private beginFrame(p: Pipe, size: u64, now: f64): bool {
    this.remaining = size;
    this.dState = D_BODY;
    if (this.flags & FLAG_COMMAND) {
      if (size > this.commandLimit(p)) { p.fail(this.oversizeReason(), now); return false; }
      // Grows as the body arrives: a header alone costs nothing.
      this.cmd.len = 0;
    } else {
      if (!this.beginDataFrame(p, size, true, now)) return false;
      // A gathered body is not ours to read: the next byte of ours is a header.
      if (p.gathering) { this.dState = D_FLAGS; return true; }
    }
    if (size == 0) this.endFrame(p, now);
    return p.connected;
  }

  private readBody(p: Pipe, at: usize, end: usize, now: f64): usize {
    let take = <u32>min<u64>(this.remaining, <u64>(end - at));
    if (this.flags & FLAG_COMMAND) this.cmd.append(at, take);
    else p.appendBody(at, take);
    this.remaining -= take;
    at += take;
    if (this.remaining == 0) this.endFrame(p, now);
    return at;
  }

  private endFrame(p: Pipe, now: f64): void {
    this.dState = D_FLAGS;
    if (this.flags & FLAG_COMMAND) { this.command(p, now); return; }
    this.endDataFrame(p, now);
  }
}
