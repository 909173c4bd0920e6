// The host side of one core pipe: binds it to a transport connection,
// flushes its output once per event-loop turn, applies back-pressure, and
// turns the core's pipe events into socket events.
import { core, type PipeSink } from "../bindings/core.js";
import { REASON_CODES, PROTOCOL_REASONS, AUTH_REASONS, Reason } from "../bindings/shared.js";
import { transportFor, type Conn, type Listener } from "./transports/transport.js";
import type { SocketBase } from "./socket.js";
import type { EventError } from "./observer.js";

// Pipes with output waiting, flushed together on the next turn: one write
// per pipe per turn however many messages were sent.
let dirty: PipeHost[] = [];
let scheduled = false;
const later: (f: () => void) => void =
  typeof setImmediate === "function" ? (f) => { setImmediate(f); } :
  typeof MessageChannel === "function" ? nextTask() : (f) => { setTimeout(f, 0); };

// Browsers and workers have no setImmediate; a MessageChannel task runs on
// the next turn without setTimeout's 4 ms clamp or its throttling in
// background tabs.
function nextTask(): (f: () => void) => void {
  const ch = new MessageChannel();
  let queue: Array<() => void> = [];
  ch.port1.onmessage = () => {
    const q = queue;
    queue = [];
    for (let i = 0; i < q.length; i++) q[i]();
  };
  return (f) => {
    queue.push(f);
    if (queue.length === 1) ch.port2.postMessage(null);
  };
}

function flushAll(): void {
  scheduled = false;
  const list = dirty;
  dirty = [];
  for (let i = 0; i < list.length; i++) { list[i].queued = false; list[i].flush(); }
}

// zeromq.js's messages: "ZMTP protocol error" and "ZAP protocol error"
// for the protocol codes, the code itself otherwise.
function reasonError(r: number): EventError {
  const code = REASON_CODES[r] ?? "EPROTO";
  const message = code.startsWith("ERR_ZMTP_") && PROTOCOL_REASONS.has(r) ? "ZMTP protocol error"
    : code.startsWith("ERR_ZAP_") ? "ZAP protocol error" : code;
  return Object.assign(new Error(message), { code });
}

// zeromq.js's texts for the ZAP status codes (RFC 27) of handshake:error:auth.
const AUTH_TEXT: Record<number, string> = { 300: "Temporary error", 400: "Authentication failure", 500: "Internal error" };

function authError(status: number): EventError {
  const code = REASON_CODES[Reason.AUTH_FAILED];
  return Object.assign(new Error(AUTH_TEXT[status] ?? "Unknown error"), { code, status });
}

// The host part of a remote address, as ZAP requests carry it ("" for ipc and inproc).
function peerHost(remote: string): string {
  const m = /^[a-z+]+:\/\/(\[[^\]]*\]|[^:/]*)/.exec(remote);
  if (!m || !/^(tcp|ws|wss|tls\+tcp)/.test(remote)) return "";
  return m[1].replace(/^\[|\]$/g, "").replace(/^::ffff:/, "");
}

export class PipeHost implements PipeSink {
  readonly h: number;
  conn: Conn | null = null;
  private readonly messageMode: boolean;
  private blocked = false;
  /** @internal in the dirty list */ queued = false;
  private handshaken = false;
  private closeReason = 0;

  constructor(
    readonly sock: SocketBase,
    readonly address: string,
    readonly outbound: boolean,
    private redial: (() => void) | null,
    readonly listener: Listener | null = null,
  ) {
    // The framing is fixed by the transport from the start: messages queued
    // before the connection is up are already encoded for it.
    this.messageMode = !!transportFor(address).messageMode;
    this.h = core().openPipe(sock.handle, outbound, sock.ipcFraming && address.startsWith("ipc://"), this);
    core().setPipeMode(this.h, this.messageMode, false);
    sock.pipes.add(this);
  }

