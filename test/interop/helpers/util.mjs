// Shared test utilities: bounded waits, resource tracking/teardown, payloads.
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rmSync } from "node:fs";

export const DEFAULT_TIMEOUT = 10_000;

import { withTimeout as bounded, Resources, boundedSuite, str, tick } from "../../helpers/suite.mjs";

export { Resources, str, tick };

/** Reject if `promise` does not settle within `ms` milliseconds. */
export const withTimeout = (promise, ms = DEFAULT_TIMEOUT, what = "operation") => bounded(promise, ms, what);

/** Receive one multipart message from a zeromq.js-style socket, bounded. */
export function recv(sock, ms = DEFAULT_TIMEOUT, what = "a message") {
  return withTimeout(sock.receive(), ms, what);
}

export const sha256 = (buf) => createHash("sha256").update(buf).digest("hex");

/** Deterministic payload, identical to pyzmq_peer.py's {"pattern": n, "seed": s}. */
export function pattern(n, seed = 0) {
  const period = Buffer.alloc(251);
  for (let i = 0; i < 251; i++) period[i] = (i * 31 + seed) % 251;
  const out = Buffer.allocUnsafe(n);
  for (let off = 0; off < n; off += 251) period.copy(out, off, 0, Math.min(251, n - off));
  return out;
}

let ipcCounter = 0;
/** A fresh ipc:// endpoint under os.tmpdir(); the file is removed on cleanup. */
export function ipcEndpoint(res, tag = "ipc") {
  const path = join(tmpdir(), `wasmq-interop-${process.pid}-${tag}-${ipcCounter++}.sock`);
  res?.defer(() => rmSync(path, { force: true }));
  return `ipc://${path}`;
}

/** A uvu suite for interop tests: bounded test bodies, resources released after each. */
export const interop = (test, { timeout = 15_000 } = {}) => boundedSuite(test, timeout);

/**
 * Continuously receives from a socket into a queue, so the socket always has a
 * pending receive (a bound libzmq socket only attaches new peers while the
 * application is using it; a subscriber application would be receiving).
 * The loop ends when the socket is closed.
 */
export class Inbox {
  constructor(sock) {
    this.queue = [];
    this.waiters = new Set();
    this.error = null;
    const wake = () => {
      for (const w of [...this.waiters]) w();
    };
    (async () => {
      for (;;) {
        try {
          this.queue.push(await sock.receive());
        } catch (err) {
          this.error = err;
          wake();
          return;
        }
        wake();
      }
    })();
  }
  /** The next received message, bounded by ms. */
  next(ms = DEFAULT_TIMEOUT, what = "a message") {
    let waiter;
    const p = new Promise((resolve, reject) => {
      waiter = () => {
        if (this.queue.length) {
          this.waiters.delete(waiter); // synchronously: never consume twice
          resolve(this.queue.shift());
        } else if (this.error) {
          this.waiters.delete(waiter);
          reject(this.error);
        }
      };
      this.waiters.add(waiter);
      waiter();
    });
    return withTimeout(p, ms, what).finally(() => this.waiters.delete(waiter));
  }
}
