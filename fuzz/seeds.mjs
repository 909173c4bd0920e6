#!/usr/bin/env node
// Writes the seed corpus, test/fixtures/fuzz/<target>/seed-*.hex, from named
// builders: one valid session per socket type and framing, and the hostile
// cases of docs/hostile-peers.md (sections A, B, D, E, F) that each
// target can express. Seeds are where campaigns start mutating and what
// test/fuzz replays with every oracle. Run it again after changing a
// builder: `node fuzz/seeds.mjs` (it rewrites only seed-*.hex files;
// regression inputs and crashes are left alone).
import { writeFileSync, mkdirSync, readdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, toHex } from "./lib/corpus.mjs";
import { encodeScenario, encodeFrames, OP, step, tick } from "./lib/scenario.mjs";
import {
  greeting, ready, command, message, frame, pingData, sizeField, spHeader, spMessage, words, backtrace,
  zwsFrame, zwsReady, zwsCommand, MORE, LONG, COMMAND,
} from "./lib/wire.mjs";
import { TYPES as ZMTP_TYPES } from "./targets/zmtp.mjs";
import { ROLES as SP_ROLES } from "./targets/sp.mjs";
import { PROTO } from "./lib/core.mjs";
import { encode as encodeTrie } from "./targets/trie.mjs";
import { encode as encodeRouter } from "./targets/router.mjs";
import { encode as encodeArgv } from "./targets/cli-args.mjs";

const seeds = {};
const add = (target, name, comment, input) => { (seeds[target] ??= []).push({ name, comment, input }); };

const IN = (pipe, ...parts) => step(OP.IN, pipe, Buffer.concat(parts.map((p) => Buffer.from(p))));
const RECV = (n = 0) => step(OP.RECV, 0, Buffer.from([n]));
const SEND = (...frames) => step(OP.SEND, 0, encodeFrames(frames.map((f) => (typeof f === "string" ? Buffer.from(f, "latin1") : f))));
const SUB = (on, topic) => step(OP.SUB, 0, Buffer.concat([Buffer.from([on ? 1 : 0]), Buffer.from(topic)]));
const CLOSE = (pipe) => step(OP.CLOSE, pipe);
const ECHO = (pipe, data) => step(OP.ECHO, pipe, Buffer.from(data));

// ---- zmtp ----

const zconf = (type, f = 0, g = 0) => Buffer.from([ZMTP_TYPES.indexOf(type), f, g]);
const hs = (pipe, peer, props = [], minor = 1) => [IN(pipe, greeting({ minor })), IN(pipe, ready([["Socket-Type", peer], ...props]))];
const zmtp = (name, comment, type, steps, f = 0, g = 0) => add("zmtp", name, comment, encodeScenario({ conf: zconf(type, f, g), steps }));

