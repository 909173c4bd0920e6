// The ZeroMQ socket: the shared socket with ZMTP's own options
// (heartbeats, routing id, immediate, conflate).
import { SocketBase, zmqErrors } from "../socket.js";
import { Opt } from "../options.js";

// Listeners accept both ZWS 2.0 subprotocols; dialers offer plain "ZWS2.0",
// since WebSocket clients (browsers, ws) refuse "ZWS2.0/NULL" as a token.
const ZWS_PROTOCOLS = ["ZWS2.0/NULL", "ZWS2.0"];

/** The ZeroMQ socket every wasmq/zmq class extends: the shared socket with ZMTP's options. */
export class Socket extends SocketBase {
  private zmtp = {
    immediate: false,
    conflate: false,
    heartbeatInterval: 0,
    heartbeatTimeToLive: 0,
    heartbeatTimeout: -1,
    routingId: null as string | null,
  };

  constructor(type: number) {
    super(type, zmqErrors);
    // ZWS 2.0 (RFC 45): a listener takes the first offered it knows.
    this.transportOptions = {
      wsProtocols: ["ZWS2.0"],
      wsSelect: (offered) => offered.find((p) => ZWS_PROTOCOLS.includes(p)) ?? false,
    };
  }

  /** Queue messages only for connections whose handshake has completed. */
  get immediate(): boolean { return this.zmtp.immediate; }
  set immediate(v: boolean) { this.setCore(Opt.Immediate, v ? 1 : 0); this.zmtp.immediate = !!v; }
  /** Keep only the newest received message (applies to received messages only). */
  get conflate(): boolean { return this.zmtp.conflate; }
  set conflate(v: boolean) { this.setCore(Opt.Conflate, v ? 1 : 0); this.zmtp.conflate = !!v; }
  /** Send a ZMTP PING every this many ms (0, the default: no heartbeats). */
  get heartbeatInterval(): number { return this.zmtp.heartbeatInterval; }
  set heartbeatInterval(v: number) { this.setCore(Opt.HeartbeatIvl, this.num("heartbeatInterval", v, 0)); this.zmtp.heartbeatInterval = v; }
  /** The time to live, ms, each PING asks of the peer: it drops the connection if nothing arrives for that long (0: none). */
  get heartbeatTimeToLive(): number { return this.zmtp.heartbeatTimeToLive; }
  set heartbeatTimeToLive(v: number) { this.setCore(Opt.HeartbeatTtl, this.num("heartbeatTimeToLive", v, 0)); this.zmtp.heartbeatTimeToLive = v; }
  /** Drop a connection when nothing arrives within this many ms after a PING (-1, the default: heartbeatInterval). */
  get heartbeatTimeout(): number { return this.zmtp.heartbeatTimeout; }
  set heartbeatTimeout(v: number) { this.setCore(Opt.HeartbeatTimeout, this.num("heartbeatTimeout", v)); this.zmtp.heartbeatTimeout = v; }
  /** The identity a ROUTER peer knows this socket by (set it before connecting). */
  get routingId(): string | null { return this.zmtp.routingId; }
  set routingId(v: string | null) {
    this.setCoreBytes(Opt.RoutingId, v ?? "");
    this.zmtp.routingId = v;
  }
}
