// Loads the Wasm core once per process and wraps its exports.
//
// The core is sans-IO: this module moves bytes in and out of its linear
// memory, drains its event queue after each call, and arms one timer from
// its next deadline. It knows nothing about sockets or transports; it hands
// events to the handlers registered per socket and per pipe.
import { WASM_BASE64 } from "./wasm-inline.js";
import { MAX_TIMER_DELAY } from "./timers.js";

export const enum Ev {
  PipeOutput = 1,
  Readable = 2,
  Writable = 3,
  Handshake = 4,
  PipeClose = 5,
  PipePause = 6,
  PipeResume = 7,
  PipeConnect = 8,
  PipeReleased = 9,
  PipeDropped = 10,
  ExtFree = 11,
}

/** Frames at least this large stay in JS memory and are spliced into the output. */
export const EXTERNAL_MIN = 32 * 1024;
const EXTERNAL = 0x80000000;

interface Exports {
  memory: WebAssembly.Memory;
  init(seed: number): void;
  input_reserve(n: number): number;
  socket_open(type: number): number;
  socket_close(h: number, now: number): number;
  socket_set(h: number, opt: number, v: number): number;
  socket_set_bytes(h: number, opt: number, n: number): number;
  socket_send(h: number, nframes: number, now: number): number;
  socket_recv(h: number, now: number): number;
  socket_poll(h: number): number;
  socket_queued(h: number): number;
  recv_desc_ptr(): number;
  pipe_open(sh: number, flags: number): number;
  pipe_start(h: number, now: number): number;
  pipe_set_mode(h: number, flags: number): number;
  pipe_input(h: number, n: number, now: number): number;
  pipe_out_ptr(h: number): number;
  pipe_out_len(h: number): number;
  pipe_out_consumed(h: number): void;
  pipe_splices_ptr(h: number): number;
  pipe_splices_len(h: number): number;
  pipe_closed(h: number, now: number): void;
  pipe_fail(h: number, reason: number, now: number): void;
  pipe_connect_failed(h: number, now: number): void;
  pipe_destroy(h: number, now: number): void;
  tick(now: number): number;
  next_deadline(): number;
  events_ptr(): number;
  events_len(): number;
  events_clear(): void;
  heap_bytes(): number;
}

/** What a socket wants to hear from the core. */
export interface SocketSink {
  onReadable(): void;
  onWritable(): void;
}

/** What a pipe's transport wants to hear from the core. */
export interface PipeSink {
  /** urgent: enough is queued that waiting for the end of the turn gains nothing. */
  onOutput(urgent: boolean): void;
  onHandshake(peerType: number): void;
  onClose(reason: number): void;
  onPause(): void;
  onResume(): void;
  onConnect(): void;
  onReleased(): void;
}

export type Frame = Buffer | Uint8Array | string;

const textEncoder = new TextEncoder();

/**
 * A fresh frame: a Buffer in Node, a plain Uint8Array in browsers (no Buffer
 * there). Typed Buffer for the Node declarations; in a browser bundle the
 * value is a Uint8Array.
 */
const alloc: (n: number) => Buffer =
  typeof Buffer !== "undefined" ? (n) => Buffer.allocUnsafe(n) : (n) => new Uint8Array(n) as Buffer;

