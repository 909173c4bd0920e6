// ws:// and wss:// on Node: WebSocket listeners and dialers on the `ws`
// package. They carry whole messages (ZWS 2.0 frames, or SP messages); the
// socket family supplies the subprotocols to offer and accept.
//
// A listener either owns an HTTP server on the URL's port (for wss://, an
// HTTPS server with the endpoint's TLS options: tls.ts), or mounts on one
// the application registered with attachWebSocketServer(), so one port can
// serve a page and its sockets. A wss:// dialer verifies the server with the
// endpoint's TLS options (CA, server name, rejectUnauthorized) too.
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import type { Transport, Listener, Conn, Dialing, TransportOptions, TlsSettings } from "./transport.js";
import { Reason } from "../../bindings/shared.js";
import { listenerTls, dialerTls, guardTlsServer, tlsFailure, TLS_HANDSHAKE_TIMEOUT } from "./tls.js";

// What the receiver of a WebSocket may buffer before pausing the writer.
const SEND_BUFFER_LIMIT = 1 << 20;
// Largest WebSocket message accepted when the socket sets no limit; with a
// maxMessageSize, a longer frame is refused at its header (close 1009).
const MAX_PAYLOAD = 256 << 20;
// A peer that never answers our close frame is cut off after this long.
const CLOSE_TIMEOUT = 1000;
// Upgrade requests with more header bytes than this are refused (431).
const MAX_HEADER_BYTES = 8192;

function maxPayload(options: TransportOptions): number {
  const limit = options.maxMessageSize ?? -1;
  // Room for a ZWS flags byte or an SP header around the body.
  return limit > 0 ? limit + 64 : MAX_PAYLOAD;
}

const mounted = new Map<number, http.Server | https.Server>();

/**
 * Lets ws:// (or wss://) binds on this server's port share it: the server
 * keeps answering its own requests; upgrades to bound paths become sockets.
 * The server must be listening.
 */
export function attachWebSocketServer(server: http.Server | https.Server): void {
  const a = server.address() as AddressInfo | null;
  if (!a || typeof a !== "object") throw Object.assign(new Error("attachWebSocketServer: the server is not listening"), { code: "EINVAL" });
  mounted.set(a.port, server);
  server.once("close", () => { if (mounted.get(a.port) === server) mounted.delete(a.port); });
}

class WsConn implements Conn {
  readonly messageMode = true;
  readonly protocol: string;
  ondata: (b: Buffer) => void = () => {};
  onclose: (reason?: number) => void = () => {};
  ondrain: () => void = () => {};
  private waiting = false;
  private refusal = 0;

  constructor(private ws: WebSocket, protocol: string) {
    this.protocol = protocol;
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      // Both wires are binary only (RFC 45; nng refuses text with 1003).
      if (!isBinary) { ws.close(1003, "binary messages only"); return; }
      this.ondata(data);
    });
    ws.on("close", () => this.onclose(this.refusal || undefined));
    // The ws package enforces maxPayload itself (close 1009): the pipe ends
    // with the same reason a stream transport's oversize frame gives.
    ws.on("error", (err: Error & { code?: string }) => {
      if (err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") this.refusal = Reason.MESSAGE_TOO_LARGE;
    });
    this.raw()?.on("drain", () => {
      if (this.waiting && ws.bufferedAmount < SEND_BUFFER_LIMIT) { this.waiting = false; this.ondrain(); }
    });
  }

  private raw(): Duplex | undefined {
    return (this.ws as unknown as { _socket?: Duplex })._socket;
  }

  write(messages: Uint8Array[]): boolean {
    const s = this.raw();
    // Corked messages leave in one write.
    s?.cork();
    for (let i = 0; i < messages.length; i++) this.ws.send(messages[i], { binary: true });
    s?.uncork();
    if (this.ws.bufferedAmount < SEND_BUFFER_LIMIT) return true;
    this.waiting = true;
    return false;
  }

  end(): void { this.ws.close(1000); }
  pause(): void { this.ws.pause(); }
  resume(): void { this.ws.resume(); }
  unref(): void { (this.raw() as unknown as { unref?: () => void } | undefined)?.unref?.(); }
}