  attach(conn: Conn, remote = ""): void {
    this.conn = conn;
    this.blocked = false;
    this.handshaken = false;
    this.closeReason = 0;
    conn.ondata = (b) => {
      try {
        if (this.messageMode) core().inputMessage(this.h, b); else core().input(this.h, b);
      } catch (err) {
        // The core refused to go on (it ran out of memory, say): this
        // connection ends with a reason rather than taking the process down.
        this.closeReason = -1;
        conn.end();
        const error = Object.assign(new Error(`wasmq core failure: ${(err as Error).message}`), { code: "ERR_WASMQ_CORE" });
        this.sock.events.emit({ type: "disconnect", address: this.address, error });
      }
    };
    conn.ondrain = () => { this.blocked = false; this.flush(); };
    conn.onclose = (reason) => this.transportClosed(conn, reason);
    // ZWS2.0/NULL, /PLAIN, /CURVE (and their browser spellings) run the
    // mechanism's handshake; plain ZWS2.0 exchanges routing ids instead.
    core().setPipeMode(this.h, this.messageMode, !!conn.protocol && conn.protocol !== "ZWS2.0");
    // Accepted connections come with the peer's address; dialed ones know it from their socket.
    const peer = remote || conn.remote || "";
    if (peer) core().setPeerAddress(this.h, peerHost(peer));
    core().startPipe(this.h);
  }

  /** Writes what the core has for this pipe; `force` ignores back-pressure (closing). */
  flush(force = false): void {
    const c = this.conn;
    if (!c || (this.blocked && !force)) return;
    const k = core();
    const chunks = this.messageMode ? k.takeMessages(this.h) : k.takeOutput(this.h);
    if (!chunks) return;
    if (!c.write(chunks)) this.blocked = true;
    k.drain();
  }

  connectFailed(): void { core().connectFailed(this.h); }

  /** disconnect()/unbind(): forget this pipe. */
  destroy(): void {
    this.flush();
    core().destroyPipe(this.h);
  }

  private transportClosed(conn: Conn, reason?: number): void {
    if (this.conn !== conn) return;
    this.conn = null;
    this.blocked = false;
    // onClose() records the reason as if the core had refused the peer.
    if (reason && !this.closeReason) core().pipeFailed(this.h, reason);
    else core().pipeClosed(this.h);
    const r = this.closeReason;
    if (r < 0) return;
    // The peer went away before the handshake was done (a wrong key at a
    // libzmq server, a mechanism it does not speak): a failed handshake
    // without detail, as libzmq reports it.
    if (!r && !this.handshaken) {
      this.sock.events.emit({ type: "handshake:error:other", address: this.address, error: reasonError(Reason.PEER_CLOSED) });
    }
    this.sock.events.emit({
      type: "disconnect",
      address: this.address,
      ...(r && r !== Reason.PEER_CLOSED && r !== Reason.CLOSED_BY_SOCKET ? { error: reasonError(r) } : {}),
    });
  }

  // ---- core events ----

  onOutput(urgent: boolean): void {
    if (urgent) { this.flush(); return; }
    if (this.queued) return;
    this.queued = true;
    dirty.push(this);
    if (!scheduled) { scheduled = true; later(flushAll); }
  }

  onHandshake(): void {
    this.handshaken = true;
    this.sock.events.emit({ type: "handshake", address: this.address });
  }

  onClose(reason: number, detail = 0): void {
    this.closeReason = reason;
    // Send what is queued (an ERROR command, say), then end the connection.
    this.flush();
    this.conn?.end();
    if (!this.handshaken && reason !== Reason.CLOSED_BY_SOCKET) {
      if (AUTH_REASONS.has(reason)) {
        this.sock.events.emit({ type: "handshake:error:auth", address: this.address, error: authError(detail) });
        return;
      }
      const type = PROTOCOL_REASONS.has(reason) ? "handshake:error:protocol" : "handshake:error:other";
      this.sock.events.emit({ type, address: this.address, error: reasonError(reason) });
    }
  }

  onPause(): void { this.conn?.pause(); }
  onResume(): void { this.conn?.resume(); }
  onConnect(): void { this.redial?.(); }
  onReleased(): void { this.sock.pipes.delete(this); }
}
