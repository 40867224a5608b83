/**
 * The array ops of docs/arrays.md other than the elementwise ones — reductions (with axes), dot,
 * matmul (its three shape cases), transpose, outer, softmax/logSoftmax (with axis), slice, row,
 * at, stack, concat, reshape, constant, and compositions of them — each against the plain-JS
 * reference, the same function written element by element with scalar variables, and central
 * differences, through every sweep and the batch kernels, on both engines (test/arrays-harness.ts).
 */
import { describe, it } from "vitest";
import {
  concat, constant, dot, logSoftmax, logsumexp, matmul, max, mean, min, norm, outer, prod, reshape, softmax,
  square, stack, sum, tanh, transpose, type Var,
} from "../src/index.js";
import * as R from "./arrays-reference.js";
import { checkBatch, checkEnginesAgree, checkFirstOrder, checkScalarVersion, checkSecondOrder, ENGINES, S, type Case, type SArr } from "./arrays-harness.js";

type Reducer = (x: Var, axis?: number) => Var;
const REDUCE: Record<R.Reduction, Reducer> = {
  sum: (x, axis) => sum(x, axis),
  mean: (x, axis) => mean(x, axis),
  prod: (x, axis) => prod(x, axis),
  logsumexp: (x, axis) => logsumexp(x, axis),
  norm: (x, axis) => norm(x, axis),
  // max(x) / max(x, { axis }): one array operand is a reduction
  max: (x, axis) => (axis === undefined ? max(x) : max(x, { axis })),
  min: (x, axis) => (axis === undefined ? min(x) : min(x, { axis })),
};

/** Away from 0, either sign: products of these stay O(1). */
const signedAwayFromZero = (r: () => number): number => (r() < 0.5 ? -1 : 1) * (0.5 + r());
const wide = (r: () => number): number => 6 * r() - 3;

const reductions: Case[] = (Object.keys(REDUCE) as R.Reduction[]).flatMap((kind) => {
  const draw = kind === "prod" ? signedAwayFromZero : undefined;
  const axes: Array<[string, number[], number | undefined]> = [
    ["x [5]", [5], undefined],
    ["A [3, 4]", [3, 4], undefined],
    ["A [3, 4], axis 0", [3, 4], 0],
    ["A [3, 4], axis 1", [3, 4], 1],
    ["A [1, 4], axis 0", [1, 4], 0],
    ["A [4, 1], axis 1", [4, 1], 1],
  ];
  return axes.map(([label, shape, axis]): Case => ({
    name: `${kind}(${label})`,
    inputs: { x: shape },
    draw,
    array: ({ x }) => REDUCE[kind](x!, axis),
    scalar: ({ x }) => S.reduce(kind, x!, axis),
    ref: ({ x }) => R.reduce(kind, x!, axis),
  }));
});

const products: Case[] = [
  { name: "dot(u [7], v [7])", inputs: { u: [7], v: [7] }, array: ({ u, v }) => dot(u!, v!), scalar: ({ u, v }) => S.dot(u!, v!), ref: ({ u, v }) => R.dot(u!, v!) },
  { name: "dot(u [1], v [1])", inputs: { u: [1], v: [1] }, array: ({ u, v }) => dot(u!, v!), scalar: ({ u, v }) => S.dot(u!, v!), ref: ({ u, v }) => R.dot(u!, v!) },
  ...([
    [[3, 4], [4, 2]],
    [[3, 4], [4]],
    [[4], [4, 2]],
    [[2, 3], [3, 5]],
  ] as const).map(([a, b]): Case => ({
    name: `matmul(A [${a}], B [${b}])`,
    inputs: { A: [...a], B: [...b] },
    array: ({ A, B }) => matmul(A!, B!),
    scalar: ({ A, B }) => S.matmul(A!, B!),
    ref: ({ A, B }) => R.matmul(A!, B!),
  })),
  { name: "transpose(A [3, 4])", inputs: { A: [3, 4] }, array: ({ A }) => transpose(A!), scalar: ({ A }) => S.transpose(A!), ref: ({ A }) => R.transpose(A!) },
  { name: "transpose(A [1, 4])", inputs: { A: [1, 4] }, array: ({ A }) => transpose(A!), scalar: ({ A }) => S.transpose(A!), ref: ({ A }) => R.transpose(A!) },
  {
    name: "matmul(transpose(A [4, 3]), B [4, 2])",
    inputs: { A: [4, 3], B: [4, 2] },
    array: ({ A, B }) => matmul(transpose(A!), B!),
    scalar: ({ A, B }) => S.matmul(S.transpose(A!), B!),
    ref: ({ A, B }) => R.matmul(R.transpose(A!), B!),
  },
  { name: "outer(u [3], v [4])", inputs: { u: [3], v: [4] }, array: ({ u, v }) => outer(u!, v!), scalar: ({ u, v }) => S.outer(u!, v!), ref: ({ u, v }) => R.outer(u!, v!) },
  { name: "outer(u [1], v [2])", inputs: { u: [1], v: [2] }, array: ({ u, v }) => outer(u!, v!), scalar: ({ u, v }) => S.outer(u!, v!), ref: ({ u, v }) => R.outer(u!, v!) },
];

