// The ZAP authenticator (src/zmq/authenticator.ts; RFC 27), pyzmq's
// zmq.auth policies for wasmq's own servers: it binds a ROUTER at
// inproc://zeromq.zap.01, the core asks it about every NULL (with a
// zapDomain), PLAIN and CURVE handshake, and the answer decides.
//
// - PLAIN: passwords per domain ("*" for the rest) as a record or a Map,
//   read at each request; a check function, sync and async.
// - CURVE: an allowed set (Z85 strings and 32-byte Buffers), any key, a
//   certificates directory (czmq's `*.key` files), a check function.
// - Addresses: allow()/deny() of 127.0.0.1 over tcp://; deny() wins; an
//   allow list refuses the empty address of ipc:// peers.
// - NULL with a zapDomain: in by default, refused by configureNull(domain, false);
//   without a zapDomain the handler is not asked.
// - The handler hook: 300, metadata, falling through, a bad status; a
//   throwing check or hook gives 500 with its message as the status text.
// - Lifecycle: stop() unbinds (a PLAIN server then fails with EFAULT), two
//   authenticators cannot both be bound, start() after stop() works.
//
// A refusal shows on both sides as handshake:error:auth with error.status
// (400, or 300/500) and nothing is delivered; every decision reaches
// onDecision once its reply has been sent.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { api, zmq, recv, str, watch, bindAny, expectCode, isWasmq } from "./helpers/util.mjs";
import { nothingWithin } from "./helpers/sp.mjs";

const test = suite("api: ZAP authenticator (PLAIN, CURVE, NULL, addresses)");
const it = api(test, { timeout: 10_000 });

const BASE = { linger: 0, reconnectInterval: 50 };
const logs = new WeakMap();
const logOf = (s) => logs.get(s);

/** A tracked wasmq/zmq socket with its event log running. */
function sock(res, Class, options = {}) {
  const s = res.sock(new Class({ ...BASE, ...options }));
  logs.set(s, watch(s));
  return s;
}

/** The decisions an authenticator reports, awaitable by count. */
class Decisions {
  constructor() { this.list = []; this.waiters = new Set(); }
  push = (d) => {
    this.list.push(d);
    for (const w of [...this.waiters]) w();
  };
  /** The n-th (1-based) decision, waiting for it if needed. */
  next(nth = 1, ms = 5000) {
    return this.where(() => true, ms, nth);
  }
  /**
   * The n-th decision that matches `pred` (a refused client retries, so
   * later decisions may be about earlier clients: tests pick theirs by field).
   */
  where(pred, ms = 5000, nth = 1) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiters.delete(w); reject(new Error(`timed out waiting for decision #${nth}`)); }, ms);
      const w = () => {
        const seen = this.list.filter(pred);
        if (seen.length < nth) return;
        clearTimeout(timer);
        this.waiters.delete(w);
        resolve(seen[nth - 1]);
      };
      this.waiters.add(w);
      w();
    });
  }
}

/** A started authenticator, stopped after the test, and its decisions. */
async function authenticator(res, options = {}) {
  const decisions = new Decisions();
  const auth = new zmq.Authenticator({ onDecision: decisions.push, ...options });
  await auth.start();
  res.defer(() => auth.stop());
  return { auth, decisions };
}

/** A REP server bound over `kind` and a REQ client connected to it. */
async function pair(res, server, client, kind = "tcp") {
  const rep = sock(res, zmq.Reply, server);
  const ep = await bindAny(rep, kind, res);
  const req = sock(res, zmq.Request, client);
  req.connect(ep);
  return { rep, req, ep };
}

const plainPair = (res, username, password, server = {}, kind = "tcp") =>
  pair(res, { plainServer: true, ...server }, { plainUsername: username, plainPassword: password }, kind);

/** A CURVE REP server and a REQ client with `clientKeys` (a fresh pair by default). */
function curvePair(res, { clientKeys = zmq.curveKeyPair(), server = {}, kind = "tcp" } = {}) {
  const serverKeys = zmq.curveKeyPair();
  return pair(
    res,
    { curveServer: true, curveSecretKey: serverKeys.secretKey, ...server },
    { curveServerKey: serverKeys.publicKey, curvePublicKey: clientKeys.publicKey, curveSecretKey: clientKeys.secretKey },
    kind,
  ).then((p) => ({ ...p, clientKeys }));
}

