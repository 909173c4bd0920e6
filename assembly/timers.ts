// Timer tables. A pipe and a socket each keep their deadlines in one array
// indexed by a timer kind; Infinity means "off", the only convention. The
// owner's tick(now) runs every kind that is due, once, in kind order, through
// one onTimer switch; nextDeadline() is the minimum over the table. The core
// has no clock: `now` is an argument everywhere, and every deadline set here
// is reported to clock.ts so the host arms one timer for the earliest.
import { noteDeadline } from "./clock";

// Pipe timers, in the order a tick runs them (a failure before a PING).
export const PT_RECONNECT: i32 = 0;     // redial a connect-made pipe (back-off)
export const PT_HANDSHAKE: i32 = 1;     // the handshake must be over by then
export const PT_PING_TIMEOUT: i32 = 2;  // our PING went unanswered (ZMTP heartbeat timeout)
export const PT_PEER_TTL: i32 = 3;      // the peer's PING TTL ran out with no traffic
export const PT_HEARTBEAT: i32 = 4;     // send the next PING
export const PIPE_TIMERS: i32 = 5;

// Socket timers.
export const ST_RESEND: i32 = 0;        // SP REQ: send the request again
export const ST_SURVEY: i32 = 1;        // SP SURVEYOR: the survey is over
export const ST_LINGER: i32 = 2;        // a closed socket stops waiting for its queue to drain
export const ST_COOKIE_KEY: i32 = 3;    // a CURVE server's cookie key is retired or wiped (zmtp/security.ts)
export const SOCKET_TIMERS: i32 = 4;

export class Timers {
  at: StaticArray<f64>;

  constructor(kinds: i32) {
    this.at = new StaticArray<f64>(kinds);
    this.clearAll();
  }

  @inline set(kind: i32, t: f64): void { this.at[kind] = t; noteDeadline(t); }
  @inline clear(kind: i32): void { this.at[kind] = Infinity; }
  @inline get(kind: i32): f64 { return this.at[kind]; }
  @inline isSet(kind: i32): bool { return this.at[kind] != Infinity; }

  clearAll(): void {
    for (let i = 0; i < this.at.length; i++) this.at[i] = Infinity;
  }

  // Whether `kind` is due at `now`; if so it is switched off (one shot).
  take(kind: i32, now: f64): bool {
    if (this.at[kind] > now) return false;
    this.at[kind] = Infinity;
    return true;
  }

  next(): f64 {
    let d: f64 = Infinity;
    for (let i = 0; i < this.at.length; i++) d = min(d, this.at[i]);
    return d;
  }
}
