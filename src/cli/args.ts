// `wasmq` command-line parsing (node:util parseArgs): turns argv into a
// checked Config, or a request for help/version. Every mistake is a
// UsageError (exit status 1) with a one-line message; nothing here touches
// the network or the file system.
import { parseArgs } from "node:util";
import { UsageError } from "./exit.js";
import { FORMATS, type Format } from "./formats.js";
import { findKind, PROTOCOL_FLAGS, printsMessages, type Family, type SocketKind } from "./sockets.js";

export interface Endpoint {
  kind: "bind" | "connect";
  url: string;
}

/** One frame of the message to send: --data text or --file bytes ("-": stdin). */
export type Source = { kind: "data"; text: string } | { kind: "file"; path: string };

export interface Config {
  kind: SocketKind;
  /** In command-line order. */
  endpoints: Endpoint[];
  /** The message's frames in command-line order; empty: no message given. */
  message: Source[];
  count: number | null;
  /** Milliseconds; null: no --interval. */
  interval: number | null;
  delay: number;
  subscribe: string[];
  sendTimeout: number | null;
  recvTimeout: number | null;
  connectTimeout: number | null;
  linger: number;
  identity: string | null;
  rawSocket: boolean;
  surveyTime: number | null;
  recvMaxSize: number | null;
  socketName: string | null;
  format: Format;
  verbose: number;
}

export type Parsed =
  | { action: "run"; config: Config }
  | { action: "help"; family?: Family; kind?: SocketKind }
  | { action: "version" };

const str = (short?: string) => ({ type: "string" as const, multiple: true, ...(short ? { short } : {}) });
const flag = (short?: string) => ({ type: "boolean" as const, multiple: true, ...(short ? { short } : {}) });

const OPTIONS = {
  help: flag("h"),
  version: flag(),
  verbose: flag("v"),
  silent: flag("q"),
  bind: str(), listen: str(), "bind-local": str("L"), "bind-ipc": str("X"),
  connect: str(), dial: str(), "connect-local": str("l"), "connect-ipc": str("x"),
  data: str("D"), file: str("F"),
  count: str("C"), interval: str("i"), delay: str("d"),
  subscribe: str(),
  "send-timeout": str(), "recv-timeout": str(), "connect-timeout": str(), linger: str(),
  identity: str(),
  "raw-socket": flag(),
  "survey-time": str(),
  "recv-maxsz": str("Z"),
  "socket-name": str(),
  format: str(),
  quoted: flag("Q"), hex: flag("H"), ascii: flag("A"), raw: flag(), json: flag(),
  msgpack: flag(),
  async: flag(), compat: flag(),
  pair: flag(),
  ...Object.fromEntries(Object.keys(PROTOCOL_FLAGS).map((k) => [k, flag()])),
};

type Name = keyof typeof OPTIONS;
const LONG_OF_SHORT = new Map<string, string>();
for (const [name, o] of Object.entries(OPTIONS)) if ("short" in o && o.short) LONG_OF_SHORT.set(o.short, name);

/**
 * nngcat takes the next argument as an option's value even when it starts
 * with '-' (`--data -x`, `--file -`); parseArgs refuses that, so such pairs
 * are joined into `--name=value` first.
 */
function joinValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") { out.push(...argv.slice(i)); break; }
    let name: string | undefined;
    if (/^--[^=]+$/.test(a)) name = a.slice(2);
    else if (/^-[^-]$/.test(a)) name = LONG_OF_SHORT.get(a[1]);
    const o = name !== undefined ? (OPTIONS as Record<string, { type: string }>)[name] : undefined;
    if (o?.type === "string" && i + 1 < argv.length) {
      out.push(`--${name}=${argv[++i]}`);
    } else {
      out.push(a);
    }
  }
  return out;
}

