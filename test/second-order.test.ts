/**
 * Every op's second derivative: the op table's daa/dab/dbb against finite differences of its own
 * first partials, then each op's Hessian through the public API on both engines — against closed
 * forms and finite differences of the gradient at ordinary points, and against the documented
 * limits at edge points.
 */
import { describe, expect, it } from "vitest";
import {
  abs, acos, acosh, asin, asinh, atan, atan2, atanh, cbrt, ceil, compile, cos, cosh, div, erf, erfc, exp, expm1,
  floor, hypot, log, log10, log1p, log2, logSigmoid, max, min, mod, mul, OPS, pow, relu, round, select, sigmoid,
  sign, sin, sinh, softplus, sqrt, square, sub, tan, tanh, trunc, add, neg, type EngineName, type Var,
} from "../src/index.js";
import { expectClose } from "./helpers.js";

const engines: EngineName[] = ["wasm", "js"];
const h = 1e-6;

/** Ordinary points (a, b) of each op: inside its domain, away from kinks and ties. */
const ordinary: Record<string, Array<[number, number]>> = {
  default: [[0.7, 1.3], [-0.4, 2.1]],
  log: [[0.7, 0], [2.5, 0]],
  sqrt: [[0.7, 0], [3.1, 0]],
  pow: [[0.7, 1.3], [2.2, -0.6]],
  powc: [[0.7, 3], [1.9, -1.5], [-1.2, 3]],
  relu: [[0.7, 0], [-0.7, 0]],
  abs: [[0.7, 0], [-0.7, 0]],
  tan: [[0.7, 0], [-1.2, 0]],
  // The ops added through the table: inside each domain (acosh ≥ 1, log1p > −1, …), off the jumps.
  log1p: [[0.7, 0], [-0.5, 0]],
  expm1: [[0.7, 0], [-3, 0]],
  softplus: [[0.7, 0], [-4, 0]],
  logSigmoid: [[0.7, 0], [-4, 0]],
  atan: [[0.7, 0], [-3, 0]],
  asin: [[0.7, 0], [-0.4, 0]],
  acos: [[0.7, 0], [-0.4, 0]],
  sinh: [[0.7, 0], [-3, 0]],
  cosh: [[0.7, 0], [-3, 0]],
  asinh: [[0.7, 0], [-3, 0]],
  acosh: [[1.5, 0], [4, 0]],
  atanh: [[0.7, 0], [-0.4, 0]],
  erf: [[0.7, 0], [-1.6, 0]],
  erfc: [[0.7, 0], [-1.6, 0]],
  cbrt: [[0.7, 0], [-2, 0]],
  log2: [[0.7, 0], [2.5, 0]],
  log10: [[0.7, 0], [2.5, 0]],
  sign: [[0.7, 0], [-0.4, 0]],
  floor: [[0.7, 0], [-2.4, 0]],
  ceil: [[0.7, 0], [-2.4, 0]],
  round: [[0.7, 0], [-2.4, 0]],
  trunc: [[0.7, 0], [-2.4, 0]],
  atan2: [[0.7, 1.3], [-0.4, -2.1]],
  hypot: [[0.7, 1.3], [-0.4, 2.1]],
  mod: [[7.3, 2], [-7.3, 2.1]],
};

describe("op table: second-order terms = finite differences of the first partials", () => {
  const smooth = OPS.filter((r) => r.kind === "unary" || r.kind === "binary");
  it.each(smooth.map((r) => [r.name, r] as const))("%s", (name, rule) => {
    const at = (a: number, b: number) => rule.value(a, b);
    const da = (a: number, b: number) => rule.da(a, b, at(a, b));
    const db = (a: number, b: number) => rule.db(a, b, at(a, b));
    for (const [a, b] of ordinary[name] ?? ordinary.default!) {
      const v = at(a, b);
      const tol = 1e-7 * Math.max(1, Math.abs(rule.daa(a, b, v)));
      expectClose(rule.daa(a, b, v), (da(a + h, b) - da(a - h, b)) / (2 * h), 1e-6, tol);
      if (rule.kind === "binary" && name !== "powc") {
        // ∂²/∂a∂b both ways (symmetry of the table), and ∂²/∂b².
        expectClose(rule.dab(a, b, v), (da(a, b + h) - da(a, b - h)) / (2 * h), 1e-6, 1e-7);
        expectClose(rule.dab(a, b, v), (db(a + h, b) - db(a - h, b)) / (2 * h), 1e-6, 1e-7);
        expectClose(rule.dbb(a, b, v), (db(a, b + h) - db(a, b - h)) / (2 * h), 1e-6, 1e-7);
      }
    }
  });
});

