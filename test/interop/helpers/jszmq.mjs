// npm jszmq (an independent ZWS 2.0 implementation in TypeScript), made
// loadable in Node for the ws interop tests.
//
// The tests use jszmq's TypeScript sources (node_modules/jszmq/src), compiled
// at setup time with the project's own TypeScript (CommonJS, ES2019,
// skipLibCheck; esModuleInterop off, see below). The 0.1.2 tarball does carry
// an ES5 build in lib/ (its "main"), but that build has files src/ lacks
// (inprocEndpoint/inprocListener), so it is not known to be the sources'
// build; compiling src/ tests what the sources say, independent of lib/.
//
// Layout of the build, in a fresh directory under os.tmpdir():
//   <tmp>/node_modules   -> <project>/node_modules         (hoisted deps)
//   <tmp>/pkg/node_modules -> node_modules/jszmq/node_modules (its nested deps, if any)
//   <tmp>/pkg/src/*.js     the compiled sources
// so Node resolves every require() of the compiled files exactly as it would
// from inside node_modules/jszmq. The directory is removed when the process exits.
//
// loadJszmq() never skips: a missing package, a TypeScript syntax error or an
// emit failure rejects with a message that says what to do.
import { createRequire } from "node:module";
import { mkdtempSync, symlinkSync, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";

const require = createRequire(import.meta.url);

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function build() {
  let pkgJson;
  try {
    pkgJson = require.resolve("jszmq/package.json");
  } catch (e) {
    throw new Error(`jszmq is not installed (npm install -D jszmq@0.1.2): ${e.message}`);
  }
  const pkgDir = dirname(pkgJson);
  const version = require(pkgJson).version;
  const srcDir = join(pkgDir, "src");
  if (!existsSync(join(srcDir, "index.ts"))) throw new Error(`jszmq ${version} has no src/index.ts in ${pkgDir}`);
  let ts;
  try {
    ts = require("typescript");
  } catch (e) {
    throw new Error(`typescript (a devDependency) is needed to compile jszmq: ${e.message}`);
  }

  const projectModules = dirname(pkgDir); // .../node_modules
  const tmp = mkdtempSync(join(tmpdir(), "wasmq-jszmq-build-"));
  process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
  const out = join(tmp, "pkg");
  symlinkSync(projectModules, join(tmp, "node_modules"), "dir");
  const nested = join(pkgDir, "node_modules");
  const files = tsFiles(srcDir);
  const options = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2019,
    moduleResolution: ts.ModuleResolutionKind.Node10 ?? ts.ModuleResolutionKind.NodeJs,
    // As jszmq's own tsconfig: with esModuleInterop, `import * as assert
    // from 'assert'` becomes a non-callable namespace object and jszmq's
    // subscription tries throw "assert is not a function" on removal.
    esModuleInterop: false,
    skipLibCheck: true,
    strict: false,
    noEmitOnError: false,
    declaration: false,
    sourceMap: false,
    rootDir: pkgDir,
    outDir: out,
    types: ["node"],
    typeRoots: [join(projectModules, "@types")],
    ignoreDeprecations: "5.0",
  };
  const program = ts.createProgram(files, options);
  const syntax = program.getSyntacticDiagnostics();
  const emitted = program.emit();
  const fmt = (ds) =>
    ts.formatDiagnostics(ds.slice(0, 10), {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => pkgDir,
      getNewLine: () => "\n",
    });
  if (syntax.length) throw new Error(`jszmq ${version}: TypeScript syntax errors in ${srcDir}:\n${fmt(syntax)}`);
  if (emitted.emitSkipped) throw new Error(`jszmq ${version}: TypeScript emitted nothing:\n${fmt(emitted.diagnostics)}`);
  const entry = join(out, "src", "index.js");
  if (!existsSync(entry)) throw new Error(`jszmq ${version}: compiled, but ${entry} is missing (files: ${files.length})`);
  if (existsSync(nested)) symlinkSync(nested, join(out, "node_modules"), "dir");
  // Type errors (jszmq was written for TypeScript 3.5 and untyped lodash) do
  // not stop the emit; they are kept for diagnostics only.
  const semantic = program.getSemanticDiagnostics();
  let mod;
  try {
    mod = createRequire(entry)(entry);
  } catch (e) {
    throw new Error(`jszmq ${version}: compiled into ${out}, but loading it failed: ${e.stack ?? e}`);
  }
  for (const k of ["Dealer", "Router", "Pub", "Sub", "Req", "Rep", "Push", "Pull"]) {
    if (typeof mod[k] !== "function") throw new Error(`jszmq ${version}: compiled module has no ${k} export (has: ${Object.keys(mod).join(", ")})`);
  }
  return { jszmq: mod, version, dir: out, typeErrors: semantic.length };
}

let cached = null;
/**
 * Compile (once per process) and load jszmq. Resolves { jszmq, version, dir,
 * typeErrors }; rejects with an explanatory error if that is impossible.
 */
export function loadJszmq() {
  if (!cached) {
    cached = new Promise((resolve) => resolve(build()));
    cached.catch(() => {});
  }
  return cached;
}
