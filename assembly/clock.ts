// The earliest protocol deadline across all pipes. The core has no clock:
// `now` arrives with every call, and the host arms one timer for this value.
export let earliest: f64 = Infinity;

export function noteDeadline(d: f64): void {
  if (d < earliest) earliest = d;
}

export function resetDeadline(): void { earliest = Infinity; }

// The `now` of the current call, for code that acts without one passed in.
export let callNow: f64 = 0;
export function setCallNow(t: f64): void { callNow = t; }
