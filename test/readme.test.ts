/**
 * README.md and docs/ document what the code does: the op table in docs/ops.md is the one
 * generated from src/ops.ts, every exported value is documented, and the figures shown are the
 * ones the code and bench/report.ts produce. (test/docs-snippets.test.ts runs their code blocks;
 * test/docs-graph.test.ts checks the picture.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { opTableMarkdown } from "../scripts/op-table.js";
import { renderMarkdown, withReadmeSection, type Results } from "../bench/report.js";
import * as api from "../src/index.js";
import { WASM_BASE64 } from "../src/wasm/bytes.js";

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
const readme = read("README.md");
const docs = readdirSync(new URL("../docs/", import.meta.url)).filter((f) => f.endsWith(".md")).map((f) => read(`docs/${f}`));
const results = JSON.parse(read("bench/results.json")) as Results;

describe("README.md and docs/", () => {
  it("docs/ops.md contains the op table generated from src/ops.ts (npx tsx scripts/op-table.ts)", () => {
    expect(read("docs/ops.md")).toContain(opTableMarkdown());
  });

  it("name every value the package exports (the README names all of them)", () => {
    const missing = Object.keys(api).filter((name) => !new RegExp(`\\b${name}\\b`).test(readme));
    expect(missing).toEqual([]);
  });

  it("link every page of docs/ from the README", () => {
    for (const f of readdirSync(new URL("../docs/", import.meta.url)).filter((f) => f.endsWith(".md"))) {
      expect(readme, `README.md does not link docs/${f}`).toContain(`](docs/${f}`);
    }
    expect(docs.length).toBeGreaterThan(0);
  });

  it("give the size of the inlined WebAssembly to within 10%", () => {
    const claimed = Number(/The WebAssembly \(about (\d+) KB\)/.exec(readme)?.[1]);
    const bytes = Buffer.from(WASM_BASE64, "base64").length;
    expect(Math.abs(claimed * 1000 - bytes) / bytes, `README says ${claimed} KB, the module is ${bytes} bytes`).toBeLessThan(0.1);
  });

  it("document the commands a new user and a contributor need", () => {
    for (const command of ["npm install tapegrad", "npm ci", "npm test", "npm start", "npm run bench", "npm run test:browser", "npm run docs:graph"]) {
      expect(readme).toContain(command);
    }
    const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
    const undocumented = scripts.filter((s) => !["start", "test", "pretest", "prepack"].includes(s) && !readme.includes(`npm run ${s}`));
    expect(undocumented).toEqual([]);
  });

  it("state the module format, Node versions, CSP and license", () => {
    for (const fact of ["ESM", "Node ≥ 20.19", "Node ≥ 18", "Node ≥ 20", "'wasm-unsafe-eval'", "worker-src blob:", "MIT", "](LICENSE)"]) {
      expect(readme).toContain(fact);
    }
  });

  it("show the benchmark summary of bench/results.json, as bench/report.ts writes it", () => {
    expect(readme).toBe(withReadmeSection(readme, results));
  });

  it("bench/RESULTS.md is what bench/report.ts writes from bench/results.json (npx tsx bench/report.ts)", () => {
    expect(read("bench/RESULTS.md")).toBe(renderMarkdown(results));
  });
});
