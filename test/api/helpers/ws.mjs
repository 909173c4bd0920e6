// Helpers for the WebSocket API tests (test/api/ws.test.mjs).
//
// - zmq / sp / root: "wasmq/zmq", "wasmq/sp", "wasmq" (imports retried: dist/
//   may be being rebuilt by someone else at that moment).
// - attach: attachWebSocketServer, from a public entry point if one exports
//   it, else from the built transports module (the same module instance the
//   package's sockets use); publicAttach tells which.
// - wsBind(sock, path): bind ws://127.0.0.1:0<path>, check lastEndpoint
//   (real port, same path); returns it.
// - httpGet(port, path): a plain GET, resolving { status, headers, body }.
import * as http from "node:http";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { withTimeout, DEFAULT_TIMEOUT } from "./util.mjs";
import { importRetry } from "../../helpers/import-retry.mjs";

export const zmq = await importRetry("wasmq/zmq");
export const sp = await importRetry("wasmq/sp");
export const root = await importRetry("wasmq");

const here = dirname(fileURLToPath(import.meta.url));
/** The built transports module (not reachable through the package's "exports"). */
const transportsPath = join(here, "..", "..", "..", "dist", "esm", "src", "transports", "index.js");

/** Where each public entry point has attachWebSocketServer (undefined: not exported). */
export const publicAttach = {
  "wasmq/zmq": zmq.attachWebSocketServer,
  "wasmq/sp": sp.attachWebSocketServer,
  wasmq: root.attachWebSocketServer ?? root.zmq?.attachWebSocketServer ?? root.sp?.attachWebSocketServer,
};

/** attachWebSocketServer, wherever it can be had. */
export const attach =
  publicAttach["wasmq/zmq"] ?? publicAttach["wasmq/sp"] ?? publicAttach.wasmq ??
  (await importRetry(transportsPath)).attachWebSocketServer;

export const WS_ENDPOINT = /^ws:\/\/127\.0\.0\.1:([1-9]\d*)(\/.*)$/;

/** The port of a ws:// endpoint. */
export const portOf = (ep) => Number(new URL(ep).port);

/** bind ws://127.0.0.1:0<path>; asserts the endpoint form; returns sock.lastEndpoint. */
export async function wsBind(sock, path = "/ws") {
  await withTimeout(sock.bind(`ws://127.0.0.1:0${path}`), DEFAULT_TIMEOUT, `bind ws://127.0.0.1:0${path}`);
  const ep = sock.lastEndpoint;
  const m = WS_ENDPOINT.exec(ep ?? "");
  if (!m || m[2] !== path) {
    throw new Error(`lastEndpoint after bind("ws://127.0.0.1:0${path}") is ${JSON.stringify(ep)}; want ws://127.0.0.1:<port>${path}`);
  }
  return ep;
}

/** A plain HTTP GET to 127.0.0.1:port; resolves { status, headers, body }. */
export function httpGet(port, path, ms = 3000) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const req = http.get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
      });
      req.on("error", reject);
    }),
    ms,
    `GET ${path}`,
  );
}

/** Bytes [0..n) with a recognisable pattern. */
export function pattern(n, seed = 0) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** Resolves with the first event of `type` on sock.events after now (no EventLog needed). */
export function nextEvent(sock, type, ms = DEFAULT_TIMEOUT) {
  let fn;
  return withTimeout(
    new Promise((resolve) => {
      fn = (e) => resolve(e);
      sock.events.on(type, fn);
    }),
    ms,
    `event ${type}`,
  ).finally(() => sock.events.off?.(type, fn));
}
