// How `wasmq` prints a received message: nngcat's formats (--quoted, --hex,
// --ascii, --raw) extended to multipart messages, plus --json. Every format
// but --raw writes exactly one line per message.
//
//   quoted  "..." per frame: \n \r \t \" \\ escaped, bytes 0x20..0x7e as they
//           are, every other byte as \xHH (lowercase), as nngcat --quoted
//   hex     "..." per frame, every byte as \xHH, as nngcat --hex
//   ascii   the frame's bytes, each byte outside 0x20..0x7e as '.'
//   raw     the frame's bytes as they are, no separator at all, as nngcat --raw
//   json    {"frames":[F,...]}: F is a JSON string when the frame is UTF-8 text
//           with no control characters but \t \n \r, else {"base64":"..."}
//   no      nothing
//
// Frames of one message are separated by a space (quoted, hex) or a TAB
// (ascii: a TAB can only be a separator there, as the bytes print as '.').

export const FORMATS = ["quoted", "hex", "ascii", "raw", "json", "no"] as const;
export type Format = (typeof FORMATS)[number];

const HEX = Array.from({ length: 256 }, (_, i) => `\\x${i.toString(16).padStart(2, "0")}`);

function quoted(f: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < f.length; i++) {
    const b = f[i];
    if (b === 0x0a) s += "\\n";
    else if (b === 0x0d) s += "\\r";
    else if (b === 0x09) s += "\\t";
    else if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += "\\\\";
    else if (b >= 0x20 && b <= 0x7e) s += String.fromCharCode(b);
    else s += HEX[b];
  }
  return s + '"';
}

function hex(f: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < f.length; i++) s += HEX[f[i]];
  return s + '"';
}

function ascii(f: Uint8Array): string {
  let s = "";
  for (let i = 0; i < f.length; i++) {
    const b = f[i];
    s += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : ".";
  }
  return s;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// C0 controls but TAB, LF, CR; DEL and the C1 controls.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** A frame for --json: its text when it is printable UTF-8, else its bytes in base64. */
export function jsonFrame(f: Uint8Array): string | { base64: string } {
  let text: string | null = null;
  try {
    text = utf8.decode(f);
  } catch {
    text = null;
  }
  if (text !== null && !CONTROL.test(text)) return text;
  return { base64: Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString("base64") };
}

/** The bytes to write to stdout for one received message (null: print nothing). */
export function formatMessage(format: Format, frames: Uint8Array[]): Buffer | null {
  switch (format) {
    case "no":
      return null;
    case "raw":
      return Buffer.concat(frames);
    case "quoted":
      return Buffer.from(frames.map(quoted).join(" ") + "\n", "latin1");
    case "hex":
      return Buffer.from(frames.map(hex).join(" ") + "\n", "latin1");
    case "ascii":
      return Buffer.from(frames.map(ascii).join("\t") + "\n", "latin1");
    case "json":
      return Buffer.from(JSON.stringify({ frames: frames.map(jsonFrame) }) + "\n", "utf8");
  }
}
