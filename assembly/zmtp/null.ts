// The NULL mechanism (RFC 23, "The NULL Security Mechanism"): no security.
// Each side sends READY with its metadata (Socket-Type, and Identity for
// the types that announce one); the peer's READY, checked, ends the
// handshake. An ERROR instead closes the pipe.
import { Pipe } from "../pipe";
import * as R from "../errors";
import { ZmtpEngine } from "./engine";
import { Mechanism } from "./mechanism";
import { writeReady, CMD_READY, CMD_ERROR } from "./command";
import { sendsIdentity } from "./wire";

// The mechanism name as it appears in the greeting: "NULL" + 16 NULs.
const NULL_NAME = memory.data<u8>([
  0x4e, 0x55, 0x4c, 0x4c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

export class NullMechanism extends Mechanism {
  name(): usize { return NULL_NAME; }

  greeted(e: ZmtpEngine, p: Pipe, now: f64): void {
    let s = p.sock;
    writeReady(p.out, s.type, s.routingId, sendsIdentity(s.type), e.ws);
    p.signalOutput();
  }

  command(e: ZmtpEngine, p: Pipe, kind: i32, data: usize, n: u32, now: f64): void {
    if (kind == CMD_READY) {
      if (e.peerMetadata(p, data, n, now)) e.handshakeDone(p, now);
      return;
    }
    if (kind == CMD_ERROR) { p.fail(R.R_ERROR_RECEIVED, now); return; }
    p.fail(R.R_UNEXPECTED_COMMAND, now);
  }
}
