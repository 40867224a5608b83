/**
 * The compositions over arrays (src/compose.ts): values against plain-JS references, gradients
 * against closed forms, on both engines, and the stable ones at the arguments where the naive
 * formula overflows.
 */
import { describe, expect, it } from "vitest";
import { clamp, compile, dot, logSoftmax, logsumexp, max, mean, min, norm, parse, prod, softmax, type Var } from "../src/index.js";
import { ENGINES } from "./engines.js";
import { expectClose } from "./helpers.js";

const refLse = (xs: number[]): number => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};
const refSoftmax = (xs: number[]): number[] => xs.map((x) => Math.exp(x - refLse(xs)));

describe.each(ENGINES)("compositions on the %s engine", (engine) => {
  const at = [0.3, -1.2, 2.5, 0.7];
  const vec = (fn: (xs: Var[]) => Var | Var[]) => compile((xs: Var[]) => fn(xs), { inputs: at.length, engine });

  it("logsumexp: value, gradient = softmax, and no overflow at 1000", () => {
    const f = vec((xs) => logsumexp(xs));
    const { value, grad } = f.grad(at);
    expectClose(value, refLse(at), 1e-15);
    refSoftmax(at).forEach((p, i) => expectClose(grad[i]!, p, 1e-14, 1e-16));
    const big = compile((a: Var, b: Var) => logsumexp([a, b]), { engine }).grad([1000, 1000]);
    expect(big.value).toBe(1000 + Math.LN2);
    expectClose(big.grad[0]!, 0.5, 1e-15);
    expectClose(big.grad[1]!, 0.5, 1e-15);
    const inf = compile((a: Var, b: Var) => logsumexp([a, b]), { engine });
    expect(inf.eval([Infinity, 1])[0]).toBe(Infinity);
    expect(inf.eval([-Infinity, -Infinity])[0]).toBe(-Infinity);
    expect(compile((a: Var) => logsumexp([]).add(a), { engine }).eval([1])[0]).toBe(-Infinity);
  });

  it("softmax and logSoftmax: values, a Jacobian pᵢ(δᵢⱼ − pⱼ), and logSoftmax finite where softmax underflows", () => {
    const p = refSoftmax(at);
    const s = vec((xs) => softmax(xs));
    s.eval(at).forEach((v, i) => expectClose(v, p[i]!, 1e-14));
    const J = s.jacobian(at);
    for (let i = 0; i < at.length; i++) {
      for (let j = 0; j < at.length; j++) expectClose(J.data[i * J.cols + j]!, p[i]! * ((i === j ? 1 : 0) - p[j]!), 1e-13, 1e-16);
    }
    const ls = vec((xs) => logSoftmax(xs));
    ls.eval(at).forEach((v, i) => expectClose(v, Math.log(p[i]!), 1e-14, 1e-15));
    const far = compile((a: Var, b: Var) => logSoftmax([a, b]), { engine }).eval([0, -800]);
    expect(far[0]).toBe(-0 + 0); // ln(1/(1 + e⁻⁸⁰⁰)) rounds to 0
    expect(far[1]).toBe(-800);
  });

  it("mean, prod, dot, norm: values and gradients", () => {
    const m = vec((xs) => mean(xs)).grad(at);
    expectClose(m.value, at.reduce((s, x) => s + x, 0) / at.length, 1e-15);
    m.grad.forEach((g) => expect(g).toBe(1 / at.length));
    const p = vec((xs) => prod(xs)).grad(at);
    expectClose(p.value, at.reduce((s, x) => s * x, 1), 1e-15);
    p.grad.forEach((g, i) => expectClose(g, at.filter((_, j) => j !== i).reduce((s, x) => s * x, 1), 1e-15));
    const d = compile((xs: Var[]) => dot(xs.slice(0, 2), xs.slice(2)), { inputs: 4, engine }).grad(at);
    expectClose(d.value, at[0]! * at[2]! + at[1]! * at[3]!, 1e-15);
    expect(Array.from(d.grad)).toEqual([at[2], at[3], at[0], at[1]]);
    const n = vec((xs) => norm(xs)).grad(at);
    const r = Math.hypot(...at);
    expectClose(n.value, r, 1e-15);
    n.grad.forEach((g, i) => expectClose(g, at[i]! / r, 1e-14));
  });

  it("norm does not overflow and has derivative 0 at 0", () => {
    const f = compile((a: Var, b: Var) => norm([a, b]), { engine });
    expectClose(f.eval([3e200, 4e200])[0]!, 5e200, 1e-15); // squared, 9e400 would overflow
    const zero = f.grad([0, 0]);
    expect(zero.value).toBe(0);
    expect(Array.from(zero.grad)).toEqual([0, 0]);
  });

  it("n-ary min and max: the chosen operand gets the derivative, ties to the first", () => {
    const f = compile((xs: Var[]) => [min(...xs), max(xs)], { inputs: 4, engine });
    expect(Array.from(f.eval(at))).toEqual([-1.2, 2.5]);
    const J = f.jacobian(at);
    expect([0, 1, 2, 3].map((j) => J.data[j])).toEqual([0, 1, 0, 0]);
    expect([0, 1, 2, 3].map((j) => J.data[J.cols + j])).toEqual([0, 0, 1, 0]);
    const tie = compile((a: Var, b: Var, c: Var) => max(a, b, c), { engine }).grad([1, 2, 2]);
    expect(Array.from(tie.grad)).toEqual([0, 1, 0]);
  });

  it("clamp: inside, outside and at the bounds (ties go to x)", () => {
    const f = compile((x: Var, lo: Var, hi: Var) => clamp(x, lo, hi), { engine });
    const cases: Array<[number[], number, number[]]> = [
      [[0.5, 0, 1], 0.5, [1, 0, 0]],
      [[-2, 0, 1], 0, [0, 1, 0]],
      [[3, 0, 1], 1, [0, 0, 1]],
      [[0, 0, 1], 0, [1, 0, 0]],
      [[1, 0, 1], 1, [1, 0, 0]],
    ];
    for (const [x, v, g] of cases) {
      const r = f.grad(x);
      expect(r.value).toBe(v);
      expect(Array.from(r.grad)).toEqual(g);
    }
  });
});

describe("compositions: errors and parse", () => {
  it("reject what they cannot mean", () => {
    expect(() => compile((a: Var) => mean([]).add(a))).toThrow(/mean\(xs\) of an empty array/);
    expect(() => compile((a: Var, b: Var) => dot([a], [a, b]))).toThrow(/one length, got 1 and 2/);
    expect(() => compile((a: Var) => clamp(a, 2, 1))).toThrow(/lo ≤ hi, got lo = 2 and hi = 1/);
    expect(() => compile((a: Var) => softmax(a as unknown as Var[])[0]!)).toThrow(/softmax\(xs\) needs an array/);
    expect(() => compile((a: Var) => min().add(a))).toThrow(/min\(\) needs at least one operand/);
  });

  it("clamp is reachable from parse", () => {
    const f = parse("clamp(x, 0, 1)");
    expect(f.eval([2])[0]).toBe(1);
    expect(f.grad([0.25]).grad[0]).toBe(1);
  });
});