/** Each op as a function of its variable operands, with an independent closed-form Hessian. */
interface Case {
  name: string;
  fn: (...xs: Var[]) => Var;
  points: number[][];
  hessian: (...xs: number[]) => number[];
}

const sig = (a: number): number => 1 / (1 + Math.exp(-a));
const unaryCases: Case[] = [
  { name: "neg", fn: (x) => neg(x), points: [[0.7]], hessian: () => [0] },
  { name: "sin", fn: (x) => sin(x), points: [[0.7], [-2]], hessian: (a) => [-Math.sin(a)] },
  { name: "cos", fn: (x) => cos(x), points: [[0.7], [-2]], hessian: (a) => [-Math.cos(a)] },
  { name: "tan", fn: (x) => tan(x), points: [[0.7], [-1.2]], hessian: (a) => [2 * Math.tan(a) / Math.cos(a) ** 2] },
  { name: "exp", fn: (x) => exp(x), points: [[0.7], [-3]], hessian: (a) => [Math.exp(a)] },
  { name: "log", fn: (x) => log(x), points: [[0.7], [4]], hessian: (a) => [-1 / (a * a)] },
  { name: "sqrt", fn: (x) => sqrt(x), points: [[0.7], [4]], hessian: (a) => [-0.25 * a ** -1.5] },
  { name: "square", fn: (x) => square(x), points: [[0.7], [-3]], hessian: () => [2] },
  { name: "tanh", fn: (x) => tanh(x), points: [[0.7], [-1.5]], hessian: (a) => [-2 * Math.tanh(a) / Math.cosh(a) ** 2] },
  {
    name: "sigmoid", fn: (x) => sigmoid(x), points: [[0.7], [-2.5]],
    hessian: (a) => [Math.exp(-a) * (Math.exp(-a) - 1) / (1 + Math.exp(-a)) ** 3],
  },
  { name: "relu", fn: (x) => relu(x), points: [[0.7], [-0.7]], hessian: () => [0] },
  { name: "abs", fn: (x) => abs(x), points: [[0.7], [-0.7]], hessian: () => [0] },
  { name: "powc x^3", fn: (x) => x.pow(3), points: [[0.7], [-1.2]], hessian: (a) => [6 * a] },
  { name: "powc x^-1.5", fn: (x) => x.pow(-1.5), points: [[0.7], [2]], hessian: (a) => [3.75 * a ** -3.5] },
  // The ops added through the table; second derivatives written out here.
  { name: "log1p", fn: (x) => log1p(x), points: [[0.7], [-0.5]], hessian: (a) => [-1 / (1 + a) ** 2] },
  { name: "expm1", fn: (x) => expm1(x), points: [[0.7], [-3]], hessian: (a) => [Math.exp(a)] },
  { name: "softplus", fn: (x) => softplus(x), points: [[0.7], [-4], [30]], hessian: (a) => [Math.exp(a) / (1 + Math.exp(a)) ** 2] },
  { name: "logSigmoid", fn: (x) => logSigmoid(x), points: [[0.7], [-4], [30]], hessian: (a) => [-Math.exp(a) / (1 + Math.exp(a)) ** 2] },
  { name: "atan", fn: (x) => atan(x), points: [[0.7], [-3]], hessian: (a) => [(-2 * a) / (1 + a * a) ** 2] },
  { name: "asin", fn: (x) => asin(x), points: [[0.7], [-0.4]], hessian: (a) => [a / (1 - a * a) ** 1.5] },
  { name: "acos", fn: (x) => acos(x), points: [[0.7], [-0.4]], hessian: (a) => [-a / (1 - a * a) ** 1.5] },
  { name: "sinh", fn: (x) => sinh(x), points: [[0.7], [-3]], hessian: (a) => [(Math.exp(a) - Math.exp(-a)) / 2] },
  { name: "cosh", fn: (x) => cosh(x), points: [[0.7], [-3]], hessian: (a) => [(Math.exp(a) + Math.exp(-a)) / 2] },
  { name: "asinh", fn: (x) => asinh(x), points: [[0.7], [-3]], hessian: (a) => [-a / (1 + a * a) ** 1.5] },
  { name: "acosh", fn: (x) => acosh(x), points: [[1.5], [4]], hessian: (a) => [-a / (a * a - 1) ** 1.5] },
  { name: "atanh", fn: (x) => atanh(x), points: [[0.7], [-0.4]], hessian: (a) => [(2 * a) / (1 - a * a) ** 2] },
  { name: "erf", fn: (x) => erf(x), points: [[0.7], [-1.6]], hessian: (a) => [(-4 * a * Math.exp(-a * a)) / Math.sqrt(Math.PI)] },
  { name: "erfc", fn: (x) => erfc(x), points: [[0.7], [-1.6]], hessian: (a) => [(4 * a * Math.exp(-a * a)) / Math.sqrt(Math.PI)] },
  { name: "cbrt", fn: (x) => cbrt(x), points: [[0.7], [-2]], hessian: (a) => [(-2 / 9) * Math.sign(a) * Math.abs(a) ** (-5 / 3)] },
  { name: "log2", fn: (x) => log2(x), points: [[0.7], [2.5]], hessian: (a) => [-1 / (a * a * Math.log(2))] },
  { name: "log10", fn: (x) => log10(x), points: [[0.7], [2.5]], hessian: (a) => [-1 / (a * a * Math.log(10))] },
  { name: "sign", fn: (x) => sign(x), points: [[0.7], [-0.4]], hessian: () => [0] },
  { name: "floor", fn: (x) => floor(x), points: [[0.7], [-2.4]], hessian: () => [0] },
  { name: "ceil", fn: (x) => ceil(x), points: [[0.7], [-2.4]], hessian: () => [0] },
  { name: "round", fn: (x) => round(x), points: [[0.7], [-2.4]], hessian: () => [0] },
  { name: "trunc", fn: (x) => trunc(x), points: [[0.7], [-2.4]], hessian: () => [0] },
];
const binaryCases: Case[] = [
  { name: "add", fn: (x, y) => add(x, y), points: [[0.7, 1.3]], hessian: () => [0, 0, 0, 0] },
  { name: "sub", fn: (x, y) => sub(x, y), points: [[0.7, 1.3]], hessian: () => [0, 0, 0, 0] },
  { name: "mul", fn: (x, y) => mul(x, y), points: [[0.7, 1.3]], hessian: () => [0, 1, 1, 0] },
  { name: "mul x·x", fn: (x) => mul(x, x), points: [[0.7]], hessian: () => [2] },
  {
    name: "div", fn: (x, y) => div(x, y), points: [[0.7, 1.3], [-2, -0.5]],
    hessian: (a, b) => [0, -1 / (b * b), -1 / (b * b), (2 * a) / b ** 3],
  },
  {
    name: "pow", fn: (x, y) => pow(x, y), points: [[0.7, 1.3], [2.2, -0.6]],
    hessian: (a, b) => {
      const ab = a ** (b - 1) * (1 + b * Math.log(a));
      return [b * (b - 1) * a ** (b - 2), ab, ab, Math.log(a) ** 2 * a ** b];
    },
  },
  { name: "min", fn: (x, y) => min(x, y), points: [[0.7, 1.3], [2, -1]], hessian: () => [0, 0, 0, 0] },
  { name: "max", fn: (x, y) => max(x, y), points: [[0.7, 1.3], [2, -1]], hessian: () => [0, 0, 0, 0] },
  {
    // atan2(y, x), the first operand y; r² = x² + y².
    name: "atan2", fn: (y, x) => atan2(y, x), points: [[0.7, 1.3], [-0.4, -2.1]],
    hessian: (y, x) => {
      const r4 = (x * x + y * y) ** 2;
      return [(-2 * x * y) / r4, (y * y - x * x) / r4, (y * y - x * x) / r4, (2 * x * y) / r4];
    },
  },
  {
    name: "hypot", fn: (x, y) => hypot(x, y), points: [[0.7, 1.3], [-0.4, 2.1]],
    hessian: (x, y) => {
      const r3 = (x * x + y * y) ** 1.5;
      return [(y * y) / r3, (-x * y) / r3, (-x * y) / r3, (x * x) / r3];
    },
  },
  { name: "mod", fn: (x, y) => mod(x, y), points: [[7.3, 2], [-7.3, 2.1]], hessian: () => [0, 0, 0, 0] },
  {
    name: "select", fn: (x) => select(x.gt(0), x.pow(3), sin(x)), points: [[1], [-1]],
    hessian: (a) => [a > 0 ? 6 * a : -Math.sin(a)],
  },
];

