// SP message framing after the header (nng's "SP TCP Mapping", "SP IPC Mapping";
// docs/hostile-peers.md E40-E42):
// [size u64 BE][payload] on tcp, [0x01][size u64 BE][payload] on ipc. Every
// fixture is fed whole and one byte at a time with identical outcomes; a size
// over maxMessageSize (option 3, default 1 MiB) or with top bits set closes
// with R_MESSAGE_TOO_LARGE as soon as the size is known; an ipc type byte
// other than 0x01 closes with R_SP_MALFORMED; a message cut short by the
// transport is never delivered.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Clock, newCore } from "./helpers/harness.mjs";
import { reasonName } from "./helpers/wire.mjs";
import { ST, PROTO, SPD, R, O, spHeader, spMessage, spMessages, spSize, spSock, spAddPeer, decodeSp, recvAll } from "./helpers/sp.mjs";

const MiB = 1 << 20;
const pattern = (n) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff; return b; };

// A PULL0 with a raw PUSH0 peer past the header; `bytes` fed in `chunk`s.
function run(bytes, { ipc = false, chunk = Infinity, options = {} } = {}) {
  const core = newCore();
  const sock = spSock(core, "PULL0", options);
  const pipe = spAddPeer(sock, { ipc });
  const mark = pipe.events.length;
  const mem0 = core.memoryBytes;
  let closedAt = null;
  const b = Buffer.from(bytes);
  for (let i = 0; i < b.length; i += Math.min(chunk, b.length)) {
    pipe.feed(b.subarray(i, i + chunk));
    if (closedAt === null && pipe.closed) closedAt = Math.min(i + chunk, b.length);
  }
  const msgs = recvAll(sock).map((m) => Buffer.concat(m));
  return { msgs, events: pipe.events.slice(mark), readable: sock.readable, reason: pipe.closeReason, closedAt, grew: core.memoryBytes - mem0, core, pipe, sock };
}

// Whole and byte-at-a-time (or `chunk`) runs must agree.
function runBoth(bytes, opts = {}, chunk = 1) {
  const whole = run(bytes, { ...opts, chunk: Infinity });
  const split = run(bytes, { ...opts, chunk });
  const pick = ({ msgs, events, reason }) => ({ msgs: msgs.map((m) => m.toString("hex")), events, reason });
  assert.equal(pick(split), pick(whole), `chunks of ${chunk} give the same outcome as one write`);
  return { ...whole, closedAt: split.closedAt };
}

// ---- good fixtures ----

