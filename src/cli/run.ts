// The `wasmq` run loop: opens the socket a Config describes, binds and
// connects it, then drives it in its type's mode (send, recv, duplex,
// request, survey, reply, route; see sockets.ts) until it is done, printing
// received messages in the chosen format. Every failure becomes a CliError
// with its exit status (exit.ts); the socket is always closed on the way out,
// and on success queued messages get up to --linger to be written.
import { readFile } from "node:fs/promises";
import type { SocketBase } from "../socket.js";
import type { SocketEvent } from "../observer.js";
import type { Config } from "./args.js";
import { CliError, Exit, Interrupted, UsageError, describe } from "./exit.js";
import { formatMessage } from "./formats.js";

/** Where the run writes and reads: process streams in main.ts. */
export interface Io {
  stdout(bytes: Buffer): void;
  stderr(line: string): void;
  /** Standard input, read to its end. */
  stdin(): Promise<Buffer>;
}

/** A receive that ended because its time was up (or a survey's deadline passed). */
const TIMEOUT = Symbol("timeout");
/** Thrown out of pending operations once the session is stopping. */
const STOP = Symbol("stop");

const secs = (ms: number) => `${+(ms / 1000).toFixed(3)} s`;
const now = () => performance.now();
const isTimeout = (e: unknown) => {
  const code = (e as { code?: string } | null)?.code;
  return code === "EAGAIN" || code === "ETIMEDOUT";
};

async function loadMessage(cfg: Config, io: Io): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  for (const s of cfg.message) {
    if (s.kind === "data") {
      frames.push(Buffer.from(s.text, "utf8"));
    } else if (s.path === "-") {
      try {
        frames.push(await io.stdin());
      } catch (err) {
        throw new UsageError(`cannot read standard input (--file -): ${describe(err)}`);
      }
    } else {
      try {
        frames.push(await readFile(s.path));
      } catch (err) {
        throw new UsageError(`cannot read --file ${s.path}: ${describe(err)}`);
      }
    }
  }
  return frames;
}

class Session {
  private sock: SocketBase | null = null;
  private message: Buffer[] = [];
  private stopping = false;
  private finishing = false;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private rejectFatal!: (e: unknown) => void;
  /** Rejects with the error that ends the run from outside the mode's own flow (events, signals). */
  readonly fatal: Promise<never>;
  private readonly connectUrls: string[];
  private readonly connected = new Set<string>();
  private readonly lastError = new Map<string, string>();
  private connectWaiters: Array<() => void> = [];

  constructor(private readonly cfg: Config, private readonly io: Io) {
    this.fatal = new Promise<never>((_, reject) => { this.rejectFatal = reject; });
    this.fatal.catch(() => {});
    this.connectUrls = cfg.endpoints.filter((e) => e.kind === "connect").map((e) => e.url);
  }

  /** Ends the run with `err` (a signal, a broken stdout, a fatal socket event). */
  abort(err: CliError): void {
    if (this.finishing) {
      // Already on the way out (lingering): leave now.
      if (this.sock && !this.sock.closed) { this.sock.linger = 0; this.sock.close(); }
      process.exit(err.exitCode);
    }
    this.rejectFatal(err);
  }

  private log(level: number, line: string): void {
    if (this.cfg.verbose >= level) this.io.stderr(line);
  }

  private get what(): string {
    return `${this.cfg.kind.family} ${this.cfg.kind.name}`;
  }

  // ---- set-up ----

