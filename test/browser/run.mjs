// Browser test, run with `npm run test:browser` (builds first). Two parts, one summary line:
//  1. The built package (dist/), loaded as plain ES modules in headless Chromium with no import
//     map and no bundler, from /node_modules/tapegrad/dist/index.js as a page would: the
//     lecture's example (a), and meanGrad with { workers: 2 } (Web Workers from blob:) against
//     one thread and a plain-JS reference.
//  2. test/browser/bundlers.mjs: the packed tarball in a consumer project, bundled by esbuild, Vite
//     and webpack with zero warnings, each bundle run in Chromium.
//  3. test/browser/playground.mjs: the playground page (playground/dist/, built by
//     `npm run build:playground`, which the script runs first) driven as a student uses it.
// Needs Debian's chromium (`apt-get install chromium`); CHROMIUM_PATH overrides where it is looked
// for. Prints "N passed, N failed" (the last line; .ci/run parses it) and exits non-zero on any
// failure.
import { fileURLToPath } from "node:url";
import { bundlerChecks } from "./bundlers.mjs";
import { checkConsumer, checker, consumerSource, launch, runPage, serve } from "./lib.mjs";
import { playgroundChecks } from "./playground.mjs";

const dist = fileURLToPath(new URL("../../dist", import.meta.url));
const entry = "/node_modules/tapegrad/dist/index.js";

// No <script type="importmap">: every import inside dist/ must resolve as it is.
const lecture = `<!doctype html>
<script type="module">
  import { compile, sin } from "${entry}";
  try {
    const f = compile((x, y) => x.add(y).mul(sin(x)));
    const { value, grad } = f.grad([Math.PI, Math.PI]);
    const tangent = f.jvp([Math.PI, Math.PI], [1, 0]).tangent;
    const js = compile((x, y) => x.add(y).mul(sin(x)), { engine: "js" }).grad([Math.PI, Math.PI]);
    f.dispose();
    window.result = { value, grad: Array.from(grad), tangent: Array.from(tangent), js: Array.from(js.grad) };
  } catch (error) {
    window.result = { error: String(error && error.stack || error) };
  }
</script>`;
const workers = `<!doctype html>\n<script type="module">\n${consumerSource(entry)}</script>`;
// The detach tax (src/wasm/memory.ts): a view of the memory kept across growth past 16 MiB stays
// attached where the page is crossOriginIsolated (shared memory), and is detached where it is not.
const memory = `<!doctype html>
<script type="module">
  import { compile, memoryStats, square, sub } from "${entry}";
  import { wasmMemory } from "/node_modules/tapegrad/dist/wasm/module.js";
  try {
    compile((x) => x.mul(x)).dispose();
    const { memory, shared } = wasmMemory();
    const view = new Float64Array(memory.buffer);
    const length = view.length;
    const f = compile((xs) => {
      let t = 0;
      for (let i = 0; i < xs.length - 1; i++) t = square(xs[i + 1].sub(square(xs[i]))).mul(100).add(square(sub(1, xs[i]))).add(t);
      return t;
    }, { inputs: 80000 });
    const value = f.grad(new Float64Array(80000).fill(1)).value;
    f.dispose();
    window.result = { isolated: crossOriginIsolated, shared, grew: memoryStats().memoryBytes > 8 * length, attached: view.length === length, value };
  } catch (error) {
    window.result = { error: String(error && error.stack || error) };
  }
</script>`;

async function memoryChecks(browser, check) {
  for (const isolated of [false, true]) {
    const what = isolated ? "crossOriginIsolated page" : "page without COOP/COEP";
    const server = await serve({ pages: { "/": memory, "/workers.html": workers }, mounts: { "/node_modules/tapegrad/dist/": dist }, isolated });
    try {
      const r = await runPage(browser, `${server.url}/`);
      check(`${what}: memory grows past 16 MiB and the gradient is right`, r.error === undefined && r.grew === true && r.value === 0, r);
      check(`${what}: ${isolated ? "shared memory, the view stays attached" : "unshared memory (the fallback), growth detaches"}`,
        r.isolated === isolated && r.shared === isolated && r.attached === isolated, r);
      if (isolated) checkConsumer(check, what, await runPage(browser, `${server.url}/workers.html`));
    } catch (error) {
      check(`${what}: the memory page runs`, false, error.message);
    } finally {
      await server.close();
    }
  }
}

async function distChecks(browser, check) {
  const server = await serve({ pages: { "/": lecture, "/workers.html": workers }, mounts: { "/node_modules/tapegrad/dist/": dist } });
  try {
    try {
      const result = await runPage(browser, `${server.url}/`);
      const close = (a, b) => Math.abs(a - b) <= 1e-15 * Math.max(1, Math.abs(b));
      check("dist/ loads in Chromium with no import map and no bundler", true);
      check("do/dx = −2π (reverse mode, wasm)", close(result.grad[0], -2 * Math.PI), result.grad[0]);
      check("do/dy = sin(π) = 1.2246e−16 in float64", result.grad[1] === Math.sin(Math.PI), result.grad[1]);
      check("forward mode agrees", close(result.tangent[0], -2 * Math.PI), result.tangent[0]);
      check("the TypeScript engine agrees", close(result.js[0], result.grad[0]) && close(result.js[1], result.grad[1]), result.js);
    } catch (error) {
      check("dist/ loads in Chromium with no import map and no bundler", false, error.message);
    }
    try {
      checkConsumer(check, "dist/, no bundler", await runPage(browser, `${server.url}/workers.html`));
    } catch (error) {
      check("dist/, no bundler: meanGrad { workers: 2 } runs", false, error.message);
    }
  } finally {
    await server.close();
  }
}

const check = checker();
const started = Date.now();
let browser;
try {
  browser = await launch();
  await distChecks(browser, check);
  await memoryChecks(browser, check);
  await bundlerChecks(browser, check);
  await playgroundChecks(browser, check);
} catch (error) {
  check("the browser test ran to the end", false, error.stack ?? String(error));
} finally {
  await browser?.close();
}
console.log(`(browser test: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
const { passed, failed } = check.summary();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
