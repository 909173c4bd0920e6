// Writes bindings/shared.ts: every number the host shares with the core
// (errno values, close reasons and their codes, event kinds, option ids and
// the option table, socket types, pipe flags, poll bits, input limits), read
// from the AssemblyScript sources so that each is written once, in assembly/.
//
// Constants are found by name wherever assembly/ defines them, so moving a
// file inside assembly/ does not break the build; the header of the output
// says which files they came from. `npm run build` runs this first;
// test/core/shared.test.mjs regenerates in memory and fails if the file is stale.
//
//   node scripts/gen-shared.mjs           write bindings/shared.ts (if it changed)
//   node scripts/gen-shared.mjs --check   exit 1 if it is stale
import { readFileSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const OUTPUT = "bindings/shared.ts";

// ---- reading assembly/ ----

function tsFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out.sort();
}

// A top-level numeric constant: `[export] const NAME: type = value; // comment`.
const CONST_LINE = /^(?:export\s+)?const\s+([A-Z][A-Z0-9_]*)\s*:\s*(?:i32|u32|u16|u8|f64|i64|u64)\s*=\s*([^;]+);\s*(?:\/\/\s*(.*))?$/;

// Values are literals or small arithmetic over them and other constants
// (32 * 1024, (1 << SLOT_BITS) - 1); evaluated only when a group needs them.
function evaluate(expr, where, lookup) {
  const e = expr.trim().replace(/<[a-z0-9]+>/g, "").replace(/\b[A-Z][A-Z0-9_]*\b/g, (n) => `(${lookup(n)})`);
  if (!/^[\d\sxXa-fA-F_.*+\-<>()|&]+$/.test(e)) throw new Error(`${where}: cannot evaluate ${expr.trim()}`);
  return Function(`"use strict"; return (${e.replace(/_/g, "")});`)();
}

/** Every constant of every file under assembly/: name → [{ file, expr, where, comment }]. */
export function readCore(root = ROOT) {
  const files = new Map();
  const consts = new Map();
  for (const path of tsFiles(join(root, "assembly"))) {
    const file = relative(root, path).split("\\").join("/");
    const text = readFileSync(path, "utf8");
    files.set(file, text);
    text.split("\n").forEach((line, i) => {
      const m = CONST_LINE.exec(line);
      if (!m) return;
      const list = consts.get(m[1]) ?? [];
      list.push({ file, expr: m[2], where: `${file}:${i + 1}`, comment: (m[3] ?? "").trim() });
      consts.set(m[1], list);
    });
  }
  return { files, consts };
}

class Sources {
  constructor(core) {
    this.core = core;
    this.used = new Set();
  }
  /** The one definition of constant `name` (an error if none or several). */
  def(name) {
    const list = this.core.consts.get(name);
    if (!list) throw new Error(`gen-shared: no constant ${name} in assembly/`);
    if (list.length > 1) throw new Error(`gen-shared: ${name} is defined in ${list.map((d) => d.file).join(" and ")}`);
    const d = list[0];
    this.used.add(d.file);
    if (!("value" in d)) d.value = evaluate(d.expr, d.where, (n) => this.value(n));
    return d;
  }
  value(name) { return this.def(name).value; }
  /** The file that contains `marker` (exactly one). */
  fileWith(marker) {
    const hits = [...this.core.files].filter(([, text]) => text.includes(marker));
    if (hits.length !== 1) throw new Error(`gen-shared: ${hits.length} files in assembly/ contain ${marker}`);
    this.used.add(hits[0][0]);
    return hits[0];
  }
  /** Constants of `file` whose names match `re`, in file order. */
  group(file, re) {
    const out = [];
    for (const [name, list] of this.core.consts) {
      for (const d of list) if (d.file === file && re.test(name)) out.push({ name, ...this.def(name) });
    }
    if (!out.length) throw new Error(`gen-shared: no constants matching ${re} in ${file}`);
    this.used.add(file);
    return out;
  }
}

// ---- the groups ----

function errnos(src) {
  const file = src.def("EAGAIN").file;
  return src.group(file, /^E[A-Z]+$/);
}

// `// code: ERR_X, protocol. What it means.` after each R_* constant.
function reasons(src) {
  const file = src.def("R_NONE").file;
  return src.group(file, /^R_/).map((r) => {
    const m = /^code:\s*([A-Z][A-Z0-9_]*|none)\s*(,\s*(protocol|auth))?[.,]?\s*(.*)$/.exec(r.comment);
    if (!m) throw new Error(`gen-shared: ${r.name} (${file}) has no "// code: ..." comment`);
    return { ...r, code: m[1] === "none" ? null : m[1], protocol: m[3] === "protocol", auth: m[3] === "auth", about: m[4] };
  });
}

