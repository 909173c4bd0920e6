// What a target throws when an oracle fails: the oracle's name (trap,
// whole-vs-cut, memory, model, crash, ...) and a message precise enough to
// start debugging from. Anything else a target throws is a bug in the fuzz
// code itself and is reported as such.
export class FuzzFailure extends Error {
  constructor(oracle, message, options) {
    super(message, options);
    this.name = "FuzzFailure";
    this.oracle = oracle;
  }
}
