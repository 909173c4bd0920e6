// BUS0 (nng bus0): a message goes to every directly connected peer (best
// effort: dropped for a full one) and nothing comes back to its sender.
// Raw: a received message's header is the id of the pipe it came from; a
// sent message with such a header skips that pipe (so a device forwarding
// between buses never echoes).
import { SpSocket, recvBody, recvPayload, payload, payloadLen } from "../socket";
import { SpPipe } from "../pipe";
import { Pipe } from "../../pipe";
import { recvBegin, recvFrame, recvHold } from "../../socket";
import { Bytes, loadU32BE, storeU32BE } from "../../bytes";
import { emit, EV_PIPE_DROPPED } from "../../events";
import { EINVAL } from "../../errors";
import { BUS0, PROTO_BUS0 } from "../wire";

const origin = new Bytes();

export class Bus0 extends SpSocket {
  constructor() { super(BUS0, PROTO_BUS0, PROTO_BUS0); }
  attachesEarly(): bool { return false; }
  canSend(): bool { return true; }

  send(src: usize, nframes: u32): i32 {
    let skipId: u32 = 0;
    let skipBytes: u32 = 0;
    if (this.raw) {
      if (nframes == 0 || load<u32>(src) < 4 || (load<u32>(src) & 0x80000000)) return -EINVAL;
      skipId = loadU32BE(src + 4);
      skipBytes = 4;
    }
    let a = this.attached;
    for (let i = 0, n = a.length; i < n; i++) {
      let p = <SpPipe>a[i];
      if (skipBytes && p.rawId == skipId) continue;
      if (p.full) { emit(EV_PIPE_DROPPED, p.handle, 1, 0); continue; }
      p.writeMessage(0, 0, src, nframes, skipBytes);
    }
    return 0;
  }

  recv(): i32 {
    recvBegin();
    let m = this.fqNext();
    if (!m) return this.noMessage();
    if (!this.raw) return recvBody(m, 0);
    let p = <SpPipe>this.fq.lastPipe!;
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

