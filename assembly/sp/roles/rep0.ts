// REP0 (nng reqrep0/rep) answers REQ peers; XREP0 is its raw form. See responder.ts.
import { Responder, XResponder } from "./responder";
import { SpSocket } from "../socket";
import { REP0, PROTO_REP0, PROTO_REQ0 } from "../wire";

export class XRep0 extends XResponder {
  constructor() { super(REP0, PROTO_REP0, PROTO_REQ0); }
}

export class Rep0 extends Responder {
  constructor() { super(REP0, PROTO_REP0, PROTO_REQ0); }
  rawVariant(): SpSocket | null { return new XRep0(); }
}
