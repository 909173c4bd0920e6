// Bugs the fuzzers found that are not fixed yet. Each stored input listed
// here keeps its replay test, skipped (so the suite stays green and the case
// runs again as soon as it is taken off the list), and a bounded run that
// rediscovers the same failure (same signature) reports it without failing.
// When a fix lands: delete the entry, and the replay must pass.

export const KNOWN = [
  {
    // assembly/zmtp/zap.ts zapReply(): a ZAP request id is "<pipe handle>.<serial>",
    // but the reply's id is read back with at most 9 digits a part, and pipe
    // handles are generation << 20 | slot: from generation 954 of a slot (a
    // long-running server's 954th connection on it) they have 10 digits and
    // the handler's answer is not taken as that connection's (ignored: the
    // handshake hangs until handshakeInterval; or passed to the oldest
    // waiting connection as a reply naming no request).
    file: "security/regression-zap-id-ten-digit-handle.hex",
    signature: "zap-reply: a reply to a request whose pipe handle has 10 digits is not taken as its own",
  },
];

export const KNOWN_FILES = new Set(KNOWN.map((k) => k.file));
export const KNOWN_SIGNATURES = new Set(KNOWN.map((k) => k.signature));
