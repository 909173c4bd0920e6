#!/usr/bin/python3
"""A scriptable libzmq peer (via Debian python3-zmq) for the wasmq interop tests.

Run as:  /usr/bin/python3 pyzmq_peer.py '<json config>'

Config (JSON object, all keys but "type" optional):
  type      "PAIR" | "PUB" | "SUB" | "XPUB" | "XSUB" | "REQ" | "REP" | "DEALER"
            | "ROUTER" | "PUSH" | "PULL"
  bind      endpoint to bind, e.g. "tcp://127.0.0.1:*" or "ipc:///tmp/x.sock"
  connect   endpoint (or list of endpoints) to connect to
  sockopts  {"NAME": value}: zmq.NAME set before bind/connect; str values are
            sent as UTF-8 bytes (e.g. {"ROUTING_ID": "py-1", "HEARTBEAT_IVL": 100})
  subscribe list of topics (frame specs, see below) for SUB sockets
  monitor   true: report socket monitor events as {"event":"monitor",...}
  echo      true: send every received message straight back (REP, ROUTER,
            DEALER, PAIR); recv events are still printed
  script    list of commands (same shape as stdin commands) run right after
            "ready" is printed

Frame spec (used by "send", "repeat", "subscribe"):
  {"text": "abc"} | {"hex": "00ff"} | {"b64": "..."}
  | {"pattern": N, "seed": S}   N bytes, byte i = (i * 31 + S) % 251
  In "send" with "count", "{i}" inside text frames is replaced by the index.

Commands (one JSON object per line on stdin):
  {"op": "send", "frames": [...], "count": 1, "id": "tag"}
        send a multipart message (count times); prints {"event":"sent","id":tag}
        when done if an id is given
  {"op": "repeat", "messages": [[...], [...]], "interval_ms": 10}
        send the messages cyclically (non-blocking) every interval until
        "stop_repeat"; used as a slow-joiner barrier for PUB sockets
  {"op": "stop_repeat", "id": "tag"}
  {"op": "subscribe", "topic": spec} / {"op": "unsubscribe", "topic": spec}
  {"op": "exit"}
EOF on stdin also makes the peer exit (so it never outlives the test).

Output: one JSON object per line on stdout:
  {"event": "ready", "endpoint": "tcp://127.0.0.1:41234"}
  {"event": "recv", "n": 0, "frames": [{"len": 3, "b64": "...", "sha256": "..."}]}
        ("b64" is omitted for frames larger than 1 MiB; compare sha256)
  {"event": "sent", "id": "tag"}
  {"event": "monitor", "name": "HANDSHAKE_SUCCEEDED", "value": 0, "endpoint": "..."}
  {"event": "error", "message": "..."}
"""

import base64
import hashlib
import json
import os
import sys
import time

import zmq
from zmq.utils.monitor import recv_monitor_message

B64_LIMIT = 1 << 20

EVENT_NAMES = {}
for _name in dir(zmq):
    if _name.startswith("EVENT_") and not _name.startswith("EVENT_ALL"):
        EVENT_NAMES[getattr(zmq, _name)] = _name[len("EVENT_"):]


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def frame_bytes(spec, index=None):
    if isinstance(spec, str):
        return spec.encode("utf-8")
    if "text" in spec:
        text = spec["text"]
        if index is not None:
            text = text.replace("{i}", str(index))
        return text.encode("utf-8")
    if "hex" in spec:
        return bytes.fromhex(spec["hex"])
    if "b64" in spec:
        return base64.b64decode(spec["b64"])
    if "pattern" in spec:
        n = int(spec["pattern"])
        seed = int(spec.get("seed", 0))
        period = bytes(((i * 31 + seed) % 251) for i in range(251))
        reps = n // 251 + 1
        return (period * reps)[:n]
    raise ValueError("bad frame spec: %r" % (spec,))


def describe(frame):
    d = {"len": len(frame), "sha256": hashlib.sha256(frame).hexdigest()}
    if len(frame) <= B64_LIMIT:
        d["b64"] = base64.b64encode(frame).decode("ascii")
    return d


