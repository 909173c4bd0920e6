// Fair queuing: round-robin over the pipes that have a complete message
// waiting. Messages are atomic, so a multipart message never interleaves.
// With priorities (SP receivePriority), the best priority waiting goes first.
import { Pipe } from "./pipe";

export class FairQueue {
  active: Array<Pipe> = [];
  cursor: i32 = 0;
  lastPipe: Pipe | null = null;
  prioritized: bool = false;

  add(p: Pipe): void {
    if (p.inFq) return;
    p.inFq = true;
    this.active.push(p);
    if (p.recvPrio != 8) this.prioritized = true;
  }

  remove(p: Pipe): void {
    if (!p.inFq) return;
    p.inFq = false;
    let a = this.active;
    let i = a.indexOf(p);
    if (i < 0) return;
    a.splice(i, 1);
    if (this.cursor > i) this.cursor--;
    if (this.cursor >= a.length) this.cursor = 0;
  }

  // The pipe whose turn it is; advances the cursor.
  next(): Pipe | null {
    let a = this.active;
    let n = a.length;
    if (n == 0) return null;
    if (this.cursor >= n) this.cursor = 0;
    if (this.prioritized) {
      let best = 17;
      for (let i = 0; i < n; i++) if (a[i].recvPrio < best) best = a[i].recvPrio;
      while (a[this.cursor].recvPrio != best) this.cursor = this.cursor + 1 < n ? this.cursor + 1 : 0;
    }
    let p = a[this.cursor];
    this.cursor = this.cursor + 1 < n ? this.cursor + 1 : 0;
    return p;
  }

}