  async start(): Promise<void> {
    const cfg = this.cfg;
    this.message = await loadMessage(cfg, this.io);
    const options: Record<string, unknown> = {};
    if (cfg.sendTimeout !== null) options.sendTimeout = cfg.sendTimeout;
    if (cfg.recvTimeout !== null) options.receiveTimeout = cfg.recvTimeout;
    if (cfg.identity !== null) options.routingId = cfg.identity;
    if (cfg.rawSocket) options.raw = true;
    if (cfg.surveyTime !== null) options.surveyTime = cfg.surveyTime;
    if (cfg.recvMaxSize !== null) options.maxMessageSize = cfg.recvMaxSize;
    if (cfg.socketName !== null) options.name = cfg.socketName;
    let sock: SocketBase;
    try {
      sock = cfg.kind.open(options);
    } catch (err) {
      throw new UsageError(`cannot open a ${this.what} socket with these options: ${describe(err)}`);
    }
    this.sock = sock;
    this.watch(sock);

    if (cfg.kind.name === "sub") {
      (sock as unknown as { subscribe(...t: string[]): void }).subscribe(...cfg.subscribe);
    } else if (cfg.kind.name === "xsub") {
      // XSUB subscribes by sending \x01topic; it replays them to publishers that connect later.
      for (const t of cfg.subscribe.length ? cfg.subscribe : [""]) {
        await this.send([Buffer.concat([Buffer.from([1]), Buffer.from(t, "utf8")])]);
      }
    }

    for (const ep of cfg.endpoints) {
      if (ep.url.startsWith("inproc://")) {
        throw new CliError(`cannot ${ep.kind} ${ep.url}: inproc:// only reaches sockets inside one process; use tcp:// or ipc:// (EPROTONOSUPPORT)`, Exit.Endpoint, "EPROTONOSUPPORT");
      }
      if (ep.kind === "bind") {
        try {
          await sock.bind(ep.url);
        } catch (err) {
          throw new CliError(`cannot bind to ${ep.url}: ${describe(err)}`, Exit.Endpoint, (err as { code?: string }).code);
        }
        this.log(1, `Listening at: ${sock.lastEndpoint}`);
      } else {
        try {
          sock.connect(ep.url);
        } catch (err) {
          throw new CliError(`cannot connect to ${ep.url}: ${describe(err)}`, Exit.Endpoint, (err as { code?: string }).code);
        }
      }
    }

    if (cfg.connectTimeout !== null && this.connectUrls.length) {
      this.timer(cfg.connectTimeout, () => {
        const missing = this.connectUrls.find((u) => !this.connected.has(u));
        if (missing === undefined) return;
        const last = this.lastError.get(missing);
        this.abort(new CliError(
          `could not connect to ${missing} within ${secs(cfg.connectTimeout!)} (--connect-timeout)${last ? `; last error: ${last}` : ""}`,
          Exit.Endpoint, "ETIMEDOUT",
        ));
      });
    }
  }

  /** Socket events: -v/-vv diagnostics, connect tracking, fatal endpoint errors. */
  private watch(sock: SocketBase): void {
    const ev = sock.events;
    const isConnect = (e: SocketEvent) => e.address !== undefined && this.connectUrls.includes(e.address);
    const code = (e: SocketEvent) => e.error?.code ?? "";
    ev.on("handshake", (e) => {
      if (isConnect(e)) {
        this.log(1, `Connected to: ${e.address}`);
        this.connected.add(e.address!);
        if (this.connectUrls.every((u) => this.connected.has(u))) {
          for (const w of this.connectWaiters.splice(0)) w();
        }
      } else {
        this.log(2, `Peer connected at: ${e.address}`);
      }
    });
    ev.on("accept", (e) => this.log(2, `Accepted connection at: ${e.address}`));
    ev.on("disconnect", (e) => this.log(2, `Disconnected: ${e.address}${code(e) ? ` (${code(e)})` : ""}`));
    ev.on("connect:retry", (e) => {
      const c = code(e);
      this.lastError.set(e.address ?? "", c || "connection failed");
      // An address that cannot work (no such host, or no usable address) is
      // fatal until the endpoint has once connected; refusals are retried.
      const hopeless = { ENOTFOUND: "host not found", EAI_AGAIN: "cannot resolve the host name", EINVAL: "invalid address" }[c];
      if (hopeless && !this.connected.has(e.address ?? "")) {
        this.abort(new CliError(`cannot connect to ${e.address}: ${hopeless} (${c})`, Exit.Endpoint, c));
        return;
      }
      this.log(2, `Retrying ${e.address}${e.interval !== undefined ? ` in ${e.interval} ms` : ""}${c ? ` (${c})` : ""}`);
    });
    const handshakeFailed = (e: SocketEvent) => {
      const c = code(e);
      if (isConnect(e) && e.type === "handshake:error:protocol") {
        const family = this.cfg.kind.family === "zmq" ? "a ZeroMQ" : "an SP";
        this.abort(new CliError(
          `handshake with ${e.address} failed: ${c} (the peer is not ${family} socket that can talk to ${this.cfg.kind.name})`,
          Exit.Endpoint, c,
        ));
        return;
      }
      this.log(2, `Handshake failed: ${e.address}${c ? ` (${c})` : ""}`);
    };
    ev.on("handshake:error:protocol", handshakeFailed);
    ev.on("handshake:error:other", handshakeFailed);
  }

  // ---- primitives ----

