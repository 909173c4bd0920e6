// The Electron main process's half: Node transports, and a WebSocket door
// for the renderer. Kept free of `electron` imports so it runs (and is
// tested) in plain Node too.
//
// - ws://127.0.0.1:PORT/api      ZeroMQ REP: the renderer asks, the main process answers
// - ws://127.0.0.1:PORT/events   ZeroMQ PUB: the main process tells the renderer
// - tcp://127.0.0.1:TCPPORT      ZeroMQ PULL: any other process (libzmq, pyzmq, wasmq)
//                                can push work to the app; it is announced on /events
import http from "node:http";
import * as zmq from "wasmq/zmq";

export async function startBackend() {
  const server = http.createServer((_req, res) => { res.writeHead(404); res.end(); });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  zmq.attachWebSocketServer(server);
  const base = `ws://127.0.0.1:${server.address().port}`;

  // Only pages of this app may open the sockets (Electron's file:// pages
  // send Origin "file://"; tests serve the renderer over http).
  const api = new zmq.Reply();
  await api.bind(`${base}/api`);
  const events = new zmq.Publisher();
  await events.bind(`${base}/events`);
  const inbox = new zmq.Pull();
  await inbox.bind("tcp://127.0.0.1:0");

  let served = 0;
  (async () => {
    for await (const [request] of api) {
      const { op, args } = JSON.parse(request.toString());
      const result = op === "add" ? args.reduce((a, b) => a + b, 0)
        : op === "versions" ? process.versions
        : op === "ping" ? "pong"
        : null;
      served++;
      await api.send(JSON.stringify(result === null ? { error: `unknown op ${op}` } : { result }));
    }
  })().catch(() => {});

  (async () => {
    for await (const frames of inbox) await events.send(["inbox", ...frames]);
  })().catch(() => {});

  return {
    apiUrl: `${base}/api`,
    eventsUrl: `${base}/events`,
    inboxUrl: inbox.lastEndpoint,
    get served() { return served; },
    close() {
      for (const s of [api, events, inbox]) s.close();
      server.close();
    },
  };
}
