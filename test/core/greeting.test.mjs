// ZMTP greeting (RFC 23 "Formal Grammar", "Version Negotiation";
// docs/hostile-peers.md A3-A6): a table of greetings,
// each fed whole and one byte at a time, with identical outcomes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { newCore, rawPeer } from "./helpers/harness.mjs";
import { R, T, greeting, ready, decode, parseMetadata, concat, hex, reasonName } from "./helpers/wire.mjs";

// Feeds `bytes` to a fresh PULL socket's pipe, whole (chunk = Infinity) or
// in chunks, and reports what happened. `closedAt` is the number of bytes
// fed when the close event appeared (byte-at-a-time runs only).
function run(bytes, chunk) {
  const core = newCore();
  const { pipe } = rawPeer(core, T.PULL);
  const ours = pipe.take();
  let closedAt = null;
  if (chunk === Infinity) pipe.feed(bytes);
  else {
    for (let i = 0; i < bytes.length; i += chunk) {
      pipe.feed(bytes.subarray(i, i + chunk));
      if (closedAt === null && pipe.closed) closedAt = Math.min(i + chunk, bytes.length);
    }
  }
  return { ours, events: pipe.events, out: pipe.take(), reason: pipe.closeReason, peerType: pipe.peerType, closedAt };
}

// Both runs must agree on everything but closedAt.
function runBoth(bytes) {
  const whole = run(bytes, Infinity);
  const bytewise = run(bytes, 1);
  const { closedAt, ...w } = whole;
  const { closedAt: at, ...b } = bytewise;
  assert.equal(b, w, "byte-at-a-time outcome equals the whole-chunk outcome");
  return { ...whole, closedAt: at };
}

// What a PULL socket says once the greeting is in: READY, Socket-Type PULL.
const PULL_READY = ready({ "Socket-Type": "PULL" });

test("our greeting is the 64 bytes of RFC 23 'Formal Grammar': FF, 8 zero pad bytes, 7F, 03 01, NULL NUL-padded, as-server 0, zero filler", () => {
  const { pipe } = rawPeer(newCore(), T.DEALER);
  const g = pipe.take();
  const expected = hex(`
    ff 00 00 00 00 00 00 00 00 7f 03 01
    4e 55 4c 4c 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
    00
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00`);
  assert.is(expected.length, 64);
  assert.equal(g, expected);
  assert.equal(pipe.events, [["output", false]], "one output event, nothing else");
});

test("our greeting is queued before any byte from the peer arrives (never wait for the peer's 64 bytes)", () => {
  const core = newCore();
  const { pipe } = rawPeer(core, T.PUSH, { start: false });
  assert.is(pipe.take().length, 0, "nothing before start");
  pipe.start();
  assert.is(pipe.take().length, 64);
});

// ---- accepted ----

const accepted = [
  { name: "ZMTP 3.0 (FF…7F 03 00 NULL)", g: greeting(3, 0) },
  { name: "ZMTP 3.1 (FF…7F 03 01 NULL)", g: greeting(3, 1) },
  { name: "version 4.255 (a future 3.x-compatible peer)", g: greeting(4, 255) },
  { name: "libzmq padding (identity length + 1 in bytes 1-8, never validated)", g: greeting(3, 0, "NULL", { padding: [0, 0, 0, 0, 0, 0, 0, 1] }) },
];

for (const c of accepted) {
  test(`greeting ${c.name} is accepted: we answer with READY, and the peer's READY completes the handshake (whole and byte-at-a-time agree)`, () => {
    // Greeting alone: our READY follows, no handshake yet.
    const g = runBoth(c.g);
    assert.is(g.reason, null, `not closed (got ${reasonName(g.reason)})`);
    assert.equal(g.out, PULL_READY, "our READY goes out once the peer's greeting is in");
    assert.is(g.peerType, null, "no handshake before the peer's READY");

    // Greeting + READY.
    const r = runBoth(concat(c.g, ready({ "Socket-Type": "PUSH" })));
    assert.is(r.reason, null, `not closed (got ${reasonName(r.reason)})`);
    assert.is(r.peerType, T.PUSH, "handshake reports the peer's type");
    assert.equal(r.events.filter((e) => e[0] === "handshake"), [["handshake", T.PUSH]], "exactly one handshake event");
    assert.equal(r.out, PULL_READY);
  });
}

