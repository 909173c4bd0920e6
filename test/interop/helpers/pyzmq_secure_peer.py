#!/usr/bin/python3
"""pyzmq_peer.py's scriptable libzmq peer, plus a ZAP handler (RFC 27) in the
same process, for the wasmq security interop tests (PLAIN, CURVE, ZAP).

Run as:  /usr/bin/python3 pyzmq_secure_peer.py '<json config>'

The config is pyzmq_peer.py's (type, bind, connect, sockopts, subscribe,
monitor, echo, script; security options go in sockopts, e.g.
{"CURVE_SERVER": 1, "CURVE_SECRETKEY": "<Z85>"} or {"PLAIN_SERVER": 1,
"ZAP_DOMAIN": "test"}), plus:

  zap   a ZAP handler bound at inproc://zeromq.zap.01 before the socket is
        made (libzmq asks it for every PLAIN handshake, and for NULL and CURVE
        ones when ZAP_DOMAIN is set):
        {"handler": "rep", ...}    a REP socket polled by the peer's loop;
            it prints every request as {"event": "zap", ...} and answers
            "status" (default "200"; or "400" etc. for all requests) unless
            "passwords" ({user: password}, PLAIN) or "curve_allow" (list of
            Z85 public keys, CURVE) decide 200 or 400; "user_id" is sent
            with 200 (default "user"); "version" overrides the reply's "1.0".
        {"handler": "authenticator", "passwords": {...}, "curve_allow": [...] | "*"}
            pyzmq's zmq.auth.thread.ThreadAuthenticator, configured with
            configure_plain / configure_curve_callback / configure_curve('*', CURVE_ALLOW_ANY).

Output adds:
  {"event": "zap", "version": "1.0", "request_id": "...", "domain": "...",
   "address": "...", "routing_id": b64, "mechanism": "PLAIN",
   "credentials": [b64, ...], "credentials_z85": [...] (CURVE), "status": "200"}
and every "recv" event carries "user_id" (the message's User-Id property,
the user id the server's ZAP handler gave the peer) when there is one.
"""

import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import zmq  # noqa: E402
from zmq.utils import z85  # noqa: E402

from pyzmq_peer import Peer, emit, main  # noqa: E402

ZAP_ENDPOINT = "inproc://zeromq.zap.01"


def b64(b):
    return base64.b64encode(b).decode("ascii")


class AllowList:
    """configure_curve_callback's credentials provider: an allow-list of Z85 keys."""

    def __init__(self, keys):
        self.keys = set(k.encode("ascii") for k in keys)

    def callback(self, domain, key):
        return key in self.keys


class SecurePeer(Peer):
    def __init__(self, cfg):
        self.zap_cfg = cfg.get("zap")
        self.zap_sock = None
        self.auth = None
        ctx = zmq.Context.instance()
        if self.zap_cfg:
            kind = self.zap_cfg.get("handler", "rep")
            if kind == "authenticator":
                from zmq.auth.thread import ThreadAuthenticator
                from zmq.auth import CURVE_ALLOW_ANY

                self.auth = ThreadAuthenticator(ctx)
                self.auth.start()
                if "passwords" in self.zap_cfg:
                    self.auth.configure_plain(domain="*", passwords=self.zap_cfg["passwords"])
                allow = self.zap_cfg.get("curve_allow")
                if allow == "*":
                    self.auth.configure_curve(domain="*", location=CURVE_ALLOW_ANY)
                elif allow is not None:
                    self.auth.configure_curve_callback(domain="*", credentials_provider=AllowList(allow))
            elif kind == "rep":
                self.zap_sock = ctx.socket(zmq.REP)
                self.zap_sock.setsockopt(zmq.LINGER, 0)
                self.zap_sock.bind(ZAP_ENDPOINT)
            else:
                raise ValueError("unknown zap handler %r" % (kind,))
        super().__init__(cfg)

    # -- the REP handler ----------------------------------------------------
    def decide(self, mechanism, credentials):
        z = self.zap_cfg
        if mechanism == "PLAIN" and "passwords" in z:
            user = credentials[0].decode("utf-8", "replace") if len(credentials) > 0 else None
            password = credentials[1].decode("utf-8", "replace") if len(credentials) > 1 else None
            ok = user in z["passwords"] and z["passwords"][user] == password
            return "200" if ok else "400"
        if mechanism == "CURVE" and "curve_allow" in z:
            key = z85.encode(credentials[0]).decode("ascii") if credentials else ""
            return "200" if key in z["curve_allow"] else "400"
        return str(z.get("status", "200"))

    def serve_zap(self):
        while True:
            try:
                req = self.zap_sock.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            version, request_id, domain, address, routing_id, mechanism = req[:6]
            credentials = req[6:]
            mech = mechanism.decode("ascii", "replace")
            status = self.decide(mech, credentials)
            ev = {
                "event": "zap",
                "frames": len(req),
                "version": version.decode("ascii", "replace"),
                "request_id": request_id.decode("utf-8", "replace"),
                "domain": domain.decode("utf-8", "replace"),
                "address": address.decode("utf-8", "replace"),
                "routing_id": b64(routing_id),
                "mechanism": mech,
                "credentials": [b64(c) for c in credentials],
                "status": status,
            }
            if mech == "CURVE":
                ev["credentials_z85"] = [z85.encode(c).decode("ascii") for c in credentials if len(c) == 32]
            emit(ev)
            user_id = self.zap_cfg.get("user_id", "user") if status == "200" else ""
            text = {"200": "OK", "300": "Try later", "400": "Denied", "500": "Broken"}.get(status, "?")
            self.zap_sock.send_multipart(
                [
                    self.zap_cfg.get("version", "1.0").encode("ascii"),
                    request_id,
                    status.encode("ascii"),
                    text.encode("ascii"),
                    user_id.encode("utf-8"),
                    b"",
                ]
            )

    # -- I/O: pyzmq_peer.py's, with the User-Id property and the ZAP socket ---
    def describe_received(self, ev, frames):
        try:
            user_id = frames[-1].get("User-Id")
        except zmq.ZMQError:
            user_id = None
        if user_id:
            ev["user_id"] = user_id

    def extra_sockets(self):
        return [(self.zap_sock, self.serve_zap)] if self.zap_sock is not None else []

    def close(self):
        if self.zap_sock is not None:
            self.zap_sock.close(linger=0)
        if self.auth is not None:
            self.auth.stop()
        super().close()


if __name__ == "__main__":
    main(SecurePeer)
