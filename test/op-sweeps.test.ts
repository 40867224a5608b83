/**
 * Every op of the table through every sweep, table-driven: the ops come from OPS (kind unary,
 * binary or compare), so a new op is tested as soon as it has a domain here — and the test fails
 * until it has one. At ordinary points of each op's domain, on both engines:
 *
 * - the value against the table's rule and an independent reference (Math.*, a closed form, the
 *   BigInt erf of test/erf-reference.ts);
 * - the first partials against the table's rule and central differences;
 * - every sweep against every other: eval, grad, vjp, jvp, jvpMany and vjpMany (k = 3),
 *   jacobian in both modes, hvp and hessian (against the rule's second-order terms and finite
 *   differences of grad), and the batch kernels — evalBatch, gradBatch and meanGrad over 7 points
 *   (odd, so the f64x2 kernels have a half-filled last pair) with the op's operands carried as
 *   data, lane by lane against single-point eval and grad of the same function;
 * - the wasm engine against the js engine, quantity by quantity;
 * - and at awkward points (±0, ±1, ±800, tiny, huge, ±∞, NaN, off the domain too), every sweep
 *   and both engines against each other: same NaNs and infinities, close numbers.
 *
 * The wasm engine's Math is AssemblyScript's port of musl, V8's is fdlibm: both are within about
 * 1 ulp of the true value, so they may differ by a couple of ulp; we allow 4 ulp between them (and
 * between the batch kernels' vectorised exp/tanh/sigmoid and the scalar ones). Derivatives too,
 * except where a rule subtracts nearly equal numbers (atan2's ∂²/∂a∂b; Domain.cancels says which
 * and why): a 1-ulp difference there becomes a few ε absolute, and that is the slack; and
 * hypot's ∂², which reuses the rounded hypot three times (6 ulp, Domain.derivativeUlps).
 * Within one engine the documented families give the same bits: grad, vjp, vjpMany and reverse
 * Jacobians; jvp, jvpMany and forward Jacobians; hvp and hessian (README, "Numerics").
 */
import { afterAll, describe, expect, it } from "vitest";
import { compile, OPS, type EngineName, type OpRule, type Var } from "../src/index.js";
import { binary, unary } from "../src/var.js";
import { mulberry32 } from "../src/random.js";
import { ENGINES } from "./engines.js";
import { erfcReference, erfReference } from "./erf-reference.js";
import { sameNumber, ulp, ulpDiff } from "./ulp.js";

type Interval = readonly [lo: number, hi: number];

/** Where an op is smooth (or, for the piecewise ones, away from its jumps). */
interface Domain {
  /** The first operand's interval. */
  a: Interval;
  /** The second operand's interval (binary and compare ops). */
  b?: Interval;
  /** Draw b with either sign (div, mod). */
  signedB?: boolean;
  /** Compare ops: every other point is a tie b = a. */
  ties?: boolean;
  /** powc: the second operand is this constant exponent. */
  exponent?: number;
  /** The value, written independently of src/ops.ts. */
  ref: (a: number, b: number) => number;
  /** Its accuracy bound in ulps, if not 4 (erf, erfc). */
  refUlps?: number;
  /**
   * Why a derivative rule subtracts nearly equal numbers (a/h − b/h): then a 1-ulp difference
   * between the engines' Math becomes an absolute difference of a few ε times the terms' size,
   * and derivatives get that slack (4ε·max(1, |v|) for partials, 4ε·max|H| for the Hessian).
   */
  cancels?: string;
  /** A derivative bound in ulps, if not 4, where a rule reuses a rounded Math result (hypot). */
  derivativeUlps?: number;
}

const logistic = (a: number): number => 1 / (1 + Math.exp(-a));
const cmp = { a: [-2, 2], b: [-2, 2], ties: true } as const;
const wide = [-3, 3] as const;
const positive = [0.05, 20] as const;
const steps = [-3.7, 3.7] as const;

