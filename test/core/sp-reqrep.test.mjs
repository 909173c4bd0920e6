// REQ/REP and the answering side of SURVEYOR/RESPONDENT (nng's "REQ/REP" and
// "SURVEYOR/RESPONDENT"; docs/hostile-peers.md E43-E45), driven with raw
// bytes and the manual clock:
//   REP/RESPONDENT  backtrace walk (terminated, multi-hop, unterminated,
//                   < 4 bytes, over maxTtl), the reply carries the exact
//                   backtrace, raw mode exposes and routes by the pipe id;
//   REQ             request ids, reply matching, resend timer, resend when
//                   the holder goes away, a new request abandons the old.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Clock, newCore, pair } from "./helpers/harness.mjs";
import { reasonName } from "./helpers/wire.mjs";
import {
  ST, SPD, R, O, ESTATE, EINVAL, ID_FLAG, spSock, spAddPeer, spPeer, spMessage, words, word, backtrace, hopsBacktrace,
  reqId, recvAll,
} from "./helpers/sp.mjs";

const EAGAIN = -R.EAGAIN;
const cat = (...parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));
const str = (m) => (Array.isArray(m) ? m.map((f) => f.toString("latin1")) : m);

// ==== REP and RESPONDENT: backtraces =========================================

for (const role of ["REP0", "RESPONDENT0"]) {
  const answer = (opts = {}) => spPeer(newCore(opts.clock), role, opts);

  for (const ipc of [false, true]) {
    test(`${role}${ipc ? " (ipc)" : ""}: a 1-word backtrace: body delivered, the reply carries the same word`, () => {
      const { sock, pipe } = answer({ ipc });
      pipe.feedMessages(cat(word(reqId(0x1234)), "hello"));
      assert.equal(str(sock.recv()), ["hello"]);
      assert.is(sock.send(["world"]), 0);
      assert.equal(pipe.takeMessages().map((m) => m.toString("hex")), [cat(word(0x80001234), "world").toString("hex")]);
    });
  }

  test(`${role}: a 3-word backtrace (2 hops + id) is kept whole and sent back unchanged`, () => {
    const { sock, pipe } = answer();
    const bt = backtrace([0x11, 0x7fffffff], 0x2);
    pipe.feedMessages(cat(bt, "body"));
    assert.equal(str(sock.recv()), ["body"]);
    assert.is(sock.send(["reply"]), 0);
    assert.equal(pipe.takeMessages(), [cat(bt, "reply")]);
  });

  test(`${role}: an empty body after the backtrace is an empty message`, () => {
    const { sock, pipe } = answer();
    pipe.feedMessages(word(reqId(7)));
    assert.equal(str(sock.recv()), [""]);
  });

  test(`${role}: exactly maxTtl (8) words is accepted; 9 and 255 are dropped silently with the pipe kept`, () => {
    const { sock, pipe } = answer();
    pipe.feedMessages(cat(hopsBacktrace(7, 1), "eight"));
    assert.equal(str(sock.recv()), ["eight"]);
    pipe.feedMessages(cat(hopsBacktrace(8, 2), "nine"), cat(hopsBacktrace(254, 3), "255"));
    assert.is(sock.recv(), EAGAIN, "over-TTL messages are dropped");
    assert.not.ok(pipe.closed, `the pipe stays: ${reasonName(pipe.closeReason)}`);
    pipe.feedMessages(cat(word(reqId(4)), "after"));
    assert.equal(str(sock.recv()), ["after"], "the pipe still works");
  });

  test(`${role}: option 31 (maxTtl) = 2: 2 words accepted, 3 dropped; out-of-range values refused`, () => {
    const { sock, pipe } = answer({ options: { [O.OPT_MAX_TTL]: 2 } });
    pipe.feedMessages(cat(hopsBacktrace(2, 1), "three"), cat(hopsBacktrace(1, 2), "two"));
    assert.equal(recvAll(sock).map(str), [["two"]]);
    assert.not.ok(pipe.closed);
    for (const v of [0, 16, -1]) assert.is(sock.core.setOption(sock.h, O.OPT_MAX_TTL, v), EINVAL, `maxTtl ${v}`);
    assert.is(sock.core.setOption(sock.h, O.OPT_MAX_TTL, 15), 0);
  });

  const malformed = [
    ["an empty payload", Buffer.alloc(0)],
    ["1 byte", Buffer.from([0x80])],
    ["3 bytes with the MSB set", Buffer.from([0x80, 0, 1])],
    ["one hop word and nothing else (no terminator)", word(1)],
    ["hop words to the end of the body", words(1, 2, 3, 0x7fffffff)],
    ["two hop words and 3 trailing bytes", cat(words(1, 2), Buffer.from([0x80, 0, 0]))],
    ["a 'body' of ASCII (MSB clear everywhere)", Buffer.from("hello world!")],
  ];
  for (const [name, payload] of malformed) {
    test(`${role}: ${name} closes the pipe with R_SP_MALFORMED and delivers nothing`, () => {
      const { sock, pipe } = answer();
      pipe.feedMessages(payload, cat(word(reqId(1)), "never"));
      assert.is(pipe.closeReason, R.R_SP_MALFORMED, reasonName(pipe.closeReason));
      assert.is(sock.recv(), EAGAIN);
      assert.is(sock.readable, 0);
    });
  }

  test(`${role}: a long unterminated backtrace (64 KiB of hop words) is dropped once it passes maxTtl hops, as nng, without looping`, () => {
    // nng stops reading at the hop after maxTtl and drops the message
    // (devices may legitimately send too many hops); it closes only when
    // the payload ends before the backtrace does.
    const { sock, pipe } = answer();
    const hops = Buffer.alloc(65536);
    for (let i = 0; i < hops.length; i += 4) hops.writeUInt32BE(i / 4 + 1, i);
    pipe.feedMessages(hops);
    assert.not.ok(pipe.closed, reasonName(pipe.closeReason));
    assert.is(sock.recv(), EAGAIN);
    pipe.feedMessages(cat(word(reqId(5)), "after"));
    assert.equal(str(sock.recv()), ["after"]);
  });

  test(`${role}: send before any request is ESTATE; a second reply to one request is ESTATE`, () => {
    const { sock, pipe } = answer();
    assert.is(sock.send(["x"]), ESTATE);
    pipe.feedMessages(cat(word(reqId(9)), "q"));
    sock.recv();
    assert.is(sock.send(["a"]), 0);
    assert.is(sock.send(["b"]), ESTATE);
    assert.is(pipe.takeMessages().length, 1);
  });

  test(`${role}: a new request replaces one never answered; the reply takes the newest backtrace`, () => {
    const { sock, pipe } = answer();
    pipe.feedMessages(cat(word(reqId(1)), "q1"), cat(words(5, reqId(2)), "q2"));
    assert.equal(str(sock.recv()), ["q1"]);
    assert.equal(str(sock.recv()), ["q2"]);
    assert.is(sock.send(["a2"]), 0);
    assert.equal(pipe.takeMessages(), [cat(words(5, reqId(2)), "a2")]);
  });

  test(`${role}: replies go to the pipe the request came from`, () => {
    const core = newCore();
    const sock = spSock(core, role);
    const a = spAddPeer(sock);
    const b = spAddPeer(sock, { ipc: true });
    a.feedMessages(cat(word(reqId(1)), "from a"));
    b.feedMessages(cat(word(reqId(2)), "from b"));
    for (let i = 0; i < 2; i++) {
      const [body] = str(sock.recv());
      assert.is(sock.send([`re ${body}`]), 0);
    }
    assert.equal(a.takeMessages(), [cat(word(reqId(1)), "re from a")]);
    assert.equal(b.takeMessages(), [cat(word(reqId(2)), "re from b")]);
  });

  test(`${role}: a reply whose requester has gone is dropped (send succeeds, nothing written)`, () => {
    const { sock, pipe } = answer();
    pipe.feedMessages(cat(word(reqId(1)), "q"));
    sock.recv();
    pipe.transportClosed();
    assert.is(sock.send(["late"]), 0);
    assert.is(pipe.take().length, 0);
  });

  // ---- raw ----

  test(`${role} raw: recv exposes [pipe id + backtrace, body]; a raw reply routes by its first word`, () => {
    const core = newCore();
    const sock = spSock(core, role, { [O.OPT_RAW]: 1 });
    const a = spAddPeer(sock);
    const b = spAddPeer(sock);
    const bt = backtrace([3], 0x77);
    a.feedMessages(cat(bt, "A"));
    b.feedMessages(cat(word(reqId(0x99)), "B"));
    const ma = sock.recv();
    const mb = sock.recv();
    assert.is(ma.length, 2);
    assert.is(ma[0].length, 4 + bt.length, "header = pipe id + backtrace");
    assert.equal(ma[0].subarray(4), bt);
    assert.is(ma[1].toString(), "A");
    const idA = ma[0].readUInt32BE(0);
    const idB = mb[0].readUInt32BE(0);
    assert.is(idA & ID_FLAG, 0, "pipe ids have the MSB clear");
    assert.is.not(idA, idB, "each pipe has its own id");
    assert.equal(mb[0].subarray(4), word(reqId(0x99)));
    // Reply to b with b's header: only b gets it, without the pipe id.
    assert.is(sock.send([mb[0], "to B"]), 0);
    assert.is(sock.send([ma[0], "to A"]), 0);
    assert.equal(b.takeMessages(), [cat(word(reqId(0x99)), "to B")]);
    assert.equal(a.takeMessages(), [cat(bt, "to A")]);
    // Unknown pipe id: dropped. Bad headers: EINVAL.
    assert.is(sock.send([words(0x7ffffff0 ^ idA ^ idB, reqId(1)), "nowhere"]), 0);
    assert.is(a.take().length + b.take().length, 0);
    assert.is(sock.send([Buffer.from([0, 0, 1]), "short"]), EINVAL);
    // A first word with the MSB set names no pipe: unroutable, dropped (as nng's xrep).
    assert.is(sock.send([words(reqId(idA), reqId(1)), "msb"]), 0);
    assert.is(a.take().length + b.take().length, 0);
  });

  test(`${role} raw: over-maxTtl and unterminated backtraces are handled as in cooked mode`, () => {
    const core = newCore();
    const sock = spSock(core, role, { [O.OPT_RAW]: 1 });
    const pipe = spAddPeer(sock);
    pipe.feedMessages(cat(hopsBacktrace(8), "nine"));
    assert.is(sock.recv(), EAGAIN);
    assert.not.ok(pipe.closed);
    pipe.feedMessages(words(1, 2));
    assert.is(pipe.closeReason, R.R_SP_MALFORMED);
  });
}

