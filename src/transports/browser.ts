// Registers the browser transports by URL scheme: ws:// and wss:// on the
// platform's WebSocket (connect only) and inproc://. The browser bundle
// (scripts/build-browser.mjs) uses this module wherever the Node code
// imports transports/index.ts, so it exports the same names.
import { registerTransport } from "./transport.js";
import { inproc } from "./inproc.js";
import { ws } from "./ws-browser.js";

registerTransport("inproc", inproc);
registerTransport("ws", ws);
registerTransport("wss", ws);

export { transportFor, registerTransport } from "./transport.js";
export type { Transport, Conn, Listener, Dialing, TransportOptions } from "./transport.js";

/** Node only: a browser cannot serve WebSockets. Throws EPROTONOSUPPORT. */
export function attachWebSocketServer(_server: unknown): never {
  throw Object.assign(new Error("attachWebSocketServer: browsers cannot listen (Node only)"), { code: "EPROTONOSUPPORT" });
}
