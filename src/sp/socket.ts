// The SP (nanomsg/nng) socket: the shared socket with nng's option names and
// error codes, SP's IPC framing on ipc://, and raw mode fixed at construction.
import { SocketBase, guardOptions, type ErrorStyle } from "../socket.js";
import { zmqError, fromErrno } from "../errors.js";
import { Errno, SP_WS_NAMES } from "../../bindings/shared.js";

const spErrors: ErrorStyle = {
  closed: () => zmqError("ECLOSED", "Socket is closed"),
  abandoned: () => zmqError("ECLOSED", "Socket was closed"),
  timedOut: () => fromErrno(-Errno.ETIMEDOUT),
};

/** Options only a wasmq/sp constructor takes. */
export interface SpOptions {
  /** Raw mode (for devices): protocol headers are exposed as a first frame. */
  raw?: boolean;
}

/** The SP socket every wasmq/sp class extends: the shared socket with nng's options. */
export class SpSocket extends SocketBase {
  private _name = "";

  constructor(type: number, options: SpOptions | undefined) {
    super(type, spErrors);
    this.ipcFraming = true;
    // SP over WebSocket: a dialer offers "<the listener's name>.sp.nanomsg.org",
    // a listener takes only its own (the names come from the core's sp/wire.ts).
    const [self, peer] = SP_WS_NAMES[type];
    const mine = `${self}.sp.nanomsg.org`;
    this.transportOptions = {
      // SP's wire may go inside TLS (tls+tcp://, nng's tls transport).
      family: "sp",
      wsProtocols: [`${peer}.sp.nanomsg.org`],
      wsSelect: (offered) => offered.find((p) => p.toLowerCase() === mine) ?? false,
      // The ws transport enforces the limit itself; the core's default is SP's.
      maxMessageSize: this.maxMessageSize,
    };
    // Raw mode is fixed at construction (configure() skips it): checked here
    // like any option, but a failure must not leak the core socket.
    const raw = options?.raw;
    if (raw !== undefined) {
      try {
        this.setCoreOption("raw", raw);
      } catch (err) {
        this.abandon();
        throw err;
      }
    }
  }

  /** Raw mode (set in the constructor options). */
  get raw(): boolean { return this.coreOption("raw") as boolean; }

  /** Hops a request/survey/pair1 message may take before it is dropped (1..15). */
  get maxTtl(): number { return this.coreOption("maxTtl") as number; }
  set maxTtl(v: number) { this.setCoreOption("maxTtl", v); }
  /** nanomsg: priority (1 highest .. 16) of endpoints added after this is set, for sending. */
  get sendPriority(): number { return this.coreOption("sendPriority") as number; }
  set sendPriority(v: number) { this.setCoreOption("sendPriority", v); }
  /** nanomsg: priority (1 highest .. 16) of endpoints added after this is set, for receiving. */
  get receivePriority(): number { return this.coreOption("receivePriority") as number; }
  set receivePriority(v: number) { this.setCoreOption("receivePriority", v); }
  /** TCP_NODELAY for connections made after this is set (default true). */
  get tcpNoDelay(): boolean { return this.transportOptions.noDelay !== false; }
  set tcpNoDelay(v: boolean) { this.transportOptions = { ...this.transportOptions, noDelay: this.checked("tcpNoDelay", v) }; }
  /** Resolve host names to IPv4 only, for connections made after this is set. */
  get ipv4Only(): boolean { return !!this.transportOptions.ipv4Only; }
  set ipv4Only(v: boolean) { this.transportOptions = { ...this.transportOptions, ipv4Only: this.checked("ipv4Only", v) }; }
  /** A name for the socket (diagnostics). */
  get name(): string { return this._name; }
  set name(v: string) { this._name = this.checked("name", v); }
}

guardOptions(SpSocket.prototype, "sp");