// ==== REQ =====================================================================

function req(opts = {}) {
  const clock = opts.clock ?? new Clock();
  const core = newCore(clock);
  const sock = spSock(core, "REQ0", opts.options);
  const peers = [];
  for (let i = 0; i < (opts.peers ?? 1); i++) peers.push(spAddPeer(sock, { ipc: !!opts.ipc }));
  return { clock, core, sock, peers, pipe: peers[0] };
}
const idOf = (payload) => payload.readUInt32BE(0);

test("REQ: a request is [id with MSB set][body]; the next id is +1", () => {
  const { sock, pipe } = req();
  assert.is(sock.send(["q", "1"]), 0);
  const [p1] = pipe.takeMessages();
  const id1 = idOf(p1);
  assert.ok(id1 & ID_FLAG, `id 0x${id1.toString(16)} has the MSB set`);
  assert.is(p1.subarray(4).toString(), "q1");
  for (let k = 2; k <= 4; k++) {
    assert.is(sock.send([`q${k}`]), 0);
    const [p] = pipe.takeMessages();
    const id = idOf(p);
    assert.ok(id & ID_FLAG);
    assert.is(id & 0x7fffffff, (id1 + k - 1) & 0x7fffffff, "ids increase by 1 (31-bit wrap)");
  }
});

