// The process-wide receive budget, for both families (they share one core).
// A peer decides how large its messages are; this decides how many bytes of
// received messages the process holds at once, over every connection:
// a message that would take more is refused at its header, before anything
// is allocated, and its connection closes with ERR_WASMQ_MEMORY_BUDGET.
// Per connection the bound is maxMessageSize, or 256 MiB when that is
// unlimited. Large bodies are held outside the Wasm memory either way.
import { core } from "../bindings/core.js";
import { zmqError } from "./errors.js";

/**
 * Sets how many bytes of received messages the process may hold at once
 * (assembling, queued, or not yet taken by receive()); default 1 GiB.
 * Infinity removes the bound.
 */
export function setReceiveBudget(bytes: number): void {
  if (typeof bytes !== "number" || Number.isNaN(bytes) || bytes <= 0) {
    throw zmqError("EINVAL", `Invalid value for the receive budget: ${String(bytes)}`);
  }
  core().setReceiveBudget(bytes);
}

/** Bytes of received messages the process holds now (what the budget counts). */
export function receivedBytes(): number {
  return core().receivedBytes;
}
