// The PLAIN mechanism (RFC 24): a user name and password in clear text,
// checked by the server's ZAP handler (zap.ts). Only for trusted networks
// or inside a protected transport: nothing here is encrypted.
//
//   client                      server
//   HELLO user password   →     ask ZAP (a handler must be bound)
//                         ←     WELCOME, or ERROR "400" (refused)
//   INITIATE metadata     →
//                         ←     READY metadata
// The client may send messages once READY arrives, the server once it sent it.
import { Pipe } from "../pipe";
import * as R from "../errors";
import { ZmtpEngine } from "./engine";
import { Mechanism, peerError, HANDSHAKE_COMMAND_MAX, ERROR_COMMAND_MAX } from "./mechanism";
import { CMD_HELLO, CMD_WELCOME, CMD_INITIATE, CMD_READY, CMD_ERROR, frameCommandHeader, writeMetadataCommand } from "./command";
import { zapAsk, ZAP_POLICY_REQUIRED } from "./zap";

// libzmq's PLAIN spells its ERROR's name with a C escape that swallows the
// E ("\x05ERROR" is 0x5e "RROR"), and its PLAIN client recognises only that
// spelling: a PLAIN server answers a refusal with it, so libzmq clients see
// the authentication failure and its status, and a PLAIN client takes
// either spelling. (NULL and CURVE spell ERROR correctly.)
const LIBZMQ_PLAIN_ERROR: u8 = 0x5e;

function isLibzmqPlainError(body: usize, n: u32): bool {
  return n >= 5 && load<u8>(body) == LIBZMQ_PLAIN_ERROR && load<u8>(body + 1) == 0x52 &&
    load<u8>(body + 2) == 0x52 && load<u8>(body + 3) == 0x4f && load<u8>(body + 4) == 0x52;
}

// "PLAIN" + 15 NULs, the greeting's mechanism field.
const PLAIN_NAME = memory.data<u8>([
  0x50, 0x4c, 0x41, 0x49, 0x4e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

const C_WELCOME: i32 = 0;
const C_READY: i32 = 1;

export class PlainClient extends Mechanism {
  step: i32 = C_WELCOME;
  name(): usize { return PLAIN_NAME; }
  commandLimit(): u32 { return this.step == C_WELCOME ? ERROR_COMMAND_MAX : HANDSHAKE_COMMAND_MAX; }

  greeted(e: ZmtpEngine, p: Pipe, now: f64): void {
    let sec = p.sock.security();
    let u = sec.username, w = sec.password;
    let o = p.out;
    frameCommandHeader(o, 6 + 1 + u.len + 1 + w.len, e.ws);
    o.push8(5); o.pushString("HELLO");
    o.push8(u.len); o.append(u.ptr, u.len);
    o.push8(w.len); o.append(w.ptr, w.len);
    p.signalOutput();
  }

  command(e: ZmtpEngine, p: Pipe, kind: i32, data: usize, n: u32, body: usize, bodyLen: u32, now: f64): void {
    if (kind == CMD_ERROR) { peerError(p, data, n, now); return; }
    if (isLibzmqPlainError(body, bodyLen)) { peerError(p, body + 5, bodyLen - 5, now); return; }
    if (this.step == C_WELCOME && kind == CMD_WELCOME) {
      if (n != 0) { p.fail(R.R_MALFORMED_WELCOME, now); return; }
      writeMetadataCommand(p.out, "INITIATE", p.sock.type, p.sock.routingId, e.ws);
      p.signalOutput();
      this.step = C_READY;
      return;
    }
    if (this.step == C_READY && kind == CMD_READY) {
      if (e.peerMetadata(p, data, n, now)) e.handshakeDone(p, now);
      return;
    }
    p.fail(R.R_UNEXPECTED_COMMAND, now);
  }
}

const S_HELLO: i32 = 0;
const S_ZAP: i32 = 1;
const S_INITIATE: i32 = 2;

export class PlainServer extends Mechanism {
  step: i32 = S_HELLO;
  name(): usize { return PLAIN_NAME; }
  asServer(): bool { return true; }
  // HELLO: name, then a user name and a password of up to 255 bytes each.
  commandLimit(): u32 { return this.step == S_HELLO ? 6 + 1 + 255 + 1 + 255 : this.step == S_ZAP ? 0 : HANDSHAKE_COMMAND_MAX; }
  oversizeReason(): i32 { return this.step == S_HELLO ? R.R_MALFORMED_HELLO : this.step == S_ZAP ? R.R_UNEXPECTED_COMMAND : R.R_MALFORMED_COMMAND; }

  command(e: ZmtpEngine, p: Pipe, kind: i32, data: usize, n: u32, body: usize, bodyLen: u32, now: f64): void {
    if (this.step == S_HELLO && kind == CMD_HELLO) {
      // [ulen][user][plen][password], nothing after (RFC 24 "The HELLO Command").
      if (n < 1) { p.fail(R.R_MALFORMED_HELLO, now); return; }
      let ulen = <u32>load<u8>(data);
      if (1 + ulen + 1 > n) { p.fail(R.R_MALFORMED_HELLO, now); return; }
      let plen = <u32>load<u8>(data + 1 + ulen);
      if (1 + ulen + 1 + plen != n) { p.fail(R.R_MALFORMED_HELLO, now); return; }
      this.step = S_ZAP;
      // A PLAIN server always asks: no handler fails the pipe (zap.ts).
      zapAsk(e, p, ZAP_POLICY_REQUIRED, "PLAIN", data + 1, ulen, data + 2 + ulen, plen, 2, now);
      return;
    }
    if (this.step == S_INITIATE && kind == CMD_INITIATE) {
      if (!e.peerMetadata(p, data, n, now)) return;
      writeMetadataCommand(p.out, "READY", p.sock.type, p.sock.routingId, e.ws);
      p.signalOutput();
      e.handshakeDone(p, now);
      return;
    }
    p.fail(R.R_UNEXPECTED_COMMAND, now);
  }

  writeRefusal(e: ZmtpEngine, p: Pipe, status: i32): void {
    let code = status.toString();
    frameCommandHeader(p.out, 5 + 1 + <u32>code.length, e.ws);
    p.out.push8(LIBZMQ_PLAIN_ERROR); p.out.pushString("RROR");
    p.out.push8(<u32>code.length); p.out.pushString(code);
  }

  zapAccepted(e: ZmtpEngine, p: Pipe, now: f64): void {
    if (this.step != S_ZAP) return;
    this.step = S_INITIATE;
    frameCommandHeader(p.out, 8, e.ws);
    p.out.push8(7); p.out.pushString("WELCOME");
    p.signalOutput();
  }
}