const DOMAINS: Record<string, Domain> = {
  add: { a: wide, b: wide, ref: (a, b) => a + b },
  sub: { a: wide, b: wide, ref: (a, b) => a - b },
  mul: { a: wide, b: wide, ref: (a, b) => a * b },
  div: { a: wide, b: [0.4, 3], signedB: true, ref: (a, b) => a / b },
  pow: { a: [0.2, 3], b: [-2, 2], ref: Math.pow },
  powc: { a: [0.2, 3], exponent: 2.5, ref: (a) => Math.pow(a, 2.5) },
  neg: { a: wide, ref: (a) => -a },
  sin: { a: [-4, 4], ref: Math.sin },
  cos: { a: [-4, 4], ref: Math.cos },
  tan: { a: [-1.2, 1.2], ref: Math.tan },
  exp: { a: [-5, 5], ref: Math.exp },
  log: { a: positive, ref: Math.log },
  sqrt: { a: positive, ref: Math.sqrt },
  square: { a: wide, ref: (a) => a * a },
  tanh: { a: wide, ref: Math.tanh },
  sigmoid: { a: [-5, 5], ref: logistic },
  relu: { a: wide, ref: (a) => Math.max(a, 0) },
  abs: { a: wide, ref: Math.abs },
  min: { a: wide, b: wide, ref: Math.min },
  max: { a: wide, b: wide, ref: Math.max },
  lt: { ...cmp, ref: (a, b) => +(a < b) },
  le: { ...cmp, ref: (a, b) => +(a <= b) },
  gt: { ...cmp, ref: (a, b) => +(a > b) },
  ge: { ...cmp, ref: (a, b) => +(a >= b) },
  eq: { ...cmp, ref: (a, b) => +(a === b) },
  log1p: { a: [-0.9, 20], ref: Math.log1p },
  expm1: { a: [-5, 5], ref: Math.expm1 },
  softplus: { a: [-5, 5], ref: (a) => Math.log1p(Math.exp(a)) },
  logSigmoid: { a: [-5, 5], ref: (a) => -Math.log1p(Math.exp(-a)) },
  atan: { a: [-5, 5], ref: Math.atan },
  asin: { a: [-0.95, 0.95], ref: Math.asin },
  acos: { a: [-0.95, 0.95], ref: Math.acos },
  sinh: { a: [-5, 5], ref: Math.sinh },
  cosh: { a: [-5, 5], ref: Math.cosh },
  asinh: { a: [-5, 5], ref: Math.asinh },
  acosh: { a: [1.05, 20], ref: Math.acosh },
  atanh: { a: [-0.95, 0.95], ref: Math.atanh },
  // erf and erfc are good to 1e-14 relative (test/special.test.ts: ≤ 7e-15 measured), ~48 ulp.
  erf: { a: wide, ref: erfReference, refUlps: 48 },
  erfc: { a: [-3, 5], ref: erfcReference, refUlps: 48 },
  cbrt: { a: [-8, 8], ref: Math.cbrt },
  log2: { a: positive, ref: Math.log2 },
  log10: { a: positive, ref: Math.log10 },
  sign: { a: steps, ref: Math.sign },
  floor: { a: steps, ref: Math.floor },
  ceil: { a: steps, ref: Math.ceil },
  round: { a: steps, ref: Math.round },
  trunc: { a: steps, ref: Math.trunc },
  atan2: { a: wide, b: wide, ref: Math.atan2, cancels: "∂²/∂a∂b = (a/h − b/h)(a/h + b/h)/h²" },
  // ∂² = (b/h)²/h reads h = hypot(a, b) three times: the engines' 1-ulp difference in h is 3 ulp
  // there, with the rounding of three operations on top (measured 5).
  hypot: { a: wide, b: wide, ref: Math.hypot, derivativeUlps: 6 },
  mod: { a: [-9, 9], b: [0.7, 3], signedB: true, ref: (a, b) => a % b },
};

/** The ops this file sweeps: everything with operands and a derivative rule. */
const SWEPT = OPS.filter((r) => r.kind === "unary" || r.kind === "binary" || r.kind === "compare");

