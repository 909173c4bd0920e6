// Target "ws-upgrade": raw HTTP upgrade requests over node:net at ws://
// listeners of both families (a ZMTP ROUTER from dist/esm/src/zmq/index.js,
// an SP REP from dist/esm/src/sp/index.js; src/transports/ws.ts does the
// upgrade). Requests are built from their parts (request line, headers with
// the subprotocols, versions, keys and origins that matter, sizes near the
// 8 KiB limit) and then mutated line by line and byte by byte; WebSocket
// frames may follow the head. The client then waits, resets at once, half-
// closes, or sends the head in two pieces.
//
// Oracles, per input: nothing is thrown in this process (no uncaught
// exception or unhandled rejection); a complete request head gets an answer
// within a bound: a 101 (whose Sec-WebSocket-Accept matches the key and
// whose subprotocol is one offered) or an HTTP refusal, or the server closes
// the connection; the listener still serves a good client afterwards (a
// round trip through the public API); descriptors do not pile up.
//
// Input: [family u8 (bit 0: sp)][mode u8][request bytes]. Real sockets: keep
// bounded runs of this target small.
import net from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { importRetry, distUrl } from "../lib/core.mjs";
import { FuzzFailure } from "../lib/failure.mjs";
import { mutateBytes } from "../lib/mutate.mjs";

const ANSWER_MS = 2500;
const GOOD_MS = 4000;
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

let state = null;
const problems = [];
const onUncaught = (e) => problems.push(`uncaught exception: ${e && e.stack ? e.stack.split("\n").slice(0, 3).join(" | ") : e}`);
const onRejection = (e) => problems.push(`unhandled rejection: ${e && e.stack ? e.stack.split("\n").slice(0, 3).join(" | ") : e}`);
const openFds = () => { try { return readdirSync("/proc/self/fd").length; } catch { return 0; } };

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new FuzzFailure("good-client", `timed out: ${what}`)), ms); })]).finally(() => clearTimeout(t));
}

async function setup() {
  if (state) return state;
  const zmq = await importRetry(distUrl("src/zmq/index.js"));
  const sp = await importRetry(distUrl("src/sp/index.js"));
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onRejection);
  const router = new zmq.Router({ linger: 0 });
  await router.bind("ws://127.0.0.1:0/z");
  const rep = new sp.Rep({ linger: 0 });
  await rep.bind("ws://127.0.0.1:0/s");
  state = {
    zmq, sp, router, rep, n: 0,
    fams: [
      { name: "zmq", endpoint: router.lastEndpoint, port: Number(new URL(router.lastEndpoint).port), path: "/z" },
      { name: "sp", endpoint: rep.lastEndpoint, port: Number(new URL(rep.lastEndpoint).port), path: "/s" },
    ],
  };
  state.fdBase = openFds();
  return state;
}

async function close() {
  if (!state) return;
  const s = state;
  state = null;
  s.router.close();
  s.rep.close();
  await new Promise((r) => setTimeout(r, 50));
  process.removeListener("uncaughtException", onUncaught);
  process.removeListener("unhandledRejection", onRejection);
}

// The good client of each family: a fresh connection and one round trip.
async function goodRoundTrip(s, fam) {
  const nonce = `good-${++s.n}-${randomBytes(4).toString("hex")}`;
  if (fam.name === "zmq") {
    const d = new s.zmq.Dealer({ linger: 0, routingId: nonce, receiveTimeout: GOOD_MS });
    try {
      d.connect(fam.endpoint);
      await withTimeout(d.send(nonce), GOOD_MS, "zmq dealer send");
      // Fuzz connections may have delivered messages of their own first.
      for (let i = 0; ; i++) {
        const [id, body] = await withTimeout(s.router.receive(), GOOD_MS, "router receive of the good client's message");
        if (body && body.toString() === nonce) { await withTimeout(s.router.send([id, "pong"]), GOOD_MS, "router reply"); break; }
        if (i > 64) throw new FuzzFailure("good-client", "router never delivered the good client's message");
      }
      const [r] = await withTimeout(d.receive(), GOOD_MS, "dealer receive of the reply");
      if (r.toString() !== "pong") throw new FuzzFailure("good-client", `zmq good client got ${r}`);
    } finally { d.close(); }
  } else {
    const q = new s.sp.Req({ linger: 0, receiveTimeout: GOOD_MS });
    try {
      q.connect(fam.endpoint);
      await withTimeout(q.send(nonce), GOOD_MS, "sp req send");
      for (let i = 0; ; i++) {
        const [body] = await withTimeout(s.rep.receive(), GOOD_MS, "rep receive of the good client's request");
        if (body && body.toString() === nonce) { await withTimeout(s.rep.send("pong"), GOOD_MS, "rep reply"); break; }
        if (i > 64) throw new FuzzFailure("good-client", "rep never delivered the good client's request");
      }
      const [r] = await withTimeout(q.receive(), GOOD_MS, "req receive of the reply");
      if (r.toString() !== "pong") throw new FuzzFailure("good-client", `sp good client got ${r}`);
    } finally { q.close(); }
  }
}

