// RESPONDENT0 (nng survey0/respond) answers SURVEYOR peers; XRESPONDENT0 is
// its raw form. See responder.ts.
import { Responder, XResponder } from "./responder";
import { SpSocket } from "../socket";
import { RESPONDENT0, PROTO_RESPONDENT0, PROTO_SURVEYOR0 } from "../wire";

export class XRespondent0 extends XResponder {
  constructor() { super(RESPONDENT0, PROTO_RESPONDENT0, PROTO_SURVEYOR0); }
}

export class Respondent0 extends Responder {
  constructor() { super(RESPONDENT0, PROTO_RESPONDENT0, PROTO_SURVEYOR0); }
  rawVariant(): SpSocket | null { return new XRespondent0(); }
}
