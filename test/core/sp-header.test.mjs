// SP header exchange (nng's "SP TCP Mapping" and protocol ids; docs/hostile-peers.md E38/E39):
// every role sends 00 'S' 'P' 00 <its id> 00 00 at once; the peer's header is
// checked byte by byte as it arrives (bad bytes close with R_SP_BAD_HEADER on
// the offending byte), the peer's id must be the spec's peer protocol
// (R_SP_PROTOCOL_MISMATCH), and a header that never completes closes at the
// negotiation deadline (option 8, default 10 s) with R_HANDSHAKE_TIMEOUT.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Clock, newCore, pair } from "./helpers/harness.mjs";
import { reasonName } from "./helpers/wire.mjs";
import {
  ST, PROTO, SPD, PEER, SPEC_IDS, R, O, spHeader, spSock, spAddPeer, spMessage,
} from "./helpers/sp.mjs";

const ROLES = Object.keys(SPEC_IDS);

test("protocol ids in assembly/sp/wire.ts match the spec table (nng's protocol specs)", () => {
  for (const role of ROLES) assert.is(PROTO[role], SPEC_IDS[role], `${role} id`);
  assert.is(SPD.SP_NEGOTIATION_TIMEOUT, 10000);
  assert.is(SPD.SP_DEFAULT_MAX_MSG_SIZE, 1048576);
  assert.is(SPD.SP_DEFAULT_MAX_TTL, 8);
});

// ---- good headers ----

for (const role of ROLES) {
  for (const ipc of [false, true]) {
    for (const chunk of [Infinity, 1]) {
      test(`${role}${ipc ? " (ipc)" : ""}: sends its header at once and accepts ${PEER[role]}'s, fed ${chunk === 1 ? "one byte at a time" : "whole"}`, () => {
        const core = newCore();
        const sock = spSock(core, role);
        const pipe = spAddPeer(sock, { ipc, handshake: false });
        assert.equal(pipe.ourHeader, spHeader(SPEC_IDS[role]), "our header: 00 'S' 'P' 00 <id> 00 00");
        const h = spHeader(SPEC_IDS[PEER[role]]);
        if (chunk === 1) {
          for (let i = 0; i < 8; i++) {
            assert.not.ok(pipe.handshaken, `no handshake before byte ${i + 1}`);
            pipe.feed(h.subarray(i, i + 1));
            assert.not.ok(pipe.closed, `not closed after byte ${i + 1}: ${reasonName(pipe.closeReason)}`);
          }
        } else {
          pipe.feed(h);
        }
        assert.ok(pipe.handshaken, "handshake event");
        assert.is(pipe.peerType, SPEC_IDS[PEER[role]], "the handshake reports the peer's protocol id");
        assert.is(pipe.count("handshake"), 1);
        assert.is(pipe.take().length, 0, "no other traffic after the header (SP has no handshake commands)");
      });
    }
  }
}

test("every role refuses every id but its peer's (11 x 11 + junk ids) with R_SP_PROTOCOL_MISMATCH", () => {
  const ids = [...Object.values(SPEC_IDS), 0x0000, 0xffff, 0x3000, 0x0031, 0x0130, 0x0f00, 0x0100];
  for (const role of ROLES) {
    for (const id of ids) {
      const core = newCore();
      const sock = spSock(core, role);
      const pipe = spAddPeer(sock, { handshake: false });
      pipe.feed(spHeader(id));
      if (id === SPEC_IDS[PEER[role]]) {
        assert.ok(pipe.handshaken && !pipe.closed, `${role} accepts 0x${id.toString(16)}`);
      } else {
        assert.is(pipe.closeReason, R.R_SP_PROTOCOL_MISMATCH, `${role} vs 0x${id.toString(16)}: ${reasonName(pipe.closeReason)}`);
        assert.not.ok(pipe.handshaken, "no handshake event for a refused peer");
      }
    }
  }
});

// ---- peer protocol mismatch between two real sockets (E39) ----

for (const [a, b] of [["REQ0", "REQ0"], ["PUB0", "PUB0"], ["REP0", "REP0"], ["PAIR0", "PAIR1"], ["PUSH0", "PUSH0"], ["SURVEYOR0", "REP0"]]) {
  test(`${a} <-> ${b}: both ends close with R_SP_PROTOCOL_MISMATCH, no handshake, nothing routed`, () => {
    const { net, a: sa, pa, pb } = pair(ST[a], ST[b]);
    net.drive();
    assert.is(pa.closeReason, R.R_SP_PROTOCOL_MISMATCH, `${a}: ${reasonName(pa.closeReason)}`);
    assert.is(pb.closeReason, R.R_SP_PROTOCOL_MISMATCH, `${b}: ${reasonName(pb.closeReason)}`);
    assert.is(pa.count("handshake") + pb.count("handshake"), 0);
    if (a === "REQ0" || a === "PUSH0") assert.is(sa.send(["x"]), -R.EAGAIN, "the refused pipe takes no message");
  });
}

test("a good header followed by a message in the same write: handshake, then the message", () => {
  const core = newCore();
  const sock = spSock(core, "PULL0");
  const pipe = spAddPeer(sock, { handshake: false });
  pipe.feed(Buffer.concat([spHeader(PROTO.PUSH0), spMessage("hello")]));
  assert.ok(pipe.handshaken);
  const m = sock.recv();
  assert.equal(m.map(String), ["hello"]);
});

// ---- bad headers: the mangos list (E38) ----

