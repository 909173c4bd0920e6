// The socket both families extend (src/zmq/socket.ts, src/sp/socket.ts):
// endpoints (bind/connect), the promise API over the core's send/recv,
// linger, the options they share, events.
//
// Options are checked against the option table (options.ts); those the core
// holds are read back from it, not from copies kept here.
//
// Per message this does one core call and no allocation beyond the frames
// themselves: a send that the core accepts resolves with a shared settled
// promise; a receive with a message waiting resolves at once. Output is
// flushed once per event-loop turn per pipe (pipe-host.ts), never per message.
import { core, type Frame, type SocketSink } from "../bindings/core.js";
import { setLongTimeout, clearLongTimeout, type LongTimer } from "../bindings/timers.js";
import { Observer } from "./observer.js";
import { zmqError, fromErrno, type ZmqError } from "./errors.js";
import { PipeHost } from "./pipe-host.js";
import {
  transportFor, type Listener, type Dialing, type Conn, type Transport, type TransportOptions,
  type TlsSettings, type TlsConfig, type TlsAuthMode, type HandshakeError,
} from "./transports/transport.js";
import {
  admit, appliesTo, checkValue, optionRow, familyOf, toCore, fromCore, optionError, endpointOptions, mergeTls, hasTls, tlsField,
  type Family, type OptionSpec,
} from "./options.js";
import { Errno, Poll, OPTIONS } from "../bindings/shared.js";

const EAGAIN = -Errno.EAGAIN;
const RESOLVED: Promise<void> = Promise.resolve();

/** One message frame: a Buffer or Uint8Array, a string (sent as UTF-8), an ArrayBuffer, or null (an empty frame). */
export type MessageLike = Frame | ArrayBuffer | null;
/** What send() takes: one frame, or an array of frames (wasmq/zmq: one multipart message; wasmq/sp: concatenated into one body). */
export type Message = MessageLike | MessageLike[];

interface SendWaiter {
  frames: Frame[];
  resolve: () => void;
  reject: (e: Error) => void;
  timer: LongTimer | null;
}

interface RecvWaiter {
  resolve: (m: Buffer[]) => void;
  reject: (e: Error) => void;
  timer: LongTimer | null;
}

function toFrame(f: MessageLike): Frame {
  if (f === null || f === undefined) return EMPTY;
  if (typeof f === "string" || f instanceof Uint8Array) return f;
  if (f instanceof ArrayBuffer) return new Uint8Array(f);
  throw zmqError("EINVAL", "Message frames must be Buffers, Uint8Arrays, ArrayBuffers, strings or null");
}
const EMPTY = new Uint8Array(0);

/**
 * The options bind() and connect() take for one endpoint: the TLS options,
 * as the socket has them, for this endpoint only (over the socket's own).
 */
export interface EndpointOptions {
  tlsConfig?: TlsConfig | null;
  tlsCaFile?: string | null;
  tlsCertKeyFile?: string | null;
  tlsAuthMode?: TlsAuthMode | null;
  tlsServerName?: string | null;
}

/** A connect() endpoint: one session pipe that redials with back-off. */
class ConnectEndpoint {
  pipe: PipeHost;
  dialing: Dialing | null = null;

  /** `tls`: the endpoint's TLS settings, fixed when connect() was called (a TLS transport only). */
  constructor(readonly sock: SocketBase, readonly address: string, readonly tls?: TlsSettings) {
    this.pipe = new PipeHost(sock, address, true, () => this.dial());
  }