  private timer(ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    this.timers.add(t);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => this.timer(ms, resolve));
  }

  /** Resolves once every --connect endpoint has completed a handshake. */
  private allConnected(): Promise<void> {
    if (this.connectUrls.every((u) => this.connected.has(u))) return Promise.resolve();
    return new Promise((resolve) => this.connectWaiters.push(resolve));
  }

  private async receive(surveyEnds = false): Promise<Buffer[] | typeof TIMEOUT> {
    try {
      return await this.sock!.receive();
    } catch (err) {
      if (this.stopping) throw STOP;
      if (isTimeout(err)) return TIMEOUT;
      if (surveyEnds && (err as { code?: string }).code === "ESTATE") return TIMEOUT;
      throw new CliError(`receive failed: ${describe(err)}`, Exit.Runtime, (err as { code?: string }).code);
    }
  }

  private async send(frames: Buffer[]): Promise<void> {
    try {
      await this.sock!.send(frames);
    } catch (err) {
      if (this.stopping) throw STOP;
      if (isTimeout(err) && this.cfg.sendTimeout !== null) {
        throw new CliError(`send timed out after ${secs(this.cfg.sendTimeout)} (--send-timeout): no peer took the message`, Exit.Timeout, "ETIMEDOUT");
      }
      throw new CliError(`send failed: ${describe(err)}`, Exit.Runtime, (err as { code?: string }).code);
    }
  }

  private print(frames: Buffer[]): void {
    const out = formatMessage(this.cfg.format, frames);
    if (out && out.length) this.io.stdout(out);
  }

  private async beforeFirstSend(): Promise<void> {
    const st = this.cfg.sendTimeout;
    if (st === null) {
      await this.allConnected();
    } else {
      // --send-timeout bounds this wait too: the first send cannot happen before it.
      let late = false;
      await Promise.race([this.allConnected(), this.sleep(st).then(() => { late = true; })]);
      if (late) {
        const missing = this.connectUrls.find((u) => !this.connected.has(u));
        const last = missing !== undefined ? this.lastError.get(missing) : undefined;
        throw new CliError(
          `send timed out after ${secs(st)} (--send-timeout): not connected to ${missing}${last ? ` (last error: ${last})` : ""}`,
          Exit.Timeout, "ETIMEDOUT",
        );
      }
    }
    await this.sleep(this.cfg.delay);
  }

  /** How many sends: --count, forever with --interval, else one. */
  private get sends(): number {
    return this.cfg.count ?? (this.cfg.interval !== null ? Infinity : 1);
  }

  /** Sends the message `sends` times, --interval apart (measured from send to send). */
  private async sendRepeatedly(): Promise<void> {
    const n = this.sends;
    const interval = this.cfg.interval ?? 0;
    for (let i = 0; i < n; i++) {
      const t0 = now();
      await this.send(this.message);
      if (i + 1 >= n) break;
      if (interval > 0) await this.sleep(interval - (now() - t0));
      // Back to back: let the socket write now and then (a PUB drops above its high-water mark).
      else if (i % 64 === 63) await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * Prints what arrives. `limit`: stop after that many (a --recv-timeout
   * before then is exit 3). Without a limit, a --recv-timeout ends the loop
   * when endOnQuiet() says so, else it keeps waiting.
   */
  private async receiveLoop(limit: number | null, endOnQuiet: () => boolean): Promise<void> {
    let got = 0;
    for (;;) {
      const m = await this.receive();
      if (m === TIMEOUT) {
        if (limit !== null) {
          throw new CliError(
            `timed out: received ${got} of ${limit} message${limit === 1 ? "" : "s"}, then nothing for ${secs(this.cfg.recvTimeout!)} (--recv-timeout)`,
            Exit.Timeout, "ETIMEDOUT",
          );
        }
        if (endOnQuiet()) return;
        continue;
      }
      this.print(m);
      if (limit !== null && ++got >= limit) return;
    }
  }

  // ---- modes ----

  run(): Promise<void> {
    switch (this.cfg.kind.mode) {
      case "send": return this.beforeFirstSend().then(() => this.sendRepeatedly());
      case "recv": return this.receiveLoop(this.cfg.count, () => true);
      case "duplex": return this.duplex();
      case "request": return this.request();
      case "survey": return this.survey();
      case "reply": return this.reply((m) => this.answer(m));
      case "route":
        if (!this.message.length) return this.receiveLoop(this.cfg.count, () => true);
        return this.reply((m) => {
          // [id, envelope..., ""] as received, then the answer.
          const d = m.findIndex((f, i) => i >= 1 && f.length === 0);
          return [m[0], ...(d >= 1 ? m.slice(1, d + 1) : []), ...this.message];
        });
    }
  }

  private async duplex(): Promise<void> {
    if (!this.message.length) return this.receiveLoop(this.cfg.count, () => true);
    let sendingOver = false;
    const receiving = this.receiveLoop(null, () => sendingOver);
    const sending = (async () => {
      await this.beforeFirstSend();
      await this.sendRepeatedly();
      sendingOver = true;
      // nngcat: after the last send, receive for one more interval; with a
      // --recv-timeout, until it is quiet that long. Otherwise --count stops
      // the run after its sends (the help's promise), and a single send
      // without it keeps printing what arrives.
      if (this.cfg.interval !== null) await this.sleep(this.cfg.interval);
      else if (this.cfg.count === null || this.cfg.recvTimeout !== null) await receiving;
    })();
    receiving.catch(() => {});
    sending.catch(() => {});
    await Promise.race([sending, receiving]);
  }

  private async request(): Promise<void> {
    await this.beforeFirstSend();
    const n = this.sends;
    for (let i = 0; i < n; i++) {
      const t0 = now();
      await this.send(this.message);
      const m = await this.receive();
      if (m === TIMEOUT) {
        const which = n > 1 ? ` to request ${i + 1}` : "";
        throw new CliError(`no reply${which} within ${secs(this.cfg.recvTimeout!)} (--recv-timeout)`, Exit.Timeout, "ETIMEDOUT");
      }
      this.print(m);
      if (i + 1 < n && this.cfg.interval) await this.sleep(this.cfg.interval - (now() - t0));
    }
  }

  private async survey(): Promise<void> {
    await this.beforeFirstSend();
    const n = this.sends;
    for (let i = 0; i < n; i++) {
      const t0 = now();
      await this.send(this.message);
      for (;;) {
        const m = await this.receive(true);
        if (m === TIMEOUT) break; // the deadline passed: this survey is over
        this.print(m);
      }
      if (i + 1 < n && this.cfg.interval) await this.sleep(this.cfg.interval - (now() - t0));
    }
  }

  /** rep/respondent: the message, or the request itself; raw sp keeps the header. */
  private answer(m: Buffer[]): Buffer[] {
    if (this.cfg.rawSocket) return [m[0], ...(this.message.length ? this.message : m.slice(1))];
    return this.message.length ? this.message : m;
  }

  private async reply(answer: (m: Buffer[]) => Buffer[]): Promise<void> {
    const limit = this.cfg.count;
    let answered = 0;
    for (;;) {
      const m = await this.receive();
      if (m === TIMEOUT) {
        if (limit === null) return;
        throw new CliError(
          `timed out: answered ${answered} of ${limit} request${limit === 1 ? "" : "s"}, then nothing for ${secs(this.cfg.recvTimeout!)} (--recv-timeout)`,
          Exit.Timeout, "ETIMEDOUT",
        );
      }
      this.print(m);
      await this.send(answer(m));
      if (limit !== null && ++answered >= limit) return;
    }
  }

  // ---- the end ----

  /**
   * Closes the socket. ok: queued messages get up to --linger to be written
   * (resolves false if they were not); otherwise they are dropped.
   */
  finish(ok: boolean): Promise<boolean> {
    this.stopping = true;
    this.finishing = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const sock = this.sock;
    if (!sock || sock.closed) return Promise.resolve(true);
    if (!ok || this.cfg.linger === 0) {
      sock.linger = 0;
      sock.close();
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      let ended = false;
      let t: ReturnType<typeof setTimeout> | undefined;
      sock.events.on("end", () => {
        ended = true;
        if (t) clearTimeout(t);
        resolve(true);
      });
      sock.linger = -1;
      sock.close();
      if (!ended) t = setTimeout(() => resolve(false), this.cfg.linger);
    });
  }
}