function decodeBase64(s: string): Uint8Array {
  if (typeof Buffer !== "undefined") return Buffer.from(s, "base64");
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const realClock: () => number =
  typeof performance !== "undefined" ? () => performance.now() : () => Date.now();

export interface CoreOptions {
  /** Milliseconds, monotonic. Tests pass a manual clock. */
  clock?: () => number;
  /** Tests drive time themselves: no host timer is armed. */
  manualTimers?: boolean;
}

export class Core {
  private x: Exports;
  private u8: Uint8Array;
  private u32: Uint32Array;
  private i32: Int32Array;
  private sockets = new Map<number, SocketSink>();
  private pipes = new Map<number, PipeSink>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;
  private draining = false;
  // Bodies of external frames by id, until the core says no pipe needs them.
  private external = new Map<number, Uint8Array>();
  private nextExternal = 1;

  private now: () => number;
  private manualTimers: boolean;

  constructor(seed: number, options: CoreOptions = {}) {
    this.now = options.clock ?? realClock;
    this.manualTimers = options.manualTimers ?? false;
    const module = new WebAssembly.Module(decodeBase64(WASM_BASE64) as BufferSource);
    const instance = new WebAssembly.Instance(module, {
      env: {
        abort(_msg: number, _file: number, line: number, col: number) {
          throw new Error(`wasmq core aborted at ${line}:${col}`);
        },
      },
    });
    this.x = instance.exports as unknown as Exports;
    this.u8 = new Uint8Array(this.x.memory.buffer);
    this.u32 = new Uint32Array(this.x.memory.buffer);
    this.i32 = new Int32Array(this.x.memory.buffer);
    this.x.init(seed >>> 0);
  }

  // Views are re-derived whenever the memory has grown (growth detaches them).
  private views(): Uint8Array {
    if (this.u8.byteLength === 0 || this.u8.buffer !== this.x.memory.buffer) {
      const b = this.x.memory.buffer;
      this.u8 = new Uint8Array(b);
      this.u32 = new Uint32Array(b);
      this.i32 = new Int32Array(b);
    }
    return this.u8;
  }

  get memoryBytes(): number { return this.x.memory.buffer.byteLength; }

  /** Bytes the core holds in raw allocations (buffers, messages, tries), not counting garbage-collected objects. */
  get heapBytes(): number { return this.x.heap_bytes(); }

  // ---- sockets ----

  openSocket(type: number, sink: SocketSink): number {
    const h = this.x.socket_open(type);
    if (h < 0) throw new Error(`unknown socket type ${type}`);
    this.sockets.set(h, sink);
    return h;
  }

  closeSocket(h: number): void {
    this.x.socket_close(h, this.now());
    this.sockets.delete(h);
    this.drain();
  }

  setOption(h: number, opt: number, v: number): number {
    return this.x.socket_set(h, opt, v);
  }

  setBytesOption(h: number, opt: number, value: Frame): number {
    this.writeInput([value]);
    const n = frameLength(value);
    const rc = this.x.socket_set_bytes(h, opt, n);
    this.drain();
    return rc;
  }

  poll(h: number): number { return this.x.socket_poll(h); }

  /** Messages still queued for the socket's peers. */
  queued(h: number): number { return this.x.socket_queued(h); }

  /**
   * Returns 0 or a negative errno. Large frames from index `externalFrom` on
   * go by reference (the caller must not modify them until written); frames
   * before it are copied into linear memory for roles that read them.
   */
  send(h: number, frames: Frame[], externalFrom = 1): number {
    this.writeInput(frames, true, externalFrom);
    const rc = this.x.socket_send(h, frames.length, this.now());
    this.drain();
    return rc;
  }

  /** Frames of the next message, or a negative errno. */
  recv(h: number): Buffer[] | number {
    const n = this.x.socket_recv(h, this.now());
    if (n < 0) { this.drain(); return n; }
    const u8 = this.views();
    const u32 = this.u32;
    let d = this.x.recv_desc_ptr() >>> 2;
    const frames = new Array<Buffer>(n);
    for (let i = 0; i < n; i++) {
      const ptr = u32[d++];
      const len = u32[d++];
      const f = alloc(len);
      f.set(u8.subarray(ptr, ptr + len));
      frames[i] = f;
    }
    this.drain();
    return frames;
  }

  // Writes frames into the input region; with `prefixed`, as [len u32][bytes]...
  private writeInput(frames: Frame[], prefixed = false, externalFrom = Infinity): void {
    let total = 0;
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i];
      total += prefixed && this.isExternal(f, i, externalFrom) ? 8 : frameLength(f) + (prefixed ? 4 : 0);
    }
    const base = this.x.input_reserve(total);
    const u8 = this.views();
    let at = base;
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i];
      if (typeof f === "string") {
        if (prefixed) {
          const n = textEncoder.encodeInto(f, u8.subarray(at + 4)).written!;
          writeU32LE(u8, at, n);
          at += 4 + n;
        } else {
          at += textEncoder.encodeInto(f, u8.subarray(at)).written!;
        }
      } else if (prefixed && this.isExternal(f, i, externalFrom)) {
        const id = this.nextExternal;
        this.nextExternal = id >= 0x7fffffff ? 1 : id + 1;
        this.external.set(id, f);
        writeU32LE(u8, at, (EXTERNAL | f.length) >>> 0);
        writeU32LE(u8, at + 4, id);
        at += 8;
      } else {
        if (prefixed) { writeU32LE(u8, at, f.length); at += 4; }
        u8.set(f, at);
        at += f.length;
      }
    }
  }

  private isExternal(f: Frame, i: number, externalFrom: number): f is Uint8Array {
    return typeof f !== "string" && f.length >= EXTERNAL_MIN && i >= externalFrom;
  }

  // ---- pipes ----

  /** ipcFraming: SP's IPC mapping (a message-type byte before each size). */
  openPipe(socket: number, outbound: boolean, ipcFraming: boolean, sink: PipeSink): number {
    const h = this.x.pipe_open(socket, (outbound ? 1 : 0) | (ipcFraming ? 2 : 0));
    if (h < 0) throw new Error("socket is closed");
    this.pipes.set(h, sink);
    return h;
  }

  /**
   * Message framing for the next connection: `ws` = a message transport
   * (one call of input() per message, output as messages); `zwsNull` =
   * ZWS2.0/NULL rather than plain ZWS2.0.
   */
  setPipeMode(h: number, ws: boolean, zwsNull: boolean): void {
    this.x.pipe_set_mode(h, (ws ? 4 : 0) | (zwsNull ? 8 : 0));
  }

  startPipe(h: number): void {
    this.x.pipe_start(h, this.now());
    this.drain();
  }

  input(h: number, chunk: Uint8Array): void {
    const base = this.x.input_reserve(chunk.length);
    this.views().set(chunk, base);
    this.x.pipe_input(h, chunk.length, this.now());
    this.drain();
  }

  /**
   * The pipe's pending wire bytes, copied out of linear memory, with external
   * bodies spliced in: one chunk, or several to write in order. Null if none.
   * Call drain() after writing them.
   */
  takeOutput(h: number): Uint8Array[] | null {
    const len = this.x.pipe_out_len(h);
    if (len === 0) return null;
    const ptr = this.x.pipe_out_ptr(h);
    const nsplices = this.x.pipe_splices_len(h);
    const u8 = this.views();
    let chunks: Uint8Array[];
    if (nsplices === 0) {
      chunks = [copyOut(u8, ptr, len)];
    } else {
      chunks = [];
      const u32 = this.u32;
      let sp = this.x.pipe_splices_ptr(h) >>> 2;
      let at = 0;
      for (let i = 0; i < nsplices; i++, sp += 3) {
        const offset = u32[sp];
        if (offset > at) chunks.push(copyOut(u8, ptr + at, offset - at));
        chunks.push(this.external.get(u32[sp + 1])!);
        at = offset;
      }
      if (at < len) chunks.push(copyOut(u8, ptr + at, len - at));
    }
    // Events this raises (a waiting send now fits, say) are drained by the
    // caller once these bytes are written, so newer output cannot overtake them.
    this.x.pipe_out_consumed(h);
    return chunks;
  }

  /**
   * A message-mode pipe's output: one Uint8Array per message (WebSocket),
   * external bodies spliced in. Null if none. Call drain() after sending.
   */
  takeMessages(h: number): Uint8Array[] | null {
    const len = this.x.pipe_out_len(h);
    if (len === 0) return null;
    const ptr = this.x.pipe_out_ptr(h);
    const nsplices = this.x.pipe_splices_len(h);
    const u8 = this.views();
    const u32 = this.u32;
    const sp0 = this.x.pipe_splices_ptr(h) >>> 2;
    const messages: Uint8Array[] = [];
    let at = 0;
    let si = 0;
    while (at < len) {
      let remaining = readU32LE(u8, ptr + at);
      at += 4;
      const pieces: Uint8Array[] = [];
      while (remaining > 0) {
        const nextSplice = si < nsplices ? u32[sp0 + si * 3] : Infinity;
        if (nextSplice === at) {
          const body = this.external.get(u32[sp0 + si * 3 + 1])!;
          pieces.push(body);
          remaining -= body.length;
          si++;
        } else {
          const n = Math.min(remaining, nextSplice - at);
          pieces.push(copyOut(u8, ptr + at, n));
          at += n;
          remaining -= n;
        }
      }
      messages.push(pieces.length === 1 ? pieces[0] : concat(pieces));
    }
    this.x.pipe_out_consumed(h);
    return messages;
  }

  pipeClosed(h: number): void {
    this.x.pipe_closed(h, this.now());
    this.drain();
  }

  /** The transport refused the peer for `reason` (a core close reason); the pipe closes as after pipeClosed. */
  pipeFailed(h: number, reason: number): void {
    this.x.pipe_fail(h, reason, this.now());
    this.drain();
  }

  connectFailed(h: number): void {
    this.x.pipe_connect_failed(h, this.now());
    this.drain();
  }

  destroyPipe(h: number): void {
    this.x.pipe_destroy(h, this.now());
    this.drain();
  }

  // ---- events and time ----

  /** Delivers queued core events to their sinks, until none are left. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const n = this.x.events_len();
        if (n === 0) break;
        this.views();
        const start = this.x.events_ptr() >>> 2;
        const batch = this.i32.slice(start, start + n * 4);
        this.x.events_clear();
        for (let i = 0; i < batch.length; i += 4) this.dispatch(batch[i], batch[i + 1], batch[i + 2]);
      }
    } finally {
      this.draining = false;
    }
    this.arm();
  }

  private dispatch(kind: number, h: number, a: number): void {
    if (kind === Ev.ExtFree) { this.external.delete(h); return; }
    if (kind === Ev.Readable || kind === Ev.Writable) {
      const s = this.sockets.get(h);
      if (!s) return;
      if (kind === Ev.Readable) s.onReadable(); else s.onWritable();
      return;
    }
    const p = this.pipes.get(h);
    if (!p) return;
    switch (kind) {
      case Ev.PipeOutput: p.onOutput(a === 1); break;
      case Ev.Handshake: p.onHandshake(a); break;
      case Ev.PipeClose: p.onClose(a); break;
      case Ev.PipePause: p.onPause(); break;
      case Ev.PipeResume: p.onResume(); break;
      case Ev.PipeConnect: p.onConnect(); break;
      case Ev.PipeReleased: this.pipes.delete(h); p.onReleased(); break;
    }
  }

  // One host timer per core, armed for the core's earliest deadline.
  private arm(): void {
    if (this.manualTimers) return;
    const at = this.x.next_deadline();
    if (at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    if (at === Infinity) { this.timer = null; return; }
    // A deadline beyond what setTimeout takes wakes early; tick() then finds
    // nothing due and arms again.
    this.timer = setTimeout(this.onTimer, Math.min(MAX_TIMER_DELAY, Math.max(0, Math.ceil(at - this.now()))));
    const t = this.timer as { unref?: () => void };
    if (t.unref) t.unref();
  }

  private onTimer = (): void => {
    this.timer = null;
    this.timerAt = Infinity;
    this.tick();
  };

  /** Runs the timers due now; returns the next deadline (ms, Infinity if none). */
  tick(): number {
    const next = this.x.tick(this.now());
    this.drain();
    return next;
  }

  get nextDeadline(): number { return this.x.next_deadline(); }
}

