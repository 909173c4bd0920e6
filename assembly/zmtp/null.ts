// The NULL mechanism (RFC 23, "The NULL Security Mechanism"): no security.
// Each side sends READY with its metadata (Socket-Type, and Identity for
// the types that announce one); the peer's READY, checked, ends the
// handshake once ours is sent. An ERROR instead closes the pipe. A socket
// with a zapDomain first asks its ZAP handler (zap.ts) before it sends READY,
// as libzmq does.
import { Pipe } from "../pipe";
import * as R from "../errors";
import { ZmtpEngine, COMMAND_MAX } from "./engine";
import { Mechanism, peerError } from "./mechanism";
import { writeMetadataCommand, CMD_READY, CMD_ERROR } from "./command";
import { zapAsk, ZAP_POLICY_DOMAIN, ZAP_SKIP } from "./zap";

// The mechanism name as it appears in the greeting: "NULL" + 16 NULs.
const NULL_NAME = memory.data<u8>([
  0x4e, 0x55, 0x4c, 0x4c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

export class NullMechanism extends Mechanism {
  readySent: bool = false;
  peerReady: bool = false;

  name(): usize { return NULL_NAME; }
  // NULL lets anyone in, and a READY may carry any metadata a ZeroMQ socket
  // sends: the engine's own command bound applies.
  commandLimit(): u32 { return COMMAND_MAX; }

  greeted(e: ZmtpEngine, p: Pipe, now: f64): void {
    if (zapAsk(e, p, ZAP_POLICY_DOMAIN, "NULL", 0, 0, 0, 0, 0, now) == ZAP_SKIP) this.sendReady(e, p, now);
  }

  zapAccepted(e: ZmtpEngine, p: Pipe, now: f64): void {
    if (!this.readySent) this.sendReady(e, p, now);
  }

  private sendReady(e: ZmtpEngine, p: Pipe, now: f64): void {
    let s = p.sock;
    writeMetadataCommand(p.out, "READY", s.type, s.routingId, e.ws);
    p.signalOutput();
    this.readySent = true;
    if (this.peerReady) e.handshakeDone(p, now);
  }

  command(e: ZmtpEngine, p: Pipe, kind: i32, data: usize, n: u32, body: usize, bodyLen: u32, now: f64): void {
    if (kind == CMD_READY && !this.peerReady) {
      if (!e.peerMetadata(p, data, n, now)) return;
      this.peerReady = true;
      if (this.readySent) e.handshakeDone(p, now);
      return;
    }
    if (kind == CMD_ERROR) { peerError(p, data, n, now); return; }
    p.fail(R.R_UNEXPECTED_COMMAND, now);
  }
}
