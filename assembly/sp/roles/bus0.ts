// BUS0 (nng bus0): a message goes to every directly connected peer (best
// effort: dropped for a full one) and nothing comes back to its sender.
// XBUS0 (raw): a received message's header is the id of the pipe it came
// from; a sent message with such a header skips that pipe (so a device
// forwarding between buses never echoes). The cooked socket has no header.
import { SpSocket, recvPayload } from "../socket";
import { Pipe } from "../../pipe";
import { recvBegin, recvFrame, recvHold } from "../../socket";
import { Bytes, loadU32BE, storeU32BE } from "../../bytes";
import { distribute } from "../../fanout";
import { EINVAL } from "../../errors";
import { BUS0, PROTO_BUS0 } from "../wire";

const origin = new Bytes();

export class XBus0 extends SpSocket {
  constructor() { super(BUS0, PROTO_BUS0, PROTO_BUS0); }
  attachesEarly(): bool { return false; }
  canSend(): bool { return true; }

  // Frame 0 starts with the origin pipe's id, which is left out and not sent back to.
  send(src: usize, nframes: u32, now: f64): i32 {
    if (nframes == 0 || load<u32>(src) < 4 || (load<u32>(src) & 0x80000000)) return -EINVAL;
    distribute(this, src, nframes);
    return 0;
  }
  selects(p: Pipe, src: usize, nframes: u32): bool { return p.rawId != loadU32BE(src + 4); }
  writeTo(p: Pipe, src: usize, nframes: u32): void { p.writeMessage(0, 0, src, nframes, 4); }

  recv(now: f64): i32 {
    recvBegin();
    let m = this.fqNext();
    if (!m) return this.noMessage();
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

export class Bus0 extends XBus0 {
  rawVariant(): SpSocket | null { return new XBus0(); }
  send(src: usize, nframes: u32, now: f64): i32 {
    distribute(this, src, nframes);
    return 0;
  }
  selects(p: Pipe, src: usize, nframes: u32): bool { return true; }
  writeTo(p: Pipe, src: usize, nframes: u32): void { p.writeMessage(0, 0, src, nframes, 0); }
  recv(now: f64): i32 { return this.recvQueued(); }
}
