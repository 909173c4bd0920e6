// REQ/REP (SP): remote procedure calls, nng style. A Req sends one request at a
// time and resends it if no reply comes within resendInterval (so a request
// survives a server restart); a Rep answers each request to the peer that
// asked. Run: node examples/sp/req-rep.mjs
import * as sp from "wasmq/sp";

const server = new sp.Rep();
await server.bind("tcp://127.0.0.1:0");             // port 0: any free port

// The server: answer every request until the socket is closed.
(async () => {
  for await (const [question] of server) {          // SP messages are one body: [body]
    await server.send(["echo: ", question]);        // an array is sent as one body, concatenated
  }
})();

const client = new sp.Req({ resendInterval: 1000, receiveTimeout: 5000 });
client.connect(server.lastEndpoint);

for (const question of ["ping", "are you there?", "bye"]) {
  await client.send(question);
  const [answer] = await client.receive();
  console.log(`asked "${question}", got "${answer}"`);
}

client.close();
server.close();
