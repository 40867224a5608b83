/**
 * The packed tarball from TypeScript consumer projects: its .d.ts must type-check under strict
 * with skipLibCheck false in a Node project (@types/node, no DOM) and in a browser-only project
 * (lib es2022 + dom, no @types), under module node16, nodenext and esnext/bundler, from ES-module
 * and CommonJS files; and a CommonJS nodenext project compiles and runs, with require() on
 * Node ≥ 20.19 and with the package's "use import()" error where require(esm) is off.
 *
 * The tarball is `npm pack` of a staging folder holding the repo's package.json, README and
 * LICENSE and a dist/ built by tsc from src/ (not the repo's dist/, which test/cli.test.ts builds
 * at the same time, and never stale). It is installed by extracting it into a temporary
 * node_modules/tapegrad; its dependency, @types/node and typescript come from the repo's
 * node_modules (no network).
 */
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = join(root, "node_modules/typescript/bin/tsc");
let work = "";

/** What a project declares about its environment: Node (@types/node) or a browser (DOM only). */
const ENVS = {
  node: { lib: ["es2022"], types: ["node"] },
  browser: { lib: ["es2022", "dom"], types: [] },
  // Both of these declare Symbol.dispose (lib esnext.disposable and @types/node): no clash.
  "node+disposable": { lib: ["es2022", "esnext.disposable"], types: ["node"] },
  "browser+disposable": { lib: ["es2022", "dom", "esnext.disposable"], types: [] },
  // Neither DOM nor Node: any DOM or Node type in the shipped API would fail here.
  plain: { lib: ["es2022"], types: [] },
} as const;
type Env = keyof typeof ENVS;
/** Whether the project's types have Disposable, so `using` compiles. */
const hasDisposable = (env: Env): boolean => env !== "browser" && env !== "plain";

const MODES = {
  node16: { module: "node16", moduleResolution: "node16" },
  nodenext: { module: "nodenext", moduleResolution: "nodenext" },
  bundler: { module: "esnext", moduleResolution: "bundler" },
} as const;
type Mode = keyof typeof MODES;

/**
 * An ES-module consumer of most of the API: any error in the shipped types shows up here. No
 * console (the plain project has none).
 */
const esmConsumer = (using: boolean): string => `
import {
  compile, parse, toDot, sin, square, Compiled, ParseError, Var,
  type Jacobian, type Output,
} from "tapegrad";

const f: Compiled = compile((x: Var, y: Var): Output => x.add(y).mul(sin(x)));
const g: { value: number; grad: Float64Array } = f.grad([1, 2]);
const j: Jacobian = f.jacobian([1, 2]);
const loss = compile({ params: 2, data: 2 }, ([w, b], [x, y]) => square(w!.mul(x!).add(b!).sub(y!)));
const mean: { value: number; grad: Float64Array } = loss.meanGrad([1, 0], [1, 2, 2, 3]);
const threaded: Promise<{ value: number; grad: Float64Array }> = loss.meanGrad([1, 0], [1, 2, 2, 3], { workers: 2 });
const dot: string = toDot(f);
let column = 0;
try {
  parse("x +");
} catch (e) {
  if (e instanceof ParseError) column = e.column;
}
let slope = 0;
${
  using
    ? `{
  using h = parse("x^2 * y");
  const key: () => void = h[Symbol.dispose];
  slope = h.grad([3, 2]).grad[0]! + key.length;
}`
    : ""
}
f.dispose();
export { g, j, mean, threaded, dot, column, slope };
`;

/** A CommonJS consumer: the import compiles to require("tapegrad"); the dynamic import stays. */
const cjsConsumer = (using: boolean): string => `
import { compile, sin, Compiled } from "tapegrad";
import tapegrad = require("tapegrad");

async function main(): Promise<void> {
  const f = compile((x, y) => x.add(y).mul(sin(x)));
  const { value, grad } = f.grad([0.7, 1.3]);
  const esm = await import("tapegrad");
  let disposed = false;
  let held: Compiled;
  {
    ${using ? "using h" : "const h"} = compile((x) => x.mul(x));
    disposed = h.disposed;
    held = h;
    ${using ? "" : "h.dispose();"}
  }
  console.log(JSON.stringify({
    value, grad: Array.from(grad),
    // One copy of the package whether required or imported.
    same: tapegrad === (esm as unknown) && Compiled === esm.Compiled && f instanceof esm.Compiled,
    disposedInside: disposed, disposedAfter: held.disposed,
  }));
}
void main();
`;

