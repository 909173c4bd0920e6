// PUSH/PULL (SP): a pipeline, nng style. A Push hands each message to one of
// its Pull peers (load balancing over workers); a Pull takes messages from all
// its Push peers (fair queuing into a sink). Run: node examples/sp/push-pull.mjs
import * as sp from "wasmq/sp";

const sink = new sp.Pull({ receiveTimeout: 5000 });
await sink.bind(`ipc:///tmp/wasmq-example-sink-${process.pid}.ipc`); // Unix domain socket

// Three producers, each pushing its own messages into the one sink.
const producers = ["sensor-a", "sensor-b", "sensor-c"].map((name) => {
  const push = new sp.Push();
  push.connect(sink.lastEndpoint);
  return { name, push };
});
for (const { name, push } of producers) {
  for (let i = 1; i <= 2; i++) await push.send(`${name} reading ${i}`);
}

const received = [];
for (let i = 0; i < 6; i++) received.push(String((await sink.receive())[0]));
for (const line of received.sort()) console.log(`sink got "${line}"`);

for (const { push } of producers) push.close();
sink.close();