function parseError(err: { code?: string; message: string }): UsageError {
  const quotedName = /'([^']+)'/.exec(err.message)?.[1] ?? "";
  // The usage error is one line: an option name with a newline or a terminal
  // escape in it is shown quoted and escaped.
  const shown = /^[\x21-\x7e]*$/.test(quotedName) ? quotedName : JSON.stringify(quotedName);
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return new UsageError(`unknown option ${shown}`);
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const name = quotedName.replace(/ <value>$/, "").replace(/^-\w, /, "");
    if (/argument missing/.test(err.message)) return new UsageError(`option ${name} needs a value`);
    if (/does not take an argument/.test(err.message)) return new UsageError(`option ${name} does not take a value`);
  }
  return new UsageError(err.message.split("\n")[0]);
}

/** Seconds (fractions allowed) as milliseconds. */
function seconds(option: string, text: string, { positive = false } = {}): number {
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) throw new UsageError(`--${option} takes seconds (a number such as 2 or 0.5), not ${JSON.stringify(text)}`);
  const ms = Math.round(Number(text) * 1000);
  if (positive && ms <= 0) throw new UsageError(`--${option} must be more than 0 seconds`);
  if (ms > 2 ** 31 - 1) throw new UsageError(`--${option} is too large (at most ${Math.floor((2 ** 31 - 1) / 1000)} seconds)`);
  return ms;
}

