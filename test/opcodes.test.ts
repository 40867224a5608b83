/** The op table in src/ops.ts and the codes compiled into the WebAssembly module agree. */
import { describe, expect, it } from "vitest";
import { OP, OPS } from "../src/index.js";
import { compiledOpCodes } from "../src/wasm/module.js";

describe("op codes", () => {
  it("are the table's indices, each name once", () => {
    OPS.forEach((rule, i) => expect(rule.code).toBe(i));
    expect(new Set(OPS.map((r) => r.name)).size).toBe(OPS.length);
    expect(Object.values(OP).sort((a, b) => a - b)).toEqual(OPS.map((r) => r.code));
  });

  it("match the OP_* globals compiled into the wasm module, one for one", () => {
    expect(compiledOpCodes()).toEqual({ ...OP });
  });

  it("fit the tape's u8 op array", () => {
    expect(Math.max(...Object.values(OP))).toBeLessThan(256);
  });
});