zmtp("router-dealers", "ROUTER with two DEALERs (identity A, generated id): receive from both, send to A", "ROUTER", [
  ...hs(0, "DEALER", [["Identity", "A"]]), ...hs(1, "DEALER"), IN(0, message(["from A"])), IN(1, message(["x", "y"])), RECV(), SEND("A", "to A"), SEND("nobody", "lost"),
]);
zmtp("router-duplicate-handover", "ROUTER, handover and mandatory on: a second peer takes identity A", "ROUTER", [
  ...hs(0, "DEALER", [["Identity", "A"]]), ...hs(1, "REQ", [["Identity", "A"]]), SEND("A", "to newest"), SEND("B", "unroutable"), RECV(),
], 16 | 32);
zmtp("pub-sub31", "PUB with a 3.1 SUB: SUBSCRIBE/CANCEL commands, publish matching and not", "PUB", [
  ...hs(0, "SUB"), IN(0, command("SUBSCRIBE", "news")), SEND("news.1", "body"), SEND("other", "x"), IN(0, command("CANCEL", "news")), SEND("news.2", "dropped"),
]);
zmtp("xpub-sub30", "XPUB with a 3.0 peer subscribing by 0x01/0x00 messages, verbosity 2", "XPUB", [
  ...hs(0, "XSUB", [], 0), IN(0, message(["\x01a"])), IN(0, message(["\x01a"])), IN(0, message(["\x00a"])), RECV(), SEND("ab", "1"), IN(0, message(["up"])), RECV(),
], 16, 2);
zmtp("sub-filter", "SUB subscribed to 'a' and '' then not: messages kept and filtered", "SUB", [
  SUB(true, "a"), ...hs(0, "PUB"), IN(0, message(["ab", "1"]), message(["b", "2"])), SUB(true, ""), IN(0, message(["b", "3"])), SUB(false, ""), IN(0, message(["c", "4"])), RECV(),
]);
zmtp("xsub-resubscribe", "XSUB resends its subscriptions to a reconnected PUB", "XSUB", [
  SEND("\x01t"), ...hs(0, "XPUB"), IN(0, message(["t1", "x"])), RECV(), CLOSE(0), ...hs(0, "PUB"), SEND("\x00t"),
]);
zmtp("req-rep", "REQ: request, a reply without and with the delimiter, EFSM on a second send", "REQ", [
  ...hs(0, "REP"), SEND("q"), SEND("q2"), IN(0, message(["no-delimiter"])), IN(0, message(["", "answer"])), RECV(),
]);
zmtp("req-correlate-relaxed", "REQ with correlate and relaxed: id frame, second request abandons the first", "REQ", [
  ...hs(0, "ROUTER"), SEND("q1"), SEND("q2"), IN(0, message(["\x01\x00\x00\x00", "", "r"])), RECV(),
], 16 | 32);
zmtp("rep-envelope", "REP: envelopes with routing frames, a request without delimiter dropped, the reply", "REP", [
  ...hs(0, "DEALER"), IN(0, message(["id1", "id2", "", "q"])), IN(0, message(["nodelim"])), RECV(), SEND("r"), RECV(),
]);
zmtp("pull-multipart-fq", "PULL fair-queuing multipart messages from two PUSH peers", "PULL", [
  ...hs(0, "PUSH"), ...hs(1, "PUSH"), IN(0, message(["a", "b", "c"])), IN(1, message(["1"])), IN(0, message([""])), RECV(),
]);
zmtp("dealer-large-frames", "DEALER sending frames large enough to be spliced by reference, long-form input frames", "DEALER", [
  ...hs(0, "ROUTER"), step(OP.SEND, 0, encodeFrames([Buffer.from("h"), { large: 2, fill: 0x7a }])), IN(0, frame(0, "tiny", { long: true })), IN(0, frame(0, Buffer.alloc(300, 1))), RECV(),
]);
zmtp("pair-second-peer", "PAIR refuses a second peer; conflate keeps the last message", "PAIR", [
  ...hs(0, "PAIR"), ...hs(1, "PAIR"), IN(0, message(["1"]), message(["2"])), RECV(),
], 32);
zmtp("heartbeat-ping-pong", "heartbeats on: PINGs sent, a PING with a 20-byte context answered with 16, timeout", "DEALER", [
  ...hs(0, "DEALER"), IN(0, command("PING", pingData(0, "0123456789abcdefghij"))), tick(100), IN(0, command("PONG", "")), tick(100), tick(300), tick(500),
], 1);
zmtp("regression-ping-ttl-cut", "regression (fixed in 5143a28): a PING's TTL followed by more bytes in the same chunk must not depend on the cut", "PAIR", [
  IN(0, greeting(), ready([["Socket-Type", "PAIR"]])), IN(0, command("PING", pingData(10)), message(["after"])), tick(500), tick(600),
]);
zmtp("handshake-timeout-drip", "a greeting dripped one byte at a time then silence: closed at the handshake deadline", "PUSH", [
  IN(0, greeting().subarray(0, 11)), tick(100), IN(0, greeting().subarray(11, 40)), tick(150),
], 8);
zmtp("greetings-bad", "three peers: HTTP bytes, a ZMTP 1.0 signature, a CURVE mechanism", "ROUTER", [
  IN(0, "GET / HTTP/1.1\r\n\r\n"), IN(1, greeting({ sigEnd: 0x7e })), IN(2, greeting({ mechanism: "CURVE" })),
]);
zmtp("greeting-future-version", "major 4 minor 255 is accepted as 3.x", "PULL", [
  IN(0, greeting({ major: 4, minor: 255 })), IN(0, ready([["Socket-Type", "PUSH"]])), IN(0, message(["ok"])), RECV(),
]);
zmtp("handshake-bad-metadata", "READY with a value length past the end, a data frame before READY, READY twice", "ROUTER", [
  IN(0, greeting(), frame(COMMAND, Buffer.concat([Buffer.from("\x05READY\x08Identity"), Buffer.from([0x7f, 0xff, 0xff, 0xff]), Buffer.from("abc")]))),
  IN(1, greeting(), message(["early"])),
  ...hs(2, "DEALER"), IN(2, ready([["Socket-Type", "DEALER"]])),
]);
zmtp("handshake-type-mismatch", "PUB peer to a REQ: ERROR sent, closed; identity with a leading 0x00 to a ROUTER", "REQ", [
  ...hs(0, "PUB"), IN(1, greeting(), ready([["Socket-Type", "REP"], ["Identity", "\x00x"]])),
]);
zmtp("frames-hostile", "reserved bits, COMMAND+MORE, a size of 2^63, a 4 GiB claim then silence", "DEALER", [
  ...hs(0, "DEALER"), IN(0, Buffer.from([0x08, 0x00])),
  ...hs(1, "DEALER"), IN(1, Buffer.from([COMMAND | MORE, 0x00])),
  ...hs(2, "DEALER"), IN(2, Buffer.from([LONG]), sizeField(1n << 63n, true)),
  CLOSE(2), ...hs(2, "DEALER"), IN(2, Buffer.from([LONG | MORE]), sizeField(1n << 32n, true), "abc"),
]);
zmtp("multipart-bomb", "many empty MORE frames with the frame and size limits on", "PULL", [
  ...hs(0, "PUSH"), IN(0, Buffer.concat(Array.from({ length: 400 }, () => Buffer.from([MORE, 0])))), IN(1, greeting(), ready([["Socket-Type", "PUSH"]]), message(["a", Buffer.alloc(280, 2)])),
], 2);
zmtp("commands-after-handshake", "unknown command dropped, short PING refused, ERROR received", "DEALER", [
  ...hs(0, "ROUTER"), IN(0, command("JOIN", "g")), IN(0, command("PING", "")), ...hs(1, "ROUTER"), IN(1, command("ERROR", "\x03bye")),
]);
zmtp("outbound-reconnect", "a connect-made pipe closed by the peer reconnects after the interval", "DEALER", [
  ...hs(0, "ROUTER"), SEND("queued"), CLOSE(0), SEND("while down"), tick(100), ...hs(0, "ROUTER"), IN(0, message(["back"])), RECV(),
], 64);
zmtp("hwm-pause", "high-water marks of 2: inbound pauses, then resumes as messages are read", "PULL", [
  ...hs(0, "PUSH"), IN(0, message(["1"]), message(["2"]), message(["3"])), RECV(1), RECV(1), RECV(),
], 4);