  /** `first`: a malformed address throws to the caller of connect() instead of being retried forever. */
  dial(first = false): void {
    if (this.sock.closed && !this.sock.lingering) return;
    const options = this.tls ? { ...this.sock.transportOptions, tls: this.tls } : this.sock.transportOptions;
    try {
      const dialing = transportFor(this.address).connect(
        this.address,
        (conn) => {
          this.dialing = null;
          if (this.sock.lingering) conn.unref();
          this.sock.events.emit({ type: "connect", address: this.address });
          this.pipe.attach(conn);
        },
        (err) => {
          this.dialing = null;
          // Connected, then refused in the TLS handshake (a certificate or
          // host name that does not verify): said as such before the retry.
          const h = (err as HandshakeError).handshake;
          if (h) this.sock.events.emit({ type: `handshake:error:${h}`, address: this.address, error: err as HandshakeError });
          this.sock.events.emit({
            type: "connect:retry",
            address: this.address,
            interval: this.sock.reconnectInterval,
            error: Object.assign(err, { code: (err as ZmqError).code ?? "ECONNREFUSED" }),
          });
          this.pipe.connectFailed();
        },
        options,
      );
      this.dialing = dialing;
      if (this.sock.lingering) dialing.unref();
    } catch (err) {
      if (first) throw err;
      this.sock.events.emit({ type: "connect:retry", address: this.address, error: err as ZmqError });
      this.pipe.connectFailed();
    }
  }

  close(): void {
    this.dialing?.cancel();
    this.dialing = null;
    this.pipe.destroy();
  }
}

/** How a family names its errors (zeromq.js or nng conventions). */
export interface ErrorStyle {
  /** An operation on a closed socket. */
  closed(): ZmqError;
  /** A pending send/receive when the socket closes. */
  abandoned(): ZmqError;
  /** sendTimeout/receiveTimeout expired. */
  timedOut(): ZmqError;
}

export const zmqErrors: ErrorStyle = {
  closed: () => zmqError("EBADF", "Socket is closed", { errno: Errno.EBADF }),
  abandoned: () => zmqError("EAGAIN", "Socket was closed", { errno: Errno.EAGAIN }),
  timedOut: () => fromErrno(EAGAIN),
};

export class SocketBase implements SocketSink {
  private readonly _events = new Observer();
  private readonly _type: number;
  /** @internal which option table applies: wasmq/zmq's or wasmq/sp's. */ readonly family: Family;
  /** @internal */ readonly handle: number;
  /** @internal */ readonly pipes = new Set<PipeHost>();
  private listeners = new Map<string, { listener: Listener; address: string }>();
  private endpoints = new Map<string, ConnectEndpoint>();
  private sendWaiters: SendWaiter[] = [];
  private recvWaiters: RecvWaiter[] = [];
  private _closed = false;
  private _lastEndpoint: string | null = null;
  // The options the host holds (the core has no use for them); the others
  // live in the core only.
  protected host: { sendTimeout: number; receiveTimeout: number; linger: number };
  // What the core held when the socket closed: its getters still answer.
  private final: Map<number, number> | null = null;

  /** @internal SP speaks its IPC framing on ipc:// (ZMTP frames the same everywhere). */
  ipcFraming = false;
  /** @internal options for the transports this socket opens. */
  transportOptions: TransportOptions = {};

  constructor(type: number, protected errors: ErrorStyle = zmqErrors) {
    this._type = type;
    this.family = familyOf(type);
    this.handle = core().openSocket(type, this);
    this.host = {
      sendTimeout: this.tableDefault("sendTimeout") as number,
      receiveTimeout: this.tableDefault("receiveTimeout") as number,
      linger: this.tableDefault("linger") as number,
    };
  }

  /**
   * Sets options from a constructor's object, once the subclass's own fields
   * exist, each checked as a property set is; then seals the socket.
   * An option given as undefined is left at its default.
   */
  protected configure(options: object | null | undefined): void {
    try {
      if (options !== undefined && options !== null) {
        if (typeof options !== "object") throw optionError("Options must be an object");
        const given = options as Record<string, unknown>;
        for (const name of Object.keys(given)) {
          if (given[name] === undefined) continue;
          const o = admit(this._type, name, true);
          if (o.access === "init") continue; // taken by the constructor already
          (this as unknown as Record<string, unknown>)[name] = given[name];
        }
      }
    } catch (err) {
      this.abandon();
      throw err;
    }
    // Sealed, as zeromq.js seals its sockets: assigning a property the socket
    // does not have (a misspelt option) throws a TypeError in strict code
    // instead of adding a field nobody reads. Only wasmq's own classes, two
    // levels below this one (Dealer → Socket → SocketBase), seal: a user's
    // subclass of them may still add fields of its own.
    const own = Object.getPrototypeOf(Object.getPrototypeOf(Object.getPrototypeOf(this))) === SocketBase.prototype;
    if (own) Object.seal(this);
  }

