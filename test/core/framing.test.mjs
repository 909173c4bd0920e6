// Frame decoding after the handshake (RFC 23 "Framing"; docs/hostile-peers.md B15-B23):
// every fixture is fed whole and one byte at a time with identical results;
// bad frames close the pipe with the right reason and deliver nothing partial.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { newCore, rawPeer, handshake, Sock } from "./helpers/harness.mjs";
import { R, T, O, EAGAIN, MORE, LONG, COMMAND, header, frame, message, ping, concat, hex, reasonName } from "./helpers/wire.mjs";

// A PULL socket handshaken with a raw PUSH peer; `bytes` fed in `chunk`s.
// Returns the messages received (Buffers), the pipe events after the
// handshake, and how many bytes had been fed when the pipe closed.
function run(bytes, chunk = Infinity, options = {}) {
  const core = newCore();
  const { sock, pipe } = rawPeer(core, T.PULL, { options });
  handshake(pipe, "PUSH");
  const mark = pipe.events.length;
  const readableBefore = sock.readable;
  let closedAt = null;
  const b = Buffer.from(bytes);
  for (let i = 0; i < b.length; i += Math.min(chunk, b.length)) {
    pipe.feed(b.subarray(i, i + chunk));
    if (closedAt === null && pipe.closed) closedAt = Math.min(i + chunk, b.length);
  }
  const msgs = [];
  for (let m; Array.isArray((m = sock.recv()));) msgs.push(m);
  return { msgs, events: pipe.events.slice(mark), readable: sock.readable - readableBefore, reason: pipe.closeReason, closedAt, core, pipe, sock };
}

function runBoth(bytes, options = {}) {
  const whole = run(bytes, Infinity, options);
  const bytewise = run(bytes, 1, options);
  const pick = ({ msgs, events, readable, reason }) => ({ msgs, events, readable, reason });
  assert.equal(pick(bytewise), pick(whole), "byte-at-a-time outcome equals the whole-chunk outcome");
  return { ...whole, closedAt: bytewise.closedAt };
}

const strMsgs = (msgs) => msgs.map((m) => m.map((f) => f.toString("latin1")));
const pattern = (n) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff; return b; };

// ---- good fixtures ----

const good = [
  { name: "a single short frame", bytes: message("hello"), expect: [["hello"]] },
  { name: "a multipart message with empty frames", bytes: message("", "abc", "", ""), expect: [["", "abc", "", ""]] },
  { name: "a long-size encoding (0x02) of a 5-byte body", bytes: concat(header(LONG, 5), "hello"), expect: [["hello"]] },
  { name: "a long-size MORE frame (0x03) followed by a short one", bytes: concat(header(LONG | MORE, 3), "abc", frame(0, "d")), expect: [["abc", "d"]] },
  { name: "a 0-byte message", bytes: message(""), expect: [[""]] },
  { name: "a 0-byte message in long form", bytes: header(LONG, 0), expect: [[""]] },
  { name: "a 255-byte frame (largest short form)", bytes: message("x".repeat(255)), expect: [["x".repeat(255)]] },
  { name: "a 300-byte frame (long form)", bytes: message(pattern(300)), expect: [[pattern(300).toString("latin1")]] },
  { name: "three messages back to back", bytes: concat(message("a"), message("b", "c"), message("")), expect: [["a"], ["b", "c"], [""]] },
  { name: "a PING command between two messages", bytes: concat(message("a"), ping(0, ""), message("b")), expect: [["a"], ["b"]] },
];

for (const c of good) {
  test(`${c.name} is delivered intact (whole and byte-at-a-time agree)`, () => {
    const r = runBoth(c.bytes);
    assert.is(r.reason, null, reasonName(r.reason));
    assert.equal(strMsgs(r.msgs), c.expect);
    assert.ok(r.readable >= 1, "the socket signalled readable");
  });
}

test("the 300-byte fixture really uses the long form on the wire (flags 0x02, 8-byte size)", () => {
  const b = message(pattern(300));
  assert.equal(b.subarray(0, 9), hex("02 00 00 00 00 00 00 01 2c"));
});

test("a 1 MiB frame is delivered byte-exact (whole and byte-at-a-time agree)", () => {
  const body = pattern(1 << 20);
  const r = runBoth(message(body));
  assert.is(r.reason, null);
  assert.is(r.msgs.length, 1);
  assert.is(r.msgs[0].length, 1);
  assert.ok(r.msgs[0][0].equals(body), "1 MiB body matches");
});

test("one message is signalled readable once, however many bytes it came in", () => {
  const r = run(message("abc", "def"), 1);
  assert.is(r.readable, 1);
});

// ---- bad frames ----

