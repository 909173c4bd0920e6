// Target "cli-args": the `wasmq` command line parser (src/cli/args.ts, run
// from dist/). Any argv must give a parsed result or a clean usage error: a
// UsageError (exit status 1) with a one-line message. Any other exception
// is a crash. A parsed result must also keep the parser's own promises (the
// Config shape: URLs with a scheme, whole milliseconds in range, a message
// exactly when the type needs one, options only where they apply), and
// parsing the same argv twice must give the same answer.
//
// Input: the arguments, UTF-8, separated by NUL bytes.
import { importRetry, distUrl } from "../lib/core.mjs";
import { FuzzFailure } from "../lib/failure.mjs";
import { mutateBytes } from "../lib/mutate.mjs";

const { parse } = await importRetry(distUrl("src/cli/args.js"));
const { UsageError } = await importRetry(distUrl("src/cli/exit.js"));
const { FORMATS } = await importRetry(distUrl("src/cli/formats.js"));

export const decode = (input) => (input.length ? input.toString("utf8").split("\0") : []);
export const encode = (argv) => Buffer.from(argv.join("\0"), "utf8");

const MS_MAX = 2 ** 31 - 1;
const isMs = (v) => Number.isSafeInteger(v) && v >= 0 && v <= MS_MAX;
const nullOr = (v, f) => v === null || f(v);
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** The problems with a parse result (empty if none). */
function contract(r) {
  const bad = [];
  const need = (ok, what) => { if (!ok) bad.push(what); };
  need(r && typeof r === "object", "result is an object");
  if (r.action === "help") {
    need(r.family === undefined || r.family === "zmq" || r.family === "sp", "help family is zmq, sp or absent");
    need(r.kind === undefined || (r.kind && r.kind.family === r.family), "help kind belongs to its family");
    return bad;
  }
  if (r.action === "version") return bad;
  need(r.action === "run", `action is run/help/version (got ${r.action})`);
  const c = r.config;
  if (!c) return [...bad, "run has a config"];
  const k = c.kind;
  need(k && (k.family === "zmq" || k.family === "sp") && typeof k.name === "string" && typeof k.mode === "string", "kind is a socket kind");
  need(Array.isArray(c.endpoints) && c.endpoints.length > 0, "at least one endpoint");
  for (const e of c.endpoints ?? []) need((e.kind === "bind" || e.kind === "connect") && typeof e.url === "string" && SCHEME.test(e.url), `endpoint ${JSON.stringify(e)} is bind/connect scheme://…`);
  need(Array.isArray(c.message), "message is a list");
  for (const m of c.message ?? []) need((m.kind === "data" && typeof m.text === "string") || (m.kind === "file" && typeof m.path === "string" && m.path.length > 0), `message part ${JSON.stringify(m)}`);
  need(nullOr(c.count, (v) => Number.isSafeInteger(v) && v >= 1), `count ${c.count}`);
  for (const f of ["interval", "sendTimeout", "recvTimeout", "connectTimeout", "surveyTime"]) need(nullOr(c[f], isMs), `${f} ${c[f]} is null or whole ms in range`);
  for (const f of ["delay", "linger"]) need(isMs(c[f]), `${f} ${c[f]} is whole ms in range`);
  for (const f of ["sendTimeout", "recvTimeout", "connectTimeout", "surveyTime"]) need(c[f] !== 0, `${f} is more than 0`);
  need(Array.isArray(c.subscribe) && c.subscribe.every((s) => typeof s === "string"), "subscribe is a list of strings");
  need(!c.subscribe?.length || k?.name === "sub" || k?.name === "xsub", "subscribe only for sub/xsub");
  need(nullOr(c.identity, (v) => typeof v === "string"), "identity");
  need(typeof c.rawSocket === "boolean", "rawSocket is a boolean");
  need(nullOr(c.recvMaxSize, (v) => Number.isSafeInteger(v) && v >= -1 && v <= MS_MAX), `recvMaxSize ${c.recvMaxSize}`);
  need(nullOr(c.socketName, (v) => typeof v === "string"), "socketName");
  need(FORMATS.includes(c.format), `format ${c.format}`);
  need(Number.isSafeInteger(c.verbose) && c.verbose >= 0, "verbose");
  const mode = k?.mode;
  if (mode === "recv") need(c.message.length === 0, "a receive-only type has no message");
  if (mode === "send" || mode === "request" || mode === "survey") need(c.message.length > 0, `a ${mode} type has a message`);
  if (k?.family === "sp") need(c.identity === null, "no identity on sp");
  if (k?.family === "zmq") need(!c.rawSocket && c.socketName === null, "no raw socket or socket name on zmq");
  need(c.surveyTime === null || mode === "survey", "survey time only for surveyors");
  return bad;
}

