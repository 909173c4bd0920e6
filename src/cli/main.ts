#!/usr/bin/env node
// The `wasmq` command (package.json "bin"): ZeroMQ and SP sockets from the
// shell, modelled on nngcat. Parses the arguments (args.ts), prints help
// (help.ts) or runs the socket (run.ts), and turns every failure into one
// line on stderr and an exit status (exit.ts); no stack traces unless
// WASMQ_DEBUG is set in the environment.
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "./args.js";
import { generalHelp, familyHelp, typeHelp } from "./help.js";
import { run, type Io } from "./run.js";
import { CliError, Exit, UsageError, describe } from "./exit.js";

const io: Io = {
  stdout: (bytes) => { process.stdout.write(bytes); },
  stderr: (line) => { process.stderr.write(`${line}\n`); },
  stdin: () => new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on("data", (c: Buffer) => chunks.push(c));
    process.stdin.once("end", () => resolve(Buffer.concat(chunks)));
    process.stdin.once("error", reject);
  }),
};

/** The package version, from the package.json three levels above dist/esm/src/cli/. */
function version(): string {
  try {
    const here = dirname(realpathSync(process.argv[1]));
    const pkg = JSON.parse(readFileSync(join(here, "..", "..", "..", "..", "package.json"), "utf8")) as { name?: string; version?: string };
    return `${pkg.name ?? "wasmq"} ${pkg.version ?? "(unknown version)"}`;
  } catch {
    return "wasmq (unknown version)";
  }
}

function fail(err: unknown): number {
  if (err instanceof CliError) {
    if (err.message && err.exitCode < 128) process.stderr.write(`wasmq: ${err.message}\n`);
    if (err instanceof UsageError) process.stderr.write("Try 'wasmq --help' for more information.\n");
    return err.exitCode;
  }
  process.stderr.write(`wasmq: unexpected error: ${describe(err)}\n`);
  if (process.env.WASMQ_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return Exit.Runtime;
}

async function main(argv: string[]): Promise<number> {
  const p = parse(argv);
  if (p.action === "help") {
    process.stdout.write(p.kind ? typeHelp(p.kind) : p.family ? familyHelp(p.family) : generalHelp());
    return Exit.Ok;
  }
  if (p.action === "version") {
    process.stdout.write(`${version()}\n`);
    return Exit.Ok;
  }
  running = true;
  return run(p.config, io);
}

function exitWith(code: number): void {
  // A failure has closed its socket already (dropping what was queued): leave
  // at once. Success ends when the last connection has written its data.
  if (code !== Exit.Ok) process.exit(code);
  process.exitCode = code;
}

// While a socket runs, run.ts handles a closed stdout; before that (help), a
// reader that went away (`wasmq --help | head`) just ends the command.
let running = false;
process.stdout.on("error", (err: { code?: string }) => {
  if (!running) process.exit(err.code === "EPIPE" ? Exit.Ok : Exit.Runtime);
});

process.on("uncaughtException", (err) => { process.exit(fail(err)); });
process.on("unhandledRejection", (err) => { process.exit(fail(err)); });

main(process.argv.slice(2)).then(exitWith, (err) => exitWith(fail(err)));
