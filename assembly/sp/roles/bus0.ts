// BUS0 (nng bus0): a message goes to every directly connected peer (best
// effort: dropped for a full one) and nothing comes back to its sender.
// Raw: a received message's header is the id of the pipe it came from; a
// sent message with such a header skips that pipe (so a device forwarding
// between buses never echoes).
import { SpSocket, recvBody, recvPayload, payload, payloadLen } from "../socket";
import { Pipe } from "../../pipe";
import { recvBegin, recvFrame, recvHold } from "../../socket";
import { Bytes, loadU32BE, storeU32BE } from "../../bytes";
import { distribute } from "../../fanout";
import { EINVAL } from "../../errors";
import { BUS0, PROTO_BUS0 } from "../wire";

const origin = new Bytes();

export class Bus0 extends SpSocket {
  constructor() { super(BUS0, PROTO_BUS0, PROTO_BUS0); }
  attachesEarly(): bool { return false; }
  canSend(): bool { return true; }

  send(src: usize, nframes: u32, now: f64): i32 {
    // Raw: frame 0 starts with the origin pipe's id, which is left out and
    // not sent back to (a device forwarding what it received).
    if (this.raw && (nframes == 0 || load<u32>(src) < 4 || (load<u32>(src) & 0x80000000))) return -EINVAL;
    distribute(this, src, nframes);
    return 0;
  }

  selects(p: Pipe, src: usize, nframes: u32): bool { return !this.raw || p.rawId != loadU32BE(src + 4); }
  writeTo(p: Pipe, src: usize, nframes: u32): void { p.writeMessage(0, 0, src, nframes, this.raw ? 4 : 0); }

  recv(now: f64): i32 {
    recvBegin();
    let m = this.fqNext();
    if (!m) return this.noMessage();
    if (!this.raw) return recvBody(m, 0);
    let p = this.fq.lastPipe!;
    origin.len = 0;
    origin.reserve(4);
    storeU32BE(origin.ptr, p.rawId);
    origin.len = 4;
    recvFrame(origin.ptr, 4);
    recvPayload(m, 0);
    recvHold(m);
    return 2;
  }
}

