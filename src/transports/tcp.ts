// tcp://host:port. Binding to `*` means every IPv4 interface; port 0 or `*`
// picks a free port, reported back through the listener's endpoint.
import * as net from "node:net";
import { StreamConn, dialStream } from "./stream.js";
import type { Transport, Listener, Conn, Dialing } from "./transport.js";

/** host and port of tcp://host:port (or tls+tcp://host:port: whatever the scheme). */
export function parseHostPort(address: string): { host: string; port: number } {
  const rest = address.slice(address.indexOf("://") + 3);
  const i = rest.lastIndexOf(":");
  if (i < 0) throw invalid(address);
  let host = rest.slice(0, i);
  const portText = rest.slice(i + 1);
  const port = portText === "*" ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(address);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  // libzmq accepts "interface;host" forms for connect; only the host matters here.
  const semi = host.indexOf(";");
  if (semi >= 0) host = host.slice(semi + 1);
  return { host, port };
}

export function invalid(address: string): Error {
  const err = new Error(`Invalid argument: ${address}`) as Error & { code: string; address: string };
  err.code = "EINVAL";
  err.address = address;
  return err;
}

export function formatHost(h: string): string { return h.includes(":") ? `[${h}]` : h; }

/**
 * Starts `server` (a net.Server or a tls.Server) on host:port and resolves
 * with the Listener, named scheme://address:port with the port it got.
 */
export function listenOn(server: net.Server, scheme: string, host: string, port: number, onClose?: () => void): Promise<Listener> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.removeListener("error", reject);
      server.on("error", () => {});
      const a = server.address() as net.AddressInfo;
      resolve({
        endpoint: `${scheme}://${formatHost(a.address)}:${a.port}`,
        close: () => new Promise<void>((r) => { server.close(() => r()); onClose?.(); }),
      });
    });
  });
}

export const tcp: Transport = {
  listen(address, accept, options = {}): Promise<Listener> {
    const { host, port } = parseHostPort(address);
    const bindHost = host === "*" ? "0.0.0.0" : host;
    const noDelay = options.noDelay !== false;
    const server = net.createServer({ noDelay }, (s) => {
      s.setNoDelay(noDelay);
      accept(new StreamConn(s), `tcp://${formatHost(s.remoteAddress ?? "")}:${s.remotePort}`);
    });
    return listenOn(server, "tcp", bindHost, port);
  },

  connect(address, open: (c: Conn) => void, fail, options = {}): Dialing {
    const { host, port } = parseHostPort(address);
    if (host === "*" || port === 0) throw invalid(address);
    const family = options.ipv4Only ? 4 : 0;
    return dialStream({ host, port, noDelay: options.noDelay !== false, family }, open, fail);
  },
};
