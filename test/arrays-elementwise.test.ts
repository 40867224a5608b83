/**
 * Elementwise array ops (docs/arrays.md): every unary and binary function of the op table on
 * matrices and vectors, as free functions and as methods, with numbers on either side, the n-ary
 * min/max, comparisons and select — binary ops over NumPy's broadcasting cases ([], [c] vs [r, c],
 * [r, 1] vs [r, c], [r, 1] vs [1, c], [1, 1], …). Each against Math.* through the reference's
 * broadcasting, the element-by-element scalar version and central differences, in every sweep
 * and the batch kernels, on both engines (test/arrays-harness.ts).
 */
import { describe, expect, it } from "vitest";
import * as tg from "../src/index.js";
import { max, min, OPS, select, type Var } from "../src/index.js";
import * as R from "./arrays-reference.js";
import { checkBatch, checkEnginesAgree, checkFirstOrder, checkScalarVersion, checkSecondOrder, ENGINES, S, type Case } from "./arrays-harness.js";
import { erfcReference, erfReference } from "./erf-reference.js";

type Draw = (r: () => number) => number;
const uniform = (lo: number, hi: number): Draw => (r) => lo + (hi - lo) * r();
/** Either sign, magnitude in [lo, hi). */
const signed = (lo: number, hi: number): Draw => (r) => (r() < 0.5 ? -1 : 1) * (lo + (hi - lo) * r());

const logistic = (a: number): number => 1 / (1 + Math.exp(-a));

/** Unary ops: where they are smooth (or away from their jumps) and their value in plain JS. */
const UNARY: Record<string, [Draw, (a: number) => number]> = {
  neg: [uniform(-3, 3), (a) => -a],
  sin: [uniform(-4, 4), Math.sin],
  cos: [uniform(-4, 4), Math.cos],
  tan: [uniform(-1.2, 1.2), Math.tan],
  exp: [uniform(-3, 3), Math.exp],
  log: [uniform(0.1, 5), Math.log],
  sqrt: [uniform(0.1, 5), Math.sqrt],
  square: [uniform(-3, 3), (a) => a * a],
  tanh: [uniform(-3, 3), Math.tanh],
  sigmoid: [uniform(-4, 4), logistic],
  relu: [signed(0.05, 3), (a) => Math.max(a, 0)],
  abs: [signed(0.05, 3), Math.abs],
  log1p: [uniform(-0.9, 5), Math.log1p],
  expm1: [uniform(-3, 3), Math.expm1],
  softplus: [uniform(-4, 4), (a) => Math.log1p(Math.exp(a))],
  logSigmoid: [uniform(-4, 4), (a) => -Math.log1p(Math.exp(-a))],
  atan: [uniform(-4, 4), Math.atan],
  asin: [uniform(-0.9, 0.9), Math.asin],
  acos: [uniform(-0.9, 0.9), Math.acos],
  sinh: [uniform(-3, 3), Math.sinh],
  cosh: [uniform(-3, 3), Math.cosh],
  asinh: [uniform(-4, 4), Math.asinh],
  acosh: [uniform(1.1, 5), Math.acosh],
  atanh: [uniform(-0.9, 0.9), Math.atanh],
  erf: [uniform(-2.5, 2.5), erfReference],
  erfc: [uniform(-2.5, 4), erfcReference],
  cbrt: [signed(0.1, 8), Math.cbrt],
  log2: [uniform(0.1, 5), Math.log2],
  log10: [uniform(0.1, 5), Math.log10],
  sign: [signed(0.05, 3), Math.sign],
  floor: [uniform(-3.7, 3.7), Math.floor],
  ceil: [uniform(-3.7, 3.7), Math.ceil],
  round: [uniform(-3.7, 3.7), Math.round],
  trunc: [uniform(-3.7, 3.7), Math.trunc],
};

