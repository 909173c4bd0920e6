// Child processes the tests drive: the wasmq CLI, nngcat and nanocat, the
// pyzmq peer, examples and short Node programs. One way to start them, read
// them and know they ended, so that every suite gets the same guarantees:
//   - Child: a long-running child the test talks to. Its stdout goes to
//     onStdout() chunk by chunk (by default split into onLine() calls), its
//     stderr is kept as text, and every waiter
//     is woken on output and at the end. The end is recorded on "close" (so
//     no output can arrive after it), and a child still running when the test
//     process exits is killed.
//   - run(): a child run to its end, with its whole output.
//   - toolPath(): where a command is installed, or null.
import { spawn, execFileSync } from "node:child_process";
import { waitUntil, withTimeout } from "./suite.mjs";

const live = new Set();
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

export class Child {
  /**
   * @param {string} cmd
   * @param {string[]} args
   * @param {{ name?: string, cwd?: string, env?: object, stdin?: "ignore"|"pipe", input?: string|Buffer, encoding?: string }} [o]
   *   name: how messages call it; input: written to stdin, which is then
   *   closed; encoding: stdout as text in this encoding (else Buffers)
   */
  constructor(cmd, args, o = {}) {
    this.name = o.name ?? cmd;
    this.partial = "";
    this.stderr = "";
    this.exited = null;
    this.waiters = new Set();
    const stdin = o.input !== undefined ? "pipe" : o.stdin ?? "ignore";
    this.child = spawn(cmd, args, {
      ...(o.cwd ? { cwd: o.cwd } : {}),
      ...(o.env ? { env: o.env } : {}),
      stdio: [stdin, "pipe", "pipe"],
    });
    live.add(this.child);
    // EPIPE once the child is gone is not the test's business.
    if (stdin === "pipe") this.child.stdin.on("error", () => {});
    if (o.input !== undefined) this.child.stdin.end(o.input);
    this.exitPromise = new Promise((resolve) => {
      const end = (exited) => {
        live.delete(this.child);
        this.exited = exited;
        this.notify();
        resolve(exited);
      };
      this.child.on("close", (code, signal) => end({ code, signal }));
      this.child.on("error", (err) => end({ error: err.message }));
    });
    if (o.encoding) this.child.stdout.setEncoding(o.encoding);
    this.child.stdout.on("data", (d) => {
      this.onStdout(d);
      this.notify();
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (d) => {
      this.stderr += d;
      this.notify();
    });
  }

  /** A chunk of stdout (a Buffer, or a string with `encoding`); by default cut into lines for onLine(). */
  onStdout(chunk) {
    let buf = this.partial + chunk;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      this.onLine(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    this.partial = buf;
  }

  /** One whole line of stdout, without its newline. */
  onLine(_line) {}

  /** Wakes every waiter (after output, at the end, or when a subclass learns something). */
  notify() {
    for (const w of [...this.waiters]) w();
  }

  /** What failure messages show about the child; subclasses say more. */
  diag() {
    return `[${this.name}${this.exited ? `; exited ${JSON.stringify(this.exited)}` : ""}${
      this.stderr ? `; stderr: ${this.stderr.trim().slice(-600)}` : ""
    }]`;
  }

  /**
   * Resolves with check()'s first non-undefined result, checked again on
   * every output and at the end; rejects when the child ends first or after ms.
   */
  until(check, ms, what = "a condition") {
    return waitUntil(this.waiters, check, ms, {
      ended: () => this.exited && new Error(`${this.name} exited while waiting for ${what} ${this.diag()}`),
      timedOut: () => new Error(`timed out after ${ms} ms waiting for ${what} ${this.diag()}`),
    });
  }

  /** TERM, then KILL after `graceMs`; resolves once the child is gone. */
  async stop(graceMs = 1000) {
    if (this.exited) return this.exited;
    this.child.kill("SIGTERM");
    const t = setTimeout(() => { if (!this.exited) this.child.kill("SIGKILL"); }, graceMs);
    await this.exitPromise;
    clearTimeout(t);
    return this.exited;
  }
}

/**
 * Runs a child to its end; resolves { code, signal, stdout, stderr, ms }.
 * res: a Resources object that kills the child in teardown if still running.
 * timeout: reject after this many ms. killAfter: SIGKILL after this many ms
 * and resolve with what it printed (a note appended to stderr).
 */
export function run(cmd, args, { cwd, env, res, timeout, killAfter } = {}) {
  const t0 = Date.now();
  const child = spawn(cmd, args, { ...(cwd ? { cwd } : {}), ...(env ? { env } : {}), stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  res?.defer(() => { if (child.exitCode === null) child.kill("SIGKILL"); });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b) => { stdout += b; });
  child.stderr.on("data", (b) => { stderr += b; });
  const timer = killAfter === undefined ? null : setTimeout(() => {
    stderr += `\n[killed after ${killAfter} ms]`;
    child.kill("SIGKILL");
  }, killAfter);
  const done = new Promise((resolve, reject) => {
    child.on("error", (e) => { clearTimeout(timer); live.delete(child); reject(e); });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
  return timeout === undefined ? done : withTimeout(done, timeout, `${cmd} ${args.slice(0, 2).join(" ")}`);
}

const which = new Map();
/** Absolute path of a command, or null when it is not installed. */
export function toolPath(tool) {
  if (!which.has(tool)) {
    let p = null;
    try {
      p = execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim() || null;
    } catch {
      p = null;
    }
    which.set(tool, p);
  }
  return which.get(tool);
}