const bad = [
  { name: "reserved flag bit 3 (0x08)", bytes: concat([0x08, 1], "x"), reason: R.R_MALFORMED_FRAME, at: 1 },
  { name: "reserved flag bit 7 (0x80)", bytes: concat([0x80, 1], "x"), reason: R.R_MALFORMED_FRAME, at: 1 },
  { name: "all reserved flag bits (0xF8)", bytes: concat([0xf8, 1], "x"), reason: R.R_MALFORMED_FRAME, at: 1 },
  { name: "COMMAND|MORE (0x05)", bytes: concat([COMMAND | MORE, 5, 4], "PING"), reason: R.R_MALFORMED_FRAME, at: 1 },
  { name: "COMMAND|MORE|LONG (0x07)", bytes: concat(header(COMMAND | MORE | LONG, 5), [4], "PING"), reason: R.R_MALFORMED_FRAME, at: 1 },
  { name: "a long size with the top bit set (2^63)", bytes: header(LONG, 1n << 63n), reason: R.R_MALFORMED_FRAME, at: 9 },
  { name: "a long size of 0xFFFF_FFFF_FFFF_FFFF", bytes: header(LONG, 0xffffffffffffffffn), reason: R.R_MALFORMED_FRAME, at: 9 },
  { name: "a long MORE frame with size 0x8000_0000_0000_0001", bytes: header(LONG | MORE, 0x8000000000000001n), reason: R.R_MALFORMED_FRAME, at: 9 },
];

for (const c of bad) {
  test(`a frame with ${c.name} closes with ${reasonName(c.reason)} as soon as the header byte arrives`, () => {
    const r = runBoth(concat(message("before"), c.bytes, message("after")));
    assert.is(reasonName(r.reason), reasonName(c.reason));
    assert.equal(strMsgs(r.msgs), [["before"]], "the earlier message is delivered, nothing after");
    assert.is(r.closedAt, message("before").length + c.at, "closed at the offending byte");
    assert.equal(r.events.filter((e) => e[0] === "close"), [["close", c.reason]]);
  });
}

test("a frame above maxMessageSize closes with R_MESSAGE_TOO_LARGE at the header, before any body byte (short and long form)", () => {
  const opts = { [O.OPT_MAXMSGSIZE]: 100 };
  for (const h of [header(0, 101), header(LONG, 101), header(MORE, 101), header(LONG, 1n << 40n)]) {
    const r = runBoth(h, opts);   // no body at all
    assert.is(reasonName(r.reason), "R_MESSAGE_TOO_LARGE", h.toString("hex"));
    assert.is(r.closedAt, h.length, "closed when the size is known");
    assert.equal(r.msgs, []);
  }
});

test("a frame of exactly maxMessageSize is accepted", () => {
  const r = runBoth(message("x".repeat(100)), { [O.OPT_MAXMSGSIZE]: 100 });
  assert.is(r.reason, null, reasonName(r.reason));
  assert.equal(strMsgs(r.msgs), [["x".repeat(100)]]);
});

test("frames each under maxMessageSize whose sum exceeds it close with R_MESSAGE_TOO_LARGE; nothing is delivered", () => {
  const opts = { [O.OPT_MAXMSGSIZE]: 10 };
  const r = runBoth(message("aaaaaa", "bbbbbb"), opts);
  assert.is(reasonName(r.reason), "R_MESSAGE_TOO_LARGE");
  assert.is(r.closedAt, 8 + 2, "closed at the second frame's header");
  assert.equal(r.msgs, []);
  const ok = runBoth(message("aaaaa", "bbbbb"), opts);
  assert.is(ok.reason, null, "a sum of exactly the limit is fine");
  assert.equal(strMsgs(ok.msgs), [["aaaaa", "bbbbb"]]);
  const two = runBoth(concat(message("aaaaaa"), message("bbbbbb")), opts);
  assert.is(two.reason, null, "the limit is per message, not per connection");
  assert.equal(strMsgs(two.msgs), [["aaaaaa"], ["bbbbbb"]]);
});

test("a multipart bomb over the frame-count limit (option maxFrames) closes with R_MESSAGE_TOO_LARGE", () => {
  const opts = { [O.OPT_MAX_FRAMES]: 100 };
  const frames = Buffer.concat(Array.from({ length: 101 }, () => Buffer.from([MORE, 0])));
  const bomb = runBoth(frames, opts);
  assert.is(reasonName(bomb.reason), "R_MESSAGE_TOO_LARGE");
  assert.equal(bomb.msgs, []);
  const fine = runBoth(message(...Array.from({ length: 100 }, () => "")), opts);
  assert.is(fine.reason, null);
  assert.is(fine.msgs[0].length, 100);
});

// ---- partial messages ----

test("a partial message when the transport closes is never delivered; the complete one before it is", () => {
  const r = run(concat(message("one"), frame(MORE, "a"), frame(MORE, "b"), header(0, 10), "half"));
  assert.is(r.reason, null);
  r.core.pipeClosed(r.pipe.h);
  const msgs = [];
  for (let m; Array.isArray((m = r.sock.recv()));) msgs.push(m);
  assert.equal(strMsgs(r.msgs.concat(msgs)), [["one"]]);
  assert.is(r.sock.recv(), EAGAIN);
});

