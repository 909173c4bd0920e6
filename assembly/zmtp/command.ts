// ZMTP command bodies (RFC 23 "Commands", "The NULL Security Mechanism"; RFC 37 heartbeats and subscriptions): building and parsing.
// A command body is [name_len u8][name][data]; we keep bodies in a Bytes.
import { Bytes, loadU32BE } from "../bytes";
import { FLAG_COMMAND, FLAG_LONG, SOCKET_TYPE_NAMES, SOCKET_TYPE_COUNT, sendsIdentity } from "./wire";

export const CMD_UNKNOWN: i32 = 0;
export const CMD_READY: i32 = 1;
export const CMD_ERROR: i32 = 2;
export const CMD_PING: i32 = 3;
export const CMD_PONG: i32 = 4;
export const CMD_SUBSCRIBE: i32 = 5;
export const CMD_CANCEL: i32 = 6;
// Security handshakes (RFC 24 PLAIN, RFC 26 CURVE) and CURVE's boxed frames.
export const CMD_HELLO: i32 = 7;
export const CMD_WELCOME: i32 = 8;
export const CMD_INITIATE: i32 = 9;
export const CMD_MESSAGE: i32 = 10;

function nameIs(p: usize, n: u32, s: string): bool {
  if (<i32>n != s.length) return false;
  for (let i = 0; i < <i32>n; i++) if (<u32>load<u8>(p + i) != <u32>s.charCodeAt(i)) return false;
  return true;
}

function nameIsCaseless(p: usize, n: u32, s: string): bool {
  if (<i32>n != s.length) return false;
  for (let i = 0; i < <i32>n; i++) {
    let c = <u32>load<u8>(p + i);
    if (c >= 0x61 && c <= 0x7a) c -= 0x20;
    let d = <u32>s.charCodeAt(i);
    if (d >= 0x61 && d <= 0x7a) d -= 0x20;
    if (c != d) return false;
  }
  return true;
}

// Identifies a command body; returns CMD_* and the offset of its data.
export function commandKind(body: usize, n: u32): i32 {
  if (n < 1) return CMD_UNKNOWN;
  let nl = <u32>load<u8>(body);
  if (nl + 1 > n) return CMD_UNKNOWN;
  let name = body + 1;
  if (nameIs(name, nl, "READY")) return CMD_READY;
  if (nameIs(name, nl, "ERROR")) return CMD_ERROR;
  if (nameIs(name, nl, "PING")) return CMD_PING;
  if (nameIs(name, nl, "PONG")) return CMD_PONG;
  if (nameIs(name, nl, "SUBSCRIBE")) return CMD_SUBSCRIBE;
  if (nameIs(name, nl, "CANCEL")) return CMD_CANCEL;
  if (nameIs(name, nl, "MESSAGE")) return CMD_MESSAGE;
  if (nameIs(name, nl, "HELLO")) return CMD_HELLO;
  if (nameIs(name, nl, "WELCOME")) return CMD_WELCOME;
  if (nameIs(name, nl, "INITIATE")) return CMD_INITIATE;
  return CMD_UNKNOWN;
}

// 07 "MESSAGE" as one little-endian u64: CURVE's every frame starts so.
const MESSAGE_NAME_U64: u64 = 0x4547415353454d07;
@inline export function isMessageCommand(body: usize, n: u32): bool { return n >= 8 && load<u64>(body) == MESSAGE_NAME_U64; }

@inline export function commandData(body: usize): usize { return body + 1 + <usize>load<u8>(body); }

// ZWS 2.0 (RFC 45): one WebSocket message per frame, [flags][body],
// with the command flag in bit 1. Message-mode output is a sequence of
// records [len u32 LE][message] the host sends one WebSocket message each.
export const ZWS_FLAG_MORE: u8 = 0x01;
export const ZWS_FLAG_COMMAND: u8 = 0x02;

// Writes a command frame header for a body of `size` bytes.
export function frameCommandHeader(out: Bytes, size: u32, ws: bool = false): void {
  if (ws) {
    out.push32(1 + size);
    out.push8(ZWS_FLAG_COMMAND);
  } else if (size <= 255) {
    out.push8(FLAG_COMMAND);
    out.push8(size);
  } else {
    out.push8(FLAG_COMMAND | FLAG_LONG);
    out.push64BE(<u64>size);
  }
}

