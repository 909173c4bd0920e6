// Socket options: their ids, the core's record of their values, and the
// table of every option property a socket has (below the ids).
//
// This file is one of the sources of bindings/shared.ts (scripts/gen-shared.mjs):
// the host takes the ids and the table from there,
// validates every option a user sets against the table, and reads the
// values the core holds back through socket_get. Numeric options travel as
// f64, byte-string options through the input region. Keep each id on one
// line as `export const OPT_X: i32 = N;`.
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

// ZMTP security (zmtp/security.ts).
export const OPT_PLAIN_SERVER: i32 = 40;
export const OPT_PLAIN_USERNAME: i32 = 41;   // bytes
export const OPT_PLAIN_PASSWORD: i32 = 42;   // bytes
export const OPT_CURVE_SERVER: i32 = 43;
export const OPT_CURVE_PUBLICKEY: i32 = 44;  // bytes (32)
export const OPT_CURVE_SECRETKEY: i32 = 45;  // bytes (32)
export const OPT_CURVE_SERVERKEY: i32 = 46;  // bytes (32)
export const OPT_ZAP_DOMAIN: i32 = 47;       // bytes
export const OPT_ZAP_ENFORCE_DOMAIN: i32 = 48;
export const OPT_MECHANISM: i32 = 49;        // read-only: 0 NULL, 1 PLAIN, 2 CURVE

