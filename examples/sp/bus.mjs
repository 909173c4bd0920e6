// BUS (SP): many-to-many messaging. Each Bus socket sends every message to
// all its directly connected peers (never back to the sender); connect the
// nodes in a full mesh and everyone hears everyone. Run: node examples/sp/bus.mjs
import * as sp from "wasmq/sp";

const names = ["alpha", "beta", "gamma"];
const nodes = names.map(() => new sp.Bus({ receiveTimeout: 5000 }));

// Each node binds, and connects to the nodes bound before it: a full mesh.
// A Bus drops what no peer can take yet, so wait until every node has 2 peers.
const meshed = nodes.map((node) => new Promise((resolve) => {
  let n = 0;
  node.events.on("handshake", () => { if (++n === 2) resolve(); });
}));
for (const [i, node] of nodes.entries()) {
  await node.bind(`inproc://bus-${names[i]}`);
  for (let j = 0; j < i; j++) node.connect(`inproc://bus-${names[j]}`);
}
await Promise.all(meshed);

for (const [i, node] of nodes.entries()) await node.send(`hello from ${names[i]}`);

for (const [i, node] of nodes.entries()) {
  const heard = [];
  for (let k = 0; k < 2; k++) heard.push(String((await node.receive())[0]));
  console.log(`${names[i]} heard: ${heard.sort().join(", ")}`);
}

for (const node of nodes) node.close();
