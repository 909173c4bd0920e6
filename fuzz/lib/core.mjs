// Loads the built bindings (dist/esm/bindings/core.js) for the fuzz targets.
// Another engineer may be rebuilding dist/ while a campaign or the tests run:
// a failed import is retried a few times before it counts as an error (the
// project's one importRetry, test/helpers/import-retry.mjs, re-exported for
// the targets).
import { readFileSync, readdirSync } from "node:fs";
import { importRetry } from "../../test/helpers/import-retry.mjs";

export { importRetry };

// WASMQ_FUZZ_ROOT points the fuzzers at another checkout's build (to check
// that they find a bug in an older build, say); the default is this one.
import { pathToFileURL } from "node:url";
const root = process.env.WASMQ_FUZZ_ROOT ? pathToFileURL(`${process.env.WASMQ_FUZZ_ROOT.replace(/\/$/, "")}/`) : new URL("../../", import.meta.url);
export const distUrl = (p) => new URL(`dist/esm/${p}`, root).href;

export const { Core } = await importRetry(distUrl("bindings/core.js"));

// Numbers shared with the core, read from its sources (as test/core does), so
// the fuzzers name R_MALFORMED_FRAME or OPT_SNDHWM exactly as assembly/ does.
// Files move (assembly/wire.ts became assembly/zmtp/wire.ts): each name is
// looked for in the expected file first, then in every source file.
function sources() {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(new URL(`assembly/${rel}`, root), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${rel}${e.name}/`);
      else if (e.name.endsWith(".ts")) out.push(`${rel}${e.name}`);
    }
  };
  walk("");
  return out;
}

function constants(file, re) {
  const files = [file, ...sources().filter((f) => f !== file)];
  const out = {};
  for (const f of files) {
    let src;
    try { src = readFileSync(new URL(`assembly/${f}`, root), "utf8"); } catch { continue; }
    for (const m of src.matchAll(re)) if (!(m[1] in out)) out[m[1]] = Number(m[2]);
    if (Object.keys(out).length && f === file) break;
  }
  return out;
}

/** Close reasons (R_*) and errno values, from assembly/errors.ts. */
export const R = constants("errors.ts", /export const (R_\w+|E\w+): i32 = (\d+);/g);
/** Option ids, from assembly/options.ts. */
export const O = constants("options.ts", /export const (OPT_\w+): i32 = (\d+);/g);
/** ZMTP socket types, from assembly/zmtp/wire.ts. */
export const T = constants("zmtp/wire.ts", /export const (PAIR|PUB|SUB|REQ|REP|DEALER|ROUTER|PULL|PUSH|XPUB|XSUB): i32 = (\d+);/g);
/** SP socket types (PAIR0 …), from assembly/sp/wire.ts. */
export const ST = constants("sp/wire.ts", /export const (PAIR0|PAIR1|PUB0|SUB0|REQ0|REP0|PUSH0|PULL0|SURVEYOR0|RESPONDENT0|BUS0): i32 = (\d+);/g);
/** SP protocol ids on the wire (PROTO.REQ0 = 0x30 …). */
export const PROTO = constants("sp/wire.ts", /export const PROTO_(\w+): u32 = (0x[0-9a-fA-F]+|\d+);/g);

export const EAGAIN = -R.EAGAIN;

/** A fresh core on a manual clock: nothing shared with any other input. */
export function newCore(clock, seed = 1) {
  return new Core(seed, { clock: clock.now, manualTimers: true });
}

export class Clock {
  t = 0;
  now = () => this.t;
}
