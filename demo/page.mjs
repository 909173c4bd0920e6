// The demo page: subscribes to the ticker and keeps requests flowing to the
// service, showing live counts and rates. Loaded from the browser bundle.
import { zmq, sp } from "/wasmq.js";

const $ = (id) => document.getElementById(id);
const wsBase = `ws://${location.host}`;
const text = new TextDecoder();
const counts = { sub: 0, req: 0 };
window.demo = counts; // the demo test reads progress here

const sub = new zmq.Subscriber();
sub.subscribe(); // every symbol
sub.connect(`${wsBase}/ticker`);
const rows = {};
(async () => {
  for await (const [topic, body] of sub) {
    counts.sub++;
    const sym = text.decode(topic);
    const tick = JSON.parse(text.decode(body));
    let row = rows[sym];
    if (!row) {
      row = rows[sym] = $("prices").insertRow();
      row.insertCell().textContent = sym;
      row.insertCell();
      row.insertCell();
    }
    row.cells[1].textContent = tick.price;
    row.cells[2].textContent = tick.seq;
  }
})();

const req = new sp.Req();
req.connect(`${wsBase}/service`);
(async () => {
  for (let i = 0; ; i++) {
    const t0 = performance.now();
    await req.send(`question ${i}`);
    const [answer] = await req.receive();
    const reply = JSON.parse(text.decode(answer));
    counts.req++;
    $("rtt").textContent = (performance.now() - t0).toFixed(2);
    if (i % 200 === 0) {
      const line = document.createElement("div");
      line.textContent = `→ ${reply.echo}  ← served at ${new Date(reply.served).toISOString().slice(11, 23)}`;
      $("log").prepend(line);
    }
  }
})();

let last = { ...counts, t: performance.now() };
setInterval(() => {
  const now = performance.now();
  const dt = (now - last.t) / 1000;
  $("subRate").textContent = Math.round((counts.sub - last.sub) / dt).toLocaleString();
  $("reqRate").textContent = Math.round((counts.req - last.req) / dt).toLocaleString();
  $("subCount").textContent = counts.sub.toLocaleString();
  $("reqCount").textContent = counts.req.toLocaleString();
  $("status").innerHTML = counts.sub && counts.req ? '<span class="ok">● messages flowing</span>' : "connecting…";
  last = { ...counts, t: now };
}, 500);
