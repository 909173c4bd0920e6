/**
 * wasmq/zmq: the zeromq.js v6 socket classes over the Wasm ZMTP core.
 * Each class is a thin shell: its protocol lives in assembly/zmtp/roles/.
 *
 * @module wasmq/zmq
 */
import { Socket } from "./socket.js";
import { Opt } from "../options.js";
import { ZmqType as T } from "../../bindings/shared.js";
// Registers the Node transports (tcp, ipc, inproc, ws); the browser bundle
// (scripts/build-browser.mjs) puts transports/browser.ts in its place.
import "../transports/index.js";

export { Socket } from "./socket.js";
export type { Message, MessageLike } from "../socket.js";
export { Observer } from "../observer.js";
export { attachWebSocketServer } from "../transports/index.js";
export { setReceiveBudget, receivedBytes } from "../memory.js";
export { curveKeyPair, curvePublicKey, type CurveKeyPair } from "./keys.js";
export { z85Encode, z85Decode } from "./z85.js";
export { Authenticator, type AuthenticatorOptions, type ZapRequest, type ZapReply, type ZapDecision, type PlainPasswords, type CurveKeys } from "./authenticator.js";
export type { SocketEvent, EventType, EventError } from "../observer.js";
export type { ZmqError } from "../errors.js";

type Options<S> = Partial<Omit<{ [K in keyof S as S[K] extends Function ? never : K]: S[K] }, "events" | "closed" | "readable" | "writable" | "lastEndpoint" | "type" | "handle" | "pipes" | "family">>;

/** PAIR: an exclusive two-way link with exactly one peer. */
export class Pair extends Socket {
  constructor(options?: Options<Pair>) {
    super(T.PAIR);
    this.configure(options);
  }
}

/** PUB: sends each message to every subscriber whose subscription is a prefix of its first frame. */
export class Publisher extends Socket {
  constructor(options?: Options<Publisher>) {
    super(T.PUB);
    this.configure(options);
  }
}

/** SUB: receives the messages that match its subscriptions (none until subscribe()). */
export class Subscriber extends Socket {
  constructor(options?: Options<Subscriber>) {
    super(T.SUB);
    this.configure(options);
  }

  /** Subscribes to topics (byte prefixes); no arguments subscribes to everything. */
  subscribe(...topics: Array<Buffer | string>): void {
    if (topics.length === 0) topics = [""];
    for (const t of topics) this.setCoreBytes(Opt.SUBSCRIBE, t);
  }

  /** Cancels topics passed to subscribe(); no arguments cancels the subscription to everything. */
  unsubscribe(...topics: Array<Buffer | string>): void {
    if (topics.length === 0) topics = [""];
    for (const t of topics) this.setCoreBytes(Opt.UNSUBSCRIBE, t);
  }
}

/** XPUB: a Publisher that also receives its subscribers' subscriptions as messages (byte 1 + topic: subscribe; 0 + topic: unsubscribe). */
export class XPublisher extends Socket {
  constructor(options?: Options<XPublisher>) {
    super(T.XPUB);
    this.configure(options);
  }

  /** null: report only the first subscription of a topic; "allSubs": every one; "allSubsUnsubs": also every cancel. */
  get verbosity(): null | "allSubs" | "allSubsUnsubs" { return this.coreOption("verbosity") as null | "allSubs" | "allSubsUnsubs"; }
  set verbosity(v: null | "allSubs" | "allSubsUnsubs") { this.setCoreOption("verbosity", v); }
  /** In manual mode, subscriptions take effect only through subscribe()/unsubscribe(). */
  get manual(): boolean { return this.coreOption("manual") as boolean; }
  set manual(v: boolean) { this.setCoreOption("manual", v); }

  /** Manual mode: subscribe the peer whose subscription was received last. */
  subscribe(...topics: Array<Buffer | string>): void {
    for (const t of topics.length ? topics : [""]) this.setCoreBytes(Opt.SUBSCRIBE, t);
  }
  /** Manual mode: unsubscribe the peer whose subscription was received last. */
  unsubscribe(...topics: Array<Buffer | string>): void {
    for (const t of topics.length ? topics : [""]) this.setCoreBytes(Opt.UNSUBSCRIBE, t);
  }
}

/** XSUB: a Subscriber that subscribes by sending messages (byte 1 + topic: subscribe; 0 + topic: unsubscribe). */
export class XSubscriber extends Socket {
  constructor(options?: Options<XSubscriber>) {
    super(T.XSUB);
    this.configure(options);
  }
}

/** REQ: sends a request, then receives its reply before the next request (unless relaxed). */
export class Request extends Socket {
  constructor(options?: Options<Request>) {
    super(T.REQ);
    this.configure(options);
  }

  /** Match replies to requests with a request-id frame. */
  get correlate(): boolean { return this.coreOption("correlate") as boolean; }
  set correlate(v: boolean) { this.setCoreOption("correlate", v); }
  /** Allow a new request before the previous reply arrived. */
  get relaxed(): boolean { return this.coreOption("relaxed") as boolean; }
  set relaxed(v: boolean) { this.setCoreOption("relaxed", v); }
}

/** REP: receives a request, then sends the reply to the peer that asked. */
export class Reply extends Socket {
  constructor(options?: Options<Reply>) {
    super(T.REP);
    this.configure(options);
  }
}

/** DEALER: sends (load-balanced over peers) and receives (fair-queued) freely, with no lock-step. */
export class Dealer extends Socket {
  constructor(options?: Options<Dealer>) {
    super(T.DEALER);
    this.configure(options);
  }
}

/** ROUTER: receives [routing id, ...frames]; sends each message to the peer named by its first frame. */
export class Router extends Socket {
  constructor(options?: Options<Router>) {
    super(T.ROUTER);
    this.configure(options);
  }

  /** Fail with EHOSTUNREACH (unknown peer) or EAGAIN (full) instead of dropping. */
  get mandatory(): boolean { return this.coreOption("mandatory") as boolean; }
  set mandatory(v: boolean) { this.setCoreOption("mandatory", v); }
  /** A new peer with a known routing id takes over from the old one. */
  get handover(): boolean { return this.coreOption("handover") as boolean; }
  set handover(v: boolean) { this.setCoreOption("handover", v); }
}

/** PULL: receives, fair-queued, what its PUSH peers send. */
export class Pull extends Socket {
  constructor(options?: Options<Pull>) {
    super(T.PULL);
    this.configure(options);
  }
}

/** PUSH: load-balances messages over its PULL peers. */
export class Push extends Socket {
  constructor(options?: Options<Push>) {
    super(T.PUSH);
    this.configure(options);
  }
}