// A parse result as comparable JSON (the kind's functions left out).
const stable = (r) => JSON.stringify(r, (k, v) => (typeof v === "function" ? undefined : v));

function attempt(argv) {
  try {
    return { result: parse(argv) };
  } catch (e) {
    return { error: e };
  }
}

function outcome(argv) {
  const a = attempt(argv);
  if (a.error) {
    const e = a.error;
    if (!(e instanceof UsageError)) {
      throw new FuzzFailure("crash", `parse(${JSON.stringify(argv).slice(0, 300)}) threw ${e && e.name}: ${e && e.message}`, { cause: e, key: `${e && e.name}: ${String(e && e.message).split("\n")[0].replace(/["'].*["']/g, "S").slice(0, 60)}` });
    }
    if (e.exitCode !== 1 || typeof e.message !== "string" || !e.message || e.message.includes("\n")) {
      const what = e.exitCode !== 1 ? `exit code ${e.exitCode}` : !e.message ? "empty message" : `message of several lines: "${e.message.split(" ").slice(0, 2).join(" ")} …"`;
      throw new FuzzFailure("usage-error", `parse(${JSON.stringify(argv).slice(0, 300)}): usage error with exit code ${e.exitCode} and message ${JSON.stringify(e.message)} (want 1 and one non-empty line)`, { key: what });
    }
    return { usage: e.message };
  }
  const bad = contract(a.result);
  if (bad.length) throw new FuzzFailure("contract", `parse(${JSON.stringify(argv).slice(0, 300)}) gave ${stable(a.result).slice(0, 300)}: ${bad.join("; ")}`, { key: bad.map((b) => b.replace(/-?\d+(\.\d+)?|\{.*\}/g, "N")).join("; ") });
  return { parsed: stable(a.result) };
}

// ---- generation ----

const FAMILIES = ["zmq", "sp", "help", "ZMQ", "nng"];
const TYPES = ["pair", "pub", "sub", "xpub", "xsub", "req", "rep", "dealer", "router", "push", "pull", "pair0", "pair1", "bus", "bus0", "surveyor", "respondent", "req0", "REP", "Publisher", "pair2", "constructor", "__proto__", ""];
const FLAGS = [
  "--help", "-h", "--version", "--verbose", "-v", "-vv", "-vvv", "--silent", "-q", "--raw-socket", "--quoted", "-Q", "--hex", "-H", "--ascii", "-A", "--raw", "--json", "--msgpack",
  "--async", "--compat", "--pair", "--req0", "--rep", "--pub0", "--sub", "--push0", "--pull", "--surveyor", "--respondent0", "--bus", "--pair0", "--pair1",
  "--", "-", "---", "--nope", "-z", "--__proto__", "--constructor", "--toString", "--hasOwnProperty", "-hv",
];
const VALUED = {
  "--bind": "url", "--listen": "url", "--connect": "url", "--dial": "url", "-L": "port", "--bind-local": "port", "-l": "port", "--connect-local": "port",
  "-X": "path", "--bind-ipc": "path", "-x": "path", "--connect-ipc": "path", "--data": "text", "-D": "text", "--file": "path", "-F": "path",
  "--count": "int", "-C": "int", "--interval": "secs", "-i": "secs", "--delay": "secs", "-d": "secs", "--subscribe": "text",
  "--send-timeout": "secs", "--recv-timeout": "secs", "--connect-timeout": "secs", "--linger": "secs", "--identity": "text",
  "--survey-time": "secs", "--recv-maxsz": "int", "-Z": "int", "--socket-name": "text", "--format": "format",
};
const VALUES = {
  url: ["tcp://127.0.0.1:5555", "tcp://*:0", "tcp://*:*", "tcp://host:", "tcp://:1", "tcp://[::1]:5", "tcp://h:65536", "tcp://*:5", "ipc:///tmp/x.ipc", "ipc://", "ws://127.0.0.1:0/x", "inproc://a", "foo", "", "-", "tcp://h:0", "TCP://h:1", "a+b.c-d://x"],
  port: ["0", "1", "5555", "65535", "65536", "-1", "", "1.5", "0x10"],
  path: ["/tmp/x", "-", "", "--", "a b", "\u00e9"],
  text: ["hello", "", "-x", "--data", "a=b", "\n", "\u2603", "\ud800"],
  int: ["1", "0", "10", "-1", "1e3", "9007199254740993", "2147483647", "2147483648", " 1", "１", "NaN"],
  secs: ["0", "1", "0.5", ".5", "5.", "1e3", "-1", "2147483.647", "2147483.648", "99999999", "NaN", "Infinity", "", "0.0001", "00"],
  format: ["quoted", "hex", "ascii", "raw", "json", "msgpack", "xml", ""],
};