// ---- zws ----

const zws = (name, comment, type, steps, f = 0, g = 0) => add("zws", name, comment, encodeScenario({ conf: zconf(type, f, g), steps }));
const zm = (pipe, frames) => frames.map((f, i) => IN(pipe, zwsFrame(i + 1 < frames.length ? 1 : 0, f)));

zws("router-plain-ids", "plain ZWS2.0: routing ids as first messages, ROUTER routes by them", "ROUTER", [
  IN(0, zwsFrame(0, "A")), IN(1, zwsFrame(0, "")), ...zm(0, ["hello", "2"]), ...zm(1, ["x"]), RECV(), SEND("A", "back"),
]);
zws("null-ready", "ZWS2.0/NULL: READY exchange, a subscription message, publish", "XPUB", [
  IN(0, zwsReady([["Socket-Type", "SUB"]])), ...zm(0, ["\x01n"]), SEND("news", "1"), RECV(),
], 0, 1);
zws("null-commands", "ZWS2.0/NULL: PING answered with PONG, unknown command, data before READY on a second peer", "DEALER", [
  IN(0, zwsReady([["Socket-Type", "DEALER"], ["Identity", "d"]])), IN(0, zwsCommand("PING", pingData(0, "ctx"))), IN(0, zwsCommand("HELLO", "")),
  IN(1, zwsFrame(0, "data first")),
], 0, 1);
zws("hostile-messages", "an empty message, reserved flag bits, COMMAND with MORE, a 256-byte routing id", "PULL", [
  IN(0, Buffer.alloc(0)), IN(1, zwsFrame(0, "")), IN(1, Buffer.from([0x04, 0x61])), IN(2, zwsFrame(0, Buffer.alloc(256, 0x69))),
]);
zws("sub-over-zws", "SUB over ZWS2.0/NULL subscribes with 00 01 T messages", "SUB", [
  SUB(true, "t"), IN(0, zwsReady([["Socket-Type", "PUB"]])), ...zm(0, ["t1", "x"]), ...zm(0, ["u"]), RECV(), SUB(false, "t"),
], 0, 1);
zws("req-rep", "REP over plain ZWS2.0: envelope and reply", "REP", [
  IN(0, zwsFrame(0, "")), ...zm(0, ["", "q"]), RECV(), SEND("r"),
]);

