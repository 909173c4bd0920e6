// What a target throws when an oracle fails: the oracle's name (trap,
// whole-vs-cut, memory, model, crash, ...) and a message precise enough to
// start debugging from. Anything else a target throws is a bug in the fuzz
// code itself and is reported as such.
//
// `key` (optional) names the failure for deduplication when the message
// carries input-specific detail: one bug found through many inputs should be
// reported once.
export class FuzzFailure extends Error {
  constructor(oracle, message, options = {}) {
    super(message, options);
    this.name = "FuzzFailure";
    this.oracle = oracle;
    this.key = options.key ?? null;
  }
}
