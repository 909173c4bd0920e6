// Errors with the stable `code` strings zeromq.js users match on.
import { ERRNO_CODES } from "../bindings/shared.js";

/** The errors wasmq throws and rejects with: an Error with a stable code string. */
export interface ZmqError extends Error {
  /** EAGAIN, EFSM, EHOSTUNREACH, ETIMEDOUT, ... as zeromq.js (or nng, for wasmq/sp) names them. */
  code: string;
  /** The errno number, where there is one. */
  errno?: number;
  /** The endpoint concerned. */
  address?: string;
}

export function zmqError(code: string, message: string, extra?: { errno?: number; address?: string }): ZmqError {
  const e = new Error(message) as ZmqError;
  e.code = code;
  if (extra?.errno !== undefined) e.errno = extra.errno;
  if (extra?.address !== undefined) e.address = extra.address;
  return e;
}

const messages: Record<string, string> = {
  EAGAIN: "Resource temporarily unavailable",
  EFSM: "Operation cannot be accomplished in current state",
  EHOSTUNREACH: "Host unreachable",
  ENOTSUP: "Operation not supported",
  EINVAL: "Invalid argument",
  EBADF: "Socket is closed",
  EMSGSIZE: "Message too long",
  ETIMEDOUT: "Timed out",
  ESTATE: "Incorrect state",
};

/** An error for a negative result from the core. */
export function fromErrno(rc: number): ZmqError {
  const errno = -rc;
  const code = ERRNO_CODES[errno] ?? "EUNKNOWN";
  return zmqError(code, messages[code] ?? code, { errno });
}
