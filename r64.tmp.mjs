import * as zmq from "wasmq/zmq";
import { spawn } from "node:child_process";
const pull = new zmq.Pull(); await pull.bind("tcp://127.0.0.1:0");
const N = 20000;
const ch = spawn("node", ["s64.tmp.mjs", pull.lastEndpoint, String(N)], { stdio: "inherit" });
let got = 0; const t0 = performance.now();
const iv = setInterval(() => console.log("got", got), 1000);
for (let i = 0; i < N; i++) { await pull.receive(); got++; }
clearInterval(iv);
console.log("msgs/s", Math.round(N / ((performance.now() - t0) / 1000)));
pull.close(); ch.kill();
