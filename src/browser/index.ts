/**
 * wasmq for browsers and Web Workers: both families, `import { zmq, sp }`,
 * over ws:// / wss:// (connect only) and inproc://. Bundled by
 * scripts/build-browser.mjs into dist/browser/.
 */
import "../transports/browser.js";
export * as zmq from "./zmq.js";
export * as sp from "./sp.js";
