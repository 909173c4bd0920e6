// Timers for any delay. Hosts' setTimeout takes a signed 32-bit delay: from
// 2^31 ms (about 24.8 days) on, Node fires after 1 ms with a warning and
// browsers at once. Options such as receiveTimeout, linger or a reconnect
// interval may legitimately be that long, or Infinity, so every timer wasmq
// arms goes through here: Infinity arms nothing, and a longer delay is
// reached in steps of the largest one the host accepts.

/** The largest delay setTimeout honours, ms (2^31 - 1). */
export const MAX_TIMER_DELAY = 0x7fffffff;

export interface LongTimer {
  handle: ReturnType<typeof setTimeout> | null;
  unref: boolean;
}

/** Calls fn after ms (a non-negative number, Infinity for never); does not keep the process alive if `unref`. */
export function setLongTimeout(fn: () => void, ms: number, unref = false): LongTimer {
  const t: LongTimer = { handle: null, unref };
  if (ms === Infinity) return t;
  const due = Date.now() + ms;
  const arm = (delay: number): void => {
    t.handle = setTimeout(() => {
      const left = due - Date.now();
      if (left > 0) arm(Math.min(left, MAX_TIMER_DELAY));
      else { t.handle = null; fn(); }
    }, delay);
    if (unref) (t.handle as { unref?: () => void }).unref?.();
  };
  arm(Math.min(Math.max(0, ms), MAX_TIMER_DELAY));
  return t;
}

export function clearLongTimeout(t: LongTimer | null): void {
  if (t && t.handle !== null) { clearTimeout(t.handle); t.handle = null; }
}
