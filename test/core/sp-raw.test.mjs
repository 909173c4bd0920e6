// Raw SP sockets are classes of their own (XREQ0 beside REQ0, ...), chosen
// by the raw option before the socket has a pipe. What that promises: the
// choice is made once and early, a raw socket does what the raw protocol
// does from its first message, and the cooked socket it replaced leaves
// nothing behind.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { newCore } from "./helpers/harness.mjs";
import { O, R } from "./helpers/wire.mjs";
import { spSock, spAddPeer, words, reqId } from "./helpers/sp.mjs";

const cat = (...parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));

test("the raw option is refused once the socket has a pipe, and cannot be turned off", () => {
  const core = newCore();
  const s = spSock(core, "REQ0");
  spAddPeer(s);
  assert.is(core.setOption(s.h, O.OPT_RAW, 1), -R.EINVAL);
  const t = spSock(core, "REP0", { [O.OPT_RAW]: 1 });
  assert.is(core.setOption(t.h, O.OPT_RAW, 0), -R.EINVAL);
  assert.is(core.getOption(t.h, O.OPT_RAW), 1);
});

test("a raw REQ0 keeps no request state: replies with any id are handed up with their header", () => {
  const core = newCore();
  const s = spSock(core, "REQ0", { [O.OPT_RAW]: 1 });
  const p = spAddPeer(s);
  p.feedMessages(cat(words(reqId(77)), "unasked"));
  assert.equal(s.recv().map((f) => Buffer.from(f).toString("hex")), [words(reqId(77)).toString("hex"), Buffer.from("unasked").toString("hex")]);
});

test("a raw SUB0 keeps every message and refuses subscriptions (ENOTSUP, as nng)", () => {
  const core = newCore();
  const s = spSock(core, "SUB0", { [O.OPT_RAW]: 1 });
  const p = spAddPeer(s);
  assert.is(core.setBytesOption(s.h, O.OPT_SUBSCRIBE, "x"), -R.ENOTSUP);
  p.feedMessages("anything");
  assert.equal(s.recv().map(String), ["", "anything"]);
});

test("turning a socket raw gives back what its cooked form had allocated", () => {
  const core = newCore();
  const life = () => core.closeSocket(spSock(core, "SUB0", { [O.OPT_RAW]: 1 }).h);
  life();
  const before = core.heapBytes;
  for (let i = 0; i < 5; i++) life();
  assert.is(core.heapBytes, before);
});

test.run();
