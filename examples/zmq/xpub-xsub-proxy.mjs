// XPUB/XSUB proxy: a broker in the middle of PUB/SUB. Publishers connect to
// its XSubscriber, subscribers to its XPublisher; messages flow downstream
// and subscriptions (frames [1, ...topic] to subscribe, [0, ...topic] to
// unsubscribe) flow upstream. Run: node examples/zmq/xpub-xsub-proxy.mjs
import * as zmq from "wasmq/zmq";
import { setTimeout as sleep } from "node:timers/promises";

const frontend = new zmq.XSubscriber();             // publishers connect here
await frontend.bind("tcp://127.0.0.1:0");
const backend = new zmq.XPublisher();               // subscribers connect here
await backend.bind("tcp://127.0.0.1:0");

// The proxy: messages down, subscriptions up.
(async () => { for await (const msg of frontend) await backend.send(msg); })();
(async () => {
  for await (const [subscription] of backend) {
    const [kind, topic] = [subscription[0], subscription.subarray(1)];
    console.log(`proxy: ${kind === 1 ? "subscribe" : "unsubscribe"} "${topic}"`);
    await frontend.send(subscription);
  }
})();

const pub = new zmq.Publisher();
pub.connect(frontend.lastEndpoint);
const sub = new zmq.Subscriber({ receiveTimeout: 5000 });
sub.connect(backend.lastEndpoint);
sub.subscribe("news");

// Publish until the subscription has made its way through the proxy.
let joined = false;
sub.receive().then(() => { joined = true; });
do {
  await pub.send(["news", "hello"]);
  await sleep(10);
} while (!joined);

await pub.send(["sports", "not forwarded: nobody subscribed"]);
await pub.send(["news", "proxy works"]);
let topic, body;
do [topic, body] = await sub.receive(); while (String(body) === "hello"); // skip late hellos
console.log(`subscriber got ${topic}: ${body}`);

for (const s of [sub, pub, frontend, backend]) s.close();
