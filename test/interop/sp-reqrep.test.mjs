// SP request/reply between wasmq/sp and real peers: nngcat (nng 1.5) and
// nanocat (libnanomsg 1.1), over tcp and ipc, with wasmq binding or
// connecting: wasmq REQ -> peer REP (several requests on one socket; an
// array send is one message; binary bodies), peer REQ -> wasmq REP (the reply
// is routed back through the backtrace; nngcat exits cleanly after it),
// several peer REQs on one wasmq REP, large binary bodies via --file, and
// wasmq REQ resending to a REP that never answers.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  TOOLS, TRANSPORTS, DIRECTIONS, roles, link, spSock, recvOne, startCat, show, ALL_BYTES, payload,
  peerListenUrl, spSuite,
} from "./helpers/sp-setup.mjs";

const sp = await import(process.env.WASMQ_SP_IMPL || "wasmq/sp");

const test = suite("SP REQ/REP interop (nngcat, nanocat)");
const it = spSuite(test, 10_000);
const text = (b) => b.toString("latin1");

/**
 * Serve a wasmq REP with `for await`: every request body is recorded and
 * answered with answer(body, n). Ends when the socket closes (teardown).
 * fail(err) rethrows err with the server's own error, if it had one.
 */
function answerLoop(rep, answer) {
  const st = { requests: [], replies: [], error: null };
  (async () => {
    for await (const [body] of rep) {
      st.requests.push(Buffer.from(body));
      const a = answer(Buffer.from(body), st.replies.length);
      st.replies.push(a);
      await rep.send(a);
    }
  })().catch((e) => {
    if (!rep.closed) st.error = e;
  });
  st.fail = (e) => {
    throw st.error ? new Error(`${e.message}; wasmq REP loop failed: ${st.error.code ?? ""} ${st.error.message}`) : e;
  };
  return st;
}

// Three requests in different shapes; the peer must print each body exactly.
const REQUESTS = [
  { send: "req-0 hello", body: Buffer.from("req-0 hello") },
  { send: ["req-1 ", Buffer.from("array"), " one message"], body: Buffer.from("req-1 array one message") },
  { send: Buffer.concat([Buffer.from("req-2 "), ALL_BYTES]), body: Buffer.concat([Buffer.from("req-2 "), ALL_BYTES]) },
];