/** Binary ops: each operand's domain and the value in plain JS. */
const BINARY: Record<string, [Draw, Draw, (a: number, b: number) => number]> = {
  add: [uniform(-3, 3), uniform(-3, 3), (a, b) => a + b],
  sub: [uniform(-3, 3), uniform(-3, 3), (a, b) => a - b],
  mul: [uniform(-3, 3), uniform(-3, 3), (a, b) => a * b],
  div: [uniform(-3, 3), signed(0.4, 3), (a, b) => a / b],
  pow: [uniform(0.2, 3), uniform(-2, 2), Math.pow],
  min: [uniform(-3, 3), uniform(-3, 3), Math.min],
  max: [uniform(-3, 3), uniform(-3, 3), Math.max],
  atan2: [uniform(-3, 3), uniform(-3, 3), Math.atan2],
  hypot: [uniform(-3, 3), uniform(-3, 3), Math.hypot],
  mod: [uniform(-3, 3), signed(0.4, 3), (a, b) => a % b],
  lt: [uniform(-2, 2), uniform(-2, 2), (a, b) => +(a < b)],
  le: [uniform(-2, 2), uniform(-2, 2), (a, b) => +(a <= b)],
  gt: [uniform(-2, 2), uniform(-2, 2), (a, b) => +(a > b)],
  ge: [uniform(-2, 2), uniform(-2, 2), (a, b) => +(a >= b)],
  eq: [uniform(-2, 2), uniform(-2, 2), (a, b) => +(a === b)],
};

type Fn = (...xs: (Var | number)[]) => Var;
const free = (name: string): Fn => (tg as unknown as Record<string, Fn>)[name]!;
const method = (name: string): ((x: Var, ...ys: (Var | number)[]) => Var) => (x, ...ys) => (x as unknown as Record<string, (...a: unknown[]) => Var>)[name]!(...ys);

describe("the elementwise tables cover the op table", () => {
  it("every unary, binary and compare op of OPS has a domain here (a new op fails until it has one)", () => {
    for (const rule of OPS) {
      if (rule.kind === "unary") expect(UNARY, rule.name).toHaveProperty(rule.name);
      // powc is what pow(x, number) records: covered by the number-exponent cases below
      if ((rule.kind === "binary" && rule.name !== "powc") || rule.kind === "compare") expect(BINARY, rule.name).toHaveProperty(rule.name);
    }
  });
});

const unaryCases: Case[] = Object.entries(UNARY).flatMap(([name, [draw, ref]]): Case[] => [
  {
    name: `${name}(A [3, 4])`,
    inputs: { A: [3, 4] },
    draw,
    array: ({ A }) => free(name)(A!),
    scalar: ({ A }) => S.map(free(name), A!),
    ref: ({ A }) => R.elementwise(ref, A!),
  },
  {
    name: `x [5].${name}()`,
    inputs: { x: [5] },
    draw,
    array: ({ x }) => method(name)(x!),
    scalar: ({ x }) => S.map(free(name), x!),
    ref: ({ x }) => R.elementwise(ref, x!),
  },
]);

/** Broadcasting pairs: [a's shape, b's shape]. */
const ALL_PAIRS: Array<[number[], number[]]> = [
  [[3, 4], [3, 4]],
  [[3, 4], []],
  [[], [3, 4]],
  [[4], [3, 4]],
  [[3, 4], [4]],
  [[3, 1], [3, 4]],
  [[3, 4], [3, 1]],
  [[3, 1], [1, 4]],
  [[1, 4], [3, 1]],
  [[1, 1], [3, 4]],
  [[1, 4], [3, 4]],
  [[3, 4], [1, 4]],
  [[1], [3, 4]],
  [[4], [3, 1]],
  [[5], [5]],
  [[5], []],
  [[], [5]],
  [[1], [5]],
  [[5], [1]],
  [[], []],
];
const FEW_PAIRS: Array<[number[], number[]]> = [
  [[3, 4], [3, 4]],
  [[4], [3, 4]],
  [[3, 1], [1, 4]],
  [[5], []],
];
const broadcastEverything = new Set(["add", "sub", "mul", "div", "max"]);

