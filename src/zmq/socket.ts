// The ZeroMQ socket: the shared socket with ZMTP's own options
// (heartbeats, routing id, immediate, conflate).
import { SocketBase, zmqErrors } from "../socket.js";
import { Opt } from "../options.js";

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
  }

  get immediate(): boolean { return this.zmtp.immediate; }
  set immediate(v: boolean) { this.setCore(Opt.Immediate, v ? 1 : 0); this.zmtp.immediate = !!v; }
  get conflate(): boolean { return this.zmtp.conflate; }
  set conflate(v: boolean) { this.setCore(Opt.Conflate, v ? 1 : 0); this.zmtp.conflate = !!v; }
  get heartbeatInterval(): number { return this.zmtp.heartbeatInterval; }
  set heartbeatInterval(v: number) { this.setCore(Opt.HeartbeatIvl, this.num("heartbeatInterval", v, 0)); this.zmtp.heartbeatInterval = v; }
  get heartbeatTimeToLive(): number { return this.zmtp.heartbeatTimeToLive; }
  set heartbeatTimeToLive(v: number) { this.setCore(Opt.HeartbeatTtl, this.num("heartbeatTimeToLive", v, 0)); this.zmtp.heartbeatTimeToLive = v; }
  get heartbeatTimeout(): number { return this.zmtp.heartbeatTimeout; }
  set heartbeatTimeout(v: number) { this.setCore(Opt.HeartbeatTimeout, this.num("heartbeatTimeout", v)); this.zmtp.heartbeatTimeout = v; }
  get routingId(): string | null { return this.zmtp.routingId; }
  set routingId(v: string | null) {
    this.setCoreBytes(Opt.RoutingId, v ?? "");
    this.zmtp.routingId = v;
  }
}
