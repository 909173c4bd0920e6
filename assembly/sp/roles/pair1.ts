// PAIR1 (nng pair1, no polyamorous mode): one peer; each message carries a
// 32-bit hop count. A fresh message leaves with 1; a raw (device) sender
// forwards with the count incremented. Receivers close the pipe on a
// header shorter than 4 bytes or a count above 0xFF, and drop a message
// whose count exceeds maxTtl.
import { Pair0 } from "./pair0";
import { SpSocket } from "../socket";
import { Pipe } from "../../pipe";
import { payload, payloadLen } from "../socket";
import { msgFree } from "../../msg";
import { loadU32BE, storeU32BE } from "../../bytes";
import { R_SP_MALFORMED, EINVAL } from "../../errors";
import { PAIR1, PROTO_PAIR1 } from "../wire";

const hop = memory.data(4);

// XPAIR1 (raw): frame 0 of a send starts with the count it was received
// with, forwarded incremented (a device); received messages show theirs.
export class XPair1 extends Pair0 {
  constructor() { super(PAIR1, PROTO_PAIR1); }

  headerLen(): u32 { return 4; }

  send(src: usize, nframes: u32, now: f64): i32 {
    let p = this.only;
    if (!p || p.full) return this.blocked();
    if (nframes == 0 || load<u32>(src) < 4 || (load<u32>(src) & 0x80000000)) return -EINVAL;
    let count = loadU32BE(src + 4) + 1;
    if (count > <u32>this.opts.maxTtl) return 0;
    storeU32BE(hop, count);
    p.writeMessage(hop, 4, src, nframes, 4);
    return 0;
  }

  deliver(p: Pipe, m: usize, now: f64): void {
    let n = payloadLen(m);
    if (n < 4) { msgFree(m); p.fail(R_SP_MALFORMED, now); return; }
    let count = loadU32BE(payload(m));
    if (count > 0xff) { msgFree(m); p.fail(R_SP_MALFORMED, now); return; }
    if (count > <u32>this.opts.maxTtl) { msgFree(m); return; }
    this.queueIn(p, m);
  }
}

// The cooked socket: every message leaves with a count of 1.
export class Pair1 extends XPair1 {
  rawVariant(): SpSocket | null { return new XPair1(); }
  send(src: usize, nframes: u32, now: f64): i32 {
    let p = this.only;
    if (!p || p.full) return this.blocked();
    storeU32BE(hop, 1);
    p.writeMessage(hop, 4, src, nframes);
    return 0;
  }
}
