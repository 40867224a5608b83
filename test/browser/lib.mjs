// Shared by the browser tests (run.mjs, bundlers.mjs): Chromium, a static file server, a page
// runner, the consumer program they all run, and its plain-JS reference.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { chromium } from "playwright-core";

export const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launch() {
  if (!existsSync(executablePath)) {
    throw new Error(`browser test: no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

const types = { ".js": "text/javascript", ".mjs": "text/javascript", ".html": "text/html", ".json": "application/json", ".css": "text/css" };

/**
 * Serves `pages` (path → HTML text) and the files under each `mounts` prefix (URL prefix →
 * directory) on 127.0.0.1; anything else is a 404. `isolated` adds COOP/COEP headers, which make
 * the page crossOriginIsolated (shared WebAssembly memory allowed). Returns { url, close }.
 */
export async function serve({ pages = {}, mounts = {}, isolated = false }) {
  const extra = isolated ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" } : {};
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    // Chromium asks for one on every page; a 404 would count as a page failure.
    if (path === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (Object.hasOwn(pages, path)) {
      res.writeHead(200, { "content-type": "text/html", ...extra }).end(pages[path]);
      return;
    }
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, path.slice(prefix.length)));
      if (file !== dir && !file.startsWith(dir.endsWith(sep) ? dir : dir + sep)) break;
      try {
        const body = await readFile(file);
        res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", ...extra }).end(body);
        return;
      } catch {
        break;
      }
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * Opens `url` and waits for the page to set window.result. Fails fast, with what the browser
 * said, on an uncaught error, a console error (e.g. "Failed to resolve module specifier") or a
 * 404 — a module that cannot load never sets the result.
 */
export async function runPage(browser, url, timeout = 30_000) {
  const tab = await browser.newPage();
  const problems = [];
  let fail;
  const failed = new Promise((_, reject) => (fail = reject));
  const report = (text) => {
    problems.push(text);
    fail(new Error(problems.join("\n")));
  };
  tab.on("pageerror", (e) => report(`page error: ${String(e)}`));
  tab.on("console", (m) => m.type() === "error" && report(`console error: ${m.text()}`));
  tab.on("response", (r) => r.status() >= 400 && report(`HTTP ${r.status()} for ${r.url()}`));
  try {
    await tab.goto(url);
    await Promise.race([tab.waitForFunction(() => window.result !== undefined, null, { timeout }), failed]);
    const result = await tab.evaluate(() => window.result);
    if (result.error !== undefined) throw new Error(result.error);
    return result;
  } finally {
    failed.catch(() => {});
    await tab.close();
  }
}

/** The dataset: N points (x, y) of y = 0.5·cos(x) on [−3, 3], the same in Node and every page. */
export function makeData(N) {
  const data = new Float64Array(2 * N);
  for (let k = 0; k < N; k++) {
    const x = -3 + (6 * k) / (N - 1);
    data[2 * k] = x;
    data[2 * k + 1] = 0.5 * Math.cos(x);
  }
  return data;
}

export const POINTS = 1001;
export const THETA = [0.7, -0.2];

/**
 * The consumer program, importing the package from `from`: the loss (a·sin(x) + b − y)² over the
 * dataset, its mean gradient on one thread and with { workers: 2 } (Web Workers from blob:), and
 * how many Workers were started (the global Worker is counted, so a silent single-thread fallback
 * would show). Sets window.result.
 */
export function consumerSource(from) {
  return `import { compile, sin, square } from ${JSON.stringify(from)};
const makeData = ${makeData.toString()};
let workersStarted = 0;
const BaseWorker = globalThis.Worker;
globalThis.Worker = class extends BaseWorker {
  constructor(...args) {
    super(...args);
    workersStarted++;
  }
};
async function main() {
  const data = makeData(${POINTS});
  const theta = ${JSON.stringify(THETA)};
  const f = compile({ params: 2, data: 2 }, ([a, b], [x, y]) => square(a.mul(sin(x)).add(b).sub(y)));
  try {
    const one = f.meanGrad(theta, data);
    const single = { value: one.value, grad: Array.from(one.grad) };
    const two = await f.meanGrad(theta, data, { workers: 2 });
    // The JIT tier: the tape compiled to WebAssembly in this page (src/jit/).
    const g = compile({ params: 2, data: 2, jit: true }, ([a, b], [x, y]) => square(a.mul(sin(x)).add(b).sub(y)));
    const three = g.meanGrad(theta, data);
    const jit = { value: three.value, grad: Array.from(three.grad), compiled: g.jit };
    g.dispose();
    return { single, workers: { value: two.value, grad: Array.from(two.grad) }, jit, workersStarted };
  } finally {
    f.dispose();
  }
}
main().then(
  (result) => { window.result = result; },
  (error) => { window.result = { error: String((error && error.stack) || error) }; },
);
`;
}

/** The same mean loss and gradient in plain JavaScript: r = a·sin(x) + b − y, ∂/∂a = 2r·sin(x), ∂/∂b = 2r. */
export function reference() {
  const data = makeData(POINTS);
  const [a, b] = THETA;
  let value = 0;
  let ga = 0;
  let gb = 0;
  for (let k = 0; k < POINTS; k++) {
    const s = Math.sin(data[2 * k]);
    const r = a * s + b - data[2 * k + 1];
    value += r * r;
    ga += 2 * r * s;
    gb += 2 * r;
  }
  return { value: value / POINTS, grad: [ga / POINTS, gb / POINTS] };
}

const close = (x, y, tol) => Math.abs(x - y) <= tol * Math.max(1, Math.abs(y));

/**
 * Checks one consumer result: both runs match the plain-JS reference, the two-worker run matches
 * the single-thread one (up to summation order), and two Workers were started.
 */
export function checkConsumer(check, label, result) {
  const ref = reference();
  const agrees = (run, tol) =>
    close(run.value, ref.value, tol) && run.grad.length === 2 && run.grad.every((g, i) => close(g, ref.grad[i], tol));
  const show = (run) => JSON.stringify(run);
  check(`${label}: meanGrad on one thread = plain-JS reference`, agrees(result.single, 1e-12), `${show(result.single)} vs ${show(ref)}`);
  check(`${label}: meanGrad { workers: 2 } = plain-JS reference`, agrees(result.workers, 1e-12), `${show(result.workers)} vs ${show(ref)}`);
  const same = close(result.workers.value, result.single.value, 1e-13) &&
    result.workers.grad.every((g, i) => close(g, result.single.grad[i], 1e-13));
  check(`${label}: { workers: 2 } = one thread`, same, `${show(result.workers)} vs ${show(result.single)}`);
  check(`${label}: two Web Workers were started`, result.workersStarted === 2, `${result.workersStarted} started`);
  const jitSame = result.jit !== undefined && result.jit.compiled === true && result.jit.value === result.single.value &&
    result.jit.grad.every((g, i) => g === result.single.grad[i]);
  check(`${label}: jit: true compiles in the page, and its meanGrad equals the interpreter's to the bit`, jitSame, `${show(result.jit)} vs ${show(result.single)}`);
}

/** A check list that prints ✓/✗ lines; `summary()` gives the counts. */
export function checker() {
  const results = [];
  const check = (name, ok, detail) => {
    results.push(ok);
    console.log(`${ok ? "✓" : "✗"} ${name}${ok ? "" : `: ${detail}`}`);
  };
  check.summary = () => ({ passed: results.filter(Boolean).length, failed: results.filter((ok) => !ok).length });
  return check;
}
