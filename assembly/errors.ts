// Result codes returned across the boundary (negated) and pipe close reasons.
// The host maps both to the stable strings zeromq.js users know (bindings/codes.ts).

// errno values, as libzmq reports them on Linux.
export const EAGAIN: i32 = 11;
export const EINVAL: i32 = 22;
export const EMSGSIZE: i32 = 90;
export const ENOTSUP: i32 = 95;
export const EHOSTUNREACH: i32 = 113;
export const EFSM: i32 = 156384763;
export const EBADF: i32 = 9;
export const ETIMEDOUT: i32 = 110;
export const ESTATE: i32 = 1011;   // SP: the operation makes no sense in this state (nng NNG_ESTATE)

// Why the core closed a pipe (PIPE_CLOSE event, arg a).
export const R_NONE: i32 = 0;
export const R_PEER_CLOSED: i32 = 1;          // host reported end of stream
export const R_HANDSHAKE_TIMEOUT: i32 = 2;
export const R_BAD_GREETING: i32 = 3;         // not a ZMTP signature
export const R_UNSUPPORTED_VERSION: i32 = 4;  // ZMTP 1.0 / 2.0
export const R_MECHANISM_MISMATCH: i32 = 5;
export const R_UNEXPECTED_COMMAND: i32 = 6;
export const R_INVALID_METADATA: i32 = 7;
export const R_SOCKET_TYPE_MISMATCH: i32 = 8;
export const R_ERROR_RECEIVED: i32 = 9;
export const R_MALFORMED_FRAME: i32 = 10;
export const R_MESSAGE_TOO_LARGE: i32 = 11;
export const R_MALFORMED_COMMAND: i32 = 12;
export const R_HEARTBEAT_TIMEOUT: i32 = 13;
export const R_DUPLICATE_IDENTITY: i32 = 14;
export const R_PEER_LIMIT: i32 = 15;          // PAIR already has its peer
export const R_CLOSED_BY_SOCKET: i32 = 16;    // disconnect()/close()/handover
export const R_INVALID_IDENTITY: i32 = 17;
export const R_SUBSCRIPTION_LIMIT: i32 = 18; // a peer's subscriptions outgrew their budget
export const R_SP_BAD_HEADER: i32 = 19;       // not 00 'S' 'P' 00 .. .. 00 00
export const R_SP_PROTOCOL_MISMATCH: i32 = 20; // the peer's protocol is not our peer protocol
export const R_SP_MALFORMED: i32 = 21;        // a protocol header the spec says closes the pipe, or an ipc type byte other than 0x01
export const R_SP_UNEXPECTED: i32 = 22;       // traffic this protocol never sends (to a PUB)
export const R_MEMORY_BUDGET: i32 = 23;       // a message the receive budgets (budget.ts) cannot hold
