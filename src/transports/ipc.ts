// ipc://path: Unix domain stream sockets. Binding removes a stale socket file
// first, as libzmq does; unbinding removes ours.
import * as net from "node:net";
import * as fs from "node:fs";
import { StreamConn, dialStream } from "./stream.js";
import type { Transport, Listener, Dialing } from "./transport.js";

function pathOf(address: string): string {
  return address.slice("ipc://".length);
}

// A socket file nobody answers on is left over from a dead process: remove
// it. One that answers belongs to a live listener: the address is in use.
async function removeIfStale(path: string, address: string): Promise<void> {
  let isSocket = false;
  try { isSocket = fs.statSync(path).isSocket(); } catch { return; }
  if (!isSocket) return;
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect({ path });
    probe.once("connect", () => { probe.destroy(); resolve(true); });
    probe.once("error", () => resolve(false));
  });
  if (live) {
    const err = new Error(`Address already in use: ${address}`) as Error & { code: string; address: string };
    err.code = "EADDRINUSE";
    err.address = address;
    throw err;
  }
  try { fs.unlinkSync(path); } catch { /* gone already */ }
}

export const ipc: Transport = {
  async listen(address, accept): Promise<Listener> {
    const path = pathOf(address);
    await removeIfStale(path, address);
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
    return dialStream({ path: pathOf(address) }, open, fail);
  },
};