test("REQ: recv with no request out is ESTATE (-1011); after a send and before the reply, EAGAIN", () => {
  const { sock, pipe } = req();
  assert.is(ESTATE, -1011);
  assert.is(sock.recv(), ESTATE);
  sock.send(["q"]);
  assert.is(sock.recv(), EAGAIN);
  const id = idOf(pipe.takeMessages()[0]);
  pipe.feedMessages(cat(word(id), "a"));
  assert.equal(str(sock.recv()), ["a"]);
  assert.is(sock.recv(), ESTATE, "the answered request is done");
});

test("REQ: replies with a wrong id, the MSB clear, or an unknown id are dropped (recv still EAGAIN, pipe kept)", () => {
  const { sock, pipe } = req();
  sock.send(["q"]);
  const id = idOf(pipe.takeMessages()[0]);
  const readable = sock.readable;
  pipe.feedMessages(
    cat(word(id + 1), "wrong"),
    cat(word(id & 0x7fffffff), "msb clear"),
    cat(word(0x80000000 | ((id + 12345) & 0x7fffffff)), "unknown"),
    cat(word(id ^ 0x00010000), "off by a bit"),
  );
  assert.is(sock.recv(), EAGAIN);
  assert.is(sock.readable, readable, "no readable signal for dropped replies");
  assert.not.ok(pipe.closed);
  pipe.feedMessages(cat(word(id), "right"));
  assert.equal(str(sock.recv()), ["right"]);
});

