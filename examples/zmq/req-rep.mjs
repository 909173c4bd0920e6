// REQ/REP: remote procedure calls. A Request sends one request and waits for
// its reply before it may send the next; a Reply answers each request, in
// turn, to the peer that asked. Run: node examples/zmq/req-rep.mjs
import * as zmq from "wasmq/zmq";

const server = new zmq.Reply();
await server.bind("tcp://127.0.0.1:0");             // port 0: any free port

// The server: answer every request until the socket is closed.
(async () => {
  for await (const [name] of server) {
    await server.send(`hello, ${name}`);
  }
})();

const client = new zmq.Request({ receiveTimeout: 5000 }); // fail rather than hang
client.connect(server.lastEndpoint);                // e.g. tcp://127.0.0.1:41234

for (const name of ["alice", "bob", "carol"]) {
  await client.send(name);
  const [reply] = await client.receive();           // always an array of Buffers
  console.log(`request "${name}" -> reply "${reply}"`);
}

client.close();
server.close();
