// Registers the Node transports by URL scheme.
import { registerTransport } from "./transport.js";
import { tcp } from "./tcp.js";
import { ipc } from "./ipc.js";
import { inproc } from "./inproc.js";
import { ws } from "./ws.js";

registerTransport("tcp", tcp);
registerTransport("ipc", ipc);
registerTransport("inproc", inproc);
registerTransport("ws", ws);
registerTransport("wss", ws);

export { transportFor, registerTransport } from "./transport.js";
export type { Transport, Conn, Listener, Dialing, TransportOptions } from "./transport.js";
export { attachWebSocketServer } from "./ws.js";
