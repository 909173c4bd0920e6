// Option checking. Every option a user sets, in a constructor's object or as
// a property, is checked against the option table (assembly/options.ts,
// generated into bindings/shared.ts) before it reaches the core or the host:
// an unknown, read-only or not-yet-supported option, a value of the wrong
// type or out of range throws a TypeError naming the option, as zeromq.js
// throws for the options it refuses. Nothing is stored and ignored: a
// misspelt `curveServer` must not leave a socket accepting plaintext.
import { OPTIONS, SOCKET_TYPE_NAMES, SP_PROTOCOLS, type OptionSpec } from "../bindings/shared.js";
import { z85Decode } from "./zmq/z85.js";
import type { TlsConfig, TlsSettings } from "./transports/transport.js";

export { Opt } from "../bindings/shared.js";
export type { OptionSpec } from "../bindings/shared.js";

export type Family = "zmq" | "sp";

/** The family a core socket type belongs to. */
export const familyOf = (type: number): Family => (type in SP_PROTOCOLS ? "sp" : "zmq");

const rows: Record<Family, Map<string, OptionSpec>> = { zmq: new Map(), sp: new Map() };
for (const o of OPTIONS) {
  if (o.family !== "sp") rows.zmq.set(o.name, o);
  if (o.family !== "zmq") rows.sp.set(o.name, o);
}

/** The table's row for option `name` in `family`, whatever the socket type. */
export function optionRow(family: Family, name: string): OptionSpec | undefined {
  return rows[family].get(name);
}

/** Whether a socket of core type `type` has the option of row `o`. */
export function appliesTo(o: OptionSpec, type: number): boolean {
  return o.on === "*" || o.on.includes(SOCKET_TYPE_NAMES[type]);
}

/** Every row a socket of core type `type` has (what the constructor accepts, and more). */
export function optionsOf(type: number): OptionSpec[] {
  return [...rows[familyOf(type)].values()].filter((o) => appliesTo(o, type));
}

export type OptionError = TypeError & { code: string };

/** A TypeError with zeromq.js's EINVAL code, so code that matches on `code` keeps working. */
export function optionError(message: string): OptionError {
  return Object.assign(new TypeError(message), { code: "EINVAL" });
}

const socketName = (type: number): string => `${SOCKET_TYPE_NAMES[type] ?? type} socket`;

/**
 * Throws unless a socket of `type` lets its user set option `name`; returns
 * the row. `inConstructor`: constructor-only options (SP `raw`) are allowed.
 */
export function admit(type: number, name: string, inConstructor: boolean): OptionSpec {
  const o = optionRow(familyOf(type), name);
  if (!o) throw optionError(`Unknown option "${name}" for a ${socketName(type)}${suggestion(type, name)}`);
  if (!appliesTo(o, type)) {
    const on = o.on === "*" ? "" : ` (only ${o.on.join(", ")})`;
    throw optionError(`Option "${name}" is not available on a ${socketName(type)}${on}`);
  }
  if (o.access === "unsupported") throw unsupported(o);
  if (o.access === "ro" || (o.access === "init" && !inConstructor)) throw readOnly(o);
  return o;
}

export function unsupported(o: OptionSpec): OptionError {
  const native = o.native ? ` (${o.native})` : "";
  return optionError(`Option "${o.name}"${native} is not supported by wasmq yet; it is refused rather than ignored`);
}

export function readOnly(o: OptionSpec): OptionError {
  const how = o.access === "init" ? "; it can only be given to the constructor" : "";
  return optionError(`Cannot set read-only option "${o.name}"${how}`);
}

