// Registers the Node transports by URL scheme.
import { registerTransport } from "./transport.js";
import { tcp } from "./tcp.js";
import { ipc } from "./ipc.js";
import { inproc } from "./inproc.js";

registerTransport("tcp", tcp);
registerTransport("ipc", ipc);
registerTransport("inproc", inproc);

export { transportFor, registerTransport } from "./transport.js";
export type { Transport, Conn, Listener, Dialing, TransportOptions } from "./transport.js";
