// Subscription trie: byte-prefix keys with a count per node.
//
// Used with counts (SUB/XSUB keep one entry per subscribe call, as libzmq's
// trie does) and as a set (a PUB's per-pipe subscriptions, as libzmq's mtrie).
// Nodes hold runs of bytes (a radix tree), so memory follows the bytes
// subscribed, not one node per byte. Every walk is iterative: a long topic
// must not recurse once per byte.
//
// Node (heap block):
//   +-------+--------+-----+----------+------+--------+
//   | count | nchild | cap | children | plen | prefix |   children: cap × [first byte u32][child u32]
//   +-------+--------+-----+----------+------+--------+   prefix: plen bytes in their own block
import { rawAlloc, rawRealloc, rawFree } from "./alloc";
import { Bytes } from "./bytes";

const N_COUNT: usize = 0;
const N_NCHILD: usize = 4;
const N_CAP: usize = 8;
const N_CHILDREN: usize = 12;
const N_PLEN: usize = 16;
const N_PREFIX: usize = 20;
const NODE_SIZE: usize = 24;

@inline function count(n: usize): u32 { return load<u32>(n, N_COUNT); }
@inline function nchild(n: usize): u32 { return load<u32>(n, N_NCHILD); }
@inline function plen(n: usize): u32 { return load<u32>(n, N_PLEN); }
@inline function prefix(n: usize): usize { return <usize>load<u32>(n, N_PREFIX); }
@inline function entry(n: usize, i: u32): usize { return <usize>load<u32>(n, N_CHILDREN) + (<usize>i << 3); }

function nodeNew(src: usize, len: u32): usize {
  let n = rawAlloc(NODE_SIZE);
  memory.fill(n, 0, NODE_SIZE);
  if (len) {
    let p = rawAlloc(len);
    memory.copy(p, src, len);
    store<u32>(n, <u32>p, N_PREFIX);
    store<u32>(n, len, N_PLEN);
  }
  return n;
}

function setPrefix(n: usize, src: usize, len: u32): void {
  let p: usize = 0;
  if (len) { p = rawAlloc(len); memory.copy(p, src, len); }
  let old = prefix(n);
  if (old) rawFree(old);
  store<u32>(n, <u32>p, N_PREFIX);
  store<u32>(n, len, N_PLEN);
}

function childFind(n: usize, b: u32): usize {
  let k = nchild(n);
  for (let i: u32 = 0; i < k; i++) {
    let e = entry(n, i);
    if (load<u32>(e) == b) return <usize>load<u32>(e, 4);
  }
  return 0;
}

function childAdd(n: usize, b: u32, child: usize): void {
  let k = nchild(n);
  let cap = load<u32>(n, N_CAP);
  if (k == cap) {
    let ncap: u32 = cap ? cap * 2 : 2;
    let c = <usize>load<u32>(n, N_CHILDREN);
    c = c ? rawRealloc(c, <usize>ncap << 3) : rawAlloc(<usize>ncap << 3);
    store<u32>(n, ncap, N_CAP);
    store<u32>(n, <u32>c, N_CHILDREN);
  }
  let e = entry(n, k);
  store<u32>(e, b);
  store<u32>(e, <u32>child, 4);
  store<u32>(n, k + 1, N_NCHILD);
}

function childReplace(n: usize, b: u32, child: usize): void {
  let k = nchild(n);
  for (let i: u32 = 0; i < k; i++) {
    let e = entry(n, i);
    if (load<u32>(e) == b) { store<u32>(e, <u32>child, 4); return; }
  }
}

function childRemove(n: usize, child: usize): void {
  let k = nchild(n);
  for (let i: u32 = 0; i < k; i++) {
    let e = entry(n, i);
    if (<usize>load<u32>(e, 4) == child) {
      store<u64>(e, load<u64>(entry(n, k - 1)));
      store<u32>(n, k - 1, N_NCHILD);
      return;
    }
  }
}

function nodeFree(n: usize): void {
  let c = <usize>load<u32>(n, N_CHILDREN);
  if (c) rawFree(c);
  let p = prefix(n);
  if (p) rawFree(p);
  rawFree(n);
}

// A countless node with one child absorbs it (keeps the tree compact).
function mergeWithOnlyChild(a: usize): void {
  let b = <usize>load<u32>(entry(a, 0), 4);
  let al = plen(a), bl = plen(b);
  let p = rawAlloc(<usize>(al + bl));
  if (al) memory.copy(p, prefix(a), al);
  memory.copy(p + al, prefix(b), bl);
  let oldPrefix = prefix(a);
  if (oldPrefix) rawFree(oldPrefix);
  let oldChildren = <usize>load<u32>(a, N_CHILDREN);
  if (oldChildren) rawFree(oldChildren);
  store<u32>(a, count(b), N_COUNT);
  store<u32>(a, nchild(b), N_NCHILD);
  store<u32>(a, load<u32>(b, N_CAP), N_CAP);
  store<u32>(a, load<u32>(b, N_CHILDREN), N_CHILDREN);
  store<u32>(a, al + bl, N_PLEN);
  store<u32>(a, <u32>p, N_PREFIX);
  let bp = prefix(b);
  if (bp) rawFree(bp);
  rawFree(b);
}

