// A raw RFC 6455 client over node:net, for tests that must send what a
// well-behaved WebSocket library never would (bad upgrade requests, unmasked
// frames, RSV bits, absurd lengths) or offer subprotocols that the `ws`
// package refuses as tokens ("ZWS2.0/NULL").
//
// - upgradeRequest(o): the text of an upgrade request, every header optional.
// - rawUpgrade(port, request, ms): sends it; resolves { status, headers,
//   head, body, closed, conn } where conn (a RawWs) is set on 101.
// - RawWs: frames in (server frames, parsed; close code reported) and out
//   (client frames, masked by default; any opcode, RSV bits, fin, length).
// - encodeFrame(o): one frame, with every field under the caller's control.
import * as net from "node:net";
import { randomBytes } from "node:crypto";
import { waitUntil } from "./suite.mjs";

/** A fresh Sec-WebSocket-Key. */
export const newKey = () => randomBytes(16).toString("base64");

/**
 * The text of an upgrade request. Absent fields get valid defaults; a field
 * set to null is left out. protocols: a string (sent verbatim), an array
 * (joined with ", "), or null. extra: [name, value] pairs appended as given
 * (repeat a name to send a header twice).
 */
export function upgradeRequest(o = {}) {
  const lines = [`${o.method ?? "GET"} ${o.path ?? "/"} HTTP/1.1`];
  const h = (name, v) => {
    if (v !== null && v !== undefined) lines.push(`${name}: ${v}`);
  };
  h("Host", o.host === undefined ? `127.0.0.1:${o.port ?? 80}` : o.host);
  h("Upgrade", o.upgrade === undefined ? "websocket" : o.upgrade);
  h("Connection", o.connection === undefined ? "Upgrade" : o.connection);
  h("Sec-WebSocket-Key", o.key === undefined ? newKey() : o.key);
  h("Sec-WebSocket-Version", o.version === undefined ? "13" : o.version);
  if (o.protocols !== null && o.protocols !== undefined) {
    h("Sec-WebSocket-Protocol", Array.isArray(o.protocols) ? o.protocols.join(", ") : o.protocols);
  }
  h("Origin", o.origin);
  for (const [n, v] of o.extra ?? []) lines.push(`${n}: ${v}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

function parseHead(text) {
  const [statusLine, ...rest] = text.split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  const headers = {};
  for (const line of rest) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
  }
  return { statusLine, status: m ? Number(m[1]) : null, reason: m?.[2] ?? "", headers };
}

/**
 * Connect to 127.0.0.1:port, write `request` (string or Buffer) and read the
 * answer. Resolves with
 *   { status, reason, headers, head, body, serverClosed, error, conn, elapsed }
 * - 101: at once, with conn, a RawWs on the same socket (bytes after the head
 *   already fed to it).
 * - any other answer (or none): once the server has closed the connection
 *   (serverClosed true), or after ms with serverClosed false; status is null
 *   when the server closed without answering. The socket is destroyed then.
 * Rejects only when nothing at all happened within ms.
 */
export function rawUpgrade(port, request, ms = 3000) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    let buf = Buffer.alloc(0);
    let head = null;
    let done = false;
    let error;
    const noHead = { status: null, reason: "", headers: {}, head: "" };
    const finish = (serverClosed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...(head ?? noHead), body: buf.toString("latin1"), serverClosed, error, conn: null, elapsed: Date.now() - started });
    };
    const timer = setTimeout(() => {
      if (head) return finish(false);
      done = true;
      sock.destroy();
      reject(new Error(`timed out after ${ms} ms waiting for the answer to an upgrade request (got ${JSON.stringify(buf.toString("latin1").slice(0, 200))})`));
    }, ms);
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (head) return;
      const i = buf.indexOf("\r\n\r\n");
      if (i < 0) return;
      head = parseHead(buf.subarray(0, i).toString("latin1"));
      head.head = buf.subarray(0, i).toString("latin1");
      buf = buf.subarray(i + 4);
      if (head.status === 101) {
        done = true;
        clearTimeout(timer);
        sock.removeListener("data", onData);
        const conn = new RawWs(sock, buf);
        resolve({ ...head, body: "", serverClosed: false, conn, elapsed: Date.now() - started });
      }
    };
    sock.on("data", onData);
    sock.on("error", (e) => {
      error = e.code ?? e.message;
      finish(true);
    });
    sock.on("end", () => finish(true));
    sock.on("close", () => finish(true));
    sock.on("connect", () => sock.write(request));
  });
}

/**
 * One client frame. payload: Buffer|string; opcode (default 2, binary);
 * fin (default true); rsv: 0..7 (RSV1..3 as bits 4..6 of byte 0, given here as
 * 1=RSV3 .. 4=RSV1, i.e. the 3-bit field); mask (default true); length: the
 * length to announce (default payload.length; may exceed the payload, or be a
 * BigInt for a 64-bit value); lengthForm: 7 | 16 | 64 to force an encoding.
 */
export function encodeFrame(o = {}) {
  const payload = Buffer.isBuffer(o.payload) ? o.payload : Buffer.from(o.payload ?? "");
  const opcode = o.opcode ?? 2;
  const fin = o.fin ?? true;
  const mask = o.mask ?? true;
  const len = o.length ?? payload.length;
  const big = BigInt(len);
  const form = o.lengthForm ?? (big < 126n ? 7 : big < 65536n ? 16 : 64);
  const b0 = (fin ? 0x80 : 0) | (((o.rsv ?? 0) & 7) << 4) | (opcode & 0x0f);
  let hdr;
  if (form === 7) hdr = Buffer.from([b0, (mask ? 0x80 : 0) | Number(big)]);
  else if (form === 16) {
    hdr = Buffer.alloc(4);
    hdr[0] = b0;
    hdr[1] = (mask ? 0x80 : 0) | 126;
    hdr.writeUInt16BE(Number(big), 2);
  } else {
    hdr = Buffer.alloc(10);
    hdr[0] = b0;
    hdr[1] = (mask ? 0x80 : 0) | 127;
    hdr.writeBigUInt64BE(big, 2);
  }
  if (!mask) return Buffer.concat([hdr, payload]);
  const key = o.maskKey ?? randomBytes(4);
  const masked = Buffer.allocUnsafe(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ key[i & 3];
  return Buffer.concat([hdr, key, masked]);
}

/**
 * The client side of an upgraded connection, at frame level. Collects the
 * server's frames (answering nothing by itself but a close frame, unless
 * echoClose is set false); reports the close frame's code, the TCP close, and
 * whether any server frame was masked.
 */
export class RawWs {
  constructor(sock, initial = Buffer.alloc(0)) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.frames = []; // { fin, rsv, opcode, masked, payload }
    this.consumed = 0;
    this.closeFrame = null; // { code, reason }
    this.tcpClosed = false;
    this.waiters = new Set();
    this.errors = [];
    /** Answer the server's close frame (set false to play a client that never does). */
    this.echoClose = true;
    sock.on("data", (d) => this.#feed(d));
    sock.on("error", (e) => {
      this.errors.push(e.code ?? e.message);
      this.#wake();
    });
    sock.on("close", () => {
      this.tcpClosed = true;
      this.#wake();
    });
    if (initial.length) this.#feed(initial);
  }

  #wake() {
    for (const w of [...this.waiters]) w();
  }

  #feed(d) {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const b = this.buf;
      if (b.length < 2) break;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) break;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) break;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      if (masked) off += 4;
      if (b.length < off + len) break;
      let payload = Buffer.from(b.subarray(off, off + len));
      if (masked) {
        const key = b.subarray(off - 4, off);
        for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
      }
      const f = { fin: (b[0] & 0x80) !== 0, rsv: (b[0] >> 4) & 7, opcode: b[0] & 0x0f, masked, payload };
      this.buf = b.subarray(off + len);
      this.frames.push(f);
      if (f.opcode === 8 && !this.closeFrame) {
        this.closeFrame = {
          code: payload.length >= 2 ? payload.readUInt16BE(0) : null,
          reason: payload.subarray(2).toString("utf8"),
        };
        // As every real client does: answer the close (same code), so the
        // server may close the TCP connection now rather than at its timeout.
        if (this.echoClose) this.write(encodeFrame({ opcode: 8, payload: payload.subarray(0, 2) }));
      }
    }
    this.#wake();
  }

  until(check, ms, what) {
    return waitUntil(this.waiters, check, ms, {
      ended: () => this.tcpClosed && new Error(`connection closed while waiting for ${what} (close frame: ${JSON.stringify(this.closeFrame)})`),
      timedOut: () => new Error(`timed out after ${ms} ms waiting for ${what}; frames: ${this.describe()}`),
    });
  }

  describe() {
    return JSON.stringify(this.frames.slice(-8).map((f) => ({ op: f.opcode, fin: f.fin, len: f.payload.length, hex: f.payload.subarray(0, 24).toString("hex") })));
  }

  /** The next data frame (binary or text; control frames are skipped). */
  next(ms = 3000, what = "a data frame from the server") {
    return this.until(() => {
      while (this.consumed < this.frames.length) {
        const f = this.frames[this.consumed++];
        if (f.opcode === 1 || f.opcode === 2 || f.opcode === 0) return f;
      }
      return undefined;
    }, ms, what);
  }

  /**
   * Resolves { code, reason, tcpClosed } once the server has sent a close
   * frame or dropped the TCP connection (code null then); rejects after ms.
   */
  closed(ms = 3000) {
    let waiter;
    let timer;
    return new Promise((resolve, reject) => {
      const settle = (fn, v) => {
        this.waiters.delete(waiter);
        clearTimeout(timer);
        fn(v);
      };
      waiter = () => {
        if (this.closeFrame || this.tcpClosed) {
          settle(resolve, { code: this.closeFrame?.code ?? null, reason: this.closeFrame?.reason ?? "", tcpClosed: this.tcpClosed });
        }
      };
      timer = setTimeout(() => settle(reject, new Error(`the server neither sent a close frame nor closed the connection within ${ms} ms; frames: ${this.describe()}`)), ms);
      this.waiters.add(waiter);
      waiter();
    });
  }

  /** Whether the connection is still open after ms (no close frame, no TCP close). */
  async stillOpenAfter(ms) {
    try {
      await this.closed(ms);
      return false;
    } catch {
      return true;
    }
  }

  /** Write raw bytes. */
  write(bytes) {
    if (!this.sock.destroyed) this.sock.write(bytes);
  }

  /** Send one frame (encodeFrame options). */
  frame(o) {
    this.write(encodeFrame(o));
  }

  /** Send a whole binary message in one masked frame. */
  send(payload) {
    this.frame({ opcode: 2, payload });
  }

  destroy() {
    this.sock.destroy();
  }
}

/** Resolves once `server` (http.Server, or anything with listen/close) is listening on 127.0.0.1:0; returns the port. */
export function listenLocal(server) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.removeListener("error", reject);
      resolve(server.address().port);
    });
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const s = net.createServer();
  const port = await listenLocal(s);
  await new Promise((r) => s.close(r));
  return port;
}