// ---- rejected ----

const mech20 = (s) => { const b = Buffer.alloc(20); Buffer.from(s, "latin1").copy(b); return b; };
const nullThenGarbage = mech20("NULL"); nullThenGarbage[19] = 0x58;
const nullSpacePadded = Buffer.alloc(20, 0x20); Buffer.from("NULL").copy(nullSpacePadded);

// `at`: exact byte count at which a byte-at-a-time run must be closed
// ([lo, hi] when any point in a range is acceptable).
const rejected = [
  { name: "an HTTP request (first byte not 0xFF)", bytes: Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), reason: R.R_BAD_GREETING, at: 1 },
  { name: "a TLS ClientHello (first byte 0x16)", bytes: hex("16 03 01 02 00 01 00 01 fc 03 03"), reason: R.R_BAD_GREETING, at: 1 },
  { name: "a ZMTP 1.0 signature (byte 9 bit 0 clear)", bytes: greeting(3, 1, "NULL", { sigEnd: 0x7e }), reason: R.R_UNSUPPORTED_VERSION, at: 10 },
  { name: "major version 0 (ZMTP 1.0 framing)", bytes: greeting(0, 0), reason: R.R_UNSUPPORTED_VERSION, at: 11 },
  { name: "major version 1 (ZMTP 2.0)", bytes: greeting(1, 0), reason: R.R_UNSUPPORTED_VERSION, at: 11 },
  { name: "major version 2", bytes: greeting(2, 0), reason: R.R_UNSUPPORTED_VERSION, at: 11 },
  { name: "mechanism CURVE", bytes: greeting(3, 1, "CURVE"), reason: R.R_MECHANISM_MISMATCH, at: [17, 64] },
  { name: "mechanism PLAIN", bytes: greeting(3, 1, "PLAIN"), reason: R.R_MECHANISM_MISMATCH, at: [13, 64] },
  { name: "mechanism lowercase null", bytes: greeting(3, 1, "null"), reason: R.R_MECHANISM_MISMATCH, at: [13, 64] },
  { name: "mechanism FOO", bytes: greeting(3, 1, "FOO"), reason: R.R_MECHANISM_MISMATCH, at: [13, 64] },
  { name: "NULL followed by garbage after the NUL padding", bytes: greeting(3, 1, nullThenGarbage), reason: R.R_MECHANISM_MISMATCH, at: [32, 64] },
  { name: "NULL space-padded instead of NUL-padded", bytes: greeting(3, 1, nullSpacePadded), reason: R.R_MECHANISM_MISMATCH, at: [17, 64] },
  { name: "an empty mechanism field", bytes: greeting(3, 1, ""), reason: R.R_MECHANISM_MISMATCH, at: [13, 64] },
];

for (const c of rejected) {
  test(`greeting with ${c.name} closes the pipe with ${reasonName(c.reason)} and sends no READY (whole and byte-at-a-time agree)`, () => {
    // Trailing bytes after the bad greeting must change nothing.
    const r = runBoth(concat(c.bytes, ready({ "Socket-Type": "PUSH" })));
    assert.is(reasonName(r.reason), reasonName(c.reason));
    assert.equal(r.events.filter((e) => e[0] === "close"), [["close", c.reason]], "exactly one close event");
    assert.is(r.peerType, null, "no handshake");
    assert.is(r.out.length, 0, "nothing after our greeting (no READY)");
    const [lo, hi] = Array.isArray(c.at) ? c.at : [c.at, c.at];
    assert.ok(r.closedAt >= lo && r.closedAt <= hi, `closed after ${r.closedAt} bytes; expected ${lo === hi ? lo : `${lo}..${hi}`}`);
  });
}

test("a greeting cut short (63 of 64 bytes) leaves the pipe open, with no READY and no handshake", () => {
  const r = runBoth(greeting(3, 1).subarray(0, 63));
  assert.is(r.reason, null);
  assert.is(r.out.length, 0);
  assert.is(r.peerType, null);
});

test("our READY for a PULL parses as Socket-Type PULL only", () => {
  const r = run(greeting(3, 1), Infinity);
  const [f] = decode(r.out);
  assert.is(f.name, "READY");
  assert.equal(parseMetadata(f.data).map(([n, v]) => [n, v.toString()]), [["Socket-Type", "PULL"]]);
});

test.run();
