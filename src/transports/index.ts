// Registers the Node transports by URL scheme, and Node's file and crypto
// pieces (platform.ts). tls.ts (node:tls), node:fs and node:crypto are
// imported here only: the browser bundle replaces this module with
// browser.ts, so they never reach it.
import { registerTransport } from "./transport.js";
import { tcp } from "./tcp.js";
import { ipc } from "./ipc.js";
import { inproc } from "./inproc.js";
import { ws, wss } from "./ws.js";
import { tlsTcp } from "./tls.js";
import { readdir, readFile } from "node:fs/promises";
import { timingSafeEqual } from "node:crypto";
import { platform } from "../platform.js";

registerTransport("tcp", tcp);
registerTransport("ipc", ipc);
registerTransport("inproc", inproc);
registerTransport("ws", ws);
registerTransport("wss", wss);
// nng's name for the SP TCP mapping inside TLS.
registerTransport("tls+tcp", tlsTcp);

// Node's pieces that code shared with browsers uses when present (platform.ts).
platform.readdir = (path) => readdir(path);
platform.readTextFile = (path) => readFile(path, "utf8");
platform.timingSafeEqual = timingSafeEqual;

export { transportFor, registerTransport } from "./transport.js";
export type { Transport, Conn, Listener, Dialing, TransportOptions } from "./transport.js";
export { attachWebSocketServer } from "./ws.js";
