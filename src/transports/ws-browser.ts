// ws:// and wss:// in browsers and Web Workers, on the platform's WebSocket.
// Connect only: a page cannot listen. Like ws.ts, each WebSocket message is
// one ZWS 2.0 frame or one SP message (the core's message mode), and the
// socket family supplies the subprotocols to offer. Reconnecting with
// back-off is the core's business: this adapter reports open, fail, close.
import type { Transport, Conn, Dialing, TransportOptions } from "./transport.js";

// Bytes the browser may hold unsent before the writer is told to wait.
const SEND_BUFFER_LIMIT = 1 << 20;
// Browsers announce no "drain": bufferedAmount is polled while a writer waits.
const DRAIN_POLL_MS = 5;

function unsupported(address: string, why: string): Error {
  return Object.assign(new Error(`Protocol not supported: ${address} (${why})`), { code: "EPROTONOSUPPORT", address });
}

class BrowserWsConn implements Conn {
  readonly messageMode = true;
  readonly protocol: string;
  ondata: (b: Buffer) => void = () => {};
  onclose: () => void = () => {};
  ondrain: () => void = () => {};
  private drainTimer: ReturnType<typeof setTimeout> | null = null;
  // A WebSocket cannot be paused: while the core asks for a pause, arriving
  // messages wait here, in order, and are handed over on resume().
  private paused = false;
  private held: Uint8Array[] = [];
  private delivering = false;
  private closed = false;

  constructor(private ws: WebSocket) {
    this.protocol = ws.protocol;
    ws.onmessage = (ev: MessageEvent) => {
      // Both wires are binary only (RFC 45; nng refuses text with 1003).
      if (!(ev.data instanceof ArrayBuffer)) { ws.close(1003, "binary messages only"); return; }
      const b = new Uint8Array(ev.data);
      if (this.paused || this.held.length) { this.held.push(b); return; }
      this.ondata(b as Buffer);
    };
    ws.onerror = null;
    ws.onclose = () => {
      if (this.closed) return;
      this.closed = true;
      this.stopDrainPoll();
      this.held = [];
      this.onclose();
    };
  }

  write(messages: Uint8Array[]): boolean {
    // After close() or a lost connection, send() only counts bytes; onclose follows.
    if (this.ws.readyState !== 1) return true;
    for (let i = 0; i < messages.length; i++) this.ws.send(messages[i]);
    if (this.ws.bufferedAmount < SEND_BUFFER_LIMIT) return true;
    this.startDrainPoll();
    return false;
  }

  private startDrainPoll(): void {
    if (this.drainTimer) return;
    const poll = () => {
      this.drainTimer = null;
      if (this.closed) return;
      if (this.ws.bufferedAmount < SEND_BUFFER_LIMIT / 2) { this.ondrain(); return; }
      this.drainTimer = setTimeout(poll, DRAIN_POLL_MS);
    };
    this.drainTimer = setTimeout(poll, DRAIN_POLL_MS);
  }

  private stopDrainPoll(): void {
    if (this.drainTimer) { clearTimeout(this.drainTimer); this.drainTimer = null; }
  }

  end(): void {
    // Queued messages leave before the close frame.
    if (this.ws.readyState <= 1) this.ws.close(1000);
  }

  pause(): void { this.paused = true; }

  resume(): void {
    this.paused = false;
    // Handed over on a later task, not inside the core's event dispatch.
    if (this.held.length && !this.delivering) {
      this.delivering = true;
      queueMicrotask(() => this.deliverHeld());
    }
  }

  private deliverHeld(): void {
    this.delivering = false;
    while (!this.paused && !this.closed && this.held.length) this.ondata(this.held.shift()! as Buffer);
  }

  unref(): void {}
}

export const ws: Transport = {
  messageMode: true,

  listen(address): Promise<never> {
    return Promise.reject(unsupported(address, "browsers cannot listen; connect to a ws:// listener instead"));
  },

  connect(address, open, fail, options: TransportOptions = {}): Dialing {
    if (typeof WebSocket !== "function") throw unsupported(address, "no WebSocket in this environment");
    let settled = false;
    // Throws a SyntaxError for a malformed URL or subprotocol; the caller retries.
    const w = new WebSocket(address, options.wsProtocols ?? []);
    w.binaryType = "arraybuffer";
    w.onopen = () => {
      if (settled) return;
      settled = true;
      w.onopen = null;
      open(new BrowserWsConn(w));
    };
    // Browsers say nothing about why (refused, 404, no agreed subprotocol).
    w.onerror = () => {
      if (settled) return;
      settled = true;
      fail(Object.assign(new Error(`WebSocket connection to ${address} failed`), { code: "ECONNREFUSED", address }));
    };
    w.onclose = () => {
      if (settled) return;
      settled = true;
      fail(Object.assign(new Error("WebSocket closed during the upgrade"), { code: "ECONNREFUSED", address }));
    };
    return {
      cancel: () => {
        if (settled) return;
        settled = true;
        w.onopen = w.onerror = w.onclose = null;
        w.close();
      },
      unref: () => {},
    };
  },
};
