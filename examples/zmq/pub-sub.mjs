// PUB/SUB: one-way data distribution. A Publisher sends each message to every
// Subscriber with a matching subscription (a prefix of the first frame). As in
// libzmq the filtering happens at the publisher: unwanted topics never cross
// the wire. Run: node examples/zmq/pub-sub.mjs
import * as zmq from "wasmq/zmq";
import { setTimeout as sleep } from "node:timers/promises";

const pub = new zmq.Publisher();
await pub.bind("tcp://127.0.0.1:0");

const sub = new zmq.Subscriber({ receiveTimeout: 5000 });
sub.subscribe("weather");                           // no argument: everything
sub.connect(pub.lastEndpoint);

// A subscription reaches the publisher a moment after connect(), and until it
// does a PUB drops what it sends (the "slow joiner"): say hello until one lands.
let joined = false;
sub.receive().then(() => { joined = true; });
do {
  await pub.send(["weather", "hello"]);
  await sleep(10);
} while (!joined);
console.log("subscriber joined");

await pub.send(["sports", "2-1"]);                  // not subscribed: filtered out
await pub.send(["weather", "sunny"]);
await pub.send(["weather.paris", "rain"]);          // "weather" is a prefix of it
await pub.send(["weather", "end"]);

for (;;) {
  const [topic, body] = await sub.receive();
  if (String(body) === "hello") continue;          // a late hello from the loop above
  console.log(`${topic}: ${body}`);
  if (String(body) === "end") break;
}

sub.close();
pub.close();
