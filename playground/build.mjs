// npm run build:playground: bundles playground/src/main.ts with esbuild into playground/dist/
// (app.js, index.html, style.css, sw.js) — static files any web server can host. "tapegrad"
// resolves to the built package (dist/, from `npm run build`), Graphviz comes from @viz-js/viz
// (its WebAssembly is inlined in its JavaScript), so the page fetches nothing else.
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const out = here("./dist/");
const entry = here("../dist/index.js");
if (!existsSync(entry)) throw new Error("playground: dist/index.js is missing: run `npm run build` first");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const started = Date.now();
await build({
  entryPoints: [here("./src/main.ts")],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  platform: "browser",
  outfile: `${out}app.js`,
  alias: { tapegrad: entry },
  legalComments: "linked",
  logLevel: "warning",
});
for (const file of ["index.html", "style.css", "sw.js"]) copyFileSync(here(`./${file}`), `${out}${file}`);
const kB = (bytes) => `${(bytes / 1000).toFixed(0)} kB`;
console.log(`playground: built ${out} in ${Date.now() - started} ms (app.js ${kB(statSync(`${out}app.js`).size)})`);