// ---- one raw connection ----

function parseHead(buf) {
  const end = buf.indexOf("\r\n\r\n");
  const text = buf.subarray(0, end >= 0 ? end : buf.length).toString("latin1");
  const [line, ...rest] = text.split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(line);
  const headers = {};
  for (const l of rest) {
    const i = l.indexOf(":");
    if (i > 0) (headers[l.slice(0, i).trim().toLowerCase()] ??= []).push(l.slice(i + 1).trim());
  }
  return { status: m ? Number(m[1]) : null, line, headers, complete: end >= 0 };
}

// The request's headers as the server would see them, when the head is plain enough to say.
function requestHeaders(req) {
  const end = req.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const lines = req.subarray(0, end).toString("latin1").split("\r\n").slice(1);
  const h = {};
  for (const l of lines) {
    const i = l.indexOf(":");
    if (i <= 0 || /^\s/.test(l)) return null;
    (h[l.slice(0, i).trim().toLowerCase()] ??= []).push(l.slice(i + 1).trim());
  }
  return h;
}

function exchange(port, req, mode) {
  return new Promise((resolve) => {
    const c = net.connect({ host: "127.0.0.1", port });
    let got = Buffer.alloc(0);
    let done = false;
    let timer = null;
    let answered = null;
    const finish = (how) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(answered);
      c.destroy();
      resolve({ how, got });
    };
    c.on("error", () => finish("error"));
    c.on("close", () => finish("closed"));
    c.on("data", (d) => {
      got = Buffer.concat([got, d]);
      // An answer's head is enough; after a 101 give the server a moment to speak first.
      if (got.includes("\r\n\r\n") && !answered) answered = setTimeout(() => finish("answered"), parseHead(got).status === 101 ? 30 : 5);
    });
    c.once("connect", () => {
      if (mode === 1) { c.write(req, () => { c.resetAndDestroy(); finish("reset"); }); return; }
      if (mode === 2 && req.length > 1) {
        const cut = 1 + (req.length >> 1);
        c.write(req.subarray(0, cut));
        setTimeout(() => { if (!done) c.write(req.subarray(cut)); }, 15);
      } else {
        c.write(req);
      }
      if (mode === 3) c.end();
      timer = setTimeout(() => finish("silent"), req.includes("\r\n\r\n") ? ANSWER_MS : 60);
    });
  });
}

// ---- generation and mutation ----

const ZMQ_PROTOS = ["ZWS2.0", "ZWS2.0/NULL", "ZWS2.0/NULL,ZWS2.0", "ZWS2.0, ZWS2.0", "zws2.0", "ZWS2.0/PLAIN", "chat", "", ",", "ZWS2.0/NULL , ZWS2.0/NULL"];
const SP_PROTOS = ["rep.sp.nanomsg.org", "REP.SP.NANOMSG.ORG", "req.sp.nanomsg.org", "rep.sp.nanomsg.org, rep.sp.nanomsg.org", "rep.sp.nanomsg.org, pair.sp.nanomsg.org", "", "ZWS2.0"];

function frameBytes(rng, payload, { mask = true, opcode = 2, fin = true } = {}) {
  const p = Buffer.from(payload);
  const head = [((fin ? 0x80 : 0) | opcode) & 0xff];
  const m = mask ? 0x80 : 0;
  if (p.length < 126) head.push(m | p.length);
  else { head.push(m | 126, p.length >> 8, p.length & 0xff); }
  const key = mask ? rng.bytes(4) : Buffer.alloc(0);
  const body = Buffer.from(p);
  if (mask) for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([Buffer.from(head), key, body]);
}

