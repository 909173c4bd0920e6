/**
 * wasmq/sp: the Scalability Protocols (nanomsg/nng wire) over the Wasm core.
 * Same shape as wasmq/zmq; nng semantics. Messages are single-part: an array
 * given to send() is sent as one message, and receive() resolves to [body]
 * ([header, body] on a raw socket). Each class is a thin shell: its
 * protocol lives in assembly/sp/roles/.
 *
 * @module wasmq/sp
 */
import { SpSocket, type SpOptions } from "./socket.js";
import { Opt } from "../options.js";
import { SpType as T } from "../../bindings/shared.js";
// Registers the Node transports (tcp, ipc, inproc, ws); the browser bundle
// (scripts/build-browser.mjs) puts transports/browser.ts in its place.
import "../transports/index.js";

export { SpSocket } from "./socket.js";
export type { SpOptions } from "./socket.js";
export type { Message, MessageLike, EndpointOptions } from "../socket.js";
export type { TlsConfig, TlsAuthMode } from "../transports/transport.js";
export { Observer } from "../observer.js";
export { attachWebSocketServer } from "../transports/index.js";
export { setReceiveBudget, receivedBytes } from "../memory.js";
export type { SocketEvent, EventType, EventError } from "../observer.js";
export type { ZmqError as SpError } from "../errors.js";

type Options<S> = SpOptions & Partial<Omit<{ [K in keyof S as S[K] extends Function ? never : K]: S[K] }, "events" | "closed" | "readable" | "writable" | "lastEndpoint" | "type" | "handle" | "pipes" | "family" | "raw" | "ipcFraming" | "transportOptions" | "lingering">>;

/** PAIR v0 (nanomsg and nng): one peer, no header. */
export class Pair0 extends SpSocket {
  constructor(options?: Options<Pair0>) { super(T.PAIR0, options); this.configure(options); }
}

/** PAIR v1 (nng): one peer; a hop count guards device loops. */
export class Pair1 extends SpSocket {
  constructor(options?: Options<Pair1>) { super(T.PAIR1, options); this.configure(options); }
}

/** BUS: every message to every directly connected peer, never back to its sender. */
export class Bus extends SpSocket {
  constructor(options?: Options<Bus>) { super(T.BUS0, options); this.configure(options); }
}

/** REQ: one request at a time, resent until answered. */
export class Req extends SpSocket {
  constructor(options?: Options<Req>) {
    super(T.REQ0, options);
    this.configure(options);
  }
  /** Resend an unanswered request after this many ms (default 60000; 0 never). */
  get resendInterval(): number { return this.coreOption("resendInterval") as number; }
  set resendInterval(v: number) { this.setCoreOption("resendInterval", v); }
}

/** REP: answers each request to the peer that asked. */
export class Rep extends SpSocket {
  constructor(options?: Options<Rep>) { super(T.REP0, options); this.configure(options); }
}

/** PUB: every message to every subscriber; subscribers filter. */
export class Pub extends SpSocket {
  constructor(options?: Options<Pub>) { super(T.PUB0, options); this.configure(options); }
}

/** SUB: keeps messages starting with a subscribed topic (none by default). */
export class Sub extends SpSocket {
  constructor(options?: Options<Sub>) { super(T.SUB0, options); this.configure(options); }
  /** Adds topics (byte prefixes); "" subscribes to everything. */
  subscribe(...topics: Array<Buffer | string>): void {
    for (const t of topics.length ? topics : [""]) this.setCoreBytes(Opt.SUBSCRIBE, t);
  }
  /** Removes topics added with subscribe(). */
  unsubscribe(...topics: Array<Buffer | string>): void {
    for (const t of topics.length ? topics : [""]) this.setCoreBytes(Opt.UNSUBSCRIBE, t);
  }
}

/** PUSH: load-balances messages over PULL peers. */
export class Push extends SpSocket {
  constructor(options?: Options<Push>) { super(T.PUSH0, options); this.configure(options); }
}

/** PULL: fair-queues messages from PUSH peers. */
export class Pull extends SpSocket {
  constructor(options?: Options<Pull>) { super(T.PULL0, options); this.configure(options); }
}

/** SURVEYOR: asks every respondent, collects answers until the deadline. */
export class Surveyor extends SpSocket {
  constructor(options?: Options<Surveyor>) { super(T.SURVEYOR0, options); this.configure(options); }
  /** How long a survey collects answers, ms (default 1000); then receive fails with ETIMEDOUT. */
  get surveyTime(): number { return this.coreOption("surveyTime") as number; }
  set surveyTime(v: number) { this.setCoreOption("surveyTime", v); }
}

/** RESPONDENT: answers each survey to the surveyor that asked. */
export class Respondent extends SpSocket {
  constructor(options?: Options<Respondent>) { super(T.RESPONDENT0, options); this.configure(options); }
}
