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

/**
 * Waits on something that calls every function in `waiters` when its state
 * changes (output, a frame, an exit): resolves with check()'s first
 * non-undefined result; rejects with ended()'s error if it returns one, or
 * with timedOut() after `ms`. Both messages are built when they happen.
 */
export function waitUntil(waiters, check, ms, { ended = () => undefined, timedOut }) {
  let waiter;
  let timer;
  return new Promise((resolve, reject) => {
    const settle = (fn, v) => {
      waiters.delete(waiter);
      clearTimeout(timer);
      fn(v);
    };
    waiter = () => {
      let v;
      try {
        v = check();
      } catch (err) {
        return settle(reject, err);
      }
      if (v !== undefined) return settle(resolve, v);
      const err = ended();
      if (err) settle(reject, err);
    };
    timer = setTimeout(() => settle(reject, timedOut()), ms);
    waiters.add(waiter);
    waiter();
  });
}
