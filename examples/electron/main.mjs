// Electron main process: starts the backend (Node transports) and opens the
// window; the preload script hands the renderer the backend's addresses.
import { app, BrowserWindow } from "electron";
import { fileURLToPath } from "node:url";
import { startBackend } from "./backend.mjs";

const here = (f) => fileURLToPath(new URL(f, import.meta.url));

app.whenReady().then(async () => {
  const backend = await startBackend();
  console.log(`backend: api ${backend.apiUrl}, events ${backend.eventsUrl}, inbox ${backend.inboxUrl}`);
  const win = new BrowserWindow({
    width: 900,
    height: 600,
    webPreferences: {
      preload: here("./preload.cjs"),
      contextIsolation: true,
      sandbox: true,
      additionalArguments: [`--wasmq-backend=${JSON.stringify({ api: backend.apiUrl, events: backend.eventsUrl, inbox: backend.inboxUrl })}`],
    },
  });
  await win.loadFile(here("./renderer.html"));
  app.on("window-all-closed", () => { backend.close(); app.quit(); });
});