// A misspelling is most often one or two edits away from the real name.
function suggestion(type: number, name: string): string {
  let best = "";
  let bestD = 3;
  for (const o of optionsOf(type)) {
    const d = distance(name.toLowerCase(), o.name.toLowerCase());
    if (d < bestD) { best = o.name; bestD = d; }
  }
  return best ? ` (did you mean "${best}"?)` : "";
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

// The value in an error message: short, and its type when that is the fault.
function describe(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return Array.isArray(v) ? "an array" : `a ${typeof v}`;
}

const textEncoder = new TextEncoder();

/**
 * Checks a value for option `o` against its type and range; returns it as
 * the host keeps it. Throws a TypeError naming the option otherwise.
 */
export function checkValue(o: OptionSpec, v: unknown): unknown {
  const bad = (want: string): OptionError => optionError(`Option "${o.name}" must be ${want}, not ${describe(v)}`);
  switch (o.type) {
    case "number":
      if (typeof v !== "number" || Number.isNaN(v)) throw bad("a number");
      checkRange(o, v, v, "");
      return v;
    case "boolean":
      if (typeof v !== "boolean") throw bad("a boolean");
      return v;
    case "string":
      // A string option whose default is null (none, as tlsCaFile) takes null back.
      if (v === null && o.default === null) return v;
      if (typeof v !== "string") throw bad(o.default === null ? "a string or null" : "a string");
      return v;
    case "bytes": {
      if (v === null) return v;
      if (typeof v !== "string" && !(v instanceof Uint8Array)) throw bad("a string, a Buffer or null");
      const n = typeof v === "string" ? textEncoder.encode(v).length : v.length;
      checkRange(o, n, n, " bytes long");
      return v;
    }
    case "key": {
      // A CURVE key: 40 Z85 characters (ZeroMQ RFC 32) or its 32 bytes.
      if (v === null) return v;
      if (typeof v === "string") {
        if (v.length !== 40) throw bad("a 40-character Z85 key, 32 bytes or null");
        try { z85Decode(v); } catch { throw bad("a 40-character Z85 key, 32 bytes or null"); }
        return v;
      }
      if (v instanceof Uint8Array && v.length === 32) return v;
      throw bad("a 40-character Z85 key, 32 bytes or null");
    }
    case "strings":
      if (v !== null && !(Array.isArray(v) && v.every((s) => typeof s === "string"))) throw bad("an array of strings or null");
      return v;
    case "enum":
      if (!o.values!.includes(v as string | null)) throw bad(`one of ${o.values!.map((x) => JSON.stringify(x)).join(", ")}`);
      return v;
    case "object": {
      const check = OBJECT_CHECKS[o.name];
      if (!check) throw optionError(`Cannot set option "${o.name}"`);
      return check(o, v, bad);
    }
    default:
      throw optionError(`Cannot set option "${o.name}"`);
  }
}

// The options of type object, each with its own checker.
const OBJECT_CHECKS: Record<string, (o: OptionSpec, v: unknown, bad: (want: string) => OptionError) => unknown> = {
  tlsConfig: checkTlsConfig,
};

// ---- TLS ----
//
// tlsConfig is node:tls's options object, limited to the fields that make
// sense for a socket's endpoints; any other field is refused rather than
// ignored (a misspelt `rejectUnauthorised: false` must not be dropped, nor
// `ca` silently fall back to Node's bundled roots).

type FieldKind = "pem" | "string" | "boolean" | "version";
const TLS_FIELDS: Record<keyof TlsConfig, FieldKind> = {
  cert: "pem", key: "pem", passphrase: "string", ca: "pem", rejectUnauthorized: "boolean",
  requestCert: "boolean", servername: "string", minVersion: "version", maxVersion: "version", ciphers: "string",
};
const TLS_VERSIONS = ["TLSv1.2", "TLSv1.3"];

const isPem = (p: unknown): boolean => (typeof p === "string" && p.length > 0) || (p instanceof Uint8Array && p.length > 0);

function checkTlsConfig(o: OptionSpec, v: unknown, bad: (want: string) => OptionError): TlsConfig | null {
  if (v === null) return null;
  if (typeof v !== "object" || Array.isArray(v) || v instanceof Uint8Array) {
    throw bad("an object of TLS options ({ cert, key, ca, rejectUnauthorized, servername, ... }) or null");
  }
  const given = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(given)) {
    const x = given[field];
    if (x === undefined) continue;
    const kind = (TLS_FIELDS as Record<string, FieldKind>)[field];
    if (!kind) throw optionError(`Option "${o.name}" has no field "${field}" (it takes ${Object.keys(TLS_FIELDS).join(", ")})`);
    const wrong = (want: string): OptionError => optionError(`Option "${o.name}": ${field} must be ${want}, not ${describe(x)}`);
    switch (kind) {
      case "pem":
        if (!(isPem(x) || (Array.isArray(x) && x.length > 0 && x.every(isPem)))) throw wrong("PEM text: a non-empty string or Buffer, or an array of them");
        out[field] = Array.isArray(x) ? [...x] : x;
        break;
      case "string":
        if (typeof x !== "string") throw wrong("a string");
        out[field] = x;
        break;
      case "boolean":
        if (typeof x !== "boolean") throw wrong("a boolean");
        out[field] = x;
        break;
      case "version":
        if (!TLS_VERSIONS.includes(x as string)) throw wrong(TLS_VERSIONS.map((t) => JSON.stringify(t)).join(" or "));
        out[field] = x;
        break;
    }
  }
  // A certificate is useless without its key and the other way round: say
  // so now, not at the first handshake.
  if ((out.cert === undefined) !== (out.key === undefined)) {
    throw optionError(`Option "${o.name}": ${out.cert === undefined ? "key" : "cert"} was given without ${out.cert === undefined ? "cert" : "key"}`);
  }
  return Object.freeze(out) as TlsConfig;
}

