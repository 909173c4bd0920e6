// Bugs the fuzzers found that are not fixed yet. Each stored input listed
// here keeps its replay test, skipped (so the suite stays green and the case
// runs again as soon as it is taken off the list), and a bounded run that
// rediscovers the same failure (same signature) reports it without failing.
// When a fix lands: delete the entry, and the replay must pass.

export const KNOWN = [
  {
    // src/cli/args.ts parseError(): "unknown option" quotes the argument as
    // parseArgs gave it, not JSON.stringify'd like the other messages, so a
    // newline (or a terminal escape) in an unknown option makes the usage
    // error several lines long; the parser promises one line.
    file: "cli-args/regression-newline-in-unknown-option.hex",
    signature: 'usage-error: message of several lines: "unknown option …"',
  },
];

export const KNOWN_FILES = new Set(KNOWN.map((k) => k.file));
export const KNOWN_SIGNATURES = new Set(KNOWN.map((k) => k.signature));