function pushName(out: Bytes, s: string): void {
  out.push8(<u32>s.length);
  out.pushString(s);
}

// This side's metadata (RFC 23 "Connection Metadata"): Socket-Type, and
// Identity for the types that announce one (libzmq's choice, wire.ts).
export function metadataSize(socketType: i32, identity: Bytes): u32 {
  let size: u32 = 1 + 11 + 4 + <u32>SOCKET_TYPE_NAMES[socketType].length;
  if (sendsIdentity(socketType)) size += 1 + 8 + 4 + identity.len;
  return size;
}

export function writeMetadata(out: Bytes, socketType: i32, identity: Bytes): void {
  let typeName = SOCKET_TYPE_NAMES[socketType];
  pushName(out, "Socket-Type");
  out.push32BE(<u32>typeName.length);
  out.pushString(typeName);
  if (sendsIdentity(socketType)) {
    pushName(out, "Identity");
    out.push32BE(identity.len);
    out.append(identity.ptr, identity.len);
  }
}

// A command whose data is this side's metadata: NULL's READY, PLAIN's
// INITIATE and READY.
export function writeMetadataCommand(out: Bytes, name: string, socketType: i32, identity: Bytes, ws: bool = false): void {
  frameCommandHeader(out, 1 + <u32>name.length + metadataSize(socketType, identity), ws);
  pushName(out, name);
  writeMetadata(out, socketType, identity);
}

export function writeError(out: Bytes, reason: string, ws: bool = false): void {
  frameCommandHeader(out, 6 + 1 + <u32>reason.length, ws);
  pushName(out, "ERROR");
  out.push8(<u32>reason.length);
  out.pushString(reason);
}

export function writePing(out: Bytes, ttlDeciseconds: u32, ws: bool = false): void {
  frameCommandHeader(out, 5 + 2, ws);
  pushName(out, "PING");
  out.push8((ttlDeciseconds >> 8) & 0xff);
  out.push8(ttlDeciseconds & 0xff);
}

export function writePong(out: Bytes, ctx: usize, n: u32, ws: bool = false): void {
  frameCommandHeader(out, 5 + n, ws);
  pushName(out, "PONG");
  out.append(ctx, n);
}

export function writeSubscription(out: Bytes, subscribe: bool, topic: usize, n: u32, ws: bool = false): void {
  let name = subscribe ? "SUBSCRIBE" : "CANCEL";
  frameCommandHeader(out, 1 + <u32>name.length + n, ws);
  pushName(out, name);
  out.append(topic, n);
}

// Result of parsing READY metadata (RFC 23 "Connection Metadata").
export class Metadata {
  ok: bool = false;
  socketType: i32 = -1;   // -1 missing, -2 unknown name
  identityAt: usize = 0;
  identityLen: u32 = 0;
  hasIdentity: bool = false;
}

export function socketTypeFromName(p: usize, n: u32): i32 {
  for (let t = 0; t < SOCKET_TYPE_COUNT; t++) if (nameIs(p, n, SOCKET_TYPE_NAMES[t])) return t;
  return -2;
}

// Walks [name_len u8 ≥ 1][name][value_len u32 BE][value]... to the exact end.
// Never trusts a length beyond the bytes present.
export function parseMetadata(p: usize, end: usize, md: Metadata): void {
  md.ok = false; md.socketType = -1; md.hasIdentity = false; md.identityLen = 0; md.identityAt = 0;
  while (p < end) {
    let nl = <u32>load<u8>(p);
    if (nl == 0 || <usize>nl + 1 + 4 > end - p) return;
    let name = p + 1;
    let vl = loadU32BE(name + nl);
    let value = name + nl + 4;
    if (<u64>vl > <u64>(end - value)) return;
    if (nameIsCaseless(name, nl, "Socket-Type")) md.socketType = socketTypeFromName(value, vl);
    else if (nameIsCaseless(name, nl, "Identity")) { md.hasIdentity = true; md.identityAt = value; md.identityLen = vl; }
    p = value + vl;
  }
  md.ok = true;
}

