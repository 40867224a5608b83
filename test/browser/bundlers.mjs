// The package as a bundler sees it: `npm pack` into a temporary folder, the tarball installed in a
// temporary consumer project (offline: the package has no dependencies), and a small consumer
// (compile, meanGrad with { workers: 2 }) built for production by esbuild, Vite and webpack 5 (the
// repo's devDependencies). Each build must report zero warnings, and each bundle, served on
// localhost and run in Chromium, must give the plain-JS reference numbers. Also prints bundle
// sizes (esbuild --minify, gzip) of a consumer of just `compile` and `sin`, and of the whole
// package. Run by test/browser/run.mjs (`npm run test:browser`), or alone after `npm run build`:
// `node test/browser/bundlers.mjs`.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { checkConsumer, checker, consumerSource, launch, runPage, serve } from "./lib.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

/** Packs the repo (dist/ as built) and installs the tarball into a fresh consumer project. */
function consumerProject(work) {
  const [packed] = JSON.parse(
    execFileSync(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" }),
  );
  console.log(`  npm pack: ${packed.filename}, ${kB(packed.size)} packed, ${kB(packed.unpackedSize)} unpacked, ${packed.entryCount} files`);
  const project = join(work, "consumer");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync(npm, ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", join(work, packed.filename)], {
    cwd: project,
    stdio: ["ignore", "ignore", "inherit"],
  });
  writeFileSync(join(project, "main.js"), consumerSource("tapegrad"));
  writeFileSync(join(project, "index.html"), '<!doctype html>\n<script type="module" src="./main.js"></script>\n');
  return project;
}

/** Each bundler: builds main.js for production into out/<name>/, returns { warnings, page, dir }. */
const bundlers = {
  async esbuild(project) {
    const esbuild = await import("esbuild");
    const outdir = join(project, "out/esbuild");
    const result = await esbuild.build({
      absWorkingDir: project, entryPoints: ["main.js"], bundle: true, minify: true, format: "esm",
      platform: "browser", outdir, logLevel: "silent",
    });
    const warnings = await esbuild.formatMessages(result.warnings, { kind: "warning" });
    return { warnings, dir: outdir, page: '<!doctype html>\n<script type="module" src="/main.js"></script>\n' };
  },

  async vite(project) {
    const { build, createLogger } = await import("vite");
    const warnings = [];
    const base = createLogger("warn");
    // Every warning and error Vite (and Rolldown under it) would print lands here.
    const customLogger = {
      ...base,
      warn: (msg) => warnings.push(msg),
      warnOnce: (msg) => warnings.push(msg),
      error: (msg) => warnings.push(`error: ${msg}`),
    };
    const outDir = join(project, "out/vite");
    await build({ root: project, configFile: false, envDir: false, logLevel: "warn", customLogger, build: { outDir, emptyOutDir: true } });
    return { warnings, dir: outDir, page: readFileSync(join(outDir, "index.html"), "utf8") };
  },

  async webpack(project) {
    // webpack-cli, as a user runs it; --json writes the stats, with every warning.
    const statsFile = join(project, "out/webpack-stats.json");
    execFileSync(process.execPath, [
      join(root, "node_modules/webpack-cli/bin/cli.js"), "--mode", "production", "--entry", "./main.js",
      "--output-path", "out/webpack", "--output-filename", "main.js", "--json", statsFile,
    ], { cwd: project, stdio: ["ignore", "pipe", "pipe"] });
    const stats = JSON.parse(readFileSync(statsFile, "utf8"));
    const warnings = [...stats.warnings, ...stats.errors].map((w) => w.message ?? String(w));
    return { warnings, dir: join(project, "out/webpack"), page: '<!doctype html>\n<script src="/main.js"></script>\n' };
  },
};

/** esbuild --minify sizes (raw and gzip) of a one-file consumer, in the project. */
async function sizeOf(project, name, code) {
  const esbuild = await import("esbuild");
  writeFileSync(join(project, `${name}.js`), code);
  const result = await esbuild.build({
    absWorkingDir: project, entryPoints: [`${name}.js`], bundle: true, minify: true, format: "esm",
    platform: "browser", write: false, logLevel: "silent",
  });
  const bytes = result.outputFiles[0].contents;
  return `${kB(bytes.length)} minified, ${kB(gzipSync(bytes, { level: 9 }).length)} gzip`;
}

export async function bundlerChecks(browser, check) {
  const work = mkdtempSync(join(tmpdir(), "tapegrad-bundlers-"));
  try {
    const project = consumerProject(work);
    for (const [name, bundle] of Object.entries(bundlers)) {
      const started = Date.now();
      let built;
      try {
        built = await bundle(project);
      } catch (error) {
        check(`${name}: production build succeeds`, false, error.stderr?.toString() || error.stack || String(error));
        continue;
      }
      console.log(`  ${name}: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      check(`${name}: production build with zero warnings`, built.warnings.length === 0, `\n${built.warnings.join("\n")}`);
      const server = await serve({ pages: { "/": built.page }, mounts: { "/": built.dir } });
      try {
        checkConsumer(check, `${name} bundle in Chromium`, await runPage(browser, `${server.url}/`));
      } catch (error) {
        check(`${name} bundle runs in Chromium`, false, error.message);
      } finally {
        await server.close();
      }
    }
    const small = await sizeOf(project, "small", 'import { compile, sin } from "tapegrad";\nconsole.log(compile((x) => sin(x)).grad([1]).grad[0]);\n');
    const full = await sizeOf(project, "full", 'import * as tapegrad from "tapegrad";\nglobalThis.tapegrad = tapegrad;\n');
    console.log(`  esbuild --minify, compile + sin only: ${small}; the whole package: ${full}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Run alone: its own browser and summary line.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = checker();
  let browser;
  try {
    browser = await launch();
    await bundlerChecks(browser, check);
  } catch (error) {
    check("the bundler test ran to the end", false, error.stack ?? String(error));
  } finally {
    await browser?.close();
  }
  const { passed, failed } = check.summary();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
