/**
 * matmul at awkward sizes: 1×1, 1×n, n×1, odd sizes, and sizes that are not a multiple of 2, 4
 * or 64 (where blocked or SIMD kernels have a remainder), in all three shape cases
 * ([r,k]·[k,c], [r,k]·[k], [k]·[k,c]), and on operands that are views or the same variable twice.
 * Against the reference, the element-by-element scalar version and central differences, on both
 * engines (test/arrays-harness.ts); the large ones through products with a few directions rather
 * than full Jacobians and Hessians.
 */
import { describe, expect, it } from "vitest";
import * as tg from "../src/index.js";
import { matmul, transpose } from "../src/index.js";
import * as R from "./arrays-reference.js";
import { checkBatch, checkEnginesAgree, checkFirstOrder, checkScalarVersion, checkSecondOrder, ENGINES, S, type Case } from "./arrays-harness.js";

type Shape = number[];
const SIZES: Array<[Shape, Shape]> = [
  [[1, 1], [1, 1]],
  [[1, 1], [1]],
  [[1], [1, 1]],
  [[1, 5], [5, 1]],
  [[5, 1], [1, 5]],
  [[1, 7], [7, 3]],
  [[7, 1], [1]],
  [[1], [1, 7]],
  [[3, 5], [5, 7]],
  [[3, 5], [5]],
  [[5], [5, 7]],
  [[2, 2], [2, 2]],
  [[4, 4], [4, 4]],
  [[5, 3], [3, 6]],
  [[9, 63], [63]],
  [[63], [63, 5]],
  [[2, 64], [64, 2]],
  [[3, 65], [65, 3]],
  [[17, 33], [33, 9]],
  [[65, 67], [67, 3]],
  [[6, 130], [130, 5]],
];

const isBig = (a: Shape, b: Shape): boolean => R.sizeOf(a) + R.sizeOf(b) > 300;

const sizeCases: Case[] = SIZES.map(([a, b]): Case => ({
  name: `matmul(A [${a}], B [${b}])`,
  inputs: { A: a, B: b },
  big: isBig(a, b),
  array: ({ A, B }) => matmul(A!, B!),
  scalar: ({ A, B }) => S.matmul(A!, B!),
  ref: ({ A, B }) => R.matmul(A!, B!),
}));

const operandCases: Case[] = [
  {
    name: "matmul(A, A) of one [5, 5] variable",
    inputs: { A: [5, 5] },
    array: ({ A }) => matmul(A!, A!),
    scalar: ({ A }) => S.matmul(A!, A!),
    ref: ({ A }) => R.matmul(A!, A!),
  },
  {
    name: "matmul(A, transpose(A)) of A [3, 7]",
    inputs: { A: [3, 7] },
    array: ({ A }) => matmul(A!, transpose(A!)),
    scalar: ({ A }) => S.matmul(A!, S.transpose(A!)),
    ref: ({ A }) => R.matmul(A!, R.transpose(A!)),
  },
  {
    name: "matmul(A.slice(1, 4), B.row(-1)): views as operands",
    inputs: { A: [5, 3], B: [2, 3] },
    array: ({ A, B }) => matmul(A!.slice(1, 4), B!.row(-1)),
    scalar: ({ A, B }) => S.matmul(S.slice(A!, 1, 4), S.row(B!, -1)),
    ref: ({ A, B }) => R.matmul(R.slice(A!, 1, 4), R.row(B!, -1)),
  },
  {
    name: "matmul(x.reshape([1, 6]), matmul(B [6, 3], C [3, 2])): a chain",
    inputs: { x: [6], B: [6, 3], C: [3, 2] },
    array: ({ x, B, C }) => matmul(x!.reshape([1, 6]), matmul(B!, C!)),
    scalar: ({ x, B, C }) => S.matmul(S.reshape(x!, [1, 6]), S.matmul(B!, C!)),
    ref: ({ x, B, C }) => R.matmul(R.reshape(x!, [1, 6]), R.matmul(B!, C!)),
  },
];

const CASES = [...sizeCases, ...operandCases];

describe.each(ENGINES)("matmul sizes on the %s engine", (engine) => {
  for (const c of CASES) {
    describe(c.name, () => {
      it("value and first-order sweeps", () => checkFirstOrder(c, engine));
      it("a scalarization's grad, hvp (and hessian when small)", () => checkSecondOrder(c, engine));
      it("evalBatch, gradBatch, meanGrad", () => checkBatch(c, engine, 1, 3));
    });
  }
});

describe("matmul sizes: the wasm and js engines agree", () => {
  for (const c of CASES) it(c.name, () => checkEnginesAgree(c));
});

describe("matmul sizes: the test's scalar versions against the reference (no array variables involved)", () => {
  for (const c of CASES) it(c.name, () => checkScalarVersion(c, "js"));
});

// The zero rule through a product: a zero adjoint times an infinite factor contributes 0, as in
// the element-by-element version (mul nodes with a zero adjoint are skipped), not 0·∞ = NaN.
describe.each(ENGINES)("matmul follows the zero rule on the %s engine", (engine) => {
  it("Ā = Ḡ·Bᵀ with an infinite B where Ḡ is 0 (B a constant)", () => {
    const f = tg.compile({ params: { A: [2, 2] }, engine }, ({ A }) => matmul(A, tg.constant([[3, Infinity], [5, 7]])).at(0, 0));
    const { value, grad } = f.grad([1, 2, 3, 4]);
    expect(value).toBe(13);
    expect([...grad]).toEqual([3, 5, 0, 0]);
    f.dispose();
  });

  it("with a batched B (data) in grad, meanGrad and gradBatch", () => {
    const f = tg.compile({ params: { A: [2, 2] }, data: { B: [2, 2] }, engine }, ({ A }, { B }) => matmul(A, B).at(0, 0));
    const rows = new Float64Array([3, Infinity, 5, 7, 1, -Infinity, 2, 0, 4, NaN, 6, 1]);
    expect([...f.grad([1, 2, 3, 4], rows.subarray(0, 4)).grad]).toEqual([3, 5, 0, 0]);
    const mean = f.meanGrad([1, 2, 3, 4], rows);
    expect([...mean.grad]).toEqual([(3 + 1 + 4) / 3, (5 + 2 + 6) / 3, 0, 0].map((x) => expect.closeTo(x, 14)));
    expect([...f.gradBatch([1, 2, 3, 4], rows).grad]).toEqual([3, 5, 0, 0, 1, 2, 0, 0, 4, 6, 0, 0]);
    f.dispose();
  });

  it("B̄ = Aᵀ·Ḡ with an infinite A (data) where Ḡ is 0, and a NaN where it is not", () => {
    const f = tg.compile({ params: { W: [2, 2] }, data: { X: [2, 2] }, engine }, ({ W }, { X }) => matmul(X, W).at(0, 0));
    expect([...f.grad([1, 2, 3, 4], [1, 2, Infinity, 3]).grad]).toEqual([1, 0, 2, 0]);
    // a NaN that meets a nonzero adjoint stays NaN
    expect([...f.grad([1, 2, 3, 4], [NaN, 2, Infinity, 3]).grad]).toEqual([NaN, 0, 2, 0]);
    f.dispose();
  });
});
