// SP BUS between wasmq/sp and real peers, over tcp and ipc, wasmq binding or
// connecting: nanocat --bus (libnanomsg) and nngcat --bus0 (nng; not in its
// --help, but accepted). The peer repeats its message (nanocat -i 0.05,
// nngcat --interval 1); once wasmq received it the link is up, so ONE wasmq
// send must reach the peer, and the peer must never get its own message
// back. Mesh: two nanocat BUS peers on one wasmq BUS each get wasmq's
// message, and wasmq does not relay one peer's messages to the other.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { TRANSPORTS, DIRECTIONS, roles, link, spSock, recvOne, startCat, spSuite } from "./helpers/sp-setup.mjs";

const sp = await import(process.env.WASMQ_SP_IMPL || "wasmq/sp");

const test = suite("SP BUS interop (nanocat, nngcat)");
const it = spSuite(test, 10_000);
const text = (b) => b.toString("latin1");
const INTERVAL = { nanocat: 0.05, nngcat: 1 };

for (const tool of ["nanocat", "nngcat"]) {
  for (const tr of TRANSPORTS) {
    for (const wasmBinds of DIRECTIONS) {
      const [w, p] = roles(wasmBinds);
      it(`wasmq BUS (${w}) <-> ${tool} BUS (${p}) over ${tr}: each side gets the other's message`, async (res) => {
        const bus = spSock(res, sp.Bus, { receiveTimeout: 4000 });
        const mine = `bus from ${tool}`;
        const peer = await link(res, bus, { tool, proto: "bus", data: mine, interval: INTERVAL[tool] }, { wasmBinds, tr });
        assert.is(text(await recvOne(bus, 4000, () => `message from ${peer.diag()}`)), mine);
        await bus.send(["bus ", "from ", "wasmq"]);
        await peer.waitMessage((m) => text(m) === "bus from wasmq", 3000, '"bus from wasmq" printed');
        assert.equal(peer.texts, ["bus from wasmq"], `${tool} BUS printed exactly wasmq's message (never its own)`);
      });
    }
  }
}

it("wasmq BUS (binds, tcp) with two nanocat BUS peers: both get wasmq's message, wasmq relays nothing", async (res) => {
  const bus = spSock(res, sp.Bus, { receiveTimeout: 4000 });
  await bus.bind("tcp://127.0.0.1:0");
  const n1 = await startCat(res, { tool: "nanocat", proto: "bus", dial: bus.lastEndpoint, data: "from n1", interval: 0.05 });
  const n2 = await startCat(res, { tool: "nanocat", proto: "bus", dial: bus.lastEndpoint, data: "from n2", interval: 0.05 });
  // Until wasmq heard from both (both links up), and a few more of each after that.
  const seen = { "from n1": 0, "from n2": 0 };
  while (!(seen["from n1"] >= 3 && seen["from n2"] >= 3)) {
    const t = text(await recvOne(bus, 4000, () => `bus messages (so far ${JSON.stringify(seen)}) ${n1.diag()} ${n2.diag()}`));
    assert.ok(t in seen, `unexpected ${JSON.stringify(t)}`);
    seen[t]++;
  }
  await bus.send("from wasmq");
  await n1.waitMessage((m) => text(m) === "from wasmq", 3000);
  await n2.waitMessage((m) => text(m) === "from wasmq", 3000);
  assert.equal(n1.texts, ["from wasmq"], "n1 printed only wasmq's message (nothing relayed from n2)");
  assert.equal(n2.texts, ["from wasmq"], "n2 printed only wasmq's message (nothing relayed from n1)");
});

test.run();
