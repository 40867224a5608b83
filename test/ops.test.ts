/**
 * Every op: value and first derivative against its closed form and against central differences,
 * at ordinary points and at its edge points, on both engines and in both modes (reverse: grad and
 * vjp; forward: jvp along each unit direction).
 */
import { describe, expect, it } from "vitest";
import {
  abs, acos, acosh, asin, asinh, atan, atan2, atanh, cbrt, ceil, compile, cos, cosh, eq, erf, erfc, exp, expm1,
  floor, ge, gt, hypot, le, log, log10, log1p, log2, logSigmoid, lt, max, min, mod, neg, OP, OPS, pow, relu,
  round, select, sigmoid, sign, sin, sinh, softplus, sqrt, square, tan, tanh, trunc, type Compiled, type Var,
} from "../src/index.js";
import { erfcReference, erfReference } from "./erf-reference.js";
import { ENGINES } from "./engines.js";
import { expectClose } from "./helpers.js";

interface Case {
  /** The op as a traced function of one or two variables. */
  fn: (x: Var, y: Var) => Var;
  /** Closed forms: the value and the partials with respect to x and y. */
  value: (x: number, y: number) => number;
  dx: (x: number, y: number) => number;
  dy: (x: number, y: number) => number;
  /** Ordinary points, where central differences must agree. */
  points: Array<[number, number]>;
  /** Edge points with the exact value and partials the op table documents. */
  edges?: Array<{ at: [number, number]; value: number; dx: number; dy: number }>;
}

const zero = (): number => 0;
const sech2 = (x: number): number => 1 / Math.cosh(x) ** 2;
const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