const softmaxes: Case[] = (["softmax", "logSoftmax"] as const).flatMap((kind) => {
  const fn = kind === "softmax" ? softmax : logSoftmax;
  const variants: Array<[string, number[], number | undefined]> = [
    ["x [5]", [5], undefined],
    ["A [3, 4] (last axis)", [3, 4], undefined],
    ["A [3, 4], axis 1", [3, 4], 1],
    ["A [3, 4], axis 0", [3, 4], 0],
    ["A [2, 1] (last axis: all ones)", [2, 1], undefined],
  ];
  return variants.map(([label, shape, axis]): Case => ({
    name: `${kind}(${label})`,
    inputs: { x: shape },
    draw: wide,
    array: ({ x }) => (axis === undefined ? fn(x!) : fn(x!, axis)),
    scalar: ({ x }) => S[kind](x!, axis),
    ref: ({ x }) => R[kind](x!, axis),
  }));
});

/** slice, row, at: windows at both ends, negative and clamped indices. */
const slices: Case[] = [
  ...([[1, 4], [-3], [-4, -1], [2, 100], [-100, 2], [0], [0, 6], [5], [-1], [0, 1]] as const).map(
    (args): Case => ({
      name: `x [6].slice(${args.join(", ")})`,
      inputs: { x: [6] },
      array: ({ x }) => x!.slice(...(args as unknown as [number, number?])),
      scalar: ({ x }) => S.slice(x!, ...(args as unknown as [number, number?])),
      ref: ({ x }) => R.slice(x!, ...(args as unknown as [number, number?])),
    }),
  ),
  ...([[1, 3], [-1], [-10, 2], [0], [3, 4], [1, -1]] as const).map(
    (args): Case => ({
      name: `A [4, 3].slice(${args.join(", ")})`,
      inputs: { A: [4, 3] },
      array: ({ A }) => A!.slice(...(args as unknown as [number, number?])),
      scalar: ({ A }) => S.slice(A!, ...(args as unknown as [number, number?])),
      ref: ({ A }) => R.slice(A!, ...(args as unknown as [number, number?])),
    }),
  ),
  ...[0, 2, 3, -1, -4].map(
    (i): Case => ({
      name: `A [4, 3].row(${i})`,
      inputs: { A: [4, 3] },
      array: ({ A }) => A!.row(i),
      scalar: ({ A }) => S.row(A!, i),
      ref: ({ A }) => R.row(A!, i),
    }),
  ),
  ...[0, 4, -1, -5, 2].map(
    (i): Case => ({
      name: `x [5].at(${i})`,
      inputs: { x: [5] },
      array: ({ x }) => x!.at(i),
      scalar: ({ x }) => S.at(x!, i),
      ref: ({ x }) => R.at(x!, i),
    }),
  ),
  ...([[0, 0], [2, 3], [-1, -2], [1, -4], [-3, 0]] as const).map(
    ([i, j]): Case => ({
      name: `A [3, 4].at(${i}, ${j})`,
      inputs: { A: [3, 4] },
      array: ({ A }) => A!.at(i, j),
      scalar: ({ A }) => S.at(A!, i, j),
      ref: ({ A }) => R.at(A!, i, j),
    }),
  ),
];

