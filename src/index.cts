/**
 * The package's CommonJS entry (the exports map's "require" condition): `require("tapegrad")`.
 * The package itself is an ES module; this only loads it. On Node ≥ 20.19 / ≥ 22.12 require()
 * loads ES modules, and the result is the very namespace `import` gives (one copy of every class:
 * no dual-package hazard). Where it cannot (older Node), Node's ERR_REQUIRE_ESM is replaced by an
 * error that says what to do.
 */

// Declared here, not taken from @types/node: the package builds with no ambient types.
declare const require: (id: string) => unknown;

/** Node's code for require() of an ES module where it is not supported. */
const REQUIRE_ESM = "ERR_REQUIRE_ESM";

/** Loads the ES module through `load`, this module's require. */
function loadEsm(load: (id: string) => unknown): unknown {
  try {
    return load("./index.js");
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== REQUIRE_ESM) throw error;
    throw Object.assign(
      new Error(
        'tapegrad is an ES module: use `await import("tapegrad")` (or Node ≥ 20.19 or ≥ 22.12, where ' +
          "require() of ES modules works)",
        { cause: error },
      ),
      { code: REQUIRE_ESM },
    );
  }
}

// Typed as the ES module, so even a tool that reads index.d.cts (the exports map sends
// TypeScript to index.d.ts) sees the real API.
const esm = loadEsm(require) as typeof import("./index.js");
export = esm;
