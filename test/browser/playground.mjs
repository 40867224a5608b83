// The playground page (playground/, built by `npm run build:playground` into playground/dist/),
// served from localhost and driven in Chromium the way a student uses it: type (x+y)*sin(x) and
// see the graph, run reverse mode to the end and read the derivatives, type a bad expression and
// see the error's column, train the demo MLP and watch the loss fall, at a laptop's and a phone's
// width, and reload it offline. Screenshots go to a folder printed at the start
// (PLAYGROUND_SCREENSHOTS overrides it); TAPEGRAD_DOCS_SCREENSHOT=1 also writes docs/playground.png.
// Run by test/browser/run.mjs, or alone after `npm run build:playground`: node test/browser/playground.mjs
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { checker, launch, serve } from "./lib.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const site = join(root, "playground/dist");

export async function playgroundChecks(browser, check) {
  const started = Date.now();
  if (!existsSync(join(site, "index.html"))) {
    check("the playground is built (npm run build:playground)", false, `no ${site}/index.html`);
    return;
  }
  const shots = process.env.PLAYGROUND_SCREENSHOTS ?? join(tmpdir(), "tapegrad-playground-screenshots");
  mkdirSync(shots, { recursive: true });
  console.log(`  playground screenshots: ${shots}`);
  const server = await serve({ pages: { "/": readFileSync(join(site, "index.html"), "utf8") }, mounts: { "/": site } });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${String(e)}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} for ${r.url()}`));
  const step = async (name, body) => {
    try {
      await body();
    } catch (error) {
      check(name, false, error.message.split("\n")[0]);
    }
  };
  try {
    await step("the page loads and draws a graph", async () => {
      await page.goto(`${server.url}/`);
      await page.waitForSelector("#graph svg g.node", { timeout: 20_000 });
      check("the page loads and draws a graph", true);
    });

    await step("typing (x+y)*sin(x) draws its graph", async () => {
      await page.fill("#expr", "");
      await page.type("#expr", "(x+y)*sin(x)");
      const counts = () => page.evaluate(() => ({
        op: document.querySelectorAll('#graph svg g.node[data-kind="op"]').length,
        input: document.querySelectorAll('#graph svg g.node[data-kind="input"]').length,
        error: !document.getElementById("error").hidden,
      }));
      await page.waitForFunction(() => document.querySelectorAll('#graph svg g.node[data-kind="op"]').length === 3);
      const c = await counts();
      check("typing (x+y)*sin(x) draws an SVG graph of 3 operator nodes and 2 inputs, no error", c.op === 3 && c.input === 2 && !c.error, JSON.stringify(c));
    });

    await step("reverse mode to the end", async () => {
      await page.click("#reverse");
      await page.waitForSelector('#graph[data-sweep="reverse"]');
      await page.click("#step");
      const first = await page.textContent("#step-info");
      check("a reverse step highlights one node and shows its adjoint", /^step 1\/\d+: ∂f\/∂v4 = seed 1/.test(first) &&
        (await page.locator("#graph g.node.current").count()) === 1, first);
      await page.click("#end");
      await page.waitForSelector('#sweep-result[data-mode="reverse"]');
      const read = (key) => page.getAttribute(`#sweep-result span[data-key="${key}"]`, "data-value").then(Number);
      const dx = await read("x");
      const dy = await read("y");
      check("reverse mode ends with ∂f/∂x = −2π", Math.abs(dx + 2 * Math.PI) < 1e-12, dx);
      check("… and ∂f/∂y ≈ 1.22e-16 (sin π in float64)", Math.abs(dy - 1.2246467991473532e-16) < 1e-20, dy);
      const visible = await page.locator("#graph g.node.visited text.derivative").count();
      check("every node shows its adjoint at the end", visible === 5, `${visible} shown`);
      const sums = await page.getAttribute('#results [data-sum="x"]', "data-value");
      check("the results panel sums explain()'s paths to −2π", Math.abs(Number(sums) + 2 * Math.PI) < 1e-12, sums);
      await page.hover("#results .paths li >> nth=0");
      const lit = await page.locator("#graph g.path").count();
      check("hovering a path highlights it on the graph", lit >= 4, `${lit} elements highlighted`);
      await page.screenshot({ path: join(shots, "reverse.png"), fullPage: true });
    });

    await step("forward mode to the end", async () => {
      await page.selectOption("#wrt", { label: "x" });
      await page.click("#forward");
      await page.waitForSelector('#graph[data-sweep="forward"]');
      await page.click("#end");
      await page.waitForSelector('#sweep-result[data-mode="forward"]');
      const t = Number(await page.getAttribute('#sweep-result span[data-key="f"]', "data-value"));
      check("forward mode by x ends with ∂f/∂x = −2π", Math.abs(t + 2 * Math.PI) < 1e-12, t);
    });

    await step("a bad expression shows its error", async () => {
      await page.fill("#expr", "(x+y)*sin(");
      await page.waitForSelector("#error:not([hidden])");
      const text = await page.textContent("#error");
      const column = await page.getAttribute("#error", "data-column");
      check("a bad expression shows the ParseError under the box, with its column", /column 11/.test(text) && column === "11" &&
        (await page.locator("#graph svg").count()) === 1, text);
      await page.screenshot({ path: join(shots, "error.png") });
      await page.fill("#expr", "(x+y)*sin(x)");
      await page.waitForSelector("#error[hidden]", { state: "attached" });
    });

    await step("the vector exercise", async () => {
      await page.selectOption("#exercise", { label: "((x + y)·z, (x + y)·q): a Jacobian" });
      await page.waitForSelector("#results table.jacobian");
      const mode = await page.getAttribute("#results .reason", "data-mode");
      const ops = await page.locator('#graph svg g.node[data-kind="op"]').count();
      check("the vector exercise shows its Jacobian and chooseMode's pick (forward), x + y shared", mode === "forward" && ops === 3, `${mode}, ${ops} ops`);
    });

    await step("training", async () => {
      await page.fill("#epochs", "40");
      await page.click("#train");
      await page.waitForFunction(() => Number(document.getElementById("train-status").dataset.epoch) >= 8, null, { timeout: 30_000 });
      const losses = JSON.parse(await page.getAttribute("#loss polyline.loss", "data-values"));
      check("training plots the loss per epoch, and it falls", losses.length >= 8 && losses.at(-1) < 0.7 * losses[0], JSON.stringify(losses.slice(0, 8)));
      const curve = await page.locator("#fit polyline.curve").count();
      const status = await page.textContent("#train-status");
      check("… with the fitted curve and gradient evaluations per second", curve === 1 && /million gradient evaluations per second/.test(status), status);
      // The page answers while training: a click is handled between epochs.
      const t = Date.now();
      await page.click("#stop", { timeout: 5_000 });
      check("Stop is handled while training runs (the page does not freeze)", Date.now() - t < 5_000);
      await page.screenshot({ path: join(shots, "training.png"), fullPage: true });
      if (process.env.TAPEGRAD_DOCS_SCREENSHOT === "1") {
        await page.selectOption("#exercise", { label: "(x + y)·sin(x) at (π, π)" });
        await page.waitForFunction(() => document.querySelectorAll('#graph svg g.node[data-kind="op"]').length === 3);
        await page.click("#reverse");
        await page.waitForSelector('#graph[data-sweep="reverse"]');
        for (let i = 0; i < 3; i++) await page.click("#step");
        await page.screenshot({ path: join(root, "docs/playground.png"), fullPage: true });
        console.log("  wrote docs/playground.png");
      }
    });

    await step("phone width", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(100);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check("usable at a phone's width (390 px): nothing wider than the screen", overflow <= 1, `${overflow}px too wide`);
      await page.screenshot({ path: join(shots, "phone.png"), fullPage: true });
    });

    await step("offline", async () => {
      await page.setViewportSize({ width: 1280, height: 1000 });
      await page.evaluate(() => navigator.serviceWorker.ready);
      // Loaded once under the service worker (which saw every file), then offline.
      await page.reload();
      await page.waitForSelector("#graph svg g.node");
      await context.setOffline(true);
      await page.reload();
      await page.waitForSelector("#graph svg g.node", { timeout: 10_000 });
      check("works offline once loaded (reloaded with the network off)", true);
      await context.setOffline(false);
    });
    check("the playground logs no errors", problems.length === 0, problems.join("; "));
  } finally {
    await context.close();
    await server.close();
  }
  console.log(`  (playground: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

// Alone: node test/browser/playground.mjs
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const check = checker();
  const browser = await launch();
  try {
    await playgroundChecks(browser, check);
  } finally {
    await browser.close();
  }
  const { passed, failed } = check.summary();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