/** The client gets in: one request answered. */
async function getsIn({ req, rep }, tag = "") {
  await req.send(`ping${tag}`);
  assert.equal(str(await recv(rep, 5000, `the request${tag}`)), [`ping${tag}`]);
  await rep.send(`pong${tag}`);
  assert.equal(str(await recv(req, 5000, `the reply${tag}`)), [`pong${tag}`]);
}

/** The client is refused with `status` on both sides, and its request is not delivered. */
async function isRefused({ req, rep }, status = 400) {
  req.send("let me in").catch(() => {});
  const server = await logOf(rep).next("handshake:error:auth");
  const client = await logOf(req).next("handshake:error:auth");
  assert.is(server.error.status, status, "the server's handshake:error:auth status");
  assert.is(client.error.status, status, "the client's handshake:error:auth status");
  assert.is(server.error.code, "ERR_ZMTP_AUTH_FAILED");
  assert.is(logOf(rep).count("handshake"), 0, "the server completed no handshake");
  assert.is(logOf(req).count("handshake"), 0, "the client completed no handshake");
  await nothingWithin(rep, 0);
  // The refused client would retry; a later case's decisions are its own.
  req.close();
}

if (isWasmq) {
  // ------------------------------------------------------------------ PLAIN

  it("a PLAIN client with the right password gets in, and the decision names the user", async (res) => {
    const { auth, decisions } = await authenticator(res);
    auth.configurePlain({ admin: "secret" });
    const p = await plainPair(res, "admin", "secret");
    await getsIn(p);
    const d = await decisions.next();
    assert.equal(d, { domain: "", address: "127.0.0.1", mechanism: "PLAIN", status: 200, text: "OK", userId: "admin", username: "admin" });
    assert.not.ok("password" in d, "decisions never carry the password");
  });

  it("a PLAIN client with a wrong password is refused with 400 on both sides and delivers nothing", async (res) => {
    const { auth, decisions } = await authenticator(res);
    auth.configurePlain({ admin: "secret" });
    await isRefused(await plainPair(res, "admin", "secret!"));
    const d = await decisions.next();
    assert.is(d.status, 400);
    assert.is(d.text, "Invalid password");
    assert.is(d.userId, "", "a refusal carries no user id");
  });

  it("PLAIN refuses unknown users, prefixes of the password, longer ones and user names like constructor", async (res) => {
    const { auth, decisions } = await authenticator(res);
    auth.configurePlain({ admin: "secret" });
    const cases = [["nobody", "secret", "Invalid username"], ["admin", "secre", "Invalid password"], ["admin", "secrets", "Invalid password"], ["constructor", "x", "Invalid username"], ["__proto__", "x", "Invalid username"]];
    for (const [u, pw, why] of cases) {
      const p = await plainPair(res, u, pw, { zapDomain: `${u}/${pw}` });
      await isRefused(p);
      const d = await decisions.where((d) => d.domain === `${u}/${pw}`);
      assert.is(d.status, 400, `${u}/${pw}`);
      assert.is(d.text, why, `${u}/${pw}`);
      assert.is(d.username, u);
    }
  });

  it("PLAIN refuses everyone until passwords are configured", async (res) => {
    const { decisions } = await authenticator(res);
    await isRefused(await plainPair(res, "admin", "secret"));
    assert.is((await decisions.next()).text, "No passwords defined");
  });

  it("PLAIN passwords are per domain, and \"*\" covers the domains without their own", async (res) => {
    const { auth, decisions } = await authenticator(res);
    auth.configurePlain("ops", { alice: "a-pass" });
    auth.configurePlain("*", { bob: "b-pass" });
    await getsIn(await plainPair(res, "alice", "a-pass", { zapDomain: "ops" }), "-alice");
    await isRefused(await plainPair(res, "bob", "b-pass", { zapDomain: "ops" }));
    await getsIn(await plainPair(res, "bob", "b-pass", { zapDomain: "dev" }), "-bob");
    await getsIn(await plainPair(res, "bob", "b-pass"), "-bob-no-domain");
    await isRefused(await plainPair(res, "alice", "a-pass", { zapDomain: "dev" }));
    const status = (domain, username) => decisions.where((d) => d.domain === domain && d.username === username).then((d) => d.status);
    assert.equal(
      [await status("ops", "alice"), await status("ops", "bob"), await status("dev", "bob"), await status("", "bob"), await status("dev", "alice")],
      [200, 400, 200, 200, 400],
    );
  });

  it("PLAIN with only a named domain refuses other domains as an unknown domain", async (res) => {
    const { auth, decisions } = await authenticator(res);
    auth.configurePlain("ops", { alice: "a-pass" });
    await isRefused(await plainPair(res, "alice", "a-pass", { zapDomain: "dev" }));
    assert.is((await decisions.next()).text, "Unknown domain");
  });

  it("PLAIN passwords in a Map count, and changes to the Map count at the next request", async (res) => {
    const { auth } = await authenticator(res);
    const users = new Map([["alice", "pässwörd"]]);
    auth.configurePlain(users);
    await getsIn(await plainPair(res, "alice", "pässwörd"), "-utf8");
    await isRefused(await plainPair(res, "carol", "c"));
    users.set("carol", "c");
    await getsIn(await plainPair(res, "carol", "c"), "-added");
  });

  it("a PLAIN check function decides, synchronously or asynchronously, and sees the request", async (res) => {
    const { auth, decisions } = await authenticator(res);
    const seen = [];
    auth.configurePlain("sync", (user, password, request) => { seen.push(request); return user === "u" && password === "p"; });
    auth.configurePlain("async", async (user, password) => { await Promise.resolve(); return user === "v" && password === "q"; });
    await getsIn(await plainPair(res, "u", "p", { zapDomain: "sync" }), "-sync");
    await isRefused(await plainPair(res, "u", "wrong", { zapDomain: "sync" }));
    await getsIn(await plainPair(res, "v", "q", { zapDomain: "async" }), "-async");
    await isRefused(await plainPair(res, "v", "wrong", { zapDomain: "async" }));
    const status = (domain, ok) => decisions.where((d) => d.domain === domain && (d.status === 200) === ok).then((d) => d.status);
    assert.equal([await status("sync", true), await status("sync", false), await status("async", true), await status("async", false)], [200, 400, 200, 400]);
    assert.is(seen[0].mechanism, "PLAIN");
    assert.is(seen[0].domain, "sync");
    assert.is(seen[0].address, "127.0.0.1");
    assert.is(seen[0].username, "u");
    assert.is(seen[0].password, "p");
    assert.equal(seen[0].credentials.map(String), ["u", "p"]);
    assert.match(seen[0].requestId, /^\d+\.\d+$/);
  });

  it("a check that returns something other than true refuses", async (res) => {
    const { auth } = await authenticator(res);
    auth.configurePlain(() => 1);
    await isRefused(await plainPair(res, "u", "p"));
  });

  it("a PLAIN check that throws or rejects gives 500 on both sides, with its message as the status text", async (res) => {
    const { auth, decisions } = await authenticator(res);
    auth.configurePlain("sync", () => { throw new Error("password store is down"); });
    auth.configurePlain("async", async () => { throw new Error("password store timed out"); });
    await isRefused(await plainPair(res, "u", "p", { zapDomain: "sync" }), 500);
    await isRefused(await plainPair(res, "u", "p", { zapDomain: "async" }), 500);
    const sync = await decisions.where((d) => d.domain === "sync");
    const async = await decisions.where((d) => d.domain === "async");
    assert.equal([[sync.status, sync.text], [async.status, async.text]], [[500, "password store is down"], [500, "password store timed out"]]);
  });

  it("PLAIN works over inproc:// and ipc://, where the address is empty", async (res) => {
    const { auth, decisions } = await authenticator(res);
    auth.configurePlain({ admin: "secret" });
    await getsIn(await plainPair(res, "admin", "secret", {}, "inproc"), "-inproc");
    await getsIn(await plainPair(res, "admin", "secret", {}, "ipc"), "-ipc");
    assert.equal(decisions.list.slice(0, 2).map((d) => d.address), ["", ""]);
  });

  it("configurePlain refuses passwords that are neither a record, a Map nor a function", async (res) => {
    const auth = new zmq.Authenticator();
    await expectCode(() => auth.configurePlain("ops", "secret"), "EINVAL", "a string");
    await expectCode(() => auth.configurePlain(null), "EINVAL", "null");
    assert.not.ok(auth.running);
  });

  // ------------------------------------------------------------------ CURVE

  it("CURVE lets in the allowed keys, given as Z85 or as 32-byte Buffers, and the user id is the Z85 key", async (res) => {
    const { auth, decisions } = await authenticator(res);
    const a = zmq.curveKeyPair();
    const b = zmq.curveKeyPair();
    await auth.configureCurve([a.publicKey, Buffer.from(zmq.z85Decode(b.publicKey))]);
    await getsIn(await curvePair(res, { clientKeys: a }), "-z85");
    await getsIn(await curvePair(res, { clientKeys: b }), "-buffer");
    assert.equal(decisions.list.slice(0, 2).map((d) => [d.mechanism, d.status, d.userId, d.publicKey]), [["CURVE", 200, a.publicKey, a.publicKey], ["CURVE", 200, b.publicKey, b.publicKey]]);
  });

  it("CURVE refuses a key not in the allowed set with 400 on both sides", async (res) => {
    const { auth, decisions } = await authenticator(res);
    await auth.configureCurve([zmq.curveKeyPair().publicKey]);
    await isRefused(await curvePair(res));
    assert.is((await decisions.next()).text, "Unknown key");
  });

  it("CURVE refuses every key until keys are configured for the domain", async (res) => {
    const { auth, decisions } = await authenticator(res);
    await auth.configureCurve("ops", "*");
    await isRefused(await curvePair(res, { server: { zapDomain: "dev" } }));
    assert.is((await decisions.next()).text, "Unknown domain");
  });

  it("CURVE in any-key mode (\"*\") lets in every client key, per domain", async (res) => {
    const { auth } = await authenticator(res);
    await auth.configureCurve("open", "*");
    await auth.configureCurve("*", []);
    await getsIn(await curvePair(res, { server: { zapDomain: "open" } }), "-1");
    await getsIn(await curvePair(res, { server: { zapDomain: "open" } }), "-2");
    await isRefused(await curvePair(res, { server: { zapDomain: "closed" } }));
  });

  it("CURVE keys from a certificates directory: its *.key files count, secret and other files do not", async (res) => {
    const dir = mkdtempSync(join(tmpdir(), "wasmq-auth-"));
    res.defer(() => rmSync(dir, { recursive: true, force: true }));
    const alice = zmq.curveKeyPair();
    const bob = zmq.curveKeyPair();
    const carol = zmq.curveKeyPair();
    // czmq's zcert format, as pyzmq's create_certificates writes it.
    writeFileSync(join(dir, "alice.key"), `#   ****  Generated by wasmq tests  ****\n#   ZeroMQ CURVE Public Certificate\nmetadata\n    name = alice\ncurve\n    public-key = "${alice.publicKey}"\n`);
    writeFileSync(join(dir, "bob.key_secret"), `curve\n    public-key = "${bob.publicKey}"\n    secret-key = "${bob.secretKey}"\n`);
    writeFileSync(join(dir, "carol.txt"), `curve\n    public-key = "${carol.publicKey}"\n`);
    const { auth } = await authenticator(res);
    await auth.configureCurve("certs", dir);
    await getsIn(await curvePair(res, { clientKeys: alice, server: { zapDomain: "certs" } }), "-alice");
    await isRefused(await curvePair(res, { clientKeys: bob, server: { zapDomain: "certs" } }));
    await isRefused(await curvePair(res, { clientKeys: carol, server: { zapDomain: "certs" } }));
  });

  it("CURVE keys from a directory are read again when configureCurve is called again", async (res) => {
    const dir = mkdtempSync(join(tmpdir(), "wasmq-auth-"));
    res.defer(() => rmSync(dir, { recursive: true, force: true }));
    const dave = zmq.curveKeyPair();
    const { auth } = await authenticator(res);
    await auth.configureCurve(dir);
    await isRefused(await curvePair(res, { clientKeys: dave }));
    writeFileSync(join(dir, "dave.key"), `curve\n    public-key = '${dave.publicKey}'\n`);
    await auth.configureCurve(dir);
    await getsIn(await curvePair(res, { clientKeys: dave }), "-dave");
  });

  it("a keys directory that cannot be read rejects configureCurve, and its domain's requests get 500", async (res) => {
    const { auth, decisions } = await authenticator(res);
    const missing = join(tmpdir(), `wasmq-auth-missing-${process.pid}-${Date.now()}`);
    await expectCode(auth.configureCurve("lost", missing), "ENOENT", "configureCurve on a missing directory");
    await isRefused(await curvePair(res, { server: { zapDomain: "lost" } }), 500);
    assert.match((await decisions.next()).text, /ENOENT/);
  });

  it("a certificate whose public key is not a key rejects configureCurve with EINVAL naming the file", async (res) => {
    const dir = mkdtempSync(join(tmpdir(), "wasmq-auth-"));
    res.defer(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "broken.key"), `curve\n    public-key = "not-a-key"\n`);
    const auth = new zmq.Authenticator();
    const err = await expectCode(auth.configureCurve(dir), "EINVAL", "a broken certificate");
    assert.match(err.message, /broken\.key/);
  });

  it("configureCurve refuses keys that are not CURVE public keys", async () => {
    const auth = new zmq.Authenticator();
    await expectCode(() => auth.configureCurve(["short"]), "EINVAL", "a short string");
    await expectCode(() => auth.configureCurve([Buffer.alloc(31)]), "EINVAL", "31 bytes");
    await expectCode(() => auth.configureCurve(42), "EINVAL", "a number");
  });

  it("a CURVE check function decides, synchronously or asynchronously, from the Z85 key", async (res) => {
    const { auth } = await authenticator(res);
    const good = zmq.curveKeyPair();
    const asked = [];
    auth.configureCurve("sync", (key, request) => { asked.push([key, request.mechanism, request.credentials[0].length]); return key === good.publicKey; });
    auth.configureCurve("async", async (key) => key === good.publicKey);
    await getsIn(await curvePair(res, { clientKeys: good, server: { zapDomain: "sync" } }), "-sync");
    await isRefused(await curvePair(res, { server: { zapDomain: "sync" } }));
    await getsIn(await curvePair(res, { clientKeys: good, server: { zapDomain: "async" } }), "-async");
    await isRefused(await curvePair(res, { server: { zapDomain: "async" } }));
    assert.equal(asked[0], [good.publicKey, "CURVE", 32]);
  });

  it("a CURVE check that throws gives 500 on both sides", async (res) => {
    const { auth, decisions } = await authenticator(res);
    auth.configureCurve(() => { throw new Error("key store is down"); });
    await isRefused(await curvePair(res), 500);
    assert.is((await decisions.next()).text, "key store is down");
  });

  // ------------------------------------------------------------------ addresses

  it("allow(\"127.0.0.1\") lets a tcp:// client from there go on to authenticate", async (res) => {
    const { auth } = await authenticator(res);
    auth.allow("127.0.0.1");
    auth.configurePlain({ admin: "secret" });
    await getsIn(await plainPair(res, "admin", "secret"));
    await isRefused(await plainPair(res, "admin", "wrong"));
  });

  it("an allow list without the client's address refuses it, whatever its credentials", async (res) => {
    const { auth, decisions } = await authenticator(res);
    auth.allow("192.0.2.1", "[::ffff:192.0.2.2]");
    auth.configurePlain({ admin: "secret" });
    await isRefused(await plainPair(res, "admin", "secret"));
    assert.is((await decisions.next()).text, "Address not allowed");
  });

  it("deny(\"127.0.0.1\") refuses a client with good credentials, and deny wins over allow", async (res) => {
    const { auth, decisions } = await authenticator(res);
    auth.allow("127.0.0.1");
    auth.deny("::ffff:127.0.0.1");
    auth.configurePlain({ admin: "secret" });
    await isRefused(await plainPair(res, "admin", "secret"));
    assert.is((await decisions.next()).text, "Address denied");
  });

  it("deny() of another address leaves 127.0.0.1 to authenticate", async (res) => {
    const { auth } = await authenticator(res);
    auth.deny("192.0.2.1");
    await auth.configureCurve("*");
    await getsIn(await curvePair(res));
  });

  it("an allow list refuses ipc:// peers, whose address is empty", async (res) => {
    const { auth } = await authenticator(res);
    auth.allow("127.0.0.1");
    auth.configurePlain({ admin: "secret" });
    await isRefused(await plainPair(res, "admin", "secret", {}, "ipc"));
  });

  // ------------------------------------------------------------------ NULL

  it("a NULL server with a zapDomain asks the authenticator, which lets the peer in as anonymous", async (res) => {
    const { decisions } = await authenticator(res);
    await getsIn(await pair(res, { zapDomain: "public" }, {}));
    assert.equal(await decisions.next(), { domain: "public", address: "127.0.0.1", mechanism: "NULL", status: 200, text: "OK", userId: "anonymous" });
  });

  it("configureNull(domain, false) refuses NULL peers of that domain with 400 on both sides", async (res) => {
    const { auth } = await authenticator(res);
    auth.configureNull("closed", false);
    await isRefused(await pair(res, { zapDomain: "closed" }, {}));
    await getsIn(await pair(res, { zapDomain: "open" }, {}));
  });

  it("configureNull(false) refuses NULL peers of every domain without its own setting", async (res) => {
    const { auth } = await authenticator(res);
    auth.configureNull(false);
    auth.configureNull("open");
    await isRefused(await pair(res, { zapDomain: "closed" }, {}));
    await getsIn(await pair(res, { zapDomain: "open" }, {}));
  });

  it("a NULL server without a zapDomain does not ask the authenticator", async (res) => {
    const { auth, decisions } = await authenticator(res);
    auth.configureNull(false);
    await getsIn(await pair(res, {}, {}));
    assert.is(decisions.list.length, 0, "no request was made");
  });

  it("deny() refuses NULL peers of a server with a zapDomain", async (res) => {
    const { auth } = await authenticator(res);
    auth.deny("127.0.0.1");
    await isRefused(await pair(res, { zapDomain: "public" }, {}));
  });

  // ------------------------------------------------------------------ the handler hook

  it("the handler hook answers 300 (temporary): the server reports status 300 and sends no ERROR", async (res) => {
    const { decisions } = await authenticator(res, { handler: () => ({ status: 300, text: "try later" }) });
    const p = await plainPair(res, "admin", "secret");
    p.req.send("x").catch(() => {});
    const server = await logOf(p.rep).next("handshake:error:auth");
    assert.is(server.error.status, 300);
    assert.equal(await decisions.next(), { domain: "", address: "127.0.0.1", mechanism: "PLAIN", username: "admin", status: 300, text: "try later", userId: "" });
    // No ERROR command: the client sees the connection end, not an authentication failure.
    await logOf(p.req).next("disconnect");
    assert.is(logOf(p.req).count("handshake"), 0);
    await nothingWithin(p.rep, 0);
  });

  it("the handler hook can let a peer in with a user id and metadata", async (res) => {
    const { decisions } = await authenticator(res, {
      handler: (request) => (request.username === "guest" ? { status: 200, userId: "guest-42", metadata: { "X-Role": "viewer", Raw: Buffer.from([0, 1, 2]) } } : undefined),
    });
    await getsIn(await plainPair(res, "guest", "anything"));
    const d = await decisions.next();
    assert.is(d.status, 200);
    assert.is(d.userId, "guest-42");
    assert.is(d.text, "OK");
  });

  it("a handler hook that returns nothing leaves the decision to the configured policy", async (res) => {
    let asked = 0;
    const { auth } = await authenticator(res, { handler: () => { asked++; } });
    auth.configurePlain({ admin: "secret" });
    await getsIn(await plainPair(res, "admin", "secret"));
    await isRefused(await plainPair(res, "admin", "wrong"));
    assert.is(asked, 2);
  });

  it("a handler hook that throws, answers a status other than 200/300/400/500 or bad metadata gives 500", async (res) => {
    const hooks = {
      throws: () => { throw new Error("hook failed"); },
      status: () => ({ status: 201 }),
      metadata: () => ({ status: 200, metadata: { "bad name": "x" } }),
    };
    const { decisions } = await authenticator(res, { handler: (request) => hooks[request.domain]() });
    for (const domain of Object.keys(hooks)) await isRefused(await pair(res, { zapDomain: domain }, {}), 500);
    const text = (domain) => decisions.where((d) => d.domain === domain).then((d) => d.text);
    assert.is(await text("throws"), "hook failed");
    assert.match(await text("status"), /status 201/);
    assert.match(await text("metadata"), /metadata name "bad name"/);
  });

  it("the hook is not asked about addresses deny() refuses", async (res) => {
    let asked = 0;
    const { auth } = await authenticator(res, { handler: () => { asked++; return { status: 200 }; } });
    auth.deny("127.0.0.1");
    await isRefused(await plainPair(res, "admin", "secret"));
    assert.is(asked, 0);
  });

  it("onDecision and handler can be set after construction", async (res) => {
    const { auth } = await authenticator(res, { onDecision: null });
    const seen = [];
    auth.onDecision = (d) => seen.push(d.userId);
    auth.handler = () => ({ status: 200, userId: "late" });
    await getsIn(await plainPair(res, "x", "y"));
    assert.equal(seen, ["late"]);
  });

  // ------------------------------------------------------------------ lifecycle

  it("stop() unbinds: a PLAIN server then fails with EFAULT (handshake:error:other) and lets nobody in", async (res) => {
    const { auth } = await authenticator(res);
    auth.configurePlain({ admin: "secret" });
    await getsIn(await plainPair(res, "admin", "secret"), "-before");
    await auth.stop();
    assert.not.ok(auth.running);
    const p = await plainPair(res, "admin", "secret");
    p.req.send("x").catch(() => {});
    const e = await logOf(p.rep).next("handshake:error:other");
    assert.is(e.error.code, "EFAULT");
    assert.is(logOf(p.rep).count("handshake"), 0);
    await nothingWithin(p.rep, 0);
  });

  it("start() after stop() answers again", async (res) => {
    const { auth } = await authenticator(res);
    auth.configurePlain({ admin: "secret" });
    await auth.stop();
    await auth.start();
    assert.ok(auth.running);
    await getsIn(await plainPair(res, "admin", "secret"));
  });

  it("two authenticators cannot both start: the second rejects with EADDRINUSE until the first stops", async (res) => {
    const first = await authenticator(res);
    const second = new zmq.Authenticator();
    res.defer(() => second.stop());
    const err = await expectCode(second.start(), "EADDRINUSE", "the second start()");
    assert.match(err.message, /inproc:\/\/zeromq\.zap\.01/);
    assert.not.ok(second.running);
    await first.auth.close();
    await second.start();
    assert.ok(second.running);
    second.configurePlain({ admin: "secret" });
    await getsIn(await plainPair(res, "admin", "secret"));
  });

  it("start() fails with EADDRINUSE when the application has bound its own handler", async (res) => {
    const own = sock(res, zmq.Router);
    await own.bind("inproc://zeromq.zap.01");
    await expectCode(new zmq.Authenticator().start(), "EADDRINUSE", "start() over a bound handler");
  });

  it("start() twice and stop() twice are harmless", async (res) => {
    const { auth } = await authenticator(res);
    await auth.start();
    assert.ok(auth.running);
    await auth.stop();
    await auth.stop();
    assert.not.ok(auth.running);
  });
}

test.run();
