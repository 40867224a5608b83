/**
 * Every ```ts / ```js block of README.md and docs/*.md runs as pasted, and prints what its
 * `// →` comments say (the convention is described in test/snippets.ts), and type-checks under
 * the project's strict settings. The blocks run one after another in this process, each as its
 * own module imported from .snippets/ (gitignored). A ```text block that starts with
 * `$ npx tapegrad …` is a command-line transcript, checked against the command's output.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { expectations, extractBlocks, instrument, mismatch, numberMatches, show, type Block } from "./snippets.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const docs = ["README.md", ...readdirSync(`${root}docs`).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
const RUNNABLE = new Set(["ts", "js", "typescript", "javascript"]);
/** Fence languages of blocks that are not run. A block without a language is an error: say what it is. */
const NOT_RUN = new Set(["sh", "text", "json", "dot", "jsonc", "html"]);

const blocks: Block[] = docs.flatMap((file) => extractBlocks(readFileSync(`${root}${file}`, "utf8"), file));
const moduleName = (block: Block, k: number): string => `${block.file.replace(/[^\w]+/g, "_")}_${block.line}_${k}`;
const extension = (block: Block): string => (block.lang === "js" || block.lang === "javascript" ? "js" : "ts");

// .snippets/ keeps only today's blocks, and a file is rewritten only when it changes (so that
// vitest's watch mode does not see its own writes as edits).
const dir = `${root}.snippets/`;
mkdirSync(dir, { recursive: true });
const current = new Set(["globals.d.ts", "tsconfig.json", "synthetic_wrong.ts", "synthetic_digit.ts"]);
blocks.forEach((b, k) => RUNNABLE.has(b.lang) && current.add(`${moduleName(b, k)}.${extension(b)}`));
for (const f of readdirSync(dir)) if (!current.has(f)) rmSync(`${dir}${f}`, { recursive: true, force: true });

function writeIfChanged(file: string, text: string): void {
  if (!existsSync(file) || readFileSync(file, "utf8") !== text) writeFileSync(file, text);
}

type Logged = { line: number; text: string };
const globals = globalThis as unknown as { __snippetLog?: (line: number, ...args: unknown[]) => void };

/** Runs one block; returns what each of its console.log lines printed. */
async function run(block: Block, name: string): Promise<Logged[]> {
  const logged: Logged[] = [];
  globals.__snippetLog = (line, ...args) => {
    logged.push({ line, text: args.map((a) => show(a)).join(" ") });
  };
  const file = `${dir}${name}.${extension(block)}`;
  writeIfChanged(file, instrument(block.code, "../src/index.js"));
  await import(/* @vite-ignore */ pathToFileURL(file).href);
  return logged;
}

/** Checks a block's output against its comments; returns the problems, [] if none. */
async function check(block: Block, name: string): Promise<string[]> {
  const want = expectations(block.code);
  const logged = await run(block, name);
  const problems: string[] = [];
  for (const e of want) {
    const printed = logged.filter((l) => l.line === e.line);
    if (printed.length !== 1) {
      problems.push(`line ${e.line}: the console.log ran ${printed.length} times, expected once`);
      continue;
    }
    const why = mismatch(e.text, printed[0]!.text);
    if (why !== undefined) problems.push(`line ${e.line}: ${why}\n  comment: ${e.text}\n  printed: ${printed[0]!.text}`);
  }
  return problems;
}

