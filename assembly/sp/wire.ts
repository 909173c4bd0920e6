// Scalability Protocols wire constants, one place each, named after the
// fields of nng's SP specifications ("SP TCP Mapping", "SP IPC Mapping",
// "SP WebSocket Mapping", and each protocol's own, e.g. "REQ/REP").

// SP TCP Mapping: the 8-byte header both sides send first: 00 'S' 'P' 00 <proto u16> 00 00.
export const SP_HEADER_SIZE: u32 = 8;
export const SP_HEADER_BYTE0: u8 = 0x00;
export const SP_HEADER_S: u8 = 0x53;
export const SP_HEADER_P: u8 = 0x50;
export const SP_HEADER_VERSION: u8 = 0x00;
export const SP_HEADER_OFF_PROTO: u32 = 4;

// SP TCP/IPC Mapping: message framing [size u64 BE][payload]; IPC adds a type byte first.
export const SP_SIZE_LEN: u32 = 8;
export const SP_IPC_MSG_TYPE: u8 = 0x01; // "in-band", the only defined type

// REQ/REP and SURVEY: backtrace words: the one with the high bit set ends the stack.
export const SP_ID_FLAG: u32 = 0x80000000;

// Socket types in the core (after the ZMTP ones in ../wire.ts).
export const PAIR0: i32 = 32;
export const PAIR1: i32 = 33;
export const PUB0: i32 = 34;
export const SUB0: i32 = 35;
export const REQ0: i32 = 36;
export const REP0: i32 = 37;
export const PUSH0: i32 = 38;
export const PULL0: i32 = 39;
export const SURVEYOR0: i32 = 40;
export const RESPONDENT0: i32 = 41;
export const BUS0: i32 = 42;

// Protocol ids: (protocol number << 4) | role.
export const PROTO_PAIR0: u32 = 0x10;
export const PROTO_PAIR1: u32 = 0x11;
export const PROTO_PUB0: u32 = 0x20;
export const PROTO_SUB0: u32 = 0x21;
export const PROTO_REQ0: u32 = 0x30;
export const PROTO_REP0: u32 = 0x31;
export const PROTO_PUSH0: u32 = 0x50;
export const PROTO_PULL0: u32 = 0x51;
export const PROTO_SURVEYOR0: u32 = 0x62;
export const PROTO_RESPONDENT0: u32 = 0x63;
export const PROTO_BUS0: u32 = 0x70;

// Each protocol's name in SP over WebSocket, where the subprotocol says who
// is listening: a dialer offers "<the listener's name>.sp.nanomsg.org" and
// a listener takes only its own name (nng's "SP WebSocket Mapping"). The
// host's table of names is generated from these rows (scripts/gen-shared.mjs).
// ws-name | protocol | peer
// pair | PAIR0 | PAIR0
// pair1 | PAIR1 | PAIR1
// pub | PUB0 | SUB0
// sub | SUB0 | PUB0
// req | REQ0 | REP0
// rep | REP0 | REQ0
// push | PUSH0 | PULL0
// pull | PULL0 | PUSH0
// surveyor | SURVEYOR0 | RESPONDENT0
// respondent | RESPONDENT0 | SURVEYOR0
// bus | BUS0 | BUS0

// Defaults (nng's).
export const SP_DEFAULT_MAX_TTL: i32 = 8;
export const SP_MAX_MAX_TTL: i32 = 15;
export const SP_DEFAULT_RESEND_IVL: f64 = 60000;
export const SP_DEFAULT_SURVEY_TIME: f64 = 1000;
// Finite by default, as libnanomsg (NN_RCVMAXSIZE) and nng 1.0-1.2.
export const SP_DEFAULT_MAX_MSG_SIZE: f64 = 1048576;
// How long the header exchange may take.
export const SP_NEGOTIATION_TIMEOUT: f64 = 10000;
