/**
 * wasmq/zmq for browsers and Web Workers: the same classes as the Node entry,
 * over ws:// / wss:// (connect only) and inproc://. Received frames are
 * Uint8Arrays (there is no Buffer). Bundled by scripts/build-browser.mjs,
 * which gives the shared code transports/browser.ts in place of the Node
 * transports; unbundled, this module would load those.
 */
import "../transports/browser.js";
export * from "../zmq/index.js";
