// Adapts a Node net.Socket (TCP or Unix domain) to the Conn contract.
import type { Socket as NetSocket } from "node:net";
import type { Conn } from "./transport.js";

export class StreamConn implements Conn {
  ondata: (b: Buffer) => void = () => {};
  onclose: () => void = () => {};
  ondrain: () => void = () => {};

  constructor(private s: NetSocket) {
    s.on("data", (b: Buffer) => this.ondata(b));
    s.on("drain", () => this.ondrain());
    s.on("close", () => this.onclose());
    // Errors always end in 'close'; the reason is the close itself.
    s.on("error", () => {});
  }

  write(b: Uint8Array): boolean { return this.s.write(b); }
  end(): void { this.s.end(); this.s.destroySoon(); }
  pause(): void { this.s.pause(); }
  resume(): void { this.s.resume(); }
}
