/**
 * Arrays larger than a block: elementwise chains, broadcasting, reductions, softmax and views at
 * sizes around the powers of two (1, 2, 3, 63, 64, 65, 127, …, 4097), where kernels that run in
 * blocks of elements or in f64x2 pairs have a remainder — and Rosenbrock in 10⁵ variables
 * written with slices, against its closed-form gradient. Against the reference, the scalar
 * version and central differences along a few directions (test/arrays-harness.ts).
 */
import { describe, expect, it } from "vitest";
import { compile, concat, exp, logsumexp, max, mean, norm, prod, select, sin, softmax, square, sub, sum, tanh, type Var } from "../src/index.js";
import * as R from "./arrays-reference.js";
import { checkBatch, checkEnginesAgree, checkFirstOrder, checkScalarVersion, checkSecondOrder, ENGINES, S, type Case } from "./arrays-harness.js";
import { expectClose, randomVector, rng } from "./helpers.js";

const SIZES = [1, 2, 3, 7, 63, 64, 65, 127, 128, 129, 255, 257, 1000, 1025, 4097];

const chains: Case[] = SIZES.map((n): Case => ({
  name: `tanh(x·y + sin(x)) on [${n}]`,
  inputs: { x: [n], y: [n] },
  big: n > 20,
  array: ({ x, y }) => tanh(x!.mul(y!).add(sin(x!))),
  scalar: ({ x, y }) => S.map((a, b) => tanh((a as Var).mul(b).add(sin(a!))), x!, y!),
  ref: ({ x, y }) => R.elementwise((a, b) => Math.tanh(a! * b! + Math.sin(a!)), x!, y!),
}));

type V = Var;
const near1 = (r: () => number): number => 0.9 + 0.2 * r();

const others: Case[] = [
  {
    name: "exp(0.3·A)·b − c on A [37, 29], b [29], c [37, 1]",
    inputs: { A: [37, 29], b: [29], c: [37, 1] },
    big: true,
    array: ({ A, b, c }) => exp(A!.mul(0.3)).mul(b!).sub(c!),
    scalar: ({ A, b, c }) => S.map((a, x, y) => exp((a as V).mul(0.3)).mul(x).sub(y), A!, b!, c!),
    ref: ({ A, b, c }) => R.elementwise((a, x, y) => Math.exp(0.3 * a!) * x! - y!, A!, b!, c!),
  },
  {
    name: "select(x [1025] > y, x², y) ",
    inputs: { x: [1025], y: [1025] },
    big: true,
    array: ({ x, y }) => select(x!.gt(y!), square(x!), y!),
    scalar: ({ x, y }) => S.map((a, b) => select((a as V).gt(b), square(a!), b!), x!, y!),
    ref: ({ x, y }) => R.elementwise((a, b) => (a! > b! ? a! * a! : b!), x!, y!),
  },
  {
    name: "sum(x [1001]) and mean, norm, logsumexp, max of it",
    inputs: { x: [1001] },
    big: true,
    array: ({ x }) => concat([sum(x!), mean(x!), norm(x!), logsumexp(x!), max(x!)]),
    scalar: ({ x }) => S.concat([S.reduce("sum", x!), S.reduce("mean", x!), S.reduce("norm", x!), S.reduce("logsumexp", x!), S.reduce("max", x!)]),
    ref: ({ x }) => R.concat([R.reduce("sum", x!), R.reduce("mean", x!), R.reduce("norm", x!), R.reduce("logsumexp", x!), R.reduce("max", x!)]),
  },
  {
    name: "prod(x [129]) near 1",
    inputs: { x: [129] },
    draw: near1,
    big: true,
    array: ({ x }) => prod(x!),
    scalar: ({ x }) => S.reduce("prod", x!),
    ref: ({ x }) => R.reduce("prod", x!),
  },
  ...([0, 1] as const).flatMap((axis): Case[] => [
    {
      name: `sum(A [33, 65], ${axis})`,
      inputs: { A: [33, 65] },
      big: true,
      array: ({ A }) => sum(A!, axis),
      scalar: ({ A }) => S.reduce("sum", A!, axis),
      ref: ({ A }) => R.reduce("sum", A!, axis),
    },
    {
      name: `logsumexp(A [33, 65], ${axis})`,
      inputs: { A: [33, 65] },
      big: true,
      array: ({ A }) => logsumexp(A!, axis),
      scalar: ({ A }) => S.reduce("logsumexp", A!, axis),
      ref: ({ A }) => R.reduce("logsumexp", A!, axis),
    },
    {
      name: `max(A [33, 65], { axis: ${axis} })`,
      inputs: { A: [33, 65] },
      big: true,
      array: ({ A }) => max(A!, { axis }),
      scalar: ({ A }) => S.reduce("max", A!, axis),
      ref: ({ A }) => R.reduce("max", A!, axis),
    },
  ]),
  {
    name: "softmax(A [9, 257])",
    inputs: { A: [9, 257] },
    big: true,
    array: ({ A }) => softmax(A!),
    scalar: ({ A }) => S.softmax(A!),
    ref: ({ A }) => R.softmax(A!),
  },
  {
    name: "concat([u [700], v [333]]) · its reverse slice windows",
    inputs: { u: [700], v: [333] },
    big: true,
    array: ({ u, v }) => {
      const w = concat([u!, v!]);
      return w.slice(1).mul(w.slice(0, -1));
    },
    scalar: ({ u, v }) => {
      const w = S.concat([u!, v!]);
      return S.map((a, b) => (a as V).mul(b), S.slice(w, 1), S.slice(w, 0, -1));
    },
    ref: ({ u, v }) => {
      const w = R.concat([u!, v!]);
      return R.elementwise((a, b) => a! * b!, R.slice(w, 1), R.slice(w, 0, -1));
    },
  },
];

