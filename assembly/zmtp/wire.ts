// ZMTP 3.x wire constants, one place each, named after the fields of ZMTP
// 3.0 (RFC 23) and 3.1 (RFC 37). Everything here is a value on the wire.

// Greeting (64 bytes; RFC 23 "Version Negotiation")
export const GREETING_SIZE: u32 = 64;
export const GREETING_SIG_START: u8 = 0xff;     // byte 0
export const GREETING_SIG_END: u8 = 0x7f;       // byte 9 (bit 0 = versioned peer)
export const GREETING_OFF_MAJOR: u32 = 10;
export const GREETING_OFF_MINOR: u32 = 11;
export const GREETING_OFF_MECHANISM: u32 = 12;
export const GREETING_MECHANISM_LEN: u32 = 20;
export const GREETING_OFF_AS_SERVER: u32 = 32;
export const ZMTP_MAJOR: u8 = 3;
export const ZMTP_MINOR: u8 = 1;

// Frame flags (RFC 23 "Framing")
export const FLAG_MORE: u8 = 0x01;
export const FLAG_LONG: u8 = 0x02;
export const FLAG_COMMAND: u8 = 0x04;
export const FLAG_RESERVED: u8 = 0xf8;

// Socket types (our numbering; the wire carries the names below).
export const PAIR: i32 = 0;
export const PUB: i32 = 1;
export const SUB: i32 = 2;
export const REQ: i32 = 3;
export const REP: i32 = 4;
export const DEALER: i32 = 5;
export const ROUTER: i32 = 6;
export const PULL: i32 = 7;
export const PUSH: i32 = 8;
export const XPUB: i32 = 9;
export const XSUB: i32 = 10;
export const SOCKET_TYPE_COUNT: i32 = 11;

// Socket-Type property values (RFC 23 "The Socket-Type Property"), indexed by the constants above.
export const SOCKET_TYPE_NAMES: StaticArray<string> = [
  "PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB",
];

// Which peer types each type accepts (bit per socket type; RFC 23 "Socket Semantics").
export function compatiblePeers(t: i32): u32 {
  switch (t) {
    case PAIR: return 1 << PAIR;
    case PUB: case XPUB: return (1 << SUB) | (1 << XSUB);
    case SUB: case XSUB: return (1 << PUB) | (1 << XPUB);
    case REQ: return (1 << REP) | (1 << ROUTER);
    case REP: return (1 << REQ) | (1 << DEALER);
    case DEALER: return (1 << REP) | (1 << DEALER) | (1 << ROUTER);
    case ROUTER: return (1 << REQ) | (1 << DEALER) | (1 << ROUTER);
    case PULL: return 1 << PUSH;
    case PUSH: return 1 << PULL;
  }
  return 0;
}

// libzmq sends Identity only for these three.
export function sendsIdentity(t: i32): bool {
  return t == REQ || t == DEALER || t == ROUTER;
}

// PING: name, TTL u16 (deciseconds), context up to 16 bytes (RFC 37 "Connection Heartbeating").
export const PING_CONTEXT_MAX: u32 = 16;
