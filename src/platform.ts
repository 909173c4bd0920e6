// What only some platforms give, registered by the entry that knows it has
// it: the Node entry (transports/index.ts) puts in node:fs and node:crypto's
// pieces; the browser bundle leaves them out, and callers say clearly that
// the feature is Node's.

export interface Platform {
  /** Reads a directory's entry names (Node's fs.promises.readdir). */
  readdir?: (path: string) => Promise<string[]>;
  /** Reads a text file (Node's fs.promises.readFile with utf8). */
  readTextFile?: (path: string) => Promise<string>;
  /** Compares two equal-length buffers in constant time (node:crypto's timingSafeEqual). */
  timingSafeEqual?: (a: Uint8Array, b: Uint8Array) => boolean;
}

export const platform: Platform = {};
