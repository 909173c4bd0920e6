// The numbers the host shares with the core are written once, in assembly/,
// and generated into bindings/shared.ts (scripts/gen-shared.mjs). These tests
// fail when the two sides drift: a stale generated file, a close reason with
// no code, or an option table whose defaults, families or bounds are not what
// the core itself does (read back through socket_get on fresh sockets).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { generate, readCore, OUTPUT } from "../../scripts/gen-shared.mjs";
import { newCore } from "./helpers/harness.mjs";

const ROOT = new URL("../../", import.meta.url);
const { text, table, reasons, errnos, types, spTypes } = generate();
const core = readCore();

// Every socket type the core has, with its family.
const TYPES = types.map((t) => ({ name: t.name, type: t.value, family: spTypes.includes(t) ? "sp" : "zmq" }));

const inFamily = (o, family) => o.family === "both" || o.family === family;
const applies = (o, t) => inFamily(o, t.family) && (o.on === "*" || o.on.includes(t.name));
const toCore = (o, v) => (o.type === "boolean" ? (v ? 1 : 0) : o.type === "enum" ? o.values.indexOf(v) : v);
// Options whose value the core holds as a number (socket_get can read them).
const numeric = table.filter((o) => o.id !== null && o.type !== "bytes" && o.type !== "key");

test("bindings/shared.ts is exactly what the generator makes of assembly/ now", () => {
  const onDisk = readFileSync(new URL(OUTPUT, ROOT), "utf8");
  assert.ok(onDisk === text, `${OUTPUT} is stale: run node scripts/gen-shared.mjs (npm run build does)`);
});

test("every close reason but R_NONE has a stable code, and no two share one", () => {
  const all = [...core.consts.keys()].filter((name) => name.startsWith("R_"));
  assert.equal(reasons.map((r) => r.name), all, "the generator read every R_* constant");
  const codes = new Map();
  for (const r of reasons) {
    if (r.name === "R_NONE") { assert.is(r.code, null, "R_NONE (not closed) has no code"); continue; }
    assert.ok(r.code, `${r.name} has a code`);
    assert.not.ok(codes.has(r.code), `${r.name} and ${codes.get(r.code)} share ${r.code}`);
    codes.set(r.code, r.name);
  }
});

test("the table names every core option that is a property, once per family", () => {
  const ids = [...core.consts].filter(([name]) => name.startsWith("OPT_")).map(([name]) => name);
  const methods = new Set(["OPT_SUBSCRIBE", "OPT_UNSUBSCRIBE", "OPT_MAX_FRAMES"]);
  for (const id of ids) {
    if (methods.has(id)) continue;
    assert.ok(table.some((o) => o.idName === id), `${id} has a row`);
  }
  for (const family of ["zmq", "sp"]) {
    const seen = new Set();
    for (const o of table.filter((o) => inFamily(o, family))) {
      assert.not.ok(seen.has(o.name), `${o.name} has one row for ${family}`);
      seen.add(o.name);
    }
  }
});

test("every option's table default is the core's value on a fresh socket of each type that has it", () => {
  const c = newCore();
  let checked = 0;
  for (const t of TYPES) {
    const h = c.openSocket(t.type, { onReadable() {}, onWritable() {} });
    for (const o of numeric.filter((o) => applies(o, t) && o.default !== undefined)) {
      assert.is(c.getOption(h, o.id), toCore(o, o.default), `${o.name} (${o.idName}) on a fresh ${t.name}`);
      checked++;
    }
    c.closeSocket(h);
  }
  assert.ok(checked > 150, `checked ${checked} defaults`);
});

test("a socket's core holds the options of its own family only", () => {
  const c = newCore();
  for (const t of TYPES) {
    const h = c.openSocket(t.type, { onReadable() {}, onWritable() {} });
    for (const o of numeric) {
      const v = c.getOption(h, o.id);
      // Per-type options (mandatory, resendInterval) have a value on every
      // type of their family: the core keeps one Options record per socket.
      if (inFamily(o, t.family)) assert.ok(!Number.isNaN(v), `${o.name} is held by a ${t.name}`);
      else if (!table.some((p) => p.id === o.id && inFamily(p, t.family))) assert.ok(Number.isNaN(v), `${o.name} is not held by a ${t.name}`);
    }
    c.closeSocket(h);
  }
});

test("bounds the core enforces itself (a row with both ends) are the table's", () => {
  const c = newCore();
  const EINVAL = -errnos.find((e) => e.name === "EINVAL").value;
  const bounded = numeric.filter((o) => o.type === "number" && o.min !== null && o.max !== null);
  assert.ok(bounded.length >= 3, "maxTtl and the priorities have both ends");
  for (const o of bounded) {
    const t = TYPES.find((t) => applies(o, t));
    const h = c.openSocket(t.type, { onReadable() {}, onWritable() {} });
    assert.is(c.setOption(h, o.id, o.min), 0, `${o.name} = ${o.min}`);
    assert.is(c.setOption(h, o.id, o.max), 0, `${o.name} = ${o.max}`);
    assert.is(c.setOption(h, o.id, o.min - 1), EINVAL, `${o.name} = ${o.min - 1}`);
    assert.is(c.setOption(h, o.id, o.max + 1), EINVAL, `${o.name} = ${o.max + 1}`);
    c.closeSocket(h);
  }
});

test("the socket types the generator found are every type the core opens, and nothing else", () => {
  const c = newCore();
  assert.is(TYPES.filter((t) => t.family === "zmq").length, 11);
  assert.is(TYPES.filter((t) => t.family === "sp").length, 11);
  for (let type = -1; type <= 64; type++) {
    const known = TYPES.some((t) => t.type === type);
    let opened = true;
    try { c.closeSocket(c.openSocket(type, { onReadable() {}, onWritable() {} })); } catch { opened = false; }
    assert.is(opened, known, `socket type ${type}`);
  }
});

test.run();
