// ZeroMQ security from a browser: a page on the browser bundle
// (dist/browser/, in Debian's chromium driven by playwright-core) as a CURVE
// (RFC 26) or PLAIN (RFC 24) client of wasmq Node listeners over ws://
// (ZWS 2.0, RFC 45, with the "ZWS2.0+CURVE" / "ZWS2.0+PLAIN" subprotocols a
// browser can offer), ZAP (RFC 27) handlers in this Node process, and what
// must be refused: a wrong server key, a weaker mechanism, plaintext on a
// CURVE connection. The page is fixtures/security.html; its side of each
// case is in fixtures/security.mjs.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import nacl from "tweetnacl";
import * as zmq from "wasmq/zmq";
import { boundedSuite } from "../helpers/suite.mjs";
import { ROOT, openPage, startStatic } from "./helpers/browser.mjs";
import { pattern } from "./fixtures/security.mjs";

const test = suite("browser: CURVE and PLAIN from a page (chromium)");
const it = boundedSuite(test, 20_000);
const MiB = 1 << 20;
const str = (frames) => frames.map((f) => f.toString());
const ZAP = "inproc://zeromq.zap.01";

// One static server and page for the suite: the shared harness's
// (helpers/browser.mjs) browser, moved on to fixtures/security.html.
let ctx = null;
let starting = null;
function browser() {
  starting ??= (async () => {
    const web = await startStatic();
    try {
      const opened = await openPage(web.origin);
      try {
        await opened.page.goto(`${web.origin}/test/browser/fixtures/security.html`);
        await opened.page.waitForFunction(() => window.ready === true, null, { timeout: 10_000 });
      } catch (err) {
        await opened.close();
        throw new Error(`fixtures/security.html did not load: ${err.message}\n${opened.log.slice(-10).join("\n")}`);
      }
      ctx = { web, ...opened };
    } catch (err) {
      await web.close();
      throw err;
    }
    return ctx;
  })();
  return starting;
}
test.after(async () => {
  if (ctx) { await ctx.close(); await ctx.web.close(); }
});
const run = async (name, params, ms) => (await browser()).run("page", name, params, ms);

/** Records a Node socket's events as { type, code, status }. */
function watch(sock) {
  const list = [];
  for (const type of ["accept", "handshake", "disconnect", "handshake:error:protocol", "handshake:error:auth", "handshake:error:other"]) {
    sock.events.on(type, (e) => list.push({ type, code: e.error?.code ?? null, status: e.error?.status ?? null }));
  }
  return list;
}

/** Every message a Node socket receives, as strings, kept until the test ends. */
function collect(sock) {
  const got = [];
  (async () => { for await (const frames of sock) got.push(str(frames)); })().catch(() => {});
  return got;
}

/**
 * A ZAP handler (RFC 27) in this process: a Router bound at
 * inproc://zeromq.zap.01 answering each request with decide(request)'s
 * [status, text, userId]. Returns the requests it saw.
 */
async function zapHandler(res, decide) {
  const zap = res.sock(new zmq.Router());
  await zap.bind(ZAP);
  const seen = [];
  (async () => {
    for await (const [id, empty, version, requestId, domain, address, identity, mechanism, ...credentials] of zap) {
      const request = {
        version: version.toString(), domain: domain.toString(), address: address.toString(),
        identity: identity.toString(), mechanism: mechanism.toString(), credentials,
      };
      seen.push(request);
      const [status, text, userId] = decide(request);
      await zap.send([id, empty, version, requestId, status, text, userId, ""]);
    }
  })().catch(() => {});
  return seen;
}

/**
 * A CURVE (or, with `plain`, PLAIN) Reply bound on ws:// that answers
 * ["large", bytes] with ["large", pattern(size, 2)] (noting whether bytes
 * were pattern(size, 1)) and anything else with the frames upper-cased.
 */
async function echoServer(res, options, path) {
  const rep = res.sock(new zmq.Reply(options));
  const events = watch(rep);
  await rep.bind(`ws://127.0.0.1:0/${path}`);
  const large = [];
  (async () => {
    for await (const frames of rep) {
      if (frames[0].toString() === "large") {
        const body = frames[1];
        large.push({ frames: frames.length, size: body.length, intact: body.equals(Buffer.from(pattern(body.length, 1))) });
        await rep.send(["large", pattern(body.length, 2)]);
      } else {
        await rep.send(frames.map((f) => f.toString().toUpperCase()));
      }
    }
  })().catch(() => {});
  return { rep, url: rep.lastEndpoint, events, large };
}