/** Points per op: odd, so the batch kernels' last f64x2 pair has one lane of padding. */
const B = 7;
const EPS = Number.EPSILON;
const ULPS = 4;

/** B points [a, b] of the op's domain, from a generator seeded by the op code (reproducible). */
function pointsOf(rule: OpRule, d: Domain): Array<[number, number]> {
  const random = mulberry32(1000 + rule.code);
  const draw = ([lo, hi]: Interval): number => lo + (hi - lo) * random();
  const out: Array<[number, number]> = [];
  for (let i = 0; i < B; i++) {
    const a = draw(d.a);
    let b = d.exponent ?? (d.b === undefined ? 0 : draw(d.b));
    if (d.signedB && random() < 0.5) b = -b;
    if (d.ties && i % 2 === 1) b = a;
    out.push([a, b]);
  }
  return out;
}

/** Number of differentiated operands: 2 for a binary op, 1 for unary ones and powc's base. */
const arity = (rule: OpRule, d: Domain): number => (rule.kind === "unary" || d.exponent !== undefined ? 1 : 2);

/** The op applied to its operand variables, by op code: no per-op builder to keep in sync. */
function apply(rule: OpRule, d: Domain, xs: readonly Var[]): Var {
  if (rule.kind === "unary") return unary(rule.code, xs[0]!);
  return binary(rule.code, xs[0]!, d.exponent ?? xs[1]!);
}

/** The worst agreement seen per op and check, in ulps, printed with TAPEGRAD_REPORT=1. */
const worst = new Map<string, number>();
afterAll(() => {
  if (!process.env.TAPEGRAD_REPORT) return;
  const rows = [...worst].filter(([, u]) => u > 0).map(([k, u]) => `${k}: ${u.toFixed(1)} ulp`);
  console.log(rows.join("\n"));
});

/** actual ≈ expected to `ulps` ulp plus an absolute slack; records the distance under `label`. */
function near(label: string, actual: number, expected: number, ulps = ULPS, abs = 0): void {
  const distance = ulpDiff(actual, expected);
  worst.set(label, Math.max(worst.get(label) ?? 0, Number.isFinite(distance) ? distance : 0));
  if (distance <= ulps || (Number.isFinite(actual) && Math.abs(actual - expected) <= ulps * ulp(expected) + abs)) return;
  throw new Error(`${label}: ${actual} is not within ${ulps} ulp (+${abs.toExponential(1)}) of ${expected} (${distance.toFixed(1)} ulp)`);
}

/** A derivative of an op of domain d: 4 ulp (or d's bound), plus 4ε·scale where a rule or a sum of terms of size `scale` cancels. */
function nearDerivative(d: Domain, label: string, actual: number, expected: number, scale = 0): void {
  near(label, actual, expected, d.derivativeUlps ?? ULPS, ULPS * EPS * scale);
}

/** Exactly the same numbers (NaN = NaN): what one family of sweeps promises. */
function same(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!sameNumber(actual[i]!, expected[i]!) && !(actual[i] === 0 && expected[i] === 0)) {
      throw new Error(`${label}[${i}]: ${actual[i]} differs from ${expected[i]}`);
    }
  }
}

/** |fd − d| within the truncation and rounding error of a central difference with step h. */
function nearDifference(label: string, d: number, fd: number, v: number): void {
  const tol = 1e-6 * Math.max(Math.abs(d), Math.abs(fd)) + 1e-8 * Math.max(1, Math.abs(v));
  if (!(Math.abs(d - fd) <= tol)) throw new Error(`${label}: ${d} is not within ${tol.toExponential(1)} of the central difference ${fd}`);
}

/** Every number one engine produces for one op, by name, for the cross-engine comparison. */
type Results = Map<string, { value: number; scale: number; derivative: boolean }>;
const results = new Map<string, Map<EngineName, Results>>();