function invalid(address: string, why: string): Error {
  return Object.assign(new Error(`Invalid argument: ${address} (${why})`), { code: "EINVAL", address });
}

// Answers a refused upgrade with a fixed text (nothing of the request
// reflected), then closes the connection from this side. The socket came from
// the HTTP server's upgrade event, which leaves it without an error listener:
// a peer that resets at once must not become an uncaught ECONNRESET. Waiting
// for the peer's FIN instead would hold the descriptor for as long as a peer
// keeps unread bytes queued behind its request, so the socket is destroyed
// once the answer is flushed, or after CLOSE_TIMEOUT if it never is.
function refuse(socket: Duplex, status: number, text: string, extra = ""): void {
  socket.on("error", () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), CLOSE_TIMEOUT);
  (timer as { unref?: () => void }).unref?.();
  socket.once("close", () => clearTimeout(timer));
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Connection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

function headerBytes(req: http.IncomingMessage): number {
  let n = 0;
  for (const h of req.rawHeaders) n += h.length + 4;
  return n;
}

function offeredProtocols(req: http.IncomingMessage): string[] {
  const h = req.headers["sec-websocket-protocol"];
  if (!h) return [];
  return (Array.isArray(h) ? h.join(",") : h).split(",").map((p) => p.trim()).filter(Boolean);
}

// The options a listener's own TLS server would use: with an application's
// server on the port, none of them can apply.
function listenerSideTls(s: TlsSettings | undefined): boolean {
  const c = s?.config;
  return !!(s && (s.certKeyFile || s.caFile || s.authMode || (c && (c.cert || c.key || c.ca || c.requestCert !== undefined || c.rejectUnauthorized !== undefined))));
}

