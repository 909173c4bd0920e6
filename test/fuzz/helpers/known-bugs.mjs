// Bugs the fuzzers found that are not fixed yet. Each stored input listed
// here keeps its replay test, skipped (so the suite stays green and the case
// runs again as soon as it is taken off the list), and a bounded run that
// rediscovers the same failure (same signature) reports it without failing.
// When a fix lands: delete the entry, and the replay must pass.

export const KNOWN = [
];

export const KNOWN_FILES = new Set(KNOWN.map((k) => k.file));
export const KNOWN_SIGNATURES = new Set(KNOWN.map((k) => k.signature));