function sweep(rule: OpRule, d: Domain, engine: EngineName): Results {
  const out: Results = new Map();
  const keep = (key: string, value: number, scale: number, derivative = true): void => void out.set(key, { value, scale, derivative });
  const n = arity(rule, d);
  const name = `${rule.name} ${engine}`;
  const pts = pointsOf(rule, d);
  const f = compile((xs: Var[]) => apply(rule, d, xs), { inputs: n, engine });
  const h = 1e-6;

  pts.forEach(([a, b], k) => {
    const X = n === 1 ? [a] : [a, b];
    const at = `${name} at (${X.join(", ")})`;
    const v = f.eval(X)[0]!;
    const rv = rule.value(a, b);
    const first = d.cancels ? Math.max(1, Math.abs(v)) : 0; // see Domain.cancels
    keep(`eval ${k}`, v, v, false);

    // Value: the js engine evaluates the rule itself; the wasm kernels its AssemblyScript port.
    if (engine === "js") same(`${at}: value = rule`, [v], [rv]);
    else near(`${rule.name}: wasm value vs rule`, v, rv);
    near(`${rule.name} ${engine}: value vs reference`, v, d.ref(a, b), d.refUlps ?? ULPS);

    // First partials: the rule (exact on js), central differences of the engine's own values.
    const g = f.grad(X);
    same(`${at}: grad's value = eval`, [g.value], [v]);
    const rulePartials = [rule.da(a, b, rv), rule.db(a, b, rv)].slice(0, n);
    for (let i = 0; i < n; i++) {
      if (engine === "js") same(`${at}: ∂${i} = rule`, [g.grad[i]!], [rulePartials[i]!]);
      else nearDerivative(d, `${rule.name}: wasm ∂${i} vs rule`, g.grad[i]!, rulePartials[i]!, first);
      keep(`grad ${k} ${i}`, g.grad[i]!, first);
      if (rule.kind === "compare") {
        expect(g.grad[i], `${at}: a comparison has derivative 0`).toBe(0);
        continue; // a step at the ties: no central difference
      }
      const up = [...X];
      const down = [...X];
      const step = h * Math.max(1, Math.abs(X[i]!));
      up[i]! += step;
      down[i]! -= step;
      nearDifference(`${at}: ∂${i}`, g.grad[i]!, (f.eval(up)[0]! - f.eval(down)[0]!) / (2 * step), v);
    }

    // Reverse family: grad = vjp = vjpMany rows / u_l = jacobian("reverse"), bit for bit.
    same(`${at}: vjp`, f.vjp(X, [1]).grad, g.grad);
    const U = [1, -2, 0.5]; // powers of two: u·∂ is exact
    const many = f.vjpMany(X, U, 3);
    for (let l = 0; l < 3; l++) same(`${at}: vjpMany row ${l}`, many.grads.subarray(l * n, l * n + n), g.grad.map((x) => x * U[l]!));
    same(`${at}: vjpMany value`, many.value, [v]);
    same(`${at}: reverse jacobian`, f.jacobian(X, { mode: "reverse" }).data, g.grad);

    // Forward family: jvp along e_i and w, = jvpMany rows = jacobian("forward"), bit for bit.
    const dirs = n === 1 ? [[1], [-0.75], [3]] : [[1, 0], [0, 1], [0.5, -2]];
    const tangents = dirs.map((dir) => {
      const j = f.jvp(X, dir);
      same(`${at}: jvp's value`, j.value, [v]);
      return j.tangent[0]!;
    });
    for (let i = 0; i < n; i++) nearDerivative(d, `${rule.name} ${engine}: jvp vs grad`, tangents[i]!, g.grad[i]!, first);
    const expectedW = dirs[2]!.reduce((s, w, i) => s + w * g.grad[i]!, 0);
    const sizeW = dirs[2]!.reduce((s, w, i) => s + Math.abs(w * g.grad[i]!), 0); // the sum may cancel
    nearDerivative(d, `${rule.name} ${engine}: jvp(w) vs w·grad`, tangents[2]!, expectedW, Math.max(first, sizeW));
    same(`${at}: jvpMany`, f.jvpMany(X, dirs.flat(), 3).tangents, tangents);
    same(`${at}: forward jacobian`, f.jacobian(X, { mode: "forward" }).data, n === 1 ? [tangents[0]!] : tangents.slice(0, 2));

    // Second order: hessian = hvp columns (bit for bit) = the rule's terms ≈ differences of grad.
    const H = f.hessian(X).data;
    for (let i = 0; i < n; i++) same(`${at}: hvp(e${i})`, f.hvp(X, dirs[i]!.map((_, j) => +(i === j))), H.subarray(i * n, i * n + n));
    const second = n === 1 ? [rule.daa(a, b, rv)] : [rule.daa(a, b, rv), rule.dab(a, b, rv), rule.dab(a, b, rv), rule.dbb(a, b, rv)];
    const secondScale = d.cancels ? Math.max(first, ...Array.from(H, Math.abs)) : 0; // see Domain.cancels
    for (let e = 0; e < n * n; e++) {
      if (engine === "js") same(`${at}: H[${e}] = rule`, [H[e]!], [second[e]!]);
      else nearDerivative(d, `${rule.name}: wasm H vs rule`, H[e]!, second[e]!, secondScale);
      keep(`hessian ${k} ${e}`, H[e]!, secondScale);
    }
    const hw = f.hvp(X, dirs[2]!);
    for (let i = 0; i < n; i++) {
      const expected = dirs[2]!.reduce((s, w, j) => s + w * H[i * n + j]!, 0);
      const size = dirs[2]!.reduce((s, w, j) => s + Math.abs(w * H[i * n + j]!), 0); // the sum may cancel
      nearDerivative(d, `${rule.name} ${engine}: hvp(w) vs H·w`, hw[i]!, expected, Math.max(secondScale, size));
    }
    if (rule.kind !== "compare") {
      for (let i = 0; i < n; i++) {
        const step = h * Math.max(1, Math.abs(X[i]!));
        const up = [...X];
        const down = [...X];
        up[i]! += step;
        down[i]! -= step;
        const gu = f.grad(up).grad;
        const gd = f.grad(down).grad;
        for (let j = 0; j < n; j++) nearDifference(`${at}: H[${j}, ${i}]`, H[j * n + i]!, (gu[j]! - gd[j]!) / (2 * step), g.grad[j]!);
      }
    }
  });
  f.dispose();

  // Batches: the operands are θ + data, so each lane of the kernels holds a different point.
  const theta = [0.125, -0.0625].slice(0, n);
  const dataset = new Float64Array(pts.flatMap(([a, b]) => (n === 1 ? [a - theta[0]!] : [a - theta[0]!, b - theta[1]!])));
  const fb = compile({ params: n, data: n, engine }, (p, x) => apply(rule, d, p.map((pi, i) => pi.add(x[i]!))));
  const values = fb.evalBatch(theta, dataset);
  const gb = fb.gradBatch(theta, dataset);
  const meanValue = { sum: 0, abs: 0 };
  const meanGrad = Array.from({ length: n }, () => ({ sum: 0, abs: 0 }));
  for (let k = 0; k < B; k++) {
    const row = dataset.subarray(k * n, k * n + n);
    const single = fb.grad(theta, row);
    near(`${rule.name} ${engine}: evalBatch vs eval`, values[k]!, fb.eval(theta, row)[0]!);
    near(`${rule.name} ${engine}: gradBatch value vs grad`, gb.value[k]!, single.value);
    const operands = Array.from(row, (r, i) => theta[i]! + r);
    near(`${rule.name} ${engine}: evalBatch vs rule`, values[k]!, rule.value(operands[0]!, d.exponent ?? operands[1] ?? 0));
    for (let i = 0; i < n; i++) {
      const scale = d.cancels ? Math.max(1, Math.abs(single.value)) : 0;
      nearDerivative(d, `${rule.name} ${engine}: gradBatch vs grad`, gb.grad[k * n + i]!, single.grad[i]!, scale);
      meanGrad[i]!.sum += single.grad[i]! / B;
      meanGrad[i]!.abs += Math.abs(single.grad[i]!) / B;
      keep(`gradBatch ${k} ${i}`, gb.grad[k * n + i]!, scale);
    }
    meanValue.sum += single.value / B;
    meanValue.abs += Math.abs(single.value) / B;
    keep(`evalBatch ${k}`, values[k]!, values[k]!, false);
  }
  // meanGrad sums in its own order: 7 terms reordered differ by at most 3ε·Σ|term|; allow 8ε.
  const mg = fb.meanGrad(theta, dataset);
  const slack = (m: { abs: number }) => 8 * EPS * m.abs;
  near(`${rule.name} ${engine}: meanGrad value`, mg.value, meanValue.sum, ULPS, slack(meanValue));
  for (let i = 0; i < n; i++) near(`${rule.name} ${engine}: meanGrad`, mg.grad[i]!, meanGrad[i]!.sum, ULPS, slack(meanGrad[i]!));
  fb.dispose();

  // The operands straight from data (no arithmetic node in between), scaled by a parameter.
  const fd = compile({ params: 1, data: n, engine }, (p, x) => apply(rule, d, x).mul(p[0]!));
  const direct = fd.evalBatch([1], Float64Array.from(pts.flatMap((pt) => pt.slice(0, n))));
  const directGrad = fd.gradBatch([1], Float64Array.from(pts.flatMap((pt) => pt.slice(0, n)))).grad;
  pts.forEach(([a, b], k) => {
    const single = fd.eval([1], [a, b].slice(0, n))[0]!;
    near(`${rule.name} ${engine}: evalBatch (data operands) vs eval`, direct[k]!, single);
    near(`${rule.name} ${engine}: gradBatch (data operands) vs eval`, directGrad[k]!, single);
  });
  fd.dispose();
  return out;
}

