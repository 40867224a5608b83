/**
 * dist/ runs as plain ES modules in a browser with no import map and no bundler: every import in
 * the built JavaScript is relative (and points at a file that exists), or a `node:` built-in
 * loaded with a dynamic import() (which only Node code paths reach). A bare specifier such as
 * "@assemblyscript/loader" — formerly a runtime dependency — fails this test. Built by tsc
 * into a temporary folder, not the repo's dist/ (test/cli.test.ts builds that at the same time).
 * test/browser/run.mjs checks the same in Chromium by loading dist/ with no import map.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
let out = "";

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "tapegrad-dist-"));
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", out], { cwd: root });
}, 120_000);

afterAll(() => {
  if (out !== "") rmSync(out, { recursive: true, force: true });
});

interface Specifier {
  file: string;
  kind: "static" | "dynamic";
  /** The specifier, or null for a dynamic import() whose argument is not a string we can resolve. */
  text: string | null;
}

/** Every module specifier of one built file: import/export … from, and import(…) calls. */
function specifiers(file: string): Specifier[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  // `const name = "…"` declarations, so that import(name) can be resolved.
  const constants = new Map<string, string>();
  const found: Specifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined && ts.isStringLiteral(node.initializer)) {
      if ((node.parent.flags & ts.NodeFlags.Const) !== 0) constants.set(node.name.text, node.initializer.text);
    }
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      found.push({ file, kind: "static", text: (node.moduleSpecifier as ts.StringLiteral).text });
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      let text: string | null = null;
      if (arg !== undefined && ts.isStringLiteralLike(arg)) text = arg.text;
      else if (arg !== undefined && ts.isIdentifier(arg)) text = constants.get(arg.text) ?? null;
      found.push({ file, kind: "dynamic", text });
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "require") {
      found.push({ file, kind: "static", text: `require(${node.arguments[0]?.getText() ?? ""})` });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const relative = (s: string): boolean => s.startsWith("./") || s.startsWith("../");

describe("dist/ has no bare module specifiers", () => {
  it("imports only relative files that exist, and node: built-ins only through import()", () => {
    const files = readdirSync(out, { recursive: true }).map(String).filter((f) => f.endsWith(".js"));
    expect(files).toContain("index.js");
    expect(files).toContain("batch/pool.js");
    const all = files.flatMap((f) => specifiers(join(out, f)));
    const bad = all.filter((s) => {
      if (s.text === null) return true; // an import(expression) we cannot see through
      if (relative(s.text)) return !s.text.endsWith(".js") || !existsSync(resolve(dirname(s.file), s.text));
      return !(s.kind === "dynamic" && s.text.startsWith("node:"));
    });
    expect(bad.map((s) => `${s.file.slice(out.length + 1)}: ${s.kind} ${s.text}`)).toEqual([]);
    // The relative imports were seen (the scan works), and so was the guarded worker_threads import.
    expect(all.filter((s) => s.kind === "static").length).toBeGreaterThan(20);
    expect(all).toContainEqual({ file: join(out, "batch/pool.js"), kind: "dynamic", text: "node:worker_threads" });
  });

  it("the scan catches a bare specifier", () => {
    // The check above on a file like 0.1.0's dist/wasm/module.js.
    const file = join(out, "probe.js");
    ts.sys.writeFile(file, 'import { instantiateSync } from "@assemblyscript/loader";\nconst m = "lodash"; await import(m);\n');
    expect(specifiers(file).map((s) => s.text)).toEqual(["@assemblyscript/loader", "lodash"]);
    rmSync(file);
  });

  it("the package has no runtime dependencies", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
    expect(pkg.optionalDependencies ?? {}).toEqual({});
  });
});
