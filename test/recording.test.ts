/**
 * Recording details the benchmark work touched: traces reuse their growable arrays between
 * compiles, and small integer constants bypass the constants map. Both must be invisible.
 */
import { describe, expect, it } from "vitest";
import { compile, constant, sin, square, sub, type Var } from "../src/index.js";
import { expectClose, numericGradient, randomVector, rng } from "./helpers.js";

const rosenbrock = (xs: Var[]): Var => {
  let total: Var | number = 0;
  for (let i = 0; i < xs.length - 1; i++) {
    const term = square(xs[i + 1]!.sub(square(xs[i]!))).mul(100).add(square(sub(1, xs[i]!)));
    total = typeof total === "number" ? term : total.add(term);
  }
  return total as Var;
};
const rosenbrockValue = (x: ArrayLike<number>): number => {
  let f = 0;
  for (let i = 0; i < x.length - 1; i++) f += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
  return f;
};

describe("recording", () => {
  it("a big tape, then a small one, then a big one again: each tape is exactly what was traced", () => {
    const big = compile(rosenbrock, { inputs: 3000 });
    const small = compile((x, y) => x.add(y).mul(sin(x)));
    const again = compile(rosenbrock, { inputs: 50 });
    expect(small.size).toBe(5);
    expect(Array.from(small.tape.op)).toEqual([0, 0, 3, 10, 5]);
    expect(again.size).toBe(8 * 49 + 50 + 1);
    const x = randomVector(rng(1), 50, -1.5, 1.5);
    expectClose(again.grad(x).grad, numericGradient(rosenbrockValue, x), 1e-6, 1e-6);
    expectClose(again.grad(x).value, rosenbrockValue(x));
    expectClose(small.grad([Math.PI, Math.PI]).grad, [-2 * Math.PI, Math.sin(Math.PI)]);
    expect(big.size).toBe(8 * 2999 + 3000 + 1);
    for (const f of [big, small, again]) f.dispose();
  });

  it("a compile nested inside another records both tapes correctly", () => {
    let inner = null as ReturnType<typeof compile> | null;
    const outer = compile((x) => {
      const y = x.mul(3);
      inner = compile((u) => u.mul(u).add(7));
      return y.add(2);
    });
    expectClose(outer.eval([5]), [17]);
    expectClose(inner!.grad([4]).grad, [8]);
    expectClose(inner!.eval([4]), [23]);
    expect(Array.from(outer.tape.op)).toEqual([0, 2, 5, 2, 3]);
  });

  it("integer constants 0…255 are pooled once each, like every other constant, on both engines", () => {
    for (const engine of ["wasm", "js"] as const) {
      const f = compile((x) => x.mul(2).add(x.mul(2.5)).add(x.mul(255)).add(x.mul(256)).add(x.mul(2)).add(constant(0)).add(x.mul(-0)), { engine });
      // Distinct constants: 2, 2.5, 255, 256, 0, −0.
      expect(Array.from(f.tape.constants)).toEqual([2, 2.5, 255, 256, 0, -0]);
      expect(Object.is(f.tape.constants[5], -0)).toBe(true);
      expectClose(f.grad([3]).grad, [2 + 2.5 + 255 + 256 + 2]);
      const g = compile((x) => x.mul(-0), { engine });
      expect(Object.is(g.eval([1])[0], -0)).toBe(true);
    }
  });
});
