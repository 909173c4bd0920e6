// The `wasmq` command line itself: --help (general, per family, per type)
// lists every option, format, exit status and examples; --version; every
// usage mistake exits 1 with one line on stderr plus the --help hint and no
// stack trace; bind/connect failures exit 2 naming the endpoint and code;
// timeouts exit 3; an undelivered message exits 4; signals 130/143.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, existsSync } from "node:fs";
import net from "node:net";
import { join, dirname } from "node:path";
import * as zmq from "wasmq/zmq";
import * as sp from "wasmq/sp";
import { cliSuite, runCli, startBound, ROOT, MAIN, ipcUrl } from "./helpers/cli.mjs";

const { parse } = await import(join(dirname(MAIN), "args.js"));

const test = suite("cli: usage, help and exit statuses");
const it = cliSuite(test);

const VERSION = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;

/** Asserts the shape of a usage error: status 1, "wasmq: <msg>" + the hint, nothing else. */
function assertUsage(r, pattern, what) {
  const label = `${what}: ${JSON.stringify(r.stderr)}`;
  assert.is(r.code, 1, `exit status of ${label}`);
  assert.is(r.text, "", `nothing on stdout for ${what}`);
  const lines = r.stderr.split("\n");
  assert.is(lines.length, 3, `two lines on stderr for ${label}`);
  assert.match(lines[0], /^wasmq: /, label);
  assert.match(lines[0], pattern, label);
  assert.is(lines[1], "Try 'wasmq --help' for more information.", label);
  assert.not.match(r.stderr, /\n\s+at /, `no stack trace for ${label}`);
}

/** Status 2..4: exactly one "wasmq: ..." line on stderr. */
function assertFailure(r, code, pattern, what) {
  const label = `${what}: ${JSON.stringify(r.stderr)}`;
  assert.is(r.code, code, `exit status of ${label}`);
  assert.match(r.stderr, /^wasmq: [^\n]+\n$/, `one line on stderr for ${label}`);
  assert.match(r.stderr, pattern, label);
}

/** A tcp URL on 127.0.0.1 where nothing listens (a port that was free a moment ago). */
async function closedPort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return `tcp://127.0.0.1:${port}`;
}

const OPTIONS = [
  "--bind", "--listen", "--connect", "--dial", "--bind-local", "--connect-local", "--bind-ipc", "--connect-ipc",
  "--data", "--file", "--count", "--interval", "--delay", "--send-timeout", "--connect-timeout", "--linger",
  "--recv-timeout", "--subscribe", "--recv-maxsz", "--identity", "--survey-time", "--raw-socket", "--socket-name",
  "--quoted", "--hex", "--ascii", "--raw", "--json", "--format", "--verbose", "--silent", "--async", "--compat",
  "--help", "--version", "-D,", "-F,", "-C,", "-i,", "-d,", "-Q,", "-H,", "-A,", "-v,", "-q,", "-h,", "-L,", "-l,", "-X,", "-x,", "-Z,",
];
const ZMQ_TYPES = ["pair", "pub", "sub", "xpub", "xsub", "req", "rep", "dealer", "router", "push", "pull"];
const SP_TYPES = ["pair0", "pair1", "bus", "req", "rep", "pub", "sub", "push", "pull", "surveyor", "respondent"];

function assertCompleteHelp(text, what) {
  for (const o of OPTIONS) assert.ok(text.includes(o), `${what} documents ${o}`);
  for (const s of ["0 ", "1 ", "2 ", "3 ", "4 ", "130, 143"]) assert.match(text, new RegExp(`\\n  ${s}`), `${what} lists exit status ${s.trim()}`);
  assert.match(text, /Exit status:/, what);
  assert.match(text, /EADDRINUSE/, `${what} names the codes of status 2`);
  assert.match(text, /\{"frames":\[F,\.\.\.\]\}/, `${what} gives the --json shape`);
  assert.match(text, /\{"base64":"\.\.\."\}/, `${what} gives the --json binary frame shape`);
  assert.match(text, /default --quoted/, `${what} names the default format`);
  assert.match(text, /Examples:\n  wasmq /, `${what} has examples`);
}

