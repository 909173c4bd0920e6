// `npm start`: a short tour of wasmq's ZeroMQ and SP patterns over real loopback
// sockets. Prints progress as it goes and a table at the end; exits 0 only
// if every pattern delivered everything it sent.
import * as zmq from "wasmq/zmq";
import * as sp from "wasmq/sp";

const N = 20000;
const results = [];

async function pattern(name, transport, run) {
  process.stdout.write(`  ${name.padEnd(22)} ${transport.padEnd(7)} … `);
  const t0 = performance.now();
  let sent = 0, received = 0, error = null;
  try {
    ({ sent, received } = await run());
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - t0;
  const ok = !error && sent === received;
  results.push({ name, transport, sent, received, ms, ok });
  console.log(ok ? `ok  ${received} messages in ${ms.toFixed(0)} ms` : `FAILED ${error ? error.message : `${received}/${sent}`}`);
}

function endpoint(transport, name) {
  return transport === "tcp" ? "tcp://127.0.0.1:0" : transport === "ipc" ? `ipc:///tmp/wasmq-tour-${process.pid}-${name}` : `inproc://tour-${name}`;
}

// PUSH → PULL, for either family (their sockets have the same shape).
async function pipeline(lib, transport) {
  const pull = new lib.Pull();
  await pull.bind(endpoint(transport, lib === sp ? "sp-pipeline" : "pipeline"));
  const push = new lib.Push();
  push.connect(pull.lastEndpoint);
  const sending = (async () => { for (let i = 0; i < N; i++) await push.send(`job ${i}`); })();
  let received = 0;
  for (; received < N; received++) await pull.receive();
  await sending;
  push.close(); pull.close();
  return { sent: N, received };
}

async function reqRep(transport) {
  const rep = new zmq.Reply();
  await rep.bind(endpoint(transport, "reqrep"));
  const req = new zmq.Request();
  req.connect(rep.lastEndpoint);
  (async () => { for await (const [m] of rep) await rep.send(Buffer.concat([Buffer.from("re: "), m])); })();
  const rounds = 2000;
  let received = 0;
  for (let i = 0; i < rounds; i++) {
    await req.send(`question ${i}`);
    const [answer] = await req.receive();
    if (answer.toString() === `re: question ${i}`) received++;
  }
  req.close(); rep.close();
  return { sent: rounds, received };
}

// REQ ↔ REP under CURVE (RFC 26): keys from curveKeyPair(), every frame encrypted.
async function curveReqRep(transport) {
  const server = zmq.curveKeyPair();
  const client = zmq.curveKeyPair();
  const rep = new zmq.Reply({ curveServer: true, curveSecretKey: server.secretKey });
  await rep.bind(endpoint(transport, "curve"));
  const req = new zmq.Request({ curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey });
  req.connect(rep.lastEndpoint);
  (async () => { for await (const [m] of rep) await rep.send(Buffer.concat([Buffer.from("re: "), m])); })();
  const rounds = 2000;
  let received = 0;
  for (let i = 0; i < rounds; i++) {
    await req.send(`secret ${i}`);
    const [answer] = await req.receive();
    if (answer.toString() === `re: secret ${i}`) received++;
  }
  req.close(); rep.close();
  return { sent: rounds, received };
}

// PUSH → PULL under PLAIN (RFC 24), the password checked by an Authenticator (ZAP, RFC 27).
async function plainPipeline(transport) {
  const auth = new zmq.Authenticator();
  auth.configurePlain({ tour: "guide" });
  await auth.start();
  const pull = new zmq.Pull({ plainServer: true });
  await pull.bind(endpoint(transport, "plain"));
  const push = new zmq.Push({ plainUsername: "tour", plainPassword: "guide" });
  push.connect(pull.lastEndpoint);
  const count = 5000;
  const sending = (async () => { for (let i = 0; i < count; i++) await push.send(`job ${i}`); })();
  let received = 0;
  for (; received < count; received++) await pull.receive();
  await sending;
  push.close(); pull.close();
  await auth.stop();
  return { sent: count, received };
}

async function pubSub(transport) {
  const pub = new zmq.Publisher();
  await pub.bind(endpoint(transport, "pubsub"));
  const sub = new zmq.Subscriber();
  sub.connect(pub.lastEndpoint);
  sub.subscribe("weather");
  // Slow joiner: publish until the subscription has reached the publisher.
  const first = sub.receive();
  let joined = false;
  first.then(() => { joined = true; });
  while (!joined) { await pub.send(["weather", "probe"]); await new Promise((r) => setImmediate(r)); }
  const count = 5000;
  const sending = (async () => {
    for (let i = 0; i < count; i++) {
      await pub.send(["sports", "not for us"]);
      await pub.send(["weather", `sunny ${i}`]);
    }
    await pub.send(["weather", "end"]);
  })();
  let received = 0;
  for (;;) {
    const [topic, body] = await sub.receive();
    if (topic.toString() !== "weather") throw new Error("filtering failed");
    if (body.toString() === "end") break;
    if (body.toString().startsWith("sunny")) received++;
  }
  await sending;
  pub.close(); sub.close();
  return { sent: count, received };
}

async function dealerRouter(transport) {
  const router = new zmq.Router();
  await router.bind(endpoint(transport, "router"));
  const dealers = ["alice", "bob", "carol"].map((id) => {
    const d = new zmq.Dealer({ routingId: id });
    d.connect(router.lastEndpoint);
    return d;
  });
  const per = 1000;
  (async () => { for await (const [id, m] of router) await router.send([id, m]); })();
  let received = 0;
  await Promise.all(dealers.map(async (d) => {
    for (let i = 0; i < per; i++) {
      await d.send(`${d.routingId}-${i}`);
      const [echo] = await d.receive();
      if (echo.toString() === `${d.routingId}-${i}`) received++;
    }
  }));
  for (const d of dealers) d.close();
  router.close();
  return { sent: per * dealers.length, received };
}

// PAIR ↔ PAIR: ZeroMQ's Pair or SP's Pair1.
async function pair(Pair, transport, tag) {
  const a = new Pair();
  await a.bind(endpoint(transport, tag));
  const b = new Pair();
  b.connect(a.lastEndpoint);
  const count = 5000;
  const sending = (async () => { for (let i = 0; i < count; i++) await a.send(String(i)); })();
  let received = 0;
  for (let i = 0; i < count; i++) if ((await b.receive())[0].toString() === String(i)) received++;
  await sending;
  a.close(); b.close();
  return { sent: count, received };
}

// Resolves once `n` handshakes have completed on `sock` (SP PUB, BUS and
// SURVEYOR drop what no connected peer can take yet).
function peersReady(sock, n) {
  return new Promise((resolve) => {
    let seen = 0;
    sock.events.on("handshake", () => { if (++seen === n) resolve(); });
  });
}

async function spReqRep(transport) {
  const rep = new sp.Rep();
  await rep.bind(endpoint(transport, "sp-reqrep"));
  const req = new sp.Req();
  req.connect(rep.lastEndpoint);
  (async () => { for await (const [m] of rep) await rep.send(["re: ", m]); })();
  const rounds = 2000;
  let received = 0;
  for (let i = 0; i < rounds; i++) {
    await req.send(`question ${i}`);
    if ((await req.receive())[0].toString() === `re: question ${i}`) received++;
  }
  req.close(); rep.close();
  return { sent: rounds, received };
}

async function spPubSub(transport) {
  const pub = new sp.Pub();
  await pub.bind(endpoint(transport, "sp-pubsub"));
  const ready = peersReady(pub, 1);
  const sub = new sp.Sub();
  sub.subscribe("weather");
  sub.connect(pub.lastEndpoint);
  await ready;
  const count = 5000;
  const sending = (async () => {
    for (let i = 0; i < count; i++) {
      await pub.send("sports: not for us");
      await pub.send(`weather: sunny ${i}`);
    }
    await pub.send("weather: end");
  })();
  let received = 0;
  for (;;) {
    const body = (await sub.receive())[0].toString();
    if (!body.startsWith("weather")) throw new Error("filtering failed");
    if (body === "weather: end") break;
    received++;
  }
  await sending;
  pub.close(); sub.close();
  return { sent: count, received };
}

async function spSurvey(transport) {
  const surveyor = new sp.Surveyor({ surveyTime: 500 });
  await surveyor.bind(endpoint(transport, "sp-survey"));
  const ready = peersReady(surveyor, 3);
  const respondents = [1, 2, 3].map((n) => {
    const r = new sp.Respondent();
    r.connect(surveyor.lastEndpoint);
    (async () => { for await (const [q] of r) await r.send(`${q}: respondent ${n}`); })();
    return r;
  });
  await ready;
  const surveys = 100;
  let received = 0;
  for (let i = 0; i < surveys; i++) {
    await surveyor.send(`survey ${i}`);
    for (let k = 0; k < 3; k++) if ((await surveyor.receive())[0].toString().startsWith(`survey ${i}:`)) received++;
  }
  for (const r of respondents) r.close();
  surveyor.close();
  return { sent: surveys * 3, received };
}

async function spBus(transport) {
  const nodes = [new sp.Bus(), new sp.Bus(), new sp.Bus()];
  // A full mesh: each node binds, and connects to the ones bound before it.
  const ready = nodes.map((b) => peersReady(b, 2));
  const bound = [];
  for (let i = 0; i < nodes.length; i++) {
    await nodes[i].bind(endpoint(transport, `sp-bus-${i}`));
    bound.push(nodes[i].lastEndpoint);
    for (let j = 0; j < i; j++) nodes[i].connect(bound[j]);
  }
  await Promise.all(ready);
  const per = 500;
  let received = 0;
  const listening = nodes.map((b) => (async () => { for (let k = 0; k < per * 2; k++) { await b.receive(); received++; } })());
  for (let i = 0; i < per; i++) for (const b of nodes) await b.send(`hello ${i}`);
  await Promise.all(listening);
  for (const b of nodes) b.close();
  return { sent: per * nodes.length * 2, received };
}


console.log("wasmq tour: ZeroMQ and nanomsg/nng patterns from one WebAssembly core, no native build\n");
console.log("ZeroMQ (wasmq/zmq)");
await pattern("PUSH → PULL", "tcp", () => pipeline(zmq, "tcp"));
await pattern("PUSH → PULL", "ipc", () => pipeline(zmq, "ipc"));
await pattern("PUSH → PULL", "inproc", () => pipeline(zmq, "inproc"));
await pattern("REQ ↔ REP", "tcp", () => reqRep("tcp"));
await pattern("PUB → SUB (filtered)", "tcp", () => pubSub("tcp"));
await pattern("DEALER ×3 ↔ ROUTER", "tcp", () => dealerRouter("tcp"));
await pattern("PAIR ↔ PAIR", "ipc", () => pair(zmq.Pair, "ipc", "pair"));
await pattern("REQ ↔ REP, CURVE", "tcp", () => curveReqRep("tcp"));
await pattern("PUSH → PULL, PLAIN+ZAP", "tcp", () => plainPipeline("tcp"));
console.log("\nScalability Protocols (wasmq/sp)");
await pattern("SP REQ ↔ REP", "tcp", () => spReqRep("tcp"));
await pattern("SP PUSH → PULL", "ipc", () => pipeline(sp, "ipc"));
await pattern("SP PUB → SUB (filter)", "tcp", () => spPubSub("tcp"));
await pattern("SP SURVEYOR → 3 RESP.", "tcp", () => spSurvey("tcp"));
await pattern("SP BUS ×3 (mesh)", "inproc", () => spBus("inproc"));
await pattern("SP PAIR1 ↔ PAIR1", "tcp", () => pair(sp.Pair1, "tcp", "sp-pair"));

console.log("\n| pattern | transport | sent | received | msg/s | result |");
console.log("|---|---|---:|---:|---:|---|");
for (const r of results) {
  const rate = r.ms > 0 ? Math.round(r.received / (r.ms / 1000)) : 0;
  console.log(`| ${r.name} | ${r.transport} | ${r.sent} | ${r.received} | ${rate.toLocaleString("en-US")} | ${r.ok ? "ok" : "FAILED"} |`);
}
const failed = results.filter((r) => !r.ok).length;
console.log(failed ? `\n${failed} pattern(s) failed` : "\nevery pattern delivered what it sent");
process.exit(failed ? 1 : 0);
