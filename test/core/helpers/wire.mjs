// Wire-byte builders and a small decoder for core tests (ZMTP: RFC 23 ZMTP 3.0, RFC 37 ZMTP 3.1).
// The numeric constants are read from the AssemblyScript sources, so a test
// names R.R_MALFORMED_FRAME, T.PUSH, O.OPT_SNDHWM exactly as assembly/ does.
import { readFileSync } from "node:fs";

function constants(file, re) {
  const src = readFileSync(new URL(`../../../assembly/${file}`, import.meta.url), "utf8");
  const out = {};
  for (const m of src.matchAll(re)) out[m[1]] = Number(m[2]);
  return out;
}

/** Close reasons (R_*) and errno values (E*), from assembly/errors.ts. */
export const R = constants("errors.ts", /export const (R_\w+|E\w+): i32 = (\d+);/g);
/** Option ids (OPT_*), from assembly/options.ts. */
export const O = constants("options.ts", /export const (OPT_\w+): i32 = (\d+);/g);
/** Socket types (PAIR … XSUB), from assembly/zmtp/wire.ts. */
export const T = constants("zmtp/wire.ts", /export const (PAIR|PUB|SUB|REQ|REP|DEALER|ROUTER|PULL|PUSH|XPUB|XSUB): i32 = (\d+);/g);
export const TYPE_NAMES = Object.fromEntries(Object.entries(T).map(([k, v]) => [v, k]));

/** Negative errno results of send/recv. */
export const EAGAIN = -R.EAGAIN;
export const EFSM = -R.EFSM;
export const EHOSTUNREACH = -R.EHOSTUNREACH;

/** Reason code → name, for readable assertion messages. */
export function reasonName(r) {
  if (r === null || r === undefined) return String(r);
  return Object.keys(R).find((k) => k.startsWith("R_") && R[k] === r) ?? `reason ${r}`;
}

// Frame flags (RFC 23 "Framing").
export const MORE = 0x01;
export const LONG = 0x02;
export const COMMAND = 0x04;

export function buf(x) {
  if (x === undefined || x === null) return Buffer.alloc(0);
  if (typeof x === "string") return Buffer.from(x, "latin1");
  if (typeof x === "number") return Buffer.from([x]);
  if (Array.isArray(x)) return Buffer.concat(x.map(buf));
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength);
}

export const concat = (...parts) => buf(parts);

/**
 * A 64-byte greeting (RFC 23 "Formal Grammar"). `mechanism` is written into the 20-byte field and
 * NUL-padded; pass a Buffer to control all 20 bytes.
 */
export function greeting(major = 3, minor = 1, mechanism = "NULL", { asServer = 0, padding = null, sigEnd = 0x7f } = {}) {
  const g = Buffer.alloc(64);
  g[0] = 0xff;
  if (padding) buf(padding).copy(g, 1, 0, 8);
  g[9] = sigEnd;
  g[10] = major;
  g[11] = minor;
  buf(mechanism).copy(g, 12, 0, 20);
  g[32] = asServer;
  return g;
}

/** Just a frame header: flags, then a 1-byte size, or an 8-byte size when LONG is set. */
export function header(flags, size) {
  if (flags & LONG) {
    const h = Buffer.alloc(9);
    h[0] = flags;
    h.writeBigUInt64BE(BigInt(size), 1);
    return h;
  }
  return Buffer.from([flags, size]);
}

/** A whole frame. Long size when `flags` has LONG or the body exceeds 255 bytes. */
export function frame(flags, body) {
  const b = buf(body);
  if (b.length > 255) flags |= LONG;
  return Buffer.concat([header(flags, b.length), b]);
}

/** A data message: every frame but the last carries MORE. */
export function message(...frames) {
  return Buffer.concat(frames.map((f, i) => frame(i + 1 < frames.length ? MORE : 0, f)));
}

/** A command frame: [name_len][name][data] (RFC 23 "Commands"). */
export function command(name, data) {
  const n = buf(name);
  return frame(COMMAND, Buffer.concat([Buffer.from([n.length]), n, buf(data)]));
}

/**
 * READY metadata (RFC 23 "The NULL Security Mechanism"). `props` is an object or an array of [name, value]
 * pairs (values: string or Buffer), kept in order.
 */
export function metadata(props) {
  const entries = Array.isArray(props) ? props : Object.entries(props);
  return Buffer.concat(entries.map(([name, value]) => {
    const n = buf(name);
    const v = buf(value);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(v.length);
    return Buffer.concat([Buffer.from([n.length]), n, len, v]);
  }));
}

export const ready = (props) => command("READY", metadata(props));
export const error = (reason) => command("ERROR", concat(Buffer.from([buf(reason).length]), reason));

/** PING: TTL u16 BE (deciseconds) + context (RFC 37 "Connection Heartbeating"). */
export function ping(ttl = 0, ctx = "") {
  const t = Buffer.alloc(2);
  t.writeUInt16BE(ttl);
  return command("PING", concat(t, ctx));
}
export const pong = (ctx = "") => command("PONG", ctx);
export const subscribe = (topic) => command("SUBSCRIBE", topic);
export const cancel = (topic) => command("CANCEL", topic);

/**
 * Decodes a byte string of complete frames (after the greeting).
 * Returns [{ flags, more, command, body, name?, data? }]; throws on a partial frame.
 */
export function decode(bytes) {
  const b = buf(bytes);
  const out = [];
  let at = 0;
  while (at < b.length) {
    const flags = b[at++];
    let size;
    if (flags & LONG) { size = Number(b.readBigUInt64BE(at)); at += 8; }
    else size = b[at++];
    if (at + size > b.length) throw new Error(`partial frame at ${at - 2}: need ${size}, have ${b.length - at}`);
    const body = b.subarray(at, at + size);
    at += size;
    const f = { flags, more: (flags & MORE) !== 0, command: (flags & COMMAND) !== 0, body };
    if (f.command) {
      f.name = body.subarray(1, 1 + body[0]).toString("latin1");
      f.data = body.subarray(1 + body[0]);
    }
    out.push(f);
  }
  return out;
}

/** Decoded commands named `name` in a byte string of frames. */
export const commands = (bytes, name) => decode(bytes).filter((f) => f.command && f.name === name);

/** Parses READY metadata into [[name, value Buffer]...] (for asserting what we sent). */
export function parseMetadata(data) {
  const out = [];
  let at = 0;
  while (at < data.length) {
    const nl = data[at++];
    const name = data.subarray(at, at + nl).toString("latin1");
    at += nl;
    const vl = data.readUInt32BE(at);
    at += 4;
    out.push([name, data.subarray(at, at + vl)]);
    at += vl;
  }
  return out;
}

/** Frames of a received message as latin1 strings. */
export const strs = (msg) => (Array.isArray(msg) ? msg.map((f) => f.toString("latin1")) : msg);

/** Bytes written as hex pairs with optional spaces/newlines, e.g. "04 29 05 52". */
export const hex = (s) => Buffer.from(s.replace(/\s+/g, ""), "hex");
