// Wire builders and tolerant tokenizers for the fuzzers' generators and
// structure-aware mutators (RFC 23/RFC 37 ZMTP, RFC 45 ZWS 2.0, nng's SP mappings).
//
// Builders make valid greetings, READY handshakes, frames, commands, SP
// headers and messages. Tokenizers split any byte string back into units
// (greeting / frame / SP header / SP message / leftover bytes) without ever
// failing, so a mutator can work on frames even after earlier byte-level
// mutations broke the stream; serialize() gives the bytes back exactly.

export const buf = (x) => {
  if (x === undefined || x === null) return Buffer.alloc(0);
  if (typeof x === "string") return Buffer.from(x, "latin1");
  if (typeof x === "number") return Buffer.from([x]);
  if (Array.isArray(x)) return Buffer.concat(x.map(buf));
  return Buffer.from(x);
};

// ---- ZMTP (RFC 23, RFC 37: greeting, framing, commands, heartbeats) ----

export const MORE = 0x01;
export const LONG = 0x02;
export const COMMAND = 0x04;

export const ZMTP_TYPE_NAMES = ["PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB"];

export function greeting({ major = 3, minor = 1, mechanism = "NULL", asServer = 0, sigEnd = 0x7f } = {}) {
  const g = Buffer.alloc(64);
  g[0] = 0xff;
  g[9] = sigEnd;
  g[10] = major;
  g[11] = minor;
  buf(mechanism).copy(g, 12, 0, 20);
  g[32] = asServer;
  return g;
}

/** Size field bytes: one byte, or 8 bytes BE when long. `size` may be a BigInt. */
export function sizeField(size, long) {
  if (long) {
    const h = Buffer.alloc(8);
    h.writeBigUInt64BE(BigInt.asUintN(64, BigInt(size)));
    return h;
  }
  return Buffer.from([Number(size) & 0xff]);
}

export function frame(flags, body, { long } = {}) {
  const b = buf(body);
  const isLong = long ?? b.length > 255;
  const f = isLong ? flags | LONG : flags & ~LONG;
  return Buffer.concat([Buffer.from([f]), sizeField(b.length, isLong), b]);
}

export function message(frames, opts) {
  return Buffer.concat(frames.map((f, i) => frame(i + 1 < frames.length ? MORE : 0, f, opts)));
}

export function commandBody(name, data) {
  const n = buf(name);
  return Buffer.concat([Buffer.from([n.length & 0xff]), n, buf(data)]);
}

export const command = (name, data, opts) => frame(COMMAND, commandBody(name, data), opts);

export function metadata(entries) {
  return Buffer.concat(entries.map(([name, value, lie]) => {
    const n = buf(name);
    const v = buf(value);
    const len = Buffer.alloc(4);
    len.writeUInt32BE((lie ?? v.length) >>> 0);
    return Buffer.concat([Buffer.from([n.length & 0xff]), n, len, v]);
  }));
}

export const readyBody = (entries) => commandBody("READY", metadata(entries));
export const ready = (entries, opts) => frame(COMMAND, readyBody(entries), opts);

export function pingData(ttl, ctx = "") {
  const t = Buffer.alloc(2);
  t.writeUInt16BE(ttl & 0xffff);
  return Buffer.concat([t, buf(ctx)]);
}

/**
 * Splits a ZMTP byte stream into units: an optional 64-byte greeting at the
 * start (when it begins with 0xFF and is long enough), then frames
 * { kind: "frame", flags, size: Buffer (1 or 8 bytes as sent), body }, and
 * whatever trails as { kind: "raw" }. A frame whose body is cut short keeps
 * the size it claims and the bytes present.
 */
export function tokenizeZmtp(data, { greetingFirst = true } = {}) {
  const units = [];
  let at = 0;
  if (greetingFirst && data.length >= 64 && data[0] === 0xff) {
    units.push({ kind: "greeting", bytes: Buffer.from(data.subarray(0, 64)) });
    at = 64;
  }
  while (at < data.length) {
    const flags = data[at];
    const n = flags & LONG ? 8 : 1;
    if (at + 1 + n > data.length) { units.push({ kind: "raw", bytes: Buffer.from(data.subarray(at)) }); break; }
    const size = Buffer.from(data.subarray(at + 1, at + 1 + n));
    const claimed = n === 8 ? size.readBigUInt64BE(0) : BigInt(size[0]);
    const start = at + 1 + n;
    const avail = BigInt(data.length - start);
    const take = Number(claimed < avail ? claimed : avail);
    units.push({ kind: "frame", flags, size, body: Buffer.from(data.subarray(start, start + take)) });
    at = start + take;
  }
  return units;
}