it("the page makes CURVE key pairs with crypto.getRandomValues; their public keys are X25519 of the secret keys", async () => {
  const r = await run("keys");
  for (const pair of [r.a, r.b]) {
    assert.match(pair.publicKey, /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/);
    assert.match(pair.secretKey, /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/);
    // Node's wasmq and tweetnacl agree with the page's core.
    assert.is(zmq.curvePublicKey(pair.secretKey), pair.publicKey);
    const expected = nacl.scalarMult.base(new Uint8Array(zmq.z85Decode(pair.secretKey)));
    assert.is(zmq.z85Encode(Buffer.from(expected)), pair.publicKey);
  }
  assert.is.not(r.a.secretKey, r.b.secretKey);
  assert.is(r.derived, r.a.publicKey);
  assert.ok(r.calls >= 2, `crypto.getRandomValues called ${r.calls} times`);
  assert.ok(r.bytes >= 64, `${r.bytes} random bytes for two 32-byte secret keys`);
  // The bundle's random source is Web Crypto (the build keeps node:crypto out).
  const dir = join(ROOT, "dist", "browser");
  const bundle = readdirSync(dir).filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(dir, f), "utf8")).join("\n");
  assert.ok(bundle.includes("crypto") && bundle.includes("getRandomValues"), "dist/browser uses crypto.getRandomValues");
});

it("a page with its own key pair talks CURVE to a Node Reply over ws:// (multipart, then 1 MiB each way)", async (res) => {
  const server = zmq.curveKeyPair();
  const { rep, url, events, large } = await echoServer(res, { curveServer: true, curveSecretKey: server.secretKey }, "curve-rep");
  assert.is(rep.securityMechanism, "curve");
  const r = await run("curveRequests", {
    url,
    serverKey: server.publicKey,
    requests: [["hello", "from", "the page"], ["", "empty first frame"], ["one"]],
    large: MiB,
  }, 15_000);
  assert.is(r.mechanism, "curve");
  assert.equal(r.replies, [["HELLO", "FROM", "THE PAGE"], ["", "EMPTY FIRST FRAME"], ["ONE"]]);
  assert.equal(r.large, { frames: 2, label: "large", size: MiB, intact: true });
  assert.equal(large, [{ frames: 2, size: MiB, intact: true }]);
  assert.ok(r.events.includes("handshake"), `page events: ${r.events}`);
  assert.ok(events.some((e) => e.type === "handshake"), JSON.stringify(events));
  assert.not.ok(events.some((e) => e.type.startsWith("handshake:error")), JSON.stringify(events));
});

// Messages sent before the first handshake wait in the pipe as clear
// records and are boxed once the keys exist, also when the WebSocket's
// subprotocol gives the pipe its engine only after they were queued.
it("a page's CURVE request sent before the handshake is boxed and answered", async (res) => {
  const server = zmq.curveKeyPair();
  const { url, events } = await echoServer(res, { curveServer: true, curveSecretKey: server.secretKey }, "curve-queued");
  const r = await run("curveRequests", { url, serverKey: server.publicKey, requests: [["queued", "before the handshake"]], queueFirst: true });
  assert.equal(r.replies, [["QUEUED", "BEFORE THE HANDSHAKE"]]);
  assert.not.ok(events.some((e) => e.code === "ERR_ZMTP_UNEXPECTED_COMMAND"), JSON.stringify(events));
});

