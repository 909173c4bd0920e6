// RESPONDENT0 (nng survey0/respond): answers SURVEYOR peers; see responder.ts.
import { Responder } from "./responder";
import { RESPONDENT0, PROTO_RESPONDENT0, PROTO_SURVEYOR0 } from "../wire";

export class Respondent0 extends Responder {
  constructor() { super(RESPONDENT0, PROTO_RESPONDENT0, PROTO_SURVEYOR0); }
}
