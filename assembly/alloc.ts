// Raw linear-memory allocations of the core, counted. Every buffer, message
// record and trie node is allocated here (never with heap.* directly), so the
// core knows at every moment how many bytes it holds: tests check that
// closing a socket gives back all it took, and memory budgets can refuse
// before allocating. Managed objects (class instances, arrays) are the
// garbage collector's and are not counted.
//
// The size counted is the TLSF block's own (its header word, the one before
// the pointer, with the two tag bits masked off): what the allocator really
// set aside, which is what a leak costs.

let live: usize = 0;

@inline function blockSize(p: usize): usize { return load<usize>(p - sizeof<usize>()) & ~(<usize>3); }

export function rawAlloc(n: usize): usize {
  let p = heap.alloc(n);
  live += blockSize(p);
  return p;
}

export function rawRealloc(p: usize, n: usize): usize {
  live -= blockSize(p);
  let q = heap.realloc(p, n);
  live += blockSize(q);
  return q;
}

export function rawFree(p: usize): void {
  live -= blockSize(p);
  heap.free(p);
}

// Bytes of raw allocations held now.
export function rawBytes(): usize { return live; }
