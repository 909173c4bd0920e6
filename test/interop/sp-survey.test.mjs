// SP survey (SURVEYOR/RESPONDENT) between wasmq/sp and real peers (nngcat,
// nanocat), over tcp and ipc, wasmq binding or connecting.
//
// - wasmq SURVEYOR -> peer RESPONDENT --data: surveys (surveyTime 300 ms) are
//   repeated until one is answered (a survey sent before the peer is
//   connected reaches nobody); the peer must have printed that survey's body;
//   the next receive must then fail with ETIMEDOUT once the deadline passes;
//   a second survey on the live connection is answered at the first try.
// - peer SURVEYOR -> wasmq RESPONDENT: the peer repeats its survey (nngcat
//   --interval 1, nanocat -i 0.1); wasmq answers each; the peer must print
//   our answers (only answers to its current survey: a subset, in order).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  TOOLS, TRANSPORTS, DIRECTIONS, roles, link, spSock, recvOne, startCat, rejectsWith, show, spSuite,
} from "./helpers/sp-setup.mjs";

const sp = await import(process.env.WASMQ_SP_IMPL || "wasmq/sp");

const test = suite("SP SURVEYOR/RESPONDENT interop (nngcat, nanocat)");
const it = spSuite(test, 10_000);
const text = (b) => b.toString("latin1");
const SURVEY_MS = 300;

/** Survey until answered; returns { n, answer, sentAt } (n = index of the answered survey). */
async function surveyUntilAnswered(sv, peer, label, maxTries = 20) {
  for (let n = 0; n < maxTries; n++) {
    const sentAt = Date.now();
    await sv.send(`${label}-${n}`);
    try {
      const answer = await recvOne(sv, SURVEY_MS + 2000, `answer to survey ${n}`);
      return { n, answer, sentAt };
    } catch (err) {
      if (err.code !== "ETIMEDOUT") throw err; // the survey expired unanswered: ask again
    }
  }
  throw new Error(`no survey answered in ${maxTries} tries ${peer.diag()}`);
}

for (const tool of TOOLS) {
  for (const tr of TRANSPORTS) {
    for (const wasmBinds of DIRECTIONS) {
      const [w, p] = roles(wasmBinds);

      it(`wasmq SURVEYOR (${w}) -> ${tool} RESPONDENT (${p}) over ${tr}: answered; deadline then ETIMEDOUT`, async (res) => {
        const sv = spSock(res, sp.Surveyor, { surveyTime: SURVEY_MS });
        const peer = await link(res, sv, { tool, proto: "respondent", data: `answer from ${tool}` }, { wasmBinds, tr });
        const first = await surveyUntilAnswered(sv, peer, "survey");
        assert.is(text(first.answer), `answer from ${tool}`);
        // The peer printed the survey it answered (and maybe earlier, expired ones).
        await peer.waitMessage((m) => text(m) === `survey-${first.n}`, 3000, `survey-${first.n} printed`);
        for (const t of peer.texts) assert.ok(/^survey-\d+$/.test(t), `${tool} RESPONDENT printed ${JSON.stringify(t)}`);
        // One respondent: the next receive fails with ETIMEDOUT at the survey deadline.
        const err = await rejectsWith(sv.receive(), "ETIMEDOUT", SURVEY_MS + 3000, "second receive of the survey");
        const waited = Date.now() - first.sentAt;
        assert.ok(waited >= SURVEY_MS - 50, `ETIMEDOUT after ${waited} ms, survey time is ${SURVEY_MS} ms (${err.message})`);
        // The connection is up now: a new survey is answered at once.
        await sv.send(Buffer.from("again\x00\xff", "latin1"));
        assert.is(text(await recvOne(sv, SURVEY_MS + 2000, () => `answer to the second survey ${peer.diag()}`)), `answer from ${tool}`);
        const printed = await peer.waitMessage((m) => m.equals(Buffer.from("again\x00\xff", "latin1")), 3000, "second survey printed");
        assert.ok(printed);
      });

      it(`${tool} SURVEYOR (${p}) -> wasmq RESPONDENT (${w}) over ${tr}: survey received, answers printed`, async (res) => {
        const resp = spSock(res, sp.Respondent, { receiveTimeout: 15_000 });
        // A survey sent before the respondent is connected goes nowhere, and
        // nngcat 1.5 may not send another: on a busy machine its loop can
        // compute a negative receive timeout after the first survey and exit
        // ("Cannot set recv timeout"). So nngcat's first survey waits 2 s
        // (whole seconds only) for wasmq to connect.
        const cat = { tool, proto: "surveyor", data: `question from ${tool}`, interval: tool === "nngcat" ? 1 : 0.1, ...(tool === "nngcat" && !wasmBinds ? { delay: 2 } : {}) };
        const peer = await link(res, resp, cat, { wasmBinds, tr });
        const want = tool === "nngcat" ? 1 : 2;
        const answers = [];
        const surveys = [];
        let loopError = null;
        (async () => {
          for await (const [body] of resp) {
            surveys.push(Buffer.from(body));
            const a = `answer-${answers.length}`;
            answers.push(a);
            await resp.send(a);
          }
        })().catch((e) => {
          if (!resp.closed) loopError = e;
        });
        await peer.waitCount(want, 15_000).catch((e) => {
          throw loopError ? new Error(`${e.message}; wasmq RESPONDENT loop: ${loopError.code} ${loopError.message}`) : e;
        });
        for (const s of surveys) assert.is(text(s), `question from ${tool}`, `survey body at wasmq: ${show(s)}`);
        let k = -1;
        for (const t of peer.texts) {
          const j = answers.indexOf(t);
          assert.ok(j > k, `${tool} printed ${JSON.stringify(t)}; wasmq answered ${JSON.stringify(answers)} ${peer.diag()}`);
          k = j;
        }
      }, 25_000);
    }
  }

  it(`wasmq SURVEYOR (binds, tcp) collects answers from two ${tool} RESPONDENTs in one survey`, async (res) => {
    const sv = spSock(res, sp.Surveyor, { surveyTime: 500 });
    await sv.bind("tcp://127.0.0.1:0");
    const peers = [];
    for (let i = 0; i < 2; i++) peers.push(await startCat(res, { tool, proto: "respondent", dial: sv.lastEndpoint, data: `r${i}` }));
    // Repeat until one survey collects both answers (nanocat connects asynchronously).
    for (let n = 0; n < 20; n++) {
      await sv.send(`census-${n}`);
      const got = [];
      for (;;) {
        try {
          got.push(text(await recvOne(sv, 3000, "answer")));
        } catch (err) {
          if (err.code === "ETIMEDOUT") break; // deadline: this survey is over
          throw err;
        }
      }
      for (const g of got) assert.ok(g === "r0" || g === "r1", `unexpected answer ${JSON.stringify(g)}`);
      if (got.length === 2) {
        assert.equal(got.sort(), ["r0", "r1"], "one answer from each respondent");
        return;
      }
    }
    assert.unreachable(`no survey got both answers ${peers.map((p) => p.diag()).join(" ")}`);
  });
}

test.run();
