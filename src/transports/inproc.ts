// inproc://name: two sockets in one process, joined by a pair of in-memory
// connections. Bytes still pass through the core (one wire format for all
// transports); a connect made before the bind waits for it, as in libzmq.
import type { Transport, Listener, Conn, Dialing } from "./transport.js";

type Accept = (c: Conn, remote: string) => void;

const bound = new Map<string, Accept>();
const waiting = new Map<string, Array<() => void>>();

// Who wants to know when an endpoint is bound or unbound (the ZAP courier
// watches inproc://zeromq.zap.01: the core decides by it whether a handler exists).
const watchers = new Map<string, Array<(bound: boolean) => void>>();

/** Calls fn now and whenever `address` is bound or unbound. */
export function watchInproc(address: string, fn: (bound: boolean) => void): void {
  let w = watchers.get(address);
  if (!w) watchers.set(address, (w = []));
  w.push(fn);
  fn(bound.has(address));
}

function notify(address: string): void {
  for (const fn of watchers.get(address) ?? []) fn(bound.has(address));
}

// Bytes a reader may hold unread before its writer is told to wait.
const INBOX_LIMIT = 1 << 20;

// Node hands the reader Buffers, as its other transports do; browsers have
// no Buffer, and the reader gets the Uint8Array as it is.
const asFrame: (b: Uint8Array) => Buffer =
  typeof Buffer !== "undefined"
    ? (b) => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength))
    : (b) => b as Buffer;

class InprocConn implements Conn {
  peer!: InprocConn;
  onclose: () => void = () => {};
  ondrain: () => void = () => {};
  private handler: ((b: Buffer) => void) | null = null;
  private inbox: Buffer[] = [];
  private inboxBytes = 0;
  private writerWaiting = false;
  private paused = false;
  private scheduled = false;
  private ended = false;
  private peerEnded = false;
  private closed = false;

  // Bytes that arrive before anyone listens wait in the inbox.
  get ondata(): (b: Buffer) => void { return this.handler ?? (() => {}); }
  set ondata(fn: (b: Buffer) => void) { this.handler = fn; this.schedule(); }

  write(chunks: Uint8Array[]): boolean {
    if (this.ended) return true;
    for (const b of chunks) this.peer.receive(asFrame(b));
    return this.peer.accepts();
  }
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.peer.receiveEnd();
    this.finish();
  }
  pause(): void { this.paused = true; }
  unref(): void {}
  resume(): void { this.paused = false; this.schedule(); }

  private receive(b: Buffer): void {
    this.inbox.push(b);
    this.inboxBytes += b.length;
    this.schedule();
  }
  private receiveEnd(): void { this.peerEnded = true; this.schedule(); }

  // False asks the writer to wait for ondrain (a paused, full reader).
  private accepts(): boolean {
    if (this.inboxBytes < INBOX_LIMIT) return true;
    this.writerWaiting = true;
    return false;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.pump());
  }
  private pump(): void {
    this.scheduled = false;
    const fn = this.handler;
    if (!fn) return;
    while (!this.paused && this.inbox.length) {
      const b = this.inbox.shift()!;
      this.inboxBytes -= b.length;
      fn(b);
    }
    if (this.writerWaiting && this.inboxBytes < INBOX_LIMIT) {
      this.writerWaiting = false;
      this.peer.ondrain();
    }
    if (!this.paused && this.peerEnded && this.inbox.length === 0) {
      if (!this.ended) { this.ended = true; this.peer.receiveEnd(); }
      this.finish();
    }
  }
  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.onclose());
  }
}

function pair(): [InprocConn, InprocConn] {
  const a = new InprocConn();
  const b = new InprocConn();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

export const inproc: Transport = {
  listen(address, accept): Promise<Listener> {
    if (bound.has(address)) {
      const err = new Error(`Address already in use: ${address}`) as Error & { code: string; address: string };
      err.code = "EADDRINUSE";
      err.address = address;
      return Promise.reject(err);
    }
    bound.set(address, accept);
    notify(address);
    const w = waiting.get(address);
    if (w) { waiting.delete(address); for (const go of w) go(); }
    return Promise.resolve({
      endpoint: address,
      close: () => {
        if (bound.get(address) === accept) { bound.delete(address); notify(address); }
        return Promise.resolve();
      },
    });
  },

  connect(address, open): Dialing {
    let cancelled = false;
    const go = () => {
      if (cancelled) return;
      const accept = bound.get(address);
      if (!accept) { wait(); return; }
      const [mine, theirs] = pair();
      open(mine);
      accept(theirs, address);
    };
    const wait = () => {
      let w = waiting.get(address);
      if (!w) waiting.set(address, (w = []));
      w.push(go);
    };
    queueMicrotask(go);
    return { cancel: () => { cancelled = true; }, unref: () => {} };
  },
};
