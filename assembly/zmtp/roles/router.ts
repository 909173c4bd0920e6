// ROUTER (RFC 28): every received message is prefixed with the routing id of
// its peer; a sent message's first frame picks the peer. Ids are the peer's
// Identity property, or generated (0x00 + u32) when it has none. A duplicate
// id is refused unless `handover`. Unroutable or full: dropped, or
// EHOSTUNREACH / EAGAIN with `mandatory`.
import { Socket, recvBegin, recvMessage, recvFrame } from "../../socket";
import { Pipe } from "../../pipe";
import { Bytes, storeU32BE } from "../../bytes";
import { ROUTER } from "../wire";
import { EHOSTUNREACH, R_DUPLICATE_IDENTITY, R_CLOSED_BY_SOCKET } from "../../errors";
import { nextU32 } from "../../random";

const lastId = new Bytes();

export class Router extends Socket {
  nextId: u32 = nextU32();

  constructor() { super(ROUTER); }
  // A reconnect may bring a different identity: route only handshaken pipes.
  attachesEarly(): bool { return false; }
  keepsSessions(): bool { return false; }
  canSend(): bool { return true; }

  find(id: usize, n: u32): Pipe | null {
    let a = this.attached;
    for (let i = 0; i < a.length; i++) if (a[i].identity.equals(id, n)) return a[i];
    return null;
  }

  pipeReady(p: Pipe, now: f64): bool {
    if (p.identity.len == 0) {
      let at = p.identity.reserve(5);
      store<u8>(at, 0);
      storeU32BE(at + 1, this.nextId++);
      p.identity.len = 5;
      return true;
    }
    let other = this.find(p.identity.ptr, p.identity.len);
    if (other && other !== p) {
      if (!this.opts.routerHandover) { p.reason = R_DUPLICATE_IDENTITY; return false; }
      // The newcomer takes the id; the old connection goes.
      this.detach(other);
      other.fail(R_CLOSED_BY_SOCKET, now);
    }
    return true;
  }


  recv(now: f64): i32 {
    recvBegin();
    let m = this.fqNext();
    if (!m) return this.noMessage();
    let p = this.fq.lastPipe!;
    lastId.copyFrom(p.identity);
    recvFrame(lastId.ptr, lastId.len);
    return recvMessage(m, 0) + 1;
  }

  send(src: usize, nframes: u32, now: f64): i32 {
    if (nframes == 0) return 0;
    let idLen = load<u32>(src);
    let p = this.find(src + 4, idLen);
    let mandatory = this.opts.routerMandatory;
    if (!p || !p.active) return mandatory ? -EHOSTUNREACH : 0;
    if (p.full) return mandatory ? this.blocked() : 0;
    if (nframes > 1) {
      p.writeFrames(src + 4 + idLen, nframes - 1, false);
      p.endMessage();
    }
    return 0;
  }
}