// ---- The option table ----
//
// One row per option property of a socket class (for the two families with
// their own defaults, one row per family). Columns:
//   property  the JavaScript property and constructor option, zeromq.js's name
//             where zeromq.js has the option
//   id        the OPT_* id the core holds it under; "host" if the host holds it
//             (timeouts, transport settings, read-only state)
//   type      number | boolean | bytes (string or Buffer, null for none; range
//             = length) | key (a CURVE key: 40 Z85 characters or 32 bytes,
//             null for none; the core holds the 32 bytes) | string | strings (string[] or null) | enum(a,b,...)
//             (the core holds the value's index) | object
//   default   a literal, or the name of a constant in assembly/ ("-": none);
//             for an id, the core's Options (and the SP socket's defaults)
//             must start with this value: test/core/shared.test.mjs checks
//   range     min..max, either end open ("-": none)
//   family    zmq (wasmq/zmq), sp (wasmq/sp) or both
//   access    rw; ro (read-only); init (constructor option only); or
//             unsupported: a zeromq.js or nng option wasmq does not implement
//             yet, refused with a TypeError rather than stored and ignored
//   on        the socket types that have it (names from zmtp/wire.ts and
//             sp/wire.ts), "*" for every type of the family
//   native    the libzmq / nng / nanomsg option it stands for
//
// property                        | id                    | type      | default                 | range      | family | access      | on             | native
// ------------------------------- | --------------------- | --------- | ----------------------- | ---------- | ------ | ----------- | -------------- | ------
// sendHighWaterMark               | OPT_SNDHWM            | number    | 1000                    | 0..        | both   | rw          | *              | ZMQ_SNDHWM, NNG_OPT_SENDBUF
// receiveHighWaterMark            | OPT_RCVHWM            | number    | 1000                    | 0..        | both   | rw          | *              | ZMQ_RCVHWM, NNG_OPT_RECVBUF
// maxMessageSize                  | OPT_MAXMSGSIZE        | number    | -1                      | -1..       | zmq    | rw          | *              | ZMQ_MAXMSGSIZE
// maxMessageSize                  | OPT_MAXMSGSIZE        | number    | SP_DEFAULT_MAX_MSG_SIZE | -1..       | sp     | rw          | *              | NNG_OPT_RECVMAXSZ, NN_RCVMAXSIZE
// handshakeInterval               | OPT_HANDSHAKE_IVL     | number    | 30000                   | 0..        | zmq    | rw          | *              | ZMQ_HANDSHAKE_IVL
// handshakeInterval               | OPT_HANDSHAKE_IVL     | number    | SP_NEGOTIATION_TIMEOUT  | 0..        | sp     | rw          | *              | (nng: fixed)
// reconnectInterval               | OPT_RECONNECT_IVL     | number    | 100                     | -1..       | both   | rw          | *              | ZMQ_RECONNECT_IVL, NNG_OPT_RECONNMINT
// reconnectMaxInterval            | OPT_RECONNECT_IVL_MAX | number    | 0                       | 0..        | both   | rw          | *              | ZMQ_RECONNECT_IVL_MAX, NNG_OPT_RECONNMAXT
// sendTimeout                     | host                  | number    | -1                      | -1..       | both   | rw          | *              | ZMQ_SNDTIMEO, NNG_OPT_SENDTIMEO
// receiveTimeout                  | host                  | number    | -1                      | -1..       | both   | rw          | *              | ZMQ_RCVTIMEO, NNG_OPT_RECVTIMEO
// linger                          | host                  | number    | -1                      | -1..       | both   | rw          | *              | ZMQ_LINGER, NN_LINGER
// wsOrigins                       | host                  | strings   | null                    | -          | both   | rw          | *              | -
// immediate                       | OPT_IMMEDIATE         | boolean   | false                   | -          | zmq    | rw          | *              | ZMQ_IMMEDIATE
// conflate                        | OPT_CONFLATE          | boolean   | false                   | -          | zmq    | rw          | *              | ZMQ_CONFLATE
// heartbeatInterval               | OPT_HEARTBEAT_IVL     | number    | 0                       | 0..        | zmq    | rw          | *              | ZMQ_HEARTBEAT_IVL
// heartbeatTimeToLive             | OPT_HEARTBEAT_TTL     | number    | 0                       | 0..        | zmq    | rw          | *              | ZMQ_HEARTBEAT_TTL
// heartbeatTimeout                | OPT_HEARTBEAT_TIMEOUT | number    | -1                      | -1..       | zmq    | rw          | *              | ZMQ_HEARTBEAT_TIMEOUT
// routingId                       | OPT_ROUTING_ID        | bytes     | null                    | 0..255     | zmq    | rw          | *              | ZMQ_ROUTING_ID
// mandatory                       | OPT_ROUTER_MANDATORY  | boolean   | false                   | -          | zmq    | rw          | ROUTER         | ZMQ_ROUTER_MANDATORY
// handover                        | OPT_ROUTER_HANDOVER   | boolean   | false                   | -          | zmq    | rw          | ROUTER         | ZMQ_ROUTER_HANDOVER
// correlate                       | OPT_REQ_CORRELATE     | boolean   | false                   | -          | zmq    | rw          | REQ            | ZMQ_REQ_CORRELATE
// relaxed                         | OPT_REQ_RELAXED       | boolean   | false                   | -          | zmq    | rw          | REQ            | ZMQ_REQ_RELAXED
// verbosity                       | OPT_XPUB_VERBOSITY    | enum(null,allSubs,allSubsUnsubs) | null | -        | zmq    | rw          | XPUB           | ZMQ_XPUB_VERBOSE, ZMQ_XPUB_VERBOSER
// manual                          | OPT_XPUB_MANUAL       | boolean   | false                   | -          | zmq    | rw          | XPUB           | ZMQ_XPUB_MANUAL
// raw                             | OPT_RAW               | boolean   | false                   | -          | sp     | init        | *              | NNG_OPT_RAW
// maxTtl                          | OPT_MAX_TTL           | number    | SP_DEFAULT_MAX_TTL      | 1..SP_MAX_MAX_TTL | sp | rw       | *              | NNG_OPT_MAXTTL
// sendPriority                    | OPT_SEND_PRIORITY     | number    | 8                       | 1..16      | sp     | rw          | *              | NN_SNDPRIO
// receivePriority                 | OPT_RECV_PRIORITY     | number    | 8                       | 1..16      | sp     | rw          | *              | NN_RCVPRIO
// resendInterval                  | OPT_RESEND_IVL        | number    | SP_DEFAULT_RESEND_IVL   | 0..        | sp     | rw          | REQ0           | NNG_OPT_REQ_RESENDTIME
// surveyTime                      | OPT_SURVEY_TIME       | number    | SP_DEFAULT_SURVEY_TIME  | 0..        | sp     | rw          | SURVEYOR0      | NNG_OPT_SURVEYOR_SURVEYTIME
// tcpNoDelay                      | host                  | boolean   | true                    | -          | sp     | rw          | *              | NNG_OPT_TCP_NODELAY
// ipv4Only                        | host                  | boolean   | false                   | -          | sp     | rw          | *              | NN_IPV4ONLY
// name                            | host                  | string    | ""                      | -          | sp     | rw          | *              | NNG_OPT_SOCKNAME
// type                            | host                  | number    | -                       | -          | both   | ro          | *              | ZMQ_TYPE, NNG_OPT_PROTO
// lastEndpoint                    | host                  | string    | null                    | -          | both   | ro          | *              | ZMQ_LAST_ENDPOINT
// closed                          | host                  | boolean   | false                   | -          | both   | ro          | *              | -
// readable                        | host                  | boolean   | false                   | -          | both   | ro          | *              | ZMQ_EVENTS (ZMQ_POLLIN)
// writable                        | host                  | boolean   | -                       | -          | both   | ro          | *              | ZMQ_EVENTS (ZMQ_POLLOUT)
// events                          | host                  | object    | -                       | -          | both   | ro          | *              | (zmq_socket_monitor)
// context                         | host                  | object    | -                       | -          | zmq    | unsupported | *              | (zmq_ctx_new)
// affinity                        | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_AFFINITY
// rate                            | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_RATE
// recoveryInterval                | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_RECOVERY_IVL
// sendBufferSize                  | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_SNDBUF
// receiveBufferSize               | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_RCVBUF
// multicastHops                   | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_MULTICAST_HOPS
// multicastMaxTransportDataUnit   | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_MULTICAST_MAXTPDU
// backlog                         | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_BACKLOG
// ipv6                            | host                  | boolean   | -                       | -          | zmq    | unsupported | *              | ZMQ_IPV6
// interface                       | host                  | string    | -                       | -          | zmq    | unsupported | *              | ZMQ_BINDTODEVICE
// tcpKeepalive                    | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_TCP_KEEPALIVE
// tcpKeepaliveCount               | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_TCP_KEEPALIVE_CNT
// tcpKeepaliveIdle                | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_TCP_KEEPALIVE_IDLE
// tcpKeepaliveInterval            | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_TCP_KEEPALIVE_INTVL
// tcpAcceptFilter                 | host                  | string    | -                       | -          | zmq    | unsupported | *              | ZMQ_TCP_ACCEPT_FILTER
// tcpMaxRetransmitTimeout         | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_TCP_MAXRT
// connectTimeout                  | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_CONNECT_TIMEOUT
// typeOfService                   | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_TOS
// socksProxy                      | host                  | string    | -                       | -          | zmq    | unsupported | *              | ZMQ_SOCKS_PROXY
// loopbackFastPath                | host                  | boolean   | -                       | -          | zmq    | unsupported | *              | ZMQ_LOOPBACK_FASTPATH
// securityMechanism               | OPT_MECHANISM         | enum(null,plain,curve) | null | -          | zmq    | ro          | *              | ZMQ_MECHANISM
// plainServer                     | OPT_PLAIN_SERVER      | boolean   | false                   | -          | zmq    | rw          | *              | ZMQ_PLAIN_SERVER
// plainUsername                   | OPT_PLAIN_USERNAME    | bytes     | null                    | 0..255     | zmq    | rw          | *              | ZMQ_PLAIN_USERNAME
// plainPassword                   | OPT_PLAIN_PASSWORD    | bytes     | null                    | 0..255     | zmq    | rw          | *              | ZMQ_PLAIN_PASSWORD
// curveServer                     | OPT_CURVE_SERVER      | boolean   | false                   | -          | zmq    | rw          | *              | ZMQ_CURVE_SERVER
// curvePublicKey                  | OPT_CURVE_PUBLICKEY   | key       | null                    | -          | zmq    | rw          | *              | ZMQ_CURVE_PUBLICKEY
// curveSecretKey                  | OPT_CURVE_SECRETKEY   | key       | null                    | -          | zmq    | rw          | *              | ZMQ_CURVE_SECRETKEY
// curveServerKey                  | OPT_CURVE_SERVERKEY   | key       | null                    | -          | zmq    | rw          | *              | ZMQ_CURVE_SERVERKEY
// gssapiServer                    | host                  | boolean   | -                       | -          | zmq    | unsupported | *              | ZMQ_GSSAPI_SERVER
// gssapiPrincipal                 | host                  | string    | -                       | -          | zmq    | unsupported | *              | ZMQ_GSSAPI_PRINCIPAL
// gssapiServicePrincipal          | host                  | string    | -                       | -          | zmq    | unsupported | *              | ZMQ_GSSAPI_SERVICE_PRINCIPAL
// gssapiPlainText                 | host                  | boolean   | -                       | -          | zmq    | unsupported | *              | ZMQ_GSSAPI_PLAINTEXT
// gssapiPrincipalNameType         | host                  | string    | -                       | -          | zmq    | unsupported | *              | ZMQ_GSSAPI_PRINCIPAL_NAMETYPE
// gssapiServicePrincipalNameType  | host                  | string    | -                       | -          | zmq    | unsupported | *              | ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE
// zapDomain                       | OPT_ZAP_DOMAIN        | bytes     | ""                      | 0..255     | zmq    | rw          | *              | ZMQ_ZAP_DOMAIN
// zapEnforceDomain                | OPT_ZAP_ENFORCE_DOMAIN | boolean  | false                   | -          | zmq    | rw          | *              | ZMQ_ZAP_ENFORCE_DOMAIN
// threadSafe                      | host                  | boolean   | -                       | -          | zmq    | unsupported | *              | ZMQ_THREAD_SAFE
// vmciBufferSize                  | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_VMCI_BUFFER_SIZE
// vmciBufferMinSize               | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_VMCI_BUFFER_MIN_SIZE
// vmciBufferMaxSize               | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_VMCI_BUFFER_MAX_SIZE
// vmciConnectTimeout              | host                  | number    | -                       | -          | zmq    | unsupported | *              | ZMQ_VMCI_CONNECT_TIMEOUT
// probeRouter                     | host                  | boolean   | -                       | -          | zmq    | unsupported | REQ,DEALER,ROUTER | ZMQ_PROBE_ROUTER
// noDrop                          | host                  | boolean   | -                       | -          | zmq    | unsupported | PUB,XPUB       | ZMQ_XPUB_NODROP
// welcomeMessage                  | host                  | string    | -                       | -          | zmq    | unsupported | XPUB           | ZMQ_XPUB_WELCOME_MSG
// invertMatching                  | host                  | boolean   | -                       | -          | zmq    | unsupported | PUB,SUB,XPUB   | ZMQ_INVERT_MATCHING
// tcpKeepAlive                    | host                  | boolean   | -                       | -          | sp     | unsupported | *              | NNG_OPT_TCP_KEEPALIVE
// tlsConfig                       | host                  | object    | null                    | -          | both   | rw          | *              | NNG_OPT_TLS_CONFIG
// tlsAuthMode                     | host                  | enum(null,none,optional,required) | null | - | both | rw          | *              | NNG_OPT_TLS_AUTH_MODE
// tlsCaFile                       | host                  | string    | null                    | -          | both   | rw          | *              | NNG_OPT_TLS_CA_FILE
// tlsCertKeyFile                  | host                  | string    | null                    | -          | both   | rw          | *              | NNG_OPT_TLS_CERT_KEY_FILE
// tlsServerName                   | host                  | string    | null                    | -          | both   | rw          | *              | NNG_OPT_TLS_SERVER_NAME
// ipcPermissions                  | host                  | number    | -                       | -          | sp     | unsupported | *              | NNG_OPT_IPC_PERMISSIONS
// wsRequestHeaders                | host                  | string    | -                       | -          | sp     | unsupported | *              | NNG_OPT_WS_REQUEST_HEADERS
// wsResponseHeaders               | host                  | string    | -                       | -          | sp     | unsupported | *              | NNG_OPT_WS_RESPONSE_HEADERS
// preferNew                       | host                  | boolean   | -                       | -          | sp     | unsupported | SUB0           | NNG_OPT_SUB_PREFNEW
//
// Not in the table: OPT_MAX_FRAMES (no property yet), OPT_SUBSCRIBE and
// OPT_UNSUBSCRIBE (the subscribe()/unsubscribe() methods).

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
