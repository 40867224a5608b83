/**
 * The machinery of the array tests (test/arrays-*.test.ts): a case is an array op written three
 * ways — with tapegrad's array variables (under test), as a scalar tapegrad function element by
 * element (compile((xs) => …, { inputs: n }) with the scalar ops of the op table), and in plain JS
 * (test/arrays-reference.ts) — and the checks below hold them against each other on one engine:
 *
 * - the value and the output count against the reference, and against the scalar version;
 * - grad (of the first output element, taken with at()), jvp, vjp and both Jacobians against the scalar version
 *   (tight: the same arithmetic) and central differences of the reference (loose); jvpMany and
 *   vjpMany against jvp and vjp;
 * - a scalarization L(θ) = Σₖ wₖ·sin(outₖ) (weights w random constants): grad, hvp and hessian
 *   against the scalar version, grad against central differences;
 * - the same L with w as a data input: evalBatch, gradBatch and meanGrad against point by point
 *   eval and grad;
 * - the wasm engine against the js engine;
 * - and, needing no array variables, the scalar version against the reference (the test's own
 *   two truths, so a slip in either shows up by itself).
 */
import { expect } from "vitest";
import * as tg from "../src/index.js";
import type { Compiled, EngineName, Var } from "../src/index.js";
import * as R from "./arrays-reference.js";
import { expectClose, numericGradient, numericJacobian, randomVector, rng } from "./helpers.js";

export type Shapes = Record<string, number[]>;
export type Vars = Record<string, Var>;

/** An array as the scalar version sees it: its elements as scalar variables, row-major. */
export interface SArr {
  v: Var[];
  shape: number[];
}

/**
 * compile({ params, data?, engine }, fn) with array shapes (docs/arrays.md), typed loosely so
 * the harness can pass objects built at run time.
 */
export function compileArrays(spec: { params: Shapes | number; data?: Shapes | number; engine?: EngineName }, fn: (p: Vars, d: Vars) => unknown): Compiled {
  return (tg.compile as unknown as (s: object, f: (p: Vars, d: Vars) => unknown) => Compiled)(spec, fn);
}

/** compile((xs) => …, { inputs: n, engine }): the scalar version. */
export function compileScalar(n: number, engine: EngineName, fn: (xs: Var[]) => Var | Var[]): Compiled {
  return tg.compile(fn, { inputs: n, engine });
}

/** θ split by the key order of the shapes into reference arrays. */
export function split(shapes: Shapes, theta: ArrayLike<number>): Record<string, R.Arr> {
  const out: Record<string, R.Arr> = {};
  let offset = 0;
  for (const [k, s] of Object.entries(shapes)) {
    const n = R.sizeOf(s);
    out[k] = R.arr(s, Array.from({ length: n }, (_, i) => theta[offset + i]!));
    offset += n;
  }
  return out;
}

/** The scalar version's inputs split the same way. */
export function splitVars(shapes: Shapes, xs: readonly Var[]): Record<string, SArr> {
  const out: Record<string, SArr> = {};
  let offset = 0;
  for (const [k, s] of Object.entries(shapes)) {
    const n = R.sizeOf(s);
    out[k] = { v: xs.slice(offset, offset + n), shape: [...s] };
    offset += n;
  }
  return out;
}

export const totalSize = (shapes: Shapes): number => Object.values(shapes).reduce((n, s) => n + R.sizeOf(s), 0);

// ---------------------------------------------------------------------------------------------
// The scalar versions: each array op element by element, with scalar variables

/** Left fold of a binary scalar op. */
const fold = (xs: readonly Var[], f: (a: Var, b: Var) => Var): Var => xs.slice(1).reduce(f, xs[0]!);

function sourceIndex(s: readonly number[], i: number, j: number): number {
  if (s.length === 0) return 0;
  if (s.length === 1) return s[0] === 1 ? 0 : j;
  return (s[0] === 1 ? 0 : i) * s[1]! + (s[1] === 1 ? 0 : j);
}

function lanes(x: SArr, axis: number | undefined): { lists: Var[][]; indices: number[][]; shape: number[] } {
  const fake = R.arr(x.shape, new Float64Array(x.v.length));
  const { indices, shape } = R.lanes(fake, axis);
  return { lists: indices.map((ix) => ix.map((k) => x.v[k]!)), indices, shape };
}

