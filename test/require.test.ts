/**
 * The package as CommonJS code sees it: `require("tapegrad")` in a fresh project resolves through
 * the exports map (its "require" condition) to dist/index.cjs, which loads the ESM build with
 * require() on Node ≥ 20.19; an `import` gets the ESM build directly. Lays the package out as an install would — its
 * package.json and a dist/ built by tsc into a temporary folder (not the repo's dist/, which
 * test/cli.test.ts builds at the same time), with the dependencies linked — in a temporary
 * project's node_modules.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
let project = "";

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "tapegrad-consumer-"));
  const pkg = join(project, "node_modules/tapegrad");
  mkdirSync(pkg, { recursive: true });
  copyFileSync(join(root, "package.json"), join(pkg, "package.json"));
  symlinkSync(join(root, "node_modules"), join(pkg, "node_modules"), "dir");
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json", "--outDir", join(pkg, "dist")], { cwd: root });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true }));
}, 120_000);

afterAll(() => {
  if (project !== "") rmSync(project, { recursive: true, force: true });
});

const run = (file: string, code: string): string => {
  writeFileSync(join(project, file), code);
  return execFileSync(process.execPath, [file], { cwd: project, encoding: "utf8" }).trim();
};

describe("the package from a consumer project", () => {
  it("works with require() (CommonJS)", () => {
    const out = run(
      "main.cjs",
      `const { compile, sin } = require("tapegrad");
       const f = compile((x, y) => x.add(y).mul(sin(x)));
       console.log(JSON.stringify(Array.from(f.grad([Math.PI, Math.PI]).grad)));`,
    );
    const [dx, dy] = JSON.parse(out) as number[];
    expect(dx).toBeCloseTo(-2 * Math.PI, 14);
    expect(dy).toBe(Math.sin(Math.PI));
  });

  it("works with import (ESM)", () => {
    const out = run("main.mjs", `import { compile, sin } from "tapegrad"; console.log(compile((x) => sin(x)).eval([1])[0]);`);
    expect(Number(out)).toBe(Math.sin(1));
  });
});