it("every op with operands has a domain here, and every domain is an op", () => {
  expect(SWEPT.filter((r) => DOMAINS[r.name] === undefined).map((r) => r.name)).toEqual([]);
  expect(Object.keys(DOMAINS).filter((name) => !SWEPT.some((r) => r.name === name))).toEqual([]);
  expect(SWEPT.length).toBeGreaterThanOrEqual(50);
});

describe.each(SWEPT.map((r) => [r.name, r] as const))("%s", (name, rule) => {
  it.each(ENGINES)("every sweep agrees with the rule, the reference and the others (%s)", (engine) => {
    const d = DOMAINS[name];
    if (d === undefined) throw new Error(`op ${name} has no domain in test/op-sweeps.test.ts`);
    const byEngine = results.get(name) ?? new Map<EngineName, Results>();
    byEngine.set(engine, sweep(rule, d, engine));
    results.set(name, byEngine);
  });

  it("the wasm and js engines agree to a few ulp, quantity by quantity", () => {
    const wasm = results.get(name)?.get("wasm");
    const js = results.get(name)?.get("js");
    if (wasm === undefined || js === undefined) throw new Error(`${name}: an engine's sweep did not finish`);
    expect([...wasm.keys()]).toEqual([...js.keys()]);
    for (const [key, w] of wasm) {
      const j = js.get(key)!;
      if (w.derivative) nearDerivative(DOMAINS[name]!, `${name}: wasm vs js ${key.split(" ")[0]}`, w.value, j.value, Math.max(w.scale, j.scale));
      else near(`${name}: wasm vs js ${key.split(" ")[0]}`, w.value, j.value);
    }
  });
});

