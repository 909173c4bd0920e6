// The security mechanism seam of the ZMTP engine (RFC 23, "Security
// Handshake"): the greeting names a mechanism, and after the greetings the
// mechanism alone decides which commands are exchanged until the peer is
// authenticated and its metadata known. NULL (null.ts) is the only one
// today; PLAIN (RFC 24) and CURVE (RFC 26) take their place beside it.
import { Pipe } from "../pipe";
import { ZmtpEngine } from "./engine";

export class Mechanism {
  // The 20-byte mechanism field of the greeting, NUL-padded.
  name(): usize { return 0; }

  // The greetings are exchanged: queue this side's first command, if it speaks first.
  greeted(e: ZmtpEngine, p: Pipe, now: f64): void {}

  // A command arrived during the handshake (`kind` from command.ts). The
  // mechanism answers, fails the pipe, or ends with e.handshakeDone().
  command(e: ZmtpEngine, p: Pipe, kind: i32, data: usize, n: u32, now: f64): void {}
}
