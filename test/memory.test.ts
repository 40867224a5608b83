/** Memory is reused: compile/dispose cycles do not grow WebAssembly memory. */
import { describe, expect, it } from "vitest";
import { compile, memoryStats, sin, type Var } from "../src/index.js";

describe("WebAssembly memory", () => {
  it("stays as big as after 100 compile/dispose cycles through 100,000 of them", () => {
    const small = (x: Var, y: Var) => x.add(y).mul(sin(x));
    const base = memoryStats();
    const cycle = () => {
      const f = compile(small);
      f.grad([1, 2]);
      f.dispose();
    };
    for (let i = 0; i < 100; i++) cycle();
    const after100 = memoryStats();
    for (let i = 100; i < 100_000; i++) cycle();
    const after100k = memoryStats();
    expect(after100k.memoryBytes).toBe(after100.memoryBytes);
    expect(after100k.bytesInUse).toBe(base.bytesInUse);
    expect(after100k.liveFunctions).toBe(base.liveFunctions);
  });

  it("counts the bytes a live function holds: 25 per node plus 12 per output, rounded up", () => {
    const base = memoryStats();
    const f = compile((xs: Var[]) => xs.reduce((s, x) => s.add(x)), { inputs: 1000 });
    const held = memoryStats().bytesInUse - base.bytesInUse;
    expect(held).toBeGreaterThanOrEqual(25 * f.size + 12);
    expect(held).toBeLessThanOrEqual(25 * f.size + 12 + 48);
    f.dispose();
    expect(memoryStats().bytesInUse).toBe(base.bytesInUse);
  });

  it("reuses freed blocks in the middle of memory and merges neighbours", () => {
    const build = (n: number) => compile((xs: Var[]) => xs.reduce((s, x) => s.mul(x)), { inputs: n });
    const a = build(10_000);
    const b = build(10_000);
    const c = build(10_000);
    const size = memoryStats().memoryBytes;
    a.dispose();
    b.dispose();
    // Two freed neighbours make room for one function twice their size.
    const d = build(19_000);
    expect(memoryStats().memoryBytes).toBe(size);
    expect(d.grad(new Float64Array(19_000).fill(1)).value).toBe(1);
    c.dispose();
    d.dispose();
  });
});