/** Edge points: the documented limits (ops.ts `edge`) carried through to the Hessian. */
const edges: Array<{ name: string; fn: (...xs: Var[]) => Var; at: number[]; expected: number[] }> = [
  { name: "sqrt at 0: −∞", fn: (x) => sqrt(x), at: [0], expected: [-Infinity] },
  { name: "log at 0: −∞", fn: (x) => log(x), at: [0], expected: [-Infinity] },
  { name: "log below 0: NaN", fn: (x) => log(x), at: [-1], expected: [NaN] },
  { name: "tanh saturated: 0, not NaN", fn: (x) => tanh(x), at: [30], expected: [0] },
  { name: "tanh saturated below: 0", fn: (x) => tanh(x), at: [-30], expected: [0] },
  { name: "sigmoid at −800: 0", fn: (x) => sigmoid(x), at: [-800], expected: [0] },
  { name: "sigmoid at 40: 0", fn: (x) => sigmoid(x), at: [40], expected: [0] },
  { name: "exp overflow: +∞", fn: (x) => exp(x), at: [710], expected: [Infinity] },
  { name: "relu at the kink: 0", fn: (x) => relu(x), at: [0], expected: [0] },
  { name: "abs at the kink: 0", fn: (x) => abs(x), at: [0], expected: [0] },
  { name: "x^2 at 0: 2", fn: (x) => x.pow(2), at: [0], expected: [2] },
  { name: "x^1 at 0: 0, not 0·∞", fn: (x) => x.pow(1), at: [0], expected: [0] },
  { name: "x^0 at 0: 0", fn: (x) => x.pow(0), at: [0], expected: [0] },
  { name: "x^0.5 at 0: −∞", fn: (x) => x.pow(0.5), at: [0], expected: [-Infinity] },
  { name: "x^0.5 below 0: NaN", fn: (x) => x.pow(0.5), at: [-1], expected: [NaN] },
  { name: "x^3 at a negative base: 6x", fn: (x) => x.pow(3), at: [-2], expected: [-12] },
  { name: "pow(x, y) at x = 0, y = 3: 0", fn: (x, y) => pow(x, y), at: [0, 3], expected: [0, 0, 0, 0] },
  { name: "pow(x, y) at x < 0: NaN in y", fn: (x, y) => pow(x, y), at: [-2, 3], expected: [-12, NaN, NaN, NaN] },
  { name: "min at a tie: 0", fn: (x, y) => min(x, y), at: [1, 1], expected: [0, 0, 0, 0] },
  { name: "max at a tie: 0", fn: (x, y) => max(x, y), at: [1, 1], expected: [0, 0, 0, 0] },
  { name: "x / y at y = 0: ±∞", fn: (x, y) => div(x, y), at: [1, 0], expected: [0, -Infinity, -Infinity, Infinity] },
  { name: "log1p at −1: −∞", fn: (x) => log1p(x), at: [-1], expected: [-Infinity] },
  { name: "asin at 1: +∞", fn: (x) => asin(x), at: [1], expected: [Infinity] },
  { name: "asin at −1: −∞", fn: (x) => asin(x), at: [-1], expected: [-Infinity] },
  { name: "acosh at 1: −∞", fn: (x) => acosh(x), at: [1], expected: [-Infinity] },
  { name: "atanh at 1: +∞", fn: (x) => atanh(x), at: [1], expected: [Infinity] },
  { name: "cbrt at 0: −∞", fn: (x) => cbrt(x), at: [0], expected: [-Infinity] },
  { name: "softplus at ±800: 0, not NaN", fn: (x) => softplus(x).add(softplus(x.neg())), at: [800], expected: [0] },
  { name: "logSigmoid at −800: 0", fn: (x) => logSigmoid(x), at: [-800], expected: [0] },
  { name: "erf far out: 0", fn: (x) => erf(x), at: [30], expected: [0] },
  { name: "round at a tie: 0", fn: (x) => round(x), at: [2.5], expected: [0] },
  { name: "floor at an integer: 0", fn: (x) => floor(x), at: [2], expected: [0] },
  { name: "hypot at the origin: 0", fn: (x, y) => hypot(x, y), at: [0, 0], expected: [0, 0, 0, 0] },
  { name: "atan2 at the origin: NaN", fn: (y, x) => atan2(y, x), at: [0, 0], expected: [NaN, NaN, NaN, NaN] },
  {
    name: "an unchosen branch's NaN does not leak",
    fn: (x) => select(x.gt(0), sqrt(x), x.mul(x)), at: [-1], expected: [2],
  },
  { name: "sqrt's ∞ on an unchosen branch at 0", fn: (x) => select(x.gt(0), sqrt(x), x.mul(x)), at: [0], expected: [2] },
];

