// The earliest protocol deadline across all pipes. The core has no clock:
// `now` arrives with every call, and the host arms one timer for this value.
export let earliest: f64 = Infinity;

export function noteDeadline(d: f64): void {
  if (d < earliest) earliest = d;
}

export function resetDeadline(): void { earliest = Infinity; }