const CASES: Record<string, Case> = {
  add: { fn: (x, y) => x.add(y), value: (x, y) => x + y, dx: () => 1, dy: () => 1, points: [[0.3, -1.7], [5, 2]] },
  sub: { fn: (x, y) => x.sub(y), value: (x, y) => x - y, dx: () => 1, dy: () => -1, points: [[0.3, -1.7], [5, 2]] },
  mul: { fn: (x, y) => x.mul(y), value: (x, y) => x * y, dx: (_x, y) => y, dy: (x) => x, points: [[0.3, -1.7], [5, 2]] },
  div: {
    fn: (x, y) => x.div(y), value: (x, y) => x / y, dx: (_x, y) => 1 / y, dy: (x, y) => -x / (y * y),
    points: [[0.3, -1.7], [5, 2]],
    edges: [{ at: [1, 0], value: Infinity, dx: Infinity, dy: -Infinity }],
  },
  pow: {
    fn: (x, y) => pow(x, y), value: (x, y) => x ** y, dx: (x, y) => y * x ** (y - 1), dy: (x, y) => x ** y * Math.log(x),
    points: [[1.3, 2.5], [0.4, -1.5], [2, 3]],
    edges: [
      { at: [-2, 3], value: -8, dx: 12, dy: NaN }, // integer exponent: fine in x, not real-differentiable in y
      { at: [0, 2], value: 0, dx: 0, dy: 0 }, // the limit x^y·ln x → 0
      { at: [0, 0], value: 1, dx: 0, dy: NaN }, // d/dx of the constant 1; ln 0 with y = 0 has no limit
    ],
  },
  powc: {
    fn: (x) => x.pow(3), value: (x) => x ** 3, dx: (x) => 3 * x * x, dy: zero,
    points: [[1.3, 0], [-0.7, 0]],
    edges: [
      { at: [-2, 0], value: -8, dx: 12, dy: 0 }, // negative base, integer exponent
      { at: [0, 0], value: 0, dx: 0, dy: 0 },
    ],
  },
  powcFractional: {
    fn: (x) => x.pow(0.5), value: (x) => x ** 0.5, dx: (x) => 0.5 / Math.sqrt(x), dy: zero,
    points: [[2.3, 0]],
    edges: [
      { at: [-2, 0], value: NaN, dx: NaN, dy: 0 }, // negative base, fractional exponent
      { at: [0, 0], value: 0, dx: Infinity, dy: 0 },
    ],
  },
  powcZero: {
    fn: (x) => x.pow(0), value: () => 1, dx: zero, dy: zero, points: [[2.3, 0]],
    edges: [{ at: [0, 0], value: 1, dx: 0, dy: 0 }],
  },
  neg: { fn: (x) => neg(x), value: (x) => -x, dx: () => -1, dy: zero, points: [[0.3, 0], [-4, 0]] },
  sin: { fn: (x) => sin(x), value: Math.sin, dx: Math.cos, dy: zero, points: [[0.3, 0], [-4, 0]] },
  cos: { fn: (x) => cos(x), value: Math.cos, dx: (x) => -Math.sin(x), dy: zero, points: [[0.3, 0], [-4, 0]] },
  tan: { fn: (x) => tan(x), value: Math.tan, dx: (x) => 1 / Math.cos(x) ** 2, dy: zero, points: [[0.3, 0], [-1.2, 0]] },
  exp: {
    fn: (x) => exp(x), value: Math.exp, dx: Math.exp, dy: zero, points: [[0.3, 0], [-4, 0]],
    edges: [{ at: [710, 0], value: Infinity, dx: Infinity, dy: 0 }],
  },
  log: {
    fn: (x) => log(x), value: Math.log, dx: (x) => 1 / x, dy: zero, points: [[0.3, 0], [40, 0]],
    edges: [
      { at: [1e-300, 0], value: Math.log(1e-300), dx: 1e300, dy: 0 },
      { at: [0, 0], value: -Infinity, dx: Infinity, dy: 0 },
      { at: [-1, 0], value: NaN, dx: NaN, dy: 0 },
    ],
  },
  sqrt: {
    fn: (x) => sqrt(x), value: Math.sqrt, dx: (x) => 0.5 / Math.sqrt(x), dy: zero, points: [[0.3, 0], [40, 0]],
    edges: [
      { at: [0, 0], value: 0, dx: Infinity, dy: 0 },
      { at: [-1, 0], value: NaN, dx: NaN, dy: 0 },
    ],
  },
  square: { fn: (x) => square(x), value: (x) => x * x, dx: (x) => 2 * x, dy: zero, points: [[0.3, 0], [-4, 0]] },
  tanh: {
    fn: (x) => tanh(x), value: Math.tanh, dx: sech2, dy: zero, points: [[0.3, 0], [-2, 0]],
    edges: [{ at: [30, 0], value: 1, dx: 0, dy: 0 }],
  },
  sigmoid: {
    fn: (x) => sigmoid(x), value: logistic, dx: (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2, dy: zero,
    points: [[0.3, 0], [-3, 0]],
    edges: [
      { at: [-800, 0], value: 0, dx: 0, dy: 0 },
      { at: [800, 0], value: 1, dx: 0, dy: 0 },
    ],
  },
  relu: {
    fn: (x) => relu(x), value: (x) => Math.max(x, 0), dx: (x) => (x > 0 ? 1 : 0), dy: zero, points: [[0.3, 0], [-4, 0]],
    edges: [{ at: [0, 0], value: 0, dx: 0, dy: 0 }],
  },
  abs: {
    fn: (x) => abs(x), value: Math.abs, dx: Math.sign, dy: zero, points: [[0.3, 0], [-4, 0]],
    edges: [{ at: [0, 0], value: 0, dx: 0, dy: 0 }],
  },
  min: {
    fn: (x, y) => min(x, y), value: Math.min, dx: (x, y) => (x < y ? 1 : 0), dy: (x, y) => (x < y ? 0 : 1),
    points: [[0.3, 1], [2, -1]],
    edges: [{ at: [1, 1], value: 1, dx: 1, dy: 0 }], // ties go to the first operand
  },
  max: {
    fn: (x, y) => max(x, y), value: Math.max, dx: (x, y) => (x > y ? 1 : 0), dy: (x, y) => (x > y ? 0 : 1),
    points: [[0.3, 1], [2, -1]],
    edges: [{ at: [1, 1], value: 1, dx: 1, dy: 0 }],
  },
  lt: { fn: (x, y) => lt(x, y), value: (x, y) => +(x < y), dx: zero, dy: zero, points: [[0.3, 1], [2, -1]] },
  le: { fn: (x, y) => le(x, y), value: (x, y) => +(x <= y), dx: zero, dy: zero, points: [[0.3, 1], [2, -1]], edges: [{ at: [1, 1], value: 1, dx: 0, dy: 0 }] },
  gt: { fn: (x, y) => gt(x, y), value: (x, y) => +(x > y), dx: zero, dy: zero, points: [[0.3, 1], [2, -1]] },
  ge: { fn: (x, y) => ge(x, y), value: (x, y) => +(x >= y), dx: zero, dy: zero, points: [[0.3, 1], [2, -1]], edges: [{ at: [1, 1], value: 1, dx: 0, dy: 0 }] },
  eq: { fn: (x, y) => eq(x, y), value: (x, y) => +(x === y), dx: zero, dy: zero, points: [[0.3, 1]], edges: [{ at: [1, 1], value: 1, dx: 0, dy: 0 }] },
  select: {
    // x·y where x > y, else sin(y): both branches and the condition depend on the inputs.
    fn: (x, y) => select(x.sub(y), x.mul(y), sin(y)),
    value: (x, y) => (x > y ? x * y : Math.sin(y)),
    dx: (x, y) => (x > y ? y : 0),
    dy: (x, y) => (x > y ? x : Math.cos(y)),
    points: [[2, 0.5], [0.5, 2]],
    // At the switch point the condition is 0, which is not > 0: the false branch.
    edges: [{ at: [1, 1], value: Math.sin(1), dx: 0, dy: Math.cos(1) }],
  },
  selectGuard: {
    // select guards a branch that is NaN for the other inputs: its NaN partials must not leak.
    fn: (x) => select(x, sqrt(x), x.neg()),
    value: (x) => (x > 0 ? Math.sqrt(x) : -x),
    dx: (x) => (x > 0 ? 0.5 / Math.sqrt(x) : -1),
    dy: zero,
    points: [[2, 0], [-2, 0]],
    edges: [{ at: [NaN, 0], value: NaN, dx: -1, dy: 0 }], // a NaN condition chooses the false branch
  },
  // The ops added through the table. Closed forms are written here, not taken from src/ops.ts.
  log1p: {
    fn: (x) => log1p(x), value: Math.log1p, dx: (x) => 1 / (1 + x), dy: zero, points: [[0.3, 0], [-0.7, 0], [40, 0]],
    edges: [
      { at: [-1, 0], value: -Infinity, dx: Infinity, dy: 0 },
      { at: [1e-20, 0], value: 1e-20, dx: 1, dy: 0 }, // no cancellation in 1 + x
      { at: [-2, 0], value: NaN, dx: NaN, dy: 0 },
    ],
  },
  expm1: {
    fn: (x) => expm1(x), value: Math.expm1, dx: Math.exp, dy: zero, points: [[0.3, 0], [-4, 0], [-30, 0]],
    edges: [
      { at: [1e-20, 0], value: 1e-20, dx: 1, dy: 0 },
      { at: [710, 0], value: Infinity, dx: Infinity, dy: 0 },
      { at: [-40, 0], value: -1, dx: Math.exp(-40), dy: 0 }, // the value rounds to −1, the derivative eˣ does not
    ],
  },
  softplus: {
    fn: (x) => softplus(x), value: (x) => Math.log(1 + Math.exp(x)), dx: logistic, dy: zero, points: [[0.3, 0], [-3, 0], [4, 0]],
    edges: [
      { at: [800, 0], value: 800, dx: 1, dy: 0 }, // ln(1 + e⁸⁰⁰) without overflow
      { at: [-800, 0], value: 0, dx: 0, dy: 0 }, // σ(−800) underflows to 0
      { at: [-40, 0], value: Math.exp(-40), dx: Math.exp(-40), dy: 0 }, // ln(1 + ε) = ε, no cancellation
    ],
  },
  logSigmoid: {
    fn: (x) => logSigmoid(x), value: (x) => Math.log(logistic(x)), dx: (x) => 1 / (1 + Math.exp(x)), dy: zero,
    points: [[0.3, 0], [-3, 0], [4, 0]],
    edges: [
      { at: [-800, 0], value: -800, dx: 1, dy: 0 },
      { at: [800, 0], value: -0, dx: 0, dy: 0 },
      { at: [40, 0], value: -Math.exp(-40), dx: Math.exp(-40), dy: 0 },
    ],
  },
  atan: {
    fn: (x) => atan(x), value: Math.atan, dx: (x) => 1 / (1 + x * x), dy: zero, points: [[0.3, 0], [-4, 0]],
    edges: [
      { at: [Infinity, 0], value: Math.PI / 2, dx: 0, dy: 0 },
      { at: [-Infinity, 0], value: -Math.PI / 2, dx: 0, dy: 0 },
    ],
  },
  asin: {
    fn: (x) => asin(x), value: Math.asin, dx: (x) => 1 / Math.sqrt(1 - x * x), dy: zero, points: [[0.3, 0], [-0.9, 0]],
    edges: [
      { at: [1, 0], value: Math.PI / 2, dx: Infinity, dy: 0 },
      { at: [-1, 0], value: -Math.PI / 2, dx: Infinity, dy: 0 },
      { at: [1.5, 0], value: NaN, dx: NaN, dy: 0 },
    ],
  },
  acos: {
    fn: (x) => acos(x), value: Math.acos, dx: (x) => -1 / Math.sqrt(1 - x * x), dy: zero, points: [[0.3, 0], [-0.9, 0]],
    edges: [
      { at: [1, 0], value: 0, dx: -Infinity, dy: 0 },
      { at: [-1, 0], value: Math.PI, dx: -Infinity, dy: 0 },
      { at: [-1.5, 0], value: NaN, dx: NaN, dy: 0 },
    ],
  },
  sinh: {
    fn: (x) => sinh(x), value: (x) => (Math.exp(x) - Math.exp(-x)) / 2, dx: (x) => (Math.exp(x) + Math.exp(-x)) / 2, dy: zero,
    points: [[0.7, 0], [-4, 0]],
    edges: [{ at: [711, 0], value: Infinity, dx: Infinity, dy: 0 }, { at: [-711, 0], value: -Infinity, dx: Infinity, dy: 0 }],
  },
  cosh: {
    fn: (x) => cosh(x), value: (x) => (Math.exp(x) + Math.exp(-x)) / 2, dx: (x) => (Math.exp(x) - Math.exp(-x)) / 2, dy: zero,
    points: [[0.7, 0], [-4, 0]],
    edges: [{ at: [0, 0], value: 1, dx: 0, dy: 0 }, { at: [-711, 0], value: Infinity, dx: -Infinity, dy: 0 }],
  },
  asinh: {
    fn: (x) => asinh(x), value: (x) => Math.log(x + Math.sqrt(x * x + 1)), dx: (x) => 1 / Math.sqrt(1 + x * x), dy: zero,
    points: [[0.7, 0], [3, 0]],
    edges: [{ at: [1e200, 0], value: Math.log(2) + 200 * Math.LN10, dx: 1e-200, dy: 0 }], // 1/√(1 + x²) without overflow
  },
  acosh: {
    fn: (x) => acosh(x), value: (x) => Math.log(x + Math.sqrt(x * x - 1)), dx: (x) => 1 / Math.sqrt(x * x - 1), dy: zero,
    points: [[1.5, 0], [7, 0]],
    edges: [
      { at: [1, 0], value: 0, dx: Infinity, dy: 0 },
      { at: [0.5, 0], value: NaN, dx: NaN, dy: 0 },
      { at: [1e200, 0], value: Math.log(2) + 200 * Math.LN10, dx: 1e-200, dy: 0 }, // (x − 1)(x + 1) must not overflow
    ],
  },
  atanh: {
    fn: (x) => atanh(x), value: (x) => 0.5 * Math.log((1 + x) / (1 - x)), dx: (x) => 1 / (1 - x * x), dy: zero,
    points: [[0.3, 0], [-0.8, 0]],
    edges: [
      { at: [1, 0], value: Infinity, dx: Infinity, dy: 0 },
      { at: [-1, 0], value: -Infinity, dx: Infinity, dy: 0 },
      { at: [2, 0], value: NaN, dx: NaN, dy: 0 },
    ],
  },
  erf: {
    // Values from the BigInt reference (test/special.test.ts checks erf against it at many points).
    fn: (x) => erf(x), value: erfReference, dx: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x), dy: zero,
    points: [[0.3, 0], [-1.7, 0], [3, 0]],
    edges: [
      { at: [0.5, 0], value: 0.5204998778130465, dx: 0.8787825789354448, dy: 0 },
      { at: [-0, 0], value: -0, dx: 2 / Math.sqrt(Math.PI), dy: 0 },
      { at: [7, 0], value: 1, dx: 2 / Math.sqrt(Math.PI) * Math.exp(-49), dy: 0 },
      { at: [-30, 0], value: -1, dx: 0, dy: 0 },
    ],
  },
  erfc: {
    fn: (x) => erfc(x), value: erfcReference, dx: (x) => (-2 / Math.sqrt(Math.PI)) * Math.exp(-x * x), dy: zero,
    points: [[0.3, 0], [-1.7, 0], [3, 0]],
    edges: [
      { at: [10, 0], value: 2.088487583762545e-45, dx: (-2 / Math.sqrt(Math.PI)) * Math.exp(-100), dy: 0 },
      { at: [-7, 0], value: 2, dx: (-2 / Math.sqrt(Math.PI)) * Math.exp(-49), dy: 0 },
      { at: [30, 0], value: 0, dx: 0, dy: 0 },
    ],
  },
  cbrt: {
    fn: (x) => cbrt(x), value: (x) => Math.sign(x) * Math.abs(x) ** (1 / 3), dx: (x) => Math.abs(x) ** (-2 / 3) / 3, dy: zero,
    points: [[0.3, 0], [-8, 0], [27, 0]],
    edges: [
      { at: [0, 0], value: 0, dx: Infinity, dy: 0 },
      { at: [-8, 0], value: -2, dx: 1 / 12, dy: 0 },
    ],
  },
  log2: {
    fn: (x) => log2(x), value: (x) => Math.log(x) / Math.LN2, dx: (x) => 1 / (x * Math.LN2), dy: zero, points: [[0.3, 0], [40, 0]],
    edges: [
      { at: [8, 0], value: 3, dx: 1 / (8 * Math.LN2), dy: 0 }, // exact at powers of two
      { at: [0, 0], value: -Infinity, dx: Infinity, dy: 0 },
      { at: [-1, 0], value: NaN, dx: NaN, dy: 0 },
    ],
  },
  log10: {
    fn: (x) => log10(x), value: (x) => Math.log(x) / Math.LN10, dx: (x) => 1 / (x * Math.LN10), dy: zero, points: [[0.3, 0], [40, 0]],
    edges: [
      { at: [1000, 0], value: 3, dx: 1 / (1000 * Math.LN10), dy: 0 },
      { at: [0, 0], value: -Infinity, dx: Infinity, dy: 0 },
      { at: [-1, 0], value: NaN, dx: NaN, dy: 0 },
    ],
  },
  // Piecewise constant: derivative 0 (the jumps included), NaN for NaN.
  sign: {
    fn: (x) => sign(x), value: (x) => (x > 0 ? 1 : -1), dx: zero, dy: zero, points: [[0.3, 0], [-4, 0]],
    edges: [{ at: [0, 0], value: 0, dx: 0, dy: 0 }, { at: [NaN, 0], value: NaN, dx: NaN, dy: 0 }],
  },
  floor: {
    fn: (x) => floor(x), value: (x) => x - (((x % 1) + 1) % 1), dx: zero, dy: zero, points: [[0.3, 0], [-4.5, 0]],
    edges: [{ at: [2, 0], value: 2, dx: 0, dy: 0 }, { at: [-0.5, 0], value: -1, dx: 0, dy: 0 }, { at: [NaN, 0], value: NaN, dx: NaN, dy: 0 }],
  },
  ceil: {
    fn: (x) => ceil(x), value: (x) => -(-x - (((-x % 1) + 1) % 1)), dx: zero, dy: zero, points: [[0.3, 0], [-4.5, 0]],
    edges: [{ at: [2, 0], value: 2, dx: 0, dy: 0 }, { at: [-0.5, 0], value: -0, dx: 0, dy: 0 }, { at: [NaN, 0], value: NaN, dx: NaN, dy: 0 }],
  },
  round: {
    fn: (x) => round(x), value: (x) => Math.floor(x + 0.5), // exact at these points (not at 0.49999999999999994)
    dx: zero, dy: zero, points: [[0.3, 0], [-4.7, 0]],
    edges: [
      { at: [2.5, 0], value: 3, dx: 0, dy: 0 }, // ties toward +∞
      { at: [-2.5, 0], value: -2, dx: 0, dy: 0 },
      { at: [0.49999999999999994, 0], value: 0, dx: 0, dy: 0 }, // x + 0.5 would round up to 1
      { at: [NaN, 0], value: NaN, dx: NaN, dy: 0 },
    ],
  },
  trunc: {
    fn: (x) => trunc(x), value: (x) => (x < 0 ? Math.ceil(x) : Math.floor(x)), dx: zero, dy: zero, points: [[0.3, 0], [-4.5, 0]],
    edges: [{ at: [-0.5, 0], value: -0, dx: 0, dy: 0 }, { at: [NaN, 0], value: NaN, dx: NaN, dy: 0 }],
  },
  atan2: {
    // atan2(y, x): the first operand is y. Partials x/(x² + y²) and −y/(x² + y²).
    fn: (y, x) => atan2(y, x), value: Math.atan2, dx: (y, x) => x / (x * x + y * y), dy: (y, x) => -y / (x * x + y * y),
    points: [[0.3, 1.7], [-1, -2], [2, -0.5]],
    edges: [
      { at: [0, 0], value: 0, dx: NaN, dy: NaN }, // the origin: 0/0
      { at: [0, -1], value: Math.PI, dx: -1, dy: 0 }, // on the cut: the partials are continuous
      { at: [1e300, 1e300], value: Math.PI / 4, dx: 5e-301, dy: -5e-301 }, // no overflow in x² + y²
    ],
  },
  hypot: {
    fn: (x, y) => hypot(x, y), value: (x, y) => Math.sqrt(x * x + y * y), dx: (x, y) => x / Math.sqrt(x * x + y * y),
    dy: (x, y) => y / Math.sqrt(x * x + y * y), points: [[0.3, -1.7], [3, 4]],
    edges: [
      { at: [0, 0], value: 0, dx: 0, dy: 0 }, // the subgradient of least norm
      { at: [3e300, 4e300], value: 5e300, dx: 0.6, dy: 0.8 },
      { at: [Infinity, NaN], value: Infinity, dx: NaN, dy: NaN },
    ],
  },
  mod: {
    // x % y = x − q·y with q = trunc(x/y): ∂/∂x = 1, ∂/∂y = −q.
    fn: (x, y) => mod(x, y), value: (x, y) => x - Math.trunc(x / y) * y, dx: () => 1, dy: (x, y) => -Math.trunc(x / y),
    points: [[7.3, 2], [-7.3, 2], [7.3, -2], [0.5, 3]],
    edges: [
      { at: [5, 0], value: NaN, dx: NaN, dy: NaN },
      { at: [Infinity, 2], value: NaN, dx: NaN, dy: NaN },
      { at: [5, Infinity], value: 5, dx: 1, dy: -0 },
      { at: [6, 3], value: 0, dx: 1, dy: -2 },
      { at: [-6, 3], value: -0, dx: 1, dy: 2 }, // at a jump: the piece on the side away from 0, where v = −0 continues
    ],
  },
};

