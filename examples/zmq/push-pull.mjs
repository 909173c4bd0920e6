// PUSH/PULL: a pipeline. A Push load-balances messages over its connected Pull
// peers, so tasks spread over workers; a Pull fair-queues what its Push peers
// send, so results gather in a sink. Run: node examples/zmq/push-pull.mjs
import * as zmq from "wasmq/zmq";

const tasks = new zmq.Push();                       // the ventilator hands out tasks
await tasks.bind("tcp://127.0.0.1:0");
const results = new zmq.Pull({ receiveTimeout: 5000 }); // the sink collects results
await results.bind("tcp://127.0.0.1:0");

// Wait until both workers are connected, or the first one would get every task.
const ready = new Promise((resolve) => {
  let n = 0;
  tasks.events.on("handshake", () => { if (++n === 2) resolve(); });
});

const workers = ["worker-1", "worker-2"].map((name) => {
  const input = new zmq.Pull();
  const output = new zmq.Push();
  input.connect(tasks.lastEndpoint);
  output.connect(results.lastEndpoint);
  (async () => { for await (const [task] of input) await output.send([name, task]); })();
  return [input, output];
});
await ready;

for (let i = 1; i <= 6; i++) await tasks.send(`task ${i}`);

const done = {};
for (let i = 0; i < 6; i++) {
  const [worker, task] = await results.receive();
  (done[worker] ??= []).push(String(task));
}
for (const [worker, list] of Object.entries(done).sort()) console.log(`${worker} did ${list.length} tasks`);

for (const s of [tasks, results, ...workers.flat()]) s.close();
