// wasmq: brokerless messaging from one WebAssembly protocol core.
export * as zmq from "./zmq/index.js";
export * as sp from "./sp/index.js";