class Peer:
    def __init__(self, cfg):
        self.cfg = cfg
        self.ctx = zmq.Context.instance()
        self.type = cfg["type"].upper()
        self.sock = self.ctx.socket(getattr(zmq, self.type))
        self.sock.setsockopt(zmq.LINGER, 0)
        for name, value in (cfg.get("sockopts") or {}).items():
            if isinstance(value, str):
                value = value.encode("utf-8")
            self.sock.setsockopt(getattr(zmq, name), value)
        for topic in cfg.get("subscribe") or []:
            self.sock.setsockopt(zmq.SUBSCRIBE, frame_bytes(topic))
        self.monitor = None
        if cfg.get("monitor"):
            self.monitor = self.sock.get_monitor_socket()
        self.echo = bool(cfg.get("echo"))
        self.received = 0
        self.repeat = None  # (messages, interval_s, next_index, next_due)
        self.stdin_buf = b""
        self.running = True

    def start(self):
        endpoint = None
        if cfg_bind := self.cfg.get("bind"):
            self.sock.bind(cfg_bind)
            endpoint = self.sock.getsockopt_string(zmq.LAST_ENDPOINT)
        connect = self.cfg.get("connect")
        if connect:
            for ep in connect if isinstance(connect, list) else [connect]:
                self.sock.connect(ep)
                endpoint = endpoint or ep
        emit({"event": "ready", "endpoint": endpoint, "pid": os.getpid()})
        for cmd in self.cfg.get("script") or []:
            self.command(cmd)

    # -- commands ---------------------------------------------------------
    def command(self, cmd):
        op = cmd.get("op")
        try:
            if op == "send":
                count = int(cmd.get("count", 1))
                for i in range(count):
                    frames = [frame_bytes(f, i if count > 1 else None) for f in cmd["frames"]]
                    self.sock.send_multipart(frames)
                if "id" in cmd:
                    emit({"event": "sent", "id": cmd["id"]})
            elif op == "repeat":
                msgs = [[frame_bytes(f) for f in m] for m in cmd["messages"]]
                self.repeat = [msgs, float(cmd.get("interval_ms", 10)) / 1000.0, 0, time.monotonic()]
            elif op == "stop_repeat":
                self.repeat = None
                if "id" in cmd:
                    emit({"event": "stopped", "id": cmd["id"]})
            elif op == "subscribe":
                self.sock.setsockopt(zmq.SUBSCRIBE, frame_bytes(cmd["topic"]))
            elif op == "unsubscribe":
                self.sock.setsockopt(zmq.UNSUBSCRIBE, frame_bytes(cmd["topic"]))
            elif op == "exit":
                self.running = False
            else:
                emit({"event": "error", "message": "unknown op %r" % (op,)})
        except zmq.ZMQError as e:
            emit({"event": "error", "op": op, "errno": e.errno, "message": str(e)})

    def read_stdin(self):
        chunk = os.read(sys.stdin.fileno(), 1 << 16)
        if not chunk:
            self.running = False
            return
        self.stdin_buf += chunk
        while b"\n" in self.stdin_buf:
            line, self.stdin_buf = self.stdin_buf.split(b"\n", 1)
            line = line.strip()
            if line:
                self.command(json.loads(line))

    # -- socket I/O -------------------------------------------------------
    def drain(self):
        while True:
            try:
                frames = self.sock.recv_multipart(zmq.NOBLOCK, copy=False)
            except zmq.Again:
                return
            except zmq.ZMQError as e:
                if e.errno == zmq.EFSM:
                    return
                raise
            ev = {"event": "recv", "n": self.received, "frames": [describe(f.bytes) for f in frames]}
            self.describe_received(ev, frames)
            emit(ev)
            self.received += 1
            if self.echo:
                self.sock.send_multipart([f.bytes for f in frames])

    def describe_received(self, ev, frames):
        """A subclass adds message properties to a "recv" event here."""

    def extra_sockets(self):
        """(socket, handler) pairs a subclass wants polled beside the peer's own."""
        return []

    def drain_monitor(self):
        while True:
            try:
                ev = recv_monitor_message(self.monitor, zmq.NOBLOCK)
            except zmq.Again:
                return
            name = EVENT_NAMES.get(ev["event"], str(ev["event"]))
            endpoint = ev.get("endpoint")
            if isinstance(endpoint, bytes):
                endpoint = endpoint.decode("utf-8", "replace")
            emit({"event": "monitor", "name": name, "value": ev.get("value"), "endpoint": endpoint})

    def tick_repeat(self):
        if not self.repeat:
            return None
        msgs, interval, idx, due = self.repeat
        now = time.monotonic()
        if now >= due:
            try:
                self.sock.send_multipart(msgs[idx % len(msgs)], zmq.NOBLOCK)
            except zmq.Again:
                pass
            self.repeat[2] = idx + 1
            self.repeat[3] = due = max(due + interval, now)
        return max(0, int((due - time.monotonic()) * 1000))

    def loop(self):
        poller = zmq.Poller()
        poller.register(self.sock, zmq.POLLIN)
        stdin_fd = sys.stdin.fileno()
        poller.register(stdin_fd, zmq.POLLIN)
        if self.monitor is not None:
            poller.register(self.monitor, zmq.POLLIN)
        extra = self.extra_sockets()
        for sock, _ in extra:
            poller.register(sock, zmq.POLLIN)
        while self.running:
            timeout = self.tick_repeat()
            events = dict(poller.poll(timeout))
            for sock, handler in extra:
                if sock in events:
                    handler()
            if self.monitor is not None and self.monitor in events:
                self.drain_monitor()
            if self.sock in events:
                self.drain()
            if stdin_fd in events:
                self.read_stdin()

    def close(self):
        if self.monitor is not None:
            try:
                self.sock.disable_monitor()
            except zmq.ZMQError:
                pass
            self.monitor.close(linger=0)
        self.sock.close(linger=0)
        self.ctx.term()


def main(peer_class=None):
    """Runs a peer (a subclass's, if given) on the JSON config in argv[1]."""
    cfg = json.loads(sys.argv[1])
    peer = (peer_class or Peer)(cfg)
    try:
        peer.start()
        peer.loop()
    except KeyboardInterrupt:
        pass
    except Exception as e:  # report, then exit non-zero
        emit({"event": "error", "message": "%s: %s" % (type(e).__name__, e)})
        peer.close()
        sys.exit(1)
    peer.close()


if __name__ == "__main__":
    main()
