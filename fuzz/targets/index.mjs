// The fuzz targets by name, loaded on demand (the TypeScript-layer targets
// pull in the whole library, the core targets only the bindings).
export const TARGETS = {
  zmtp: () => import("./zmtp.mjs"),
  zws: () => import("./zws.mjs"),
  sp: () => import("./sp.mjs"),
  trie: () => import("./trie.mjs"),
  router: () => import("./router.mjs"),
  "cli-args": () => import("./cli-args.mjs"),
  "ws-upgrade": () => import("./ws-upgrade.mjs"),
  security: () => import("./security.mjs"),
};

export const NAMES = Object.keys(TARGETS);

export async function loadTarget(name) {
  const load = TARGETS[name];
  if (!load) throw new Error(`unknown target ${JSON.stringify(name)}: one of ${NAMES.join(", ")}`);
  return (await load()).default;
}
