// Options are checked, on every socket class of both families, against the
// option table (assembly/options.ts, generated into bindings/shared.ts): a
// misspelt, read-only or not-yet-implemented option, a value of the wrong
// type or out of range throws a TypeError naming the option, in the
// constructor and as a property, and leaves the value as it was; valid
// options still work both ways. `new Router({ gssapiServer: true })` must
// never quietly give a socket that accepts plaintext.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { api } from "./helpers/util.mjs";
import { importRetry } from "../helpers/import-retry.mjs";

const zmq = await importRetry("wasmq/zmq");
const sp = await importRetry("wasmq/sp");
const { OPTIONS, SOCKET_TYPE_NAMES } = await importRetry(new URL("../../dist/esm/bindings/shared.js", import.meta.url).href);
const { core } = await importRetry(new URL("../../dist/esm/bindings/core.js", import.meta.url).href);

const test = suite("api: options are checked");
const it = api(test, { timeout: 20_000 });

const CLASSES = [
  ...["Pair", "Publisher", "Subscriber", "XPublisher", "XSubscriber", "Request", "Reply", "Dealer", "Router", "Push", "Pull"]
    .map((name) => ({ name, C: zmq[name], family: "zmq" })),
  ...["Pair0", "Pair1", "Bus", "Req", "Rep", "Pub", "Sub", "Push", "Pull", "Surveyor", "Respondent"]
    .map((name) => ({ name, C: sp[name], family: "sp" })),
];

// The rows a class has: its family's, on every type or on its own.
const typeOf = (k) => { const s = new k.C(); const t = SOCKET_TYPE_NAMES[s.type]; s.close(); return t; };
for (const k of CLASSES) k.type = typeOf(k);
const rowsOf = (k, ...access) => OPTIONS.filter((o) =>
  (o.family === "both" || o.family === k.family) && (o.on === "*" || o.on.includes(k.type)) && access.includes(o.access));

function open(res, k, options) {
  const s = new k.C(options);
  res.sock(s);
  return s;
}

