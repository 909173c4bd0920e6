// SP PAIR between wasmq/sp and real peers, over tcp and ipc, wasmq binding or
// connecting: PAIR v0 with nngcat --pair0 and nanocat --pair, PAIR v1 (hop
// count header) with nngcat --pair1 (libnanomsg has no pair v1). The peer
// sends one message (--data) and then prints everything it receives; wasmq
// receives it and answers with three messages (string, array = one message,
// every byte value). Also: a PAIR v1 socket must not talk to a PAIR v0 peer.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  TRANSPORTS, DIRECTIONS, roles, link, spSock, recvOne, show, ALL_BYTES, rejectsWith, spSuite,
} from "./helpers/sp-setup.mjs";

const sp = await import(process.env.WASMQ_SP_IMPL || "wasmq/sp");

const test = suite("SP PAIR0/PAIR1 interop (nngcat, nanocat)");
const it = spSuite(test, 10_000);
const text = (b) => b.toString("latin1");

const CASES = [
  { tool: "nngcat", proto: "pair0", cls: "Pair0", label: "PAIR0" },
  { tool: "nngcat", proto: "pair1", cls: "Pair1", label: "PAIR1" },
  { tool: "nanocat", proto: "pair0", cls: "Pair0", label: "PAIR0" },
];

const REPLIES = [
  { send: "pair-0", body: Buffer.from("pair-0") },
  { send: ["pair-", "1"], body: Buffer.from("pair-1") },
  { send: ALL_BYTES, body: ALL_BYTES },
];

for (const { tool, proto, cls, label } of CASES) {
  for (const tr of TRANSPORTS) {
    for (const wasmBinds of DIRECTIONS) {
      const [w, p] = roles(wasmBinds);
      it(`wasmq ${label} (${w}) <-> ${tool} ${label} (${p}) over ${tr}: one message in, three out`, async (res) => {
        const pair = spSock(res, sp[cls], { receiveTimeout: 5000, sendTimeout: 5000 });
        const hello = `hello from ${tool} ${proto}`;
        const peer = await link(res, pair, { tool, proto, data: hello }, { wasmBinds, tr });
        const got = await recvOne(pair, 5000, () => `message from ${peer.diag()}`);
        assert.is(text(got), hello);
        for (const r of REPLIES) await pair.send(r.send);
        const printed = await peer.waitCount(REPLIES.length);
        assert.is(printed.length, REPLIES.length, `exactly ${REPLIES.length} messages ${peer.diag()}`);
        for (const [i, r] of REPLIES.entries()) {
          assert.ok(printed[i].equals(r.body), `message ${i}: ${tool} printed ${show(printed[i])}, sent ${show(r.body)}`);
        }
      });
    }
  }
}

it("wasmq PAIR1 (binds, tcp) exchanges nothing with a nanocat PAIR0 (protocol 0x10 is not 0x11)", async (res) => {
  const pair = spSock(res, sp.Pair1, { receiveTimeout: 600 });
  const peer = await link(res, pair, { tool: "nanocat", proto: "pair0", data: "v0 message", interval: 0.05 }, { wasmBinds: true, tr: "tcp" });
  await rejectsWith(pair.receive(), "ETIMEDOUT", 3000, `PAIR1 receive while ${peer.commandLine} repeats`);
  assert.is(peer.messages.length, 0);
});

it("wasmq PAIR0 (connects, tcp) exchanges nothing with an nngcat PAIR1 (protocol 0x11 is not 0x10)", async (res) => {
  const pair = spSock(res, sp.Pair0, { receiveTimeout: 1500 });
  const peer = await link(res, pair, { tool: "nngcat", proto: "pair1", data: "v1 message" }, { wasmBinds: false, tr: "tcp" });
  await rejectsWith(pair.receive(), "ETIMEDOUT", 4000, `PAIR0 receive while ${peer.commandLine} waits for a peer`);
  assert.is(peer.messages.length, 0);
});

test.run();
