// PAIR: an exclusive two-way link between exactly two sockets, typically two
// parts of one program (over inproc://) that signal each other.
// Run: node examples/zmq/pair.mjs
import * as zmq from "wasmq/zmq";

const left = new zmq.Pair();
await left.bind("inproc://pair-example");           // in-process: no network at all

const right = new zmq.Pair({ receiveTimeout: 5000 });
right.connect("inproc://pair-example");

// The left side answers every ping with a pong.
(async () => {
  for await (const [msg] of left) await left.send(String(msg).replace("ping", "pong"));
})();

for (let i = 1; i <= 3; i++) {
  await right.send(`ping ${i}`);
  const [answer] = await right.receive();
  console.log(`right sent ping ${i}, left answered ${answer}`);
}

right.close();
left.close();
