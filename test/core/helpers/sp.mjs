// SP (nanomsg/nng Scalability Protocols) wire builders and a raw-peer pipe
// for core tests (nng's "SP TCP Mapping", "SP IPC Mapping" and protocol specs
// such as "REQ/REP"). Additive to harness.mjs
// and wire.mjs: the same Sock, Clock and newCore, plus a pipe recorder that
// can speak the IPC framing ([0x01][size u64][payload]).
//
// Socket types, protocol ids and defaults are read from assembly/sp/wire.ts,
// so tests name ST.REQ0, PROTO.REP0 exactly as assembly/ does; which protocol
// pairs with which (PEER) is written out from nng's protocol specs,
// not derived from the code under test.
import { readFileSync } from "node:fs";
import { Sock, PipeRec } from "./harness.mjs";
import { R, O, buf } from "./wire.mjs";

const spWire = readFileSync(new URL("../../../assembly/sp/wire.ts", import.meta.url), "utf8");

/** Core socket types of the SP roles (PAIR0 … BUS0). */
export const ST = {};
for (const m of spWire.matchAll(/export const (PAIR0|PAIR1|PUB0|SUB0|REQ0|REP0|PUSH0|PULL0|SURVEYOR0|RESPONDENT0|BUS0): i32 = (\d+);/g)) ST[m[1]] = Number(m[2]);
/** Protocol ids on the wire (PROTO.REQ0 = 0x30 …). */
export const PROTO = {};
for (const m of spWire.matchAll(/export const PROTO_(\w+): u32 = (0x[0-9a-fA-F]+|\d+);/g)) PROTO[m[1]] = Number(m[2]);
/** SP defaults (SP_DEFAULT_MAX_TTL, SP_NEGOTIATION_TIMEOUT, …). */
export const SPD = {};
for (const m of spWire.matchAll(/export const (SP_\w+): (?:i32|f64|u32|u8) = (0x[0-9a-fA-F]+|\d+);/g)) SPD[m[1]] = Number(m[2]);

/** The protocol each role must pair with (nng's protocol specs, e.g. "REQ/REP"). */
export const PEER = {
  PAIR0: "PAIR0", PAIR1: "PAIR1", PUB0: "SUB0", SUB0: "PUB0", REQ0: "REP0", REP0: "REQ0",
  PUSH0: "PULL0", PULL0: "PUSH0", SURVEYOR0: "RESPONDENT0", RESPONDENT0: "SURVEYOR0", BUS0: "BUS0",
};
/** The protocol ids of nng's protocol specs, literally (to check assembly/sp/wire.ts against them). */
export const SPEC_IDS = {
  PAIR0: 0x10, PAIR1: 0x11, PUB0: 0x20, SUB0: 0x21, REQ0: 0x30, REP0: 0x31,
  PUSH0: 0x50, PULL0: 0x51, SURVEYOR0: 0x62, RESPONDENT0: 0x63, BUS0: 0x70,
};
export const ROLE_NAMES = Object.fromEntries(Object.entries(ST).map(([k, v]) => [v, k]));

/** Negative errno results (send/recv/setOption). */
export const ESTATE = -R.ESTATE;
export const ETIMEDOUT = -R.ETIMEDOUT;
export const EINVAL = -R.EINVAL;
export const ENOTSUP = -R.ENOTSUP;

export const ID_FLAG = 0x80000000;
export const IPC_MSG = 0x01;

/**
 * The 8-byte SP header (nng "SP TCP Mapping"): 00 'S' 'P' 00 <proto u16 BE> 00 00. Any byte can
 * be overridden for bad-header fixtures.
 */
export function spHeader(proto, { b0 = 0x00, s = 0x53, p = 0x50, version = 0x00, r6 = 0x00, r7 = 0x00 } = {}) {
  const h = Buffer.alloc(8);
  h[0] = b0; h[1] = s; h[2] = p; h[3] = version;
  h.writeUInt16BE(proto, 4);
  h[6] = r6; h[7] = r7;
  return h;
}

/** Just the size prefix ("SP TCP Mapping") — `size` may be a BigInt — with the IPC type byte ("SP IPC Mapping") when `ipc`. */
export function spSize(size, { ipc = false, type = IPC_MSG } = {}) {
  const s = Buffer.alloc(8);
  s.writeBigUInt64BE(BigInt(size));
  return ipc ? Buffer.concat([Buffer.from([type]), s]) : s;
}

/** One SP message: [type]? [size u64 BE][payload]. `size` overrides the length (a lie). */
export function spMessage(payload, { ipc = false, type = IPC_MSG, size } = {}) {
  const p = buf(payload);
  return Buffer.concat([spSize(size ?? p.length, { ipc, type }), p]);
}

