// The browser bundle in a module Web Worker (new Worker(url, { type:
// "module" })) started by the test page in Debian's chromium: the same cases
// as the page (helpers/cases.mjs), run in the worker.
import { suite } from "uvu";
import { boundedSuite } from "../helpers/suite.mjs";
import { startStatic, openPage } from "./helpers/browser.mjs";
import { defineCases } from "./helpers/cases.mjs";

const test = suite("browser: Web Worker (chromium)");
const it = boundedSuite(test, 15_000);

let ctx = null;
let starting = null;
function browser() {
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
}
test.after(async () => {
  if (ctx) { await ctx.close(); await ctx.web.close(); }
});

defineCases(it, "worker", () => ctx?.run ?? (async (...a) => (await browser()).run(...a)));

test.run();
