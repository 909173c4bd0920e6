// Exports of the crypto primitives, for the host's key tools (curveKeyPair,
// public keys from secret ones) and for the tests that check each primitive
// against published vectors and an independent implementation.
