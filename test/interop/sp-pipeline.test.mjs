// SP pipeline (PUSH/PULL) between wasmq/sp and real peers (nngcat, nanocat),
// over tcp and ipc, wasmq binding or connecting: wasmq PUSH -> peer PULL
// (five messages, exact bodies and order, including an array send and every
// byte value), peer PUSH -> wasmq PULL (a binary --file body, repeated), and
// one wasmq PUSH load-balancing over two peer PULLs.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  TOOLS, TRANSPORTS, DIRECTIONS, roles, link, spSock, recvOne, startCat, show, ALL_BYTES, spSuite, withTimeout,
} from "./helpers/sp-setup.mjs";

const sp = await import(process.env.WASMQ_SP_IMPL || "wasmq/sp");

const test = suite("SP PUSH/PULL interop (nngcat, nanocat)");
const it = spSuite(test, 10_000);

const MESSAGES = [
  { send: "job-0", body: Buffer.from("job-0") },
  { send: ["job-1 ", "in ", "parts"], body: Buffer.from("job-1 in parts") },
  { send: ALL_BYTES, body: ALL_BYTES },
  { send: "", body: Buffer.alloc(0) },
  { send: Buffer.from("job-4 last"), body: Buffer.from("job-4 last") },
];

for (const tool of TOOLS) {
  for (const tr of TRANSPORTS) {
    for (const wasmBinds of DIRECTIONS) {
      const [w, p] = roles(wasmBinds);

      it(`wasmq PUSH (${w}) -> ${tool} PULL (${p}) over ${tr}: 5 messages, exact and in order`, async (res) => {
        const push = spSock(res, sp.Push, { sendTimeout: 5000 });
        const cat = { tool, proto: "pull" };
        if (tool === "nngcat") cat.count = MESSAGES.length; // nngcat exits 0 after that many
        const pull = await link(res, push, cat, { wasmBinds, tr });
        for (const m of MESSAGES) await push.send(m.send);
        const printed = await pull.waitCount(MESSAGES.length);
        assert.is(printed.length, MESSAGES.length, `exactly ${MESSAGES.length} messages ${pull.diag()}`);
        for (const [i, m] of MESSAGES.entries()) {
          assert.ok(printed[i].equals(m.body), `message ${i}: ${tool} printed ${show(printed[i])}, sent ${show(m.body)}`);
        }
        if (tool === "nngcat") assert.equal(await pull.exit(3000), { code: 0, signal: null }, `nngcat PULL exit ${pull.diag()}`);
      });

      it(`${tool} PUSH (${p}) -> wasmq PULL (${w}) over ${tr}: binary --file body, 3 copies`, async (res) => {
        const pull = spSock(res, sp.Pull, { receiveTimeout: 5000 });
        const body = Buffer.concat([Buffer.from(`from ${tool}: `), ALL_BYTES]);
        // nngcat: 3 sends back to back (PUSH waits for a peer, nothing is lost); nanocat: every 50 ms.
        const cat = { tool, proto: "push", data: body, ...(tool === "nngcat" ? { count: 3, interval: 0 } : { interval: 0.05 }) };
        const peer = await link(res, pull, cat, { wasmBinds, tr });
        for (let i = 0; i < 3; i++) {
          const got = await recvOne(pull, 5000, () => `message ${i} from ${peer.diag()}`);
          assert.ok(got.equals(body), `message ${i}: got ${show(got)} (${got.length} bytes), want ${body.length} bytes`);
        }
      });
    }
  }

  it(`wasmq PUSH (binds, tcp) load-balances over two ${tool} PULLs`, async (res) => {
    const push = spSock(res, sp.Push, { sendTimeout: 5000 });
    await push.bind("tcp://127.0.0.1:0");
    let handshakes = 0;
    const bothConnected = new Promise((resolve) => push.events.on("handshake", () => { if (++handshakes === 2) resolve(); }));
    const pulls = [];
    for (let i = 0; i < 2; i++) pulls.push(await startCat(res, { tool, proto: "pull", dial: push.lastEndpoint }));
    // Load balancing is over connected peers: once both are, round robin
    // gives each half of what is sent. How soon a busy nngcat prints its
    // share is not the question: wait for it (bounded).
    await withTimeout(bothConnected, 10_000, "both PULLs to connect");
    const n = 40;
    for (let i = 0; i < n; i++) await push.send(`lb-${i}`);
    await Promise.all(pulls.map((p) => p.waitCount(1, 20_000).catch(() => {})));
    const all = pulls.flatMap((p) => p.texts);
    assert.ok(pulls.every((p) => p.messages.length > 0), `both PULLs got work: ${pulls.map((p) => p.diag()).join(" ")}`);
    // No duplicates, nothing invented; every printed message is one we sent.
    assert.is(new Set(all).size, all.length, `no message delivered twice: ${JSON.stringify(all)}`);
    for (const t of all) assert.ok(/^lb-\d+$/.test(t) && Number(t.slice(3)) < n, `unexpected ${JSON.stringify(t)}`);
  });
}

test.run();
