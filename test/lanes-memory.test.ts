/**
 * Lane buffers: taken from the WebAssembly heap on first use, grown to the largest block, freed by
 * dispose(); and the lane count shrinks for long tapes.
 */
import { describe, expect, it } from "vitest";
import { compile, memoryStats, sin, sum, type Var } from "../src/index.js";
import { laneCount, LANE_BUDGET_BYTES, MAX_LANES } from "../src/engine/lanes.js";
import { expectClose } from "./helpers.js";

describe("lane buffers", () => {
  it("are allocated on first use, sized for the lanes used, and released by dispose()", () => {
    const before = memoryStats().bytesInUse;
    const n = 20;
    const f = compile((xs: Var[]) => sum(xs.map((x, i) => sin(x).mul(xs[(i + 1) % n]!))), { inputs: n });
    const afterCompile = memoryStats().bytesInUse;
    const x = Float64Array.from({ length: n }, (_, i) => i / n);
    f.hvp(x, x); // one lane
    const oneLane = memoryStats().bytesInUse;
    expect(oneLane).toBeGreaterThan(afterCompile);
    f.hessian(x); // eight lanes: the block is replaced by a larger one
    const eightLanes = memoryStats().bytesInUse;
    expect(eightLanes - afterCompile).toBeGreaterThanOrEqual(8 * f.size * (2 * 8 + 1));
    f.jacobian(x); // reuses it
    expect(memoryStats().bytesInUse).toBe(eightLanes);
    f.dispose();
    expect(memoryStats().bytesInUse).toBe(before);
  });

  it("survive memory growth: the first Hessian of a long tape grows the heap and is still right", () => {
    const n = 40;
    // 40 cubes plus a long tail of terms that cancel: ~200k nodes, so 8 lanes need ~27 MB.
    const f = compile((xs: Var[]) => {
      const tail: Var[] = [];
      for (let r = 0; r < 50_000; r++) tail.push(xs[r % n]!.mul(r).sub(xs[r % n]!.mul(r)));
      return sum(xs.map((x) => x.pow(3))).add(sum(tail));
    }, { inputs: n });
    const x = Float64Array.from({ length: n }, (_, i) => i - 20);
    const memoryBefore = memoryStats().memoryBytes;
    const H = f.hessian(x).data;
    expect(memoryStats().memoryBytes).toBeGreaterThan(memoryBefore);
    const expected = new Float64Array(n * n);
    for (let i = 0; i < n; i++) expected[i * n + i] = 6 * x[i]!;
    expectClose(H, expected, 0, 0);
    expectClose(f.hvp(x, x), Array.from(x, (xi) => 6 * xi * xi), 0, 0);
    f.dispose();
  });

  it("lane count: 8 for ordinary tapes, fewer for very long ones, never below 1", () => {
    expect(laneCount(9000)).toBe(MAX_LANES);
    const long = Math.floor(LANE_BUDGET_BYTES / (8 * 9)); // room for exactly 4 lanes: 2·4 + 1 = 9
    expect(laneCount(long)).toBe(4);
    expect(laneCount(1e9)).toBe(1);
  });
});
