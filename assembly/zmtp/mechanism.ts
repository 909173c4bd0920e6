// The security mechanism seam of the ZMTP engine (RFC 23, "Security
// Handshake"): the greeting names a mechanism, and after the greetings the
// mechanism alone decides which commands are exchanged until the peer is
// authenticated and its metadata known. One file per mechanism: null.ts
// (RFC 23), plain.ts (RFC 24), curve.ts (RFC 26). A server side may ask the
// ZAP handler (zap.ts, RFC 27) before it lets the peer in. A mechanism that
// encrypts (CURVE) also turns every frame after the handshake into a
// MESSAGE command and back.
import { Pipe } from "../pipe";
import * as R from "../errors";
import { ZmtpEngine } from "./engine";
import { writeError } from "./command";

// The largest handshake command a mechanism takes when it has no sharper
// bound for its next step: metadata far beyond any socket's properties.
export const HANDSHAKE_COMMAND_MAX: u32 = 65536 + 512;
// An ERROR's body: name, length byte, up to 255 bytes of reason.
export const ERROR_COMMAND_MAX: u32 = 6 + 1 + 255;

export class Mechanism {
  // The 20-byte mechanism field of the greeting, NUL-padded.
  name(): usize { return 0; }
  // The greeting's as-server byte (PLAIN and CURVE servers set it).
  asServer(): bool { return false; }

  // The greetings are exchanged: queue this side's first command, if it speaks first.
  greeted(e: ZmtpEngine, p: Pipe, now: f64): void {}

  // A command arrived during the handshake (`kind` from command.ts). The
  // mechanism answers, fails the pipe, or ends with e.handshakeDone().
  command(e: ZmtpEngine, p: Pipe, kind: i32, data: usize, n: u32, body: usize, bodyLen: u32, now: f64): void {}

  // The largest command the next handshake step may bring: a header that
  // announces more is refused before its body is buffered.
  commandLimit(): u32 { return HANDSHAKE_COMMAND_MAX; }
  // The reason a command over that limit closes the pipe with.
  oversizeReason(): i32 { return R.R_MESSAGE_TOO_LARGE; }

  // The ZAP handler answered this connection's request (zap.ts) with status
  // 200; the refusals never reach the mechanism.
  zapAccepted(e: ZmtpEngine, p: Pipe, now: f64): void {}

  // The ERROR a server sends when its ZAP handler refuses (status 400, 500).
  writeRefusal(e: ZmtpEngine, p: Pipe, status: i32): void {
    writeError(p.out, status.toString(), e.ws);
  }

  // ---- after the handshake (encrypting mechanisms only) ----

  encrypts(): bool { return false; }
  // Writes one frame (flags: FLAG_MORE / FLAG_COMMAND of wire.ts) as the
  // mechanism's wire form into p.out.
  sealFrame(e: ZmtpEngine, p: Pipe, flags: u8, data: usize, n: u32): void {}
  // A MESSAGE command body; opens it into e's plaintext buffer. Returns the
  // plaintext's length (its first byte the frame flags), or -1 having failed the pipe.
  openMessage(e: ZmtpEngine, p: Pipe, body: usize, n: u32, now: f64): i32 { return -1; }
  // What a MESSAGE command may weigh beyond the frame it carries.
  messageOverhead(): u32 { return 0; }

  // Secrets are wiped when the connection ends.
  free(): void {}
}

// An ERROR from the peer during the handshake ([len u8][reason]). A reason
// that is a ZAP status code ("300", "400", "500", as libzmq's servers send)
// makes it an authentication failure carrying that status.
export function peerError(p: Pipe, data: usize, n: u32, now: f64): void {
  if (n < 1 || <u32>load<u8>(data) + 1 != n) { p.fail(R.R_MALFORMED_ERROR, now); return; }
  let status = zapStatusOf(data + 1, n - 1);
  if (status) p.fail(R.R_AUTH_FAILED, now, status);
  else p.fail(R.R_ERROR_RECEIVED, now);
}

function zapStatusOf(reason: usize, n: u32): i32 {
  if (n != 3) return 0;
  let c = load<u8>(reason);
  if (c < 0x33 || c > 0x35 || load<u8>(reason + 1) != 0x30 || load<u8>(reason + 2) != 0x30) return 0;
  return <i32>(c - 0x30) * 100;
}
