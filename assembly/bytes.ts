// Growable byte buffers in linear memory, and big-endian load/store helpers.
// Buffers hold raw heap memory (TLSF), never managed objects, so the hot path
// allocates nothing the GC has to trace.
import { rawAlloc, rawRealloc, rawFree } from "./alloc";

@inline export function loadU32BE(p: usize): u32 { return bswap<u32>(load<u32>(p)); }
@inline export function storeU32BE(p: usize, v: u32): void { store<u32>(p, bswap<u32>(v)); }
@inline export function loadU64BE(p: usize): u64 { return bswap<u64>(load<u64>(p)); }
@inline export function storeU64BE(p: usize, v: u64): void { store<u64>(p, bswap<u64>(v)); }
@inline export function loadU16BE(p: usize): u32 { return (<u32>load<u8>(p) << 8) | <u32>load<u8>(p + 1); }

export function bytesEqual(a: usize, b: usize, n: usize): bool {
  for (let i: usize = 0; i < n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

export class Bytes {
  ptr: usize = 0;
  len: u32 = 0;
  cap: u32 = 0;

  // Make room for `extra` more bytes; returns the write position.
  reserve(extra: u32): usize {
    let need = this.len + extra;
    if (need > this.cap) {
      let ncap = this.cap < 64 ? <u32>64 : this.cap;
      while (ncap < need) ncap = ncap < 0x40000000 ? ncap << 1 : need;
      this.ptr = this.ptr ? rawRealloc(this.ptr, ncap) : rawAlloc(ncap);
      this.cap = ncap;
    }
    return this.ptr + this.len;
  }
  append(src: usize, n: u32): void {
    if (n == 0) return;
    let at = this.reserve(n);
    memory.copy(at, src, n);
    this.len += n;
  }
  push8(v: u32): void { store<u8>(this.reserve(1), <u8>v); this.len += 1; }
  push32(v: u32): void { store<u32>(this.reserve(4), v); this.len += 4; }
  push32BE(v: u32): void { storeU32BE(this.reserve(4), v); this.len += 4; }
  push64BE(v: u64): void { storeU64BE(this.reserve(8), v); this.len += 8; }
  pushString(s: string): void {
    // ASCII only: wire names and property names.
    let n = s.length;
    let at = this.reserve(<u32>n);
    for (let i = 0; i < n; i++) store<u8>(at + i, <u8>s.charCodeAt(i));
    this.len += <u32>n;
  }
  clear(): void {
    this.len = 0;
    // Give back memory after a burst of large messages.
    if (this.cap > 1 << 20) this.free();
  }
  free(): void {
    if (this.ptr) rawFree(this.ptr);
    this.ptr = 0; this.len = 0; this.cap = 0;
  }
  copyFrom(o: Bytes): void { this.len = 0; this.append(o.ptr, o.len); }
  equals(p: usize, n: u32): bool { return n == this.len && bytesEqual(this.ptr, p, n); }
}
