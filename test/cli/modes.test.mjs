// What each socket type does under `wasmq`, against wasmq sockets in this
// process: senders (--count, --interval, the wait for --connect endpoints),
// receivers (--subscribe, --count), req/rep (reply, echo), router/dealer
// (routing id, envelopes), xpub/xsub (subscriptions as messages), pair
// (both directions), and sp surveyor, raw-socket rep and bus.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as zmq from "wasmq/zmq";
import * as sp from "wasmq/sp";
import { cliSuite, startCli, startBound, runCli, str, withTimeout, ipcUrl } from "./helpers/cli.mjs";

const test = suite("cli: socket types against wasmq sockets");
const it = cliSuite(test);

const sock = (res, S, o = {}) => res.sock(new S({ linger: 0, ...o }));

/** Receives n messages (bounded), with the time each arrived. */
async function receiveN(s, n, ms = 5000) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const m = await withTimeout(s.receive(), ms, `message ${i + 1} of ${n}`);
    out.push({ frames: str(m), at: performance.now() });
  }
  return out;
}

/** Answers every message on a rep-like socket with answer(frames) until it closes. */
function serve(s, answer) {
  (async () => {
    for await (const m of s) await s.send(answer(m));
  })().catch(() => {});
}

it("zmq pair --count 1 --data x sends once and exits 0 (a pair with a message stops after its --count sends)", async (res) => {
  const peer = sock(res, zmq.Pair);
  await peer.bind("tcp://127.0.0.1:0");
  const r = await runCli(res, ["zmq", "pair", "--connect", peer.lastEndpoint, "--count", "1", "--data", "x"]);
  assert.is(r.code, 0, r.stderr);
  const [m] = await withTimeout(peer.receive(), 5000, "the pair's message");
  assert.is(m.toString(), "x");
});

it("zmq push --count 3 --interval 0.1: three messages about 100 ms apart, then exit 0", async (res) => {
  const pull = sock(res, zmq.Pull);
  await pull.bind("tcp://127.0.0.1:0");
  // The accept precedes the CLI's first send; the third send comes two
  // intervals after the first, and arrives no earlier. (Gaps between
  // arrivals are not a bound: a busy receiver can take two at once.)
  let accepted = 0;
  pull.events.on("accept", () => { accepted = performance.now(); });
  const cli = startCli(res, ["zmq", "push", "--connect", pull.lastEndpoint, "-D", "tick", "--count", "3", "--interval", "0.1"]);
  const got = await receiveN(pull, 3);
  assert.equal(got.map((g) => g.frames), [["tick"], ["tick"], ["tick"]]);
  const span = got[2].at - accepted;
  assert.ok(accepted > 0 && span >= 195, `the third message came ${span.toFixed(0)} ms after the accept: the intervals were cut short`);
  assert.is((await cli.exit()).code, 0, cli.diag());
});

it("a sender waits for its --connect endpoint: a pull bound later still gets the one message", async (res) => {
  // Take a free port, then start the sender before anything listens there.
  const probe = sock(res, zmq.Pull);
  await probe.bind("tcp://127.0.0.1:0");
  const url = probe.lastEndpoint;
  probe.close();
  const cli = startCli(res, ["zmq", "push", "--connect", url, "-D", "late", "-v"]);
  const pull = sock(res, zmq.Pull);
  await pull.bind(url);
  assert.equal(str(await withTimeout(pull.receive(), 5000, "the message")), ["late"]);
  const r = await cli.exit();
  assert.is(r.code, 0);
  assert.is(r.stderr, `Connected to: ${url}\n`, "-v reports the connection");
});

it("--delay 0.3 holds the first send for 0.3 s after the connection is up", async (res) => {
  const pull = sock(res, zmq.Pull);
  await pull.bind("tcp://127.0.0.1:0");
  // Measured from the accept: the PULL sends its greeting then, so the
  // CLI's side of the handshake (where its delay starts) is done later.
  // (The PULL's own handshake event can come after the CLI's, on a busy machine.)
  let up = 0;
  pull.events.on("accept", () => { up = performance.now(); });
  startCli(res, ["zmq", "push", "--connect", pull.lastEndpoint, "-D", "later", "--delay", "0.3"]);
  assert.equal(str(await withTimeout(pull.receive(), 5000, "the delayed message")), ["later"]);
  const waited = performance.now() - up;
  assert.ok(up > 0 && waited >= 295, `sent ${waited.toFixed(0)} ms after the connection was accepted`);
});

