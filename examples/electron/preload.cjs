// Preload bridge: the renderer learns where the backend listens, nothing more.
const { contextBridge } = require("electron");

const arg = process.argv.find((a) => a.startsWith("--wasmq-backend="));
const backend = arg ? JSON.parse(arg.slice("--wasmq-backend=".length)) : null;
contextBridge.exposeInMainWorld("wasmqBackend", backend);
