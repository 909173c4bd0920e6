// Bundles the browser entries (src/browser/) with esbuild into dist/browser/:
//   wasmq.js  { zmq, sp }      (package export ".",     condition "browser")
//   zmq.js    wasmq/zmq        (package export "./zmq", condition "browser")
//   sp.js     wasmq/sp         (package export "./sp",  condition "browser")
// ESM, minified, the wasm core inlined (bindings/wasm-inline.ts), and the code
// they share split into one chunk, so a page importing two of them loads one
// core. The shared code imports transports/index.ts (Node: tcp, ipc, inproc,
// ws on the `ws` package); here that module is replaced by
// transports/browser.ts (ws/wss on the platform's WebSocket, and inproc).
// Run after the wasm is inlined (npm run build does both).
import { build } from "esbuild";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "dist", "browser");
const NODE_TRANSPORTS = join(ROOT, "src", "transports", "index.ts");
const BROWSER_TRANSPORTS = join(ROOT, "src", "transports", "browser.ts");

// Every import of transports/index.js resolves to transports/browser.ts.
const browserTransports = {
  name: "wasmq-browser-transports",
  setup(b) {
    b.onResolve({ filter: /(^|\/)transports\/index\.js$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts"));
      if (target !== NODE_TRANSPORTS) return undefined;
      return { path: BROWSER_TRANSPORTS };
    });
  },
};

rmSync(OUT, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: {
    wasmq: "src/browser/index.ts",
    zmq: "src/browser/zmq.ts",
    sp: "src/browser/sp.ts",
  },
  outdir: OUT,
  bundle: true,
  splitting: true,
  chunkNames: "wasmq-shared-[hash]",
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
  plugins: [browserTransports],
});

// Nothing Node-only may reach the bundle.
const inputs = Object.keys(result.metafile.inputs);
const forbidden = inputs.filter((p) =>
  /(^|\/)node_modules\/ws\//.test(p) || /src\/transports\/(index|tcp|ipc|stream|ws)\.ts$/.test(p) || p.startsWith("node:"));
if (forbidden.length) throw new Error(`browser bundle pulled in Node-only modules: ${forbidden.join(", ")}`);
for (const file of Object.keys(result.metafile.outputs)) {
  const text = readFileSync(join(ROOT, file), "utf8");
  const bad = ["node:", "require(", "process."].filter((s) => text.includes(s));
  if (bad.length) throw new Error(`${file} mentions ${bad.join(", ")}`);
  if (/Buffer\.(?!allocUnsafe|from|byteLength|isBuffer)/.test(text)) throw new Error(`${file} uses Buffer beyond its typeof-guarded Node paths`);
}

// Sizes: each entry with the chunks it imports, raw and gzipped (level 9).
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const outputs = result.metafile.outputs;
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const imp of outputs[file].imports) if (imp.kind === "import-statement" && outputs[imp.path]) closure(imp.path, seen);
  return seen;
}
const wasm = readFileSync(join(ROOT, "build", "release.wasm"));
const base64 = wasm.toString("base64");
const sizes = {
  wasm: { file: "build/release.wasm", raw: wasm.length, gzip: gz(wasm), inlinedBase64: Math.ceil(wasm.length / 3) * 4 },
  entries: {},
};
for (const [file, out] of Object.entries(outputs)) {
  if (!out.entryPoint) continue;
  const files = [...closure(file)];
  const name = relative(OUT, join(ROOT, file));
  let raw = 0;
  let gzip = 0;
  let jsRaw = 0;
  let jsGzip = 0;
  for (const f of files) {
    const b = readFileSync(join(ROOT, f));
    raw += b.length;
    gzip += gz(b);
    // The same without the inlined wasm: the JavaScript's own share.
    const js = Buffer.from(b.toString("latin1").replace(base64, ""), "latin1");
    jsRaw += js.length;
    jsGzip += gz(js);
  }
  sizes.entries[name] = { files: files.map((f) => relative(OUT, join(ROOT, f))), raw, gzip, withoutWasm: { raw: jsRaw, gzip: jsGzip } };
}
writeFileSync(join(OUT, "sizes.json"), JSON.stringify(sizes, null, 2) + "\n");

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log("dist/browser (ESM, minified, wasm inlined; gzip -9):");
console.log(`  wasm core ${kb(sizes.wasm.raw)} raw, ${kb(sizes.wasm.gzip)} gzipped (${kb(sizes.wasm.inlinedBase64)} as inlined base64)`);
for (const [name, s] of Object.entries(sizes.entries)) {
  console.log(`  ${name.padEnd(9)} ${kb(s.raw)} raw, ${kb(s.gzip)} gzipped; without the wasm ${kb(s.withoutWasm.raw)} raw, ${kb(s.withoutWasm.gzip)} gzipped  (${s.files.join(" + ")})`);
}
