// Numeric codes from the core, as the stable strings users see.
// errno values match libzmq on Linux; close reasons match assembly/errors.ts.

export const errnoCodes: Record<number, string> = {
  9: "EBADF",
  11: "EAGAIN",
  22: "EINVAL",
  90: "EMSGSIZE",
  95: "ENOTSUP",
  110: "ETIMEDOUT",
  113: "EHOSTUNREACH",
  1011: "ESTATE",
  156384763: "EFSM",
};

export const enum Reason {
  None = 0,
  PeerClosed = 1,
  HandshakeTimeout = 2,
  BadGreeting = 3,
  UnsupportedVersion = 4,
  MechanismMismatch = 5,
  UnexpectedCommand = 6,
  InvalidMetadata = 7,
  SocketTypeMismatch = 8,
  ErrorReceived = 9,
  MalformedFrame = 10,
  MessageTooLarge = 11,
  MalformedCommand = 12,
  HeartbeatTimeout = 13,
  DuplicateIdentity = 14,
  PeerLimit = 15,
  ClosedBySocket = 16,
  InvalidIdentity = 17,
  SubscriptionLimit = 18,
  SpBadHeader = 19,
  SpProtocolMismatch = 20,
  SpMalformed = 21,
  SpUnexpected = 22,
  MemoryBudget = 23,
}

/** Close reasons as error codes (ERR_ZMTP_* follow zeromq.js's protocol error names). */
export const reasonCodes: Record<number, string> = {
  1: "ECONNRESET",
  2: "ETIMEDOUT",
  3: "ERR_ZMTP_BAD_GREETING",
  4: "ERR_ZMTP_UNSUPPORTED_VERSION",
  5: "ERR_ZMTP_MECHANISM_MISMATCH",
  6: "ERR_ZMTP_UNEXPECTED_COMMAND",
  7: "ERR_ZMTP_INVALID_METADATA",
  8: "ERR_ZMTP_SOCKET_TYPE_MISMATCH",
  9: "ERR_ZMTP_ERROR_RECEIVED",
  10: "ERR_ZMTP_MALFORMED_FRAME",
  11: "EMSGSIZE",
  12: "ERR_ZMTP_MALFORMED_COMMAND",
  13: "ERR_ZMTP_HEARTBEAT_TIMEOUT",
  14: "ERR_ZMTP_DUPLICATE_IDENTITY",
  15: "ERR_ZMTP_PEER_LIMIT",
  16: "ECANCELED",
  17: "ERR_ZMTP_INVALID_IDENTITY",
  18: "ERR_ZMTP_SUBSCRIPTION_LIMIT",
  19: "ERR_SP_BAD_HEADER",
  20: "ERR_SP_PROTOCOL_MISMATCH",
  21: "ERR_SP_MALFORMED",
  22: "ERR_SP_UNEXPECTED",
  23: "ERR_WASMQ_MEMORY_BUDGET",
};

/** Reasons that are the peer breaking the protocol (handshake:error:protocol). */
export function isProtocolError(r: number): boolean {
  return r >= Reason.BadGreeting && r !== Reason.HeartbeatTimeout && r !== Reason.ClosedBySocket &&
    r !== Reason.MessageTooLarge && r !== Reason.MemoryBudget;
}