it("--help: usage, every type and protocol flag, every option, the formats, exit statuses, examples", async (res) => {
  const r = await runCli(res, ["--help"]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, "");
  const t = r.text;
  assert.match(t, /^wasmq: ZeroMQ and nanomsg\/nng/);
  assert.match(t, /Usage:\n  wasmq zmq <type>/);
  assert.ok(t.includes(`zmq (ZeroMQ, ZMTP 3.x):   ${ZMQ_TYPES.join(" ")}`), "zmq types");
  assert.ok(t.includes(`sp (nanomsg/nng):         ${SP_TYPES.join(" ")}`), "sp types");
  for (const f of ["--pair0", "--pair1", "--bus0", "--req0", "--rep0", "--pub0", "--sub0", "--push0", "--pull0", "--surveyor0", "--respondent0"]) {
    assert.ok(t.includes(f), `protocol flag ${f}`);
  }
  assert.match(t, /--pair is ambiguous/);
  assertCompleteHelp(t, "wasmq --help");
  // -h and "help" say the same.
  const h = await runCli(res, ["-h"]);
  assert.is(h.text, t, "-h");
  const word = await runCli(res, ["help"]);
  assert.is(word.text, t, "wasmq help");
});

it("<family> --help lists that family's types; <family> <type> --help describes the type, with everything else", async (res) => {
  const [zf, sf, req, router, nng] = await Promise.all([
    runCli(res, ["zmq", "--help"]),
    runCli(res, ["sp", "--help"]),
    runCli(res, ["zmq", "req", "--help"]),
    runCli(res, ["zmq", "router", "-h"]),
    runCli(res, ["--surveyor0", "--help"]),
  ]);
  for (const r of [zf, sf, req, router, nng]) assert.is(r.code, 0, r.stderr);
  assert.match(zf.text, /^Usage: wasmq zmq <type>/);
  for (const t of ZMQ_TYPES) assert.match(zf.text, new RegExp(`\\n  ${t} +\\S`), `zmq --help lists ${t}`);
  for (const t of SP_TYPES) assert.match(sf.text, new RegExp(`\\n  ${t} +\\S`), `sp --help lists ${t}`);
  assertCompleteHelp(zf.text, "wasmq zmq --help");

  assert.match(req.text, /^Usage: wasmq zmq req \(--bind URL \| --connect URL\)\.\.\. \[options\]/);
  assert.match(req.text, /prints the reply/);
  assert.match(req.text, /Examples:\n  wasmq zmq req --connect/);
  assertCompleteHelp(req.text, "wasmq zmq req --help");
  assert.match(router.text, /routing\s+id/);
  assert.match(router.text, /envelope up to the empty delimiter frame/);
  assert.match(nng.text, /^Usage: wasmq sp surveyor/, "--surveyor0 --help is the sp surveyor help");
  assert.match(nng.text, /--survey-time/);
});

it("--version prints the package version", async (res) => {
  const r = await runCli(res, ["--version"]);
  assert.is(r.code, 0);
  assert.is(r.text, `wasmq ${VERSION}\n`);
});