it("a page given its key pair talks CURVE to a Node Router, whose ZAP handler sees the page's public key and refuses other keys", async (res) => {
  const server = zmq.curveKeyPair();
  const known = zmq.curveKeyPair();
  const seen = await zapHandler(res, (r) => {
    const ok = r.mechanism === "CURVE" && zmq.z85Encode(r.credentials[0]) === known.publicKey;
    return ok ? ["200", "OK", "known page"] : ["400", "unknown key", ""];
  });
  const router = res.sock(new zmq.Router({ curveServer: true, curveSecretKey: server.secretKey, zapDomain: "browser" }));
  const events = watch(router);
  await router.bind("ws://127.0.0.1:0/curve-router");
  const got = [];
  (async () => {
    for await (const [id, empty, ...frames] of router) {
      got.push(str(frames));
      await router.send([id, empty, "reply to", ...frames]);
    }
  })().catch(() => {});

  const ok = await run("curveRequests", { url: router.lastEndpoint, serverKey: server.publicKey, keys: known, requests: [["routed", "request"]] });
  assert.is(ok.publicKey, known.publicKey);
  assert.equal(ok.replies, [["reply to", "routed", "request"]]);
  assert.equal(got, [["routed", "request"]]);

  // A key pair the handler does not know (the page makes one): refused with 400.
  const stranger = await run("refused", { url: router.lastEndpoint, mechanism: "curve", serverKey: server.publicKey, until: "handshake:error:auth", times: 1 });
  const auth = stranger.events.find((e) => e.type === "handshake:error:auth");
  assert.equal(auth, { type: "handshake:error:auth", code: "ERR_ZMTP_AUTH_FAILED", status: 400 });
  assert.not.ok(stranger.events.some((e) => e.type === "handshake"), JSON.stringify(stranger.events));
  assert.equal(got, [["routed", "request"]], "the refused page's message never arrived");

  const curve = seen.filter((r) => r.mechanism === "CURVE");
  assert.ok(curve.length >= 2, `ZAP requests: ${seen.length}`);
  for (const r of curve) {
    assert.is(r.version, "1.0");
    assert.is(r.domain, "browser");
    assert.is(r.credentials.length, 1);
    assert.is(r.credentials[0].length, 32);
  }
  assert.is(zmq.z85Encode(curve[0].credentials[0]), known.publicKey);
  assert.is(zmq.z85Encode(curve.at(-1).credentials[0]), stranger.publicKey);
  assert.ok(events.some((e) => e.type === "handshake:error:auth" && e.status === 400), JSON.stringify(events));
});

it("a page with the wrong server key never gets through: its connections close before any handshake, and the server receives nothing", async (res) => {
  const server = zmq.curveKeyPair();
  const impostor = zmq.curveKeyPair();
  const router = res.sock(new zmq.Router({ curveServer: true, curveSecretKey: server.secretKey }));
  const events = watch(router);
  const got = collect(router);
  await router.bind("ws://127.0.0.1:0/curve-wrong-key");
  // The page redials after each refusal: three connections, three HELLOs the server cannot open.
  const r = await run("refused", { url: router.lastEndpoint, mechanism: "curve", serverKey: impostor.publicKey, until: "disconnect", times: 3 });
  const types = r.events.map((e) => e.type);
  assert.is(r.mechanism, "curve");
  assert.ok(types.filter((t) => t === "connect").length >= 3, `page events: ${types}`);
  assert.not.ok(types.includes("handshake"), `page events: ${types}`);
  // The server says nothing to a HELLO it cannot open (RFC 26): the page
  // sees its connection close, not an authentication failure.
  assert.not.ok(types.includes("handshake:error:auth"), `page events: ${types}`);
  for (const e of r.events.filter((e) => e.type === "handshake:error:protocol")) assert.is(e.code, "ERR_ZMTP_CRYPTOGRAPHIC");
  const failures = events.filter((e) => e.type === "handshake:error:protocol");
  assert.ok(failures.length >= 3, JSON.stringify(events));
  for (const e of failures) assert.is(e.code, "ERR_ZMTP_CRYPTOGRAPHIC");
  assert.not.ok(events.some((e) => e.type === "handshake"), JSON.stringify(events));
  assert.equal(got, []);
});

it("a page talks PLAIN to a Node PLAIN server whose ZAP handler checks the password; a wrong one is refused with 400", async (res) => {
  const seen = await zapHandler(res, (r) => {
    const [user, pass] = r.credentials.map(String);
    return r.mechanism === "PLAIN" && user === "page" && pass === "correct horse" ? ["200", "OK", user] : ["400", "bad password", ""];
  });
  const { rep, url, events } = await echoServer(res, { plainServer: true }, "plain-rep");
  assert.is(rep.securityMechanism, "plain");
  const ok = await run("plainRequests", { url, username: "page", password: "correct horse", requests: [["plain", "text"]] });
  assert.is(ok.mechanism, "plain");
  assert.equal(ok.replies, [["PLAIN", "TEXT"]]);
  assert.ok(ok.events.includes("handshake"), `page events: ${ok.events}`);

  const before = seen.length;
  const bad = await run("plainRequests", { url, username: "page", password: "battery staple", requests: [["must not", "arrive"]], refused: true });
  const auth = bad.events.find((e) => e.type === "handshake:error:auth");
  assert.equal(auth, { type: "handshake:error:auth", code: "ERR_ZMTP_AUTH_FAILED", status: 400 });
  assert.not.ok(bad.events.some((e) => e.type === "handshake"), JSON.stringify(bad.events));

  assert.ok(seen.length > before, "the handler was asked about the wrong password");
  for (const r of seen) {
    assert.is(r.version, "1.0");
    assert.is(r.mechanism, "PLAIN");
    assert.is(r.credentials.length, 2);
  }
  assert.equal(str(seen[0].credentials), ["page", "correct horse"]);
  assert.equal(str(seen[before].credentials), ["page", "battery staple"]);
  // One handshake (the good page); the server saw the refusal and no message from it.
  assert.is(events.filter((e) => e.type === "handshake").length, 1, JSON.stringify(events));
  assert.ok(events.some((e) => e.type === "handshake:error:auth" && e.status === 400), JSON.stringify(events));
});

