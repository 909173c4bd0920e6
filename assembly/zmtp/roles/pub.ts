// PUB (RFC 29): XPUB without the upward channel; cannot receive.
import { XPub } from "./xpub";
import { PUB } from "../wire";
import { ENOTSUP } from "../../errors";

export class Pub extends XPub {
  constructor() { super(PUB); this.reportsUpstream = false; }
  recv(now: f64): i32 { return -ENOTSUP; }
}