// The tls* options bind() and connect() take for one endpoint, and the field
// of TlsSettings each one sets.
const ENDPOINT_OPTIONS: Record<string, keyof TlsSettings> = {
  tlsConfig: "config", tlsCaFile: "caFile", tlsCertKeyFile: "certKeyFile", tlsAuthMode: "authMode", tlsServerName: "serverName",
};

/** The TlsSettings field an option sets (tlsCaFile → caFile), for the socket's own tls* properties. */
export const tlsField = (name: string): keyof TlsSettings => ENDPOINT_OPTIONS[name];

/**
 * Checks the options object given to bind()/connect() for one endpoint
 * (the tls* options, as on the socket) and returns them as TlsSettings.
 */
export function endpointOptions(type: number, options: unknown): TlsSettings | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== "object" || Array.isArray(options)) throw optionError("Endpoint options must be an object");
  const out: Record<string, unknown> = {};
  const given = options as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (given[name] === undefined) continue;
    const field = ENDPOINT_OPTIONS[name];
    if (!field) {
      throw optionError(`"${name}" is not an endpoint option: bind() and connect() take ${Object.keys(ENDPOINT_OPTIONS).join(", ")} (set other options on the socket)`);
    }
    out[field] = checkValue(admit(type, name, false), given[name]);
  }
  return out as TlsSettings;
}

/** The socket's TLS settings with an endpoint's on top, option by option. */
export function mergeTls(socket: TlsSettings | undefined, endpoint: TlsSettings | undefined): TlsSettings | undefined {
  if (!endpoint) return socket;
  const out: Record<string, unknown> = { ...socket };
  for (const [k, v] of Object.entries(endpoint)) if (v !== undefined) out[k] = v;
  return out as TlsSettings;
}

/** Whether any TLS option is set. */
export function hasTls(s: TlsSettings | undefined): boolean {
  return !!s && Object.values(s).some((v) => v !== undefined && v !== null);
}

function checkRange(o: OptionSpec, n: number, v: unknown, unit: string): void {
  const lo = o.min ?? -Infinity;
  const hi = o.max ?? Infinity;
  if (n >= lo && n <= hi) return;
  const want = o.min !== null && o.max !== null ? `between ${o.min} and ${o.max}` : o.min !== null ? `at least ${o.min}` : `at most ${o.max}`;
  throw optionError(`Option "${o.name}" must be ${want}${unit}, not ${describe(v)}`);
}

/** The number the core holds for a checked value (booleans 0/1, enums their index). */
export function toCore(o: OptionSpec, v: unknown): number {
  if (o.type === "boolean") return v ? 1 : 0;
  if (o.type === "enum") return o.values!.indexOf(v as string | null);
  return v as number;
}

/** The property's value for what the core holds. */
export function fromCore(o: OptionSpec, n: number): unknown {
  if (o.type === "boolean") return n !== 0;
  if (o.type === "enum") return o.values![n] ?? null;
  return n;
}
