// A round-robin rotation of pipes: the list and whose turn it is. Load
// balancing (lb.ts) and fair queuing (fq.ts) both take turns this way; a
// pipe leaving must not make the next turn skip or repeat one.
import { Pipe } from "./pipe";

export class Rotation {
  pipes: Array<Pipe> = [];
  cursor: i32 = 0;

  @inline get length(): i32 { return this.pipes.length; }

  add(p: Pipe): void { this.pipes.push(p); }

  remove(p: Pipe): void {
    let a = this.pipes;
    let i = a.indexOf(p);
    if (i < 0) return;
    a.splice(i, 1);
    if (this.cursor > i) this.cursor--;
    if (this.cursor >= a.length) this.cursor = 0;
  }
}
