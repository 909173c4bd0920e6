// Child process for "D37 subscription flood": one raw SUB peer sends distinct
// 60 KiB SUBSCRIBE commands (each under the command cap) to a wasmq PUB until
//   - wasmq closes the connection (a per-peer bound exists): "closed";
//   - the process-wide Wasm memory passes LIMIT_MIB: "memory" (unbounded);
//   - something is thrown out of wasmq (e.g. the core traps on OOM): "uncaught";
//   - MAX_TOPICS were all accepted: "survived".
// Run apart from the suite because the core is shared by the whole process
// and its memory never shrinks. Prints one JSON line.
//   node sub-flood.mjs <limitMiB> <maxTopics>
import { zmq, rawConnect, listen, subscribe, wasmMemory, goodClientRoundTrip } from "./raw.mjs";

const LIMIT_MIB = Number(process.argv[2] ?? 512);
const MAX_TOPICS = Number(process.argv[3] ?? 1000);
const MiB = 1024 * 1024;
const t0 = performance.now();
let topics = 0;

function report(outcome, extra = {}) {
  process.stdout.write(JSON.stringify({
    outcome, topics, wireBytes: topics * (60 * 1024 + 20), memMiB: wasmMemory() / MiB,
    ms: Math.round(performance.now() - t0), ...extra,
  }) + "\n");
  process.exit(0);
}
process.on("uncaughtException", (e) => report("uncaught", { error: String(e?.stack ?? e).split("\n").slice(0, 3).join(" | ") }));
process.on("unhandledRejection", (e) => report("uncaught", { error: String(e?.stack ?? e) }));

const l = await listen(zmq.Publisher, {});
const peer = await rawConnect(l.endpoint);
await peer.handshake("SUB");
const startMiB = wasmMemory() / MiB;
while (topics < MAX_TOPICS) {
  const topic = Buffer.alloc(60 * 1024, 0x61 + (topics % 26));
  topic.writeUInt32BE(topics, 0);
  await peer.write(subscribe(topic));
  try {
    await peer.barrier(`b${topics}`);
  } catch (e) {
    if (peer.isClosed) {
      const d = await l.events.waitFor("disconnect").catch(() => null);
      let roundTrip = "ok";
      await goodClientRoundTrip(l.sock).catch((err) => { roundTrip = String(err); });
      report("closed", { code: d?.error?.code ?? null, roundTrip, startMiB });
    }
    throw e;
  }
  topics++;
  if (wasmMemory() / MiB >= LIMIT_MIB) report("memory", { startMiB });
}
report("survived", { startMiB });
