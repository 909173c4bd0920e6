// The `wasmq` command's exit statuses and the errors that carry them: every
// failure the command reports is one of these, printed as one line on stderr
// (never a stack trace) before exiting with its status.

/** Exit statuses a script can rely on (also listed in `wasmq --help`). */
export const enum Exit {
  Ok = 0,
  /** Unknown option or type, an option that does not apply, missing endpoint or message, bad URL or number, unreadable --file. */
  Usage = 1,
  /** bind/connect failure: address in use, unsupported scheme, unknown host, handshake refused, --connect-timeout. */
  Endpoint = 2,
  /** --recv-timeout expired while something was still awaited, or --send-timeout expired. */
  Timeout = 3,
  /** Any other runtime failure. */
  Runtime = 4,
}

/** A failure with the exit status it maps to; `message` is the whole line to print (without "wasmq: "). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number, readonly code?: string) {
    super(message);
    this.name = "CliError";
  }
}

/** A command-line mistake: printed with a hint to --help, exit status 1. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, Exit.Usage);
    this.name = "UsageError";
  }
}

/** The run was interrupted by a signal: exit 128 + signal number, nothing printed. */
export class Interrupted extends CliError {
  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`, signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 129);
    this.name = "Interrupted";
  }
}

/** "message (CODE)" for an error from the library or Node, without repeating the code. */
export function describe(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown } | null;
  const message = typeof e?.message === "string" && e.message ? e.message : String(err);
  const code = typeof e?.code === "string" ? e.code : "";
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
