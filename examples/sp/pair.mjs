// PAIR (SP): a one-to-one, two-way link. Pair1 is nng's PAIR v1 (use Pair0 for
// PAIR v0 peers such as nanomsg). Either side may send at any time.
// Run: node examples/sp/pair.mjs
import * as sp from "wasmq/sp";

const address = `ipc:///tmp/wasmq-example-pair-${process.pid}.ipc`; // a Unix domain socket

const a = new sp.Pair1({ receiveTimeout: 5000 });
await a.bind(address);
const b = new sp.Pair1({ receiveTimeout: 5000 });
b.connect(address);                                 // messages sent now wait for the link

await b.send("hi, I am b");
console.log(`a got "${(await a.receive())[0]}"`);
await a.send("hello b, a here");
console.log(`b got "${(await b.receive())[0]}"`);

b.close();
a.close();
