// PUB/SUB (SP): one-way data distribution, nng style. A Pub sends every
// message to every connected Sub, and each Sub keeps the messages that start
// with one of its subscriptions (filtering happens at the subscriber).
// Run: node examples/sp/pub-sub.mjs
import * as sp from "wasmq/sp";

const pub = new sp.Pub();
await pub.bind("tcp://127.0.0.1:0");

// A Pub drops what no connected peer can take: wait for the subscriber's
// connection to be up on the publisher's side before publishing.
const connected = new Promise((resolve) => pub.events.on("handshake", resolve));

const sub = new sp.Sub({ receiveTimeout: 5000 });
sub.subscribe("weather.");                          // subscribe() alone: everything
sub.connect(pub.lastEndpoint);
await connected;

await pub.send("sports.football 2-1");              // not subscribed: dropped by the Sub
await pub.send("weather.paris rain");
await pub.send("weather.rome sunny");
await pub.send("weather.end");

for (;;) {
  const [message] = await sub.receive();
  console.log(`subscriber got "${message}"`);
  if (String(message) === "weather.end") break;
}

sub.close();
pub.close();
