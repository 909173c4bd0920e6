// The browser bundle in a module Web Worker (new Worker(url, { type:
// "module" })) started by the test page in Debian's chromium: the same cases
// as the page (helpers/cases.mjs), run in the worker.
import { suite } from "uvu";
import { boundedSuite } from "../helpers/suite.mjs";
import { sharedPage } from "./helpers/browser.mjs";
import { defineCases } from "./helpers/cases.mjs";

const test = suite("browser: Web Worker (chromium)");
const it = boundedSuite(test, 15_000);

const browser = sharedPage(test);

defineCases(it, "worker", () => async (...a) => (await browser()).run(...a));

test.run();
