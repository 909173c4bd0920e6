// Spawns pyzmq_peer.py (libzmq via Debian python3-zmq) as a child process,
// parses its JSON-lines stdout into events, and offers bounded waits on them.
import { fileURLToPath } from "node:url";
import { DEFAULT_TIMEOUT } from "./util.mjs";
import { Child } from "../../helpers/child.mjs";

const PEER = fileURLToPath(new URL("./pyzmq_peer.py", import.meta.url));
export const PYTHON = process.env.WASMQ_PYTHON || "/usr/bin/python3";

/** Encode a JS frame (Buffer | string | {pattern, seed} | spec) for the peer. */
export function spec(frame) {
  if (Buffer.isBuffer(frame) || frame instanceof Uint8Array) {
    return { b64: Buffer.from(frame).toString("base64") };
  }
  if (typeof frame === "string") return { text: frame };
  return frame; // already a spec: {pattern}, {hex}, {text}, {b64}
}
const specs = (frames) => (Array.isArray(frames) ? frames : [frames]).map(spec);

/** A received message: Buffer frames (null above 1 MiB) plus sizes and digests. */
function decodeMessage(ev) {
  const frames = ev.frames.map((f) => (f.b64 !== undefined ? Buffer.from(f.b64, "base64") : null));
  return {
    n: ev.n,
    frames,
    lens: ev.frames.map((f) => f.len),
    sha256: ev.frames.map((f) => f.sha256),
    /** frames as strings (only when all frames are small) */
    get text() {
      return frames.map((f) => f?.toString());
    },
  };
}

// Config in, JSON lines out; commands go to its stdin.
function peerArgs(config) {
  const cfg = { ...config };
  if (cfg.subscribe) cfg.subscribe = cfg.subscribe.map(spec);
  if (cfg.script) cfg.script = cfg.script.map((c) => encodeCommand(c));
  return ["-u", PEER, JSON.stringify(cfg)];
}

export class PyPeer extends Child {
  /**
   * @param {object} config see pyzmq_peer.py (type, bind|connect, sockopts,
   *   subscribe, monitor, echo, script)
   */
  constructor(config) {
    super(PYTHON, peerArgs(config), { name: "python peer", stdin: "pipe", encoding: "utf8" });
    this.config = config;
    this.events = []; // every event, in order
    this.messages = []; // decoded "recv" events, in order
    this.consumed = 0; // how many messages recv() has handed out
  }

  onLine(line) {
    if (line.trim()) this.#onEvent(JSON.parse(line));
  }

  #onEvent(ev) {
    this.events.push(ev);
    if (ev.event === "recv") this.messages.push(decodeMessage(ev));
  }

  /** Errors reported by the peer ({"event":"error"}). */
  get errors() {
    return this.events.filter((e) => e.event === "error");
  }

  diag() {
    const errs = this.errors.map((e) => e.message).join("; ");
    return `[pyzmq ${this.config.type}${errs ? `, errors: ${errs}` : ""}${
      this.exited ? `, exited ${JSON.stringify(this.exited)}` : ""
    }${this.stderr ? `, stderr: ${this.stderr.trim().slice(-800)}` : ""}]`;
  }

  /** Resolve with check()'s first non-undefined result; bounded by ms. */
  until(check, ms = DEFAULT_TIMEOUT, what = "event") {
    return super.until(check, ms, what);
  }

  /** Wait for the first event matching pred (searching the whole history). */
  waitEvent(pred, ms, what = "event") {
    return this.until(() => this.events.find(pred), ms, what);
  }

  /** Wait for "ready"; resolves with the endpoint (bound endpoint if it bound). */
  async ready(ms) {
    const ev = await this.waitEvent((e) => e.event === "ready", ms, "ready");
    this.endpoint = ev.endpoint;
    return ev.endpoint;
  }

  /** Wait for a socket-monitor event by name, e.g. "HANDSHAKE_SUCCEEDED". */
  monitorEvent(name, ms) {
    return this.waitEvent((e) => e.event === "monitor" && e.name === name, ms, `monitor ${name}`);
  }

  monitorEvents(name) {
    return this.events.filter((e) => e.event === "monitor" && e.name === name);
  }

  /** Next not-yet-consumed received message. */
  recv(ms, what = "a message received by python") {
    return this.until(
      () => (this.consumed < this.messages.length ? this.messages[this.consumed++] : undefined),
      ms,
      what,
    );
  }

  /** The next n received messages. */
  async recvN(n, ms) {
    await this.until(() => (this.messages.length - this.consumed >= n ? true : undefined), ms, `${n} messages`);
    const out = this.messages.slice(this.consumed, this.consumed + n);
    this.consumed += n;
    return out;
  }

  /** Wait until some received message (consumed or not) satisfies pred. */
  waitMessage(pred, ms, what = "a matching message") {
    return this.until(() => this.messages.find(pred), ms, what);
  }

  command(cmd) {
    this.child.stdin.write(JSON.stringify(encodeCommand(cmd)) + "\n");
  }

  /** Send a multipart message from the python side. opts: {count, id} */
  send(frames, opts = {}) {
    this.command({ op: "send", frames, ...opts });
  }

  /** Send and wait until python reports the send completed. */
  async sendAndWait(frames, opts = {}, ms) {
    const id = `s${Math.random().toString(36).slice(2)}`;
    this.send(frames, { ...opts, id });
    await this.waitEvent((e) => e.event === "sent" && e.id === id, ms, `send ${id}`);
  }

  /** Start cyclic non-blocking sending (PUB slow-joiner barrier). */
  repeat(messages, intervalMs = 10) {
    this.command({ op: "repeat", messages, interval_ms: intervalMs });
  }

  async stopRepeat(ms) {
    const id = `r${Math.random().toString(36).slice(2)}`;
    this.command({ op: "stop_repeat", id });
    await this.waitEvent((e) => e.event === "stopped" && e.id === id, ms, "stop_repeat");
  }

  subscribe(topic) {
    this.command({ op: "subscribe", topic });
  }

  unsubscribe(topic) {
    this.command({ op: "unsubscribe", topic });
  }

  /** Ask the peer to exit, then make sure it is gone (SIGKILL after 1 s). */
  async kill() {
    if (this.exited) return;
    const gone = this.exitPromise;
    try {
      this.command({ op: "exit" });
      this.child.stdin.end();
    } catch {}
    const t = setTimeout(() => this.child.kill("SIGKILL"), 1000);
    await gone;
    clearTimeout(t);
  }
}

function encodeCommand(cmd) {
  const out = { ...cmd };
  if (out.frames) out.frames = specs(out.frames);
  if (out.messages) out.messages = out.messages.map(specs);
  if (out.topic !== undefined) out.topic = spec(out.topic);
  return out;
}

/** Start a python peer tracked by `res` (killed in teardown) and wait until ready. */
export async function startPy(res, config, ms) {
  const peer = new PyPeer(config);
  res.defer(() => peer.kill());
  await peer.ready(ms);
  return peer;
}