/**
 * Awkward points — zeros of both signs, ±1, overflow-sized and tiny arguments, ±∞, NaN — for
 * every op, off its domain too: no reference there, but every sweep must agree with the others
 * and with the other engine (same NaN, same infinities, a few ulp otherwise). This is where a
 * sweep's own spelling of a rule (a two-lane bitselect, the zero rule, a guard) can drift.
 */
const AWKWARD_UNARY = [0, -0, 1, -1, 0.5, -2.5, 3, 800, -800, 1e-20, -1e-300, 1e300, -1e300, Infinity, -Infinity, NaN];
const AWKWARD_BINARY = [0, -0, 1, -1, 2.5, 1e300, Infinity, -Infinity, NaN];

function awkwardPoints(rule: OpRule, d: Domain): number[][] {
  if (arity(rule, d) === 1) return AWKWARD_UNARY.map((a) => [a]);
  return AWKWARD_BINARY.flatMap((a) => AWKWARD_BINARY.map((b) => [a, b]));
}

/** Every sweep's numbers at each awkward point, in one flat list with labels. */
function awkwardSweeps(rule: OpRule, d: Domain, engine: EngineName): Array<[string, number]> {
  const n = arity(rule, d);
  const pts = awkwardPoints(rule, d);
  const out: Array<[string, number]> = [];
  const f = compile((xs: Var[]) => apply(rule, d, xs), { inputs: n, engine });
  const fb = compile({ params: n, data: n, engine }, (p, x) => apply(rule, d, p.map((pi, i) => pi.add(x[i]!))));
  const zero = new Array<number>(n).fill(0);
  const batchValues = fb.evalBatch(zero, Float64Array.from(pts.flat()));
  const batch = fb.gradBatch(zero, Float64Array.from(pts.flat()));
  pts.forEach((X, k) => {
    const at = `${rule.name}(${X.map((x) => (Object.is(x, -0) ? "-0" : x)).join(", ")}) ${engine}`;
    const v = f.eval(X)[0]!;
    const g = f.grad(X).grad;
    out.push([`${at} value`, v]);
    const H = f.hessian(X).data;
    for (let i = 0; i < n; i++) {
      const e = zero.map((_, j) => +(i === j));
      const partial = `${at} ∂${i}`;
      out.push([partial, g[i]!]);
      agree(d, `${partial}: jvp vs grad`, f.jvp(X, e).tangent[0]!, g[i]!);
      agree(d, `${partial}: vjpMany vs grad`, f.vjpMany(X, [1, 1, 1], 3).grads[n + i]!, g[i]!);
      agree(d, `${partial}: jvpMany vs grad`, f.jvpMany(X, [...e, ...e, ...e], 3).tangents[2]!, g[i]!);
      const hv = f.hvp(X, e);
      for (let j = 0; j < n; j++) {
        agree(d, `${at} H[${j}, ${i}]: hvp vs hessian`, hv[j]!, H[j * n + i]!);
        out.push([`${at} H[${j}, ${i}]`, H[j * n + i]!]);
      }
    }
    // The batch lanes against single points of the same function (operands 0 + data).
    const single = fb.grad(zero, X);
    agree(d, `${at}: evalBatch vs eval`, batchValues[k]!, fb.eval(zero, X)[0]!);
    agree(d, `${at}: gradBatch value vs grad`, batch.value[k]!, single.value);
    for (let i = 0; i < n; i++) agree(d, `${at} ∂${i}: gradBatch vs grad`, batch.grad[k * n + i]!, single.grad[i]!);
  });
  f.dispose();
  fb.dispose();
  return out;
}

/** Same class (NaN, ±∞) and within the op's derivative bound otherwise (Domain.cancels, derivativeUlps). */
function agree(d: Domain, label: string, actual: number, expected: number): void {
  if (Number.isNaN(expected) || !Number.isFinite(expected) || Number.isNaN(actual) || !Number.isFinite(actual)) {
    if (!sameNumber(actual, expected)) throw new Error(`${label}: ${actual}, expected ${expected}`);
    return;
  }
  nearDerivative(d, label, actual, expected, d.cancels ? Math.max(1, Math.abs(expected)) : 0);
}

describe("every sweep and both engines agree at awkward points, off the domain too", () => {
  it.each(SWEPT.map((r) => [r.name, r] as const))("%s", (name, rule) => {
    const d = DOMAINS[name];
    if (d === undefined) throw new Error(`op ${name} has no domain in test/op-sweeps.test.ts`);
    const wasm = awkwardSweeps(rule, d, "wasm");
    const js = awkwardSweeps(rule, d, "js");
    wasm.forEach(([label, w], i) => agree(d, `${label.replace(" wasm", "")}: wasm vs js`, w, js[i]![1]));
  });
});
