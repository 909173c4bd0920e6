// Socket option ids shared with bindings/core.ts. Numeric options travel as f64,
// byte-string options through the input region.
import { SP_MAX_MAX_TTL } from "./sp/wire";

export const OPT_SNDHWM: i32 = 1;
export const OPT_RCVHWM: i32 = 2;
export const OPT_MAXMSGSIZE: i32 = 3;
export const OPT_IMMEDIATE: i32 = 4;
export const OPT_HEARTBEAT_IVL: i32 = 5;
export const OPT_HEARTBEAT_TTL: i32 = 6;
export const OPT_HEARTBEAT_TIMEOUT: i32 = 7;
export const OPT_HANDSHAKE_IVL: i32 = 8;
export const OPT_RECONNECT_IVL: i32 = 9;
export const OPT_RECONNECT_IVL_MAX: i32 = 10;
export const OPT_ROUTER_MANDATORY: i32 = 11;
export const OPT_ROUTER_HANDOVER: i32 = 12;
export const OPT_REQ_CORRELATE: i32 = 13;
export const OPT_REQ_RELAXED: i32 = 14;
export const OPT_XPUB_VERBOSITY: i32 = 15;   // 0 first only, 1 all subs, 2 all subs and unsubs
export const OPT_XPUB_MANUAL: i32 = 16;
export const OPT_CONFLATE: i32 = 17;
export const OPT_MAX_FRAMES: i32 = 18;

export const OPT_ROUTING_ID: i32 = 20;       // bytes
export const OPT_SUBSCRIBE: i32 = 21;        // bytes
export const OPT_UNSUBSCRIBE: i32 = 22;      // bytes

// SP (nng/nanomsg) options.
export const OPT_RAW: i32 = 30;
export const OPT_MAX_TTL: i32 = 31;
export const OPT_RESEND_IVL: i32 = 32;
export const OPT_SURVEY_TIME: i32 = 33;
export const OPT_SEND_PRIORITY: i32 = 34;
export const OPT_RECV_PRIORITY: i32 = 35;

export class Options {
  sndhwm: i32 = 1000;
  rcvhwm: i32 = 1000;
  maxmsgsize: f64 = -1;
  maxFrames: i32 = 65536;
  immediate: bool = false;
  heartbeatIvl: f64 = 0;
  heartbeatTtl: f64 = 0;
  heartbeatTimeout: f64 = -1;   // -1: same as the interval (libzmq)
  handshakeIvl: f64 = 30000;
  reconnectIvl: f64 = 100;
  reconnectIvlMax: f64 = 0;
  routerMandatory: bool = false;
  routerHandover: bool = false;
  reqCorrelate: bool = false;
  reqRelaxed: bool = false;
  xpubVerbosity: i32 = 0;
  xpubManual: bool = false;
  conflate: bool = false;
  // SP only; SpSocket sets the defaults (sp/wire.ts B6).
  raw: bool = false;
  maxTtl: i32 = 0;
  resendIvl: f64 = 0;
  surveyTime: f64 = 0;
  sendPriority: i32 = 8;
  recvPriority: i32 = 8;

  // The value of a numeric option (NaN for an unknown id).
  get(opt: i32): f64 {
    switch (opt) {
      case OPT_SNDHWM: return <f64>this.sndhwm;
      case OPT_RCVHWM: return <f64>this.rcvhwm;
      case OPT_MAXMSGSIZE: return this.maxmsgsize;
      case OPT_MAX_FRAMES: return <f64>this.maxFrames;
      case OPT_IMMEDIATE: return this.immediate ? 1 : 0;
      case OPT_HEARTBEAT_IVL: return this.heartbeatIvl;
      case OPT_HEARTBEAT_TTL: return this.heartbeatTtl;
      case OPT_HEARTBEAT_TIMEOUT: return this.heartbeatTimeout;
      case OPT_HANDSHAKE_IVL: return this.handshakeIvl;
      case OPT_RECONNECT_IVL: return this.reconnectIvl;
      case OPT_RECONNECT_IVL_MAX: return this.reconnectIvlMax;
      case OPT_ROUTER_MANDATORY: return this.routerMandatory ? 1 : 0;
      case OPT_ROUTER_HANDOVER: return this.routerHandover ? 1 : 0;
      case OPT_REQ_CORRELATE: return this.reqCorrelate ? 1 : 0;
      case OPT_REQ_RELAXED: return this.reqRelaxed ? 1 : 0;
      case OPT_XPUB_VERBOSITY: return <f64>this.xpubVerbosity;
      case OPT_XPUB_MANUAL: return this.xpubManual ? 1 : 0;
      case OPT_CONFLATE: return this.conflate ? 1 : 0;
      case OPT_RAW: return this.raw ? 1 : 0;
      case OPT_MAX_TTL: return <f64>this.maxTtl;
      case OPT_RESEND_IVL: return this.resendIvl;
      case OPT_SURVEY_TIME: return this.surveyTime;
      case OPT_SEND_PRIORITY: return <f64>this.sendPriority;
      case OPT_RECV_PRIORITY: return <f64>this.recvPriority;
      default: return NaN;
    }
  }

  set(opt: i32, v: f64): bool {
    switch (opt) {
      case OPT_SNDHWM: this.sndhwm = <i32>v; break;
      case OPT_RCVHWM: this.rcvhwm = <i32>v; break;
      case OPT_MAXMSGSIZE: this.maxmsgsize = v; break;
      case OPT_MAX_FRAMES: this.maxFrames = <i32>v; break;
      case OPT_IMMEDIATE: this.immediate = v != 0; break;
      case OPT_HEARTBEAT_IVL: this.heartbeatIvl = v; break;
      case OPT_HEARTBEAT_TTL: this.heartbeatTtl = v; break;
      case OPT_HEARTBEAT_TIMEOUT: this.heartbeatTimeout = v; break;
      case OPT_HANDSHAKE_IVL: this.handshakeIvl = v; break;
      case OPT_RECONNECT_IVL: this.reconnectIvl = v; break;
      case OPT_RECONNECT_IVL_MAX: this.reconnectIvlMax = v; break;
      case OPT_ROUTER_MANDATORY: this.routerMandatory = v != 0; break;
      case OPT_ROUTER_HANDOVER: this.routerHandover = v != 0; break;
      case OPT_REQ_CORRELATE: this.reqCorrelate = v != 0; break;
      case OPT_REQ_RELAXED: this.reqRelaxed = v != 0; break;
      case OPT_XPUB_VERBOSITY: this.xpubVerbosity = <i32>v; break;
      case OPT_XPUB_MANUAL: this.xpubManual = v != 0; break;
      case OPT_CONFLATE: this.conflate = v != 0; break;
      case OPT_RAW: this.raw = v != 0; break;
      case OPT_MAX_TTL: if (v < 1 || v > <f64>SP_MAX_MAX_TTL) return false; this.maxTtl = <i32>v; break;
      case OPT_RESEND_IVL: this.resendIvl = v; break;
      case OPT_SURVEY_TIME: this.surveyTime = v; break;
      case OPT_SEND_PRIORITY: if (v < 1 || v > 16) return false; this.sendPriority = <i32>v; break;
      case OPT_RECV_PRIORITY: if (v < 1 || v > 16) return false; this.recvPriority = <i32>v; break;
      default: return false;
    }
    return true;
  }
}