const assembling: Case[] = [
  { name: "stack([a, b, c]) of scalars", inputs: { a: [], b: [], c: [] }, array: ({ a, b, c }) => stack([a!, b!, c!]), scalar: ({ a, b, c }) => S.stack([a!, b!, c!]), ref: ({ a, b, c }) => R.stack([a!, b!, c!]) },
  {
    name: "stack([x.at(0), s, x.at(2)]): scalars from a vector and a scalar input",
    inputs: { x: [3], s: [] },
    array: ({ x, s }) => stack([x!.at(0), s!, x!.at(2)]),
    scalar: ({ x, s }) => S.stack([S.at(x!, 0), s!, S.at(x!, 2)]),
    ref: ({ x, s }) => R.stack([R.at(x!, 0), s!, R.at(x!, 2)]),
  },
  { name: "stack([u, v, w]) of vectors [3]", inputs: { u: [3], v: [3], w: [3] }, array: ({ u, v, w }) => stack([u!, v!, w!]), scalar: ({ u, v, w }) => S.stack([u!, v!, w!]), ref: ({ u, v, w }) => R.stack([u!, v!, w!]) },
  { name: "stack([u, v]) of vectors [4]", inputs: { u: [4], v: [4] }, array: ({ u, v }) => stack([u!, v!]), scalar: ({ u, v }) => S.stack([u!, v!]), ref: ({ u, v }) => R.stack([u!, v!]) },
  { name: "stack([u]) of one vector", inputs: { u: [4] }, array: ({ u }) => stack([u!]), scalar: ({ u }) => S.stack([u!]), ref: ({ u }) => R.stack([u!]) },
  { name: "stack([u, u]) repeats an operand", inputs: { u: [2] }, array: ({ u }) => stack([u!, u!]), scalar: ({ u }) => S.stack([u!, u!]), ref: ({ u }) => R.stack([u!, u!]) },
  { name: "concat([u [3], s [], v [2]])", inputs: { u: [3], s: [], v: [2] }, array: ({ u, s, v }) => concat([u!, s!, v!]), scalar: ({ u, s, v }) => S.concat([u!, s!, v!]), ref: ({ u, s, v }) => R.concat([u!, s!, v!]) },
  { name: "concat([s, t]) of scalars", inputs: { s: [], t: [] }, array: ({ s, t }) => concat([s!, t!]), scalar: ({ s, t }) => S.concat([s!, t!]), ref: ({ s, t }) => R.concat([s!, t!]) },
  { name: "concat([u [3]])", inputs: { u: [3] }, array: ({ u }) => concat([u!]), scalar: ({ u }) => S.concat([u!]), ref: ({ u }) => R.concat([u!]) },
  { name: "concat([A [2, 3], B [1, 3], C [3, 3]])", inputs: { A: [2, 3], B: [1, 3], C: [3, 3] }, array: ({ A, B, C }) => concat([A!, B!, C!]), scalar: ({ A, B, C }) => S.concat([A!, B!, C!]), ref: ({ A, B, C }) => R.concat([A!, B!, C!]) },
  { name: "concat([A [2, 3], A [2, 3]]) repeats an operand", inputs: { A: [2, 3] }, array: ({ A }) => concat([A!, A!]), scalar: ({ A }) => S.concat([A!, A!]), ref: ({ A }) => R.concat([A!, A!]) },
  ...([
    [[3, 4], [4, 3]],
    [[3, 4], [12]],
    [[3, 4], [2, -1]],
    [[3, 4], [-1, 2]],
    [[3, 4], [-1]],
    [[6], [2, 3]],
    [[6], [-1, 1]],
    [[6], [1, 6]],
    [[1, 6], [6]],
  ] as const).flatMap(([from, to]): Case[] => [
    {
      name: `reshape(x [${from}], [${to}])`,
      inputs: { x: [...from] },
      array: ({ x }) => reshape(x!, [...to]),
      scalar: ({ x }) => S.reshape(x!, [...to]),
      ref: ({ x }) => R.reshape(x!, [...to]),
    },
    {
      name: `x [${from}].reshape([${to}])`,
      inputs: { x: [...from] },
      array: ({ x }) => x!.reshape([...to]),
      scalar: ({ x }) => S.reshape(x!, [...to]),
      ref: ({ x }) => R.reshape(x!, [...to]),
    },
  ]),
];

const C23 = [[1, 2, 3], [4, -5, 6]];
const c3 = [0.5, -1, 2];
const constS = (rows: number[][] | number[]): SArr => ({ v: (rows as (number | number[])[]).flat() as unknown as Var[], shape: Array.isArray(rows[0]) ? [rows.length, (rows[0] as number[]).length] : [rows.length] });