// ---- sp ----

const sconf = (role, f = 0) => Buffer.from([SP_ROLES.indexOf(role), f]);
const sp = (name, comment, role, steps, f = 0) => add("sp", name, comment, encodeScenario({ conf: sconf(role, f), steps }));
const SPEER = { REP0: "REQ0", REQ0: "REP0", RESPONDENT0: "SURVEYOR0", SURVEYOR0: "RESPONDENT0", SUB0: "PUB0", PULL0: "PUSH0", PAIR1: "PAIR1", BUS0: "BUS0", PAIR0: "PAIR0", PUB0: "SUB0", PUSH0: "PULL0" };
const hdr = (role) => spHeader(PROTO[SPEER[role]]);

sp("rep0-backtraces", "REP0: requests with 0 and 2 hops, 9 hops dropped (TTL), no terminator closes", "REP0", [
  IN(0, hdr("REP0"), spMessage(Buffer.concat([backtrace([], 1), Buffer.from("q")]))), RECV(), SEND("r"),
  IN(1, hdr("REP0"), spMessage(Buffer.concat([backtrace([5, 6], 2), Buffer.from("q2")]))), RECV(), SEND("r2"),
  IN(1, spMessage(Buffer.concat([backtrace([1, 2, 3, 4, 5, 6, 7, 8, 9], 3), Buffer.from("far")]))), IN(1, spMessage(words(1, 2))), RECV(),
]);
sp("req0-echo-reply", "REQ0: a stale reply dropped, the reply with its own id accepted; resend after 100 ms", "REQ0", [
  IN(0, hdr("REQ0")), SEND("ask"), IN(0, spMessage(Buffer.concat([words(0x80000001), Buffer.from("stale")]))), ECHO(0, "reply"), RECV(), SEND("again"), tick(100), tick(100), ECHO(0, "late"), RECV(),
], 128);
sp("surveyor-deadline", "SURVEYOR0: answers with the survey id until the deadline, then ETIMEDOUT and ESTATE", "SURVEYOR0", [
  IN(0, hdr("SURVEYOR0")), IN(1, hdr("SURVEYOR0")), SEND("vote?"), ECHO(0, "yes"), ECHO(1, "no"), RECV(), tick(100), ECHO(0, "late"), RECV(), RECV(),
], 128);
sp("respondent-ipc", "RESPONDENT0 over the ipc framing; a bad message-type byte closes", "RESPONDENT0", [
  IN(0, hdr("RESPONDENT0"), spMessage(Buffer.concat([backtrace([], 9), Buffer.from("s")]), { ipc: true })), RECV(), SEND("a"),
  IN(1, hdr("RESPONDENT0"), spMessage("x", { ipc: true, type: 2 })),
], 1);
sp("sub0-topics", "SUB0: local topics, body prefix match", "SUB0", [
  SUB(true, "a"), IN(0, hdr("SUB0"), spMessage("abc"), spMessage("b")), SUB(true, ""), IN(0, spMessage("b2")), SUB(false, "a"), RECV(),
]);
sp("pull0-sizes", "PULL0: maxmsgsize 64, a 65-byte message closes; a size with the top bits set", "PULL0", [
  IN(0, hdr("PULL0"), spMessage(Buffer.alloc(64, 1))), IN(0, spMessage(Buffer.alloc(65, 2))),
  IN(1, hdr("PULL0"), sizeField((1n << 63n) + 5n, true)), IN(2, hdr("PULL0"), spMessage("ab", { size: 10 })), CLOSE(2), RECV(),
], 8);
sp("pair1-hops", "PAIR1: hop counts 1 (kept), 9 (over TTL, dropped), 0x100 (closes)", "PAIR1", [
  IN(0, hdr("PAIR1"), spMessage(Buffer.concat([words(1), Buffer.from("a")])), spMessage(Buffer.concat([words(9), Buffer.from("b")]))), RECV(), SEND("out"),
  IN(0, spMessage(Buffer.concat([words(0x100), Buffer.from("c")]))),
]);
sp("bus0-raw", "BUS0 raw: receive with the origin header, send skipping that pipe", "BUS0", [
  IN(0, hdr("BUS0")), IN(1, hdr("BUS0")), IN(0, spMessage("m")), RECV(), SEND(words(1), "fwd"), SEND(Buffer.from([1]), "bad"),
], 4);
sp("bad-headers", "the mangos bad-header list: truncated, wrong version, reserved bytes, wrong protocol", "PAIR0", [
  IN(0, Buffer.from([0])), CLOSE(0), IN(0, Buffer.from([0, 0x53, 0x50, 1, 0, 0x10, 0, 0])), IN(1, Buffer.from([0, 0x53, 0x50, 0, 0, 0x10, 0, 1])),
  IN(2, spHeader(PROTO.PAIR1)),
]);
sp("pub0-refuses-input", "PUB0: anything received from a SUB closes the pipe", "PUB0", [
  IN(0, hdr("PUB0")), SEND("x"), IN(0, spMessage("nope")), IN(1, hdr("PUB0")), SEND("y"),
]);
sp("ws-rep0", "REP0 over WebSocket message mode: one message per request, no header", "REP0", [
  IN(0, Buffer.concat([backtrace([], 4), Buffer.from("q")])), RECV(), SEND("r"), IN(0, Buffer.from([1, 2])),
], 2);
sp("push0-hwm", "PUSH0 with high-water marks of 2 and outbound pipes", "PUSH0", [
  IN(0, hdr("PUSH0")), SEND("1"), SEND("2"), SEND("3"), CLOSE(0), tick(100), IN(0, hdr("PUSH0")), SEND("4"),
], 32 | 64);