/** Several messages back to back. */
export const spMessages = (payloads, opts = {}) => Buffer.concat(payloads.map((p) => spMessage(p, opts)));

/** 32-bit big-endian words. */
export function words(...ws) {
  const b = Buffer.alloc(4 * ws.length);
  ws.forEach((w, i) => b.writeUInt32BE(w >>> 0, 4 * i));
  return b;
}
export const word = (w) => words(w);

/** A request/survey id word (MSB set). */
export const reqId = (n) => (n | ID_FLAG) >>> 0;
/** A hop word (MSB clear). */
export const hopId = (n) => (n & 0x7fffffff) >>> 0;

/**
 * A backtrace (nng "REQ/REP"): hop words (MSB cleared), then the request id (MSB set).
 * backtrace([1, 2], 0x1234) = 00000001 00000002 80001234.
 */
export function backtrace(hops, id) {
  return words(...hops.map(hopId), reqId(id));
}

/** n hop words and a terminator: a backtrace of n + 1 words in total. */
export function hopsBacktrace(nHops, id = 0x42) {
  return backtrace(Array.from({ length: nHops }, (_, i) => i + 1), id);
}

/** A PAIR1 payload: the 32-bit hop count, then the body. */
export const pair1Payload = (count, body = "") => Buffer.concat([word(count), buf(body)]);

/**
 * Decodes complete SP messages into payload Buffers (after the header).
 * Throws on a partial message or (ipc) a type byte other than 0x01.
 */
export function decodeSp(bytes, { ipc = false } = {}) {
  const b = buf(bytes);
  const out = [];
  let at = 0;
  while (at < b.length) {
    if (ipc) {
      if (b[at] !== IPC_MSG) throw new Error(`ipc type byte ${b[at]} at ${at}`);
      at++;
    }
    if (at + 8 > b.length) throw new Error(`partial size at ${at}`);
    const size = Number(b.readBigUInt64BE(at));
    at += 8;
    if (at + size > b.length) throw new Error(`partial message at ${at}: need ${size}, have ${b.length - at}`);
    out.push(Buffer.from(b.subarray(at, at + size)));
    at += size;
  }
  return out;
}

/**
 * One pipe of an SP socket, as PipeRec (harness.mjs) but with the IPC framing
 * selectable. Records every pipe event in order.
 */
export class SpPipeRec extends PipeRec {
  constructor(sock, { outbound = false, ipc = false } = {}) {
    super(sock, outbound, ipc);
    this.ipc = ipc;
  }

  /** Strings are latin1, numbers bytes, arrays concatenated (wire.mjs buf). */
  bytes(x) { return buf(x); }

  /** Feeds SP messages (payloads), framed for this pipe's transport. */
  feedMessages(...payloads) { return this.feed(spMessages(payloads, { ipc: this.ipc })); }

  /** The pending output decoded into payloads. */
  takeMessages() { return decodeSp(this.take(), { ipc: this.ipc }); }

  /** The transport went away (the host saw end of stream). */
  transportClosed() { this.core.pipeClosed(this.h); return this; }

  get handshaken() { return this.peerType !== null; }
}

/** Opens an SP socket (`role`: "REQ0" … or a core type number) with options. */
export function spSock(core, role, options = {}) {
  const type = typeof role === "number" ? role : ST[role];
  const s = new Sock(core, type, options);
  s.role = ROLE_NAMES[type];
  return s;
}

/**
 * Adds a raw peer pipe to `sock`: started (our header taken into `pipe.ourHeader`)
 * and, with `handshake` (default), the peer's header fed — by default the
 * spec's peer protocol for the socket's role. Throws if no handshake happens.
 */
export function spAddPeer(sock, { ipc = false, outbound = false, handshake = true, peerProto } = {}) {
  const pipe = new SpPipeRec(sock, { outbound, ipc });
  sock.pipes.push(pipe);
  pipe.start();
  pipe.ourHeader = pipe.take();
  if (handshake) {
    pipe.feed(spHeader(peerProto ?? SPEC_IDS[PEER[sock.role]]));
    if (!pipe.handshaken) throw new Error(`no SP handshake: ${JSON.stringify(pipe.events)}`);
  }
  return pipe;
}

/** An SP socket with one raw peer pipe. Returns { sock, pipe }. */
export function spPeer(core, role, { options = {}, ...pipeOpts } = {}) {
  const sock = spSock(core, role, options);
  const pipe = spAddPeer(sock, pipeOpts);
  return { sock, pipe };
}

/** Receives every waiting message (arrays of Buffers); stops at EAGAIN, throws on other errors. */
export function recvAll(sock) {
  const out = [];
  for (;;) {
    const m = sock.recv();
    if (typeof m === "number") { if (m !== -R.EAGAIN) throw new Error(`recv: ${m}`); return out; }
    out.push(m);
  }
}

export { R, O };
