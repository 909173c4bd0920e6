// The socket types `wasmq` knows: for each family (zmq, sp) and type name,
// the library class it opens, the names it also answers to, and the mode the
// run loop drives it in (what it sends, what it prints, when it is done).
import * as zmq from "../zmq/index.js";
import * as sp from "../sp/index.js";
import type { SocketBase } from "../socket.js";

export type Family = "zmq" | "sp";

/**
 * How a type is driven:
 * - send:    sends the message (once, --count times or every --interval), prints nothing (pub, push)
 * - recv:    prints what arrives (sub, pull)
 * - duplex:  prints what arrives; with a message also sends it like `send` (pair, bus, dealer, xpub, xsub)
 * - request: sends the message, prints the reply; per --count/--interval (req)
 * - survey:  sends the message, prints answers until the survey deadline (surveyor)
 * - reply:   prints each request and answers it with the message, or echoes it (rep, respondent)
 * - route:   prints each message; with a message answers each one to its sender (router)
 */
export type Mode = "send" | "recv" | "duplex" | "request" | "survey" | "reply" | "route";

export interface SocketKind {
  family: Family;
  /** The canonical type name, as in `wasmq <family> <name>`. */
  name: string;
  mode: Mode;
  /** One line for the help text. */
  summary: string;
  /** Other names accepted on the command line. */
  aliases: string[];
  open(options: Record<string, unknown>): SocketBase;
}

type Ctor = new (options?: never) => SocketBase;

function kind(family: Family, name: string, mode: Mode, cls: Ctor, summary: string, aliases: string[] = []): SocketKind {
  return {
    family, name, mode, summary, aliases,
    open: (options) => new cls(options as never),
  };
}

export const KINDS: SocketKind[] = [
  kind("zmq", "pair", "duplex", zmq.Pair, "one peer, both directions"),
  kind("zmq", "pub", "send", zmq.Publisher, "publishes to every subscriber", ["publisher"]),
  kind("zmq", "sub", "recv", zmq.Subscriber, "receives the topics it subscribed to", ["subscriber"]),
  kind("zmq", "xpub", "duplex", zmq.XPublisher, "publishes; prints the subscriptions it receives (\\x01topic, \\x00topic)", ["xpublisher"]),
  kind("zmq", "xsub", "duplex", zmq.XSubscriber, "subscribes by sending \\x01topic messages (--subscribe); prints what arrives", ["xsubscriber"]),
  kind("zmq", "req", "request", zmq.Request, "sends a request, prints the reply", ["request"]),
  kind("zmq", "rep", "reply", zmq.Reply, "prints each request and answers it", ["reply"]),
  kind("zmq", "dealer", "duplex", zmq.Dealer, "load-balances what it sends, prints what arrives"),
  kind("zmq", "router", "route", zmq.Router, "prints each message with its sender's routing id; answers with --data/--file"),
  kind("zmq", "push", "send", zmq.Push, "load-balances messages over PULL peers"),
  kind("zmq", "pull", "recv", zmq.Pull, "prints messages from PUSH peers"),

  kind("sp", "pair0", "duplex", sp.Pair0, "PAIR v0 (nanomsg, nng): one peer, both directions"),
  kind("sp", "pair1", "duplex", sp.Pair1, "PAIR v1 (nng): one peer, both directions"),
  kind("sp", "bus", "duplex", sp.Bus, "every message to every directly connected peer", ["bus0"]),
  kind("sp", "req", "request", sp.Req, "sends a request, prints the reply (resent until answered)", ["req0"]),
  kind("sp", "rep", "reply", sp.Rep, "prints each request and answers it", ["rep0"]),
  kind("sp", "pub", "send", sp.Pub, "publishes to every subscriber", ["pub0"]),
  kind("sp", "sub", "recv", sp.Sub, "receives the topics it subscribed to", ["sub0"]),
  kind("sp", "push", "send", sp.Push, "load-balances messages over PULL peers", ["push0"]),
  kind("sp", "pull", "recv", sp.Pull, "prints messages from PUSH peers", ["pull0"]),
  kind("sp", "surveyor", "survey", sp.Surveyor, "sends a survey, prints the answers until the deadline", ["surveyor0"]),
  kind("sp", "respondent", "reply", sp.Respondent, "prints each survey and answers it", ["respondent0"]),
];

/** The type `name` of `family` (canonical name or alias, any case), or undefined. */
export function findKind(family: Family, name: string): SocketKind | undefined {
  const n = name.toLowerCase();
  return KINDS.find((k) => k.family === family && (k.name === n || k.aliases.includes(n)));
}

/** nngcat/nanocat protocol flags (without "--") and the SP type each selects. */
export const PROTOCOL_FLAGS: Record<string, string> = {
  pair0: "pair0", pair1: "pair1",
  bus0: "bus", bus: "bus",
  req0: "req", req: "req",
  rep0: "rep", rep: "rep",
  pub0: "pub", pub: "pub",
  sub0: "sub", sub: "sub",
  push0: "push", push: "push",
  pull0: "pull", pull: "pull",
  surveyor0: "surveyor", surveyor: "surveyor",
  respondent0: "respondent", respondent: "respondent",
};

/** Does this mode print what it receives? */
export const printsMessages = (mode: Mode): boolean => mode !== "send";