export const S = {
  of: (v: Var[], shape: number[]): SArr => ({ v, shape }),
  /** f over the broadcast shape; operands may be numbers (scalars). */
  map(f: (...xs: (Var | number)[]) => Var, ...args: (SArr | number)[]): SArr {
    const as = args.map((a) => (typeof a === "number" ? { v: [a as unknown as Var], shape: [] as number[] } : a));
    const shape = R.broadcastShape(...as.map((a) => a.shape));
    const rows = shape.length === 2 ? shape[0]! : 1;
    const cols = shape.length === 0 ? 1 : shape[shape.length - 1]!;
    const v: Var[] = [];
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) v.push(f(...as.map((a) => a.v[sourceIndex(a.shape, i, j)]!)));
    return { v, shape };
  },
  reduce(kind: R.Reduction, x: SArr, axis?: number): SArr {
    const { lists, shape } = lanes(x, axis);
    const one = (l: Var[]): Var => {
      switch (kind) {
        case "sum": return fold(l, (a, b) => a.add(b));
        case "mean": return fold(l, (a, b) => a.add(b)).div(l.length);
        case "prod": return fold(l, (a, b) => a.mul(b));
        case "max": return tg.max(...l);
        case "min": return tg.min(...l);
        case "logsumexp": return tg.logsumexp(l);
        case "norm": return tg.norm(l);
      }
    };
    return { v: lists.map(one), shape };
  },
  dot: (u: SArr, w: SArr): SArr => ({ v: [fold(u.v.map((x, i) => x.mul(w.v[i]!)), (a, b) => a.add(b))], shape: [] }),
  matmul(a: SArr, b: SArr): SArr {
    const aVec = a.shape.length === 1;
    const bVec = b.shape.length === 1;
    const [r, k] = aVec ? [1, a.shape[0]!] : (a.shape as [number, number]);
    const c = bVec ? 1 : b.shape[1]!;
    const v: Var[] = [];
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < c; j++) {
        const terms: Var[] = [];
        for (let l = 0; l < k; l++) terms.push(a.v[i * k + l]!.mul(b.v[l * c + j]!));
        v.push(fold(terms, (x, y) => x.add(y)));
      }
    }
    return { v, shape: aVec ? [c] : bVec ? [r] : [r, c] };
  },
  transpose(a: SArr): SArr {
    const [r, c] = a.shape as [number, number];
    const v: Var[] = [];
    for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) v.push(a.v[i * c + j]!);
    return { v, shape: [c, r] };
  },
  outer(u: SArr, w: SArr): SArr {
    const v: Var[] = [];
    for (const x of u.v) for (const y of w.v) v.push(x.mul(y));
    return { v, shape: [u.v.length, w.v.length] };
  },
  softmax: (x: SArr, axis?: number): SArr => along(x, axis, (l) => tg.softmax(l)),
  logSoftmax: (x: SArr, axis?: number): SArr => along(x, axis, (l) => tg.logSoftmax(l)),
  slice(x: SArr, start: number, end?: number): SArr {
    const [s, e] = R.sliceBounds(x.shape[0]!, start, end);
    const c = x.shape.length === 2 ? x.shape[1]! : 1;
    return { v: x.v.slice(s * c, e * c), shape: x.shape.length === 2 ? [e - s, c] : [e - s] };
  },
  row(a: SArr, i: number): SArr {
    const c = a.shape[1]!;
    const k = R.index(a.shape[0]!, i);
    return { v: a.v.slice(k * c, (k + 1) * c), shape: [c] };
  },
  at(x: SArr, i: number, j?: number): SArr {
    if (j === undefined) return { v: [x.v[R.index(x.shape[0]!, i)]!], shape: [] };
    const c = x.shape[1]!;
    return { v: [x.v[R.index(x.shape[0]!, i) * c + R.index(c, j)]!], shape: [] };
  },
  stack: (xs: SArr[]): SArr => ({ v: xs.flatMap((x) => x.v), shape: xs[0]!.shape.length === 0 ? [xs.length] : [xs.length, xs[0]!.shape[0]!] }),
  concat(xs: SArr[]): SArr {
    const v = xs.flatMap((x) => x.v);
    if (xs.every((x) => x.shape.length <= 1)) return { v, shape: [v.length] };
    const c = xs[0]!.shape[1]!;
    return { v, shape: [v.length / c, c] };
  },
  reshape: (x: SArr, shape: number[]): SArr => ({ v: x.v, shape: R.reshape(R.arr(x.shape, new Float64Array(x.v.length)), shape).shape }),
};