describe("code blocks in README.md and docs/", () => {
  it("are all fenced with a language, runnable or not", () => {
    const unknown = blocks.filter((b) => !RUNNABLE.has(b.lang) && !NOT_RUN.has(b.lang)).map((b) => `${b.file}:${b.line} \`\`\`${b.lang}`);
    expect(unknown).toEqual([]);
  });

  it("include runnable examples with checked output", () => {
    const runnable = blocks.filter((b) => RUNNABLE.has(b.lang));
    expect(runnable.length).toBeGreaterThan(10);
    expect(runnable.reduce((n, b) => n + expectations(b.code).length, 0)).toBeGreaterThan(30);
  });

  for (const [k, block] of blocks.entries()) {
    if (!RUNNABLE.has(block.lang)) continue;
    it(`${block.file}:${block.line} runs and prints what its comments say`, async () => {
      expect(await check(block, moduleName(block, k))).toEqual([]);
    });
  }

  it("type-check as pasted, under the project's strict settings", () => {
    // Runs after the blocks above have been written to .snippets/.
    writeIfChanged(`${dir}globals.d.ts`, "declare function __snippetLog(line: number, ...args: unknown[]): void;\n");
    writeIfChanged(`${dir}tsconfig.json`, JSON.stringify({ extends: "../tsconfig.json", include: ["*.ts"] }) + "\n");
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", `${dir}tsconfig.json`], { encoding: "utf8" });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe("");
  });

  // A ```text block that starts with `$ npx tapegrad …` is a transcript of the command line:
  // the command, run from the sources, prints the rest of the block.
  for (const block of blocks.filter((b) => b.lang === "text" && b.code.startsWith("$ npx tapegrad "))) {
    it(`${block.file}:${block.line}: the command line prints what the transcript shows`, () => {
      const [command, ...expected] = block.code.trimEnd().split("\n");
      const args = [...command!.slice("$ npx tapegrad ".length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      const out = execFileSync(process.execPath, ["--import", "tsx", `${root}src/cli.ts`, ...args], { cwd: root, encoding: "utf8" });
      expect(out.trimEnd()).toBe(expected.join("\n"));
    });
  }

  it("the checker compares numbers to the digits shown", () => {
    expect(numberMatches("7.69e-16", 7.694682774887159e-16)).toBe(true);
    expect(numberMatches("7.70e-16", 7.694682774887159e-16)).toBe(false);
    expect(numberMatches("-6.283185307179586", -6.283185307179586)).toBe(true);
    expect(numberMatches("-6.283185307179587", -6.283185307179586)).toBe(false); // one ulp off
    expect(numberMatches("2.000", 1.99996)).toBe(true);
    expect(numberMatches("9", 9.000000000000002)).toBe(true);
    expect(numberMatches("9", 9.4)).toBe(false);
    expect(numberMatches("0", 1e-300)).toBe(false);
    expect(mismatch("Float64Array [1,2]", "Float64Array [1, 2]")).toBeUndefined();
    expect(mismatch("[1, 2]", "[1, 2, 3]")).toMatch(/shows "]", it printed ","/);
    expect(mismatch("1 2", "1 2 3")).toMatch(/printed more/);
    expect(mismatch("1 2 3", "1 2")).toMatch(/printed less/);
    expect(mismatch("{ value: 9 }", "{ total: 9 }")).toMatch(/shows "value", it printed "total"/);
  });

  it("the checker fails a block whose comment shows a wrong value", async () => {
    const code = [
      'import { compile, sin } from "tapegrad";',
      "const f = compile((x, y) => x.add(y).mul(sin(x)));",
      "console.log(f.grad([Math.PI, Math.PI]).grad); // → Float64Array [-6.2832, 1.2246e-16]",
      "console.log(f.eval([1, 2])); // → Float64Array [2.524]",
      "console.log(f.size); // → 6",
      "f.dispose();",
    ].join("\n");
    const problems = await check({ file: "(synthetic)", line: 0, lang: "ts", code }, "synthetic_wrong");
    // 3·sin(1) = 2.5244129544236893 shows as 2.524; the tape has 5 nodes, not 6.
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^line 5: the comment shows 6, it printed 5/);
    const wrongDigit = await check({ file: "(synthetic)", line: 0, lang: "ts", code: code.replace("2.524]", "2.525]").replace("// → 6", "// → 5") }, "synthetic_digit");
    expect(wrongDigit).toHaveLength(1);
    expect(wrongDigit[0]).toMatch(/the comment shows 2\.525, it printed 2\.5244129544236893/);
  });
});
