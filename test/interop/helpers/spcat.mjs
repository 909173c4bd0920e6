// Real Scalability Protocols peers for the SP interop tests: nngcat (nng 1.5,
// Debian package nng-utils) and nanocat (libnanomsg 1.1, nanomsg-utils),
// spawned as child processes.
//
// Every received message is printed by the tool with --hex, one line per
// message ("\x61\x62"), which is parsed back into exact bytes. nngcat also runs
// with -v under `stdbuf -oL`, so it reports "Listening at: <url>" (with the real
// port when asked for tcp://127.0.0.1:0) and, for a synchronous dial,
// "Connected to: <url>" once the connection is up: both are awaited as events.
// nanocat prints nothing but messages (and has no port 0), so a nanocat
// listener gets a free port picked beforehand and the wasmq side simply
// connects (wasmq reconnects until the listener is up).
//
// CLI facts these helpers rely on (checked against nngcat 1.5.2 / nanocat
// 1.1.5 sources and by running them):
// - nngcat --interval/--delay/--recv-timeout take WHOLE seconds only
//   ("Integer argument expected."); nanocat's --interval/--delay take
//   fractions (-i 0.05), its --recv-timeout is truncated to whole seconds.
// - nngcat --dial is synchronous (fails at once if nothing listens) unless
//   --async; nanocat --connect is always asynchronous and retries.
// - REQ/SURVEYOR (and PAIR/BUS with --data) send --data once, or every
//   --interval; then print what they receive. nngcat REQ exits 0 after its
//   reply (the next receive fails with ESTATE); nanocat does the same.
// - REP/RESPONDENT with --data answer every request with that data and print
//   the request; PUB/PUSH send --data once (then exit) or every --interval;
//   nngcat stops after --count sends. SUB/PULL print until --recv-timeout.
// - nanocat has no --count and no pair v1; nngcat --pair means pair v1.
import { writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import { DEFAULT_TIMEOUT } from "./util.mjs";
import { Child, toolPath } from "../../helpers/child.mjs";

export { toolPath };

export const TOOLS = ["nngcat", "nanocat"];
const PACKAGE = { nngcat: "nng-utils", nanocat: "nanomsg-utils" };

// Socket-type flags: nngcat has versioned names, nanocat the bare ones.
const PROTO = {
  nngcat: {
    pair0: "--pair0", pair1: "--pair1", bus: "--bus0", req: "--req0", rep: "--rep0", pub: "--pub0",
    sub: "--sub0", push: "--push0", pull: "--pull0", surveyor: "--surveyor0", respondent: "--respondent0",
  },
  nanocat: {
    pair0: "--pair", bus: "--bus", req: "--req", rep: "--rep", pub: "--pub", sub: "--sub",
    push: "--push", pull: "--pull", surveyor: "--surveyor", respondent: "--respondent",
  },
};

const STDBUF = toolPath("stdbuf");

/** Parse one `--hex` line ("\x68\x69") into its bytes; null if it is not one. */
export function parseHexLine(line) {
  const m = /^"((?:\\x[0-9a-f]{2})*)"$/i.exec(line);
  if (!m) return null;
  return Buffer.from(m[1].replace(/\\x/g, ""), "hex");
}

/** A TCP url on 127.0.0.1 with a port that was free a moment ago (for nanocat, which has no port 0). */
export async function freeTcpUrl() {
  const srv = net.createServer();
  await new Promise((resolve, reject) => {
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", resolve);
  });
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return `tcp://127.0.0.1:${port}`;
}

let fileCounter = 0;

// Safety net: temp files still there when this process exits (a crash, an
// unfinished teardown) are removed; child.mjs kills the peers themselves.
const liveFiles = new Set();
process.on("exit", () => {
  for (const f of liveFiles) rmSync(f, { force: true });
});

// The arguments a peer runs with, and the temp files they name.
function catArgs(o, tempFiles) {
  const flag = PROTO[o.tool][o.proto];
  if (!flag) throw new Error(`${o.tool} has no ${o.proto} socket`);
  const args = [flag];
  if (o.listen) args.push(o.tool === "nanocat" ? "--bind" : "--listen", o.listen);
  if (o.dial) args.push(o.tool === "nanocat" ? "--connect" : "--dial", o.dial);
  if (o.tool === "nngcat") args.push("-v");
  // nngcat refuses a --format for PUB/PUSH; everything else prints --hex.
  if (!["pub", "push"].includes(o.proto)) args.push("--hex");
  for (const t of o.subscribe ?? []) args.push("--subscribe", t);
  if (o.interval !== undefined) args.push("--interval", String(o.interval));
  if (o.count !== undefined) args.push("--count", String(o.count));
  if (o.delay !== undefined) args.push("--delay", String(o.delay));
  if (o.recvTimeout !== undefined) args.push("--recv-timeout", String(o.recvTimeout));
  if (o.sendTimeout !== undefined) args.push("--send-timeout", String(o.sendTimeout));
  if (o.async) args.push("--async");
  if (o.data !== undefined) {
    if (typeof o.data === "string") {
      args.push("--data", o.data);
    } else {
      const path = join(tmpdir(), `wasmq-spcat-${process.pid}-${fileCounter++}.bin`);
      writeFileSync(path, o.data);
      tempFiles.push(path);
      liveFiles.add(path);
      args.push("--file", path);
    }
  }
  args.push(...(o.extra ?? []));
  return args;
}

// The command to spawn: the tool's path, under stdbuf -oL for nngcat, which
// printf()s "Listening at:" without flushing.
function catCommand(o, args) {
  const bin = toolPath(o.tool);
  if (!bin) throw new Error(`${o.tool} is not installed (apt-get install ${PACKAGE[o.tool]})`);
  if (o.tool !== "nngcat") return [bin, args];
  if (!STDBUF) throw new Error("stdbuf (coreutils) is needed to read nngcat's -v output line by line");
  return [STDBUF, ["-oL", bin, ...args]];
}

export class CatPeer extends Child {
  /**
   * @param {object} o
   * @param {"nngcat"|"nanocat"} o.tool
   * @param {string} o.proto   pair0 pair1 bus req rep pub sub push pull surveyor respondent
   * @param {string} [o.listen] url to listen on (tcp port 0 allowed for nngcat)
   * @param {string} [o.dial]   url to dial
   * @param {string|Buffer} [o.data]  --data (string) or --file (Buffer, written to a temp file)
   * @param {number} [o.interval] seconds (nngcat: whole seconds)
   * @param {number} [o.count]    nngcat only
   * @param {number} [o.delay]    seconds
   * @param {string[]} [o.subscribe]
   * @param {number} [o.recvTimeout] whole seconds
   * @param {number} [o.sendTimeout] whole seconds
   * @param {boolean} [o.async]   nngcat: asynchronous (retrying) dial
   * @param {string[]} [o.extra]  more arguments, verbatim
   */
  constructor(o) {
    const tempFiles = [];
    const args = catArgs(o, tempFiles);
    super(...catCommand(o, args), { name: o.tool, encoding: "latin1" });
    this.o = o;
    this.tool = o.tool;
    this.messages = []; // Buffers, in order
    this.consumed = 0;
    this.lines = []; // every stdout line that is not a message
    this.tempFiles = tempFiles;
    this.url = o.listen ?? o.dial;
    this.args = args;
    /** The command line, for messages and for reproducing by hand. */
    this.commandLine = [o.tool, ...args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)))].join(" ");
  }

  onLine(line) {
    const msg = parseHexLine(line);
    if (msg) this.messages.push(msg);
    else if (line.length) this.lines.push(line);
  }

  /** Text of the received messages (latin1), for assertions and messages. */
  get texts() {
    return this.messages.map((m) => m.toString("latin1"));
  }

  diag() {
    const got = this.texts.slice(-6).map((t) => JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}…(${t.length})` : t));
    return `[${this.commandLine}; received ${this.messages.length}${got.length ? ` (last: ${got.join(", ")})` : ""}${
      this.exited ? `; exited ${JSON.stringify(this.exited)}` : ""
    }${this.stderr ? `; stderr: ${this.stderr.trim().slice(-600)}` : ""}]`;
  }

  /**
   * Resolve with check()'s first non-undefined result, re-checked on every
   * stdout/stderr/exit event; rejects if the process exits first (after a
   * last check) or after ms.
   */
  until(check, ms = DEFAULT_TIMEOUT, what = "condition") {
    return super.until(check, ms, what);
  }

  /** nngcat listening: resolves with the bound url (real port for tcp port 0). */
  async listening(ms) {
    if (this.tool !== "nngcat") return this.url;
    const line = await this.until(() => this.lines.find((l) => l.startsWith("Listening at: ")), ms, "Listening at:");
    this.url = line.slice("Listening at: ".length).trim();
    return this.url;
  }

  /** nngcat synchronous dial: resolves once the connection is up. */
  async connected(ms) {
    if (this.tool !== "nngcat") return this.url;
    await this.until(() => this.lines.find((l) => l.startsWith("Connected to: ")), ms, "Connected to:");
    return this.url;
  }

  /** The next message the tool received and printed, not yet consumed. */
  recv(ms, what = "a message printed") {
    return this.until(() => (this.consumed < this.messages.length ? this.messages[this.consumed++] : undefined), ms, what);
  }

  /** Wait until at least n messages have been printed (consumed or not); returns them all. */
  waitCount(n, ms, what = `${n} message(s) printed`) {
    return this.until(() => (this.messages.length >= n ? this.messages.slice() : undefined), ms, what);
  }

  /** Wait until some printed message satisfies pred. */
  waitMessage(pred, ms, what = "a matching message printed") {
    return this.until(() => this.messages.find(pred), ms, what);
  }

  /** Wait for the process to exit by itself; resolves with {code, signal}. */
  exit(ms = DEFAULT_TIMEOUT) {
    return this.until(() => this.exited ?? undefined, ms, "exit");
  }

  /** Kill (TERM, then KILL after 1 s) and wait until the process is gone; remove temp files. */
  async stop() {
    await super.stop();
    for (const f of this.tempFiles) {
      rmSync(f, { force: true });
      liveFiles.delete(f);
    }
  }
}

/**
 * Start a peer tracked by `res` (always killed in teardown). For an nngcat
 * listener, waits for "Listening at:" (so .url is final); for a synchronous
 * nngcat dial, waits for "Connected to:". nanocat is returned at once.
 */
export async function startCat(res, o, ms) {
  const peer = new CatPeer(o);
  res.defer(() => peer.stop());
  if (o.tool === "nngcat") {
    if (o.listen) await peer.listening(ms);
    else if (o.dial && !o.async) await peer.connected(ms);
  }
  return peer;
}
