/** The FinalizationRegistry backstop: a function dropped without dispose() is freed when collected. */
import { describe, expect, it } from "vitest";
import { compile, memoryStats, sin, type Var } from "../src/index.js";

const gc = (globalThis as { gc?: () => void }).gc;

describe("a compiled function dropped without dispose()", () => {
  it.skipIf(gc === undefined)("gives its memory back once garbage-collected", async () => {
    const before = memoryStats();
    (() => {
      const f = compile((xs: Var[]) => xs.reduce((s, x) => s.add(sin(x))), { inputs: 5000 });
      f.grad(new Float64Array(5000));
    })();
    expect(memoryStats().liveFunctions).toBe(before.liveFunctions + 1);
    for (let i = 0; i < 100 && memoryStats().liveFunctions > before.liveFunctions; i++) {
      gc!();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(memoryStats().liveFunctions).toBe(before.liveFunctions);
    expect(memoryStats().bytesInUse).toBe(before.bytesInUse);
  });
});