function eventKinds(src) {
  return src.group(src.def("EV_PIPE_OUTPUT").file, /^EV_/);
}

function optionIds(src) {
  return src.group(src.def("OPT_SNDHWM").file, /^OPT_/);
}

// ZMTP types: the names SOCKET_TYPE_NAMES lists, in its order.
function zmtpTypes(src) {
  const [file, text] = src.fileWith("export const SOCKET_TYPE_NAMES");
  const m = /SOCKET_TYPE_NAMES[^=]*=\s*\[([^\]]*)\]/.exec(text);
  if (!m) throw new Error(`gen-shared: cannot read SOCKET_TYPE_NAMES in ${file}`);
  const names = [...m[1].matchAll(/"([A-Z]+)"/g)].map((x) => x[1]);
  return names.map((name) => ({ name, value: src.value(name) }));
}

// SP types: every PROTO_X with its socket type constant X.
function spTypes(src) {
  const file = src.def("PROTO_PAIR0").file;
  return src.group(file, /^PROTO_/).map((p) => {
    const name = p.name.slice("PROTO_".length);
    return { name, value: src.value(name), proto: p.value };
  });
}

// SP over WebSocket names: the "// ws-name | protocol | peer" rows beside
// the protocol ids. Socket type → [its own name, the name it dials].
function spWsNames(src) {
  const file = src.def("PROTO_PAIR0").file;
  const lines = src.core.files.get(file).split("\n");
  const head = lines.findIndex((l) => /^\/\/\s*ws-name\s*\|\s*protocol\s*\|\s*peer\s*$/.test(l));
  if (head < 0) throw new Error(`gen-shared: no "// ws-name | protocol | peer" rows in ${file}`);
  const rows = [];
  for (let i = head + 1; i < lines.length; i++) {
    const m = /^\/\/\s*([a-z0-9]+)\s*\|\s*([A-Z0-9]+)\s*\|\s*([A-Z0-9]+)\s*$/.exec(lines[i]);
    if (!m) break;
    rows.push({ name: m[1], proto: m[2], peer: m[3] });
  }
  const nameOf = new Map(rows.map((r) => [r.proto, r.name]));
  return rows.map((r) => {
    if (!nameOf.has(r.peer)) throw new Error(`gen-shared: ${file}: ${r.proto}'s peer ${r.peer} has no ws-name row`);
    return [src.value(r.proto), `[${JSON.stringify(r.name)}, ${JSON.stringify(nameOf.get(r.peer))}]`];
  });
}

function pipeFlags(src) {
  return ["PIPE_OUTBOUND", "PIPE_IPC", "PIPE_WS", "PIPE_WS_NULL"].map((name) => ({ name, ...src.def(name) }));
}

// socket_poll's bits, by what each reports (`if (s.hasIn()) r |= POLL_READABLE;`).
function pollBits(src) {
  const [file, text] = src.fileWith("export function socket_poll");
  const body = text.slice(text.indexOf("export function socket_poll"));
  const bit = (what, name) => {
    const m = new RegExp(`${what}\\(\\)\\)\\s*r\\s*\\|=\\s*([A-Z0-9_x]+)`).exec(body);
    if (!m) throw new Error(`gen-shared: cannot find the ${what}() bit of socket_poll in ${file}`);
    const v = /^[0-9]/.test(m[1]) ? Number(m[1]) : src.value(m[1]);
    return { name, value: v, comment: `socket_poll: ${what}()` };
  };
  return [bit("hasIn", "READABLE"), bit("canSend", "WRITABLE")];
}

function limits(src) {
  return [
    ["INPUT_MAX", "INPUT_MAX"], ["INPUT_CHUNK", "INPUT_CHUNK"], ["EXTERNAL_MIN", "RECEIVE_EXTERNAL_MIN"],
    ["EXTERNAL", "EXTERNAL"], ["EVENT_SIZE", "EVENT_SIZE"], ["SPLICE_SIZE", "SPLICE_SIZE"],
  ].map(([name, core]) => ({ name, core, ...src.def(core) }));
}

// ---- the option table ----

const COLUMNS = ["property", "id", "type", "default", "range", "family", "access", "on", "native"];
const TYPES = /^(number|boolean|bytes|key|string|strings|object|enum\(([^)]*)\))$/;

