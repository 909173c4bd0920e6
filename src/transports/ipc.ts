// ipc://path: Unix domain stream sockets. Binding removes a stale socket file
// first, as libzmq does; unbinding removes ours.
import * as net from "node:net";
import * as fs from "node:fs";
import { StreamConn } from "./stream.js";
import type { Transport, Listener, Dialing } from "./transport.js";

function pathOf(address: string): string {
  return address.slice("ipc://".length);
}

export const ipc: Transport = {
  listen(address, accept): Promise<Listener> {
    const path = pathOf(address);
    try { if (fs.statSync(path).isSocket()) fs.unlinkSync(path); } catch { /* absent */ }
    return new Promise((resolve, reject) => {
      const server = net.createServer((s) => accept(new StreamConn(s), address));
      server.once("error", reject);
      server.listen(path, () => {
        server.removeListener("error", reject);
        server.on("error", () => {});
        resolve({
          endpoint: `ipc://${path}`,
          close: () => new Promise<void>((r) => server.close(() => r())),
        });
      });
    });
  },

  connect(address, open, fail): Dialing {
    const s = net.connect({ path: pathOf(address) });
    let settled = false;
    s.once("connect", () => { settled = true; open(new StreamConn(s)); });
    s.once("error", (err) => { if (!settled) { settled = true; s.destroy(); fail(err); } });
    return { cancel: () => { if (!settled) { settled = true; s.destroy(); } } };
  },
};
