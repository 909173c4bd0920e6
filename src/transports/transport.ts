// The contract every transport adapter fulfils: open/accept, write, close,
// and "bytes arrived". Adapters know nothing about ZMTP; the core does that.

export interface Conn {
  /** Whole messages (WebSocket) rather than a byte stream: write() sends one message per chunk, ondata gets one message per call. */
  readonly messageMode?: boolean;
  /** The WebSocket subprotocol agreed on. */
  readonly protocol?: string;
  /** The peer's address as a URL (tcp://ip:port), where the transport knows it (ZAP requests name it). */
  readonly remote?: string;
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
  /** The socket family's wire; tls+tcp:// is SP's alone (libzmq has no TLS transport). */
  family?: "zmq" | "sp";
  /** TLS settings for the transports that take them (`tls`: tls+tcp://, and wss:// on Node). */
  tls?: TlsSettings;
}

/** A PEM text, or several (a chain, a CA bundle), as node:tls takes them. */
export type Pem = string | Uint8Array | Array<string | Uint8Array>;

/**
 * The object form of the TLS options (the socket option tlsConfig), in
 * node:tls's names: what nng's NNG_OPT_TLS_CONFIG holds, as an object.
 */
export interface TlsConfig {
  /** This side's certificate chain (PEM); a listener must have one. */
  cert?: Pem;
  /** The private key of `cert` (PEM). */
  key?: Pem;
  /** The key's passphrase, if it is encrypted. */
  passphrase?: string;
  /** Certificate authorities to verify the peer with (PEM), instead of Node's bundled roots. */
  ca?: Pem;
  /** Dialer: refuse a server whose certificate does not verify (default true). Listener, with requestCert: refuse a client whose does not. */
  rejectUnauthorized?: boolean;
  /** Listener: ask clients for a certificate (default false). */
  requestCert?: boolean;
  /** Dialer: the name sent as SNI and checked against the server's certificate (default: the URL's host). */
  servername?: string;
  /** The lowest TLS version to negotiate (default: Node's, TLSv1.2). */
  minVersion?: "TLSv1.2" | "TLSv1.3";
  /** The highest TLS version to negotiate. */
  maxVersion?: "TLSv1.2" | "TLSv1.3";
  /** OpenSSL cipher list. */
  ciphers?: string;
}

/** nng's NNG_OPT_TLS_AUTH_MODE: whether the peer's certificate is verified. */
export type TlsAuthMode = "none" | "optional" | "required";

/**
 * The TLS options an endpoint was bound or connected with: the socket's
 * tls* options under the endpoint's own. Files are named here and read by
 * the transport when the endpoint is made.
 */
export interface TlsSettings {
  config?: TlsConfig | null;
  /** A PEM file of certificate authorities (NNG_OPT_TLS_CA_FILE). */
  caFile?: string | null;
  /** One PEM file holding the certificate (chain) and its private key (NNG_OPT_TLS_CERT_KEY_FILE). */
  certKeyFile?: string | null;
  authMode?: TlsAuthMode | null;
  /** NNG_OPT_TLS_SERVER_NAME. */
  serverName?: string | null;
}

/**
 * A connection refused in its security handshake (a TLS certificate or
 * host name that does not verify, a peer that is not speaking TLS): the
 * socket reports it as the handshake:error:<handshake> event.
 */
export interface HandshakeError extends Error {
  /** The TLS library's reason, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE, ERR_TLS_CERT_ALTNAME_INVALID. */
  code: string;
  handshake: "auth" | "protocol" | "other";
}

export interface Transport {
  /** Carries whole messages (WebSocket) rather than a byte stream. */
  readonly messageMode?: boolean;
  /** Takes TransportOptions.tls (tls+tcp://, and wss:// on Node). */
  readonly tls?: boolean;
  /** `refused`: a connection that failed its TLS handshake, before it became a Conn. */
  listen(
    address: string,
    accept: (c: Conn, remote: string) => void,
    options?: TransportOptions,
    refused?: (err: HandshakeError) => void,
  ): Promise<Listener>;
  /** `fail` gets a HandshakeError when the connection was made but its TLS handshake failed. */
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