it("-vv reports binds, accepts, disconnects and connect retries on stderr; -X/-x are ipc binds/connects", async (res) => {
  const path = ipcUrl(res, "vv").slice("ipc://".length);
  const cli = startCli(res, ["sp", "pull", "-X", path, "-vv", "--count", "1"]);
  await cli.listening();
  const r = await runCli(res, ["sp", "push", "-x", path, "-D", "x"]);
  assert.is(r.code, 0, r.stderr);
  const p = await cli.exit();
  assert.is(p.code, 0, cli.diag());
  const lines = p.stderr.trimEnd().split("\n");
  assert.is(lines[0], `Listening at: ipc://${path}`);
  assert.ok(lines.includes(`Accepted connection at: ipc://${path}`), p.stderr);
  assert.ok(lines.includes(`Peer connected at: ipc://${path}`), p.stderr);

  const probe = sock(res, zmq.Pull);
  await probe.bind("tcp://127.0.0.1:0");
  const closed = probe.lastEndpoint;
  probe.close();
  const retry = await runCli(res, ["zmq", "push", "--connect", closed, "-D", "x", "-vv", "--send-timeout", "0.3"]);
  assert.is(retry.code, 3);
  assert.match(retry.stderr, new RegExp(`^Retrying ${closed.replace(/\./g, "\\.")} in \\d+ ms \\(ECONNREFUSED\\)$`, "m"));
});

it("zmq sub --subscribe weather --count 2 prints only subscribed messages, then exits 0", async (res) => {
  const pub = sock(res, zmq.Publisher);
  await pub.bind("tcp://127.0.0.1:0");
  const cli = startCli(res, ["zmq", "sub", "--connect", pub.lastEndpoint, "--subscribe", "weather", "--count", "2"]);
  let k = 0;
  const t = setInterval(() => {
    pub.send(["sports", `${k}`]).catch(() => {});
    pub.send(["weather", `sunny ${k++}`]).catch(() => {});
  }, 20);
  res.defer(() => clearInterval(t));
  const r = await cli.exit();
  assert.is(r.code, 0, cli.diag());
  const lines = r.text.trimEnd().split("\n");
  assert.is(lines.length, 2, r.text);
  for (const l of lines) assert.match(l, /^"weather" "sunny \d+"$/);
});

it("zmq req prints each reply (--count 2); zmq rep answers with --data or echoes", async (res) => {
  const rep = sock(res, zmq.Reply);
  await rep.bind("tcp://127.0.0.1:0");
  serve(rep, (m) => ["re:", ...m]);
  const r = await runCli(res, ["zmq", "req", "--connect", rep.lastEndpoint, "-D", "a", "-D", "b", "--count", "2"]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.text, `"re:" "a" "b"\n"re:" "a" "b"\n`);

  const [echo, url] = await startBound(res, ["zmq", "rep", "--bind", "tcp://127.0.0.1:0", "--count", "1"]);
  const req = sock(res, zmq.Request);
  req.connect(url);
  await req.send(["ping", "2"]);
  assert.equal(str(await withTimeout(req.receive(), 5000, "the echo")), ["ping", "2"]);
  const e = await echo.exit();
  assert.is(e.code, 0);
  assert.is(e.text, `"ping" "2"\n`, "rep prints the request");

  const [pong, url2] = await startBound(res, ["zmq", "rep", "--bind", "tcp://127.0.0.1:0", "--data", "pong", "--count", "1"]);
  const req2 = sock(res, zmq.Request);
  req2.connect(url2);
  await req2.send("ping");
  assert.equal(str(await withTimeout(req2.receive(), 5000, "the answer")), ["pong"]);
  assert.is((await pong.exit()).code, 0);
});

it("zmq router --data ok answers a DEALER and a REQ through their envelopes; prints the routing id", async (res) => {
  const [router, url] = await startBound(res, ["zmq", "router", "--bind", "tcp://127.0.0.1:0", "--data", "ok", "--count", "2", "--json"]);
  const dealer = sock(res, zmq.Dealer, { routingId: "d1" });
  dealer.connect(url);
  await dealer.send("from-dealer");
  assert.equal(str(await withTimeout(dealer.receive(), 5000, "answer to the dealer")), ["ok"]);
  const req = sock(res, zmq.Request, { routingId: "r1" });
  req.connect(url);
  await req.send("from-req");
  assert.equal(str(await withTimeout(req.receive(), 5000, "answer to the req")), ["ok"]);
  const r = await router.exit();
  assert.is(r.code, 0, router.diag());
  assert.is(r.text, `{"frames":["d1","from-dealer"]}\n{"frames":["r1","","from-req"]}\n`);
});

