// The input format shared by the core targets (zmtp, zws, sp): a scenario is a
// few configuration bytes (socket type, options, framing; each target reads
// them its own way) and a list of steps a raw peer and the application take:
//
//   IN      bytes arrive on pipe slot `pipe` (a stream chunk, or one whole
//           WebSocket message in message mode)
//   RECV    the application receives up to data[0] messages (0: until EAGAIN)
//   SEND    the application sends the frames encoded in data (see frames())
//   TICK    the manual clock moves by u16 data ms and the core's timers run
//   CLOSE   the peer's transport on slot `pipe` goes away
//   SUB     (un)subscribe option: data[0] bit 0 on/off, the rest the topic
//   DESTROY the application forgets slot `pipe` (disconnect())
//   ECHO    the peer answers the last message the core sent it: the target's
//           echo() builds the input from that pipe's output so far and data
//           (SP: the request or survey id the core chose, then data)
//
// It is stored as bytes so that any byte string is a valid scenario (a
// byte-level mutator or a coverage fuzzer can work on the file directly):
//
//   [conf_len u8][conf][step]...   step = [op u8][pipe u8][len u16 BE][data]
//
// op and pipe are taken modulo their ranges; a length beyond the end of the
// buffer is cut to what is there.

export const OP = { IN: 0, RECV: 1, SEND: 2, TICK: 3, CLOSE: 4, SUB: 5, DESTROY: 6, ECHO: 7 };
export const OP_NAMES = Object.fromEntries(Object.entries(OP).map(([k, v]) => [v, k]));
export const NOPS = 8;
/** Pipe slots a scenario can use: enough for duplicates, handover, fair queuing. */
export const SLOTS = 3;
/** The largest data a step can carry (u16 length). */
export const STEP_MAX = 0xffff;

export function decodeScenario(buf) {
  const b = Buffer.from(buf);
  let at = 0;
  const confLen = b.length ? b[at++] : 0;
  const conf = Buffer.from(b.subarray(at, at + confLen));
  at += confLen;
  const steps = [];
  while (at < b.length) {
    const op = b[at++] % NOPS;
    const pipe = at < b.length ? b[at++] % SLOTS : 0;
    let len = 0;
    if (at < b.length) len = b[at++] << 8;
    if (at < b.length) len |= b[at++];
    const data = Buffer.from(b.subarray(at, at + len));
    at += data.length;
    steps.push({ op, pipe, data });
  }
  return { conf, steps };
}

export function encodeScenario(sc) {
  const parts = [Buffer.from([sc.conf.length & 0xff]), Buffer.from(sc.conf).subarray(0, 255)];
  for (const s of sc.steps) {
    const data = Buffer.from(s.data ?? []).subarray(0, STEP_MAX);
    const h = Buffer.alloc(4);
    h[0] = s.op;
    h[1] = s.pipe ?? 0;
    h.writeUInt16BE(data.length, 2);
    parts.push(h, data);
  }
  return Buffer.concat(parts);
}

/** A deep copy (mutators change scenarios in place). */
export const cloneScenario = (sc) => ({
  conf: Buffer.from(sc.conf),
  steps: sc.steps.map((s) => ({ op: s.op, pipe: s.pipe, data: Buffer.from(s.data) })),
});

// SEND data: frames one after another, each [len u8][bytes] for len < 0xF0,
// or [0xF0 + k][fill u8] for a large frame of (k + 1) × 16 KiB filled with one
// byte: large enough to travel as an external (spliced) body.
export const LARGE_FRAME_UNIT = 16 * 1024;

export function decodeFrames(data) {
  const frames = [];
  let at = 0;
  while (at < data.length) {
    const l = data[at++];
    if (l >= 0xf0) {
      const fill = at < data.length ? data[at++] : 0x61;
      frames.push(Buffer.alloc((l - 0xef) * LARGE_FRAME_UNIT, fill));
    } else {
      frames.push(Buffer.from(data.subarray(at, at + l)));
      at += l;
    }
  }
  return frames;
}

export function encodeFrames(frames) {
  const parts = [];
  for (const f of frames) {
    if (f.large) { parts.push(Buffer.from([0xef + f.large, f.fill ?? 0x61])); continue; }
    const b = Buffer.from(f).subarray(0, 0xef);
    parts.push(Buffer.from([b.length]), b);
  }
  return Buffer.concat(parts);
}

export const step = (op, pipe = 0, data = Buffer.alloc(0)) => ({ op, pipe, data: Buffer.from(data) });
export const tick = (ms) => { const d = Buffer.alloc(2); d.writeUInt16BE(Math.min(ms, 0xffff)); return step(OP.TICK, 0, d); };

/** A readable one-line-per-step description (for failure reports). */
export function describeScenario(sc) {
  const lines = [`conf ${sc.conf.toString("hex")}`];
  for (const s of sc.steps) {
    const d = s.data.length > 48 ? `${s.data.subarray(0, 48).toString("hex")}… (${s.data.length} bytes)` : s.data.toString("hex");
    lines.push(`${OP_NAMES[s.op]} pipe ${s.pipe} ${d}`);
  }
  return lines.join("\n");
}