/** All four ways to get the two partials: grad, vjp (reverse), jvp along e1 and e2 (forward). */
function derivatives(f: Compiled, x: number, y: number) {
  const at = [x, y];
  const grad = f.grad(at);
  const vjp = f.vjp(at, [1]);
  const jvpX = f.jvp(at, [1, 0]);
  const jvpY = f.jvp(at, [0, 1]);
  return {
    values: [f.eval(at)[0]!, grad.value, vjp.value[0]!, jvpX.value[0]!, jvpY.value[0]!],
    reverse: [Array.from(grad.grad), Array.from(vjp.grad)],
    forward: [jvpX.tangent[0]!, jvpY.tangent[0]!],
  };
}

describe.each(ENGINES)("ops on the %s engine", (engine) => {
  for (const [name, c] of Object.entries(CASES)) {
    describe(name, () => {
      const f = compile((x: Var, y: Var) => c.fn(x, y), { engine });

      it("matches its closed form and central differences at ordinary points", () => {
        for (const [x, y] of c.points) {
          const d = derivatives(f, x, y);
          for (const v of d.values) expectClose(v, c.value(x, y), 1e-14, 1e-15);
          const closed = [c.dx(x, y), c.dy(x, y)];
          for (const g of d.reverse) expectClose(g, closed, 1e-13, 1e-15);
          expectClose(d.forward, closed, 1e-13, 1e-15);
          // Central differences of tapegrad's own values: derivative consistent with value.
          const h = 1e-6;
          const fd = [
            (f.eval([x + h, y])[0]! - f.eval([x - h, y])[0]!) / (2 * h),
            (f.eval([x, y + h])[0]! - f.eval([x, y - h])[0]!) / (2 * h),
          ];
          expectClose(d.forward, fd, 1e-6, 1e-7);
        }
      });

      if (c.edges !== undefined) {
        it("follows its documented edge cases", () => {
          for (const e of c.edges!) {
            const d = derivatives(f, ...e.at);
            for (const v of d.values) expectClose(v, e.value, 1e-14, 0);
            for (const g of d.reverse) expectClose(g, [e.dx, e.dy], 1e-14, 0);
            expectClose(d.forward, [e.dx, e.dy], 1e-14, 0);
          }
        });
      }
    });
  }

  it("propagates NaN: NaN in, NaN out", () => {
    const f = compile((x: Var) => sin(x).mul(exp(x)), { engine });
    expect(f.eval([NaN])[0]).toBeNaN();
    const { value, grad } = f.grad([NaN]);
    expect(value).toBeNaN();
    expect(grad[0]).toBeNaN();
    expect(f.jvp([NaN], [1]).tangent[0]).toBeNaN();
  });

  it("covers every differentiable op of the table", () => {
    const tested = new Set(Object.keys(CASES).map((k) => k.replace(/(Fractional|Zero|Guard)$/, "")));
    for (const rule of OPS) {
      if (rule.kind === "leaf" || rule.code === OP.BRANCHES) continue;
      expect(tested, `op ${rule.name} has no test case`).toContain(rule.name);
    }
  });
});

describe("the op table's own rules", () => {
  it("agree with central differences of its value rules", () => {
    const h = 1e-6;
    for (const rule of OPS) {
      if (rule.kind !== "unary" && rule.kind !== "binary") continue;
      for (const [a, b] of [[0.7, 1.3], [1.9, 0.6]] as const) {
        const v = rule.value(a, b);
        expectClose(rule.da(a, b, v), (rule.value(a + h, b) - rule.value(a - h, b)) / (2 * h), 1e-6, 1e-8);
        if (rule.kind === "binary" && rule.code !== OP.POWC) {
          expectClose(rule.db(a, b, v), (rule.value(a, b + h) - rule.value(a, b - h)) / (2 * h), 1e-6, 1e-8);
        }
      }
      expect(rule.edge.length > 0 || ["add", "sub", "mul", "neg", "sin", "cos", "square"].includes(rule.name), `${rule.name} documents its edge cases`).toBe(true);
    }
  });
});
