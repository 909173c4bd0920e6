// The contract every transport adapter fulfils: open/accept, write, close,
// and "bytes arrived". Adapters know nothing about ZMTP; the core does that.

export interface Conn {
  /** Whole messages (WebSocket) rather than a byte stream: write() sends one message per chunk, ondata gets one message per call. */
  readonly messageMode?: boolean;
  /** The WebSocket subprotocol agreed on. */
  readonly protocol?: string;
  /** Queues chunks in order; false means wait for `ondrain` before writing more. */
  write(chunks: Uint8Array[]): boolean;
  /** Closes after queued bytes are written. */
  end(): void;
  pause(): void;
  resume(): void;
  ondata: (b: Buffer) => void;
  /** The connection is gone; `reason` (a core close reason) when the transport refused the peer itself. */
  onclose: (reason?: number) => void;
  ondrain: () => void;
  /** Stop this connection from keeping the process alive (a lingering socket). */
  unref(): void;
}

export interface Listener {
  /** The resolved endpoint, e.g. tcp://127.0.0.1:41234. */
  readonly endpoint: string;
  close(): Promise<void>;
}

export interface Dialing {
  cancel(): void;
  unref(): void;
}

/** Socket options that reach the transport (nng's tcp-nodelay, ipv4-only). */
export interface TransportOptions {
  /** TCP_NODELAY; on unless set false. */
  noDelay?: boolean;
  /** Resolve and listen on IPv4 only. */
  ipv4Only?: boolean;
  /** WebSocket subprotocols a dialer offers, in order of preference. */
  wsProtocols?: string[];
  /** A listener's choice among the offered subprotocols; false refuses the upgrade. */
  wsSelect?: (offered: string[]) => string | false;
  /** Origins a WebSocket listener accepts from browsers (absent: any). */
  wsOrigins?: string[];
  /** The socket's maxMessageSize (message transports refuse longer frames at their header). */
  maxMessageSize?: number;
}

export interface Transport {
  /** Carries whole messages (WebSocket) rather than a byte stream. */
  readonly messageMode?: boolean;
  listen(address: string, accept: (c: Conn, remote: string) => void, options?: TransportOptions): Promise<Listener>;
  connect(address: string, open: (c: Conn) => void, fail: (err: Error) => void, options?: TransportOptions): Dialing;
}

const registry = new Map<string, Transport>();

export function registerTransport(scheme: string, t: Transport): void {
  registry.set(scheme, t);
}

export function transportFor(address: string): Transport {
  const i = address.indexOf("://");
  const scheme = i > 0 ? address.slice(0, i) : "";
  const t = registry.get(scheme);
  if (!t) {
    const err = new Error(`Protocol not supported: ${address}`) as Error & { code: string; address: string };
    err.code = "EPROTONOSUPPORT";
    err.address = address;
    throw err;
  }
  return t;
}
