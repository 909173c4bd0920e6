// A dynamic import that retries: another engineer (or a second `npm run
// build`) may be rewriting dist/ while a suite starts, and a module caught
// half-written fails to load once and loads the next time.
export async function importRetry(spec, tries = 6) {
  let last;
  for (let i = 0; i < tries; i++) {
    try {
      return await import(spec);
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw last;
}
