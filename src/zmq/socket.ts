// The ZeroMQ socket: the shared socket with ZMTP's own options
// (heartbeats, routing id, immediate, conflate).
import { SocketBase, zmqErrors, guardOptions } from "../socket.js";
import { Opt, optionError } from "../options.js";
import { core } from "../../bindings/core.js";
import { keyBytes } from "./keys.js";
import { z85Encode } from "./z85.js";
import { installZapCourier } from "./zap-courier.js";

// ZWS 2.0 subprotocols (RFC 45), by mechanism. Listeners accept libzmq's
// spellings ("ZWS2.0/CURVE") and the ones WebSocket clients can offer:
// browsers and the ws package refuse "/" in a subprotocol token (RFC 6455
// section 4.1), so wasmq's dialers offer "ZWS2.0+PLAIN" and "ZWS2.0+CURVE",
// and plain "ZWS2.0" for NULL. A secured socket never accepts a weaker one.
const ZWS_LISTEN: Record<string, string[]> = {
  null: ["ZWS2.0/NULL", "ZWS2.0"],
  plain: ["ZWS2.0/PLAIN", "ZWS2.0+PLAIN"],
  curve: ["ZWS2.0/CURVE", "ZWS2.0+CURVE"],
};
const ZWS_DIAL: Record<string, string> = { null: "ZWS2.0", plain: "ZWS2.0+PLAIN", curve: "ZWS2.0+CURVE" };

// Why a socket's security settings cannot start a connection (SEC_* of assembly/zmtp/security.ts).
const SECURITY_PROBLEMS: Record<number, string> = {
  1: "a CURVE client needs curveServerKey (the server's public key)",
  2: "a CURVE client needs its own key pair (curvePublicKey and curveSecretKey)",
  3: "a CURVE server needs curveSecretKey",
  4: "curvePublicKey is not the public key of curveSecretKey",
};

type Mechanism = null | "plain" | "curve";

/** The ZeroMQ socket every wasmq/zmq class extends: the shared socket with ZMTP's options. */
export class Socket extends SocketBase {
  // The core holds the routing id as bytes and has no numeric value to
  // read back, so the host keeps what was set.
  private _routingId: string | Buffer | null = null;
  // Credentials as they were set, for reading back (the core holds bytes).
  private _plainUsername: string | null = null;
  private _plainPassword: string | null = null;
  private _curveKeys: Record<string, string | null> = { curvePublicKey: null, curveSecretKey: null, curveServerKey: null };
  private _zapDomain = "";

  constructor(type: number) {
    super(type, zmqErrors);
    installZapCourier();
    this.wsProtocolsFor(null);
  }

  // ZWS 2.0 (RFC 45): a listener takes the first offered it knows for this socket's mechanism.
  private wsProtocolsFor(m: Mechanism): void {
    const accepted = ZWS_LISTEN[String(m)];
    this.transportOptions = {
      ...this.transportOptions,
      wsProtocols: [ZWS_DIAL[String(m)]],
      wsSelect: (offered) => offered.find((p) => accepted.includes(p)) ?? false,
    };
  }

  private setSecurityNumber(name: string, v: unknown): void {
    this.setCoreOption(name, v);
    this.wsProtocolsFor(this.securityMechanism);
  }

  private setSecurityBytes(opt: number, bytes: Uint8Array | string | null): void {
    this.setCoreBytes(opt, bytes ?? "");
    this.wsProtocolsFor(this.securityMechanism);
  }

  /** @internal */
  protected override checkEndpointSettings(): void {
    const problem = core().securityCheck(this.handle);
    if (problem > 0) throw optionError(`Cannot start a connection: ${SECURITY_PROBLEMS[problem] ?? `security setting ${problem}`}`);
  }

  /** The security mechanism new connections use: null (NULL), "plain" or "curve". */
  get securityMechanism(): Mechanism {
    return this.coreOption("securityMechanism") as Mechanism;
  }

  /** Be the PLAIN server (RFC 24): clients' user names and passwords go to the ZAP handler. */
  get plainServer(): boolean { return this.coreOption("plainServer") as boolean; }
  set plainServer(v: boolean) { this.setSecurityNumber("plainServer", v); }
  /** The PLAIN user name this client sends (setting it makes the socket a PLAIN client; null: NULL). */
  get plainUsername(): string | null { return this._plainUsername; }
  set plainUsername(v: string | null) {
    const u = this.checked<string | Buffer | null>("plainUsername", v);
    this.setSecurityBytes(Opt.PLAIN_USERNAME, u);
    this._plainUsername = u === null || u === "" ? null : String(u);
  }
  /** The PLAIN password this client sends. */
  get plainPassword(): string | null { return this._plainPassword; }
  set plainPassword(v: string | null) {
    const w = this.checked<string | Buffer | null>("plainPassword", v);
    this.setSecurityBytes(Opt.PLAIN_PASSWORD, w);
    this._plainPassword = w === null || w === "" ? null : String(w);
  }

  /** Be the CURVE server (RFC 26): needs curveSecretKey; clients must know its public key. */
  get curveServer(): boolean { return this.coreOption("curveServer") as boolean; }
  set curveServer(v: boolean) { this.setSecurityNumber("curveServer", v); }
  /** This socket's long-term public key (Z85). A server's is derived from its secret key if unset. */
  get curvePublicKey(): string | null { return this._curveKeys.curvePublicKey; }
  set curvePublicKey(v: string | null) { this.setCurveKey("curvePublicKey", Opt.CURVE_PUBLICKEY, v); }
  /** This socket's long-term secret key (Z85 or 32 bytes). */
  get curveSecretKey(): string | null { return this._curveKeys.curveSecretKey; }
  set curveSecretKey(v: string | null) { this.setCurveKey("curveSecretKey", Opt.CURVE_SECRETKEY, v); }
  /** The server's public key a CURVE client expects (setting it makes the socket a CURVE client). */
  get curveServerKey(): string | null { return this._curveKeys.curveServerKey; }
  set curveServerKey(v: string | null) { this.setCurveKey("curveServerKey", Opt.CURVE_SERVERKEY, v); }

  private setCurveKey(name: string, opt: number, v: unknown): void {
    const k = this.checked<string | Uint8Array | null>(name, v);
    if (k === null) throw optionError(`Option "${name}" cannot be unset; set curveServer = false (or another mechanism) instead`);
    const bytes = keyBytes(`Option "${name}"`, k);
    this.setSecurityBytes(opt, bytes);
    this._curveKeys[name] = z85Encode(bytes);
    bytes.fill(0);
  }

  /** The ZAP domain (RFC 27) this socket's handshakes name; with NULL, setting one makes the ZAP handler decide. */
  get zapDomain(): string { return this._zapDomain; }
  set zapDomain(v: string) {
    const d = this.checked<string | Buffer | null>("zapDomain", v);
    this.setCoreBytes(Opt.ZAP_DOMAIN, d ?? "");
    this._zapDomain = d === null ? "" : String(d);
  }
  /** Fail handshakes that find no ZAP handler instead of letting them through (ZMQ_ZAP_ENFORCE_DOMAIN). */
  get zapEnforceDomain(): boolean { return this.coreOption("zapEnforceDomain") as boolean; }
  set zapEnforceDomain(v: boolean) { this.setCoreOption("zapEnforceDomain", v); }

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
