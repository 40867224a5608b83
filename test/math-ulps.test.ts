/**
 * The Math-backed ops' values against JavaScript's Math over their whole domain: a few hundred
 * points per op, log-uniform in magnitude from the subnormals to the largest doubles, both signs,
 * plus a uniform sweep of the range where the function is not trivial, the edges of the domain,
 * −0, ±∞ and NaN (and points outside the domain, where both must give NaN).
 *
 * The wasm kernels use AssemblyScript's Math (a musl port), V8 uses fdlibm: both are within about
 * 1 ulp of the true value, so we allow 4 ulp between them — and a zero must have the same sign.
 * sign, floor, ceil, round and trunc are exact: the same number, −0 included. Checked through
 * compile(…).eval on the wasm engine and in the batch lanes (evalBatch, 64-point blocks of
 * f64x2 pairs); the js engine calls Math itself, so it must match exactly.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  acos, acosh, asin, asinh, atan, atan2, atanh, cbrt, ceil, compile, cosh, expm1, floor, hypot, log10, log1p, log2,
  round, sign, sinh, trunc, type EngineName, type Var,
} from "../src/index.js";
import { mulberry32 } from "../src/random.js";
import { ulpDiff } from "./ulp.js";

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1];

/** n magnitudes 10^u with u uniform in [lo, hi] (lo = −323.3 reaches the smallest subnormal). */
function logUniform(random: () => number, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => 10 ** (lo + (hi - lo) * random()));
}
const uniform = (random: () => number, n: number, lo: number, hi: number): number[] =>
  Array.from({ length: n }, () => lo + (hi - lo) * random());
const signed = (xs: number[]): number[] => xs.flatMap((x) => [x, -x]);
/** 1 − 2^−k for k = 1 … 53: the approach to an edge at 1 (and −1 after signed()). */
const towardOne = Array.from({ length: 53 }, (_, k) => 1 - 2 ** -(k + 1));

interface MathCase {
  fn: (x: Var, y: Var) => Var;
  math: (x: number, y: number) => number;
  /** Points, or pairs for the binary ops. */
  points: (random: () => number) => Array<[number, number]>;
  exact?: boolean;
}

const R = mulberry32;
const unaryPoints = (make: (random: () => number) => number[]) => (random: () => number): Array<[number, number]> =>
  [...make(random), ...SPECIAL].map((x) => [x, 0]);
/** The whole line: log-uniform magnitudes of both signs, and uniform on [−core, core]. */
const line = (core: number) => unaryPoints((r) => [...signed(logUniform(r, 100, -323.3, 308.2)), ...uniform(r, 100, -core, core)]);
/** [−1, 1]: tiny to 1 of both signs, the approach to ±1, and outside (NaN). */
const unitInterval = unaryPoints((r) => [
  ...signed(logUniform(r, 120, -323.3, 0)), ...uniform(r, 60, -1, 1), ...signed(towardOne), 1.5, -1.5, 1 + 2 ** -52, 1e300,
]);
/** (0, ∞): subnormals to the largest doubles, powers of ten and two, and negatives (NaN). */
const positive = unaryPoints((r) => [
  ...logUniform(r, 200, -323.3, 308.2), ...uniform(r, 60, 0, 10), ...Array.from({ length: 40 }, (_, k) => 10 ** (k - 20)),
  ...Array.from({ length: 40 }, (_, k) => 2 ** (k * 50 - 1000)), -1, -1e-300,
]);
/** Integers, ties and near-ties, large values where every double is an integer. */
const steps = unaryPoints((r) => [
  ...signed(logUniform(r, 80, -323.3, 308.2)), ...uniform(r, 80, -10, 10), ...signed([0.5, 1.5, 2.5, 3.5, 0.49999999999999994, 0.4, 0.6, 1 - 2 ** -53]),
  ...signed([2 ** 52 - 0.5, 2 ** 52 + 1, 2 ** 53 - 1, 2 ** 53 + 2, 4503599627370495.5]), ...signed(uniform(r, 20, -4, 4).map((x) => Math.round(x * 2) / 2)),
]);
/** Pairs from a signed log-uniform set with zeros, infinities and NaN in either place. */
const pairs = (random: () => number): Array<[number, number]> => {
  const values = [...signed(logUniform(random, 30, -323.3, 308.2)), ...uniform(random, 20, -5, 5), ...SPECIAL];
  const out: Array<[number, number]> = [];
  for (let i = 0; i < 400; i++) out.push([values[Math.floor(random() * values.length)]!, values[Math.floor(random() * values.length)]!]);
  for (const y of SPECIAL) for (const x of SPECIAL) out.push([y, x]);
  return out;
};

