/** README.md documents what the code does: its op table is the one generated from src/ops.ts. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { opTableMarkdown } from "../scripts/op-table.js";
import * as api from "../src/index.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README.md", () => {
  it("contains the op table generated from src/ops.ts (npx tsx scripts/op-table.ts)", () => {
    expect(readme).toContain(opTableMarkdown());
  });

  it("names every value the package exports", () => {
    const missing = Object.keys(api).filter((name) => !new RegExp(`\\b${name}\\b`).test(readme));
    expect(missing).toEqual([]);
  });

  it("documents the commands a new user needs", () => {
    for (const command of ["npm ci", "npm test", "npm start"]) expect(readme).toContain(command);
  });
});
