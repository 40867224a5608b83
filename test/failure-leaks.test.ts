/**
 * Nothing leaks on a failure path: a compile() or a first batch call that fails after its block of
 * WebAssembly memory was allocated gives the block back, so the next compile still fits.
 * A failure after the allocation is provoked by making the next Heap.fill throw — the engines
 * call it right after allocating. (Before the fix such a failure — e.g. the signed-shift
 * RangeError past 2 GiB — kept the block for good.)
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { compile, memoryStats, setMemoryLimit, sin, type Var } from "../src/index.js";
import { Heap } from "../src/wasm/heap.js";

const seed = (x: Var, y: Var) => x.add(y).mul(sin(x));

/** Makes the next Heap.prototype.fill call throw, once (later calls run the real fill). */
function failNextFill(): void {
  vi.spyOn(Heap.prototype, "fill").mockImplementationOnce(() => {
    throw new RangeError("injected failure after allocation");
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("failure paths leak nothing", () => {
  it("a compile() that fails after allocating gives its block back", () => {
    compile(seed).dispose(); // the module and heap exist before the baseline is taken
    const before = memoryStats();
    failNextFill();
    expect(() => compile(seed)).toThrow(/injected failure/);
    const after = memoryStats();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.liveFunctions).toBe(before.liveFunctions);
    const f = compile(seed);
    expect(f.grad([Math.PI, Math.PI]).grad[0]).toBeCloseTo(-2 * Math.PI, 12);
    f.dispose();
    expect(memoryStats().bytesInUse).toBe(before.bytesInUse);
  });

  it("a first batch call that fails after allocating its lanes gives them back and can be retried", () => {
    const f = compile({ params: 2, data: 1 }, ([w, b], [x]) => w!.mul(x!).add(b!).mul(w!.mul(x!).add(b!)));
    const held = memoryStats().bytesInUse;
    failNextFill();
    expect(() => f.meanGrad([1, 0], [1, 2, 3])).toThrow(/injected failure/);
    expect(memoryStats().bytesInUse).toBe(held);
    const { value, grad } = f.meanGrad([1, 0], [1, 2, 3]);
    expect(value).toBeCloseTo(14 / 3, 12); // mean of (w·x + b)² at w = 1, b = 0
    expect(grad[0]).toBeCloseTo((2 * (1 + 4 + 9)) / 3, 12);
    expect(grad[1]).toBeCloseTo((2 * (1 + 2 + 3)) / 3, 12);
    f.dispose();
  });

  it("a compile() over the memory limit fails at once, leaks nothing, and the next one fits", () => {
    compile(seed).dispose();
    const before = memoryStats();
    setMemoryLimit(before.memoryBytes);
    try {
      const big = before.memoryBytes / 8; // 25 bytes a node: certainly over the limit
      expect(() => compile((xs: Var[]) => xs[0]!, { inputs: big })).toThrow(/tapegrad: out of memory/);
      expect(memoryStats().bytesInUse).toBe(before.bytesInUse);
      const f = compile(seed);
      expect(f.eval([1, 2])[0]).toBeCloseTo(3 * Math.sin(1), 14);
      f.dispose();
    } finally {
      setMemoryLimit(4 * 2 ** 30);
    }
  });
});
