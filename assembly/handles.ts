// Generation-tagged integer handles for sockets and pipes.
// handle = generation << 20 | slot; a stale handle never aliases a new object.

const SLOT_BITS: i32 = 20;
const SLOT_MASK: i32 = (1 << SLOT_BITS) - 1;
const GEN_MAX: i32 = 2047;

export class HandleTable<T> {
  items: Array<T | null> = [];
  gens: Array<i32> = [];
  free: Array<i32> = [];

  add(item: T): i32 {
    let slot: i32;
    if (this.free.length) {
      slot = this.free.pop();
    } else {
      slot = this.items.length;
      this.items.push(null);
      this.gens.push(0);
    }
    let gen = this.gens[slot] + 1;
    if (gen > GEN_MAX) gen = 1;
    this.gens[slot] = gen;
    this.items[slot] = item;
    return (gen << SLOT_BITS) | slot;
  }

  get(h: i32): T | null {
    let slot = h & SLOT_MASK;
    if (h <= 0 || slot >= this.items.length) return null;
    if (this.gens[slot] != h >>> SLOT_BITS) return null;
    return this.items[slot];
  }

  // Puts another object under a live handle (the same entity, a new class).
  replace(h: i32, item: T): void {
    if (this.get(h) === null) return;
    this.items[h & SLOT_MASK] = item;
  }

  remove(h: i32): void {
    let slot = h & SLOT_MASK;
    if (this.get(h) === null) return;
    this.items[slot] = null;
    this.free.push(slot);
  }
}
