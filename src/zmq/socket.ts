// The ZeroMQ socket: the shared socket with ZMTP's own options
// (heartbeats, routing id, immediate, conflate).
import { SocketBase, zmqErrors, guardOptions } from "../socket.js";
import { Opt } from "../options.js";

// Listeners accept both ZWS 2.0 subprotocols; dialers offer plain "ZWS2.0",
// since WebSocket clients (browsers, ws) refuse "ZWS2.0/NULL" as a token.
const ZWS_PROTOCOLS = ["ZWS2.0/NULL", "ZWS2.0"];

/** The ZeroMQ socket every wasmq/zmq class extends: the shared socket with ZMTP's options. */
export class Socket extends SocketBase {
  // The core holds the routing id as bytes and has no numeric value to
  // read back, so the host keeps what was set.
  private _routingId: string | Buffer | null = null;

  constructor(type: number) {
    super(type, zmqErrors);
    // ZWS 2.0 (RFC 45): a listener takes the first offered it knows.
    this.transportOptions = {
      wsProtocols: ["ZWS2.0"],
      wsSelect: (offered) => offered.find((p) => ZWS_PROTOCOLS.includes(p)) ?? false,
    };
  }

  /** Queue messages only for connections whose handshake has completed. */
  get immediate(): boolean { return this.coreOption("immediate") as boolean; }
  set immediate(v: boolean) { this.setCoreOption("immediate", v); }
  /** Keep only the newest received message (applies to received messages only). */
  get conflate(): boolean { return this.coreOption("conflate") as boolean; }
  set conflate(v: boolean) { this.setCoreOption("conflate", v); }
  /** Send a ZMTP PING every this many ms (0, the default: no heartbeats). */
  get heartbeatInterval(): number { return this.coreOption("heartbeatInterval") as number; }
  set heartbeatInterval(v: number) { this.setCoreOption("heartbeatInterval", v); }
  /** The time to live, ms, each PING asks of the peer: it drops the connection if nothing arrives for that long (0: none). */
  get heartbeatTimeToLive(): number { return this.coreOption("heartbeatTimeToLive") as number; }
  set heartbeatTimeToLive(v: number) { this.setCoreOption("heartbeatTimeToLive", v); }
  /** Drop a connection when nothing arrives within this many ms after a PING (-1, the default: heartbeatInterval). */
  get heartbeatTimeout(): number { return this.coreOption("heartbeatTimeout") as number; }
  set heartbeatTimeout(v: number) { this.setCoreOption("heartbeatTimeout", v); }
  /** The identity a ROUTER peer knows this socket by (set it before connecting). */
  get routingId(): string | null { return this._routingId as string | null; }
  set routingId(v: string | null) {
    const id = this.checked<string | Buffer | null>("routingId", v);
    this.setCoreBytes(Opt.ROUTING_ID, id ?? "");
    this._routingId = id;
  }
}

guardOptions(Socket.prototype, "zmq");