const P = PROTO.REP0; // the fixtures are fed to a REQ
const bad = [
  // [name, bytes, index (1-based) of the byte that must close, or null: wait for the deadline]
  ["{} (nothing)", [], null],
  ["{0}", [0], null],
  ["{0,'S'}", [0, 0x53], null],
  ["{0,'S','P'}", [0, 0x53, 0x50], null],
  ["{0,'S','P',0}", [0, 0x53, 0x50, 0], null],
  ["{0,'S','P',0,0,0x31,0} (7 of 8 bytes)", [0, 0x53, 0x50, 0, 0, 0x31, 0], null],
  ["version byte 1", spHeader(P, { version: 1 }), 4],
  ["version byte 2", spHeader(P, { version: 2 }), 4],
  ["version byte 0xFF", spHeader(P, { version: 0xff }), 4],
  ["reserved byte 6 = 1", spHeader(P, { r6: 1 }), 7],
  ["reserved byte 7 = 1", spHeader(P, { r7: 1 }), 8],
  ["reserved bytes 6/7 = FF FF", spHeader(P, { r6: 0xff, r7: 0xff }), 7],
  ["{1,'S','P',0,...}", spHeader(P, { b0: 1 }), 1],
  ["'x'", [0x78], 1],
  ["'x' and more", Buffer.from("xSP\0\0\x31\0\0", "latin1"), 1],
  ["lower-case 's'", spHeader(P, { s: 0x73 }), 2],
  ["{0,'S','X',...}", spHeader(P, { p: 0x58 }), 3],
  ["a ZMTP greeting (FF 00..00 01 7F)", Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1]), 1],
  ["an HTTP request", Buffer.from("GET / HTTP/1.1\r\n\r\n"), 1],
];

for (const [name, bytes, at] of bad) {
  const b = Buffer.from(bytes);
  if (at !== null) {
    for (const chunk of [Infinity, 1]) {
      test(`bad header ${name} (${chunk === 1 ? "one byte at a time" : "whole"}): R_SP_BAD_HEADER on byte ${at}`, () => {
        const core = newCore();
        const sock = spSock(core, "REQ0");
        const pipe = spAddPeer(sock, { handshake: false });
        let closedAt = null;
        if (chunk === 1) {
          for (let i = 0; i < b.length; i++) {
            pipe.feed(b.subarray(i, i + 1));
            if (pipe.closed && closedAt === null) closedAt = i + 1;
          }
          assert.is(closedAt, at, "closed when the offending byte arrived, not before or after");
        } else {
          pipe.feed(b);
        }
        assert.is(pipe.closeReason, R.R_SP_BAD_HEADER, reasonName(pipe.closeReason));
        assert.is(pipe.count("close"), 1, "one close event");
        assert.not.ok(pipe.handshaken, "no handshake event");
        assert.is(sock.send(["req"]), -R.EAGAIN, "the REQ has no peer to send to");
      });
    }
  } else {
    test(`short header ${name} then silence: R_HANDSHAKE_TIMEOUT at the 10 s negotiation deadline, not before`, () => {
      const clock = new Clock();
      const core = newCore(clock);
      const sock = spSock(core, "REQ0");
      const pipe = spAddPeer(sock, { handshake: false });
      pipe.feed(b, 1);
      assert.not.ok(pipe.closed, "a valid prefix is not an error");
      clock.t = SPD.SP_NEGOTIATION_TIMEOUT - 1;
      core.tick();
      assert.not.ok(pipe.closed, "still open 1 ms before the deadline");
      clock.t = SPD.SP_NEGOTIATION_TIMEOUT;
      core.tick();
      assert.is(pipe.closeReason, R.R_HANDSHAKE_TIMEOUT, reasonName(pipe.closeReason));
      assert.not.ok(pipe.handshaken);
    });
  }
}

test("the negotiation deadline follows option 8 (handshake interval): 250 ms", () => {
  const clock = new Clock();
  const core = newCore(clock);
  const sock = spSock(core, "REP0", { [O.OPT_HANDSHAKE_IVL]: 250 });
  const pipe = spAddPeer(sock, { handshake: false });
  pipe.feed([0, 0x53, 0x50]);
  assert.is(core.nextDeadline, 250, "the core asks to be woken at the deadline");
  clock.t = 249; core.tick();
  assert.not.ok(pipe.closed);
  clock.t = 250; core.tick();
  assert.is(pipe.closeReason, R.R_HANDSHAKE_TIMEOUT);
});

test("a completed header cancels the negotiation deadline", () => {
  const clock = new Clock();
  const core = newCore(clock);
  const sock = spSock(core, "REP0");
  const pipe = spAddPeer(sock);
  clock.t = SPD.SP_NEGOTIATION_TIMEOUT * 3;
  core.tick();
  assert.not.ok(pipe.closed, reasonName(pipe.closeReason));
  assert.is(core.nextDeadline, Infinity);
});

test("bytes after a bad header byte are ignored (nothing delivered, one close)", () => {
  const core = newCore();
  const sock = spSock(core, "PULL0");
  const pipe = spAddPeer(sock, { handshake: false });
  pipe.feed(Buffer.concat([spHeader(PROTO.PUSH0, { version: 1 }), spMessage("never")]));
  pipe.feed(spMessage("never again"));
  assert.is(pipe.closeReason, R.R_SP_BAD_HEADER);
  assert.is(pipe.count("close"), 1);
  assert.is(sock.recv(), -R.EAGAIN);
  assert.is(sock.readable, 0);
});

test.run();
