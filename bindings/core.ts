// Loads the Wasm core once per process and wraps its exports.
//
// The core is sans-IO: this module moves bytes in and out of its linear
// memory, drains its event queue after each call, and arms one timer from
// its next deadline. It knows nothing about sockets or transports; it hands
// events to the handlers registered per socket and per pipe.
import { WASM_BASE64 } from "./wasm-inline.js";
import { MAX_TIMER_DELAY } from "./timers.js";
import { Ev, Errno, Limit, PipeFlag } from "./shared.js";

/** Frames at least this large stay in JS memory and are spliced into the output. */
export const EXTERNAL_MIN: number = Limit.EXTERNAL_MIN;
// Sends that would copy more than Limit.INPUT_MAX bytes into linear memory
// (the frames a role reads, such as a PUB's topic frame or an SP REQ's
// request, which it keeps to resend) fail with EMSGSIZE rather than grow the
// shared Wasm memory; received chunks go in Limit.INPUT_CHUNK at a time.
// Both come from the core's sources through shared.ts, as every number here.

// Records the core lays out in its memory, in i32/u32 words.
const EVENT_WORDS = Limit.EVENT_SIZE >>> 2;
const SPLICE_WORDS = Limit.SPLICE_SIZE >>> 2;

interface Exports {
  memory: WebAssembly.Memory;
  init(seed: number): void;
  input_reserve(n: number): number;
  socket_open(type: number): number;
  socket_close(h: number, now: number): number;
  socket_set(h: number, opt: number, v: number): number;
  socket_frames_read(h: number): number;
  socket_get(h: number, opt: number): number;
  socket_set_bytes(h: number, opt: number, n: number): number;
  socket_send(h: number, nframes: number, now: number): number;
  socket_recv(h: number, now: number): number;
  socket_poll(h: number): number;
  socket_queued(h: number): number;
  socket_linger(h: number, ms: number, now: number): number;
  recv_desc_ptr(): number;
  recv_release(): void;
  pipe_open(sh: number, flags: number): number;
  pipe_start(h: number, now: number): number;
  pipe_set_mode(h: number, flags: number): number;
  pipe_input(h: number, n: number, now: number): number;
  pipe_input_message(h: number, n: number, total: number, now: number): number;
  pipe_ext_pending(h: number): number;
  pipe_ext_id(h: number): number;
  pipe_ext_head_ptr(h: number): number;
  pipe_ext_head_len(h: number): number;
  pipe_ext_advance(h: number, k: number, now: number): void;
  input_head_bytes(): number;
  received_bytes(): number;
  set_receive_budget(bytes: number): void;
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
  socket_security_check(h: number): number;
  pipe_set_peer_address(h: number, n: number): void;
  zap_handler(bound: number): void;
  zap_request_ptr(h: number): number;
  zap_request_len(h: number): number;
  zap_request_taken(h: number): void;
  zap_reply(nframes: number, now: number): void;
  crypto_scratch(n: number): number;
  crypto_x25519_base(q: number, n: number): void;
}

/** What a socket wants to hear from the core. */
export interface SocketSink {
  onReadable(): void;
  onWritable(): void;
  /** A closed socket's linger is over (Core.linger): finish closing it. */
  onLingerOver?(): void;
}

/** What a pipe's transport wants to hear from the core. */
export interface PipeSink {
  /** urgent: enough is queued that waiting for the end of the turn gains nothing. */
  onOutput(urgent: boolean): void;
  onHandshake(peerType: number): void;
  /** detail: what qualifies the reason (an authentication failure's ZAP status code). */
  onClose(reason: number, detail: number): void;
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

/** A frame over existing memory: a Buffer in Node, a Uint8Array in browsers. */
const viewOf: (b: ArrayBufferLike, offset: number, n: number) => Buffer =
  typeof Buffer !== "undefined" ? (b, o, n) => Buffer.from(b, o, n) : (b, o, n) => new Uint8Array(b, o, n) as Buffer;

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
  /**
   * Fills a buffer with random bytes for keys and nonces (CURVE). Default:
   * crypto.getRandomValues. Tests pass a fixed sequence.
   */
  random?: (buf: Uint8Array) => void;
}