const good = [
  ["a short message", ["hello"]],
  ["an empty message", [""]],
  ["three messages back to back, one empty", ["a", "", "bcd"]],
  ["a 300-byte message", [pattern(300)]],
  ["a message of 70000 bytes (past the first 64 KiB allocation)", [pattern(70000)], 7],
];
for (const ipc of [false, true]) {
  const t = ipc ? "ipc" : "tcp";
  for (const [name, payloads, chunk = 1] of good) {
    test(`${t}: ${name} is delivered intact (whole and split agree)`, () => {
      const r = runBoth(spMessages(payloads, { ipc }), { ipc }, chunk);
      assert.is(r.reason, null, reasonName(r.reason));
      assert.equal(r.msgs.map((m) => m.toString("hex")), payloads.map((p) => Buffer.from(p).toString("hex")));
    });
  }

  test(`${t}: a message of exactly maxMessageSize (1 MiB default) is delivered`, () => {
    const body = pattern(MiB);
    const r = runBoth(spMessage(body, { ipc }), { ipc }, 65521);
    assert.is(r.reason, null, reasonName(r.reason));
    assert.is(r.msgs.length, 1);
    assert.ok(r.msgs[0].equals(body));
  });

  test(`${t}: the fixture bytes are what the spec says (${ipc ? "01 " : ""}00 00 00 00 00 00 00 02 'h' 'i')`, () => {
    assert.equal(spMessage("hi", { ipc }), Buffer.from(`${ipc ? "01" : ""}00000000000000026869`, "hex"));
  });

  test(`${t}: a sent message is framed as [${ipc ? "01 " : ""}size][payload]`, () => {
    const core = newCore();
    const sock = spSock(core, "PUSH0");
    const pipe = spAddPeer(sock, { ipc });
    assert.is(sock.send(["abc", "de"]), 0);
    assert.is(sock.send([""]), 0);
    const out = pipe.take();
    assert.equal(out, Buffer.concat([spMessage("abcde", { ipc }), spMessage("", { ipc })]), "frames of one send are one SP message");
    assert.equal(decodeSp(out, { ipc }).map(String), ["abcde", ""]);
  });

  // ---- sizes (E40) ----

  const big = [
    ["maxMessageSize + 1 (1 MiB + 1)", BigInt(MiB + 1)],
    ["4 GiB", 4n << 30n],
    ["top 4 bits set (10 00 .. 00 = 2^60)", 1n << 60n],
    ["2^63", 1n << 63n],
    ["2^64-1 (FF x 8)", (1n << 64n) - 1n],
  ];
  for (const [name, size] of big) {
    test(`${t}: size ${name} closes with R_MESSAGE_TOO_LARGE on its last size byte, no body needed, no memory growth`, () => {
      const prefix = spSize(size, { ipc });
      const r = runBoth(prefix, { ipc });
      assert.is(r.reason, R.R_MESSAGE_TOO_LARGE, reasonName(r.reason));
      assert.is(r.closedAt, prefix.length, "closed as the size became known");
      assert.ok(r.grew <= 0, `Wasm memory grew by ${r.grew}`);
      assert.is(r.msgs.length, 0);
    });
  }

  test(`${t}: with no limit (maxMessageSize -1) a 2^64-1 or 4 GiB claim still closes (R_MESSAGE_TOO_LARGE), memory flat`, () => {
    for (const size of [(1n << 64n) - 1n, 4n << 30n, 1n << 60n]) {
      const r = runBoth(spSize(size, { ipc }), { ipc, options: { [O.OPT_MAXMSGSIZE]: -1 } });
      assert.is(r.reason, R.R_MESSAGE_TOO_LARGE, `${size}: ${reasonName(r.reason)}`);
      assert.ok(r.grew <= 0, `Wasm memory grew by ${r.grew}`);
    }
  });

  test(`${t}: option 3 = 1000: 1000 bytes delivered, then a 1001-byte claim closes`, () => {
    const r = runBoth(Buffer.concat([spMessage(pattern(1000), { ipc }), spSize(1001, { ipc })]), { ipc, options: { [O.OPT_MAXMSGSIZE]: 1000 } });
    assert.is(r.msgs.length, 1);
    assert.is(r.msgs[0].length, 1000);
    assert.is(r.reason, R.R_MESSAGE_TOO_LARGE);
  });

  test(`${t}: a good message before an oversize claim is delivered; nothing of the oversize one`, () => {
    const r = runBoth(Buffer.concat([spMessage("ok", { ipc }), spSize(MiB + 1, { ipc }), Buffer.from("junk")]), { ipc });
    assert.equal(r.msgs.map(String), ["ok"]);
    assert.is(r.reason, R.R_MESSAGE_TOO_LARGE);
  });

  test(`${t}: a 900 MiB claim under a 2 GiB limit (and the 1 GiB process budget) with 100 bytes sent allocates only for what arrived`, () => {
    const r = run(Buffer.concat([spSize(900n << 20n, { ipc }), pattern(100)]), { ipc, options: { [O.OPT_MAXMSGSIZE]: 2 ** 31 } });
    assert.is(r.reason, null);
    assert.ok(r.grew <= 1 * MiB, `Wasm memory grew by ${r.grew} for 100 bytes`);
    assert.is(r.msgs.length, 0);
  });

  // ---- truncation (E41) ----

  test(`${t}: "claims 10 bytes, sends 2, then closes" delivers nothing`, () => {
    for (const chunk of [Infinity, 1]) {
      const r = run(Buffer.concat([spSize(10, { ipc }), Buffer.from([1, 2])]), { ipc, chunk });
      assert.is(r.reason, null, "no protocol error: just incomplete");
      r.pipe.transportClosed();
      assert.is(r.sock.recv(), -R.EAGAIN, "nothing delivered");
      assert.is(r.sock.readable, 0, "readable never signalled");
      assert.ok(r.pipe.released, "the accepted pipe is released");
    }
  });

  test(`${t}: a connection cut mid-size or right after the type byte delivers nothing`, () => {
    for (const cut of [ipc ? 1 : 0, 3, ipc ? 9 : 8]) {
      const r = run(Buffer.concat([spMessage("whole", { ipc }), spMessage("partial", { ipc }).subarray(0, cut)]), { ipc });
      r.pipe.transportClosed();
      assert.equal(r.msgs.map(String), ["whole"], `cut at ${cut}`);
      assert.is(r.sock.recv(), -R.EAGAIN);
    }
  });
}