it("zmq dealer --identity sends a multipart message a ROUTER sees from that id, prints the answer", async (res) => {
  const router = sock(res, zmq.Router);
  await router.bind("tcp://127.0.0.1:0");
  serve(router, ([id, ...rest]) => [id, ...rest.slice(0, -1), "go"]);
  const r = await runCli(res, ["zmq", "dealer", "--connect", router.lastEndpoint, "--identity", "worker-1", "-D", "", "-D", "ready", "--count", "1", "--recv-timeout", "0.3"]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.text, `"" "go"\n`);
});

it("zmq xpub prints subscriptions as \\x01topic / \\x00topic; zmq xsub --subscribe sends them", async (res) => {
  const [xpub, url] = await startBound(res, ["zmq", "xpub", "--bind", "tcp://127.0.0.1:0", "--count", "2"]);
  const sub = sock(res, zmq.Subscriber);
  sub.connect(url);
  sub.subscribe("news");
  await xpub.waitLines(1);
  sub.unsubscribe("news");
  const r = await xpub.exit();
  assert.is(r.code, 0);
  assert.is(r.text, `"\\x01news"\n"\\x00news"\n`);

  const pub = sock(res, zmq.XPublisher);
  await pub.bind("tcp://127.0.0.1:0");
  const xsub = startCli(res, ["zmq", "xsub", "--connect", pub.lastEndpoint, "--subscribe", "a", "--subscribe", "b", "--count", "1"]);
  const subs = [str(await withTimeout(pub.receive(), 5000, "first subscription")), str(await withTimeout(pub.receive(), 5000, "second"))];
  assert.equal(subs, [["\x01a"], ["\x01b"]]);
  await pub.send("b-news");
  assert.is((await xsub.exit()).text, `"b-news"\n`);
});

it("zmq pair with --data sends and prints both ways; stops one --interval after its last send", async (res) => {
  const pair = sock(res, zmq.Pair);
  await pair.bind("tcp://127.0.0.1:0");
  const cli = startCli(res, ["zmq", "pair", "--connect", pair.lastEndpoint, "-D", "hi", "--count", "2", "--interval", "0.2"]);
  assert.equal(str(await withTimeout(pair.receive(), 5000, "first hi")), ["hi"]);
  await pair.send("back");
  assert.equal(str(await withTimeout(pair.receive(), 5000, "second hi")), ["hi"]);
  const t = performance.now();
  const r = await cli.exit();
  assert.is(r.code, 0, cli.diag());
  assert.is(r.text, `"back"\n`);
  assert.ok(performance.now() - t > 100, "kept receiving after the last send");
});

it("sp surveyor prints every answer until --survey-time, then exits 0", async (res) => {
  // The surveyor dials both respondents: its survey goes out once both handshakes are done.
  const urls = [];
  for (const name of ["r1", "r2"]) {
    const r = sock(res, sp.Respondent);
    await r.bind("tcp://127.0.0.1:0");
    serve(r, ([q]) => `${name} answers ${q}`);
    urls.push(r.lastEndpoint);
  }
  const t0 = performance.now();
  const r = await runCli(res, ["sp", "surveyor", "--dial", urls[0], "--dial", urls[1], "-D", "who?", "--survey-time", "0.4"]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.text.trimEnd().split("\n").sort(), ['"r1 answers who?"', '"r2 answers who?"']);
  assert.ok(performance.now() - t0 >= 400, "collected until the deadline");
});

it("sp rep --raw-socket prints [header, body] and answers with the header kept", async (res) => {
  const [cli, url] = await startBound(res, ["sp", "rep", "--raw-socket", "--listen", "tcp://127.0.0.1:0", "--count", "1", "--hex"]);
  const req = sock(res, sp.Req);
  req.connect(url);
  await req.send("q");
  assert.equal(str(await withTimeout(req.receive(), 5000, "the echoed reply")), ["q"]);
  const r = await cli.exit();
  assert.is(r.code, 0);
  assert.match(r.text, /^"(\\x[0-9a-f]{2}){8}" "\\x71"\n$/, "8-byte header (pipe id, request id), then the body");
});

it("sp bus / nngcat-style --bus0 --dial: sends, and prints what the other bus says", async (res) => {
  const bus = sock(res, sp.Bus);
  await bus.bind("tcp://127.0.0.1:0");
  const cli = startCli(res, ["--bus0", "--dial", bus.lastEndpoint, "-D", "hello bus", "--recv-timeout", "0.5"]);
  assert.equal(str(await withTimeout(bus.receive(), 5000, "the bus message")), ["hello bus"]);
  await bus.send("hello back");
  const r = await cli.exit();
  assert.is(r.code, 0, cli.diag());
  assert.is(r.text, `"hello back"\n`);
});

test.run();