/** fn throws a TypeError whose message names `name` (and matches `re`, if given). */
function throwsNaming(fn, name, what, re) {
  let err = null;
  try { fn(); } catch (e) { err = e; }
  assert.ok(err, `${what}: throws`);
  assert.instance(err, TypeError, `${what}: a TypeError (${err?.message})`);
  assert.ok(err.message.includes(name), `${what}: the message names ${name} (${err.message})`);
  if (re) assert.match(err.message, re, what);
  return err;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// A value of the wrong type for each kind of option.
const WRONG = { number: "1", boolean: 1, bytes: 5, key: "too short for a key", string: 5, strings: "https://example.com", enum: "sometimes", object: "x" };

// A valid value other than the default.
function validValue(o) {
  switch (o.type) {
    case "number": return o.max ?? Math.max(o.min ?? 0, 0) + 7;
    case "boolean": return !o.default;
    case "bytes": return "peer-7";
    case "key": return "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"; // a Z85 key (ZeroMQ RFC 32)
    case "string": return "name-7";
    case "strings": return ["https://example.com"];
    case "enum": return o.values[o.values.length - 1];
    case "object": if (o.name === "tlsConfig") return { rejectUnauthorized: false };
  }
  throw new Error(`no valid value for ${o.name}`);
}

it("new Router({ gssapiServer: true }) throws a TypeError saying GSSAPI is not supported yet", async () => {
  // One socket's life first: the core's tables grow once, on first use.
  new zmq.Router({ routingId: "r" }).close();
  const before = core().heapBytes;
  const e = throwsNaming(() => new zmq.Router({ routingId: "r", gssapiServer: true }), "gssapiServer", "gssapiServer", /not supported/);
  assert.is(e.code, "EINVAL");
  assert.is(core().heapBytes, before, "the refused socket's core socket was closed with it");
});

it("a misspelt option throws a TypeError naming it, with the likely meant name, in the constructor and as a property", async (res) => {
  for (const k of CLASSES) {
    throwsNaming(() => new k.C({ lingr: 0 }), "lingr", `${k.name}({ lingr })`, /did you mean "linger"/);
    throwsNaming(() => new k.C({ sendHighWatermark: 5 }), "sendHighWatermark", `${k.name}({ sendHighWatermark })`, /"sendHighWaterMark"/);
    const s = open(res, k);
    throwsNaming(() => { s.lingr = 0; }, "lingr", `${k.name}.lingr =`);
    assert.is(s.lingr, undefined, `${k.name}: nothing was stored`);
    assert.is(s.linger, -1, `${k.name}: linger unchanged`);
  }
});

it("an option of another socket type throws a TypeError naming it and the types that have it", async () => {
  throwsNaming(() => new zmq.Dealer({ mandatory: true }), "mandatory", "Dealer({ mandatory })", /ROUTER/);
  throwsNaming(() => new zmq.Push({ verbosity: "allSubs" }), "verbosity", "Push({ verbosity })", /XPUB/);
  throwsNaming(() => new sp.Rep({ resendInterval: 5 }), "resendInterval", "Rep({ resendInterval })", /REQ0/);
  throwsNaming(() => new sp.Pull({ surveyTime: 5 }), "surveyTime", "Pull({ surveyTime })", /SURVEYOR0/);
  throwsNaming(() => new sp.Pair0({ immediate: true }), "immediate", "Pair0({ immediate }), a wasmq/zmq option", /Unknown option/);
});

it("read-only properties (type, lastEndpoint, closed, readable, writable, events; SP raw after construction) throw a TypeError when set", async (res) => {
  for (const k of CLASSES) {
    const ro = rowsOf(k, "ro");
    assert.ok(["type", "lastEndpoint", "closed", "readable", "writable", "events"].every((n) => ro.some((o) => o.name === n)), `${k.name}: the table has them`);
    for (const o of ro) {
      throwsNaming(() => new k.C({ [o.name]: 1 }), o.name, `${k.name}({ ${o.name} })`, /read-only/);
      const s = open(res, k);
      const before = s[o.name];
      throwsNaming(() => { s[o.name] = 1; }, o.name, `${k.name}.${o.name} =`, /read-only/);
      assert.is(s[o.name], before, `${k.name}.${o.name} unchanged`);
    }
    if (k.family === "sp") {
      const s = open(res, k, { raw: true });
      throwsNaming(() => { s.raw = false; }, "raw", `${k.name}.raw =`, /constructor/);
      assert.is(s.raw, true, `${k.name}.raw unchanged`);
    }
  }
});

it("every option wasmq does not implement yet is refused in the constructor, as a property set and as a read, never stored", async (res) => {
  let refused = 0;
  for (const k of CLASSES) {
    const rows = rowsOf(k, "unsupported");
    assert.ok(rows.length > 0, `${k.name} has options it refuses`);
    for (const o of rows) {
      const v = o.type === "boolean" ? true : o.type === "number" ? 1 : "x";
      throwsNaming(() => new k.C({ [o.name]: v }), o.name, `${k.name}({ ${o.name} })`, /not supported by wasmq yet/);
      const s = open(res, k);
      throwsNaming(() => { s[o.name] = v; }, o.name, `${k.name}.${o.name} =`, /not supported/);
      throwsNaming(() => s[o.name], o.name, `reading ${k.name}.${o.name}`, /not supported/);
      refused++;
    }
  }
  assert.ok(refused > 300, `refused ${refused} (option, class) pairs`);
});

it("a value of the wrong type throws a TypeError naming the option and leaves the value as it was", async (res) => {
  for (const k of CLASSES) {
    for (const o of rowsOf(k, "rw", "init")) {
      const bad = WRONG[o.type];
      throwsNaming(() => new k.C({ [o.name]: bad }), o.name, `${k.name}({ ${o.name}: ${JSON.stringify(bad)} })`, /must be/);
      if (o.access === "init") continue;
      const s = open(res, k);
      const before = s[o.name];
      const e = throwsNaming(() => { s[o.name] = bad; }, o.name, `${k.name}.${o.name} = ${JSON.stringify(bad)}`, /must be/);
      assert.is(e.code, "EINVAL", "code EINVAL, as before the table");
      assert.ok(same(s[o.name], before), `${k.name}.${o.name} unchanged`);
    }
  }
});

it("a value out of range throws a TypeError naming the option and leaves the value as it was", async (res) => {
  let checked = 0;
  for (const k of CLASSES) {
    for (const o of rowsOf(k, "rw").filter((o) => o.min !== null || o.max !== null)) {
      const outside = [];
      if (o.type === "bytes") outside.push("x".repeat(o.max + 1));
      else {
        if (o.min !== null) outside.push(o.min - 1);
        if (o.max !== null) outside.push(o.max + 1);
      }
      for (const v of outside) {
        throwsNaming(() => new k.C({ [o.name]: v }), o.name, `${k.name}({ ${o.name}: ${v} })`, /must be/);
        const s = open(res, k);
        const before = s[o.name];
        throwsNaming(() => { s[o.name] = v; }, o.name, `${k.name}.${o.name} = ${v}`, /must be (at least|at most|between)/);
        assert.ok(same(s[o.name], before), `${k.name}.${o.name} unchanged`);
        checked++;
      }
    }
  }
  assert.ok(checked > 100, `checked ${checked} out-of-range values`);
});

it("valid options still work, in the constructor and as properties, and read back", async (res) => {
  for (const k of CLASSES) {
    for (const o of rowsOf(k, "rw", "init")) {
      const v = validValue(o);
      const a = open(res, k, { [o.name]: v });
      assert.ok(same(a[o.name], v), `${k.name}({ ${o.name}: ${JSON.stringify(v)} }) reads back ${JSON.stringify(a[o.name])}`);
      if (o.access === "init") continue;
      const b = open(res, k);
      b[o.name] = v;
      assert.ok(same(b[o.name], v), `${k.name}.${o.name} = ${JSON.stringify(v)} reads back ${JSON.stringify(b[o.name])}`);
    }
  }
});

it("a fresh socket's properties are the table's defaults", async (res) => {
  for (const k of CLASSES) {
    const s = open(res, k);
    for (const o of rowsOf(k, "rw", "ro", "init").filter((o) => o.default !== undefined)) {
      assert.ok(same(s[o.name], o.default), `${k.name}.${o.name} is ${JSON.stringify(s[o.name])}, the table says ${JSON.stringify(o.default)}`);
    }
  }
});

it("an option the table puts on some socket types is a property of those classes only", async (res) => {
  for (const k of CLASSES) {
    const s = open(res, k);
    for (const o of OPTIONS.filter((o) => o.access !== "unsupported" && (o.family === "both" || o.family === k.family))) {
      const has = o.on === "*" || o.on.includes(k.type);
      assert.is(o.name in s, has, `${k.name} ${has ? "has" : "has no"} ${o.name}`);
    }
  }
});

it("an option given as undefined in the constructor is left at its default", async (res) => {
  const d = open(res, { C: zmq.Dealer }, { linger: undefined, routingId: undefined, sendHighWaterMark: 3 });
  assert.is(d.linger, -1);
  assert.is(d.routingId, null);
  assert.is(d.sendHighWaterMark, 3);
});

it("property getters read what the core holds, also after close()", async (res) => {
  const r = open(res, { C: zmq.Router }, { mandatory: true, receiveHighWaterMark: 12 });
  r.heartbeatInterval = 250;
  r.close();
  assert.is(r.mandatory, true);
  assert.is(r.receiveHighWaterMark, 12);
  assert.is(r.heartbeatInterval, 250);
  const q = open(res, { C: sp.Req }, { maxTtl: 3 });
  assert.is(q.maxTtl, 3);
  assert.is(q.resendInterval, 60000, "nng's default, from the core");
});

test.run();
