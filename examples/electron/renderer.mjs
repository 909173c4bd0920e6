// Electron renderer: the browser bundle, talking to the main process over
// WebSocket. `window.wasmqBackend` comes from preload.cjs.
import { zmq } from "../../dist/browser/wasmq.js";

const backend = window.wasmqBackend;
const text = new TextDecoder();
const $ = (id) => document.getElementById(id);
$("inbox").textContent = backend.inbox;

const api = new zmq.Request();
api.connect(backend.api);
async function call(op, args = []) {
  await api.send(JSON.stringify({ op, args }));
  const [reply] = await api.receive();
  return JSON.parse(text.decode(reply));
}
$("sum").textContent = (await call("add", [2, 3, 4])).result;
$("pong").textContent = (await call("ping")).result;

const events = new zmq.Subscriber();
events.subscribe("inbox");
events.connect(backend.events);
const lines = [];
for await (const [, ...frames] of events) {
  lines.unshift(frames.map((f) => text.decode(f)).join(" | "));
  $("events").textContent = lines.slice(0, 20).join("\n");
}
