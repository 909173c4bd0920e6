// Z85 (ZeroMQ RFC 32), the text form of CURVE keys: each 4 bytes, read as
// a big-endian number, become 5 characters of base 85. A 32-byte key is 40
// characters. Keys are text only at the edges (options, curveKeyPair());
// the core holds the 32 bytes.

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const DIGIT = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes (a multiple of 4 long) as Z85 text. */
export function z85Encode(data: Uint8Array): string {
  if (!(data instanceof Uint8Array)) throw new TypeError("z85Encode takes a Buffer or Uint8Array");
  if (data.length % 4 !== 0) throw new TypeError(`Z85 encodes a multiple of 4 bytes, not ${data.length}`);
  let out = "";
  for (let i = 0; i < data.length; i += 4) {
    let v = ((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]) >>> 0;
    let chunk = "";
    for (let k = 0; k < 5; k++) {
      chunk = ALPHABET[v % 85] + chunk;
      v = Math.floor(v / 85);
    }
    out += chunk;
  }
  return out;
}

/** Decodes Z85 text (a multiple of 5 characters long); throws a TypeError for anything else. */
export function z85Decode(text: string): Uint8Array {
  if (typeof text !== "string") throw new TypeError("z85Decode takes a string");
  if (text.length % 5 !== 0) throw new TypeError(`Z85 text is a multiple of 5 characters long, not ${text.length}`);
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let v = 0;
    for (let k = 0; k < 5; k++) {
      const c = text.charCodeAt(i + k);
      const d = c < 128 ? DIGIT[c] : -1;
      if (d < 0) throw new TypeError(`Not a Z85 character: ${JSON.stringify(text[i + k])} at ${i + k}`);
      v = v * 85 + d;
    }
    if (v > 0xffffffff) throw new TypeError(`Z85 group ${JSON.stringify(text.slice(i, i + 5))} is out of range`);
    out[o] = v >>> 24; out[o + 1] = (v >>> 16) & 0xff; out[o + 2] = (v >>> 8) & 0xff; out[o + 3] = v & 0xff;
  }
  return out;
}
