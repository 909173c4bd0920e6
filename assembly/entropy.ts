// Random bytes for keys and nonces come from the host (crypto.getRandomValues
// in production, a fixed sequence in tests), so the core itself stays
// deterministic: it imports this one function and nothing else but abort.
// The xorshift of random.ts is for ids and never for secrets.
@external("env", "random_bytes")
declare function hostRandomBytes(ptr: usize, n: u32): void;

export function randomBytes(ptr: usize, n: u32): void {
  if (n) hostRandomBytes(ptr, n);
}
