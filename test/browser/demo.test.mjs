// npm run demo:web, opened in Chromium: messages flow for both the ZeroMQ
// ticker and the SP service. The screenshot lands in build/demo.png (the
// README shows a copy, docs/demo.png).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fork } from "node:child_process";
import { join } from "node:path";
import { ROOT, CHROMIUM, CHROMIUM_ARGS, withTimeout } from "./helpers/browser.mjs";

test("the web demo shows live pub/sub and req/rep traffic in Chromium", async () => {
  const server = fork(join(ROOT, "demo", "server.mjs"), ["0"], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
  let browser;
  try {
    const origin = await withTimeout(new Promise((resolve, reject) => {
      server.on("message", (m) => m.ready && resolve(m.ready));
      server.on("exit", (code) => reject(new Error(`demo server exited (${code})`)));
    }), 10_000, "the demo server to listen");
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 15_000 });
    const page = await browser.newPage({ viewport: { width: 1000, height: 620 } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.demo && window.demo.sub > 50 && window.demo.req > 50, null, { timeout: 10_000 });
    // Let the rates settle on screen before the picture.
    await page.waitForFunction(() => document.getElementById("status").textContent.includes("flowing"), null, { timeout: 5_000 });
    const rows = await page.$$eval("#prices tr", (trs) => trs.length);
    assert.is(rows, 4, "a header and three symbols");
    assert.equal(errors, []);
    await page.screenshot({ path: join(ROOT, "build", "demo.png") });
  } finally {
    await browser?.close();
    server.kill();
  }
});

test.run();
