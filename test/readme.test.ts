/** README.md documents what the code does: its op table is the one generated from src/ops.ts. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { opTableMarkdown } from "../scripts/op-table.js";
import { withReadmeSection, type Results } from "../bench/report.js";
import * as api from "../src/index.js";
import { WASM_BASE64 } from "../src/wasm/bytes.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README.md", () => {
  it("contains the op table generated from src/ops.ts (npx tsx scripts/op-table.ts)", () => {
    expect(readme).toContain(opTableMarkdown());
  });

  it("names every value the package exports", () => {
    const missing = Object.keys(api).filter((name) => !new RegExp(`\\b${name}\\b`).test(readme));
    expect(missing).toEqual([]);
  });

  it("gives the size of the inlined WebAssembly to within 10%", () => {
    const claimed = Number(/The WebAssembly \(about (\d+) KB\)/.exec(readme)?.[1]);
    const bytes = Buffer.from(WASM_BASE64, "base64").length;
    expect(Math.abs(claimed * 1000 - bytes) / bytes, `README says ${claimed} KB, the module is ${bytes} bytes`).toBeLessThan(0.1);
  });

  it("documents the commands a new user needs", () => {
    for (const command of ["npm ci", "npm test", "npm start"]) expect(readme).toContain(command);
  });

  it("shows the benchmark figures of bench/results.json, as bench/report.ts writes them", () => {
    const results = JSON.parse(readFileSync(new URL("../bench/results.json", import.meta.url), "utf8")) as Results;
    expect(readme).toBe(withReadmeSection(readme, results));
  });
});
