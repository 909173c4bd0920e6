// REP0 (nng reqrep0/rep): answers REQ peers; see responder.ts.
import { Responder } from "./responder";
import { REP0, PROTO_REP0, PROTO_REQ0 } from "../wire";

export class Rep0 extends Responder {
  constructor() { super(REP0, PROTO_REP0, PROTO_REQ0); }
}