export function serializeZmtp(units) {
  return Buffer.concat(units.map((u) => (u.kind === "frame" ? Buffer.concat([Buffer.from([u.flags & 0xff]), u.size, u.body]) : u.bytes)));
}

// ---- ZWS 2.0 (RFC 45): one WebSocket message = [flags][body] ----

export const ZWS_MORE = 0x01;
export const ZWS_COMMAND = 0x02;
export const zwsFrame = (flags, body) => Buffer.concat([Buffer.from([flags]), buf(body)]);
export const zwsCommand = (name, data) => zwsFrame(ZWS_COMMAND, commandBody(name, data));
export const zwsReady = (entries) => zwsFrame(ZWS_COMMAND, readyBody(entries));
export const zwsMessage = (frames) => frames.map((f, i) => zwsFrame(i + 1 < frames.length ? ZWS_MORE : 0, f));

// ---- SP ("SP TCP Mapping", "SP IPC Mapping", "REQ/REP" backtraces) ----

export const SP_ID_FLAG = 0x80000000;

export function spHeader(proto, { b0 = 0, s = 0x53, p = 0x50, version = 0, r6 = 0, r7 = 0 } = {}) {
  const h = Buffer.from([b0, s, p, version, 0, 0, r6, r7]);
  h.writeUInt16BE(proto & 0xffff, 4);
  return h;
}

export function spMessage(payload, { ipc = false, type = 1, size } = {}) {
  const p = buf(payload);
  const s = Buffer.alloc(8);
  s.writeBigUInt64BE(BigInt.asUintN(64, BigInt(size ?? p.length)));
  return Buffer.concat([ipc ? Buffer.from([type]) : Buffer.alloc(0), s, p]);
}

export function words(...ws) {
  const b = Buffer.alloc(4 * ws.length);
  ws.forEach((w, i) => b.writeUInt32BE(w >>> 0, 4 * i));
  return b;
}

/** hop words (MSB clear) then the id (MSB set). */
export const backtrace = (hops, id) => words(...hops.map((h) => h & 0x7fffffff), (id | SP_ID_FLAG) >>> 0);

/**
 * Splits an SP stream into units: the 8-byte header when it starts with
 * 00 'S' 'P', then messages { kind: "msg", type (ipc only), size: Buffer(8),
 * payload }, and trailing bytes as { kind: "raw" }.
 */
export function tokenizeSp(data, { ipc = false, headerFirst = true } = {}) {
  const units = [];
  let at = 0;
  if (headerFirst && data.length >= 8 && data[0] === 0 && data[1] === 0x53 && data[2] === 0x50) {
    units.push({ kind: "header", bytes: Buffer.from(data.subarray(0, 8)) });
    at = 8;
  }
  while (at < data.length) {
    const t = ipc ? 1 : 0;
    if (at + t + 8 > data.length) { units.push({ kind: "raw", bytes: Buffer.from(data.subarray(at)) }); break; }
    const type = ipc ? data[at] : undefined;
    const size = Buffer.from(data.subarray(at + t, at + t + 8));
    const claimed = size.readBigUInt64BE(0);
    const start = at + t + 8;
    const avail = BigInt(data.length - start);
    const take = Number(claimed < avail ? claimed : avail);
    units.push({ kind: "msg", type, size, payload: Buffer.from(data.subarray(start, start + take)) });
    at = start + take;
  }
  return units;
}

export function serializeSp(units) {
  return Buffer.concat(units.map((u) => {
    if (u.kind !== "msg") return u.bytes;
    return Buffer.concat([u.type === undefined ? Buffer.alloc(0) : Buffer.from([u.type & 0xff]), u.size, u.payload]);
  }));
}

/** Interesting 64-bit sizes: boundaries of u8/u32/i63/u64 and the core's own limits. */
export const HUGE_SIZES = [
  0n, 1n, 255n, 256n, 65535n, 65536n, 0x7fffffffn, 0x80000000n, 0xffffffefn, 0xffffffffn, 0x100000000n,
  (1n << 60n) - 1n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n, 1048576n, 1048577n,
];