function generateRequest(rng, sp) {
  const lines = [];
  const path = rng.weighted([[12, sp ? "/s" : "/z"], [1, sp ? "/z" : "/s"], [1, "/elsewhere"], [1, `${sp ? "/s" : "/z"}?x=1`], [1, "*"], [1, `/${"p".repeat(rng.pick([100, 9000]))}`]]);
  const method = rng.weighted([[14, "GET"], [1, "POST"], [1, "get"], [1, "OPTIONS"]]);
  const version = rng.weighted([[14, "HTTP/1.1"], [1, "HTTP/1.0"], [1, "HTTP/2"], [1, "HTTP/1.1 x"]]);
  lines.push(`${method} ${path} ${version}`);
  const h = (n, v) => lines.push(`${n}: ${v}`);
  if (rng.chance(0.95)) h("Host", "127.0.0.1");
  if (rng.chance(0.95)) h("Upgrade", rng.weighted([[10, "websocket"], [1, "WebSocket"], [1, "websocket, h2c"], [1, ""], [1, "h2c"]]));
  if (rng.chance(0.95)) h("Connection", rng.weighted([[10, "Upgrade"], [1, "keep-alive, Upgrade"], [1, "close"], [1, "upgrade"]]));
  if (rng.chance(0.95)) h("Sec-WebSocket-Key", rng.weighted([[10, randomBytes(16).toString("base64")], [1, ""], [1, "abc"], [1, "x".repeat(1024)]]));
  if (rng.chance(0.95)) h("Sec-WebSocket-Version", rng.weighted([[10, "13"], [1, "8"], [1, "13, 8"], [1, "1".repeat(1024)], [1, ""]]));
  const protos = sp ? SP_PROTOS : ZMQ_PROTOS;
  if (rng.chance(0.9)) h("Sec-WebSocket-Protocol", rng.weighted([[10, protos[0]], [5, rng.pick(protos)]]));
  if (rng.chance(0.1)) h("Sec-WebSocket-Protocol", rng.pick(protos));
  if (rng.chance(0.1)) h("Origin", rng.pick(["http://evil.example", "null", ""]));
  if (rng.chance(0.1)) h("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
  if (rng.chance(0.05)) h("X-Big", "b".repeat(rng.pick([7000, 8200, 20000])));
  if (rng.chance(0.05)) h("Content-Length", rng.pick(["5", "-1", "99999999999"]));
  let head = `${lines.join("\r\n")}\r\n\r\n`;
  if (rng.chance(0.03)) head = head.replace(/\r\n/g, "\n");
  const parts = [Buffer.from(head, "latin1")];
  // Frames after the head: a first message of the right kind, or hostile frames.
  const nf = rng.weighted([[5, 0], [3, 1], [2, 2]]);
  for (let i = 0; i < nf; i++) {
    parts.push(rng.weighted([
      [4, () => frameBytes(rng, sp ? Buffer.concat([Buffer.from([0x80, 0, 0, 1]), Buffer.from("hi")]) : Buffer.from([0x00]))],
      [2, () => frameBytes(rng, sp ? Buffer.from([0, 0, 0, 1]) : Buffer.from([0x02, 0x05, 0x52, 0x45, 0x41, 0x44, 0x59]))],
      [1, () => frameBytes(rng, rng.bytes(rng.size(20)), { mask: false })],
      [1, () => frameBytes(rng, "text", { opcode: 1 })],
      [1, () => frameBytes(rng, rng.bytes(4), { opcode: rng.pick([0, 3, 8, 9, 10, 11, 15]) })],
      [1, () => frameBytes(rng, rng.bytes(10), { fin: false })],
      [1, () => Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
    ])());
  }
  return Buffer.concat(parts);
}

function generate(rng) {
  const sp = rng.chance(0.5);
  const mode = rng.weighted([[6, 0], [2, 1], [1, 2], [1, 3]]);
  return Buffer.concat([Buffer.from([sp ? 1 : 0, mode]), generateRequest(rng, sp)]);
}

function mutateHead(req, rng) {
  const end = req.indexOf("\r\n\r\n");
  if (end < 0) return mutateBytes(req, rng);
  const lines = req.subarray(0, end).toString("latin1").split("\r\n");
  const rest = req.subarray(end + 4);
  const i = rng.int(lines.length);
  switch (rng.int(7)) {
    case 0: if (lines.length > 1 && i > 0) lines.splice(i, 1); break;
    case 1: lines.splice(i + 1, 0, lines[i]); break;
    case 2: lines[i] = lines[i].replace(/:\s*(.*)$/, (_, v) => `: ${rng.pick(["", v + v, v.toUpperCase(), v.slice(1), `${v}\t`, "13", "ZWS2.0"])}`); break;
    case 3: lines[i] = lines[i].replace(/^[^:]+/, (n) => rng.pick([n.toUpperCase(), n.toLowerCase(), ` ${n}`, `${n} `, `${n}x`])); break;
    case 4: lines.splice(i + 1, 0, rng.pick([" folded", "NoColon", ":empty-name", `X-Pad: ${"z".repeat(rng.pick([10, 4000, 9000]))}`])); break;
    case 5: return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), mutateBytes(rest, rng)]);
    default: lines[i] = mutateBytes(Buffer.from(lines[i], "latin1"), rng).toString("latin1"); break;
  }
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), rest]);
}

