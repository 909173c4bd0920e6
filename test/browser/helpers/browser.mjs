// The Node side of the browser tests: Debian's chromium driven by
// playwright-core, a static HTTP server (node:http) for the test page and
// dist/browser/, and nngcat as a real SP peer.
//
// The page (fixtures/page.html) loads the browser bundle through an import
// map and runs the scenarios of fixtures/harness.mjs, either in the page
// itself or in a module Web Worker (fixtures/worker.mjs).
import { createServer } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as net from "node:net";
import { withTimeout } from "../../helpers/suite.mjs";
import { Child, toolPath } from "../../helpers/child.mjs";

export { withTimeout };

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless=new",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const SERVED = ["dist/browser/", "test/browser/fixtures/"];
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".html": "text/html; charset=utf-8", ".json": "application/json" };

/** Serves SERVED (plus `extra` folders, and nothing else) from the repository, on 127.0.0.1. */
export async function startStatic({ extra = [] } = {}) {
  const served = [...SERVED, ...extra];
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)).replace(/^[/\\]+/, "");
    const file = join(ROOT, path);
    if (path.includes(`..${sep}`) || !served.some((p) => path.startsWith(p)) || !existsSync(file)) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("not found\n");
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" });
    res.end(readFileSync(file));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

/**
 * Launches chromium and opens the test page. Fails with the apt line when
 * chromium or the bundle is missing.
 */
export async function openPage(origin) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser tests need Debian's chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium`);
  }
  if (!existsSync(join(ROOT, "dist", "browser", "wasmq.js"))) {
    throw new Error("dist/browser/wasmq.js is missing: run npm run build (scripts/build-browser.mjs)");
  }
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    throw new Error("The browser tests need playwright-core (a devDependency): npm ci");
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 15_000 });
  const page = await browser.newPage();
  const log = [];
  page.on("console", (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
  await page.goto(`${origin}/test/browser/fixtures/page.html`);
  try {
    await page.waitForFunction(() => window.ready === true, null, { timeout: 10_000 });
  } catch (err) {
    await browser.close();
    throw new Error(`the test page did not load: ${err.message}\n${log.slice(-10).join("\n")}`);
  }

  /** Runs a harness scenario in the page ("page") or in its Web Worker ("worker"). */
  async function run(where, name, params = {}, ms = 10_000) {
    const fn = where === "worker" ? "runInWorker" : "run";
    const r = await withTimeout(
      page.evaluate(async ([fn, name, params]) => {
        try {
          return { ok: true, result: await window[fn](name, params) };
        } catch (e) {
          return { ok: false, message: String(e?.message ?? e), code: e?.code };
        }
      }, [fn, name, params]),
      ms,
      `${name} in the ${where}`,
    );
    if (!r.ok) {
      const tail = log.slice(-8).join("\n");
      throw Object.assign(new Error(`${name} in the ${where} failed: ${r.message}${r.code ? ` (${r.code})` : ""}${tail ? `\nbrowser log:\n${tail}` : ""}`), { code: r.code });
    }
    return r.result;
  }

  return { browser, page, log, run, close: () => browser.close() };
}

/** A free TCP port on 127.0.0.1 (for peers that cannot report the one they picked). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const STDBUF = toolPath("stdbuf");

/**
 * nngcat --rep0 listening on ws://127.0.0.1:<port>/<path>, answering every
 * request with `reply`; resolves once it reports "Listening at:". `requests`
 * lists what it received (decoded from its --hex output).
 */
export async function nngcatRep(reply, path = "nng") {
  const bin = ["/usr/bin/nngcat", "/usr/local/bin/nngcat"].find((p) => existsSync(p));
  if (!bin) throw new Error("nngcat is not installed: apt-get install -y --no-install-recommends nng-utils");
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}/${path}`;
  const cat = new NngcatRep(bin, ["--rep0", "--listen", url, "-v", "--hex", "--data", reply]);
  // Without stdbuf the line may not come until exit: the browser redials until nngcat listens.
  if (STDBUF) {
    await cat.until(() => cat.listening || undefined, 5_000, `nngcat listening on ${url}`)
      .catch((e) => { throw cat.exited ? new Error(`nngcat exited (${cat.exited.code}) before listening: ${cat.stderr.trim()}`) : e; });
  }
  return {
    url,
    requests: cat.requests,
    stderr: () => cat.stderr,
    close: () => cat.stop().then(() => {}),
  };
}

// stdbuf -oL: nngcat printf()s "Listening at:" without flushing.
class NngcatRep extends Child {
  constructor(bin, args) {
    super(...(STDBUF ? [STDBUF, ["-oL", bin, ...args]] : [bin, args]), { name: "nngcat", encoding: "latin1" });
    this.requests = [];
    this.listening = false;
  }
  onLine(line) {
    if (line.startsWith("Listening at:")) this.listening = true;
    else if (line.startsWith('"')) this.requests.push(Buffer.from(line.slice(1, -1).replace(/\\x/g, ""), "hex").toString());
  }
}

/**
 * One static server and test page for a whole suite, started by the first
 * test that asks (a missing chromium fails every test with the apt line) and
 * closed after the suite. Returns browser() → { web, page, run, ... }.
 */
export function sharedPage(test) {
  let ctx = null;
  let starting = null;
  test.after(async () => {
    if (ctx) { await ctx.close(); await ctx.web.close(); }
  });
  return () => {
    starting ??= (async () => {
      const web = await startStatic();
      try {
        ctx = { web, ...(await openPage(web.origin)) };
      } catch (err) {
        await web.close();
        throw err;
      }
      return ctx;
    })();
    return starting;
  };
}