// Every usage mistake, checked through the parser itself (in this process:
// fast); a sample of them, plus the ones found only when running (--file),
// through the command to check status, stderr shape and the hint.
const U = "tcp://127.0.0.1:1";
const USAGE_CASES = [
  [[], /no socket type given/],
  [["--bogus"], /unknown option --bogus/],
  [["-z"], /unknown option -z/],
  [["mq", "pub"], /unknown family "mq": use zmq or sp/],
  [["pub", "--bind", U], /unknown family "pub".*did you mean/],
  [["zmq", "nope", "--bind", U], /unknown zmq socket type "nope"/],
  [["zmq", "surveyor", "--bind", U], /unknown zmq socket type "surveyor" \(that is a sp type\)/],
  [["sp", "pair", "--bind", U], /use pair0 or pair1/],
  [["zmq"], /no zmq socket type given/],
  [["zmq", "pull", "extra", "--bind", U], /unexpected argument "extra"/],
  [["zmq", "pull"], /no endpoint/],
  [["zmq", "pull", "--bind"], /option --bind needs a value/],
  [["zmq", "pull", "--hex=1", "--bind", U], /option --hex does not take a value/],
  [["zmq", "pull", "--bind", "localhost:5555"], /bad URL "localhost:5555": expected scheme:\/\/address/],
  [["zmq", "push", "--connect", "tcp://127.0.0.1", "-D", "x"], /bad URL "tcp:\/\/127\.0\.0\.1": expected tcp:\/\/HOST:PORT/],
  [["zmq", "push", "--connect", "tcp://127.0.0.1:0", "-D", "x"], /the port must be 1\.\.65535/],
  [["zmq", "push", "--connect", "tcp://*:5555", "-D", "x"], /connect needs a host/],
  [["zmq", "pull", "--bind", "tcp://127.0.0.1:70000"], /the port must be 0\.\.65535 or \*/],
  [["zmq", "pull", "--bind", "ipc://"], /expected ipc:\/\/PATH/],
  [["zmq", "pull", "-L", "http"], /--bind-local takes a whole number from 0 to 65535/],
  [["zmq", "push", "--connect", U], /zmq push needs a message to send: give --data TEXT or --file PATH/],
  [["sp", "req", "--dial", U], /sp req needs a message/],
  [["zmq", "sub", "--connect", U, "--data", "x"], /zmq sub only receives: --data\/--file do not apply/],
  [["sp", "rep", "--listen", U, "--interval", "1"], /--interval does not apply to sp rep/],
  [["zmq", "pair", "--bind", U, "--interval", "1"], /--interval needs a message to send/],
  [["zmq", "pull", "--bind", U, "--delay", "1"], /--delay applies before the first send/],
  [["zmq", "pull", "--bind", U, "--count", "0"], /--count takes a whole number from 1/],
  [["zmq", "pull", "--bind", U, "--count", "two"], /--count takes a whole number/],
  [["zmq", "push", "--connect", U, "-D", "x", "--interval", "soon"], /--interval takes seconds .*"soon"/],
  [["zmq", "pull", "--bind", U, "--recv-timeout", "0"], /--recv-timeout must be more than 0 seconds/],
  [["zmq", "push", "--connect", U, "-D", "x", "--hex"], /zmq push only sends: an output format does not apply/],
  [["zmq", "push", "--connect", U, "-D", "x", "--recv-timeout", "1"], /--recv-timeout does not apply: zmq push only sends/],
  [["zmq", "pull", "--bind", U, "--send-timeout", "1"], /--send-timeout does not apply: zmq pull only receives/],
  [["zmq", "pull", "--bind", U, "--hex", "--json"], /only one output format may be given \(got hex, json\)/],
  [["zmq", "pull", "--bind", U, "--format", "yaml"], /unknown format "yaml"/],
  [["zmq", "pull", "--bind", U, "--msgpack"], /--msgpack is not supported: use --json/],
  [["sp", "pull", "--listen", U, "--subscribe", "a"], /--subscribe applies to sub sockets only/],
  [["sp", "rep", "--listen", U, "--identity", "me"], /--identity .* applies to zmq sockets only/],
  [["zmq", "rep", "--bind", U, "--raw-socket"], /--raw-socket applies to sp sockets only \(for the raw output format use --raw\)/],
  [["sp", "req", "--dial", U, "-D", "x", "--survey-time", "1"], /--survey-time applies to surveyor sockets only/],
  [["--pair", "--listen", U], /--pair is ambiguous \(nngcat: pair1, nanocat: pair0\)/],
  [["--req0", "--rep0", "--dial", U], /only one protocol may be given/],
  [["zmq", "--req0", "--dial", U], /--req0 selects an SP \(nanomsg\/nng\) socket/],
  [["sp", "rep", "--req0", "--dial", U], /give the socket type once/],
  [["zmq", "push", "--connect", U, "--file", "-", "--file", "-"], /standard input \(--file -\) can be read only once/],
];

it("usage errors (parser): each mistake is refused with a message naming it", async () => {
  for (const [args, pattern] of USAGE_CASES) {
    let err = null;
    try {
      parse(args);
    } catch (e) {
      err = e;
    }
    const what = `wasmq ${args.join(" ")}`;
    assert.ok(err, `${what} was accepted`);
    assert.is(err.name, "UsageError", `${what}: ${err.stack}`);
    assert.is(err.exitCode, 1, what);
    assert.match(err.message, pattern, `${what}: ${err.message}`);
  }
});