  /** @internal the constructor throws: the core socket must not outlive it. */
  protected abandon(): void {
    core().closeSocket(this.handle);
    this._closed = true;
  }

  // ---- state ----

  /** Socket events: accept, connect, handshake, disconnect, ... */
  get events(): Observer { return this._events; }
  /** The socket type, as the core numbers it. */
  get type(): number { return this._type; }
  /** Whether close() has been called. */
  get closed(): boolean { return this._closed; }
  /** Whether a message can be received now, without waiting. */
  get readable(): boolean { return !this._closed && (core().poll(this.handle) & Poll.READABLE) !== 0; }
  /** Whether a message can be sent now, without waiting. */
  get writable(): boolean { return !this._closed && (core().poll(this.handle) & Poll.WRITABLE) !== 0; }
  /** The endpoint last bound (with the port that tcp://host:0 picked) or connected; null before either. */
  get lastEndpoint(): string | null { return this._lastEndpoint; }

  // ---- endpoints ----

  /**
   * Listens on an endpoint (tcp://host:port, port 0 for any free one; ipc://path; inproc://name;
   * ws:// and wss://; SP: tls+tcp://); resolves once listening. `options`: TLS options for this endpoint only.
   */
  async bind(address: string, options?: EndpointOptions): Promise<void> {
    this.assertOpen();
    if (typeof address !== "string") throw zmqError("EINVAL", "Address must be a string");
    this.checkEndpointSettings();
    const t = transportFor(address);
    const transportOptions = this.endpointTransport(address, t, options);
    let listener: Listener | null = null;
    // inproc dialers that were waiting connect during listen(), before it returns.
    const early: Array<[Conn, string]> = [];
    // A connection that failed its TLS handshake never became a pipe.
    const refused = (error: HandshakeError): void => {
      this.events.emit({ type: `handshake:error:${error.handshake}`, address: listener?.endpoint ?? address, error });
    };
    try {
      listener = await t.listen(address, (conn, remote) => { if (listener) this.accept(conn, listener, remote); else early.push([conn, remote]); }, transportOptions, refused);
    } catch (err) {
      const e = err as ZmqError;
      this.events.emit({ type: "bind:error", address, error: e });
      throw zmqError(e.code ?? "EINVAL", e.message, { address });
    }
    if (this._closed) { await listener.close(); throw this.errors.closed(); }
    for (const [conn, remote] of early) this.accept(conn, listener, remote);
    this.listeners.set(address, { listener, address });
    if (listener.endpoint !== address) this.listeners.set(listener.endpoint, { listener, address });
    this._lastEndpoint = listener.endpoint;
    this.events.emit({ type: "bind", address: listener.endpoint });
  }

  /** Stops listening on an endpoint passed to bind() (or its lastEndpoint form) and closes the connections accepted through it. */
  async unbind(address: string): Promise<void> {
    this.assertOpen();
    const entry = this.listeners.get(address);
    if (!entry) throw zmqError("ENOENT", `No such endpoint: ${address}`, { address });
    for (const [k, v] of this.listeners) if (v.listener === entry.listener) this.listeners.delete(k);
    // Connections accepted through this endpoint go with it (as libzmq).
    for (const p of this.pipes) if (p.listener === entry.listener) p.destroy();
    await entry.listener.close();
    this.events.emit({ type: "close", address: entry.listener.endpoint });
  }