const CASES = [...chains, ...others];

describe.each(ENGINES)("large arrays on the %s engine", (engine) => {
  for (const c of CASES) {
    describe(c.name, () => {
      it("value and first-order sweeps", () => checkFirstOrder(c, engine));
      it("a scalarization's grad and hvp", () => checkSecondOrder(c, engine));
      it("evalBatch, gradBatch, meanGrad", () => checkBatch(c, engine, 1, 3));
    });
  }
});

describe("large arrays: the wasm and js engines agree", () => {
  for (const c of CASES) it(c.name, () => checkEnginesAgree(c));
});

describe("large arrays: the test's scalar versions against the reference (no array variables involved)", () => {
  for (const c of CASES) it(c.name, () => checkScalarVersion(c, "js"));
});

describe.each(ENGINES)("Rosenbrock in 10⁵ variables written with slices (%s)", (engine) => {
  it("value and gradient against the closed form", () => {
    const n = 100_000;
    const f = compile({ params: { x: [n] }, engine }, ({ x }) => {
      const head = x!.slice(0, -1);
      const tail = x!.slice(1);
      return sum(square(tail.sub(square(head))).mul(100).add(square(sub(1, head))));
    });
    expect(f.inputs).toBe(n);
    const x = randomVector(rng(17), n, -1.5, 1.5);
    const { value, grad } = f.grad(x);
    let v = 0;
    const g = new Float64Array(n);
    for (let i = 0; i + 1 < n; i++) {
      const d = x[i + 1]! - x[i]! * x[i]!;
      v += 100 * d * d + (1 - x[i]!) ** 2;
      g[i]! += -400 * x[i]! * d - 2 * (1 - x[i]!);
      g[i + 1]! += 200 * d;
    }
    expectClose(value, v, 1e-11);
    expectClose(grad, g, 1e-12, 1e-12);
    // at the minimum
    const one = f.grad(new Float64Array(n).fill(1));
    expect(one.value).toBe(0);
    expect(one.grad.every((z) => z === 0)).toBe(true);
    f.dispose();
  });
});