function along(x: SArr, axis: number | undefined, f: (l: Var[]) => Var[]): SArr {
  const ax = axis ?? (x.shape.length === 2 ? 1 : undefined);
  if (ax === undefined) return { v: f(x.v), shape: x.shape };
  const { lists, indices } = lanes(x, ax);
  const v = new Array<Var>(x.v.length);
  lists.forEach((l, k) => f(l).forEach((y, t) => (v[indices[k]![t]!] = y)));
  return { v, shape: x.shape };
}

// ---------------------------------------------------------------------------------------------
// Cases

export interface Case {
  name: string;
  /** The differentiated inputs, in key order (θ's layout). */
  inputs: Shapes;
  /** The distribution of θ's elements; default uniform in [−1, 1). */
  draw?: (random: () => number) => number;
  /** Per input, overriding draw. */
  draws?: Record<string, (random: () => number) => number>;
  /** The function under test, on array variables. */
  array: (p: Vars) => Var;
  /** The same function, element by element on scalar variables. */
  scalar: (p: Record<string, SArr>) => SArr;
  /** The same function in plain JS. */
  ref: (p: Record<string, R.Arr>) => R.Arr;
  /** Skip the central differences (functions whose derivative the FD cannot see: jumps are not near, but e.g. huge slopes). */
  noFd?: boolean;
  /** A large case: no full Jacobians and Hessians, only products with a few directions. */
  big?: boolean;
  /** Tolerance of the value against the reference, relative (default 1e-12; transcendental Math differs by ulps between engines). */
  valueTol?: number;
  /** Relative tolerance against central differences (default 1e-6). */
  fdTol?: number;
}

export interface Prepared {
  theta: Float64Array;
  expected: R.Arr;
  weights: R.Arr;
}

export function prepare(c: Case, seed: number): Prepared {
  const random = rng(seed);
  const n = totalSize(c.inputs);
  const fallback = c.draw ?? ((r: () => number) => 2 * r() - 1);
  const theta = new Float64Array(n);
  let offset = 0;
  for (const [key, shape] of Object.entries(c.inputs)) {
    const draw = c.draws?.[key] ?? fallback;
    for (let i = 0; i < R.sizeOf(shape); i++) theta[offset++] = draw(random);
  }
  const expected = c.ref(split(c.inputs, theta));
  const weights = R.arr(expected.shape, randomVector(random, expected.data.length, 0.5, 1.5));
  return { theta, expected, weights };
}

/** Σₖ wₖ·sin(outₖ) on array variables; w a constant (Arr) or a data variable. */
export function scalarize(out: Var, w: R.Arr | Var): Var {
  const wv: Var | number = w instanceof tg.Var ? w : w.shape.length === 0 ? w.data[0]! : tg.constant(R.nested(w) as number[]);
  const s = tg.sin(out).mul(wv);
  return out.shape.length === 0 ? s : tg.sum(s);
}

/** The same on the scalar version's elements. */
export const scalarizeS = (out: SArr, w: R.Arr): Var => fold(out.v.map((o, k) => tg.sin(o).mul(w.data[k]!)), (a, b) => a.add(b));
export const scalarizeRef = (out: R.Arr, w: R.Arr): number => out.data.reduce((s, o, k) => s + w.data[k]! * Math.sin(o), 0);

/** Unit vector e_k of length m. */
const unit = (m: number, k: number): Float64Array => {
  const e = new Float64Array(m);
  e[k] = 1;
  return e;
};

