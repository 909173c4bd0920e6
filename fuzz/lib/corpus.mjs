// Corpus and regression files on disk, under test/fixtures/fuzz/:
//   <target>/*.hex     seeds and regression inputs, as hex text ('#' starts a
//                      comment line; whitespace is ignored), so a reviewer can
//                      read what they are
//   <target>/*.bin     the same, raw
//   crashes/<target>-<hash>.bin   inputs a campaign found failing (shrunk)
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { join, basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { hash32 } from "./rng.mjs";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test", "fixtures", "fuzz");
export const CRASHES = join(FIXTURES, "crashes");

export function parseHex(text) {
  const hex = text.split("\n").filter((l) => !l.trimStart().startsWith("#")).join("").replace(/\s+/g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error("not hex");
  return Buffer.from(hex, "hex");
}

export function readInput(path) {
  const raw = readFileSync(path);
  return path.endsWith(".hex") ? parseHex(raw.toString("utf8")) : raw;
}

/** Hex text with a comment header, 32 bytes a line. */
export function toHex(input, comment = "") {
  const lines = comment ? comment.split("\n").map((l) => `# ${l}`) : [];
  const hex = input.toString("hex");
  for (let i = 0; i < hex.length; i += 64) lines.push(hex.slice(i, i + 64).replace(/(..)/g, "$1 ").trim());
  return `${lines.join("\n")}\n`;
}

/** Every stored input of a target: [{ path, name, input }], seeds first, then its crashes. */
export function storedInputs(target) {
  const out = [];
  const dir = join(FIXTURES, target);
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith(".hex") || f.endsWith(".bin")) out.push({ path: join(dir, f), name: `${target}/${f}`, input: readInput(join(dir, f)) });
    }
  }
  if (existsSync(CRASHES)) {
    for (const f of readdirSync(CRASHES).sort()) {
      if (f.startsWith(`${target}-`) && f.endsWith(".bin")) out.push({ path: join(CRASHES, f), name: `crashes/${f}`, input: readInput(join(CRASHES, f)) });
    }
  }
  return out;
}

/** Writes a failing input to crashes/<target>-<hash>.bin; returns the path. */
export function saveCrash(target, input) {
  mkdirSync(CRASHES, { recursive: true });
  const path = join(CRASHES, `${target}-${hash32(input).toString(16).padStart(8, "0")}.bin`);
  writeFileSync(path, input);
  return path;
}

/** The target a stored file belongs to, from its folder or its crash name. */
export function targetOfPath(path) {
  const b = basename(path);
  const parent = basename(dirname(path));
  if (parent === "crashes") return b.slice(0, b.lastIndexOf("-"));
  return parent;
}