  /**
   * Connects to an endpoint in the background, redialing with back-off whenever the connection is
   * refused or lost. `options`: TLS options for this endpoint only.
   */
  connect(address: string, options?: EndpointOptions): void {
    this.assertOpen();
    if (typeof address !== "string") throw zmqError("EINVAL", "Address must be a string");
    this.checkEndpointSettings();
    const t = transportFor(address); // throws for unknown schemes
    const tls = this.endpointTransport(address, t, options).tls;
    if (this.endpoints.has(address)) return;
    // The endpoint's own copy: what it dials with stays what it was made with.
    const ep = new ConnectEndpoint(this, address, t.tls ? { ...tls } : undefined);
    try {
      ep.dial(true);
    } catch (err) {
      ep.close();
      const e = err as ZmqError;
      throw zmqError(e.code ?? "EINVAL", e.message, { address });
    }
    this.endpoints.set(address, ep);
    this._lastEndpoint = address;
  }

  /** @internal throws if the socket's settings cannot start a connection (a family's security settings, say). */
  protected checkEndpointSettings(): void {}

  /** Drops an endpoint passed to connect(), with its connection and the messages queued for it. */
  disconnect(address: string): void {
    this.assertOpen();
    const ep = this.endpoints.get(address);
    if (!ep) throw zmqError("ENOENT", `No such endpoint: ${address}`, { address });
    this.endpoints.delete(address);
    ep.close();
  }

  /**
   * The transport options of one endpoint: the socket's, with its TLS
   * options under the endpoint's own. TLS options that a transport would
   * not use are refused rather than dropped: given for a tcp:// or ws://
   * endpoint, or for wss:// where it cannot take them (a browser).
   */
  private endpointTransport(address: string, t: Transport, options: EndpointOptions | undefined): TransportOptions {
    const own = endpointOptions(this._type, options);
    const tls = mergeTls(this.transportOptions.tls, own);
    if (t.tls) return { ...this.transportOptions, tls };
    if (address.startsWith("wss://") && hasTls(tls)) {
      throw zmqError("ENOTSUP", `${address}: wss:// here cannot take TLS options (a browser verifies servers with its own certificate store)`, { address });
    }
    if (hasTls(own)) {
      const hint = address.startsWith("tcp://") ? " (did you mean tls+tcp://?)" : address.startsWith("ws://") ? " (did you mean wss://?)" : "";
      throw zmqError("EINVAL", `TLS options given for ${address}, which does not use TLS${hint}`, { address });
    }
    return this.transportOptions;
  }

  private accept(conn: Conn, listener: Listener, remote: string): void {
    if (this._closed) { conn.end(); return; }
    const p = new PipeHost(this, listener.endpoint, false, null, listener);
    this.events.emit({ type: "accept", address: listener.endpoint });
    p.attach(conn, remote);
  }

