// Helpers for the security interop tests (PLAIN, CURVE, ZAP against libzmq):
//
// - SecurePy / startSecurePy: pyzmq_secure_peer.py as a child process (the
//   pyzmq_peer.py peer plus a ZAP handler in the python process); the same
//   JSON-lines protocol and waits as pypeer.mjs's PyPeer, plus its "zap"
//   events (the requests the libzmq-side handler got) and the User-Id of
//   received messages.
// - zapHandler: a ZAP handler (RFC 27) on the JS side, a ROUTER bound at
//   inproc://zeromq.zap.01 of whichever library's Router class it is given
//   (wasmq's, or npm zeromq's inside libzmq), answering each request with the
//   status a policy decides and recording the requests.
// - allowPolicy: a policy for zapHandler (PLAIN passwords, CURVE keys).
// - zmtpFrames / boxedFrames / boxedExchanges / clearCommands: what a
//   RecordingProxy saw: the CURVE MESSAGE frames in one direction (to count
//   encrypted heartbeats the proxy cannot read) and the commands in the clear.
// - Events: a socket's events (zeromq.js's Observer on(), which both
//   libraries have), recorded from before the socket binds or connects.
import { fileURLToPath } from "node:url";
import { DEFAULT_TIMEOUT, withTimeout } from "./util.mjs";
import { spec, PYTHON, PyPeer } from "./pypeer.mjs";
import { Child } from "../../helpers/child.mjs";
import { waitUntil } from "../../helpers/suite.mjs";

const PEER = fileURLToPath(new URL("./pyzmq_secure_peer.py", import.meta.url));

export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";

const b64 = (s) => Buffer.from(s, "base64");

/**
 * pyzmq_secure_peer.py: a libzmq socket (and maybe a ZAP handler) in a python
 * child. Its stdout is pyzmq_peer.py's, plus "zap" events and the User-Id of
 * received messages; the rest of its API is PyPeer's (borrowed below).
 */
export class SecurePy extends Child {
  constructor(config) {
    const cfg = { ...config };
    if (cfg.subscribe) cfg.subscribe = cfg.subscribe.map(spec);
    super(PYTHON, ["-u", PEER, JSON.stringify(cfg)], { name: "python secure peer", stdin: "pipe", encoding: "utf8" });
    this.config = config;
    this.events = []; // every event, in order
    this.messages = []; // decoded "recv" events, in order
    this.consumed = 0; // how many messages recv() has handed out
  }

  onLine(line) {
    if (!line.trim()) return;
    const ev = JSON.parse(line);
    this.events.push(ev);
    if (ev.event !== "recv") return;
    const frames = ev.frames.map((f) => (f.b64 !== undefined ? b64(f.b64) : null));
    this.messages.push({
      n: ev.n,
      frames,
      lens: ev.frames.map((f) => f.len),
      sha256: ev.frames.map((f) => f.sha256),
      userId: ev.user_id ?? null,
      get text() {
        return frames.map((f) => f?.toString());
      },
    });
  }

  /** ZAP requests the python handler answered, with the status it gave. */
  get zapRequests() {
    return this.events
      .filter((e) => e.event === "zap")
      .map((e) => ({ ...e, credentials: e.credentials.map(b64), routing_id: b64(e.routing_id) }));
  }

  /** The n-th ZAP request the python handler answered. */
  zapRequest(nth = 1, ms) {
    return this.until(() => this.zapRequests[nth - 1], ms, `ZAP request #${nth} at the python handler`);
  }

  /** A socket-monitor event by name (e.g. "HANDSHAKE_FAILED_AUTH"); its n-th occurrence. */
  monitorEvent(name, ms, nth = 1) {
    return this.until(() => this.monitorEvents(name)[nth - 1], ms, `monitor ${name} #${nth}`);
  }

  diag() {
    const errs = this.errors.map((e) => e.message).join("; ");
    const mon = this.events.filter((e) => e.event === "monitor").map((e) => `${e.name}(${e.value})`).join(" ");
    return `[pyzmq ${this.config.type}${errs ? `, errors: ${errs}` : ""}${mon ? `, monitor: ${mon}` : ""}${
      this.exited ? `, exited ${JSON.stringify(this.exited)}` : ""
    }${this.stderr ? `, stderr: ${this.stderr.trim().slice(-800)}` : ""}]`;
  }
}

// PyPeer's waits and commands read and write only the fields above (events,
// messages, consumed, child), so the two peers share them.
for (const name of [
  "errors", "until", "waitEvent", "ready", "monitorEvents", "recv", "recvN", "waitMessage",
  "command", "send", "sendAndWait", "repeat", "stopRepeat", "subscribe", "unsubscribe", "kill",
]) {
  Object.defineProperty(SecurePy.prototype, name, Object.getOwnPropertyDescriptor(PyPeer.prototype, name));
}

/** Start a secure python peer tracked by `res` (killed in teardown), once ready. */
export async function startSecurePy(res, config, ms) {
  const peer = new SecurePy(config);
  res.defer(() => peer.kill());
  await peer.ready(ms);
  return peer;
}

/**
 * A ZAP handler: `Router` (a Router class, wasmq's or zeromq.js's) bound at
 * inproc://zeromq.zap.01. `policy(req)` returns a status ("200", "400", ...)
 * or a whole reply {status, text, userId, version}; by default everything is
 * allowed. Requests are recorded as {version, requestId, domain, address,
 * routingId, mechanism, credentials (Buffers), status}.
 */
