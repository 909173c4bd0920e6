// Registers the Node transports by URL scheme. tls.ts (node:tls) is
// imported here only: the browser bundle replaces this module with
// browser.ts, so node:tls never reaches it.
import { registerTransport } from "./transport.js";
import { tcp } from "./tcp.js";
import { ipc } from "./ipc.js";
import { inproc } from "./inproc.js";
import { ws, wss } from "./ws.js";
import { tlsTcp } from "./tls.js";

registerTransport("tcp", tcp);
registerTransport("ipc", ipc);
registerTransport("inproc", inproc);
registerTransport("ws", ws);
registerTransport("wss", wss);
// nng's name for the SP TCP mapping inside TLS.
registerTransport("tls+tcp", tlsTcp);

export { transportFor, registerTransport } from "./transport.js";
export type { Transport, Conn, Listener, Dialing, TransportOptions } from "./transport.js";
export { attachWebSocketServer } from "./ws.js";
