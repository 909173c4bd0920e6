// DEALER/ROUTER: asynchronous request/reply. A Router sees each message as
// [routing id, ...frames] and addresses replies (or anything else) to a peer
// by that id; a Dealer sends and receives freely, with no lock-step.
// Run: node examples/zmq/dealer-router.mjs
import * as zmq from "wasmq/zmq";

const router = new zmq.Router({ mandatory: true });  // unknown id: EHOSTUNREACH, not a drop
await router.bind("tcp://127.0.0.1:0");

// The server: answer every message to the peer that sent it.
(async () => {
  for await (const [id, body] of router) {
    await router.send([id, `${body} done for ${id}`]);
  }
})();

const dealers = ["alice", "bob"].map((routingId) => {
  const dealer = new zmq.Dealer({ routingId, receiveTimeout: 5000 });
  dealer.connect(router.lastEndpoint);
  return dealer;
});

for (const dealer of dealers) {
  // Two requests in a row, then both replies: a Dealer does not wait.
  await dealer.send("job 1");
  await dealer.send("job 2");
  for (let i = 0; i < 2; i++) console.log(`${dealer.routingId} <- ${(await dealer.receive())[0]}`);
}

// The router can also speak first, to any peer it knows.
await router.send(["bob", "a message just for bob"]);
console.log(`bob <- ${(await dealers[1].receive())[0]}`);

for (const dealer of dealers) dealer.close();
router.close();
