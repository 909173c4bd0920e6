// Drives the `wasmq` command (node dist/esm/src/cli/main.js, as built by
// `npm run build`) as a child process for the test/cli suites: collects its
// stdout as bytes and its stderr as text, waits on them as events (a
// "Listening at:" line, n printed lines, the exit), and makes sure every
// child is gone after its test (tracked by a Resources object) or, at the
// latest, when the test process exits (test/helpers/child.mjs).
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { boundedSuite } from "../../helpers/suite.mjs";
import { Child } from "../../helpers/child.mjs";

export { withTimeout, Resources, str, tick } from "../../helpers/suite.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const MAIN = join(ROOT, "dist", "esm", "src", "cli", "main.js");
if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);

export const DEFAULT_TIMEOUT = 8000;

/** A uvu suite whose tests are bounded and release their resources (children, sockets, files). */
export const cliSuite = (test, timeout = 12_000) => boundedSuite(test, timeout);

let ipcCounter = 0;
/** A fresh ipc:// URL under the temp dir, removed in teardown. */
export function ipcUrl(res, tag = "cli") {
  const path = join(tmpdir(), `wasmq-cli-${process.pid}-${tag}-${ipcCounter++}.ipc`);
  res.defer(() => rmSync(path, { force: true }));
  return `ipc://${path}`;
}

/** Shell-like rendering of a command line, for failure messages. */
const show = (args) => ["wasmq", ...args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)))].join(" ");

export class Cli extends Child {
  /**
   * @param {string[]} args  the arguments after `wasmq`
   * @param {{input?: string|Buffer, env?: object}} [o]  input: written to stdin, then closed
   */
  constructor(args, o = {}) {
    super(process.execPath, [MAIN, ...args], { name: "wasmq", cwd: ROOT, env: { ...process.env, ...(o.env ?? {}) }, input: o.input });
    this.args = args;
    this.commandLine = show(args);
    this.chunks = [];
  }

  onStdout(b) {
    this.chunks.push(b);
  }

  /** Everything written to stdout so far. */
  get stdout() {
    return Buffer.concat(this.chunks);
  }

  /** Complete stdout lines so far (latin1, without the newline). */
  get lines() {
    const s = this.stdout.toString("latin1");
    const parts = s.split("\n");
    parts.pop();
    return parts;
  }

  diag() {
    const out = this.stdout.toString("latin1");
    return `[${this.commandLine}; stdout: ${JSON.stringify(out.length > 300 ? `${out.slice(0, 300)}…` : out)}${
      this.stderr ? `; stderr: ${JSON.stringify(this.stderr.slice(-600))}` : ""
    }${this.exited ? `; exited ${JSON.stringify(this.exited)}` : ""}]`;
  }

  /**
   * Resolves with check()'s first non-undefined result, checked again on
   * every stdout/stderr/exit event; rejects when the process exits first or
   * after ms.
   */
  until(check, ms = DEFAULT_TIMEOUT, what = "a condition") {
    return super.until(check, ms, what);
  }

  /** The URL of a "Listening at: URL" line on stderr (needs -v); the nth bind with n. */
  async listening(n = 0, ms) {
    return this.until(() => [...this.stderr.matchAll(/^Listening at: (.+)$/gm)][n]?.[1], ms, "Listening at:");
  }

  /** Resolves once a "Connected to: URL" line appeared on stderr (needs -v). */
  connected(ms) {
    return this.until(() => /^Connected to: (.+)$/m.exec(this.stderr)?.[1], ms, "Connected to:");
  }

/** Resolves with the stdout lines once there are at least n. */
  waitLines(n, ms) {
    return this.until(() => (this.lines.length >= n ? this.lines : undefined), ms, `${n} line(s) on stdout`);
  }

  /** Resolves with { code, signal, stdout, stderr } once the process exits by itself. */
  async exit(ms = DEFAULT_TIMEOUT) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for wasmq to exit ${this.diag()}`)), ms);
    });
    try {
      const e = await Promise.race([this.exitPromise, timeout]);
      return { ...e, stdout: this.stdout, stderr: this.stderr, text: this.stdout.toString("latin1") };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Starts `wasmq args` tracked by res (stopped in teardown). */
export function startCli(res, args, o) {
  const c = new Cli(args, o);
  res.defer(() => c.stop());
  return c;
}

/** Runs `wasmq args` to its end (bounded); resolves with { code, signal, stdout, stderr, text }. */
export function runCli(res, args, o = {}, ms = DEFAULT_TIMEOUT) {
  return startCli(res, args, o).exit(ms);
}

/** Starts a listening `wasmq ... --bind tcp://127.0.0.1:0 -v` and resolves with [cli, url]. */
export async function startBound(res, args, ms) {
  const c = startCli(res, [...args, "-v"]);
  return [c, await c.listening(0, ms)];
}

/** Bytes 0..255 then some text: every byte value, NUL, CR/LF, quotes, backslash. */
export const ALL_BYTES = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('\r\n"\\ end')]);

/** The expected --quoted rendering of bytes (nngcat's rules). */
export function quoted(b) {
  let s = '"';
  for (const c of b) {
    if (c === 10) s += "\\n";
    else if (c === 13) s += "\\r";
    else if (c === 9) s += "\\t";
    else if (c === 34) s += '\\"';
    else if (c === 92) s += "\\\\";
    else if (c >= 32 && c < 127) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return `${s}"`;
}

/** The expected --hex rendering of bytes. */
export const hex = (b) => `"${[...b].map((c) => `\\x${c.toString(16).padStart(2, "0")}`).join("")}"`;

/** The expected --ascii rendering of bytes. */
export const ascii = (b) => [...b].map((c) => (c >= 32 && c < 127 ? String.fromCharCode(c) : ".")).join("");
