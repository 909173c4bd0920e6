// `npm run demo:web`: one port serves a page and its sockets. The page (the
// browser bundle) subscribes to a ticker over ZeroMQ PUB/SUB and sends
// requests over SP REQ/REP, both over WebSocket to this Node process.
import http from "node:http";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import * as zmq from "wasmq/zmq";
import * as sp from "wasmq/sp";

const root = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.env.PORT ?? process.argv[2] ?? 8080);

const files = {
  "/": ["demo/index.html", "text/html"],
  "/demo.js": ["demo/page.mjs", "text/javascript"],
  "/wasmq.js": ["dist/browser/wasmq.js", "text/javascript"],
};

const server = http.createServer(async (req, res) => {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  // The bundle's shared chunks sit beside it.
  const file = files[path] ?? (/^\/wasmq-[\w-]+\.js$/.test(path) ? [`dist/browser${path}`, "text/javascript"] : undefined);
  if (!file) { res.writeHead(404); res.end("not found\n"); return; }
  try {
    const body = await readFile(root + file[0]);
    res.writeHead(200, { "Content-Type": file[1], "Cache-Control": "no-store" });
    res.end(body);
  } catch {
    res.writeHead(500); res.end(`missing ${file[0]}: run npm run build\n`);
  }
});
await new Promise((r) => server.listen(port, "127.0.0.1", r));
const origin = `http://127.0.0.1:${server.address().port}`;
zmq.attachWebSocketServer(server);

// A ticker: ZeroMQ PUB, topic per symbol.
const pub = new zmq.Publisher();
await pub.bind(`ws://127.0.0.1:${server.address().port}/ticker`);
const symbols = { WASM: 100, ZMTP: 50, NNG: 20 };
let seq = 0;
const ticker = setInterval(() => {
  for (const [sym, price] of Object.entries(symbols)) {
    symbols[sym] = Math.max(1, price + (Math.random() - 0.5));
    void pub.send([sym, JSON.stringify({ seq: seq++, price: symbols[sym].toFixed(2), at: Date.now() })]);
  }
}, 20);

// A service: SP REP answering with the time and the question echoed.
const rep = new sp.Rep();
await rep.bind(`ws://127.0.0.1:${server.address().port}/service`);
(async () => {
  for await (const [q] of rep) await rep.send(JSON.stringify({ echo: new TextDecoder().decode(q), served: Date.now() }));
})().catch(() => {});

console.log(`wasmq demo: open ${origin}/  (ticker: ZeroMQ PUB over ws, service: SP REP over ws)`);

function stop() {
  clearInterval(ticker);
  pub.close();
  rep.close();
  server.close();
}
process.on("SIGINT", () => { stop(); process.exit(0); });
process.on("SIGTERM", () => { stop(); process.exit(0); });
if (process.send) process.send({ ready: origin });
