// Result codes returned across the boundary (negated) and pipe close reasons.
//
// This file is one of the sources of bindings/shared.ts (scripts/gen-shared.mjs):
// the host takes every number below, and each close reason's stable string
// code, from there. Keep each constant on one line as `export const NAME: i32 = N;`.

// errno values, as libzmq reports them on Linux. The host's error code is the
// constant's name (EAGAIN → "EAGAIN").
export const EAGAIN: i32 = 11;
export const EINVAL: i32 = 22;
export const EMSGSIZE: i32 = 90;       // also a send that would copy more than INPUT_MAX (options.ts) into linear memory
export const ENOTSUP: i32 = 95;
export const EHOSTUNREACH: i32 = 113;
export const EFSM: i32 = 156384763;
export const EBADF: i32 = 9;
export const ETIMEDOUT: i32 = 110;
export const ESTATE: i32 = 1011;   // SP: the operation makes no sense in this state (nng NNG_ESTATE)

// Why the core closed a pipe (PIPE_CLOSE event, arg a). Each comment starts
// with the code users see on the error (`code: X`; ERR_ZMTP_* follow
// zeromq.js's protocol error names), then `protocol` if the reason is the
// peer breaking the protocol (reported before a handshake as
// handshake:error:protocol), or `auth` if an authenticator refused the
// peer (handshake:error:auth); the others are handshake:error:other.
export const R_NONE: i32 = 0;                 // code: none. Not closed.
export const R_PEER_CLOSED: i32 = 1;          // code: ECONNRESET. The host reported end of stream.
export const R_HANDSHAKE_TIMEOUT: i32 = 2;    // code: ETIMEDOUT.
export const R_BAD_GREETING: i32 = 3;         // code: ERR_ZMTP_BAD_GREETING, protocol. Not a ZMTP signature.
export const R_UNSUPPORTED_VERSION: i32 = 4;  // code: ERR_ZMTP_UNSUPPORTED_VERSION, protocol. ZMTP 1.0 / 2.0.
export const R_MECHANISM_MISMATCH: i32 = 5;   // code: ERR_ZMTP_MECHANISM_MISMATCH, protocol.
export const R_UNEXPECTED_COMMAND: i32 = 6;   // code: ERR_ZMTP_UNEXPECTED_COMMAND, protocol.
export const R_INVALID_METADATA: i32 = 7;     // code: ERR_ZMTP_INVALID_METADATA, protocol.
export const R_SOCKET_TYPE_MISMATCH: i32 = 8; // code: ERR_ZMTP_SOCKET_TYPE_MISMATCH, protocol.
export const R_ERROR_RECEIVED: i32 = 9;       // code: ERR_ZMTP_ERROR_RECEIVED, protocol.
export const R_MALFORMED_FRAME: i32 = 10;     // code: ERR_ZMTP_MALFORMED_FRAME, protocol.
export const R_MESSAGE_TOO_LARGE: i32 = 11;   // code: EMSGSIZE. Over maxMessageSize.
export const R_MALFORMED_COMMAND: i32 = 12;   // code: ERR_ZMTP_MALFORMED_COMMAND, protocol.
export const R_HEARTBEAT_TIMEOUT: i32 = 13;   // code: ERR_ZMTP_HEARTBEAT_TIMEOUT.
export const R_DUPLICATE_IDENTITY: i32 = 14;  // code: ERR_ZMTP_DUPLICATE_IDENTITY, protocol.
export const R_PEER_LIMIT: i32 = 15;          // code: ERR_ZMTP_PEER_LIMIT, protocol. PAIR already has its peer.
export const R_CLOSED_BY_SOCKET: i32 = 16;    // code: ECANCELED. disconnect()/close()/handover.
export const R_INVALID_IDENTITY: i32 = 17;    // code: ERR_ZMTP_INVALID_IDENTITY, protocol.
export const R_SUBSCRIPTION_LIMIT: i32 = 18;  // code: ERR_ZMTP_SUBSCRIPTION_LIMIT, protocol. A peer's subscriptions outgrew their budget.
export const R_SP_BAD_HEADER: i32 = 19;       // code: ERR_SP_BAD_HEADER, protocol. Not 00 'S' 'P' 00 .. .. 00 00.
export const R_SP_PROTOCOL_MISMATCH: i32 = 20; // code: ERR_SP_PROTOCOL_MISMATCH, protocol. The peer's protocol is not our peer protocol.
export const R_SP_MALFORMED: i32 = 21;        // code: ERR_SP_MALFORMED, protocol. A protocol header the spec says closes the pipe, or an ipc type byte other than 0x01.
export const R_SP_UNEXPECTED: i32 = 22;       // code: ERR_SP_UNEXPECTED, protocol. Traffic this protocol never sends (to a PUB).
export const R_MEMORY_BUDGET: i32 = 23;       // code: ERR_WASMQ_MEMORY_BUDGET. A message the receive budgets (budget.ts) cannot hold.
// Security handshakes (zmtp/plain.ts, zmtp/curve.ts, zmtp/zap.ts).
export const R_AUTH_FAILED: i32 = 24;         // code: ERR_ZMTP_AUTH_FAILED, auth. The ZAP handler refused (status 300/400/500 in the event, PIPE_CLOSE arg b), or the server's ERROR said so.
export const R_NO_ZAP_HANDLER: i32 = 25;      // code: EFAULT. A PLAIN server (or zapEnforceDomain) with no handler bound at inproc://zeromq.zap.01.
export const R_MALFORMED_HELLO: i32 = 26;     // code: ERR_ZMTP_MALFORMED_COMMAND_HELLO, protocol.
export const R_MALFORMED_WELCOME: i32 = 27;   // code: ERR_ZMTP_MALFORMED_COMMAND_WELCOME, protocol.
export const R_MALFORMED_INITIATE: i32 = 28;  // code: ERR_ZMTP_MALFORMED_COMMAND_INITIATE, protocol.
export const R_MALFORMED_READY: i32 = 29;     // code: ERR_ZMTP_MALFORMED_COMMAND_READY, protocol.
export const R_MALFORMED_MESSAGE: i32 = 30;   // code: ERR_ZMTP_MALFORMED_COMMAND_MESSAGE, protocol. A CURVE MESSAGE too short, or a clear frame after a CURVE handshake.
export const R_MALFORMED_ERROR: i32 = 31;     // code: ERR_ZMTP_MALFORMED_COMMAND_ERROR, protocol.
export const R_CRYPTOGRAPHIC: i32 = 32;       // code: ERR_ZMTP_CRYPTOGRAPHIC, protocol. A box that does not open: wrong keys, a bad or expired cookie, tampering.
export const R_INVALID_SEQUENCE: i32 = 33;    // code: ERR_ZMTP_INVALID_SEQUENCE, protocol. A CURVE short nonce that does not increase.
export const R_KEY_EXCHANGE: i32 = 34;        // code: ERR_ZMTP_KEY_EXCHANGE, protocol. A vouch for other keys than this connection's.
export const R_ZAP_UNSPECIFIED: i32 = 35;     // code: ERR_ZAP_UNSPECIFIED, protocol. The ZAP reply's first frame is not empty.
export const R_ZAP_MALFORMED_REPLY: i32 = 36; // code: ERR_ZAP_MALFORMED_REPLY, protocol. Not exactly 7 frames.
export const R_ZAP_BAD_VERSION: i32 = 37;     // code: ERR_ZAP_BAD_VERSION, protocol.
export const R_ZAP_INVALID_STATUS_CODE: i32 = 38; // code: ERR_ZAP_INVALID_STATUS_CODE, protocol.
export const R_ZAP_INVALID_METADATA: i32 = 39; // code: ERR_ZAP_INVALID_METADATA, protocol.
export const R_ZAP_BAD_REQUEST_ID: i32 = 40;  // code: ERR_ZAP_BAD_REQUEST_ID, protocol. A reply naming no request of ours (given to the oldest waiting one).
