// Subscription trie: byte-prefix keys with a count per node.
//
// Used with counts (SUB/XSUB keep one entry per subscribe call, as libzmq's
// trie does) and as a set (a PUB's per-pipe subscriptions, as libzmq's mtrie).
// Every walk is iterative: a 1 MiB topic must not recurse 1M frames deep.
//
// Node (heap block):
//   +---------+---------+---------+-------------+
//   | count   | nchild  | cap     | children    |  children: cap × [key u32][child u32]
//   +---------+---------+---------+-------------+
import { Bytes } from "./bytes";

const N_COUNT: usize = 0;
const N_NCHILD: usize = 4;
const N_CAP: usize = 8;
const N_CHILDREN: usize = 12;

function nodeNew(): usize {
  let n = heap.alloc(16);
  store<u32>(n, 0, N_COUNT);
  store<u32>(n, 0, N_NCHILD);
  store<u32>(n, 0, N_CAP);
  store<u32>(n, 0, N_CHILDREN);
  return n;
}

function childFind(n: usize, key: u32): usize {
  let k = load<u32>(n, N_NCHILD);
  let c = <usize>load<u32>(n, N_CHILDREN);
  for (let i: u32 = 0; i < k; i++) {
    if (load<u32>(c + (<usize>i << 3)) == key) return <usize>load<u32>(c + (<usize>i << 3), 4);
  }
  return 0;
}

function childAdd(n: usize, key: u32): usize {
  let k = load<u32>(n, N_NCHILD);
  let cap = load<u32>(n, N_CAP);
  let c = <usize>load<u32>(n, N_CHILDREN);
  if (k == cap) {
    let ncap: u32 = cap ? cap * 2 : 2;
    c = c ? heap.realloc(c, <usize>ncap << 3) : heap.alloc(<usize>ncap << 3);
    store<u32>(n, ncap, N_CAP);
    store<u32>(n, <u32>c, N_CHILDREN);
  }
  let child = nodeNew();
  store<u32>(c + (<usize>k << 3), key);
  store<u32>(c + (<usize>k << 3), <u32>child, 4);
  store<u32>(n, k + 1, N_NCHILD);
  return child;
}

function childRemove(n: usize, child: usize): void {
  let k = load<u32>(n, N_NCHILD);
  let c = <usize>load<u32>(n, N_CHILDREN);
  for (let i: u32 = 0; i < k; i++) {
    if (<usize>load<u32>(c + (<usize>i << 3), 4) == child) {
      let last = c + (<usize>(k - 1) << 3);
      store<u64>(c + (<usize>i << 3), load<u64>(last));
      store<u32>(n, k - 1, N_NCHILD);
      return;
    }
  }
}

function nodeFree(n: usize): void {
  let c = <usize>load<u32>(n, N_CHILDREN);
  if (c) heap.free(c);
  heap.free(n);
}

// Scratch shared by all tries (the core is single-threaded).
const path = new Bytes();

export class Trie {
  root: usize = nodeNew();
  topics: i32 = 0; // distinct prefixes with count > 0

  // Adds `p[0..n)`. Counted: every call increments. Set: a present key stays 1.
  // Returns true when the key went from absent to present.
  add(p: usize, n: u32, counted: bool): bool {
    let node = this.root;
    for (let i: u32 = 0; i < n; i++) {
      let key = <u32>load<u8>(p + i);
      let next = childFind(node, key);
      node = next ? next : childAdd(node, key);
    }
    let c = load<u32>(node, N_COUNT);
    if (c > 0 && !counted) return false;
    store<u32>(node, c + 1, N_COUNT);
    if (c == 0) this.topics++;
    return c == 0;
  }

  // Removes one count of `p[0..n)`; unknown keys are a no-op.
  // Returns true when the key went from present to absent.
  remove(p: usize, n: u32, all: bool = false): bool {
    path.len = 0;
    let node = this.root;
    path.push32(<u32>node);
    for (let i: u32 = 0; i < n; i++) {
      node = childFind(node, <u32>load<u8>(p + i));
      if (!node) return false;
      path.push32(<u32>node);
    }
    let c = load<u32>(node, N_COUNT);
    if (c == 0) return false;
    c = all ? 0 : c - 1;
    store<u32>(node, c, N_COUNT);
    if (c > 0) return false;
    this.topics--;
    // Prune empty leaves back towards the root.
    let depth = path.len >> 2;
    for (let d = depth - 1; d > 0; d--) {
      let cur = <usize>load<u32>(path.ptr + (<usize>d << 2));
      if (load<u32>(cur, N_COUNT) != 0 || load<u32>(cur, N_NCHILD) != 0) break;
      let parent = <usize>load<u32>(path.ptr + (<usize>(d - 1) << 2));
      childRemove(parent, cur);
      nodeFree(cur);
    }
    return true;
  }

  // True if some present key is a prefix of `p[0..n)`.
  match(p: usize, n: u32): bool {
    let node = this.root;
    if (load<u32>(node, N_COUNT)) return true;
    for (let i: u32 = 0; i < n; i++) {
      node = childFind(node, <u32>load<u8>(p + i));
      if (!node) return false;
      if (load<u32>(node, N_COUNT)) return true;
    }
    return false;
  }

  // Appends every present key to `out` as [len u32][bytes], each key once.
  list(out: Bytes): void {
    // Explicit DFS stack of (node, next child index); `key` is the current prefix.
    let stack = new Bytes();
    let key = new Bytes();
    stack.push32(<u32>this.root); stack.push32(0);
    if (load<u32>(this.root, N_COUNT)) out.push32(0);
    while (stack.len) {
      let top = stack.ptr + stack.len - 8;
      let node = <usize>load<u32>(top);
      let idx = load<u32>(top, 4);
      if (idx >= load<u32>(node, N_NCHILD)) {
        stack.len -= 8;
        if (key.len) key.len--;
        continue;
      }
      store<u32>(top, idx + 1, 4);
      let entry = <usize>load<u32>(node, N_CHILDREN) + (<usize>idx << 3);
      let child = <usize>load<u32>(entry, 4);
      key.push8(load<u32>(entry));
      if (load<u32>(child, N_COUNT)) { out.push32(key.len); out.append(key.ptr, key.len); }
      stack.push32(<u32>child); stack.push32(0);
    }
    stack.free(); key.free();
  }

  dispose(): void {
    let stack = new Bytes();
    stack.push32(<u32>this.root);
    while (stack.len) {
      stack.len -= 4;
      let node = <usize>load<u32>(stack.ptr + stack.len);
      let k = load<u32>(node, N_NCHILD);
      let c = <usize>load<u32>(node, N_CHILDREN);
      for (let i: u32 = 0; i < k; i++) stack.push32(load<u32>(c + (<usize>i << 3), 4));
      nodeFree(node);
    }
    stack.free();
    this.root = nodeNew();
    this.topics = 0;
  }
}