// ---- trie ----

const T = (code, topic, arg = 0) => ({ code, arg, topic: Buffer.from(topic, "latin1") });
add("trie", "sub-counted", "SUB: counted subscriptions, prefixes that split and merge the radix tree", encodeTrie({ conf: 0, ops: [
  T(0, "abc"), T(0, "ab"), T(0, "abd"), T(2, "abcx"), T(1, "ab"), T(2, "abx"), T(0, "abc"), T(1, "abc"), T(2, "abc"), T(1, "abc"), T(2, "abc"), T(4, ""), T(0, ""), T(2, "zz"),
] }));
add("trie", "xsub-30-peer", "XSUB with a 3.0 peer: subscriptions as 0x01/0x00 messages, resend on reconnect", encodeTrie({ conf: 2 | 16, ops: [
  T(0, "a"), T(0, "a"), T(1, "a"), T(0, "\x00"), T(2, "\x00x"), T(4, ""), T(1, "a"), T(3, "a"),
] }));
add("trie", "xpub-verbose", "XPUB verbosity 2 with three peers: reports per subscribe and cancel, disconnect cancels", encodeTrie({ conf: 1 | 2 | 8, ops: [
  T(0, "n", 0), T(0, "n", 1), T(0, "ne", 2), T(0, "n", 4), T(2, "news", 0), T(1, "n", 1), T(4, "", 0), T(2, "new", 0), T(1, "ne", 2 | 4),
] }));
add("trie", "pub-long-topics", "PUB: topics of 300 bytes sharing a prefix, exact and prefix matches", encodeTrie({ conf: 1, ops: [
  T(0, "x".repeat(300) + "a", 0), T(0, "x".repeat(300), 1), T(2, "x".repeat(300) + "ab", 0), T(1, "x".repeat(300), 1), T(2, "x".repeat(301), 0),
] }));

// ---- router ----

