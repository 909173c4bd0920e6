// A refused WebSocket upgrade must never take the process down or leave its
// connection open. Two hostile clients against a ws:// listener of each
// family, for each way wasmq refuses an upgrade (wrong path, wrong version,
// unknown subprotocol):
//   - the request, then at once a TCP reset: the refusal meets a dead socket
//     (ECONNRESET on the server side), which must be absorbed, not thrown;
//   - the request followed by 256 KiB more: the server must close its side
//     itself, however much unread input sits behind the request.
// And a peer refused for a frame over maxMessageSize is reported with the
// same EMSGSIZE a tcp:// listener gives.
// Open connections are counted as this process's file descriptors
// (/proc/self/fd), which is what a leak exhausts.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import net from "node:net";
import { readdirSync } from "node:fs";
import { zmq, badCase, track, goodClientRoundTrip, withTimeout, EventLog } from "./helpers/raw.mjs";
import { sp, spGoodRoundTrip } from "./helpers/sp.mjs";
import { upgradeRequest } from "../helpers/ws-raw.mjs";

const test = suite("bad input F: refused WebSocket peers (resets, unread input, oversize frames)");

const openFds = () => readdirSync("/proc/self/fd").length;

const FAMILIES = [
  { name: "ZMTP ROUTER", Kind: zmq.Router, proto: "ZWS2.0", roundTrip: (l) => goodClientRoundTrip(l.sock) },
  { name: "SP REQ", Kind: sp.Req, proto: "req.sp.nanomsg.org", roundTrip: (l) => spGoodRoundTrip(l) },
];

const REFUSALS = [
  ["a path nothing is bound on", (port, proto) => upgradeRequest({ port, path: "/elsewhere", protocols: proto })],
  ["WebSocket version 8", (port, proto) => upgradeRequest({ port, version: "8", protocols: proto })],
  ["an unknown subprotocol", (port) => upgradeRequest({ port, protocols: "chat" })],
];

async function wsListen(Kind) {
  const sock = track(new Kind({ linger: 0 }));
  const events = new EventLog(sock);
  await sock.bind("ws://127.0.0.1:0/");
  const port = Number(new URL(sock.lastEndpoint).port);
  return { sock, port, endpoint: sock.lastEndpoint, events };
}

/** Resolves once this process holds no more descriptors than `limit` (bounded). */
async function fdsBackTo(limit, what) {
  const deadline = Date.now() + 4000;
  while (openFds() > limit) {
    if (Date.now() > deadline) throw new Error(`${what}: ${openFds() - limit} descriptor(s) still open`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function connect(port) {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host: "127.0.0.1", port }, () => resolve(c));
    c.once("error", reject);
  });
}

for (const fam of FAMILIES) {
  for (const [why, request] of REFUSALS) {
    badCase(test, `${fam.name}: ${why} followed by a TCP reset does not crash the process`, async () => {
      const l = await wsListen(fam.Kind);
      const before = openFds();
      for (let i = 0; i < 20; i++) {
        const c = await connect(l.port);
        c.on("error", () => {});
        c.write(request(l.port, fam.proto));
        c.resetAndDestroy();
      }
      // badCase fails the test on any uncaught exception meanwhile.
      await fdsBackTo(before, "after 20 reset refusals");
      await fam.roundTrip(l);
    }, { bound: 8000 });

    badCase(test, `${fam.name}: ${why} with 256 KiB behind it leaves no connection open`, async () => {
      const l = await wsListen(fam.Kind);
      const before = openFds();
      const clients = [];
      for (let i = 0; i < 10; i++) {
        const c = await connect(l.port);
        c.on("error", () => {});
        const closed = new Promise((r) => c.once("close", r));
        c.write(Buffer.concat([Buffer.from(request(l.port, fam.proto)), Buffer.alloc(256 << 10, 0x61)]));
        // The client reads the refusal and keeps its own side open: only the
        // server closing its socket ends the connection.
        c.resume();
        clients.push(closed);
      }
      await withTimeout(Promise.all(clients), 4000, "the server to close every refused connection");
      await fdsBackTo(before, "after 10 refusals with unread input");
      await fam.roundTrip(l);
    }, { bound: 8000 });
  }
}

for (const fam of FAMILIES) {
  badCase(test, `${fam.name}: a WebSocket frame over maxMessageSize ends the peer with EMSGSIZE, as on tcp`, async () => {
    const l = track(new fam.Kind({ linger: 0, maxMessageSize: 1000 }));
    const gone = new Promise((resolve) => l.events.on("disconnect", resolve));
    await l.bind("ws://127.0.0.1:0/");
    const big = Buffer.alloc(5000, 1);
    if (fam.Kind === zmq.Router) {
      const dealer = track(new zmq.Dealer({ linger: 0 }));
      dealer.connect(l.lastEndpoint);
      await dealer.send(big);
    } else {
      // The REQ listener asks; the REP dialer's answer is the oversize frame.
      const rep = track(new sp.Rep({ linger: 0 }));
      rep.connect(l.lastEndpoint);
      await l.send("ask");
      await withTimeout(rep.receive(), 3000, "the request at the REP");
      await rep.send(big);
    }
    const ev = await withTimeout(gone, 3000, "the listener's disconnect event");
    assert.is(ev.error?.code, "EMSGSIZE");
  });
}

test.run();
