// Distribution to many peers, the one fan-out every sending-to-all role
// uses (libzmq's dist: PUB, XPUB, XSUB; nng's pub0, bus0, surveyor0): the
// message goes to each routed pipe the role selects, encoded for that
// pipe's wire. The policy is the same for all: a pipe whose handshake is not
// done is skipped; a pipe at its high-water mark misses this message, never
// slowing the others.
import { Socket } from "./socket";

export function distribute(s: Socket, src: usize, nframes: u32): void {
  let a = s.attached;
  for (let i = 0, n = a.length; i < n; i++) {
    let p = a[i];
    if (!p.active || !s.selects(p, src, nframes)) continue;
    if (p.full) continue;
    s.writeTo(p, src, nframes);
  }
}
