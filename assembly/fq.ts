// Fair queuing: round-robin over the pipes that have a complete message
// waiting. Messages are atomic, so a multipart message never interleaves.
// With priorities (SP receivePriority), the best priority waiting goes first.
import { Pipe } from "./pipe";
import { Rotation } from "./rotation";

// The rotation holds the pipes with a message waiting.
export class FairQueue extends Rotation {
  lastPipe: Pipe | null = null;
  prioritized: bool = false;

  add(p: Pipe): void {
    if (p.inFq) return;
    p.inFq = true;
    super.add(p);
    if (p.recvPrio != 8) this.prioritized = true;
  }

  remove(p: Pipe): void {
    if (!p.inFq) return;
    p.inFq = false;
    super.remove(p);
  }

  // The pipe whose turn it is; advances the cursor.
  next(): Pipe | null {
    let a = this.pipes;
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
