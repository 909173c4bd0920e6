// The output formats of `wasmq`, byte for byte: --quoted (the default),
// --hex, --ascii, --raw, --json and --format no, for a frame holding every
// byte value and for multipart messages (sent by a wasmq socket in this
// process to a `wasmq zmq pull`), plus what is sent: --data/--file frames in
// command-line order, --file - from standard input, and sp's concatenation.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as zmq from "wasmq/zmq";
import * as sp from "wasmq/sp";
import { cliSuite, startBound, runCli, ALL_BYTES, quoted, hex, ascii, withTimeout } from "./helpers/cli.mjs";

const test = suite("cli: output formats and message input");
const it = cliSuite(test);

// Three messages: every byte value; a multipart one (text, empty, binary); UTF-8 text.
const MESSAGES = [
  [ALL_BYTES],
  [Buffer.from("topic"), Buffer.alloc(0), Buffer.from([0, 1, 0xff])],
  [Buffer.from('héllo "wörld"\ttab\nline')],
];

/** Starts `wasmq zmq pull --count 3 <format args>`, sends MESSAGES to it, returns its whole stdout. */
async function printed(res, formatArgs) {
  const [cli, url] = await startBound(res, ["zmq", "pull", "--bind", "tcp://127.0.0.1:0", "--count", String(MESSAGES.length), ...formatArgs]);
  const push = res.sock(new zmq.Push({ linger: 0 }));
  push.connect(url);
  for (const m of MESSAGES) await push.send(m);
  const r = await cli.exit();
  assert.is(r.code, 0, cli.diag());
  return r.stdout;
}

it("--quoted (default): C escapes, \\xHH for bytes outside 0x20..0x7e, frames separated by a space", async (res) => {
  const out = (await printed(res, [])).toString("latin1");
  // A literal check of the rules, independent of the helper's renderer.
  assert.ok(out.startsWith('"\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n\\x0b\\x0c\\r\\x0e'), out.slice(0, 80));
  assert.ok(out.includes(' !\\"#$%&'), "printable ASCII as is, \" escaped");
  assert.ok(out.includes("[\\\\]^_`"), "backslash escaped");
  assert.ok(out.includes("}~\\x7f\\x80"), "DEL and above as \\xHH");
  const expected = [
    quoted(ALL_BYTES),
    `"topic" "" "\\x00\\x01\\xff"`,
    `"h\\xc3\\xa9llo \\"w\\xc3\\xb6rld\\"\\ttab\\nline"`,
  ].join("\n") + "\n";
  assert.is(out, expected);
  assert.is((await printed(res, ["-Q"])).toString("latin1"), expected, "-Q");
});

it("--hex: every byte as \\xHH in quotes; -H and --format hex the same", async (res) => {
  const expected = [hex(ALL_BYTES), `"\\x74\\x6f\\x70\\x69\\x63" "" "\\x00\\x01\\xff"`, hex(MESSAGES[2][0])].join("\n") + "\n";
  assert.is((await printed(res, ["--hex"])).toString("latin1"), expected);
  assert.is((await printed(res, ["-H"])).toString("latin1"), expected, "-H");
  assert.is((await printed(res, ["--format", "hex"])).toString("latin1"), expected, "--format hex");
});

it("--ascii: bytes outside 0x20..0x7e as '.', one line per message, frames separated by a TAB", async (res) => {
  const out = (await printed(res, ["--ascii"])).toString("latin1");
  assert.is(out, [ascii(ALL_BYTES), "topic\t\t...", 'h..llo "w..rld".tab.line'].join("\n") + "\n");
  assert.ok(ascii(ALL_BYTES).startsWith(".".repeat(32) + " !\"#"), "the helper agrees with the rule");
});

it("--raw: the bytes as they are, frames and messages back to back", async (res) => {
  const out = await printed(res, ["--raw"]);
  assert.ok(out.equals(Buffer.concat(MESSAGES.flat())), `raw output of ${out.length} bytes`);
});

it("--json: {\"frames\":[...]} per line; text frames as strings, binary or control bytes as {\"base64\"}", async (res) => {
  const out = (await printed(res, ["--json"])).toString("utf8");
  const expected = [
    `{"frames":[{"base64":"${ALL_BYTES.toString("base64")}"}]}`,
    `{"frames":["topic","",{"base64":"AAH/"}]}`,
    `{"frames":["héllo \\"wörld\\"\\ttab\\nline"]}`,
  ].join("\n") + "\n";
  assert.is(out, expected);
  // Each line parses back to the exact bytes.
  const back = out.trim().split("\n").map((l) => JSON.parse(l).frames.map((f) => (typeof f === "string" ? Buffer.from(f) : Buffer.from(f.base64, "base64"))));
  back.forEach((m, i) => assert.equal(m, MESSAGES[i], `message ${i} round-trips`));
});

it("--format no prints nothing (and still counts messages)", async (res) => {
  assert.is((await printed(res, ["--format", "no"])).length, 0);
});

it("--json: DEL, C1 controls and invalid UTF-8 are base64; a BOM, tabs and newlines stay text", async (res) => {
  const frames = [Buffer.from("a\x7fb"), Buffer.from("x\u0085y"), Buffer.from([0xc3, 0x28]), Buffer.from("\ufeffbom\r\n\t")];
  const [cli, url] = await startBound(res, ["zmq", "pull", "--bind", "tcp://127.0.0.1:0", "--count", "1", "--json"]);
  const push = res.sock(new zmq.Push({ linger: 0 }));
  push.connect(url);
  await push.send(frames);
  const r = await cli.exit();
  assert.is(r.code, 0, cli.diag());
  assert.is(r.stdout.toString("utf8"), `{"frames":[{"base64":"YX9i"},{"base64":"eMKFeQ=="},{"base64":"wyg="},"\ufeffbom\\r\\n\\t"]}\n`);
});

it("zmq: repeated --data/--file make one multipart message, in command-line order; --file - reads stdin", async (res) => {
  const pull = res.sock(new zmq.Pull({ linger: 0 }));
  await pull.bind("tcp://127.0.0.1:0");
  const received = pull.receive();
  const r = await runCli(res, ["zmq", "push", "--connect", pull.lastEndpoint, "-D", "first", "--file", "-", "--data", "", "-D", "last"], { input: ALL_BYTES });
  assert.is(r.code, 0, r.stderr);
  const m = await withTimeout(received, 5000, "the multipart message");
  assert.equal(m, [Buffer.from("first"), ALL_BYTES, Buffer.alloc(0), Buffer.from("last")]);
});

it("sp: repeated --data/--file are concatenated into one message; --data -x is taken as data (as nngcat)", async (res) => {
  const pull = res.sock(new sp.Pull({ linger: 0 }));
  await pull.bind("tcp://127.0.0.1:0");
  const received = pull.receive();
  const r = await runCli(res, ["sp", "push", "--dial", pull.lastEndpoint, "--data", "-x ", "-F", "-", "-D", " end"], { input: "from stdin" });
  assert.is(r.code, 0, r.stderr);
  const [body] = await withTimeout(received, 5000, "the message");
  assert.is(body.toString(), "-x from stdin end");
});

test.run();