it("parser: nngcat/nanocat aliases, endpoint order, defaults", async () => {
  const cfg = (args) => {
    const p = parse(args);
    assert.is(p.action, "run", args.join(" "));
    return p.config;
  };
  const kind = (args) => { const c = cfg(args); return `${c.kind.family} ${c.kind.name}`; };
  assert.is(kind(["--req0", "--dial", U, "-D", "x"]), "sp req");
  assert.is(kind(["--req", "--dial", U, "-D", "x"]), "sp req");
  assert.is(kind(["--respondent", "--dial", U]), "sp respondent");
  assert.is(kind(["--compat", "--pair", "--listen", U]), "sp pair0");
  assert.is(kind(["--pair1", "--listen", U]), "sp pair1");
  assert.is(kind(["sp", "--pull0", "--listen", U]), "sp pull");
  assert.is(kind(["sp", "surveyor0", "--listen", U, "-D", "x"]), "sp surveyor");
  assert.is(kind(["zmq", "Publisher", "--bind", U, "-D", "x"]), "zmq pub");
  const c = cfg(["sp", "bus", "--listen", "tcp://*:0", "-l", "5555", "--dial", "ipc:///tmp/a", "-X", "/tmp/b", "-L", "6000", "-x", "/tmp/c"]);
  assert.equal(c.endpoints, [
    { kind: "bind", url: "tcp://*:0" },
    { kind: "connect", url: "tcp://127.0.0.1:5555" },
    { kind: "connect", url: "ipc:///tmp/a" },
    { kind: "bind", url: "ipc:///tmp/b" },
    { kind: "bind", url: "tcp://127.0.0.1:6000" },
    { kind: "connect", url: "ipc:///tmp/c" },
  ]);
  assert.is(c.format, "quoted", "--quoted is the default");
  assert.is(c.linger, 5000);
  const d = cfg(["zmq", "pub", "--bind", U, "-D", "a", "-F", "-", "--data=b", "-i", "0.25", "-C", "3", "-d", ".5", "-vv"]);
  assert.equal(d.message, [{ kind: "data", text: "a" }, { kind: "file", path: "-" }, { kind: "data", text: "b" }]);
  assert.equal([d.interval, d.count, d.delay, d.verbose], [250, 3, 500, 2]);
  assert.is(cfg(["zmq", "pull", "--bind", U, "-A"]).format, "ascii");
  assert.is(cfg(["zmq", "pull", "--bind", U, "--format", "no"]).format, "no");
  assert.is(cfg(["zmq", "pull", "--bind", U, "-v", "-q"]).verbose, 0, "--silent resets -v");
  assert.equal(parse(["zmq", "nope", "--help"]), { action: "help", family: "zmq", kind: undefined }, "help for a family with an unknown type");
});

it("usage errors (command): status 1, one line naming the problem, the --help hint, no stack trace", async (res) => {
  const cases = [
    USAGE_CASES[0], USAGE_CASES[1], USAGE_CASES[5], USAGE_CASES[13], USAGE_CASES[20], USAGE_CASES[40],
    [["zmq", "push", "--connect", U, "--file", "/nonexistent/wasmq-cli-test"], /cannot read --file \/nonexistent\/wasmq-cli-test: .*ENOENT/],
    [["zmq", "dealer", "--connect", U, "--identity", "x".repeat(256), "-D", "x"], /cannot open a zmq dealer socket with these options: .*EINVAL/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(res, args)));
  cases.forEach(([args, pattern], i) => assertUsage(results[i], pattern, `wasmq ${args.join(" ")}`));
});

