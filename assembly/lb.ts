// Load balancing: round-robin over attached pipes, skipping full ones.
// The whole message goes to one pipe; the choice never changes mid-message.
// With priorities (SP sendPriority), only the best priority with room is used.
import { Pipe } from "./pipe";
import { Rotation } from "./rotation";

export class LoadBalancer extends Rotation {
  prioritized: bool = false;

  add(p: Pipe): void {
    super.add(p);
    if (p.sendPrio != 8) this.prioritized = true;
  }

  // Next pipe with room under its high-water mark, or null.
  pick(): Pipe | null {
    let a = this.pipes;
    let n = a.length;
    let best = 0;
    if (this.prioritized) {
      best = 17;
      for (let i = 0; i < n; i++) if (!a[i].full && a[i].sendPrio < best) best = a[i].sendPrio;
    }
    for (let k = 0; k < n; k++) {
      if (this.cursor >= n) this.cursor = 0;
      let p = a[this.cursor];
      this.cursor++;
      if (!p.full && (best == 0 || p.sendPrio == best)) return p;
    }
    return null;
  }

  hasRoom(): bool {
    let a = this.pipes;
    for (let i = 0; i < a.length; i++) if (!a[i].full) return true;
    return false;
  }
}