/** Value, output count, first-order sweeps: array version against the reference, the scalar version and central differences. */
export function checkFirstOrder(c: Case, engine: EngineName, seed = 1): void {
  const { theta, expected } = prepare(c, seed);
  const n = theta.length;
  const m = expected.data.length;
  const fa = compileArrays({ params: c.inputs, engine }, (p) => c.array(p));
  const fs = compileScalar(n, engine, (xs) => c.scalar(splitVars(c.inputs, xs)).v);
  try {
    expect(fa.inputs).toBe(n);
    expect(fa.outputs).toBe(m);
    const value = fa.eval(theta);
    expectClose(value, expected.data, c.valueTol ?? 1e-12);
    expectClose(value, fs.eval(theta), 1e-12);

    // grad of the first element (grad needs one output: the element taken with at()), a row of the Jacobian
    const first = compileArrays({ params: c.inputs, engine }, (p) => {
      const y = c.array(p);
      return y.shape.length === 0 ? y : y.reshape([-1]).at(0);
    });
    const g = first.grad(theta);
    first.dispose();
    expectClose(g.value, value[0]!, 1e-14, 1e-16);
    expectClose(g.grad, fs.vjp(theta, unit(m, 0)).grad, 1e-12);
    if (m > 1) expect(() => fa.grad(theta)).toThrow(/^tapegrad: grad\(x\) needs a scalar function/);

    const random = rng(seed + 1000);
    // jvpMany / vjpMany with k = 3 against one jvp / vjp per direction
    const k = 3;
    const V = randomVector(random, k * n);
    const U = randomVector(random, k * m);
    const many = fa.jvpMany(theta, V, k).tangents;
    const manyU = fa.vjpMany(theta, U, k).grads;
    // The block sweeps run on the scalar expansion, jvp/vjp on the arrays: the same sums of
    // products in other orders (a matmul's adjoint is a product of its own), so the bound is
    // rounding relative to the largest entry, not to each (a small entry may come from cancellation).
    const sameSums = (x: Float64Array, y: Float64Array): void => expectClose(x, y, 1e-14, 1e-14 * Math.max(1e-2, ...Array.from(y, Math.abs)));
    for (let l = 0; l < k; l++) {
      sameSums(many.subarray(l * m, (l + 1) * m), fa.jvp(theta, V.subarray(l * n, (l + 1) * n)).tangent);
      sameSums(manyU.subarray(l * n, (l + 1) * n), fa.vjp(theta, U.subarray(l * m, (l + 1) * m)).grad);
    }
    for (let t = 0; t < 2; t++) {
      const v = randomVector(random, n);
      const u = randomVector(random, m);
      const jv = fa.jvp(theta, v);
      expectClose(jv.value, value, 1e-14, 1e-16);
      expectClose(jv.tangent, fs.jvp(theta, v).tangent, 1e-12);
      const uj = fa.vjp(theta, u);
      expectClose(uj.value, value, 1e-14, 1e-16);
      expectClose(uj.grad, fs.vjp(theta, u).grad, 1e-12);
      if (!c.noFd) {
        // J·v by a central difference along v, of the reference
        const h = 1e-6;
        const plus = c.ref(split(c.inputs, theta.map((x, i) => x + h * v[i]!))).data;
        const minus = c.ref(split(c.inputs, theta.map((x, i) => x - h * v[i]!))).data;
        expectClose(jv.tangent, plus.map((p, k) => (p - minus[k]!) / (2 * h)), c.fdTol ?? 1e-6, 1e-7);
      }
    }

    if (!c.big) {
      const fwd = fa.jacobian(theta, { mode: "forward" });
      const rev = fa.jacobian(theta, { mode: "reverse" });
      expect([fwd.rows, fwd.cols]).toEqual([m, n]);
      expectClose(fwd.data, fs.jacobian(theta, { mode: "forward" }).data, 1e-12);
      expectClose(rev.data, fs.jacobian(theta, { mode: "reverse" }).data, 1e-12);
      if (!c.noFd) {
        const fd = numericJacobian((x) => c.ref(split(c.inputs, x)).data, theta, m);
        expectClose(fwd.data, fd, c.fdTol ?? 1e-6, 1e-7);
      }
    }
  } finally {
    fa.dispose();
    fs.dispose();
  }
}

/** The scalarization's grad, hvp and hessian against the scalar version (and grad against central differences). */
export function checkSecondOrder(c: Case, engine: EngineName, seed = 1): void {
  const { theta, weights } = prepare(c, seed);
  const n = theta.length;
  const fa = compileArrays({ params: c.inputs, engine }, (p) => scalarize(c.array(p), weights));
  const fs = compileScalar(n, engine, (xs) => scalarizeS(c.scalar(splitVars(c.inputs, xs)), weights));
  try {
    expect(fa.outputs).toBe(1);
    const g = fa.grad(theta);
    const gs = fs.grad(theta);
    expectClose(g.value, gs.value, 1e-12);
    expectClose(g.grad, gs.grad, 1e-12);
    const random = rng(seed + 2000);
    const L = (x: ArrayLike<number>): number => scalarizeRef(c.ref(split(c.inputs, x)), weights);
    if (!c.noFd && !c.big) {
      expectClose(g.grad, numericGradient(L, theta), c.fdTol ?? 1e-6, 1e-7);
    } else if (!c.noFd) {
      // large: the directional derivative along a few random directions (O(n), not O(n²))
      for (let t = 0; t < 3; t++) {
        const v = randomVector(random, n);
        const h = 1e-6;
        const fd = (L(theta.map((x, i) => x + h * v[i]!)) - L(theta.map((x, i) => x - h * v[i]!))) / (2 * h);
        expectClose(g.grad.reduce((s, gi, i) => s + gi * v[i]!, 0), fd, c.fdTol ?? 1e-6, 1e-7);
      }
    }
    const v = randomVector(random, n);
    expectClose(fa.hvp(theta, v), fs.hvp(theta, v), 1e-12);
    if (!c.big) expectClose(fa.hessian(theta).data, fs.hessian(theta).data, 1e-12);
  } finally {
    fa.dispose();
    fs.dispose();
  }
}

