// Carries the core's ZAP requests (RFC 27; assembly/zmtp/zap.ts builds and
// checks them) to the handler an application binds at
// inproc://zeromq.zap.01, and the replies back. One DEALER per process,
// made at the first request; the handler sees what libzmq's would: a REP
// gets the request frames, a ROUTER them behind the courier's routing id.
import { core } from "../../bindings/core.js";
import { ZmqType } from "../../bindings/shared.js";
import { watchInproc } from "../transports/inproc.js";
import { Socket } from "./socket.js";

export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";

let courier: Socket | null = null;

async function carryReplies(s: Socket): Promise<void> {
  for (;;) {
    let reply: Buffer[];
    try { reply = await s.receive(); } catch { return; }
    core().zapReply(reply);
  }
}

/** Makes the core's ZAP requests reach the handler (once per process). */
export function installZapCourier(): void {
  const k = core();
  if (k.zapCourier) return;
  watchInproc(ZAP_ENDPOINT, (bound) => k.setZapHandler(bound));
  k.zapCourier = (_pipe, frames) => {
    if (!courier) {
      courier = new Socket(ZmqType.DEALER);
      courier.linger = 0;
      courier.connect(ZAP_ENDPOINT);
      void carryReplies(courier);
    }
    courier.send(frames).catch(() => {});
  };
}