function integer(option: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${option} takes a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/**
 * Checks the shape of an endpoint URL. Unknown schemes pass (the library
 * refuses them when binding/connecting: exit status 2); a URL that cannot be
 * an endpoint at all is a usage error.
 */
export function checkUrl(kind: "bind" | "connect", url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(url);
  if (!m) throw new UsageError(`bad URL ${JSON.stringify(url)}: expected scheme://address, e.g. tcp://127.0.0.1:5555 or ipc:///tmp/x.ipc`);
  const [, scheme, rest] = m;
  if (scheme === "tcp") {
    const i = rest.lastIndexOf(":");
    const host = i > 0 ? rest.slice(0, i) : "";
    const port = i > 0 ? rest.slice(i + 1) : "";
    const example = kind === "bind" ? "tcp://127.0.0.1:5555, tcp://*:5555 or tcp://127.0.0.1:0" : "tcp://127.0.0.1:5555";
    if (!host || !port) throw new UsageError(`bad URL ${JSON.stringify(url)}: expected tcp://HOST:PORT, e.g. ${example}`);
    if (kind === "bind") {
      if (port !== "*" && !(/^\d+$/.test(port) && Number(port) <= 65535)) throw new UsageError(`bad URL ${JSON.stringify(url)}: the port must be 0..65535 or *`);
    } else {
      if (!(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) throw new UsageError(`bad URL ${JSON.stringify(url)}: the port must be 1..65535`);
      if (host === "*") throw new UsageError(`bad URL ${JSON.stringify(url)}: connect needs a host, not *`);
    }
  } else if (scheme === "ipc" && !rest) {
    throw new UsageError(`bad URL ${JSON.stringify(url)}: expected ipc://PATH`);
  }
  return url;
}

const NO_FORMAT_FOR = (k: SocketKind) => `${k.family} ${k.name} only sends: an output format does not apply`;

/** Parses `wasmq` arguments (without "node" and the script). */
export function parse(argv: string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args: joinValues(argv), options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw parseError(err as { code?: string; message: string });
  }
  const { values, positionals, tokens } = parsed;
  const has = (n: Name) => (values as Record<string, unknown[] | undefined>)[n] !== undefined;
  const last = (n: Name): string | undefined => {
    const v = (values as Record<string, string[] | undefined>)[n];
    return v?.[v.length - 1];
  };

  // ---- the socket type ----
  let family: Family | undefined;
  let typeName: string | undefined;
  const pos = [...positionals];
  if (pos[0] === "help") return { action: "help" };
  if (pos.length) {
    const f = pos.shift()!;
    if (f !== "zmq" && f !== "sp") {
      const hint = findKind("zmq", f) || findKind("sp", f) ? ` (did you mean "wasmq zmq ${f}" or "wasmq sp ${f}"?)` : "";
      throw new UsageError(`unknown family ${JSON.stringify(f)}: use zmq or sp${hint}`);
    }
    family = f;
    typeName = pos.shift();
    if (pos.length) throw new UsageError(`unexpected argument ${JSON.stringify(pos[0])}`);
  }
  const protoFlags = tokens.filter((t) => t.kind === "option" && (t.name in PROTOCOL_FLAGS || t.name === "pair")).map((t) => (t as { name: string }).name);
  if (protoFlags.length) {
    if (protoFlags.length > 1) throw new UsageError(`only one protocol may be given (got --${protoFlags.join(", --")})`);
    if (family === "zmq") throw new UsageError(`--${protoFlags[0]} selects an SP (nanomsg/nng) socket; for ZeroMQ use "wasmq zmq <type>"`);
    if (typeName !== undefined) throw new UsageError(`give the socket type once: "wasmq sp ${typeName}" or --${protoFlags[0]}`);
    family = "sp";
    if (protoFlags[0] === "pair") {
      if (!has("compat")) throw new UsageError("--pair is ambiguous (nngcat: pair1, nanocat: pair0): use --pair0 or --pair1");
      typeName = "pair0";
    } else {
      typeName = PROTOCOL_FLAGS[protoFlags[0]];
    }
  }
  let kind: SocketKind | undefined;
  if (family && typeName !== undefined) {
    kind = findKind(family, typeName);
    if (!kind && !has("help")) {
      const hint = family === "sp" && typeName === "pair" ? " (use pair0 or pair1)"
        : findKind(family === "zmq" ? "sp" : "zmq", typeName) ? ` (that is a ${family === "zmq" ? "sp" : "zmq"} type)` : "";
      throw new UsageError(`unknown ${family} socket type ${JSON.stringify(typeName)}${hint}`);
    }
  }
  if (has("help")) return { action: "help", family, kind };
  if (has("version")) return { action: "version" };
  if (!family) throw new UsageError("no socket type given: wasmq zmq <type> | wasmq sp <type> | wasmq --req0 ...");
  if (!kind) throw new UsageError(`no ${family} socket type given: wasmq ${family} <type>`);

  // ---- endpoints and message, in command-line order ----
  const endpoints: Endpoint[] = [];
  const message: Source[] = [];
  let stdinUsed = false;
  for (const t of tokens) {
    if (t.kind !== "option" || t.value === undefined) continue;
    const v = t.value;
    switch (t.name) {
      case "bind": case "listen": endpoints.push({ kind: "bind", url: checkUrl("bind", v) }); break;
      case "connect": case "dial": endpoints.push({ kind: "connect", url: checkUrl("connect", v) }); break;
      case "bind-local": endpoints.push({ kind: "bind", url: `tcp://127.0.0.1:${integer(t.name, v, 0, 65535)}` }); break;
      case "connect-local": endpoints.push({ kind: "connect", url: `tcp://127.0.0.1:${integer(t.name, v, 1, 65535)}` }); break;
      case "bind-ipc": case "connect-ipc":
        if (!v) throw new UsageError(`--${t.name} needs a path`);
        endpoints.push({ kind: t.name === "bind-ipc" ? "bind" : "connect", url: `ipc://${v}` });
        break;
      case "data": message.push({ kind: "data", text: v }); break;
      case "file":
        if (!v) throw new UsageError("--file needs a path (- for standard input)");
        if (v === "-") {
          if (stdinUsed) throw new UsageError("standard input (--file -) can be read only once");
          stdinUsed = true;
        }
        message.push({ kind: "file", path: v });
        break;
    }
  }
  if (!endpoints.length) throw new UsageError("no endpoint: give at least one --bind URL or --connect URL");

  // ---- output format ----
  const formats = new Set<string>();
  for (const f of ["quoted", "hex", "ascii", "raw", "json"] as const) if (has(f)) formats.add(f);
  for (const f of (values.format as string[] | undefined) ?? []) {
    if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`unknown format ${JSON.stringify(f)}: use ${FORMATS.join(", ")}`);
    formats.add(f);
  }
  if (has("msgpack") || formats.has("msgpack")) throw new UsageError("--msgpack is not supported: use --json");
  if (formats.size > 1) throw new UsageError(`only one output format may be given (got ${[...formats].join(", ")})`);
  const format = ([...formats][0] as Format | undefined) ?? "quoted";

  // ---- numbers ----
  const opt = <T>(n: Name, f: (v: string) => T): T | null => (has(n) ? f(last(n)!) : null);
  const config: Config = {
    kind,
    endpoints,
    message,
    count: opt("count", (v) => integer("count", v, 1)),
    interval: opt("interval", (v) => seconds("interval", v)),
    delay: opt("delay", (v) => seconds("delay", v)) ?? 0,
    subscribe: (values.subscribe as string[] | undefined) ?? [],
    sendTimeout: opt("send-timeout", (v) => seconds("send-timeout", v, { positive: true })),
    recvTimeout: opt("recv-timeout", (v) => seconds("recv-timeout", v, { positive: true })),
    connectTimeout: opt("connect-timeout", (v) => seconds("connect-timeout", v, { positive: true })),
    linger: opt("linger", (v) => seconds("linger", v)) ?? 5000,
    identity: opt("identity", (v) => v),
    rawSocket: has("raw-socket"),
    surveyTime: opt("survey-time", (v) => seconds("survey-time", v, { positive: true })),
    recvMaxSize: opt("recv-maxsz", (v) => integer("recv-maxsz", v, 0, 2 ** 31 - 1)),
    socketName: opt("socket-name", (v) => v),
    format,
    verbose: 0,
  };
  for (const t of tokens) {
    if (t.kind !== "option") continue;
    if (t.name === "verbose") config.verbose++;
    if (t.name === "silent") config.verbose = 0;
  }

  // ---- what applies to this type ----
  const k = kind;
  const what = `${k.family} ${k.name}`;
  const mode = k.mode;
  const hasMessage = message.length > 0;
  if (mode === "recv" && hasMessage) throw new UsageError(`${what} only receives: --data/--file do not apply`);
  if ((mode === "send" || mode === "request" || mode === "survey") && !hasMessage) {
    throw new UsageError(`${what} needs a message to send: give --data TEXT or --file PATH`);
  }
  if (config.interval !== null) {
    if (mode === "recv" || mode === "reply" || mode === "route") {
      throw new UsageError(`--interval does not apply to ${what} (it ${mode === "recv" ? "only receives" : "answers what it receives"})`);
    }
    if (mode === "duplex" && !hasMessage) throw new UsageError("--interval needs a message to send: give --data or --file");
  }
  if (has("delay") && !(mode === "send" || mode === "request" || mode === "survey" || (mode === "duplex" && hasMessage))) {
    throw new UsageError(`--delay applies before the first send; ${what} ${hasMessage || mode === "reply" || mode === "route" ? "answers what it receives" : "sends nothing"}`);
  }
  if (config.subscribe.length && !(k.name === "sub" || k.name === "xsub")) throw new UsageError(`--subscribe applies to sub${k.family === "zmq" ? " and xsub" : ""} sockets only`);
  if (!printsMessages(mode) && formats.size) throw new UsageError(NO_FORMAT_FOR(k));
  if (mode === "send" && config.recvTimeout !== null) throw new UsageError(`--recv-timeout does not apply: ${what} only sends`);
  if (mode === "recv" && config.sendTimeout !== null) throw new UsageError(`--send-timeout does not apply: ${what} only receives`);
  if (k.family === "sp" && config.identity !== null) throw new UsageError("--identity (a routing id) applies to zmq sockets only");
  if (k.family === "zmq" && config.rawSocket) throw new UsageError("--raw-socket applies to sp sockets only (for the raw output format use --raw)");
  if (k.family === "zmq" && config.socketName !== null) throw new UsageError("--socket-name applies to sp sockets only");
  if (config.surveyTime !== null && mode !== "survey") throw new UsageError("--survey-time applies to surveyor sockets only");
  if (k.family === "zmq" && config.recvMaxSize === 0) config.recvMaxSize = -1; // zmq's "no limit"
  return { action: "run", config };
}