const compositions: Case[] = [
  {
    name: "A [2, 3] · constant matrix + constant vector (broadcast)",
    inputs: { A: [2, 3] },
    array: ({ A }) => A!.mul(constant(C23)).add(constant(c3)),
    scalar: ({ A }) => S.map((a, c, d) => (a as Var).mul(c as number).add(d as number), A!, constS(C23), constS(c3)),
    ref: ({ A }) => R.elementwise((a, c, d) => a! * c! + d!, A!, R.matrix(C23), R.arr([3], c3)),
  },
  {
    name: "the 2→4→1 model of docs/arrays.md (all of it differentiated)",
    inputs: { W1: [4, 2], b1: [4], W2: [1, 4], b2: [1], x: [2], y: [] },
    array: ({ W1, b1, W2, b2, x, y }) => square(matmul(W2!, tanh(matmul(W1!, x!).add(b1!))).add(b2!).at(0).sub(y!)),
    scalar: ({ W1, b1, W2, b2, x, y }) => {
      const h = S.map((u) => (u as Var).tanh(), S.map((a, b) => (a as Var).add(b), S.matmul(W1!, x!), b1!));
      const o = S.map((a, b) => (a as Var).add(b), S.matmul(W2!, h), b2!);
      return { v: [square(o.v[0]!.sub(y!.v[0]!))], shape: [] };
    },
    ref: ({ W1, b1, W2, b2, x, y }) => {
      const h = R.elementwise(Math.tanh, R.elementwise((a, b) => a! + b!, R.matmul(W1!, x!), b1!));
      const o = R.elementwise((a, b) => a! + b!, R.matmul(W2!, h), b2!);
      return R.scalar((o.data[0]! - y!.data[0]!) ** 2);
    },
  },
  {
    name: "scalar s · A [3, 4] + x [4], then logsumexp along axis 1",
    inputs: { s: [], A: [3, 4], x: [4] },
    array: ({ s, A, x }) => logsumexp(s!.mul(A!).add(x!), 1),
    scalar: ({ s, A, x }) => S.reduce("logsumexp", S.map((a, b, c) => (a as Var).mul(b).add(c), s!, A!, x!), 1),
    ref: ({ s, A, x }) => R.reduce("logsumexp", R.elementwise((a, b, c) => a! * b! + c!, s!, A!, x!), 1),
  },
  {
    name: "softmax(matmul(A [3, 4], x [4])) then sum(·, 0) of an outer product",
    inputs: { A: [3, 4], x: [4] },
    array: ({ A, x }) => sum(outer(softmax(matmul(A!, x!)), x!), 0),
    scalar: ({ A, x }) => S.reduce("sum", S.outer(S.softmax(S.matmul(A!, x!)), x!), 0),
    ref: ({ A, x }) => R.reduce("sum", R.outer(R.softmax(R.matmul(A!, x!)), x!), 0),
  },
  {
    name: "concat of rows and slices, reshaped, transposed, multiplied",
    inputs: { A: [3, 2], B: [2, 3] },
    array: ({ A, B }) => matmul(transpose(concat([A!.slice(1), A!.row(0).reshape([1, 2])])), B!.reshape([3, 2])),
    scalar: ({ A, B }) => S.matmul(S.transpose(S.concat([S.slice(A!, 1), S.reshape(S.row(A!, 0), [1, 2])])), S.reshape(B!, [3, 2])),
    ref: ({ A, B }) => R.matmul(R.transpose(R.concat([R.slice(A!, 1), R.reshape(R.row(A!, 0), [1, 2])])), R.reshape(B!, [3, 2])),
  },
  {
    name: "max(A [3, 4], { axis: 0 }) · min(A, { axis: 0 }) and norm of the difference of rows",
    inputs: { A: [3, 4] },
    array: ({ A }) => dot(max(A!, { axis: 0 }), min(A!, { axis: 0 })).add(norm(A!.row(0).sub(A!.row(-1)))),
    scalar: ({ A }) => {
      const d = S.dot(S.reduce("max", A!, 0), S.reduce("min", A!, 0)).v[0]!;
      return { v: [d.add(S.reduce("norm", S.map((a, b) => (a as Var).sub(b), S.row(A!, 0), S.row(A!, -1))).v[0]!)], shape: [] };
    },
    ref: ({ A }) => {
      const d = R.dot(R.reduce("max", A!, 0), R.reduce("min", A!, 0)).data[0]!;
      return R.scalar(d + R.reduce("norm", R.elementwise((a, b) => a! - b!, R.row(A!, 0), R.row(A!, -1))).data[0]!);
    },
  },
];

export const OP_CASES: Case[] = [...reductions, ...products, ...softmaxes, ...slices, ...assembling, ...compositions];

describe.each(ENGINES)("array ops on the %s engine", (engine) => {
  for (const c of OP_CASES) {
    describe(c.name, () => {
      it("value, jacobians, grad, jvp, vjp: against the reference, the scalar version and central differences", () => checkFirstOrder(c, engine));
      it("a scalarization's grad, hvp and hessian against the scalar version", () => checkSecondOrder(c, engine));
      it("evalBatch, gradBatch, meanGrad against point by point", () => checkBatch(c, engine));
    });
  }
});

describe("array ops: the wasm and js engines agree", () => {
  for (const c of OP_CASES) it(c.name, () => checkEnginesAgree(c));
});

describe("array ops: the test's scalar versions against the reference (no array variables involved)", () => {
  for (const c of OP_CASES) it(c.name, () => checkScalarVersion(c, "js"));
});