const CASES: Record<string, MathCase> = {
  log1p: {
    fn: (x) => log1p(x), math: Math.log1p, points: unaryPoints((r) => [
      ...logUniform(r, 150, -323.3, 308.2), ...signed(logUniform(r, 100, -323.3, 0)).filter((x) => x > -1),
      ...towardOne.map((t) => -t), ...uniform(r, 60, -1, 5), -1, -1.5, -1e300,
    ]),
  },
  expm1: { fn: (x) => expm1(x), math: Math.expm1, points: line(750) },
  atan: { fn: (x) => atan(x), math: Math.atan, points: line(20) },
  asin: { fn: (x) => asin(x), math: Math.asin, points: unitInterval },
  acos: { fn: (x) => acos(x), math: Math.acos, points: unitInterval },
  sinh: { fn: (x) => sinh(x), math: Math.sinh, points: line(720) },
  cosh: { fn: (x) => cosh(x), math: Math.cosh, points: line(720) },
  asinh: { fn: (x) => asinh(x), math: Math.asinh, points: line(20) },
  acosh: {
    fn: (x) => acosh(x), math: Math.acosh, points: unaryPoints((r) => [
      ...logUniform(r, 150, 0, 308.2), ...logUniform(r, 80, -16, 0).map((e) => 1 + e), ...uniform(r, 60, 1, 10), 0.5, -1, 1 - 2 ** -53,
    ]),
  },
  atanh: { fn: (x) => atanh(x), math: Math.atanh, points: unitInterval },
  cbrt: { fn: (x) => cbrt(x), math: Math.cbrt, points: line(30) },
  log2: { fn: (x) => log2(x), math: Math.log2, points: positive },
  log10: { fn: (x) => log10(x), math: Math.log10, points: positive },
  sign: { fn: (x) => sign(x), math: Math.sign, points: steps, exact: true },
  floor: { fn: (x) => floor(x), math: Math.floor, points: steps, exact: true },
  ceil: { fn: (x) => ceil(x), math: Math.ceil, points: steps, exact: true },
  round: { fn: (x) => round(x), math: Math.round, points: steps, exact: true },
  trunc: { fn: (x) => trunc(x), math: Math.trunc, points: steps, exact: true },
  atan2: { fn: (y, x) => atan2(y, x), math: Math.atan2, points: pairs },
  hypot: { fn: (x, y) => hypot(x, y), math: Math.hypot, points: pairs },
};

/** A number as a message shows it, −0 included. */
const show = (x: number): string => (Object.is(x, -0) ? "-0" : String(x));
const BINARY = new Set(["atan2", "hypot"]);
const worst = new Map<string, { ulps: number; at: string }>();
afterAll(() => {
  if (!process.env.TAPEGRAD_REPORT) return;
  for (const [k, w] of worst) console.log(`${k}: max ${w.ulps.toFixed(1)} ulp${w.ulps > 0 ? ` at ${w.at}` : ""}`);
});

/** Mismatches of `actual` against Math at each point: beyond 4 ulp, or (exact) any difference, or a zero of the other sign. */
function mismatches(label: string, c: MathCase, pts: Array<[number, number]>, actual: ArrayLike<number>, exact: boolean): string[] {
  const bad: string[] = [];
  let max = { ulps: 0, at: "" };
  pts.forEach(([x, y], i) => {
    const expected = c.math(x, y);
    const got = actual[i]!;
    const d = ulpDiff(got, expected);
    const zeroSign = expected === 0 && !Object.is(got, expected);
    if (d > max.ulps) max = { ulps: d, at: `(${x}, ${y})` };
    if ((exact ? d !== 0 : d > 4) || zeroSign) bad.push(`${label}(${show(x)}${BINARY.has(label.split(" ")[0]!) ? `, ${show(y)}` : ""}) = ${show(got)}, Math gives ${show(expected)}`);
  });
  worst.set(label, max);
  return bad;
}

describe.each(Object.entries(CASES))("%s", (name, c) => {
  const n = BINARY.has(name) ? 2 : 1;
  const pts = c.points(R(77 + name.length * 31 + name.charCodeAt(0)));
  it(`samples ${name} on a few hundred points`, () => expect(pts.length).toBeGreaterThanOrEqual(200));

  it.each(["wasm", "js"] as EngineName[])("eval on the %s engine", (engine) => {
    const f = compile((xs: Var[]) => c.fn(xs[0]!, xs[1]!), { inputs: n, engine });
    const got = pts.map(([x, y]) => f.eval(n === 1 ? [x] : [x, y])[0]!);
    f.dispose();
    // The js engine calls Math: exact. The wasm engine: musl's Math, 4 ulp (exact for the steps).
    expect(mismatches(`${name} ${engine} eval`, c, pts, got, engine === "js" || c.exact === true)).toEqual([]);
  });

  it.each(["wasm", "js"] as EngineName[])("evalBatch on the %s engine (each point in its own lane)", (engine) => {
    // The parameter is not used: the output is the op itself, so −0 survives (no + 0).
    const f = compile({ params: 1, data: n, engine }, (_p, d) => c.fn(d[0]!, d[1]!));
    const got = f.evalBatch([0], Float64Array.from(pts.flatMap(([x, y]) => (n === 1 ? [x] : [x, y]))));
    f.dispose();
    expect(mismatches(`${name} ${engine} evalBatch`, c, pts, got, engine === "js" || c.exact === true)).toEqual([]);
  });
});