const Rop = (code, arg = 0, data = "") => ({ code, arg, data: Buffer.from(data, "latin1") });
add("router", "duplicates-no-handover", "ROUTER: a duplicate identity refused, invalid identities refused, generated ids learnt", encodeRouter({ conf: 0, ops: [
  Rop(0, 1), Rop(0, 1), Rop(0, 0), Rop(0, 4), Rop(0, 5), Rop(0, 6), Rop(2, 0, "hi"), Rop(2, 1, "g"), Rop(3, 0, "to-first"), Rop(3, 1, "pool-a"),
] }));
add("router", "handover-mandatory-hwm", "ROUTER with handover, mandatory and sndhwm 2: takeover, EHOSTUNREACH, EAGAIN when stalled", encodeRouter({ conf: 1 | 2 | 4, ops: [
  Rop(0, 1), Rop(0, 1), Rop(3, 1 | (1 << 2), "x"), Rop(4, 0), Rop(3, 1 | (1 << 2), "1"), Rop(3, 1 | (1 << 2), "2"), Rop(3, 1 | (1 << 2), "3"), Rop(5, 0), Rop(3, 3, "zzzzzz?"), Rop(1, 0), Rop(3, 1 | (1 << 2), "gone"),
] }));

// ---- cli-args ----

const argv = (name, comment, args) => add("cli-args", name, comment, encodeArgv(args));
argv("zmq-rep", "a zmq REP answering with --data", ["zmq", "rep", "--bind", "tcp://*:5555", "--data", "pong"]);
argv("sp-req-nngcat", "nngcat style: --req0 --dial URL -D text -i seconds -C count", ["--req0", "--dial", "tcp://127.0.0.1:5555", "-D", "ping", "-i", "0.5", "-C", "3"]);
argv("sp-sub-options", "sp sub with subscriptions, a format and a receive limit", ["sp", "sub", "--connect=ipc:///tmp/x", "--subscribe", "a", "--subscribe", "", "--hex", "-Z", "1024"]);
argv("surveyor", "a surveyor with a survey time", ["sp", "surveyor", "-L", "0", "--survey-time", "2", "--data", "?", "--recv-timeout", "1"]);
argv("usage-errors", "mistakes: an unknown family, a value missing", ["nng", "req", "--bind"]);
argv("help-version", "help for a type, then version", ["sp", "rep", "--help", "--version"]);
argv("regression-newline-in-unknown-option", "regression (open): an unknown option with a newline gives a usage message of two lines", ["zmq", "pull", "--bind", "tcp://*:0", "--x\ny"]);

// ---- ws-upgrade ----

const up = (name, comment, sp, mode, head) => add("ws-upgrade", name, comment, Buffer.concat([Buffer.from([sp ? 1 : 0, mode]), Buffer.from(head, "latin1")]));
const reqHead = (path, proto, extra = "") => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${proto === null ? "" : `Sec-WebSocket-Protocol: ${proto}\r\n`}${extra}\r\n`;
up("zmq-good", "a good ZWS2.0/NULL upgrade", false, 0, reqHead("/z", "ZWS2.0/NULL, ZWS2.0"));
up("sp-good", "a good rep.sp.nanomsg.org upgrade", true, 0, reqHead("/s", "rep.sp.nanomsg.org"));
up("zmq-version-8-reset", "version 8, then a reset at once", false, 1, reqHead("/z", "ZWS2.0").replace("Version: 13", "Version: 8"));
up("sp-wrong-protocol", "a REQ listener's name offered to a REP listener", true, 0, reqHead("/s", "req.sp.nanomsg.org"));
up("zmq-duplicate-protocol", "the same subprotocol twice", false, 0, reqHead("/z", "ZWS2.0, ZWS2.0"));
up("sp-wrong-path-half-close", "a path nothing is bound on, then a half close", true, 3, reqHead("/elsewhere", "rep.sp.nanomsg.org"));
up("zmq-big-headers", "headers over 8 KiB", false, 0, reqHead("/z", "ZWS2.0", `X-Pad: ${"p".repeat(9000)}\r\n`));
up("zmq-no-protocol-two-pieces", "no subprotocol, the head sent in two pieces", false, 2, reqHead("/z", null));
up("sp-not-an-upgrade", "a plain GET", true, 0, "GET /s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

// ---- write them ----

for (const [target, list] of Object.entries(seeds)) {
  const dir = join(FIXTURES, target);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.startsWith("seed-") && f.endsWith(".hex")) unlinkSync(join(dir, f));
  for (const s of list) {
    const file = s.name.startsWith("regression-") ? `${s.name}.hex` : `seed-${s.name}.hex`;
    writeFileSync(join(dir, file), toHex(s.input, `${target}: ${s.comment}\n(written by fuzz/seeds.mjs)`));
  }
  console.log(`${target}: ${list.length} files in ${dir}`);
}