export const ws: Transport = {
  messageMode: true,

  async listen(address, accept, options: TransportOptions = {}, refused = () => {}): Promise<Listener> {
    let url: URL;
    try { url = new URL(address); } catch { throw invalid(address, "not a URL"); }
    const secure = url.protocol === "wss:";
    const host = url.hostname === "*" ? "0.0.0.0" : url.hostname.replace(/^\[|\]$/g, "");
    const port = url.port ? Number(url.port) : 0;
    const path = url.pathname || "/";
    let server = port ? mounted.get(port) : undefined;
    const owned = !server;
    let dropHandshaking = (): void => {};
    if (owned) {
      const answer: http.RequestListener = (_req, res) => { res.writeHead(426, { "Content-Type": "text/plain" }); res.end("WebSocket only\n"); };
      let s: http.Server | https.Server;
      if (secure) {
        // The certificate comes from the endpoint's TLS options; without
        // one this throws, naming the ways to give one.
        const { options: tlsOptions, mode } = listenerTls(options.tls, address);
        const hs = https.createServer({ ...tlsOptions, maxHeaderSize: MAX_HEADER_BYTES }, answer);
        dropHandshaking = guardTlsServer(hs, mode, refused);
        s = hs;
      } else {
        s = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, answer);
      }
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen({ host, port, exclusive: true }, () => { s.removeListener("error", reject); resolve(); });
      });
      server = s;
    } else if (secure && listenerSideTls(options.tls)) {
      // The application's server holds the certificate and decides about
      // client certificates: options that cannot apply are refused, not dropped.
      throw invalid(address, "TLS options are set, but this port is served by the https.Server given to attachWebSocketServer(), which holds the certificate (give them to that server instead)");
    }
    const srv = server!;
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: maxPayload(options),
      perMessageDeflate: false,
      clientTracking: false,
      closeTimeout: CLOSE_TIMEOUT,
    } as ConstructorParameters<typeof WebSocketServer>[0]);
    const accepted = new Set<WebSocket>();
    // The subprotocol is chosen here, not by the ws package: libzmq offers
    // "ZWS2.0/NULL", which is not an RFC 6455 token and which ws would refuse.
    const chosenFor = new WeakMap<http.IncomingMessage, string>();
    wss.on("headers", (headers, req) => {
      const chosen = chosenFor.get(req);
      if (chosen) headers.push(`Sec-WebSocket-Protocol: ${chosen}`);
    });
    const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const reqPath = new URL(req.url ?? "/", "http://localhost").pathname;
      if (reqPath !== path) {
        // Another bind on a shared server may own this path.
        if (owned) refuse(socket, 404, "Not Found");
        return;
      }
      if (headerBytes(req) > MAX_HEADER_BYTES) { refuse(socket, 431, "Request Header Fields Too Large"); return; }
      if (req.headers["sec-websocket-version"] !== "13") {
        refuse(socket, 426, "Upgrade Required", "Sec-WebSocket-Version: 13\r\n");
        return;
      }
      // Browsers always send Origin; other clients (nngcat, libzmq) do not,
      // and the allow-list is about pages, so those are let through.
      const origin = req.headers.origin;
      if (options.wsOrigins && origin !== undefined && !options.wsOrigins.includes(origin)) { refuse(socket, 403, "Forbidden"); return; }
      const offered = offeredProtocols(req);
      if (new Set(offered).size !== offered.length) { refuse(socket, 400, "Bad Request"); return; }
      const chosen = options.wsSelect ? options.wsSelect(offered) : false;
      if (chosen === false) { refuse(socket, 400, "Bad Request"); return; }
      chosenFor.set(req, chosen);
      delete req.headers["sec-websocket-protocol"];
      wss.handleUpgrade(req, socket, head, (w) => {
        accepted.add(w);
        w.once("close", () => accepted.delete(w));
        accept(new WsConn(w, chosen), `${url.protocol}//${req.socket.remoteAddress}:${req.socket.remotePort}${path}`);
      });
    };
    srv.on("upgrade", onUpgrade);
    const a = srv.address() as AddressInfo;
    const shownHost = host.includes(":") ? `[${a.address}]` : a.address;
    return {
      endpoint: `${url.protocol}//${shownHost}:${a.port}${path}`,
      close: async () => {
        srv.removeListener("upgrade", onUpgrade);
        for (const w of accepted) w.terminate();
        wss.close();
        if (owned) await new Promise<void>((r) => { srv.close(() => r()); (srv as http.Server).closeAllConnections?.(); dropHandshaking(); });
      },
    };
  },

  connect(address, open, fail, options: TransportOptions = {}): Dialing {
    let settled = false;
    let url: URL;
    try { url = new URL(address); } catch { throw invalid(address, "not a URL"); }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const peer = `${url.hostname}:${url.port || 443}`;
    // The ws package hands these to tls.connect; the upgrade (TLS handshake
    // included) is bounded as tls+tcp://'s handshake is.
    const secure = url.protocol === "wss:" ? { ...dialerTls(options.tls, address, host), handshakeTimeout: TLS_HANDSHAKE_TIMEOUT } : {};
    const w = new WebSocket(address, options.wsProtocols ?? [], {
      perMessageDeflate: false,
      maxPayload: maxPayload(options),
      family: options.ipv4Only ? 4 : undefined,
      closeTimeout: CLOSE_TIMEOUT,
      ...secure,
    } as ConstructorParameters<typeof WebSocket>[2]);
    w.binaryType = "nodebuffer";
    w.once("open", () => { settled = true; open(new WsConn(w, w.protocol)); });
    // A certificate or host name that does not verify is a handshake
    // failure (tls.ts), reported as such; a refused TCP connection is not.
    w.on("error", (err) => { if (!settled) { settled = true; w.terminate(); fail(tlsFailure(err, peer) ?? err); } });
    w.once("close", () => { if (!settled) { settled = true; fail(Object.assign(new Error("WebSocket closed during the upgrade"), { code: "ECONNREFUSED" })); } });
    return {
      cancel: () => { if (!settled) { settled = true; w.terminate(); } },
      unref: () => { (w as unknown as { _socket?: { unref?: () => void } })._socket?.unref?.(); },
    };
  },
};

/** wss:// on Node: the same adapter, taking the endpoint's TLS options. */
export const wss: Transport = { ...ws, tls: true };