const binaryCases: Case[] = Object.entries(BINARY).flatMap(([name, [da, db, ref]]) =>
  (broadcastEverything.has(name) ? ALL_PAIRS : FEW_PAIRS).flatMap(([sa, sb], k): Case[] => {
    const base = {
      inputs: { a: sa, b: sb },
      draws: { a: da, b: db },
      scalar: ({ a, b }: Record<string, ReturnType<typeof S.of>>) => S.map(free(name), a!, b!),
      ref: ({ a, b }: Record<string, R.Arr>) => R.elementwise(ref, a!, b!),
    };
    const cases: Case[] = [{ ...base, name: `${name}(a [${sa}], b [${sb}])`, array: ({ a, b }) => free(name)(a!, b!) }];
    // the method form on every other pair, for ops that have one (a must be a variable: it always is here)
    if (k % 2 === 0 && OPS.find((r) => r.name === name)!.method) cases.push({ ...base, name: `a [${sa}].${name}(b [${sb}])`, array: ({ a, b }) => method(name)(a!, b!) });
    return cases;
  }),
);

/** Numbers on either side, and ops with a number operand. */
const numberCases: Case[] = (
  [
    ["A.add(2)", uniform(-3, 3), (A) => A.add(2), (a) => tg.add(a, 2), (a) => a + 2],
    ["add(2, A)", uniform(-3, 3), (A) => tg.add(2, A), (a) => tg.add(2, a), (a) => 2 + a],
    ["sub(1, A)", uniform(-3, 3), (A) => tg.sub(1, A), (a) => tg.sub(1, a), (a) => 1 - a],
    ["A.sub(0.5)", uniform(-3, 3), (A) => A.sub(0.5), (a) => tg.sub(a, 0.5), (a) => a - 0.5],
    ["mul(-3, A)", uniform(-3, 3), (A) => tg.mul(-3, A), (a) => tg.mul(-3, a), (a) => -3 * a],
    ["A.div(3)", uniform(-3, 3), (A) => A.div(3), (a) => tg.div(a, 3), (a) => a / 3],
    ["div(1, A)", signed(0.4, 3), (A) => tg.div(1, A), (a) => tg.div(1, a), (a) => 1 / a],
    ["pow(A, 2)", uniform(-3, 3), (A) => tg.pow(A, 2), (a) => tg.pow(a, 2), (a) => a ** 2],
    ["A.pow(3)", uniform(-3, 3), (A) => A.pow(3), (a) => tg.pow(a, 3), (a) => a ** 3],
    ["A.pow(2.5)", uniform(0.2, 3), (A) => A.pow(2.5), (a) => tg.pow(a, 2.5), (a) => a ** 2.5],
    ["pow(2, A)", uniform(-3, 3), (A) => tg.pow(2, A), (a) => tg.pow(2, a), (a) => 2 ** a],
    ["max(A, 0)", signed(0.05, 3), (A) => max(A, 0), (a) => max(a, 0), (a) => Math.max(a, 0)],
    ["min(0.5, A)", uniform(-3, 3), (A) => min(0.5, A), (a) => min(0.5, a), (a) => Math.min(0.5, a)],
    ["atan2(A, 1)", uniform(-3, 3), (A) => tg.atan2(A, 1), (a) => tg.atan2(a, 1), (a) => Math.atan2(a, 1)],
    ["hypot(2, A)", uniform(-3, 3), (A) => tg.hypot(2, A), (a) => tg.hypot(2, a), (a) => Math.hypot(2, a)],
    ["A.gt(0)", signed(0.05, 3), (A) => A.gt(0), (a) => tg.gt(a, 0), (a) => +(a > 0)],
    ["le(0, A)", signed(0.05, 3), (A) => tg.le(0, A), (a) => tg.le(0, a), (a) => +(0 <= a)],
    ["A.mul(A) (one operand twice)", uniform(-3, 3), (A) => A.mul(A), (a) => tg.mul(a, a), (a) => a * a],
  ] as Array<[string, Draw, (A: Var) => Var, (a: Var) => Var, (a: number) => number]>
).map(([name, draw, array, scalar, ref]): Case => ({
  name: `${name} on A [3, 4]`,
  inputs: { A: [3, 4] },
  draw,
  array: ({ A }) => array(A!),
  scalar: ({ A }) => S.map((a) => scalar(a as Var), A!),
  ref: ({ A }) => R.elementwise(ref, A!),
}));

