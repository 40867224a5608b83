/**
 * Shared test tools: a seeded random number generator, central differences, closeness checks,
 * and random computational graphs built from every smooth op through the public API.
 */
import { expect } from "vitest";
import {
  abs, add, cos, div, exp, log, max, min, mul, relu, sigmoid, sin, sqrt, square, sub, tan, tanh,
  type Var,
} from "../src/index.js";
import { mulberry32 } from "../src/random.js";

/** The library's seeded generator (src/random.ts), so every random test is reproducible. */
export const rng = mulberry32;

/** A random vector with entries uniform in [lo, hi). */
export function randomVector(random: () => number, n: number, lo = -1, hi = 1): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * random();
  return v;
}

/** Central difference of a scalar function of one variable: (f(x+h) − f(x−h)) / 2h. */
export function centralDiff(f: (x: number) => number, x: number, h = 1e-6): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

/** m×n Jacobian of f by central differences of its values, one coordinate at a time, row-major. */
export function numericJacobian(f: (x: Float64Array) => ArrayLike<number>, x: ArrayLike<number>, m: number, h = 1e-6): Float64Array {
  const n = x.length;
  const J = new Float64Array(m * n);
  const p = Float64Array.from(x);
  for (let i = 0; i < n; i++) {
    const xi = p[i]!;
    p[i] = xi + h;
    const up = Float64Array.from(f(p));
    p[i] = xi - h;
    const down = f(p);
    p[i] = xi;
    for (let j = 0; j < m; j++) J[j * n + i] = (up[j]! - down[j]!) / (2 * h);
  }
  return J;
}

/** Gradient of f: Rⁿ → R by central differences (a 1×n Jacobian). */
export function numericGradient(f: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-6): Float64Array {
  return numericJacobian((p) => [f(p)], x, 1, h);
}

/** |a − b| ≤ atol + rtol·max(|a|, |b|), elementwise, with a message naming the index. */
export function expectClose(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, rtol = 1e-12, atol = 1e-12): void {
  const a = typeof actual === "number" ? [actual] : Array.from(actual);
  const e = typeof expected === "number" ? [expected] : Array.from(expected);
  expect(a.length).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Number.isNaN(y)) {
      expect(x, `element ${i}`).toBeNaN();
      continue;
    }
    if (!Number.isFinite(y)) {
      expect(x, `element ${i}`).toBe(y);
      continue;
    }
    const tol = atol + rtol * Math.max(Math.abs(x), Math.abs(y));
    if (!(Math.abs(x - y) <= tol)) {
      throw new Error(`element ${i}: ${x} is not within ${tol.toExponential(2)} of ${y} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/**
 * A random graph over `inputs` variables: `nodes` operations, each drawn from the smooth ops
 * with operands drawn from everything built so far, kept in domains where every op is finite
 * and differentiable (log and sqrt of 1 + u², division by 1 + u², tan of a bounded argument).
 * Returns the builder; call it inside compile((xs) => …, { inputs }).
 * `outputs` > 1 returns that many of the last nodes.
 */
export function randomGraph(seed: number, nodes: number, outputs = 1): (xs: Var[]) => Var | Var[] {
  return (xs: Var[]) => {
    const random = rng(seed);
    const pool: Var[] = [...xs];
    const pick = (): Var => pool[Math.floor(random() * pool.length)]!;
    const positive = (u: Var): Var => add(1, square(u));
    const makers: Array<() => Var> = [
      () => add(pick(), pick()),
      () => sub(pick(), pick()),
      () => mul(pick(), pick()),
      () => div(pick(), positive(pick())),
      () => sin(pick()),
      () => cos(pick()),
      () => tan(mul(0.5, tanh(pick()))),
      () => exp(mul(0.5, tanh(pick()))),
      () => log(positive(pick())),
      () => sqrt(positive(pick())),
      () => square(pick()),
      () => tanh(pick()),
      () => sigmoid(pick()),
      () => pick().pow(2),
      () => positive(pick()).pow(tanh(pick())),
      () => mul(pick(), 0.7).neg(),
      // Non-smooth ops, evaluated away from their kinks with probability 1 at random points.
      () => abs(pick()),
      () => relu(pick()),
      () => min(pick(), pick()),
      () => max(pick(), pick()),
    ];
    for (let i = 0; i < nodes; i++) pool.push(makers[Math.floor(random() * makers.length)]!());
    return outputs === 1 ? pool[pool.length - 1]! : pool.slice(pool.length - outputs);
  };
}
