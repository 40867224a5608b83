/**
 * Piecewise ops (relu, abs, min, max) route derivative to the chosen operand (ops.ts `routes`):
 * an infinite tangent or adjoint reaching one gives exactly 0 to the operand not chosen, never
 * 0·∞ = NaN — in every sweep: grad, vjp, jvp, the lane sweeps behind Jacobians and Hessians, and
 * the batch kernels, on both engines.
 */
import { describe, expect, it } from "vitest";
import { abs, compile, max, min, relu, type Var } from "../src/index.js";
import { ENGINES } from "./engines.js";

/** x·10³⁰⁰·10³⁰⁰: its derivative in x is +∞ (and its value ±∞, or 0 at x = 0). */
const blowUp = (x: Var): Var => x.mul(1e300).mul(1e300);

const CASES = [
  { name: "relu below its kink", fn: (x: Var, y: Var) => relu(blowUp(x)).add(y), at: [-1, 2], grad: [0, 1] },
  { name: "relu above its kink", fn: (x: Var, y: Var) => relu(blowUp(x)).add(y), at: [1, 2], grad: [Infinity, 1] },
  { name: "abs at 0", fn: (x: Var, y: Var) => abs(blowUp(x)).add(y), at: [0, 2], grad: [0, 1] },
  { name: "abs below 0", fn: (x: Var, y: Var) => abs(blowUp(x)).add(y), at: [-1, 2], grad: [-Infinity, 1] },
  { name: "max choosing the other operand", fn: (x: Var, y: Var) => max(blowUp(x), y), at: [-1, 0], grad: [0, 1] },
  { name: "min choosing the other operand", fn: (x: Var, y: Var) => min(blowUp(x), y), at: [1, 0], grad: [0, 1] },
];

describe.each(ENGINES)("routing piecewise ops on the %s engine", (engine) => {
  for (const c of CASES) {
    it(`${c.name}: every first-order sweep agrees`, () => {
      const f = compile(c.fn, { engine });
      expect(Array.from(f.grad(c.at).grad)).toEqual(c.grad);
      expect(Array.from(f.vjp(c.at, [1]).grad)).toEqual(c.grad);
      expect([f.jvp(c.at, [1, 0]).tangent[0], f.jvp(c.at, [0, 1]).tangent[0]]).toEqual(c.grad);
      expect(Array.from(f.jacfwd(c.at).data)).toEqual(c.grad);
      expect(Array.from(f.jacrev(c.at).data)).toEqual(c.grad);
      expect(Array.from(f.jvpMany(c.at, [1, 0, 0, 1], 2).tangents)).toEqual(c.grad);
      expect(Array.from(f.vjpMany(c.at, [1, 1], 2).grads)).toEqual([...c.grad, ...c.grad]);
    });
  }

  it("an infinite adjoint reaching a piecewise op gives exactly 0 to the operand not chosen, in every reverse sweep", () => {
    // Above, the infinity sits below the piecewise op, so a reverse sweep never carries it there.
    // Here it sits above: f = 10⁶⁰⁰·g, and the adjoint arriving at g's node is +∞.
    const big = (v: Var): Var => v.mul(1e300).mul(1e300);
    const cases: Array<[string, (x: Var, y: Var) => Var, number[], number[]]> = [
      ["relu below its kink", (x, _y) => big(relu(x)), [-1, 3], [0, 0]],
      ["abs at 0", (x, _y) => big(abs(x)), [0, 3], [0, 0]],
      ["max choosing the second operand", (x, y) => big(max(x, y)), [1, 3], [0, Infinity]],
      ["min choosing the first operand", (x, y) => big(min(x, y)), [1, 3], [Infinity, 0]],
    ];
    for (const [name, fn, at, grad] of cases) {
      const f = compile(fn, { engine });
      expect(Array.from(f.grad(at).grad), name).toEqual(grad);
      expect(Array.from(f.vjp(at, [1]).grad), name).toEqual(grad);
      expect(Array.from(f.jacrev(at).data), name).toEqual(grad);
      expect(Array.from(f.vjpMany(at, [1, 1], 2).grads), name).toEqual([...grad, ...grad]);
      f.dispose();
    }
    // The batch kernels: params (x, y), one data input s per point.
    const batched = compile({ params: 2, data: 1, engine }, ([x, y]: Var[], [s]: Var[]) =>
      big(abs(x!.mul(s!))).add(big(max(relu(y!.mul(s!)), x!))));
    const dataset = new Float64Array([1, 2, 3]);
    // x = 0: abs at 0 and max(0, 0) tie to relu's side; y < 0: relu below its kink.
    expect(Array.from(batched.gradBatch([0, -1], dataset).grad)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(batched.meanGrad([0, -1], dataset).grad)).toEqual([0, 0]);
    batched.dispose();
  });

  it("second derivatives through a piecewise op below its kink are exactly 0", () => {
    const f = compile((x: Var, y: Var) => relu(blowUp(x)).add(y.mul(y)), { engine });
    expect(Array.from(f.hessian([-1, 3]).data)).toEqual([0, 0, 0, 2]);
    expect(Array.from(f.hvp([-1, 3], [1, 1]))).toEqual([0, 2]);
    const g = compile((x: Var, y: Var) => abs(blowUp(x)).add(y.mul(y)), { engine });
    expect(Array.from(g.hessian([0, 3]).data)).toEqual([0, 0, 0, 2]);
  });

  it("an infinite adjoint reaching a piecewise op gives second derivatives exactly 0 (hessian, hvp)", () => {
    // f = 10⁶⁰⁰·(piecewise-linear g): the adjoint at g's node is +∞, its Hessian is exactly 0.
    // Routing passes ā and ȧ along; a second-order term ā·f_aa would be ∞·0 = NaN.
    const big = (v: Var): Var => v.mul(1e300).mul(1e300);
    const cases: Array<[string, (x: Var, y: Var) => Var, number[], number[]]> = [
      ["relu above its kink", (x, _y) => big(relu(x)), [1, 3], [Infinity, 0]],
      ["abs above 0", (x, _y) => big(abs(x)), [1, 3], [Infinity, 0]],
      ["abs below 0", (x, _y) => big(abs(x)), [-1, 3], [-Infinity, 0]],
      ["max", (x, y) => big(max(x, y)), [1, 3], [0, Infinity]],
      ["min", (x, y) => big(min(x, y)), [1, 3], [Infinity, 0]],
    ];
    for (const [name, fn, at, grad] of cases) {
      const f = compile(fn, { engine });
      expect(Array.from(f.grad(at).grad), name).toEqual(grad);
      expect(Array.from(f.hessian(at).data), name).toEqual([0, 0, 0, 0]);
      expect(Array.from(f.hvp(at, [1, -1])), name).toEqual([0, 0]);
      f.dispose();
    }
  });

  it("batches route too: the data point's infinite seed gives exactly 0 where not chosen", () => {
    const f = compile({ params: 2, data: 1, engine }, ([x, y]: Var[], [s]: Var[]) => abs(x!.mul(s!).mul(1e300)).add(relu(y!.mul(s!).mul(1e300))));
    // s = 1e300: both products have derivative ±∞ in their parameter; x = 0 and y < 0 choose nothing.
    const dataset = new Float64Array([1e300, 1e300, 1e300]);
    const { grad } = f.gradBatch([0, -1], dataset);
    expect(Array.from(grad)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(f.meanGrad([0, -1], dataset).grad)).toEqual([0, 0]);
  });
});
