// examples/electron, each half loaded the way Electron would: the backend
// (main process) in Node, the renderer page in Chromium with the preload's
// window.wasmqBackend set before any script runs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as zmq from "wasmq/zmq";
import { startBackend } from "../../examples/electron/backend.mjs";
import { startStatic, CHROMIUM, CHROMIUM_ARGS, withTimeout } from "./helpers/browser.mjs";

// Pushes to the app's tcp inbox until `seen()` is true (the subscriber joins late).
async function pushUntil(inboxUrl, body, seen) {
  const push = new zmq.Push({ linger: 0 });
  push.connect(inboxUrl);
  try {
    for (let i = 0; i < 200 && !(await seen()); i++) {
      await push.send(body);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    push.close();
  }
}

test("main half: the backend answers requests over ws and announces tcp inbox messages", async () => {
  const backend = await startBackend();
  const api = new zmq.Request({ receiveTimeout: 5000 });
  const events = new zmq.Subscriber({ receiveTimeout: 5000 });
  try {
    api.connect(backend.apiUrl);
    await api.send(JSON.stringify({ op: "add", args: [2, 3, 4] }));
    assert.equal(JSON.parse((await api.receive())[0].toString()), { result: 9 });
    await api.send(JSON.stringify({ op: "nope" }));
    assert.ok(JSON.parse((await api.receive())[0].toString()).error);
    events.subscribe("inbox");
    events.connect(backend.eventsUrl);
    let got = null;
    const receiving = events.receive().then((m) => { got = m.map(String); });
    await pushUntil(backend.inboxUrl, "from another process", async () => got !== null);
    await withTimeout(receiving, 5000, "the inbox event");
    assert.equal(got, ["inbox", "from another process"]);
  } finally {
    api.close(); events.close(); backend.close();
  }
});

test("renderer half: the page, on the browser bundle, calls the backend and shows inbox events", async () => {
  const backend = await startBackend();
  const statics = await startStatic({ extra: ["examples/electron/"] });
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 15_000 });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // What preload.cjs exposes through contextBridge.
    await page.addInitScript((b) => { window.wasmqBackend = b; }, { api: backend.apiUrl, events: backend.eventsUrl, inbox: backend.inboxUrl });
    await page.goto(`${statics.origin}/examples/electron/renderer.html`);
    await page.waitForFunction(() => document.getElementById("pong").textContent === "pong", null, { timeout: 10_000 });
    assert.is(await page.textContent("#sum"), "9");
    await pushUntil(backend.inboxUrl, "hello renderer", async () => (await page.textContent("#events")).includes("hello renderer"));
    assert.ok((await page.textContent("#events")).includes("hello renderer"));
    assert.equal(errors, []);
  } finally {
    await browser.close();
    await statics.close();
    backend.close();
  }
});

test.run();