function copyOut(u8: Uint8Array, ptr: number, len: number): Buffer {
  const b = alloc(len);
  b.set(u8.subarray(ptr, ptr + len));
  return b;
}

function readU32LE(u8: Uint8Array, at: number): number {
  return (u8[at] | (u8[at + 1] << 8) | (u8[at + 2] << 16) | (u8[at + 3] << 24)) >>> 0;
}

function concat(pieces: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of pieces) n += p.length;
  const out = alloc(n);
  let at = 0;
  for (const p of pieces) { out.set(p, at); at += p.length; }
  return out;
}

// Length prefixes are unaligned, so they are written bytewise.
function writeU32LE(u8: Uint8Array, at: number, v: number): void {
  u8[at] = v & 0xff;
  u8[at + 1] = (v >>> 8) & 0xff;
  u8[at + 2] = (v >>> 16) & 0xff;
  u8[at + 3] = v >>> 24;
}

export function frameLength(f: Frame): number {
  return typeof f === "string" ? utf8Length(f) : f.length;
}

function utf8Length(s: string): number {
  if (typeof Buffer !== "undefined") return Buffer.byteLength(s, "utf8");
  return textEncoder.encode(s).length;
}

let shared: Core | null = null;

/** The process-wide core (like a zmq context). */
export function core(): Core {
  if (!shared) shared = new Core((Math.random() * 0xffffffff) >>> 0);
  return shared;
}