/** The platform's secure random source (Web Crypto, in Node 18+ and browsers). */
function secureRandom(buf: Uint8Array): void {
  const c = (globalThis as { crypto?: { getRandomValues?: (b: Uint8Array) => Uint8Array } }).crypto;
  if (!c?.getRandomValues) throw new Error("wasmq: no crypto.getRandomValues here; CURVE needs a secure random source");
  // getRandomValues fills at most 65536 bytes per call.
  for (let at = 0; at < buf.length; at += 65536) c.getRandomValues(buf.subarray(at, Math.min(buf.length, at + 65536)));
}

/** A ZAP request the core asks the host to carry to inproc://zeromq.zap.01 (zmtp/zap.ts). */
export type ZapCourier = (pipe: number, frames: Buffer[]) => void;

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
  // Bodies of external frames by id, until the core says no pipe needs them:
  // ids below 2^30 are sends' (made here), the others received bodies (made
  // by the core, gathered here from the transport's chunks).
  private external = new Map<number, Uint8Array>();
  private nextExternal = 1;
  // Received bodies being gathered, by pipe; pipes whose last frame was gathered.
  private gathers = new Map<number, Gather>();
  private bulk = new Set<number>();
  private headBytes: number;

  private now: () => number;
  private manualTimers: boolean;
  private random: (buf: Uint8Array) => void;

  constructor(seed: number, options: CoreOptions = {}) {
    this.now = options.clock ?? realClock;
    this.manualTimers = options.manualTimers ?? false;
    const random = options.random ?? secureRandom;
    this.random = random;
    const module = new WebAssembly.Module(decodeBase64(WASM_BASE64) as BufferSource);
    const instance = new WebAssembly.Instance(module, {
      env: {
        abort(_msg: number, _file: number, line: number, col: number) {
          throw new Error(`wasmq core aborted at ${line}:${col}`);
        },
        random_bytes: (ptr: number, n: number) => { random(new Uint8Array(this.x.memory.buffer, ptr, n)); },
      },
    });
    this.x = instance.exports as unknown as Exports;
    this.u8 = new Uint8Array(this.x.memory.buffer);
    this.u32 = new Uint32Array(this.x.memory.buffer);
    this.i32 = new Int32Array(this.x.memory.buffer);
    this.x.init(seed >>> 0);
    this.headBytes = this.x.input_head_bytes();
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

  /** Bytes of received messages this core holds (assembling, queued or being read), in linear memory or here. */
  get receivedBytes(): number { return this.x.received_bytes(); }

  /** What all of this core's pipes together may hold of received messages, bytes (default 1 GiB). */
  setReceiveBudget(bytes: number): void { this.x.set_receive_budget(bytes); }

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

  /** A numeric option's value in the core (NaN if the socket has no such option). */
  getOption(h: number, opt: number): number {
    return this.x.socket_get(h, opt);
  }

  setBytesOption(h: number, opt: number, value: Frame): number {
    this.writeInput([value]);
    const n = frameLength(value);
    const rc = this.x.socket_set_bytes(h, opt, n);
    this.drain();
    return rc;
  }

  poll(h: number): number { return this.x.socket_poll(h); }

  /**
   * The application closed the socket: true if queued messages may still
   * leave for up to `ms` (-1 or Infinity: until they have), after which the
   * sink's onLingerOver() is called; false if there is nothing to wait for.
   */
  linger(h: number, ms: number): boolean {
    const r = this.x.socket_linger(h, ms, this.now());
    this.drain();
    return r === 1;
  }

  /** Messages still queued for the socket's peers. */
  queued(h: number): number { return this.x.socket_queued(h); }

  /**
   * Returns 0 or a negative errno. The frames the socket's role reads (the
   * core says how many) are copied into linear memory; large frames after
   * them go by reference (the caller must not modify them until written).
   */
  send(h: number, frames: Frame[]): number {
    const read = this.x.socket_frames_read(h);
    if (!this.writeInput(frames, true, read < 0 ? Infinity : read)) return -Errno.EMSGSIZE;
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
    let large = false;
    for (let i = 0; i < n; i++) {
      const ptr = u32[d++];
      const len = u32[d++];
      const offset = u32[d++];
      if (len & Limit.EXTERNAL) {
        // A received body that never entered linear memory: a view of it.
        large = true;
        const body = this.external.get(ptr)!;
        const n = (len & ~Limit.EXTERNAL) >>> 0;
        frames[i] = (offset === 0 && n === body.length ? body : body.subarray(offset, offset + n)) as Buffer;
        continue;
      }
      const f = alloc(len);
      f.set(u8.subarray(ptr, ptr + len));
      frames[i] = f;
    }
    // A message with a large body is let go at once (its bytes leave the
    // receive budget and the host's map); a small one at the next receive.
    if (large) this.x.recv_release();
    this.drain();
    return frames;
  }

  // Writes frames into the input region; with `prefixed`, as [len u32][bytes]...
  // False, writing nothing, if the frames to copy exceed Limit.INPUT_MAX.
  private writeInput(frames: Frame[], prefixed = false, externalFrom = Infinity): boolean {
    let total = 0;
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i];
      total += prefixed && this.isExternal(f, i, externalFrom) ? 8 : frameLength(f) + (prefixed ? 4 : 0);
    }
    if (total > Limit.INPUT_MAX) return false;
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
        writeU32LE(u8, at, (Limit.EXTERNAL | f.length) >>> 0);
        writeU32LE(u8, at + 4, id);
        at += 8;
      } else {
        if (prefixed) { writeU32LE(u8, at, f.length); at += 4; }
        u8.set(f, at);
        at += f.length;
      }
    }
    return true;
  }

  private isExternal(f: Frame, i: number, externalFrom: number): f is Uint8Array {
    return typeof f !== "string" && f.length >= EXTERNAL_MIN && i >= externalFrom;
  }

  // ---- pipes ----

  /** ipcFraming: SP's IPC mapping (a message-type byte before each size). */
  openPipe(socket: number, outbound: boolean, ipcFraming: boolean, sink: PipeSink): number {
    const h = this.x.pipe_open(socket, (outbound ? PipeFlag.OUTBOUND : 0) | (ipcFraming ? PipeFlag.IPC : 0));
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
    this.x.pipe_set_mode(h, (ws ? PipeFlag.WS : 0) | (zwsNull ? PipeFlag.WS_NULL : 0));
  }

  startPipe(h: number): void {
    // A new connection: whatever body the last one was bringing is gone.
    this.gathers.delete(h);
    this.bulk.delete(h);
    this.x.pipe_start(h, this.now());
    this.drain();
  }

  /**
   * Bytes from a stream transport. The core parses what is in linear memory;
   * a large frame's body is gathered here, straight from the chunk, and
   * never copied into it (external.ts in the core).
   */
  input(h: number, chunk: Uint8Array): void {
    this.feed(h, chunk, 0);
    this.drain();
  }

  /** One whole message from a message transport (WebSocket). */
  inputMessage(h: number, message: Uint8Array): void {
    const n = message.length;
    if (n > this.headBytes) {
      // Only the head goes into linear memory; the core says whether the
      // rest may be gathered here.
      const base = this.x.input_reserve(this.headBytes);
      this.views().set(message.subarray(0, this.headBytes), base);
      const took = this.x.pipe_input_message(h, this.headBytes, n, this.now());
      if (took >= 0) {
        this.startGather(h, message, took);
        this.feed(h, message, took);
        this.drain();
        return;
      }
    }
    const base = this.x.input_reserve(n);
    this.views().set(message, base);
    this.x.pipe_input(h, n, this.now());
    this.drain();
  }

  private feed(h: number, chunk: Uint8Array, off: number): void {
    const n = chunk.length;
    while (off < n) {
      const g = this.gathers.get(h);
      if (g) {
        const take = Math.min(g.remaining, n - off);
        g.add(chunk.subarray(off, off + take));
        off += take;
        if (g.remaining === 0) {
          this.gathers.delete(h);
          this.external.set(g.id, g.finish());
          this.bulk.add(h);
        }
        this.x.pipe_ext_advance(h, take, this.now());
        continue;
      }
      // At most Limit.INPUT_CHUNK at a time: the input region stays that small
      // whatever size of chunk a transport hands over. After a gathered body
      // the next frame is likely large too: only enough for its header (and
      // an SP head) is copied first, not the body the host would gather.
      const peek = this.bulk.has(h);
      const len = Math.min(n - off, peek ? this.headBytes + 64 : Limit.INPUT_CHUNK);
      const base = this.x.input_reserve(len);
      this.views().set(off === 0 && len === n ? chunk : chunk.subarray(off, off + len), base);
      const took = this.x.pipe_input(h, len, this.now());
      if (took < 0) return;
      off += took;
      const gathering = this.startGather(h, chunk, off);
      if (peek && !gathering && took === len) this.bulk.delete(h);   // small frames again
      if (!gathering && took < len) return;
    }
    // A frame header at the very end of the chunk: its body starts in the next one.
    if (!this.gathers.has(h)) this.startGather(h, chunk, off);
  }

  // If the pipe now wants an external body, starts gathering it; `off` is
  // where the body starts in `chunk` (the head the core kept, if any, lies
  // just before it when the same chunk brought it).
  private startGather(h: number, chunk: Uint8Array, off: number): boolean {
    const need = this.x.pipe_ext_pending(h);
    if (need <= 0) return false;
    const g = new Gather(this.x.pipe_ext_id(h), need);
    const headLen = this.x.pipe_ext_head_len(h);
    if (headLen > 0) {
      if (off >= headLen) g.add(chunk.subarray(off - headLen, off), false);
      else {
        const ptr = this.x.pipe_ext_head_ptr(h);
        g.add(copyOut(this.views(), ptr, headLen), false);
      }
    }
    this.gathers.set(h, g);
    return true;
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
      for (let i = 0; i < nsplices; i++, sp += SPLICE_WORDS) {
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
        const nextSplice = si < nsplices ? u32[sp0 + si * SPLICE_WORDS] : Infinity;
        if (nextSplice === at) {
          const body = this.external.get(u32[sp0 + si * SPLICE_WORDS + 1])!;
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
    this.gathers.delete(h);
    this.x.pipe_closed(h, this.now());
    this.drain();
  }

  /** The transport refused the peer for `reason` (a core close reason); the pipe closes as after pipeClosed. */
  pipeFailed(h: number, reason: number): void {
    this.gathers.delete(h);
    this.x.pipe_fail(h, reason, this.now());
    this.drain();
  }

  connectFailed(h: number): void {
    this.x.pipe_connect_failed(h, this.now());
    this.drain();
  }

  destroyPipe(h: number): void {
    this.gathers.delete(h);
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
        const batch = this.i32.slice(start, start + n * EVENT_WORDS);
        this.x.events_clear();
        for (let i = 0; i < batch.length; i += EVENT_WORDS) this.dispatch(batch[i], batch[i + 1], batch[i + 2], batch[i + 3]);
      }
    } finally {
      this.draining = false;
    }
    this.arm();
  }

  private dispatch(kind: number, h: number, a: number, b: number): void {
    if (kind === Ev.EXT_FREE) { this.external.delete(h >>> 0); return; }
    if (kind === Ev.LINGER_OVER) { this.sockets.get(h)?.onLingerOver?.(); return; }
    if (kind === Ev.READABLE || kind === Ev.WRITABLE) {
      const s = this.sockets.get(h);
      if (!s) return;
      if (kind === Ev.READABLE) s.onReadable(); else s.onWritable();
      return;
    }
    const p = this.pipes.get(h);
    if (!p) return;
    switch (kind) {
      case Ev.PIPE_OUTPUT: p.onOutput(a === 1); break;
      case Ev.HANDSHAKE: p.onHandshake(a); break;
      case Ev.PIPE_CLOSE: this.gathers.delete(h); p.onClose(a, b); break;
      case Ev.ZAP_REQUEST: this.carryZapRequest(h); break;
      case Ev.PIPE_PAUSE: p.onPause(); break;
      case Ev.PIPE_RESUME: p.onResume(); break;
      case Ev.PIPE_CONNECT: p.onConnect(); break;
      case Ev.PIPE_RELEASED: this.pipes.delete(h); this.gathers.delete(h); this.bulk.delete(h); p.onReleased(); break;
    }
  }

  // ---- security ----

  /** Who carries ZAP requests to the handler (src/zmq/zap-courier.ts); none: they wait unanswered. */
  zapCourier: ZapCourier | null = null;

  /** 0, or why the socket's security settings cannot start a connection (SEC_* of zmtp/security.ts). */
  securityCheck(h: number): number { return this.x.socket_security_check(h); }

  /** The remote address of a pipe's connection, as ZAP requests name it. */
  setPeerAddress(h: number, address: string): void {
    this.writeInput([address]);
    this.x.pipe_set_peer_address(h, textEncoder.encode(address).length);
  }

  /** Whether a handler is bound at inproc://zeromq.zap.01. */
  setZapHandler(bound: boolean): void { this.x.zap_handler(bound ? 1 : 0); }

  /** The handler's reply to a request the courier carried. */
  zapReply(frames: Frame[]): void {
    if (!this.writeInput(frames, true)) return;
    this.x.zap_reply(frames.length, this.now());
    this.drain();
  }

  private carryZapRequest(h: number): void {
    const ptr = this.x.zap_request_ptr(h);
    const len = this.x.zap_request_len(h);
    const u8 = this.views();
    const frames: Buffer[] = [];
    for (let at = ptr; at < ptr + len;) {
      const n = readU32LE(u8, at);
      const f = alloc(n);
      f.set(u8.subarray(at + 4, at + 4 + n));
      frames.push(f);
      at += 4 + n;
    }
    this.x.zap_request_taken(h);
    // A pipe that failed in the same call withdrew its request: nothing to carry.
    if (frames.length) this.zapCourier?.(h, frames);
  }

  /** A CURVE public key from its secret key (X25519 with the base point). */
  curvePublicKey(secret: Uint8Array): Uint8Array {
    const at = this.x.crypto_scratch(64);
    const u8 = this.views();
    u8.set(secret, at + 32);
    this.x.crypto_x25519_base(at, at + 32);
    const out = u8.slice(at, at + 32);
    u8.fill(0, at, at + 64);
    return out;
  }

  /** Random bytes from the core's source (the one given to the constructor). */
  randomBytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    this.random(b);
    return b;
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

// A received body arriving in pieces (views of the transport's chunks): one
// piece is handed out as it is; several are joined once, outside linear memory.
class Gather {
  private pieces: Uint8Array[] = [];
  private size = 0;
  constructor(readonly id: number, public remaining: number) {}
  /** counted: false for the head bytes the core already counted as taken. */
  add(piece: Uint8Array, counted = true): void {
    const p = this.pieces;
    const last = p.length ? p[p.length - 1] : null;
    // Consecutive bytes of one chunk (a head and the body after it) stay one view.
    if (last && last.buffer === piece.buffer && last.byteOffset + last.length === piece.byteOffset) {
      p[p.length - 1] = viewOf(last.buffer, last.byteOffset, last.length + piece.length);
    } else {
      p.push(piece);
    }
    this.size += piece.length;
    if (counted) this.remaining -= piece.length;
  }
  finish(): Uint8Array {
    const p = this.pieces;
    if (p.length === 1) return viewOf(p[0].buffer, p[0].byteOffset, p[0].length);
    const out = alloc(this.size);
    let at = 0;
    for (let i = 0; i < p.length; i++) { out.set(p[i], at); at += p[i].length; }
    return out;
  }
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