function mutate(input, rng) {
  const fam = input[0] ?? 0;
  const mode = input[1] ?? 0;
  let req = input.subarray(2);
  const k = rng.int(10);
  if (k === 0) return Buffer.concat([Buffer.from([fam ^ 1, mode]), req]);
  if (k === 1) return Buffer.concat([Buffer.from([fam, rng.int(4)]), req]);
  req = k < 8 ? mutateHead(req, rng) : mutateBytes(req, rng);
  return Buffer.concat([Buffer.from([fam, mode]), req.subarray(0, 64 * 1024)]);
}

async function run(input) {
  const s = await setup();
  const fam = s.fams[(input[0] ?? 0) & 1];
  const mode = (input[1] ?? 0) % 4;
  const req = Buffer.from(input.subarray(2));
  problems.length = 0;
  const { how, got } = await exchange(fam.port, req, mode);
  const ans = parseHead(got);
  const feature = `${fam.name}:${how}:${ans.status ?? "none"}`;
  const where = `${fam.name} listener, mode ${mode}`;
  // A complete head the client did not cut off must be answered or closed.
  if (how === "silent" && req.includes("\r\n\r\n") && mode !== 1 && got.length === 0) {
    throw new FuzzFailure("answer", `${where}: a complete request head got no answer in ${ANSWER_MS} ms and the connection stayed open`, { key: `${fam.name}: no answer` });
  }
  if (ans.status !== null && ans.complete) {
    if (!(ans.status === 101 || (ans.status >= 400 && ans.status < 600))) {
      throw new FuzzFailure("answer", `${where}: answered ${JSON.stringify(ans.line)}`, { key: `${fam.name}: status ${ans.status}` });
    }
    const rh = requestHeaders(req);
    if (ans.status === 101 && rh) {
      const keys = rh["sec-websocket-key"] ?? [];
      const accept = ans.headers["sec-websocket-accept"] ?? [];
      if (keys.length === 1 && (accept.length !== 1 || accept[0] !== createHash("sha1").update(keys[0] + WS_GUID).digest("base64"))) {
        throw new FuzzFailure("answer", `${where}: 101 with Sec-WebSocket-Accept ${JSON.stringify(accept)} for key ${JSON.stringify(keys[0])}`, { key: `${fam.name}: bad accept` });
      }
      const offered = (rh["sec-websocket-protocol"] ?? []).join(",").split(",").map((p) => p.trim()).filter(Boolean);
      const chosen = ans.headers["sec-websocket-protocol"] ?? [];
      if (chosen.length !== 1 || !offered.includes(chosen[0])) {
        throw new FuzzFailure("answer", `${where}: 101 choosing subprotocol ${JSON.stringify(chosen)} from ${JSON.stringify(offered)}`, { key: `${fam.name}: subprotocol not offered` });
      }
    }
  }
  // Let the server see the end of the connection, then a good client must still get through.
  await new Promise((r) => setImmediate(r));
  await goodRoundTrip(s, fam);
  if (problems.length) throw new FuzzFailure("crash", `${where}: ${problems.join("; ")}`, { key: problems[0].split(" | ")[0].slice(0, 80) });
  const fds = openFds();
  if (fds > s.fdBase + 24) {
    const until = Date.now() + 2000;
    while (openFds() > s.fdBase + 24 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    if (openFds() > s.fdBase + 24) throw new FuzzFailure("descriptors", `${openFds() - s.fdBase} more descriptors open than when the listeners started`, { key: "descriptors pile up" });
  }
  return [feature];
}

export default {
  name: "ws-upgrade",
  description: "WebSocket upgrade handling of ws:// listeners (both families) over raw node:net connections",
  generate,
  mutate,
  run,
  close,
  describe(input) {
    const mode = ["wait", "reset", "two pieces", "half-close"][(input[1] ?? 0) % 4];
    const req = input.subarray(2).toString("latin1");
    return `${(input[0] ?? 0) & 1 ? "sp" : "zmq"} listener, ${mode}\n${JSON.stringify(req).slice(0, 1500)}`;
  },
};
