// Adapts a Node net.Socket (TCP or Unix domain) to the Conn contract.
import * as net from "node:net";
import type { Socket as NetSocket } from "node:net";
import type { Conn, Dialing } from "./transport.js";

const WRITE_BUFFER_LIMIT = 1 << 20;

export class StreamConn implements Conn {
  ondata: (b: Buffer) => void = () => {};
  onclose: () => void = () => {};
  ondrain: () => void = () => {};

  /** The peer of a TCP connection (none for Unix domain sockets). */
  get remote(): string | undefined {
    const a = this.s.remoteAddress;
    return a ? `tcp://${a.includes(":") ? `[${a}]` : a}:${this.s.remotePort}` : undefined;
  }

  constructor(private s: NetSocket) {
    s.on("data", (b: Buffer) => this.ondata(b));
    s.on("drain", () => this.ondrain());
    s.on("close", () => this.onclose());
    // Errors always end in 'close'; the reason is the close itself.
    s.on("error", () => {});
  }

  // Node buffers what the kernel does not take yet. Let that grow to a
  // bounded size before reporting back-pressure, so a sender that never
  // yields keeps streaming; past it the core's high-water mark applies.
  write(chunks: Uint8Array[]): boolean {
    const s = this.s;
    if (chunks.length === 1) {
      s.write(chunks[0]);
    } else {
      // Corked chunks leave as one writev.
      s.cork();
      for (let i = 0; i < chunks.length; i++) s.write(chunks[i]);
      s.uncork();
    }
    return s.writableLength < WRITE_BUFFER_LIMIT;
  }
  end(): void { this.s.end(); this.s.destroySoon(); }
  pause(): void { this.s.pause(); }
  unref(): void { this.s.unref(); }
  resume(): void { this.s.resume(); }
}

/** Dials a TCP or Unix socket; `open` gets the connection, `fail` the error. */
export function dialStream(
  options: net.NetConnectOpts,
  open: (c: Conn) => void,
  fail: (err: Error) => void,
): Dialing {
  const s = net.connect(options);
  let settled = false;
  s.once("connect", () => { settled = true; open(new StreamConn(s)); });
  s.once("error", (err) => { if (!settled) { settled = true; s.destroy(); fail(err); } });
  return {
    cancel: () => { if (!settled) { settled = true; s.destroy(); } },
    unref: () => { s.unref(); },
  };
}
