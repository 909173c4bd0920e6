// The implementation under test. Normally the package itself ("wasmq/zmq",
// resolved through the package's self-reference once built); set
// WASMQ_IMPL=zeromq to run the very same suite against npm zeromq.js, which
// validates the tests themselves against libzmq-on-both-ends.
const spec = process.env.WASMQ_IMPL || "wasmq/zmq";
const mod = await import(spec);

/** zeromq.js-v6-compatible namespace: Pair, Publisher, Subscriber, ... */
export const zmq = mod.Push ? mod : mod.default;
/** e.g. "wasmq/zmq" or "zeromq", for messages. */
export const implName = spec;
