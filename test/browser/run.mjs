// Browser test: the built package (dist/), loaded as plain ES modules in headless Chromium, computes
// the lecture's example (a) and returns the right gradient. Run with `npm run test:browser`
// (builds first). Needs Debian's chromium (`apt-get install chromium`); CHROMIUM_PATH overrides
// where it is looked for. Prints "N passed, N failed" and exits non-zero on any failure.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../..", import.meta.url));
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(executablePath)) {
  console.error(`browser test: no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  process.exit(1);
}

const page = `<!doctype html>
<script type="importmap">
  { "imports": { "@assemblyscript/loader": "/node_modules/@assemblyscript/loader/index.js" } }
</script>
<script type="module">
  import { compile, sin } from "/dist/index.js";
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

const types = { ".js": "text/javascript", ".html": "text/html", ".map": "application/json" };
const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (path === "/") {
    res.writeHead(200, { "content-type": "text/html" }).end(page);
    return;
  }
  const file = normalize(join(root, path));
  if (!file.startsWith(root) || !(path.startsWith("/dist/") || path.startsWith("/node_modules/"))) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address();

const checks = [];
const check = (name, ok, detail) => {
  checks.push(ok);
  console.log(`${ok ? "✓" : "✗"} ${name}${ok ? "" : `: ${detail}`}`);
};

const browser = await chromium.launch({
  executablePath,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
try {
  const tab = await browser.newPage();
  const errors = [];
  tab.on("pageerror", (e) => errors.push(String(e)));
  await tab.goto(`http://127.0.0.1:${port}/`);
  await tab.waitForFunction(() => window.result !== undefined, null, { timeout: 30_000 });
  const result = await tab.evaluate(() => window.result);
  if (result.error !== undefined || errors.length > 0) {
    check("the package loads and runs in Chromium", false, result.error ?? errors.join("\n"));
  } else {
    const close = (a, b) => Math.abs(a - b) <= 1e-15 * Math.max(1, Math.abs(b));
    check("loads synchronously from dist/ with no bundler", true);
    check("do/dx = −2π (reverse mode, wasm)", close(result.grad[0], -2 * Math.PI), result.grad[0]);
    check("do/dy = sin(π) = 1.2246e−16 in float64", result.grad[1] === Math.sin(Math.PI), result.grad[1]);
    check("forward mode agrees", close(result.tangent[0], -2 * Math.PI), result.tangent[0]);
    check("the TypeScript engine agrees", close(result.js[0], result.grad[0]) && close(result.js[1], result.grad[1]), result.js);
  }
} finally {
  await browser.close();
  server.close();
}
const failed = checks.filter((ok) => !ok).length;
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
