// What every socket-level test suite shares: bounded waits, and a resource
// tracker that closes sockets and removes files after each test, pass or fail.

/** Reject if `promise` does not settle within `ms` milliseconds. */
export function withTimeout(promise, ms, what = "operation") {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

export const str = (frames) => frames.map((f) => f.toString());

/** A promise-returning timer (only for pacing retry loops, never as a wait). */
export const tick = (ms) => new Promise((r) => setTimeout(r, ms));

/** Everything a test opened, released in test.after.each. */
export class Resources {
  constructor() {
    this.items = [];
  }
  /** Track a socket (anything with close()); returns it. Teardown does not linger. */
  sock(s) {
    this.items.push(() => {
      if (!s.closed) {
        s.linger = 0;
        s.close();
      }
    });
    return s;
  }
  /** Register an arbitrary cleanup function. */
  defer(fn) {
    this.items.push(fn);
    return fn;
  }
  async cleanup() {
    const items = this.items.reverse();
    this.items = [];
    for (const fn of items) {
      try {
        await fn();
      } catch (err) {
        console.error("cleanup error:", err);
      }
    }
  }
}

/**
 * Wires a uvu suite: every test body is bounded by `timeout` ms and all
 * registered resources are released after each test.
 * Returns `it(name, fn, ms?)`; fn receives the Resources object.
 */
export function boundedSuite(test, timeout) {
  const res = new Resources();
  test.after.each(() => res.cleanup());
  test.after(() => res.cleanup());
  return (name, fn, ms = timeout) => {
    test(name, () => withTimeout(Promise.resolve().then(() => fn(res)), ms, `test "${name}"`));
  };
}