export async function zapHandler(res, Router, policy = () => "200") {
  const sock = res.sock(new Router({ linger: 0 }));
  await sock.bind(ZAP_ENDPOINT);
  const requests = [];
  const waiters = new Set();
  (async () => {
    for (;;) {
      let msg;
      try {
        msg = await sock.receive();
      } catch {
        return;
      }
      const [peer, delim, version, requestId, domain, address, routingId, mechanism, ...credentials] = msg;
      const req = {
        frames: msg.length - 2,
        version: String(version),
        requestId: String(requestId),
        domain: String(domain),
        address: String(address),
        routingId: Buffer.from(routingId),
        mechanism: String(mechanism),
        credentials: credentials.map((c) => Buffer.from(c)),
      };
      let answer = policy(req);
      if (typeof answer === "string") answer = { status: answer };
      const status = answer.status;
      req.status = status;
      requests.push(req);
      for (const w of [...waiters]) w();
      if (answer.noReply) continue;
      const reply = answer.frames ?? [
        answer.version ?? "1.0",
        requestId,
        status,
        answer.text ?? (status === "200" ? "OK" : "Denied"),
        answer.userId ?? (status === "200" ? "user" : ""),
        "",
      ];
      try {
        await sock.send([peer, delim, ...reply]);
      } catch {
        return;
      }
    }
  })();
  return {
    sock,
    requests,
    /** The n-th request (1-based), waiting for it. */
    request(nth = 1, ms = DEFAULT_TIMEOUT) {
      let waiter;
      const p = new Promise((resolve) => {
        waiter = () => {
          if (requests.length >= nth) resolve(requests[nth - 1]);
        };
        waiters.add(waiter);
        waiter();
      });
      return withTimeout(p, ms, `ZAP request #${nth} at the JS handler`).finally(() => waiters.delete(waiter));
    },
  };
}

/** A policy: PLAIN users and passwords, CURVE allowed public keys (Z85), else 400. */
export function allowPolicy({ passwords = {}, curveKeys = [], z85Decode, userId = "user" } = {}) {
  const allowed = new Set(curveKeys.map((k) => Buffer.from(z85Decode(k)).toString("hex")));
  return (req) => {
    if (req.mechanism === "PLAIN") {
      const [u, p] = req.credentials.map(String);
      return passwords[u] !== undefined && passwords[u] === p ? { status: "200", userId } : "400";
    }
    if (req.mechanism === "CURVE") {
      return allowed.has(req.credentials[0]?.toString("hex")) ? { status: "200", userId } : "400";
    }
    return "400";
  };
}

/**
 * ZMTP frames after the 64-byte greeting of one direction of a RecordingProxy
 * connection: [{command, body}]. The stream is read as it is, so a frame cut
 * at the end of what has arrived is left out.
 */
export function zmtpFrames(buf) {
  const out = [];
  let i = 64;
  while (i < buf.length) {
    const flags = buf[i];
    let size;
    let head;
    if (flags & 0x02) {
      if (i + 9 > buf.length) break;
      size = Number(buf.readBigUInt64BE(i + 1));
      head = 9;
    } else {
      if (i + 2 > buf.length) break;
      size = buf[i + 1];
      head = 2;
    }
    if (i + head + size > buf.length) break;
    out.push({ flags, command: (flags & 0x04) !== 0, body: buf.subarray(i + head, i + head + size) });
    i += head + size;
  }
  return out;
}

const MESSAGE = Buffer.from("\x07MESSAGE", "latin1");

/** The CURVE MESSAGE frames (boxed traffic: messages, PING, PONG, SUBSCRIBE...) seen in `dir`. */
export function boxedFrames(conn, dir) {
  return zmtpFrames(conn.bytes(dir)).filter((f) => f.body.subarray(0, 8).equals(MESSAGE));
}

/**
 * Waits until, from now on, `n` more boxed frames have gone each way on
 * `conn` (on an idle CURVE connection: n PING/PONG exchanges).
 */
export function boxedExchanges(proxy, conn, n, ms = 8000) {
  const c0 = boxedFrames(conn, "c2s").length;
  const s0 = boxedFrames(conn, "s2c").length;
  return proxy.until(
    () => (boxedFrames(conn, "c2s").length >= c0 + n && boxedFrames(conn, "s2c").length >= s0 + n ? true : undefined),
    ms,
    `${n} boxed PING/PONG exchanges`,
  );
}

/** The command names sent in the clear in `dir` (e.g. ["HELLO", "INITIATE"]). */
export function clearCommands(conn, dir) {
  return zmtpFrames(conn.bytes(dir))
    .filter((f) => f.command)
    .map((f) => f.body.subarray(1, 1 + f.body[0]).toString("latin1"));
}

const EVENT_TYPES = [
  "accept", "bind", "connect", "connect:delay", "connect:retry", "disconnect", "close",
  "handshake", "handshake:error:protocol", "handshake:error:auth", "handshake:error:other",
];

/**
 * Records a socket's events (zeromq.js's Observer on()/off(); wasmq's
 * Observer has the same API) from now on; next(type, nth) waits for one.
 */
export class Events {
  constructor(sock) {
    this.list = [];
    this.waiters = new Set();
    for (const type of EVENT_TYPES) {
      sock.events.on(type, (e) => {
        this.list.push(e);
        for (const w of [...this.waiters]) w();
      });
    }
  }
  of(type) {
    return this.list.filter((e) => e.type === type);
  }
  get types() {
    return this.list.map((e) => e.type);
  }
  next(type, { nth = 1, ms = DEFAULT_TIMEOUT } = {}) {
    const types = Array.isArray(type) ? type : [type];
    return waitUntil(this.waiters, () => this.list.filter((e) => types.includes(e.type))[nth - 1], ms, {
      timedOut: () =>
        new Error(`timed out after ${ms} ms waiting for event ${types.join("|")} #${nth} (seen: ${this.types.join(", ") || "none"})`),
    });
  }
}