/** n-ary min and max: elementwise over three broadcast operands; select with broadcasting. */
const naryCases: Case[] = [
  ...(["max", "min"] as const).map((name): Case => ({
    name: `${name}(a [3, 4], b [4], c [3, 1])`,
    inputs: { a: [3, 4], b: [4], c: [3, 1] },
    array: ({ a, b, c }) => (name === "max" ? max(a!, b!, c!) : min(a!, b!, c!)),
    scalar: ({ a, b, c }) => S.map((x, y, z) => (name === "max" ? max(x!, y!, z!) : min(x!, y!, z!)), a!, b!, c!),
    ref: ({ a, b, c }) => R.elementwise(name === "max" ? Math.max : Math.min, a!, b!, c!),
  })),
  ...(
    [
      [[3, 4], [3, 4], [3, 4]],
      [[3, 1], [4], []],
      [[], [3, 4], [3, 4]],
      [[4], [3, 1], [1, 4]],
      [[3, 4], [], [1]],
      [[5], [5], []],
    ] as Array<[number[], number[], number[]]>
  ).map(([sc, sa, sb]): Case => ({
    name: `select(c [${sc}], a [${sa}], b [${sb}])`,
    inputs: { c: sc, a: sa, b: sb },
    draws: { c: signed(0.05, 1) },
    array: ({ c, a, b }) => select(c!, a!, b!),
    scalar: ({ c, a, b }) => S.map((x, y, z) => select(x!, y!, z!), c!, a!, b!),
    ref: ({ c, a, b }) => R.select(c!, a!, b!),
  })),
  {
    name: "select(A.gt(0), sqrt(A), 0): a recorded condition, a number branch, the unchosen branch NaN",
    inputs: { A: [3, 4] },
    draw: signed(0.05, 1),
    array: ({ A }) => select(A!.gt(0), tg.sqrt(A!), 0),
    scalar: ({ A }) => S.map((a) => select(tg.gt(a!, 0), tg.sqrt(a!), 0), A!),
    ref: ({ A }) => R.elementwise((a) => (a! > 0 ? Math.sqrt(a!) : 0), A!),
  },
];

export const ELEMENTWISE_CASES: Case[] = [...unaryCases, ...binaryCases, ...numberCases, ...naryCases];

describe.each(ENGINES)("elementwise array ops on the %s engine", (engine) => {
  for (const c of ELEMENTWISE_CASES) {
    describe(c.name, () => {
      it("value, jacobians, grad, jvp, vjp", () => checkFirstOrder(c, engine));
      it("a scalarization's grad, hvp and hessian", () => checkSecondOrder(c, engine));
      it("evalBatch, gradBatch, meanGrad", () => checkBatch(c, engine));
    });
  }
});

describe("elementwise array ops: the wasm and js engines agree", () => {
  for (const c of ELEMENTWISE_CASES) it(c.name, () => checkEnginesAgree(c));
});

describe("elementwise array ops: the test's scalar versions against the reference (no array variables involved)", () => {
  for (const c of ELEMENTWISE_CASES) it(c.name, () => checkScalarVersion(c, "js"));
});