/** The rows of the option table in the file that defines OPT_SNDHWM. */
export function optionTable(src) {
  const file = src.def("OPT_SNDHWM").file;
  const lines = src.core.files.get(file).split("\n");
  const head = lines.findIndex((l) => /^\/\/\s*property\s*\|\s*id\s*\|/.test(l));
  if (head < 0) throw new Error(`gen-shared: no option table (a "// property | id | ..." row) in ${file}`);
  const cols = lines[head].slice(2).split("|").map((c) => c.trim());
  if (cols.join() !== COLUMNS.join()) throw new Error(`gen-shared: option table columns are ${cols.join()}, expected ${COLUMNS.join()}`);
  const rows = [];
  for (let i = head + 1; i < lines.length && lines[i].includes("|"); i++) {
    const cells = lines[i].replace(/^\/\/\s?/, "").split("|").map((c) => c.trim());
    if (cells.every((c) => /^-+$/.test(c))) continue;
    const where = `${file}:${i + 1}`;
    if (cells.length !== COLUMNS.length) throw new Error(`${where}: ${cells.length} cells, expected ${COLUMNS.length}`);
    rows.push(optionRow(src, Object.fromEntries(COLUMNS.map((c, k) => [c, cells[k]])), where));
  }
  return rows;
}

function optionRow(src, c, where) {
  const t = TYPES.exec(c.type);
  if (!t) throw new Error(`${where}: unknown type ${c.type}`);
  const values = t[2] !== undefined ? t[2].split(",").map((v) => literal(src, v.trim(), where)) : undefined;
  if (!["zmq", "sp", "both"].includes(c.family)) throw new Error(`${where}: unknown family ${c.family}`);
  if (!["rw", "ro", "init", "unsupported"].includes(c.access)) throw new Error(`${where}: unknown access ${c.access}`);
  let id = null;
  if (c.id !== "host") {
    if (!/^OPT_/.test(c.id)) throw new Error(`${where}: id must be an OPT_* constant or "host"`);
    id = src.value(c.id);
  }
  let min = null;
  let max = null;
  if (c.range !== "-") {
    const r = /^(.*)\.\.(.*)$/.exec(c.range);
    if (!r) throw new Error(`${where}: range ${c.range} is not min..max`);
    if (r[1]) min = literal(src, r[1], where);
    if (r[2]) max = literal(src, r[2], where);
  }
  return {
    name: c.property,
    id,
    idName: id === null ? null : c.id,
    type: values ? "enum" : c.type,
    ...(values ? { values } : {}),
    default: c.default === "-" ? undefined : literal(src, c.default, where),
    min,
    max,
    family: c.family,
    access: c.access,
    on: c.on === "*" ? "*" : c.on.split(",").map((s) => s.trim()),
    native: c.native === "-" ? null : c.native,
  };
}

function literal(src, s, where) {
  if (s === "null") return null;
  if (s === "true") return true;
  if (s === "false") return false;
  if (/^".*"$/.test(s)) return s.slice(1, -1);
  if (/^-?[\d.]+$/.test(s)) return Number(s);
  if (/^[A-Z][A-Z0-9_]*$/.test(s)) return src.value(s);
  if (/^[a-zA-Z]+$/.test(s)) return s;    // an enum value
  throw new Error(`${where}: cannot read ${s}`);
}

// ---- writing bindings/shared.ts ----

const strip = (prefix) => (name) => name.slice(prefix.length);
const comment = (c) => (c ? ` // ${c}` : "");

function constEnum(name, doc, members, rename = (n) => n) {
  const body = members.map((m) => `  ${rename(m.name)} = ${num(m.value)},${comment(m.about ?? m.comment)}`).join("\n");
  return `/** ${doc} */\nexport const enum ${name} {\n${body}\n}\n`;
}

const num = (v) => (Number.isInteger(v) && v >= 0x10000 && (v & (v - 1)) === 0 ? `0x${v.toString(16)}` : String(v));

// `{ name: "x", id: 1, on: ["REQ"] }`: one row per line, keys unquoted.
function objectLiteral(o) {
  const v = (x) => (Array.isArray(x) ? `[${x.map(v).join(", ")}]` : x === undefined ? "undefined" : JSON.stringify(x));
  return `{ ${Object.entries(o).filter(([, x]) => x !== undefined).map(([k, x]) => `${k}: ${v(x)}`).join(", ")} }`;
}

function record(name, type, doc, entries) {
  const body = entries.map(([k, v]) => `  ${k}: ${JSON.stringify(v)},`).join("\n");
  return `/** ${doc} */\nexport const ${name}: Readonly<Record<number, ${type}>> = {\n${body}\n};\n`;
}