  /**
   * Closes the socket at once for the application. Messages already queued
   * for peers are still delivered for up to `linger` ms (-1: until they are;
   * 0: not at all), without keeping the process alive for them.
   */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    for (const w of this.sendWaiters.splice(0)) { clearLongTimeout(w.timer); w.reject(this.errors.abandoned()); }
    for (const w of this.recvWaiters.splice(0)) { clearLongTimeout(w.timer); w.reject(this.errors.abandoned()); }
    // No new peers; the existing ones get what is queued for them.
    const closing = new Set<Listener>();
    for (const { listener } of this.listeners.values()) closing.add(listener);
    this.listeners.clear();
    for (const l of closing) {
      void l.close();
      this.events.emit({ type: "close", address: l.endpoint });
    }
    for (const p of this.pipes) p.flush(true);
    // The core keeps the deadline and says when the queue has drained or
    // the time is up (onLingerOver); meanwhile nothing holds the process.
    if (core().linger(this.handle, this.host.linger)) {
      this.lingering = true;
      for (const ep of this.endpoints.values()) ep.dialing?.unref();
      for (const p of this.pipes) p.conn?.unref();
      return;
    }
    this.finishClose();
  }

  /** @internal whether close() is waiting for queued messages to leave. */
  lingering = false;

  /** @internal core: the linger is over. */
  onLingerOver(): void { this.finishClose(); }

  private finishClose(): void {
    if (this.finished) return;
    this.finished = true;
    this.lingering = false;
    for (const ep of this.endpoints.values()) ep.dialing?.cancel();
    this.endpoints.clear();
    this.final = new Map();
    for (const o of OPTIONS) {
      if (o.id !== null && o.type !== "bytes") this.final.set(o.id, core().getOption(this.handle, o.id));
    }
    core().closeSocket(this.handle);
    this.events.emit({ type: "end" });
    this.events.close();
  }
  private finished = false;

  // ---- messages ----

  /** Sends a message; resolves once the socket has taken it (waiting, up to sendTimeout, while every peer is at its high-water mark). */
  send(message: Message): Promise<void> {
    if (this._closed) return Promise.reject(this.errors.closed());
    let frames: Frame[];
    try {
      frames = Array.isArray(message) ? message.map(toFrame) : [toFrame(message)];
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.sendWaiters.length === 0) {
      const rc = core().send(this.handle, frames);
      if (rc === 0) return RESOLVED;
      if (rc !== EAGAIN) return Promise.reject(fromErrno(rc));
      if (this.host.sendTimeout === 0) return Promise.reject(this.errors.timedOut());
    }
    // Queued behind earlier sends, in order, each waiting (up to sendTimeout)
    // until the core takes it. The high-water mark bounds the core's queue;
    // what waits here is each caller's own pending send.
    return new Promise<void>((resolve, reject) => {
      this.wait(this.sendWaiters, { frames, resolve, reject, timer: null }, this.host.sendTimeout);
    });
  }

  /** Resolves to the next message as an array of Buffers (waiting up to receiveTimeout). */
  receive(): Promise<Buffer[]> {
    if (this._closed) return Promise.reject(this.errors.closed());
    if (this.recvWaiters.length === 0) {
      const r = core().recv(this.handle);
      if (typeof r !== "number") return Promise.resolve(r);
      if (r !== EAGAIN) return Promise.reject(fromErrno(r));
      if (this.host.receiveTimeout === 0) return Promise.reject(this.errors.timedOut());
    }
    return new Promise<Buffer[]>((resolve, reject) => {
      this.wait(this.recvWaiters, { resolve, reject, timer: null }, this.host.receiveTimeout);
    });
  }

  // Queues a waiter that fails with the family's timeout error after `ms` (> 0).
  private wait<W extends { reject: (e: Error) => void; timer: LongTimer | null }>(list: W[], w: W, ms: number): void {
    if (ms > 0) {
      w.timer = setLongTimeout(() => {
        const i = list.indexOf(w);
        if (i >= 0) list.splice(i, 1);
        w.reject(this.errors.timedOut());
      }, ms);
    }
    list.push(w);
  }

  /** Iterates received messages (for await); ends when the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<Buffer[]> {
    return {
      next: (): Promise<IteratorResult<Buffer[]>> => {
        if (this._closed) return Promise.resolve({ value: undefined, done: true });
        return this.receive().then(
          (value) => ({ value, done: false }),
          (err) => {
            if (this._closed) return { value: undefined, done: true };
            throw err;
          },
        );
      },
    };
  }

  /** @internal core: a message is waiting. */
  onReadable(): void {
    const ws = this.recvWaiters;
    while (ws.length) {
      const r = core().recv(this.handle);
      if (r === EAGAIN) return;
      const w = ws.shift()!;
      clearLongTimeout(w.timer);
      if (typeof r === "number") w.reject(fromErrno(r)); else w.resolve(r);
    }
  }

  /** @internal core: a send may succeed now. */
  onWritable(): void {
    const ws = this.sendWaiters;
    while (ws.length) {
      const rc = core().send(this.handle, ws[0].frames);
      if (rc === EAGAIN) return;
      const w = ws.shift()!;
      clearLongTimeout(w.timer);
      if (rc === 0) w.resolve(); else w.reject(fromErrno(rc));
    }
  }

  protected assertOpen(): void {
    if (this._closed) throw this.errors.closed();
  }

  // ---- options (zeromq.js names) ----

  private row(name: string): OptionSpec {
    const o = optionRow(this.family, name);
    if (!o) throw new Error(`wasmq: option ${name} is not in the option table (assembly/options.ts)`);
    return o;
  }

  private tableDefault(name: string): unknown { return this.row(name).default; }

  /** @internal an option the core holds, as the core holds it now. */
  protected coreOption(name: string): unknown {
    const o = this.row(name);
    return fromCore(o, this.final?.get(o.id!) ?? core().getOption(this.handle, o.id!));
  }

  /** @internal checks a value for an option the core holds and hands it over. */
  protected setCoreOption(name: string, v: unknown): void {
    const o = this.row(name);
    const rc = core().setOption(this.handle, o.id!, toCore(o, checkValue(o, v)));
    if (rc < 0) throw fromErrno(rc);
  }

  /** @internal a value for an option the host holds, checked. */
  protected checked<T>(name: string, v: unknown): T {
    return checkValue(this.row(name), v) as T;
  }

  protected setCoreBytes(opt: number, v: Frame): void {
    const rc = core().setBytesOption(this.handle, opt, v);
    if (rc < 0) throw fromErrno(rc);
  }

  /** How long send() may wait, ms: -1 forever (default), 0 not at all; then it fails with EAGAIN (wasmq/sp: ETIMEDOUT). */
  get sendTimeout(): number { return this.host.sendTimeout; }
  set sendTimeout(v: number) { this.host.sendTimeout = this.checked("sendTimeout", v); }
  /** How long receive() may wait, ms: -1 forever (default), 0 not at all; then it fails with EAGAIN (wasmq/sp: ETIMEDOUT). */
  get receiveTimeout(): number { return this.host.receiveTimeout; }
  set receiveTimeout(v: number) { this.host.receiveTimeout = this.checked("receiveTimeout", v); }
  /** How long close() keeps delivering queued messages: ms, -1 (until done) or 0. */
  get linger(): number { return this.host.linger; }
  set linger(v: number) { this.host.linger = this.checked("linger", v); }

  /** How many outgoing messages may queue for each peer before send() waits (default 1000). */
  get sendHighWaterMark(): number { return this.coreOption("sendHighWaterMark") as number; }
  set sendHighWaterMark(v: number) { this.setCoreOption("sendHighWaterMark", v); }
  /** How many incoming messages may queue from each peer (default 1000). */
  get receiveHighWaterMark(): number { return this.coreOption("receiveHighWaterMark") as number; }
  set receiveHighWaterMark(v: number) { this.setCoreOption("receiveHighWaterMark", v); }
  /** The largest message taken from a peer, bytes; a larger one closes that connection (wasmq/zmq: -1, the default, for no limit; wasmq/sp: 1 MiB by default, 0 for no limit). */
  get maxMessageSize(): number { return this.coreOption("maxMessageSize") as number; }
  set maxMessageSize(v: number) {
    this.setCoreOption("maxMessageSize", v);
    this.transportOptions = { ...this.transportOptions, maxMessageSize: v };
  }
  /**
   * Origins a ws:// or wss:// listener accepts from browsers (the request's
   * Origin header); null accepts any. Applies to binds made after it is set.
   */
  get wsOrigins(): string[] | null { return this.transportOptions.wsOrigins ?? null; }
  set wsOrigins(v: string[] | null) {
    const origins = this.checked<string[] | null>("wsOrigins", v);
    this.transportOptions = { ...this.transportOptions, wsOrigins: origins ? [...origins] : undefined };
  }

  // ---- TLS (tls+tcp://, wss://): nng's option names ----

  private setTls(name: string, v: unknown): void {
    const value = this.checked(name, v);
    this.transportOptions = { ...this.transportOptions, tls: { ...this.transportOptions.tls, [tlsField(name)]: value } };
  }

  /**
   * TLS options as node:tls takes them (NNG_OPT_TLS_CONFIG): `{ cert, key, ca, passphrase, rejectUnauthorized,
   * requestCert, servername, minVersion, maxVersion, ciphers }`, PEM as strings or Buffers; null for none.
   * Applies to tls+tcp:// and wss:// endpoints bound or connected after it is set.
   */
  get tlsConfig(): TlsConfig | null { return this.transportOptions.tls?.config ?? null; }
  set tlsConfig(v: TlsConfig | null) { this.setTls("tlsConfig", v); }
  /** A PEM file of the certificate authorities that verify peers (NNG_OPT_TLS_CA_FILE), read at bind()/connect(). */
  get tlsCaFile(): string | null { return this.transportOptions.tls?.caFile ?? null; }
  set tlsCaFile(v: string | null) { this.setTls("tlsCaFile", v); }
  /** A PEM file holding this side's certificate and its private key (NNG_OPT_TLS_CERT_KEY_FILE), read at bind()/connect(). */
  get tlsCertKeyFile(): string | null { return this.transportOptions.tls?.certKeyFile ?? null; }
  set tlsCertKeyFile(v: string | null) { this.setTls("tlsCertKeyFile", v); }
  /**
   * Whether the peer's certificate is verified (NNG_OPT_TLS_AUTH_MODE): "none", "optional" or "required";
   * null (the default) as nng: required when dialing, none when listening.
   */
  get tlsAuthMode(): TlsAuthMode | null { return this.transportOptions.tls?.authMode ?? null; }
  set tlsAuthMode(v: TlsAuthMode | null) { this.setTls("tlsAuthMode", v); }
  /** The name a dialer sends as SNI and checks the server's certificate against (NNG_OPT_TLS_SERVER_NAME); null: the URL's host. */
  get tlsServerName(): string | null { return this.transportOptions.tls?.serverName ?? null; }
  set tlsServerName(v: string | null) { this.setTls("tlsServerName", v); }

  /** How long a new connection may take to complete its handshake (ZMTP greeting+READY, SP header), ms; 0 = forever. */
  get handshakeInterval(): number { return this.coreOption("handshakeInterval") as number; }
  set handshakeInterval(v: number) { this.setCoreOption("handshakeInterval", v); }
  /** How long to wait before redialing a refused or lost connection, ms (default 100; -1: never redial). */
  get reconnectInterval(): number { return this.coreOption("reconnectInterval") as number; }
  set reconnectInterval(v: number) { this.setCoreOption("reconnectInterval", v); }
  /** Upper bound of the reconnect back-off, which doubles the wait per failed attempt, ms (0, the default: no back-off). */
  get reconnectMaxInterval(): number { return this.coreOption("reconnectMaxInterval") as number; }
  set reconnectMaxInterval(v: number) { this.setCoreOption("reconnectMaxInterval", v); }
}

/**
 * Gives a family's socket class the table's guards: read-only and
 * constructor-only properties get a setter that throws (a getter alone is
 * silently skipped by assignment in sloppy-mode code), and every option wasmq
 * does not implement yet gets a property that refuses to be set or read.
 */
export function guardOptions(proto: object, family: Family): void {
  for (const o of OPTIONS) {
    if (o.family !== family && o.family !== "both") continue;
    const refuse = function (this: SocketBase): void { admit(this.type, o.name, false); };
    if (o.access === "ro" || o.access === "init") {
      const get = getterOf(proto, o.name);
      if (!get) throw new Error(`wasmq: read-only option ${o.name} has no getter`);
      Object.defineProperty(proto, o.name, { get, set: refuse, configurable: true });
    } else if (o.access === "unsupported") {
      Object.defineProperty(proto, o.name, {
        get(this: SocketBase) { if (appliesTo(o, this.type)) refuse.call(this); return undefined; },
        set: refuse,
        configurable: true,
      });
    }
  }
}

function getterOf(proto: object | null, name: string): (() => unknown) | undefined {
  for (; proto; proto = Object.getPrototypeOf(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (d) return d.get;
  }
  return undefined;
}