// ---- ipc type byte (E42) ----

for (const type of [0x00, 0x02, 0x80, 0xff]) {
  test(`ipc: message-type byte 0x${type.toString(16).padStart(2, "0")} closes with R_SP_MALFORMED when it arrives`, () => {
    const bad = spMessage("never", { ipc: true, type });
    const r = runBoth(bad, { ipc: true });
    assert.is(r.reason, R.R_SP_MALFORMED, reasonName(r.reason));
    assert.is(r.closedAt, 1, "closed on the type byte itself");
    assert.is(r.msgs.length, 0);
  });
}

test("ipc: a bad type byte on the second message: the first is delivered, then closed", () => {
  const r = runBoth(Buffer.concat([spMessage("first", { ipc: true }), spMessage("second", { ipc: true, type: 0x02 })]), { ipc: true });
  assert.equal(r.msgs.map(String), ["first"]);
  assert.is(r.reason, R.R_SP_MALFORMED);
});

test("tcp framing fed to an ipc pipe: the size's first byte (0x00) is a bad type byte", () => {
  const r = runBoth(spMessage("hi"), { ipc: true });
  assert.is(r.reason, R.R_SP_MALFORMED);
});

test("ipc framing fed to a tcp pipe: 01 00.. reads as a size of 2^56+..: R_MESSAGE_TOO_LARGE", () => {
  const r = runBoth(spMessage("hi", { ipc: true }), { ipc: false });
  assert.is(r.reason, R.R_MESSAGE_TOO_LARGE);
  assert.is(r.msgs.length, 0);
});

test("one message is signalled readable once, however many bytes it came in", () => {
  const r = run(spMessage("abcdef"), { chunk: 1 });
  assert.is(r.readable, 1);
});

// docs/hostile-peers.md B23, on SP: a valid stream, header included, cut at random points
// (seeded), gives the same messages and events as one write.
function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
for (const ipc of [false, true]) {
  test(`${ipc ? "ipc" : "tcp"}: header + messages at 60 random chunkings match the single write`, () => {
    const payloads = ["", "a", pattern(255), pattern(256), "", pattern(3000), "end"];
    const stream = Buffer.concat([spHeader(PROTO.PUSH0), spMessages(payloads, { ipc })]);
    const outcome = (cuts) => {
      const core = newCore();
      const sock = spSock(core, "PULL0");
      const pipe = spAddPeer(sock, { ipc, handshake: false });
      let at = 0;
      for (const c of [...cuts, stream.length]) { pipe.feed(stream.subarray(at, c)); at = c; }
      return { events: pipe.events, msgs: recvAll(sock).map((m) => Buffer.concat(m).toString("hex")) };
    };
    const whole = outcome([]);
    assert.is(whole.msgs.length, payloads.length);
    const rnd = lcg(ipc ? 7 : 3);
    for (let k = 0; k < 60; k++) {
      const n = 1 + Math.floor(rnd() * 40);
      const cuts = Array.from({ length: n }, () => Math.floor(rnd() * stream.length)).sort((x, y) => x - y);
      assert.equal(outcome(cuts), whole, `cuts ${cuts.join(",")}`);
    }
  });
}

