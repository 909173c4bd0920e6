// Load balancing: round-robin over attached pipes, skipping full ones.
// The whole message goes to one pipe; the choice never changes mid-message.
import { Pipe } from "./pipe";

export class LoadBalancer {
  pipes: Array<Pipe> = [];
  cursor: i32 = 0;

  add(p: Pipe): void { this.pipes.push(p); }

  remove(p: Pipe): void {
    let a = this.pipes;
    let i = a.indexOf(p);
    if (i < 0) return;
    a.splice(i, 1);
    if (this.cursor > i) this.cursor--;
    if (this.cursor >= a.length) this.cursor = 0;
  }

  // Next pipe with room under its high-water mark, or null.
  pick(): Pipe | null {
    let a = this.pipes;
    let n = a.length;
    for (let k = 0; k < n; k++) {
      if (this.cursor >= n) this.cursor = 0;
      let p = a[this.cursor];
      this.cursor++;
      if (!p.full) return p;
    }
    return null;
  }

  hasRoom(): bool {
    let a = this.pipes;
    for (let i = 0; i < a.length; i++) if (!a[i].full) return true;
    return false;
  }
}