it("a CURVE listener refuses a NULL or PLAIN page at the upgrade: no connection, nothing received", async (res) => {
  const server = zmq.curveKeyPair();
  const router = res.sock(new zmq.Router({ curveServer: true, curveSecretKey: server.secretKey }));
  const events = watch(router);
  const got = collect(router);
  await router.bind("ws://127.0.0.1:0/curve-only");
  for (const mechanism of ["null", "plain"]) {
    const r = await run("refused", { url: router.lastEndpoint, mechanism, username: "page", password: "pw", until: "connect:retry", times: 3 });
    assert.is(r.mechanism, mechanism === "null" ? null : mechanism);
    const types = r.events.map((e) => e.type);
    assert.not.ok(types.includes("connect"), `${mechanism} page events: ${types}`);
    assert.not.ok(types.includes("handshake"), `${mechanism} page events: ${types}`);
  }
  assert.equal(events, [], "the listener accepted no connection");
  assert.equal(got, []);
});

it("a CURVE page does not fall back to NULL: a NULL listener refuses its upgrade", async (res) => {
  const server = zmq.curveKeyPair();
  const router = res.sock(new zmq.Router());
  const events = watch(router);
  const got = collect(router);
  await router.bind("ws://127.0.0.1:0/null-only");
  const r = await run("refused", { url: router.lastEndpoint, mechanism: "curve", serverKey: server.publicKey, until: "connect:retry", times: 3 });
  const types = r.events.map((e) => e.type);
  assert.not.ok(types.includes("connect"), `page events: ${types}`);
  assert.equal(events, []);
  assert.equal(got, []);
});

it("the page's own WebSocket: a CURVE listener agrees only to \"ZWS2.0+CURVE\", and a NULL handshake or plaintext frame under it is dropped unread", async (res) => {
  const server = zmq.curveKeyPair();
  const router = res.sock(new zmq.Router({ curveServer: true, curveSecretKey: server.secretKey }));
  const events = watch(router);
  const got = collect(router);
  await router.bind("ws://127.0.0.1:0/curve-raw");
  const url = router.lastEndpoint;

  // libzmq's spelling is not an RFC 6455 token: the browser will not offer it.
  assert.equal(await run("rawWebSocket", { url, protocols: ["ZWS2.0/CURVE"] }), { threw: "SyntaxError" });
  // NULL's subprotocols: the upgrade fails (HTTP 400), nothing opens.
  for (const protocols of [["ZWS2.0"], ["ZWS2.0+PLAIN"], []]) {
    const r = await run("rawWebSocket", { url, protocols });
    assert.is(r.opened, false, `offering ${protocols}`);
    assert.is(r.timedOut, false);
    assert.equal(r.received, []);
  }
  assert.equal(events, [], "no upgrade was accepted");

  // "ZWS2.0+CURVE" is agreed; then a NULL READY (RFC 37, command flag 0x02)
  // and a plaintext message where the server wants HELLO: the server closes.
  const ready = "02" + "05" + Buffer.from("READY").toString("hex") +
    "0b" + Buffer.from("Socket-Type").toString("hex") + "00000006" + Buffer.from("DEALER").toString("hex");
  const plaintext = "00" + Buffer.from("plaintext").toString("hex");
  const r = await run("rawWebSocket", { url, protocols: ["ZWS2.0+CURVE"], send: [ready, plaintext] });
  assert.is(r.opened, true);
  assert.is(r.protocol, "ZWS2.0+CURVE");
  assert.is(r.timedOut, false, "the server closed the connection");
  assert.equal(r.received, [], "the server sent nothing back");
  assert.ok(events.some((e) => e.type === "accept"), JSON.stringify(events));
  assert.ok(events.some((e) => e.type === "handshake:error:protocol"), JSON.stringify(events));
  assert.not.ok(events.some((e) => e.type === "handshake"), JSON.stringify(events));
  assert.equal(got, []);
});

test.run();