/** CommonJS under node16 (no require of ES modules): the dynamic import the error recommends. */
const cjsDynamicConsumer = `
export async function slope(x: number): Promise<number> {
  const { compile, sin } = await import("tapegrad");
  using f = compile((t) => sin(t));
  return f.grad([x]).grad[0]!;
}
void slope(0.5).then((d) => console.log(JSON.stringify(d)));
`;
const cjsDynamicBrowser = cjsDynamicConsumer.replace("using f", "const f");

/**
 * One tsc project per environment and module setting, holding an ES-module consumer (esm/, under
 * a package.json with "type": "module") and, where the module kind has CommonJS files, a CommonJS
 * one (cjs/, under the project's package.json without "type"). One tsc run checks both: it is
 * the @types/node and lib checks (skipLibCheck false) that take the time, not the consumers.
 */
interface Project {
  name: string;
  env: Env;
  mode: Mode;
  /** Emit to out/ (to run the CommonJS consumer) instead of --noEmit. */
  emit: boolean;
  /** Sources by path in the project. */
  files: Record<string, string>;
}

const project = (env: Env, mode: Mode): Project => {
  const using = hasDisposable(env);
  const files: Record<string, string> = { "esm/main.ts": esmConsumer(using) };
  // module esnext has no CommonJS files; under node16 CommonJS cannot require an ES module and
  // uses import() (TS ≥ 5.8 allows the require under nodenext, as Node ≥ 20.19 does).
  if (mode === "node16") files["cjs/main.ts"] = using ? cjsDynamicConsumer : cjsDynamicBrowser;
  if (mode === "nodenext") files["cjs/main.ts"] = cjsConsumer(using);
  return { name: `${env}-${mode}`, env, mode, emit: env === "node" && mode !== "bundler", files };
};

const projects: Project[] = [
  ...(["node", "browser"] as const).flatMap((env) => (Object.keys(MODES) as Mode[]).map((mode) => project(env, mode))),
  // lib esnext.disposable beside @types/node (both declare Symbol.dispose), and in a browser.
  project("node+disposable", "nodenext"),
  project("browser+disposable", "bundler"),
  project("plain", "bundler"),
];

function writeProject(p: Project): string {
  const dir = join(work, p.name);
  mkdirSync(join(dir, "esm"), { recursive: true });
  mkdirSync(join(dir, "cjs"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: p.name, private: true }));
  writeFileSync(join(dir, "esm/package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        ...MODES[p.mode],
        ...ENVS[p.env],
        strict: true,
        skipLibCheck: false,
        ...(p.emit ? { outDir: "out", rootDir: "." } : { noEmit: true }),
      },
      files: Object.keys(p.files),
    }),
  );
  for (const [file, source] of Object.entries(p.files)) writeFileSync(join(dir, file), source);
  return dir;
}

// tsc processes at once: each takes ~200 MB, and more than the cores do no more work.
let slots = Math.min(4, Math.max(2, availableParallelism()));
const waiting: (() => void)[] = [];

/** tsc's diagnostics for the project ("" when it compiles). */
async function typecheck(dir: string): Promise<string> {
  if (slots > 0) slots--;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    await run(process.execPath, [tsc, "-p", dir, "--pretty", "false"], { encoding: "utf8" });
    return "";
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return `${e.stdout ?? ""}${e.stderr ?? ""}` || e.message;
  } finally {
    const next = waiting.shift();
    if (next !== undefined) next();
    else slots++;
  }
}

const results = new Map<string, Promise<string>>();
// The checks run one after another behind beforeAll: ~25 s in all on 2 idle cores, but the
// first test waits for them when the rest of the suite loads the machine.
const TSC_TIMEOUT = 180_000;
let packed = "";

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "tapegrad-types-"));
  const stage = join(work, "stage");
  mkdirSync(stage);
  for (const file of ["package.json", "README.md", "LICENSE"]) copyFileSync(join(root, file), join(stage, file));
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", join(stage, "dist")], { cwd: root });
  // --ignore-scripts: prepack would build again, into the repo's dist/.
  const tarball = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], {
    cwd: stage,
    encoding: "utf8",
  }).trim().split("\n").pop()!;
  const pkg = join(work, "node_modules/tapegrad");
  mkdirSync(pkg, { recursive: true });
  execFileSync("tar", ["-xzf", join(work, tarball), "-C", pkg, "--strip-components=1"]);
  packed = pkg;
  for (const dep of ["@assemblyscript", "@types"]) symlinkSync(join(root, "node_modules", dep), join(work, "node_modules", dep), "dir");
  // All type checks start now and run side by side; each test awaits its own.
  for (const p of projects) results.set(p.name, typecheck(writeProject(p)));
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(results.values());
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