describe.each(engines)("each op's Hessian (%s engine)", (engine) => {
  it.each([...unaryCases, ...binaryCases].map((c) => [c.name, c] as const))("%s: closed form and FD of grad", (_name, c) => {
    const f = compile(c.fn, { engine });
    for (const p of c.points) {
      const H = f.hessian(p).data;
      expectClose(H, c.hessian(...p), 1e-13, 1e-14);
      // Finite differences of the engine's own gradient, column by column.
      const n = p.length;
      for (let i = 0; i < n; i++) {
        const up = [...p];
        const down = [...p];
        up[i]! += h;
        down[i]! -= h;
        const gu = f.grad(up).grad;
        const gd = f.grad(down).grad;
        for (let j = 0; j < n; j++) expectClose(H[j * n + i]!, (gu[j]! - gd[j]!) / (2 * h), 1e-6, 1e-7);
      }
      // hvp along a unit vector is that row.
      expectClose(f.hvp(p, p.map((_, i) => (i === 0 ? 1 : 0))), H.subarray(0, n), 0, 0);
    }
  });

  it.each(edges.map((e) => [e.name, e] as const))("edge: %s", (_name, e) => {
    const f = compile(e.fn, { engine });
    expectClose(f.hessian(e.at).data, e.expected, 0, 0);
  });

  it("second derivatives of tanh, exp and sigmoid compose (TensorFlow.js issue 3252)", () => {
    const f = compile((x) => tanh(exp(sigmoid(x))), { engine });
    const x = 0.3;
    const s = sig(x);
    const e = Math.exp(s);
    const t = Math.tanh(e);
    // f = tanh(u), u = exp(s), s = σ(x): f'' = tanh''(u)·u'² + tanh'(u)·u''.
    const s1 = s * (1 - s);
    const s2 = s1 * (1 - 2 * s);
    const u1 = e * s1;
    const u2 = e * s1 * s1 + e * s2;
    const expected = -2 * t * (1 - t * t) * u1 * u1 + (1 - t * t) * u2;
    expectClose(f.hessian([x]).data, [expected], 1e-13, 1e-15);
  });
});

it("every differentiable op in the table has a Hessian case here", () => {
  const covered = new Set([...unaryCases, ...binaryCases].map((c) => c.name.split(" ")[0]));
  const ops = OPS.filter((r) => r.kind === "unary" || r.kind === "binary" || r.name === "select").map((r) => r.name);
  expect(ops.filter((name) => !covered.has(name))).toEqual([]);
});