/** The text of bindings/shared.ts, the files it was made from, and what it holds. */
export function generate(root = ROOT) {
  const src = new Sources(readCore(root));
  const errs = errnos(src);
  const rs = reasons(src);
  const evs = eventKinds(src);
  const opts = optionIds(src);
  const table = optionTable(src);
  const zt = zmtpTypes(src);
  const st = spTypes(src);
  const flags = pipeFlags(src);
  const wsNames = spWsNames(src);
  const poll = pollBits(src);
  const lims = limits(src);
  const files = [...src.used].sort();

  const parts = [
    `// GENERATED by scripts/gen-shared.mjs from ${files.join(", ")}.\n` +
    `// Do not edit: change those files and run \`npm run build\` (or node scripts/gen-shared.mjs).\n` +
    `// Every number the host shares with the core; test/core/shared.test.mjs fails if this file is stale.\n`,
    constEnum("Errno", "errno values the core returns negated (the code string is the name).", errs),
    record("ERRNO_CODES", "string", "errno value → the stable code string.", errs.map((e) => [e.value, e.name])),
    constEnum("Reason", "Why the core closed a pipe (Ev.PIPE_CLOSE, arg a): the R_* constants without R_.",
      rs.map((r) => ({ ...r, about: `${r.code ?? "no code"}${r.protocol ? " (protocol)" : r.auth ? " (auth)" : ""}${r.about ? `: ${r.about}` : ""}` })), strip("R_")),
    record("REASON_CODES", "string", "Close reason → the code users see on the error.", rs.filter((r) => r.code).map((r) => [r.value, r.code])),
    `/** Close reasons that are the peer breaking the protocol (handshake:error:protocol). */\n` +
    `export const PROTOCOL_REASONS: ReadonlySet<number> = new Set([${rs.filter((r) => r.protocol).map((r) => r.value).join(", ")}]);\n`,
    `/** Close reasons that are an authenticator refusing the peer (handshake:error:auth). */\n` +
    `export const AUTH_REASONS: ReadonlySet<number> = new Set([${rs.filter((r) => r.auth).map((r) => r.value).join(", ")}]);\n`,
    constEnum("Ev", "Event kinds in the core's event queue: the EV_* constants without EV_.", evs, strip("EV_")),
    constEnum("Opt", "Option ids: the OPT_* constants without OPT_.", opts, strip("OPT_")),
    constEnum("ZmqType", "ZMTP socket types.", zt),
    constEnum("SpType", "SP socket types.", st),
    record("SOCKET_TYPE_NAMES", "string", "Socket type → its name in the core (the option table's `on` column).",
      [...zt, ...st].map((t) => [t.value, t.name])),
    record("SP_PROTOCOLS", "number", "SP socket type → its protocol id on the wire ((number << 4) | role).", st.map((t) => [t.value, t.proto])),
    `/** SP socket type → [its name in SP WebSocket subprotocols, the name of the protocol it talks to]. */\n` +
    `export const SP_WS_NAMES: Readonly<Record<number, readonly [string, string]>> = {\n${wsNames.map(([k, v]) => `  ${k}: ${v},`).join("\n")}\n};\n`,
    constEnum("PipeFlag", "pipe_open / pipe_set_mode flags: the PIPE_* constants without PIPE_.", flags, strip("PIPE_")),
    constEnum("Poll", "socket_poll bits.", poll),
    constEnum("Limit", "Sizes the host must agree with (input region, external frames, event and splice records).", lims.map((l) => ({ ...l, comment: [l.core === l.name ? "" : l.core, l.comment].filter(Boolean).join(": ") }))),
    optionTypes(),
    `/** The option table (assembly/options.ts): every option property, with what validates it. */\n` +
    `export const OPTIONS: readonly OptionSpec[] = [\n${table.map((r) => `  ${objectLiteral(r)},`).join("\n")}\n];\n`,
  ];
  return { text: parts.join("\n"), files, table, reasons: rs, errnos: errs, types: [...zt, ...st], spTypes: st };
}

function optionTypes() {
  return `/** One row of the option table. */
export interface OptionSpec {
  /** The property (and constructor option) name. */
  name: string;
  /** The core's option id, or null if the host holds the value. */
  id: number | null;
  idName: string | null;
  type: "number" | "boolean" | "bytes" | "key" | "string" | "strings" | "object" | "enum";
  /** For enum: the values, whose index the core holds. */
  values?: readonly (string | null)[];
  default?: number | boolean | string | null;
  /** Bounds (for bytes: of the length); null if open. */
  min: number | null;
  max: number | null;
  family: "zmq" | "sp" | "both";
  access: "rw" | "ro" | "init" | "unsupported";
  /** The socket types (SOCKET_TYPE_NAMES) that have it, or "*" for every type of the family. */
  on: "*" | readonly string[];
  native: string | null;
}
`;
}

// ---- command line ----

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { text, files } = generate();
  const out = join(ROOT, OUTPUT);
  const old = existsSync(out) ? readFileSync(out, "utf8") : null;
  if (process.argv.includes("--check")) {
    if (old !== text) { console.error(`${OUTPUT} is stale: run node scripts/gen-shared.mjs`); process.exit(1); }
  } else if (old !== text) {
    writeFileSync(out, text);
    console.log(`gen-shared: wrote ${OUTPUT} from ${files.length} files`);
  }
}