function genArg(rng, out) {
  rng.weighted([
    [3, () => out.push(rng.pick(FLAGS))],
    [6, () => {
      const name = rng.pick(Object.keys(VALUED));
      const v = rng.pick(VALUES[VALUED[name]]);
      if (name.startsWith("--") && rng.chance(0.3)) out.push(`${name}=${v}`);
      else if (!name.startsWith("--") && rng.chance(0.2)) out.push(`${name}${v}`);
      else out.push(name, v);
    }],
    [1, () => out.push(rng.pick(TYPES))],
    [1, () => out.push(Buffer.from(rng.bytes(rng.size(6))).toString("latin1"))],
  ])();
}

function generate(rng) {
  const argv = [];
  if (rng.chance(0.85)) argv.push(rng.pick(FAMILIES), rng.pick(TYPES));
  const n = rng.range(0, 8);
  for (let i = 0; i < n; i++) genArg(rng, argv);
  if (rng.chance(0.3)) { const i = rng.int(argv.length + 1); argv.splice(i, 0, ...["--bind", "tcp://*:0"]); }
  return encode(argv);
}

function mutate(input, rng, donor) {
  const argv = decode(input);
  const k = rng.int(8);
  if (k === 0 && argv.length) argv.splice(rng.int(argv.length), 1);
  else if (k === 1) { const more = []; genArg(rng, more); argv.splice(rng.int(argv.length + 1), 0, ...more); }
  else if (k === 2 && argv.length > 1) { const i = rng.int(argv.length); const j = rng.int(argv.length); [argv[i], argv[j]] = [argv[j], argv[i]]; }
  else if (k === 3 && argv.length) { const i = rng.int(argv.length); argv.splice(i, 0, argv[i]); }
  else if (k === 4 && argv.length) { const i = rng.int(argv.length); argv[i] = mutateBytes(Buffer.from(argv[i], "utf8"), rng).toString("utf8").replace(/\0/g, ""); }
  else if (k === 5 && argv.length > 1) { const i = rng.int(argv.length - 1); argv.splice(i, 2, `${argv[i]}=${argv[i + 1]}`); }
  else if (k === 6 && donor) { const d = decode(donor); argv.push(...d.slice(rng.int(d.length + 1))); }
  else if (argv.length) { const i = rng.int(argv.length); const a = argv[i]; const at = a.indexOf("="); if (at > 0) argv.splice(i, 1, a.slice(0, at), a.slice(at + 1)); else argv[i] = `-${a}`; }
  return encode(argv.slice(0, 40));
}

export default {
  name: "cli-args",
  description: "the wasmq CLI argument parser: a parsed result with a valid Config, or a one-line UsageError",
  generate,
  mutate,
  run(input) {
    const argv = decode(input);
    const first = outcome(argv);
    const second = outcome(argv);
    if (JSON.stringify(first) !== JSON.stringify(second)) throw new FuzzFailure("determinism", `parse(${JSON.stringify(argv).slice(0, 200)}) gave ${JSON.stringify(first).slice(0, 200)} then ${JSON.stringify(second).slice(0, 200)}`);
    if (first.usage) return [`usage:${first.usage.replace(/"[^"]*"/g, "S").replace(/\d+/g, "N").split(" ").slice(0, 4).join(" ")}`];
    const r = JSON.parse(first.parsed);
    return [`ok:${r.action}:${r.config ? `${r.config.kind.family}/${r.config.kind.name}/${r.config.endpoints.length}/${r.config.message.length}` : ""}`];
  },
  describe(input) { return `argv ${JSON.stringify(decode(input))}`; },
};