describe("shipped types from consumer projects (strict, skipLibCheck false)", () => {
  it("the tarball holds the CommonJS entry the exports map names", () => {
    const manifest = JSON.parse(readFileSync(join(packed, "package.json"), "utf8")) as {
      exports: { ".": Record<string, string> };
    };
    expect(Object.keys(manifest.exports["."])).toEqual(["types", "import", "require", "default"]);
    for (const target of Object.values(manifest.exports["."])) expect(() => readFileSync(join(packed, target))).not.toThrow();
  });

  it("the .d.ts files leave the project's globals alone: no augmentation, no lib or types reference", () => {
    // e.g. a `declare global { interface SymbolConstructor … }` would make Symbol.dispose type-check
    // in browsers that lack it; a reference to "node" would give browser projects Node's globals.
    const dts = (readdirSync(join(packed, "dist"), { recursive: true }) as string[]).filter((f) => /\.d\.c?ts$/.test(f));
    expect(dts).toContain("index.d.ts");
    for (const file of dts) {
      expect(readFileSync(join(packed, "dist", file), "utf8"), file).not.toMatch(/declare global|declare module|\/\/\/ *<reference/);
    }
  });

  it.each(projects.map((p) => [p.name, Object.keys(p.files).join(", ")]))("%s: %s compile", async (name) => {
    expect(await results.get(name)).toBe("");
  }, TSC_TIMEOUT);
});

/** Runs a built consumer with node; returns exit status, stdout and stderr. */
async function node(dir: string, ...flags: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...flags, join(dir, "out/cjs/main.js")], { encoding: "utf8" });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { status: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("a CommonJS TypeScript project runs", { timeout: TSC_TIMEOUT }, () => {
  it("nodenext: require() gives the same module as import, and the gradient is right", async () => {
    expect(await results.get("node-nodenext")).toBe("");
    const out = await node(join(work, "node-nodenext"));
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    const r = JSON.parse(out.stdout) as { value: number; grad: number[]; same: boolean; disposedInside: boolean; disposedAfter: boolean };
    const [x, y] = [0.7, 1.3];
    expect(r.value).toBeCloseTo((x + y) * Math.sin(x), 14);
    // d/dx (x + y)·sin x = sin x + (x + y)·cos x; d/dy = sin x.
    expect(r.grad[0]).toBeCloseTo(Math.sin(x) + (x + y) * Math.cos(x), 14);
    expect(r.grad[1]).toBeCloseTo(Math.sin(x), 14);
    expect(r.same).toBe(true);
    expect([r.disposedInside, r.disposedAfter]).toEqual([false, true]);
  });

  it("without require(esm) (as on Node < 20.19), require says to use import()", async () => {
    expect(await results.get("node-nodenext")).toBe("");
    const out = await node(join(work, "node-nodenext"), "--no-experimental-require-module");
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain('tapegrad is an ES module: use `await import("tapegrad")`');
  });

  it("node16, or without require(esm): the dynamic import() works", async () => {
    expect(await results.get("node-node16")).toBe("");
    for (const flags of [[], ["--no-experimental-require-module"]]) {
      const out = await node(join(work, "node-node16"), ...flags);
      expect(out.stderr).toBe("");
      expect(Number(out.stdout)).toBeCloseTo(Math.cos(0.5), 14);
    }
  });
});

describe("the CommonJS entry dist/index.cjs", () => {
  // Runs the shipped file with a stand-in for require, as Node would call it.
  const load = (req: (id: string) => unknown): unknown => {
    const module = { exports: {} as unknown };
    new Function("require", "module", "exports", readFileSync(join(packed, "dist/index.cjs"), "utf8"))(req, module, module.exports);
    return module.exports;
  };

  it("exports what require('./index.js') returns, itself", () => {
    const ns = Object.freeze({ compile: () => 0 });
    expect(load((id) => (id === "./index.js" ? ns : undefined))).toBe(ns);
  });

  it("turns ERR_REQUIRE_ESM into the import() advice, and passes other errors on", () => {
    const esm = Object.assign(new Error("require() of ES Module … not supported."), { code: "ERR_REQUIRE_ESM" });
    let thrown: unknown;
    try {
      load(() => {
        throw esm;
      });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(/^tapegrad is an ES module: use `await import\("tapegrad"\)` \(or Node ≥ 20\.19/);
    expect((thrown as Error).cause).toBe(esm);
    expect((thrown as { code?: string }).code).toBe("ERR_REQUIRE_ESM");
    const other = new SyntaxError("broken");
    expect(() =>
      load(() => {
        throw other;
      }),
    ).toThrow(other);
  });
});