test("a partial multipart message on a connect-side pipe is discarded on reconnect, not glued to the next connection's frames", () => {
  const core = newCore();
  const { sock, pipe } = rawPeer(core, T.PULL, { outbound: true });
  handshake(pipe, "PUSH");
  pipe.feed(concat(frame(MORE, "stale-1"), frame(MORE, "stale-2")));
  core.pipeClosed(pipe.h);          // transport lost mid-message
  pipe.start();                     // reconnected on the same session
  pipe.take();
  handshake(pipe, "PUSH");
  pipe.feed(message("fresh"));
  assert.equal(sock.recvStr(), ["fresh"]);
  assert.is(sock.recv(), EAGAIN);
});

test("a protocol failure mid-message discards the partial message", () => {
  const r = runBoth(concat(frame(MORE, "a"), frame(MORE, "b"), [0x40, 1], "c"));
  assert.is(reasonName(r.reason), "R_MALFORMED_FRAME");
  assert.equal(r.msgs, []);
});

// ---- memory ----

test("a header claiming 4 GiB (maxMessageSize unlimited) and then silence does not grow Wasm memory", () => {
  const core = newCore();
  const { pipe } = rawPeer(core, T.PULL);
  handshake(pipe, "PUSH");
  const before = core.memoryBytes;
  pipe.feed(header(LONG, 2 ** 32));
  assert.ok(core.memoryBytes - before <= 1 << 20, `memory grew by ${core.memoryBytes - before} bytes`);
  // Either outcome is fine here: refused at the header, or waiting for bytes.
  if (pipe.closed) assert.is(reasonName(pipe.closeReason), "R_MESSAGE_TOO_LARGE");
});

test("a header claiming 1.5 GiB (maxMessageSize unlimited) is refused at the header by the default receive budget, before anything is allocated", () => {
  const core = newCore();
  const { sock, pipe } = rawPeer(core, T.PULL);
  handshake(pipe, "PUSH");
  const before = core.heapBytes;
  pipe.feed(header(LONG, 0x60000000));
  assert.is(reasonName(pipe.closeReason), "R_MEMORY_BUDGET");
  assert.ok(core.heapBytes - before <= 4096, `the refused header held ${core.heapBytes - before} bytes`);
  assert.is(sock.recv(), EAGAIN, "nothing delivered");
});

test("a header claiming 200 MiB (within the budget): the body's bytes never enter linear memory as they arrive", () => {
  const core = newCore();
  const { sock, pipe } = rawPeer(core, T.PULL);
  handshake(pipe, "PUSH");
  const before = core.memoryBytes;
  pipe.feed(header(LONG, 200 << 20));
  assert.not.ok(pipe.closed, reasonName(pipe.closeReason));
  pipe.feed(Buffer.alloc(4 << 20, 1), 65536);   // 4 MiB of the claimed body, in 64 KiB reads
  assert.ok(core.memoryBytes - before <= 1 << 20, `4 MiB of body grew linear memory by ${core.memoryBytes - before} bytes`);
  const counted = core.receivedBytes;
  assert.ok(counted >= 200 << 20 && counted <= (200 << 20) + 64, `the announced size (and a record's few bytes) is what the budget counts: ${counted}`);
  assert.not.ok(pipe.closed);
  core.pipeClosed(pipe.h);
  assert.is(sock.recv(), EAGAIN, "nothing delivered");
  assert.is(core.receivedBytes, 0, "the budget is given back with the partial message");
});

test("empty frames count against the receive budget: a flood of them is refused, not held uncounted", () => {
  const core = newCore();
  core.setReceiveBudget(64 << 10);
  const { sock, pipe } = rawPeer(core, T.PULL);
  handshake(pipe, "PUSH");
  // 30k empty MORE frames (under the 65536-frame limit): no body bytes, but
  // 4 bytes of record each, 120 KiB in all.
  pipe.feed(Buffer.alloc(30_000 * 2).fill(Buffer.from([0x01, 0x00])), 65536);
  assert.is(reasonName(pipe.closeReason), "R_MEMORY_BUDGET");
  assert.is(sock.recv(), EAGAIN);
  assert.is(core.receivedBytes, 0);
});

test("command headers claiming 1 MiB on 16 connections, then silence, do not reserve the claimed bytes (like data frames)", () => {
  for (const [kind, flags] of [["data", LONG], ["command", COMMAND | LONG]]) {
    const core = newCore();
    const pub = new Sock(core, T.PUB);
    const pipes = Array.from({ length: 16 }, () => { const p = pub.pipe(false).start(); handshake(p, "SUB"); return p; });
    const before = core.memoryBytes;
    for (const p of pipes) p.feed(header(flags, 1 << 20));   // a SUBSCRIBE could be this long; none of it arrives
    const grew = core.memoryBytes - before;
    assert.ok(grew <= 4 << 20, `${kind} headers grew memory by ${(grew / 2 ** 20).toFixed(1)} MiB for 0 body bytes`);
  }
});

test.run();