/** The scalarization with w as data: evalBatch, gradBatch, meanGrad against point by point eval and grad. */
export function checkBatch(c: Case, engine: EngineName, seed = 1, points = 5): void {
  const { theta, expected } = prepare(c, seed);
  const m = expected.data.length;
  const f = compileArrays({ params: c.inputs, data: { w: expected.shape }, engine }, (p, d) => scalarize(c.array(p), d.w!));
  try {
    expect(f.data).toBe(m);
    const dataset = randomVector(rng(seed + 3000), points * m, 0.5, 1.5);
    const values = f.evalBatch(theta, dataset);
    const { value: bv, grad: bg } = f.gradBatch(theta, dataset);
    const n = theta.length;
    const meanG = new Float64Array(n);
    let meanV = 0;
    for (let b = 0; b < points; b++) {
      const d = dataset.subarray(b * m, (b + 1) * m);
      const one = f.grad(theta, d);
      expectClose(values[b]!, f.eval(theta, d)[0]!, 1e-12);
      expectClose(bv[b]!, one.value, 1e-12);
      expectClose(bg.subarray(b * n, (b + 1) * n), one.grad, 1e-12);
      meanV += one.value / points;
      one.grad.forEach((x, i) => (meanG[i]! += x / points));
    }
    const mg = f.meanGrad(theta, dataset);
    expectClose(mg.value, meanV, 1e-12);
    expectClose(mg.grad, meanG, 1e-12);
  } finally {
    f.dispose();
  }
}

/** eval and grad of the scalarization: the wasm engine against the js engine (a few ulp). */
export function checkEnginesAgree(c: Case, seed = 1): void {
  const { theta, weights } = prepare(c, seed);
  const [w, j] = (["wasm", "js"] as const).map((engine) => compileArrays({ params: c.inputs, engine }, (p) => scalarize(c.array(p), weights)));
  const [rw, rj] = (["wasm", "js"] as const).map((engine) => compileArrays({ params: c.inputs, engine }, (p) => c.array(p)));
  try {
    expectClose(rw!.eval(theta), rj!.eval(theta), 1e-12);
    const gw = w!.grad(theta);
    const gj = j!.grad(theta);
    expectClose(gw.value, gj.value, 1e-12);
    expectClose(gw.grad, gj.grad, 1e-12);
  } finally {
    for (const f of [w, j, rw, rj]) f!.dispose();
  }
}

/** The engines the array tests run on (test/engines.ts). */
export { ENGINES } from "./engines.js";

/**
 * The test's own two truths against each other, without array variables: the scalar version's
 * value against the reference, and its Jacobian against central differences of the reference.
 * (Runs on today's scalar API, so a wrong scalar version or reference shows up by itself.)
 */
export function checkScalarVersion(c: Case, engine: EngineName, seed = 1): void {
  const { theta, expected } = prepare(c, seed);
  const fs = compileScalar(theta.length, engine, (xs) => c.scalar(splitVars(c.inputs, xs)).v);
  try {
    expect(fs.outputs).toBe(expected.data.length);
    expectClose(fs.eval(theta), expected.data, c.valueTol ?? 1e-12);
    if (!c.noFd && !c.big) {
      const fd = numericJacobian((x) => c.ref(split(c.inputs, x)).data, theta, expected.data.length);
      expectClose(fs.jacobian(theta).data, fd, c.fdTol ?? 1e-6, 1e-7);
    }
  } finally {
    fs.dispose();
  }
}
