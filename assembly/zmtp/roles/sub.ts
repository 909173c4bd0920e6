// SUB (RFC 29): XSUB whose subscriptions come from the subscribe option.
import { XSub } from "./xsub";
import { SUB } from "../wire";
import { ENOTSUP } from "../../errors";
import { OPT_SUBSCRIBE, OPT_UNSUBSCRIBE } from "../../options";

export class Sub extends XSub {
  constructor() { super(SUB); }
  canSend(): bool { return false; }
  send(src: usize, nframes: u32, now: f64): i32 { return -ENOTSUP; }
  setBytes(opt: i32, p: usize, n: u32): i32 {
    if (opt == OPT_SUBSCRIBE) { this.subscribe(true, p, n); return 0; }
    if (opt == OPT_UNSUBSCRIBE) { this.subscribe(false, p, n); return 0; }
    return super.setBytes(opt, p, n);
  }
}
