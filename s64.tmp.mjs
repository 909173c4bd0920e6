import * as zmq from "wasmq/zmq";
const push = new zmq.Push(); push.connect(process.argv[2]);
const N = +process.argv[3], buf = Buffer.alloc(65536, 7);
let sent = 0;
const iv = setInterval(() => console.error("sender sent", sent), 1000);
for (let i = 0; i < N; i++) { await push.send(buf); sent++; }
console.error("sent all"); clearInterval(iv);