for (const n of [0, 1, 3]) {
  test(`REQ: a reply of ${n} bytes (< 4) closes the pipe with R_SP_MALFORMED`, () => {
    const { sock, pipe } = req();
    sock.send(["q"]);
    pipe.take();
    pipe.feedMessages(Buffer.alloc(n, 0x80));
    assert.is(pipe.closeReason, R.R_SP_MALFORMED, reasonName(pipe.closeReason));
    assert.is(sock.recv(), EAGAIN);
  });
}

test("REQ: a reply with no request out is dropped", () => {
  const { sock, pipe } = req();
  pipe.feedMessages(cat(word(reqId(5)), "unasked"));
  assert.is(sock.recv(), ESTATE);
  assert.not.ok(pipe.closed);
});

test("REQ: resend after option 32 (1000 ms) on the manual clock, not before; same id and body", () => {
  const { clock, core, sock, pipe } = req({ options: { [O.OPT_RESEND_IVL]: 1000 } });
  clock.t = 100;
  sock.send(["again"]);
  const [first] = pipe.takeMessages();
  assert.is(core.nextDeadline, 1100, "the core asks to be woken at the resend time");
  clock.t = 1099; core.tick();
  assert.is(pipe.take().length, 0, "no resend 1 ms early");
  clock.t = 1100; core.tick();
  assert.equal(pipe.takeMessages(), [first], "resent unchanged");
  clock.t = 2099; core.tick();
  assert.is(pipe.take().length, 0);
  clock.t = 2100; core.tick();
  assert.equal(pipe.takeMessages(), [first], "and again one interval later");
  pipe.feedMessages(cat(first.subarray(0, 4), "done"));
  assert.equal(str(sock.recv()), ["done"]);
  clock.t = 10000; core.tick();
  assert.is(pipe.take().length, 0, "no resend once answered");
  assert.is(core.nextDeadline, Infinity);
});

test("REQ: the default resend interval is 60 s", () => {
  const { clock, core, sock, pipe } = req();
  assert.is(SPD.SP_DEFAULT_RESEND_IVL, 60000);
  sock.send(["q"]);
  const [first] = pipe.takeMessages();
  clock.t = 59999; core.tick();
  assert.is(pipe.take().length, 0);
  clock.t = 60000; core.tick();
  assert.equal(pipe.takeMessages(), [first]);
});

test("REQ: option 32 = 0 never resends", () => {
  const { clock, core, sock, pipe } = req({ options: { [O.OPT_RESEND_IVL]: 0 } });
  sock.send(["q"]);
  pipe.take();
  clock.t = 1e9; core.tick();
  assert.is(pipe.take().length, 0);
});

test("REQ: when the peer holding the request goes away it is resent at once to another peer", () => {
  const { clock, core, sock, peers } = req({ peers: 2 });
  clock.t = 500;
  sock.send(["where"]);
  const got = peers.map((p) => p.takeMessages());
  const holder = got[0].length ? 0 : 1;
  const other = 1 - holder;
  assert.is(got[holder].length, 1);
  assert.is(got[other].length, 0);
  peers[holder].transportClosed();
  assert.ok(core.nextDeadline <= 500, `due now, not at the resend interval (next deadline ${core.nextDeadline})`);
  core.tick();
  assert.equal(peers[other].takeMessages(), got[holder], "the same request, same id, on the other peer");
  const id = idOf(got[holder][0]);
  peers[other].feedMessages(cat(word(id), "from other"));
  assert.equal(str(sock.recv()), ["from other"]);
});

