// SP over WebSocket against nngcat: the link helper of sp-setup.mjs, for
// ws:// URLs. nngcat (nng 1.5) reports "Listening at: ws://127.0.0.1:0/x"
// for a ws listener on port 0 (not the real port), so a peer that listens is
// given a port that was free a moment ago; wasmq binds on port 0 and its
// lastEndpoint (the real port, same path) is what the peer dials.
import { withTimeout, DEFAULT_TIMEOUT, startCat } from "./sp-setup.mjs";
import { freePort } from "../../helpers/ws-raw.mjs";

export const WS_ENDPOINT = /^ws:\/\/127\.0\.0\.1:([1-9]\d*)(\/.*)$/;

let n = 0;
/** A fresh path, so a stray dialer can never reach the wrong test's listener. */
export const freshPath = (tag = "sp") => `/${tag}-${process.pid}-${n++}`;

/** ws://127.0.0.1:<free port>/<path> for a peer to listen on. */
export async function peerWsUrl(tag) {
  return `ws://127.0.0.1:${await freePort()}${freshPath(tag)}`;
}

/**
 * Put a wasmq socket and an nngcat peer on one ws:// link. wasmBinds: wasmq
 * binds ws://127.0.0.1:0/<path> and the peer dials its lastEndpoint (nngcat
 * returns once "Connected to:"); otherwise the peer listens ("Listening at:")
 * and wasmq connects. Returns the CatPeer.
 */
export async function wsLink(res, sock, cat, { wasmBinds, tag = "sp" }) {
  if (wasmBinds) {
    const path = freshPath(tag);
    await withTimeout(sock.bind(`ws://127.0.0.1:0${path}`), DEFAULT_TIMEOUT, `wasmq bind ws://127.0.0.1:0${path}`);
    const ep = sock.lastEndpoint;
    const m = WS_ENDPOINT.exec(ep ?? "");
    if (!m || m[2] !== path) throw new Error(`wasmq lastEndpoint after bind("ws://127.0.0.1:0${path}") is ${JSON.stringify(ep)}`);
    return startCat(res, { ...cat, dial: ep });
  }
  const peer = await startCat(res, { ...cat, listen: await peerWsUrl(tag) });
  sock.connect(peer.url);
  return peer;
}