for (const ipc of [false, true]) {
  test(`${ipc ? "ipc" : "tcp"}: a dialed pipe cut mid-message reconnects with a fresh header exchange; the partial message is gone`, () => {
    const clock = new Clock();
    const core = newCore(clock);
    const sock = spSock(core, "PULL0");
    const pipe = spAddPeer(sock, { ipc, outbound: true });
    pipe.feed(Buffer.concat([spMessage("one", { ipc }), spMessage("partial!", { ipc }).subarray(0, 12)]));
    pipe.transportClosed();
    assert.equal(recvAll(sock).map(String), ["one"]);
    clock.t = 100; core.tick();
    assert.is(pipe.count("connect"), 1, "the host is asked to redial after reconnectIvl");
    pipe.start();
    assert.equal(pipe.take(), spHeader(PROTO.PULL0), "our header again");
    // A message instead of the header: on ipc its 01 type byte is a bad
    // first header byte; on tcp its size starts 00 (a good first byte), and
    // the next 00 (where 'S' belongs) is bad.
    pipe.feed(spMessage("too early", { ipc }).subarray(0, 1));
    assert.is(pipe.closeReason, ipc ? R.R_SP_BAD_HEADER : null);
    if (!ipc) {
      pipe.feed(Buffer.from([0x00]));
      assert.is(pipe.closeReason, R.R_SP_BAD_HEADER, "size bytes are not a header");
    }
    assert.equal(recvAll(sock), []);
  });

  test(`${ipc ? "ipc" : "tcp"}: after a reconnect, header then messages flow again`, () => {
    const clock = new Clock();
    const core = newCore(clock);
    const sock = spSock(core, "PULL0");
    const pipe = spAddPeer(sock, { ipc, outbound: true });
    pipe.feed(spMessage("partial!", { ipc }).subarray(0, 10));
    pipe.transportClosed();
    clock.t = 100; core.tick();
    pipe.start();
    pipe.take();
    pipe.feed(Buffer.concat([spHeader(PROTO.PUSH0), spMessage("two", { ipc })]));
    assert.is(pipe.closeReason, null, reasonName(pipe.closeReason));
    assert.is(pipe.count("handshake"), 2);
    assert.equal(recvAll(sock).map(String), ["two"]);
  });
}

// SP has no keep-alive or other control traffic (nng "SP TCP Mapping"). The core's
// ZMTP heartbeat option must not put ZMTP PINGs on an SP wire (or close an SP
// pipe for want of PONGs): refuse the option for SP sockets, or ignore it.
test("option 5 (ZMTP heartbeat interval) on an SP socket: refused, or no ZMTP PING on the wire and no heartbeat close", () => {
  const clock = new Clock();
  const core = newCore(clock);
  const sock = spSock(core, "PAIR0");
  const rc = core.setOption(sock.h, O.OPT_HEARTBEAT_IVL, 100);
  const pipe = spAddPeer(sock);
  for (const t of [100, 200, 300, 1000]) { clock.t = t; core.tick(); }
  const out = pipe.take();
  if (rc === 0) {
    assert.is(out.toString("hex"), "", "no bytes but SP messages on an SP wire (got a ZMTP PING?)");
    assert.is(pipe.closeReason, null, `closed: ${reasonName(pipe.closeReason)}`);
  } else {
    assert.is(rc, -R.EINVAL);
  }
});

test.run();
