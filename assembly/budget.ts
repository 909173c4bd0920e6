// Memory budgets for received messages. A peer decides how large a message
// is; these bounds decide how much of that the process will hold, and they
// are checked when a frame's size is announced, before anything is
// allocated for it (the README's "Reliability and memory" states the bounds).
//
//   per message  maxMessageSize when set; otherwise PIPE_BUDGET_DEFAULT
//                (a larger maxMessageSize raises it: the user allows it)
//   per pipe     the same figure for what one peer has queued unread: at it
//                the pipe pauses reading, as at the receive high-water mark
//   per process  everything received and not yet handed to the application,
//                over all pipes of this core (processBudget, settable)
//
// Bytes count whether the body sits in linear memory or, for large frames,
// in the host's own buffers (external.ts): the budget is the process's
// memory, not only the core's.

// Largest message when maxMessageSize is unset, and what one pipe may queue.
export const PIPE_BUDGET_DEFAULT: f64 = 268435456;    // 256 MiB
// What all pipes together may hold, until the host sets another figure.
export const PROCESS_BUDGET_DEFAULT: f64 = 1073741824; // 1 GiB

export let processBudget: f64 = PROCESS_BUDGET_DEFAULT;
// Bytes of received messages held now (assembling, queued, or being read).
export let held: f64 = 0;

export function setProcessBudget(bytes: f64): void { processBudget = bytes; }

// Whether `more` bytes fit the process budget.
@inline export function fitsProcess(more: f64): bool { return held + more <= processBudget; }

// The per-message and per-pipe figure for a socket's maxMessageSize option.
@inline export function pipeBudget(maxmsgsize: f64): f64 {
  return maxmsgsize > PIPE_BUDGET_DEFAULT ? maxmsgsize : PIPE_BUDGET_DEFAULT;
}

export function charge(n: f64): void { held += n; }
export function uncharge(n: f64): void { held -= n; }
