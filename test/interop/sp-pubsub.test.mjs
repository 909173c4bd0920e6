// SP publish/subscribe between wasmq/sp and real peers (nngcat, nanocat), over
// tcp and ipc, wasmq binding or connecting. SP subscriptions never go on the
// wire: all filtering happens in the subscriber, so both sides are checked.
//
// - peer PUB -> wasmq SUB: two publishers repeat "a-msg" and "b-msg" (nngcat
//   --interval 1, whole seconds only; nanocat -i 0.05); the SUB subscribed to
//   "a" must deliver only "a-msg" over a window in which "b-msg" was certainly
//   published to it; then subscribe("b") must start delivering "b-msg"
//   (which also proves the b publisher was connected all along); with nanocat
//   then unsubscribe("a") must stop "a-msg".
// - wasmq PUB -> peer SUB --subscribe a: wasmq publishes "a:<k>" then "b:<k>"
//   every 20 ms until the peer printed 3 messages; the peer must print only
//   "a:" ones, exactly, in order (b:<k> went out between a:<k> and a:<k+1>
//   on the same live connection, so the peer did drop it).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  TOOLS, TRANSPORTS, DIRECTIONS, roles, link, spSock, recvOne, startCat, show, tick, handshakes, wasmBindUrl,
  peerListenUrl, spSuite,
} from "./helpers/sp-setup.mjs";

const sp = await import(process.env.WASMQ_SP_IMPL || "wasmq/sp");

const test = suite("SP PUB/SUB interop (nngcat, nanocat)");
const it = spSuite(test, 12_000);
const text = (b) => b.toString("latin1");

// Publisher repeat interval (s) and the minimum filtering window (ms): the
// window spans at least one full interval after both connections are up.
const PUB_INTERVAL = { nngcat: 1, nanocat: 0.05 };
const WINDOW_MS = { nngcat: 1300, nanocat: 400 };

for (const tool of TOOLS) {
  for (const tr of TRANSPORTS) {
    for (const wasmBinds of DIRECTIONS) {
      const [w, p] = roles(wasmBinds);

      it(`${tool} PUB x2 (${p}) -> wasmq SUB (${w}) over ${tr}: subscribe("a") filters out "b-msg"; subscribe("b") lets it in${tool === "nanocat" ? '; unsubscribe("a")' : ""}`, async (res) => {
        const sub = spSock(res, sp.Sub, { receiveTimeout: 4000 });
        sub.subscribe("a");
        const both = handshakes(sub, 2); // if the socket reports handshakes: the window starts when both are up
        const pub = (data) => ({ tool, proto: "pub", data, interval: PUB_INTERVAL[tool] });
        let pa, pb;
        if (wasmBinds) {
          const url = wasmBindUrl(res, tr);
          await sub.bind(url);
          const ep = tr === "ipc" ? url : sub.lastEndpoint;
          pb = await startCat(res, { ...pub("b-msg"), dial: ep }); // nngcat: returns once connected
          pa = await startCat(res, { ...pub("a-msg"), dial: ep });
        } else {
          pb = await startCat(res, { ...pub("b-msg"), listen: await peerListenUrl(res, tool, tr) });
          pa = await startCat(res, { ...pub("a-msg"), listen: await peerListenUrl(res, tool, tr) });
          sub.connect(pb.url);
          sub.connect(pa.url);
        }
        await both;
        const start = Date.now();
        const diag = () => `${pa.diag()} ${pb.diag()}`;

        // Phase 1: only "a-msg", over a window in which "b-msg" was published to us.
        // (receives are bounded by what is left of the window; ETIMEDOUT then just ends it)
        let a = 0;
        for (;;) {
          const left = WINDOW_MS[tool] - (Date.now() - start);
          if (left <= 0 && a > 0) break;
          sub.receiveTimeout = left > 0 ? left : 4000;
          let m;
          try {
            m = await recvOne(sub, 5000, () => `"a-msg" at wasmq SUB (subscribed to "a") ${diag()}`);
          } catch (err) {
            if (err.code === "ETIMEDOUT" && left > 0) continue;
            throw err;
          }
          assert.is(text(m), "a-msg", `wasmq SUB subscribed to "a" delivered ${show(m)}`);
          a++;
        }
        sub.receiveTimeout = 4000;
        // Phase 2: subscribing to "b" lets "b-msg" through (b publisher was connected).
        sub.subscribe("b");
        for (;;) {
          const m = await recvOne(sub, 4000, () => `"b-msg" after subscribe("b") ${diag()}`);
          if (text(m) === "b-msg") break;
          assert.is(text(m), "a-msg", `unexpected message ${show(m)}`);
        }
        if (tool !== "nanocat") return; // (nngcat's 1 s interval would make the next phase slow)
        // Phase 3: unsubscribe("a"): apart from "a-msg" that had already arrived (a
        // short grace), only "b-msg" from now on, over a window with ~8 "a-msg" sent.
        sub.unsubscribe("a");
        const t = Date.now();
        let b = 0;
        while (Date.now() - t < 400 || b < 3) {
          const m = await recvOne(sub, 4000, () => `"b-msg" after unsubscribe("a") ${diag()}`);
          if (text(m) === "a-msg") {
            assert.ok(Date.now() - t < 150, `"a-msg" delivered ${Date.now() - t} ms after unsubscribe("a")`);
            continue;
          }
          assert.is(text(m), "b-msg", `unexpected message ${show(m)}`);
          b++;
        }
      });

      it(`wasmq PUB (${w}) -> ${tool} SUB --subscribe a (${p}) over ${tr}: peer prints only the "a:" messages, in order`, async (res) => {
        const pubSock = spSock(res, sp.Pub);
        const sub = await link(res, pubSock, { tool, proto: "sub", subscribe: ["a"] }, { wasmBinds, tr });
        const sent = [];
        const until = Date.now() + 6000; // then the wait below reports what the peer printed
        for (let k = 0; sub.messages.length < 3 && Date.now() < until; k++) {
          for (const m of [`a:${k}`, `b:${k}`]) {
            await pubSock.send(m);
            sent.push(m);
          }
          await tick(20); // publishing pace (the peer's output is what we wait for)
        }
        const printed = (await sub.waitCount(3, 2000)).map(text);
        const idx = printed.map((t) => {
          const m = /^a:(\d+)$/.exec(t);
          assert.ok(m, `${tool} SUB --subscribe a printed ${JSON.stringify(t)}; sent ${sent.length} messages ${sub.diag()}`);
          return Number(m[1]);
        });
        for (let i = 1; i < idx.length; i++) {
          assert.is(idx[i], idx[i - 1] + 1, `consecutive "a:" messages: ${JSON.stringify(printed)}`);
        }
      });
    }
  }
}

test.run();
