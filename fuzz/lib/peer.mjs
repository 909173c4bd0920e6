// A raw ZMTP peer on one pipe of a socket, for the model targets: it does
// the greeting and NULL handshake, feeds frames, and decodes what the core
// writes back into messages and commands, so a model can be compared with
// exactly what went over the wire.
import { FuzzFailure } from "./failure.mjs";
import { greeting, ready, tokenizeZmtp, MORE, COMMAND } from "./wire.mjs";

export function guard(what, fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FuzzFailure) throw e;
    throw new FuzzFailure("trap", `${what}: ${e && e.message ? e.message : e}`, { cause: e });
  }
}

export class RawPeer {
  /** Wire units decoded from the core's output: { kind: "msg", frames } | { kind: "cmd", name, data }. */
  received = [];
  closeReason = null;
  released = false;
  handshaken = false;
  transportGone = false;

  constructor(core, sock, { outbound = false } = {}) {
    this.core = core;
    this.buf = Buffer.alloc(0);
    this.skip = 64;            // the core's greeting
    this.partial = [];         // frames of a message still arriving
    this.h = guard("openPipe", () => core.openPipe(sock, outbound, false, {
      onOutput: () => {},
      onHandshake: () => { this.handshaken = true; },
      onClose: (r) => { this.closeReason = r; },
      onPause: () => {},
      onResume: () => {},
      onConnect: () => {},
      onReleased: () => { this.released = true; },
    }));
    guard("startPipe", () => core.startPipe(this.h));
  }

  get open() { return !this.released && !this.transportGone && this.closeReason === null; }

  /** Greeting (3.minor) and READY with the given properties. */
  handshake(socketType, { minor = 1, props = [] } = {}) {
    this.feed(greeting({ minor }));
    this.feed(ready([["Socket-Type", socketType], ...props]));
    return this;
  }

  feed(bytes) {
    if (!this.open) return this;
    guard("input", () => this.core.input(this.h, bytes));
    this.settle();
    return this;
  }

  /** The core closed the pipe: the host flushes, then closes the transport. */
  settle() {
    if (this.closeReason !== null && !this.transportGone && !this.released) {
      this.take();
      this.transportGone = true;
      guard("pipeClosed", () => this.core.pipeClosed(this.h));
    }
  }

  /** The peer went away. */
  disconnect() {
    if (this.released || this.transportGone) return;
    this.take();
    this.transportGone = true;
    guard("pipeClosed", () => this.core.pipeClosed(this.h));
  }

  /** Takes pending output and decodes it; returns the units that arrived now. */
  take() {
    if (this.released) return [];
    const chunks = guard("takeOutput", () => this.core.takeOutput(this.h));
    if (!chunks) return [];
    guard("drain", () => this.core.drain());
    this.buf = Buffer.concat([this.buf, ...chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))]);
    const n = Math.min(this.skip, this.buf.length);
    this.skip -= n;
    this.buf = this.buf.subarray(n);
    const units = tokenizeZmtp(this.buf, { greetingFirst: false });
    const fresh = [];
    let used = 0;
    for (const u of units) {
      if (u.kind !== "frame") break;
      const claimed = u.size.length === 8 ? Number(u.size.readBigUInt64BE(0)) : u.size[0];
      if (u.body.length < claimed) break;
      used += 1 + u.size.length + u.body.length;
      if (u.flags & COMMAND) {
        const nl = u.body[0] ?? 0;
        fresh.push({ kind: "cmd", name: u.body.subarray(1, 1 + nl).toString("latin1"), data: Buffer.from(u.body.subarray(1 + nl)) });
      } else {
        this.partial.push(Buffer.from(u.body));
        if (!(u.flags & MORE)) { fresh.push({ kind: "msg", frames: this.partial }); this.partial = []; }
      }
    }
    this.buf = this.buf.subarray(used);
    // The core's own READY is part of the handshake, not traffic.
    const traffic = fresh.filter((u) => !(u.kind === "cmd" && u.name === "READY"));
    this.received.push(...traffic);
    return traffic;
  }
}