// Scratch shared by all tries (the core is single-threaded).
const path = new Bytes();

export class Trie {
  root: usize = nodeNew(0, 0);
  topics: i32 = 0;      // distinct keys with count > 0
  bytes: f64 = 0;       // bytes of the keys added (a budget for callers)

  // Adds `p[0..n)`. Counted: every call increments. Set: a present key stays 1.
  // Returns true when the key went from absent to present.
  add(p: usize, n: u32, counted: bool): bool {
    let node = this.root;
    let i: u32 = 0;
    while (i < n) {
      let b = <u32>load<u8>(p + i);
      let child = childFind(node, b);
      if (!child) {
        child = nodeNew(p + i, n - i);
        childAdd(node, b, child);
        node = child;
        i = n;
        break;
      }
      let cl = plen(child), cp = prefix(child);
      let m: u32 = 0;
      while (m < cl && i + m < n && load<u8>(cp + m) == load<u8>(p + i + m)) m++;
      if (m < cl) {
        // Split: a new node holds the shared run, the old child keeps the rest.
        let mid = nodeNew(cp, m);
        let restFirst = <u32>load<u8>(cp + m);
        setPrefix(child, cp + m, cl - m);
        childReplace(node, b, mid);
        childAdd(mid, restFirst, child);
        child = mid;
        cl = m;
      }
      node = child;
      i += cl;
    }
    let c = count(node);
    if (c > 0 && !counted) return false;
    store<u32>(node, c + 1, N_COUNT);
    this.bytes += <f64>n;
    if (c == 0) this.topics++;
    return c == 0;
  }

  // Walks to the node that holds exactly `p[0..n)`, recording the path; 0 if absent.
  private find(p: usize, n: u32): usize {
    path.len = 0;
    let node = this.root;
    path.push32(<u32>node);
    let i: u32 = 0;
    while (i < n) {
      let child = childFind(node, <u32>load<u8>(p + i));
      if (!child) return 0;
      let cl = plen(child);
      if (i + cl > n) return 0;
      let cp = prefix(child);
      for (let k: u32 = 0; k < cl; k++) if (load<u8>(cp + k) != load<u8>(p + i + k)) return 0;
      node = child;
      path.push32(<u32>node);
      i += cl;
    }
    return node;
  }

  // Removes one count of `p[0..n)` (all counts with `all`); unknown keys are a no-op.
  // Returns true when the key went from present to absent.
  remove(p: usize, n: u32, all: bool = false): bool {
    let node = this.find(p, n);
    if (!node) return false;
    let c = count(node);
    if (c == 0) return false;
    let dropped: u32 = all ? c : 1;
    store<u32>(node, c - dropped, N_COUNT);
    this.bytes -= <f64>n * <f64>dropped;
    if (c - dropped > 0) return false;
    this.topics--;
    let depth = <i32>(path.len >> 2);
    if (depth > 1) {
      let parent = <usize>load<u32>(path.ptr + (<usize>(depth - 2) << 2));
      if (nchild(node) == 0) {
        childRemove(parent, node);
        nodeFree(node);
        if (parent != this.root && count(parent) == 0 && nchild(parent) == 1) mergeWithOnlyChild(parent);
      } else if (nchild(node) == 1) {
        mergeWithOnlyChild(node);
      }
    }
    return true;
  }

  // True if some present key is a prefix of `p[0..n)`.
  match(p: usize, n: u32): bool {
    let node = this.root;
    if (count(node)) return true;
    let i: u32 = 0;
    while (i < n) {
      let child = childFind(node, <u32>load<u8>(p + i));
      if (!child) return false;
      let cl = plen(child);
      if (i + cl > n) return false;
      let cp = prefix(child);
      for (let k: u32 = 0; k < cl; k++) if (load<u8>(cp + k) != load<u8>(p + i + k)) return false;
      if (count(child)) return true;
      node = child;
      i += cl;
    }
    return false;
  }

  // Appends every present key to `out` as [len u32][bytes], each key once.
  list(out: Bytes): void {
    // Explicit DFS stack of (node, next child index); `key` is the current path.
    let stack = new Bytes();
    let key = new Bytes();
    stack.push32(<u32>this.root); stack.push32(0);
    if (count(this.root)) out.push32(0);
    while (stack.len) {
      let top = stack.ptr + stack.len - 8;
      let node = <usize>load<u32>(top);
      let idx = load<u32>(top, 4);
      if (idx >= nchild(node)) {
        stack.len -= 8;
        key.len -= plen(node);
        continue;
      }
      store<u32>(top, idx + 1, 4);
      let child = <usize>load<u32>(entry(node, idx), 4);
      key.append(prefix(child), plen(child));
      if (count(child)) { out.push32(key.len); out.append(key.ptr, key.len); }
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
      let k = nchild(node);
      for (let i: u32 = 0; i < k; i++) stack.push32(load<u32>(entry(node, i), 4));
      nodeFree(node);
    }
    stack.free();
    this.root = nodeNew(0, 0);
    this.topics = 0;
    this.bytes = 0;
  }

  free(): void {
    this.dispose();
    nodeFree(this.root);
    this.root = 0;
  }
}
