// Message markers: every application message the simulator sends ends with
// an ASCII tag naming its sender incarnation and sequence number, plus a few
// attributes (topic, the request it answers, its destination):
//
//   <<m:c1.2:17;re=w1.1:4;t=news>>
//
// The tag is the last bytes of the message's last frame, so the moment a
// link has fed the tag's final byte to a core, that message is complete in
// the core. That lets the simulator watch the byte stream of every
// connection (Scanner) and know exactly which messages each pipe received
// and in which order, without decoding either wire format: the per-pipe
// FIFO, duplicate and loss checks compare what the application receives
// with what the wire delivered.
//
// Nothing in ZMTP or SP framing can forge a tag: frame headers and size
// words are a few binary bytes, SP request ids have their high bit set, and
// a tag needs the literal "<<m:" followed by digits and ">>".

const TAG = /<<m:([A-Za-z0-9.]+):(\d+)((?:;[a-z]+=[^;>]*)*)>>/g;
// Longest tag we ever write (sender names and attributes are short).
const MAX_TAG = 200;

/** The tag for message `seq` of sender `sid`, with attributes `attrs` ({ re, t, to, ... }). */
export function tag(sid, seq, attrs = {}) {
  let s = `<<m:${sid}:${seq}`;
  for (const k of Object.keys(attrs)) s += `;${k}=${attrs[k]}`;
  return `${s}>>`;
}

function parseMatch(m) {
  const attrs = {};
  if (m[3]) for (const kv of m[3].slice(1).split(";")) { const i = kv.indexOf("="); attrs[kv.slice(0, i)] = kv.slice(i + 1); }
  return { key: `${m[1]}:${m[2]}`, sid: m[1], seq: Number(m[2]), attrs };
}

/** The last tag in `bytes` (a Buffer or string), parsed, or null. */
export function parseTag(bytes) {
  const s = typeof bytes === "string" ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const i = s.lastIndexOf("<<m:");
  if (i < 0) return null;
  TAG.lastIndex = i;
  const m = TAG.exec(s);
  TAG.lastIndex = 0;
  return m ? parseMatch(m) : null;
}

/** The tag of a received message (the last frame that carries one). */
export function tagOf(frames) {
  for (let i = frames.length - 1; i >= 0; i--) {
    const t = parseTag(frames[i]);
    if (t) return t;
  }
  return null;
}

/** Counts tags in one take of a pipe's output (whole messages: no tag is cut). */
export function countTags(buf) {
  let n = 0;
  let at = 0;
  const needle = "<<m:";
  for (;;) {
    at = buf.indexOf(needle, at, "latin1");
    if (at < 0) return n;
    n++;
    at += 4;
  }
}

/**
 * Finds tags in a byte stream fed in arbitrary pieces. A tag cut across two
 * pieces is found when its end arrives; a new connection starts a new
 * Scanner, so half a tag from a dead connection never joins the next one.
 */
export class Scanner {
  tail = "";

  /** Tags completed by `piece`, in stream order. */
  feed(piece) {
    const b = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    if (b.indexOf(0x3e) < 0) {
      // No '>' here: no tag ends in this piece; only its last bytes may start one.
      this.tail = (this.tail + b.subarray(Math.max(0, b.length - MAX_TAG)).toString("latin1")).slice(-MAX_TAG);
      return [];
    }
    const s = this.tail + b.toString("latin1");
    const out = [];
    let end = 0;
    TAG.lastIndex = 0;
    for (let m; (m = TAG.exec(s));) { out.push(parseMatch(m)); end = TAG.lastIndex; }
    // Keep only what could still be the start of a tag: everything before
    // the last complete tag is spent, and no tag is longer than MAX_TAG.
    this.tail = s.slice(Math.max(end, s.length - MAX_TAG));
    return out;
  }
}