// The holder's loss is reported by pipe_closed(h, now). The resend time must
// come from that `now` (or later), and must never collide with "resend off".
for (const [tSend, tClose] of [[0, 0], [0, 5]]) {
  test(`REQ: sent at t=${tSend}, holder gone at t=${tClose}: resent at once to the other peer, and again after the interval`, () => {
    const { clock, core, sock, peers } = req({ peers: 2, options: { [O.OPT_RESEND_IVL]: 1000 } });
    clock.t = tSend;
    sock.send(["q"]);
    const got = peers.map((p) => p.takeMessages());
    const holder = got[0].length ? 0 : 1;
    clock.t = tClose;
    peers[holder].transportClosed();
    core.tick();
    assert.equal(peers[1 - holder].takeMessages(), got[holder], "resent at once to the other peer");
    clock.t = tClose + 1000; core.tick();
    assert.equal(peers[1 - holder].takeMessages(), got[holder], "and resent one interval later");
  });
}

test("REQ: holder gone and no other peer: the request leaves as soon as a new peer arrives", () => {
  const { clock, core, sock, pipe } = req();
  sock.send(["patient"]);
  const [first] = pipe.takeMessages();
  pipe.transportClosed();
  core.tick();
  clock.t = 10; core.tick();
  const late = spAddPeer(sock);
  core.tick();
  assert.equal(late.takeMessages(), [first]);
});

test("REQ: a new request abandons the old one; a late reply to the old id is dropped", () => {
  const { sock, pipe } = req();
  sock.send(["old"]);
  const oldId = idOf(pipe.takeMessages()[0]);
  sock.send(["new"]);
  const newId = idOf(pipe.takeMessages()[0]);
  assert.is.not(oldId, newId);
  pipe.feedMessages(cat(word(oldId), "late"));
  assert.is(sock.recv(), EAGAIN);
  pipe.feedMessages(cat(word(newId), "fresh"));
  assert.equal(str(sock.recv()), ["fresh"]);
});

test("REQ: a reply received but not read is discarded by the next request", () => {
  const { sock, pipe } = req();
  sock.send(["one"]);
  const id = idOf(pipe.takeMessages()[0]);
  pipe.feedMessages(cat(word(id), "unread"));
  sock.send(["two"]);
  assert.is(sock.recv(), EAGAIN);
});

test("REQ: with no peer, send is EAGAIN", () => {
  const core = newCore();
  const sock = spSock(core, "REQ0");
  assert.is(sock.send(["q"]), EAGAIN);
});

test("REQ raw: no ids added, recv exposes [id, body], any reply is kept", () => {
  const { sock, pipe } = req({ options: { [O.OPT_RAW]: 1 } });
  assert.is(sock.send([word(reqId(0x55)), "raw body"]), 0);
  assert.equal(pipe.takeMessages(), [cat(word(reqId(0x55)), "raw body")]);
  pipe.feedMessages(cat(word(reqId(0x56)), "any"));
  const m = sock.recv();
  assert.equal(m[0], word(reqId(0x56)));
  assert.is(m[1].toString(), "any");
  pipe.feedMessages(Buffer.from("ab"));
  assert.is(pipe.closeReason, R.R_SP_MALFORMED, "< 4 bytes closes in raw mode too");
});

// ==== two cores back to back ====================================================

for (const chunk of [Infinity, 1]) {
  test(`REQ <-> REP over two cores${chunk === 1 ? " (1-byte transfers)" : ""}: round trips`, () => {
    const { net, a, b, pa, pb } = pair(ST.REQ0, ST.REP0, { chunk });
    assert.ok(pa.peerType !== null && pb.peerType !== null, "both handshakes");
    for (let i = 0; i < 3; i++) {
      assert.is(a.send([`ping ${i}`]), 0);
      net.drive();
      assert.equal(str(b.recv()), [`ping ${i}`]);
      assert.is(b.send([`pong ${i}`]), 0);
      net.drive();
      assert.equal(str(a.recv()), [`pong ${i}`]);
    }
  });

  test(`SURVEYOR <-> RESPONDENT over two cores${chunk === 1 ? " (1-byte transfers)" : ""}: a survey and its answer`, () => {
    const { net, a, b } = pair(ST.SURVEYOR0, ST.RESPONDENT0, { chunk });
    assert.is(a.send(["who?"]), 0);
    net.drive();
    assert.equal(str(b.recv()), ["who?"]);
    assert.is(b.send(["me"]), 0);
    net.drive();
    assert.equal(str(a.recv()), ["me"]);
  });
}

test.run();
