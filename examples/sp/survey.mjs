// SURVEYOR/RESPONDENT (SP): ask everyone, gather answers until a deadline. A
// Surveyor sends a question to every Respondent and collects the answers that
// come back within surveyTime; after that, receive() fails with ETIMEDOUT.
// Useful for service discovery, voting, health checks.
// Run: node examples/sp/survey.mjs
import * as sp from "wasmq/sp";

const surveyor = new sp.Surveyor({ surveyTime: 500 });
await surveyor.bind("tcp://127.0.0.1:0");

// A Surveyor only asks the peers connected when it sends: wait for all three.
const connected = new Promise((resolve) => {
  let n = 0;
  surveyor.events.on("handshake", () => { if (++n === 3) resolve(); });
});
const respondents = ["node-1", "node-2", "node-3"].map((name) => {
  const respondent = new sp.Respondent();
  respondent.connect(surveyor.lastEndpoint);
  (async () => {
    for await (const [question] of respondent) await respondent.send(`${name}: ${question} -> ok`);
  })();
  return respondent;
});
await connected;

await surveyor.send("health?");
const answers = [];
try {
  for (;;) answers.push(String((await surveyor.receive())[0]));
} catch (e) {
  if (e.code !== "ETIMEDOUT") throw e;              // the survey's deadline has passed
}
for (const answer of answers.sort()) console.log(answer);
console.log(`survey closed with ${answers.length} answers`);

for (const respondent of respondents) respondent.close();
surveyor.close();