/**
 * Runs the command; resolves with exit status 0, or rejects with a CliError
 * once the socket is closed.
 */
export async function run(cfg: Config, io: Io): Promise<number> {
  const s = new Session(cfg, io);
  const onSignal = (sig: NodeJS.Signals) => s.abort(new Interrupted(sig));
  const onStdoutError = (err: { code?: string }) => {
    // The reader went away (`wasmq ... | head`): stop quietly.
    if (err?.code === "EPIPE") s.abort(new CliError("", Exit.Ok));
    else s.abort(new CliError(`cannot write to standard output: ${describe(err)}`, Exit.Runtime));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.stdout.on("error", onStdoutError);
  // The library's sockets and timers never keep the process alive (a socket
  // waiting for its peer would just exit); the run does until it is over.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    await Promise.race([s.start(), s.fatal]);
    const work = s.run();
    work.catch(() => {});
    await Promise.race([work, s.fatal]);
  } catch (err) {
    await s.finish(false);
    if (err === STOP) throw new CliError("stopped", Exit.Runtime);
    throw err;
  } finally {
    clearInterval(keepAlive);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const deadline = now() + cfg.linger;
  const delivered = await s.finish(true);
  const gaveUp = `gave up after --linger ${secs(cfg.linger)}: queued messages were not written (is the peer reading?)`;
  if (!delivered) throw new CliError(gaveUp, Exit.Runtime);
  // The socket has handed everything to its connections; what they still
  // have to write keeps the process alive, up to the rest of --linger.
  const t = setTimeout(() => {
    if (cfg.linger > 0) io.stderr(`wasmq: ${gaveUp}`);
    process.exit(cfg.linger > 0 ? Exit.Runtime : Exit.Ok);
  }, Math.max(0, deadline - now()));
  t.unref();
  return Exit.Ok;
}
