// A transparent TCP proxy that records the raw ZMTP byte stream in both
// directions, so heartbeat tests can observe PING/PONG commands on the wire
// and can "blackhole" one direction to simulate an unresponsive peer.
import net from "node:net";
import { withTimeout, DEFAULT_TIMEOUT } from "./util.mjs";

// ZMTP 3.1 heartbeat commands: flags 0x04 (short command), size, then the
// command name as a length-prefixed string: 0x04 "PING" / 0x04 "PONG".
const PING = Buffer.from("\x04PING", "latin1");
const PONG = Buffer.from("\x04PONG", "latin1");

function indexesOf(buf, needle) {
  const out = [];
  for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + 1)) out.push(i);
  return out;
}

export class Conn {
  constructor(client, server) {
    this.client = client;
    this.server = server;
    this.c2s = []; // chunks client -> server
    this.s2c = [];
    this.closedBy = null; // "client" | "server"
    this.blackholeS2C = false;
    this.blackholeC2S = false;
  }
  bytes(dir) {
    return Buffer.concat(dir === "c2s" ? this.c2s : this.s2c);
  }
  /** PING commands seen in a direction: [{ttl (deciseconds), context}]. */
  pings(dir) {
    const b = this.bytes(dir);
    return indexesOf(b, PING).map((i) => {
      const size = b[i - 1]; // short command frame size byte
      return { ttl: b.readUInt16BE(i + 5), context: b.subarray(i + 7, i - 1 + 1 + size) };
    });
  }
  pongs(dir) {
    return indexesOf(this.bytes(dir), PONG).length;
  }
}

export class RecordingProxy {
  /** @param {number} targetPort port on 127.0.0.1 to forward to */
  constructor(targetPort) {
    this.targetPort = targetPort;
    this.conns = [];
    this.waiters = new Set();
    this.server = net.createServer((client) => this.#accept(client));
  }

  async listen() {
    await new Promise((r) => this.server.listen(0, "127.0.0.1", r));
    this.port = this.server.address().port;
    this.endpoint = `tcp://127.0.0.1:${this.port}`;
    return this.endpoint;
  }

  #accept(client) {
    const server = net.connect(this.targetPort, "127.0.0.1");
    const c = new Conn(client, server);
    this.conns.push(c);
    client.setNoDelay(true);
    server.setNoDelay(true);
    client.on("data", (d) => {
      if (c.blackholeC2S) return;
      c.c2s.push(d);
      server.write(d);
      this.#notify();
    });
    server.on("data", (d) => {
      if (c.blackholeS2C) return;
      c.s2c.push(d);
      client.write(d);
      this.#notify();
    });
    const end = (who) => () => {
      if (!c.closedBy) c.closedBy = who;
      client.destroy();
      server.destroy();
      this.#notify();
    };
    client.on("close", end("client"));
    server.on("close", end("server"));
    client.on("error", () => {});
    server.on("error", () => {});
    this.#notify();
  }

  #notify() {
    for (const w of [...this.waiters]) w();
  }

  /** Wait until check() returns non-undefined (re-checked on every byte/conn event). */
  until(check, ms = DEFAULT_TIMEOUT, what = "proxy condition") {
    let waiter;
    const p = new Promise((resolve) => {
      waiter = () => {
        const v = check();
        if (v !== undefined) {
          this.waiters.delete(waiter);
          resolve(v);
        }
      };
      this.waiters.add(waiter);
      waiter();
    });
    return withTimeout(p, ms, what).finally(() => this.waiters.delete(waiter));
  }

  async close() {
    for (const c of this.conns) {
      c.client.destroy();
      c.server.destroy();
    }
    await new Promise((r) => this.server.close(() => r()));
  }
}

/** Start a proxy tracked by `res` (closed in teardown). */
export async function startProxy(res, targetPort) {
  const p = new RecordingProxy(targetPort);
  res.defer(() => p.close());
  await p.listen();
  return p;
}

export const portOf = (endpoint) => Number(new URL(endpoint.replace(/^tcp:/, "http:")).port);