it("exit 2: address in use, unsupported scheme, inproc, unknown host, refused handshake, --connect-timeout", async (res) => {
  const taken = res.sock(new zmq.Pull({ linger: 0 }));
  await taken.bind("tcp://127.0.0.1:0");
  const spRep = res.sock(new sp.Rep({ linger: 0 }));
  await spRep.bind("tcp://127.0.0.1:0");
  const closed = await closedPort();
  const [inUse, scheme, inproc, host, mismatch, connectTimeout] = await Promise.all([
    runCli(res, ["zmq", "pull", "--bind", taken.lastEndpoint]),
    runCli(res, ["sp", "pull", "--listen", "foo://bar"]),
    runCli(res, ["zmq", "pull", "--bind", "inproc://x"]),
    runCli(res, ["zmq", "pull", "--connect", "tcp://wasmq-cli-test.invalid:5555"]),
    runCli(res, ["zmq", "req", "--connect", spRep.lastEndpoint, "-D", "x"]),
    runCli(res, ["zmq", "push", "--connect", closed, "-D", "x", "--connect-timeout", "0.3"]),
  ]);
  assertFailure(inUse, 2, new RegExp(`cannot bind to ${taken.lastEndpoint.replace(/\./g, "\\.")}: .*EADDRINUSE`), "address in use");
  assertFailure(scheme, 2, /cannot bind to foo:\/\/bar: .*EPROTONOSUPPORT/, "unsupported scheme");
  assertFailure(inproc, 2, /inproc:\/\/ only reaches sockets inside one process.*EPROTONOSUPPORT/, "inproc");
  assertFailure(host, 2, /cannot connect to tcp:\/\/wasmq-cli-test\.invalid:5555: (host not found \(ENOTFOUND\)|cannot resolve the host name \(EAI_AGAIN\))/, "unknown host");
  assertFailure(mismatch, 2, /handshake with tcp:\/\/127\.0\.0\.1:\d+ failed: ERR_\w+ \(the peer is not a ZeroMQ socket/, "zmq req to an sp rep");
  assertFailure(connectTimeout, 2, new RegExp(`could not connect to ${closed.replace(/\./g, "\\.")} within 0\\.3 s \\(--connect-timeout\\); last error: ECONNREFUSED`), "--connect-timeout");
});

it("exit 3: --recv-timeout with --count unmet or a reply awaited, --send-timeout; exit 0 when nothing was awaited", async (res) => {
  const silentRep = res.sock(new zmq.Reply({ linger: 0 })); // receives, never answers
  await silentRep.bind("tcp://127.0.0.1:0");
  const closed = await closedPort();
  const [count, reply, sendBound, sendConnect, quiet, repCount] = await Promise.all([
    runCli(res, ["zmq", "pull", "--bind", "tcp://127.0.0.1:0", "--count", "2", "--recv-timeout", "0.2"]),
    runCli(res, ["zmq", "req", "--connect", silentRep.lastEndpoint, "-D", "anyone?", "--recv-timeout", "0.3"]),
    runCli(res, ["sp", "push", "--listen", "tcp://127.0.0.1:0", "-D", "x", "--send-timeout", "0.2"]),
    runCli(res, ["zmq", "push", "--connect", closed, "-D", "x", "--send-timeout", "0.2"]),
    runCli(res, ["sp", "pull", "--listen", "tcp://127.0.0.1:0", "--recv-timeout", "0.2"]),
    runCli(res, ["sp", "rep", "--listen", "tcp://127.0.0.1:0", "--count", "1", "--recv-timeout", "0.2"]),
  ]);
  assertFailure(count, 3, /^wasmq: timed out: received 0 of 2 messages, then nothing for 0\.2 s \(--recv-timeout\)\n$/, "pull --count 2");
  assertFailure(reply, 3, /^wasmq: no reply within 0\.3 s \(--recv-timeout\)\n$/, "req without a reply");
  assertFailure(sendBound, 3, /^wasmq: send timed out after 0\.2 s \(--send-timeout\): no peer took the message\n$/, "push with no peer");
  assertFailure(sendConnect, 3, /send timed out after 0\.2 s \(--send-timeout\): not connected to tcp:\/\/127\.0\.0\.1:\d+ \(last error: ECONNREFUSED\)/, "push never connected");
  assertFailure(repCount, 3, /timed out: answered 0 of 1 request, then nothing for 0\.2 s/, "rep --count 1");
  assert.is(quiet.code, 0, `pull without --count ends quietly: ${quiet.stderr}`);
  assert.is(quiet.stderr, "");
});

it("exit 4: queued messages still unwritten after --linger (the peer stopped reading)", async (res) => {
  // A pull that takes one message and then reads nothing more: TCP back-pressure stalls the sender.
  const pull = res.sock(new zmq.Pull({ linger: 0, receiveHighWaterMark: 1, maxMessageSize: -1 }));
  await pull.bind("tcp://127.0.0.1:0");
  const big = Buffer.alloc(16 << 20, 7);
  const t0 = Date.now();
  const r = await runCli(res, ["zmq", "push", "--connect", pull.lastEndpoint, "--file", "-", "--count", "3", "--linger", "0.3"], { input: big });
  assertFailure(r, 4, /^wasmq: gave up after --linger 0\.3 s: queued messages were not written \(is the peer reading\?\)\n$/, "stalled push");
  assert.ok(Date.now() - t0 < 5000, `gave up in ${Date.now() - t0} ms`);
});

it("a reader that closes stdout (wasmq ... | head -1) ends the run quietly with status 0", async (res) => {
  const [cli, url] = await startBound(res, ["zmq", "pull", "--bind", "tcp://127.0.0.1:0"]);
  const push = res.sock(new zmq.Push({ linger: 0 }));
  push.connect(url);
  await push.send("first");
  await cli.waitLines(1);
  cli.child.stdout.destroy();
  // Keep sending until a write fails in the child.
  const t = setInterval(() => push.send("more").catch(() => {}), 10);
  res.defer(() => clearInterval(t));
  const r = await cli.exit();
  assert.is(r.code, 0, cli.diag());
  assert.is(r.stderr, `Listening at: ${url}\n`, "no error message");
});

it("signals: SIGINT exits 130, SIGTERM 143, quietly, removing the ipc socket file", async (res) => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]]) {
    const url = ipcUrl(res, "sig");
    const [c] = await startBound(res, ["sp", "pull", "--listen", url]);
    c.child.kill(signal);
    const r = await c.exit();
    assert.is(r.code, code, `${signal}: ${c.diag()}`);
    assert.is(r.stderr, `Listening at: ${url}\n`, `${signal}: nothing but -v output on stderr`);
    // The listener was closed, which removes its socket file.
    assert.not.ok(existsSync(url.slice("ipc://".length)), `${signal}: ${url} removed`);
  }
});

test.run();