for (const tool of TOOLS) {
  for (const tr of TRANSPORTS) {
    for (const wasmBinds of DIRECTIONS) {
      const [w, p] = roles(wasmBinds);
      it(`wasmq REQ (${w}) -> ${tool} REP (${p}) over ${tr}: 3 requests (string, array, binary) answered`, async (res) => {
        const req = spSock(res, sp.Req, { receiveTimeout: 5000 });
        const rep = await link(res, req, { tool, proto: "rep", data: `pong from ${tool}` }, { wasmBinds, tr });
        for (const [i, r] of REQUESTS.entries()) {
          await req.send(r.send);
          const reply = await recvOne(req, 6000, () => `reply ${i} from ${rep.diag()}`);
          assert.is(text(reply), `pong from ${tool}`, `reply ${i}`);
        }
        const printed = await rep.waitCount(REQUESTS.length);
        assert.is(printed.length, REQUESTS.length, `${tool} REP got exactly the requests ${rep.diag()}`);
        for (const [i, r] of REQUESTS.entries()) {
          assert.ok(printed[i].equals(r.body), `request ${i}: ${tool} printed ${show(printed[i])}, sent ${show(r.body)}`);
        }
      });

      it(`${tool} REQ (${p}) -> wasmq REP (${w}) over ${tr}: request received, reply routed back`, async (res) => {
        const rep = spSock(res, sp.Rep, { receiveTimeout: 6000 });
        if (tool === "nngcat") {
          // nngcat sends one request, prints the reply, and exits 0 (its next receive is ESTATE).
          const req = await link(res, rep, { tool, proto: "req", data: "ping from nngcat", recvTimeout: 5 }, { wasmBinds, tr });
          const got = await recvOne(rep, 6000, () => `request from ${req.diag()}`);
          assert.is(text(got), "ping from nngcat");
          await rep.send(["pong ", "to ", "nngcat"]);
          assert.is(text(await req.recv()), "pong to nngcat");
          const ex = await req.exit(5000);
          assert.equal(ex, { code: 0, signal: null }, `nngcat REQ exit ${req.diag()}`);
        } else {
          // nanocat repeats its request every 100 ms; each new one replaces the last.
          const req = await link(res, rep, { tool, proto: "req", data: "ping from nanocat", interval: 0.1 }, { wasmBinds, tr });
          const server = answerLoop(rep, (body, n) => `pong-${n}`);
          await req.waitCount(3, 8000).catch((e) => server.fail(e));
          assert.ok(server.requests.length >= 1);
          for (const b of server.requests) assert.is(text(b), "ping from nanocat", "request body at wasmq REP");
          // nanocat prints only replies to its current request: in order, a subset of ours.
          let k = -1;
          for (const t of req.texts) {
            const j = server.replies.indexOf(t);
            assert.ok(j > k, `nanocat printed ${JSON.stringify(t)}; wasmq sent ${JSON.stringify(server.replies)} ${req.diag()}`);
            k = j;
          }
        }
      });
    }
  }

  it(`three ${tool} REQs -> one wasmq REP (binds, tcp): each reply reaches its own requester`, async (res) => {
    const rep = spSock(res, sp.Rep, { receiveTimeout: 6000 });
    await rep.bind("tcp://127.0.0.1:0");
    const reqs = [];
    for (let i = 0; i < 3; i++) {
      const o = { tool, proto: "req", dial: rep.lastEndpoint, data: `who=${i}` };
      if (tool === "nanocat") o.interval = 0.2;
      reqs.push(await startCat(res, o));
    }
    // Answer whatever arrives, echoing the asker's name, until every peer has printed a reply.
    const server = answerLoop(rep, (body) => Buffer.concat([Buffer.from("reply to "), body]));
    await Promise.all(reqs.map((r) => r.waitCount(1, 8000))).catch((e) => server.fail(e));
    for (const [i, r] of reqs.entries()) {
      assert.is(r.texts[0], `reply to who=${i}`, `requester ${i} ${r.diag()}`);
    }
  });

  it(`wasmq REQ (binds) <-> ${tool} REP over tcp: 100 kB binary request, 64 kB binary reply (--file)`, async (res) => {
    const reply = payload(64 * 1024, 3);
    const request = payload(100 * 1000, 11);
    const req = spSock(res, sp.Req, { receiveTimeout: 6000 });
    const rep = await link(res, req, { tool, proto: "rep", data: reply }, { wasmBinds: true, tr: "tcp" });
    await req.send(request);
    const got = await recvOne(req, 6000, () => `binary reply ${rep.diag()}`);
    assert.is(got.length, reply.length, "reply length");
    assert.ok(got.equals(reply), "reply bytes");
    const [printed] = await rep.waitCount(1);
    assert.is(printed.length, request.length, "request length at the peer");
    assert.ok(printed.equals(request), "request bytes at the peer");
  });

  for (const tr of TRANSPORTS) {
    it(`wasmq REQ's request survives its ${tool} REP being replaced (resent at once on the new connection, ${tr})`, async (res) => {
      // resendInterval stays at its 60 s default: only the lost connection can trigger the resend.
      const req = spSock(res, sp.Req, { receiveTimeout: 8000 });
      const url = await peerListenUrl(res, tool, tr);
      const mute = await startCat(res, { tool, proto: "rep", listen: url }); // prints, never replies
      req.connect(mute.url);
      await req.send("job-42");
      assert.is(text(await mute.recv(5000, "request at the first REP")), "job-42");
      await mute.stop();
      // A new REP on the same address (nngcat/nanocat remove the stale ipc file themselves).
      const rep = await startCat(res, { tool, proto: "rep", listen: mute.url, data: "done" });
      const t0 = Date.now();
      const reply = await recvOne(req, 8000, () => `reply after the REP was replaced ${rep.diag()}`);
      assert.is(text(reply), "done");
      assert.is(text(await rep.recv(1000, "the resent request")), "job-42");
      assert.ok(Date.now() - t0 < 5000, `resent after ${Date.now() - t0} ms`);
    });
  }

  it(`wasmq REQ resends to a ${tool} REP that never answers (resendInterval 200 ms, tcp)`, async (res) => {
    // A REP without --data only prints what it receives: it never replies.
    const req = spSock(res, sp.Req, { resendInterval: 200 });
    const rep = await link(res, req, { tool, proto: "rep" }, { wasmBinds: false, tr: "tcp" });
    await req.send("are you there?");
    const printed = await rep.waitCount(2, 5000, "the request and at least one resend");
    for (const m of printed) assert.is(text(m), "are you there?", "resent request body");
  });
}

test.run();
