/**
 * Differential fuzz test: thousands of random graphs over every op (select, min, max, abs, relu,
 * pow, powc, div, log, sqrt, the comparisons, …, and the ops added through the table: log1p,
 * expm1, softplus, logSigmoid, the inverse and hyperbolic functions, erf, erfc, cbrt, log2,
 * log10, the piecewise-constant sign, floor, ceil, round, trunc, and atan2, hypot, mod — the
 * cold ops of the sweeps) at points near kinks and domain edges (0, ±0, exact ties, 1, negative
 * bases, huge |x|, round's halves, 2⁵² + 1, NaN, ±∞) as well as ordinary points. Each graph is
 * checked for:
 *
 *  1. lanes vs single sweeps, bit-identical (Object.is): jvp(eᵢ) = jvpMany lane = jacobian
 *     forward column; vjp(eⱼ) = vjpMany lane = jacobian reverse row (= grad for one output);
 *     hvp(eᵢ) = hessian column;
 *  2. the wasm engine against the js engine: values and every derivative to ~1e-12 relative (or
 *     a few ulp), with the same NaN / finite / ±∞ classification; an output no rounded result
 *     reaches (error bound 0, see `valueErrors`) bit for bit, the sign of a zero included;
 *  3. forward against reverse: the jacobian forward and reverse agree entrywise to tolerance and —
 *     by the zero rule — in NaN / finite / ±∞ classification, except where the one documented
 *     cancellation exception can occur. Criterion (conservative, see `accumulate`): the reference
 *     sweeps below flag a graph when, at any node, a forward tangent sum or a reverse adjoint sum
 *     has two or more non-zero pieces that cancel exactly or nearly (|sum| ≤ 1e-9·Σ|pieces|, as
 *     the engines may add in another order) or that involve ±∞ or NaN; only such a sum can give 0
 *     (or finite) in one mode and ∞ − ∞ in the other — or a product or sum of finite non-zero
 *     numbers that overflows or underflows (forward and reverse associate the path products in
 *     opposite orders). Flagged entries (the input's forward sweep or the output's reverse sweep)
 *     skip the comparison; the others agree within RT or a rounding allowance from Σ|path
 *     products| (`pathTol`), which also lets a cancelling entry differ by its summation order;
 *  Disagreements with the reference are labelled with whether the pre-fix semantics (one-sided
 *  zero rule, sqrt'/log'(−0) = −∞, min/max routing a NaN) explain them — a known spec item — or
 *  not. min/max with a NaN operand: the reference gives both partials NaN ("NaN in, NaN out").
 *  Engine-vs-engine and batch-vs-single checks skip points where the graph is ill-conditioned
 *  (see `valueErrors` and `illConditioned`: a first-order error bound of every exp/log/pow/tanh/
 *  sigmoid at 4 ulp, with the margins of every decision, plus jittered references).
 *
 *  4. both engines against an independent reference written here from the spec (values, forward
 *     tangents and reverse adjoints with the symmetric zero rule and routing);
 *  5. batches: gradBatch / evalBatch / meanGrad with the inputs split into params and data
 *     against per-point grad / eval;
 *  6. central finite differences where the graph is smooth at the point: the Jacobian against
 *     differences of the values, the Hessian (one output) against differences of the gradient —
 *     the one check of the second-order rules that does not read them from the table itself.
 *
 * The seed differs per run (Date.now()) unless FUZZ_SEED is set; every failure message carries
 * the seed, the graph index, the graph as runnable code and the point, e.g.
 *   FUZZ_SEED=1733000000000 npx vitest run test/fuzz.test.ts
 * replays a run; FUZZ_GRAPHS sets the number of graphs (default 2000); FUZZ_DUMP=file writes
 * every failure there.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as tg from "../src/index.js";
import { compile, type Compiled, type EngineName, type Var } from "../src/index.js";
import { OPS } from "../src/ops.js";
import { rng } from "./helpers.js";
import { UNARY_BASE, UNARY_ADDED, UNARY, BINARY_BASE, BINARY_ADDED, BINARY, ADDED_ROUNDED, INTO_DOMAIN, COMPARE, CONSTANTS, EXPONENTS, randomGraph, scaleOf, fmt, describeGraph, builder, SPECIAL, randomPoint, type Ref, type GNode, type Graph } from "./fuzz-graphs.js";

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const GRAPHS = process.env.FUZZ_GRAPHS !== undefined ? Number(process.env.FUZZ_GRAPHS) : 2000;

// ---------------------------------------------------------------------------------------------
// graphs

// ---------------------------------------------------------------------------------------------
// the reference: values, tangents and adjoints from the spec

const RULE = new Map(OPS.map((r) => [r.name, r]));

/** azmul: exactly 0 when either factor is exactly 0 (even if the other is ±∞ or NaN). */
const az = (p: number, d: number): number => (p === 0 || d === 0 ? 0 : p * d);

interface Local {
  /** Operand value indices that receive derivative, and the partial for each (routing as a ±1 partial). */
  operands: number[];
  partials: number[];
  /** relu, abs, min, max, select: the derivative is routed, so a 0 partial always gives exactly 0. */
  routed: boolean;
}

/** Values of every node, and each node's local partials by the spec. */
const TRANSCENDENTAL = new Set(["sin", "cos", "tan", "exp", "log", "tanh", "sigmoid", "pow", "powc", ...ADDED_ROUNDED]);

/**
 * `jitter`, when given, multiplies every transcendental result and every partial by a factor
 * within a few ulp of 1: how the engines' Math may differ. Comparing the jittered reference with
 * the plain one tells whether the graph is ill-conditioned at the point (a 1-ulp change moves the
 * result beyond tolerance or flips a branch); engine-vs-engine checks skip those.
 */
function reference(g: Graph, x: ArrayLike<number>, jitter?: () => number, today = false): { val: Float64Array; local: Local[]; kinkMargin: number } {
  const N = g.inputs + g.nodes.length;
  const val = new Float64Array(N);
  for (let i = 0; i < g.inputs; i++) val[i] = x[i]!;
  const local: Local[] = [];
  for (let i = 0; i < g.inputs; i++) local.push({ operands: [], partials: [], routed: false });
  let kinkMargin = Infinity; // distance to the nearest kink, relative; for the smoothness test
  const margin = (a: number, b: number): void => {
    kinkMargin = Math.min(kinkMargin, Math.abs(a - b) / (1 + Math.abs(a) + Math.abs(b)));
  };
  g.nodes.forEach((n, k) => {
    const idx = n.args.map((r) => ("v" in r ? r.v : -1));
    const arg = n.args.map((r) => ("c" in r ? r.c : val[r.v]!));
    const a = arg[0]!;
    const b = arg[1] ?? 0;
    const operands: number[] = [];
    const partials: number[] = [];
    const add = (j: number, p: number): void => {
      if (idx[j]! >= 0) {
        operands.push(idx[j]!);
        partials.push(p);
      }
    };
    let v: number;
    if (n.op === "select") {
      v = a > 0 ? b : arg[2]!;
      margin(a, 0);
      add(a > 0 ? 1 : 2, 1);
    } else {
      const rule = RULE.get(n.op)!;
      v = rule.value(a, b);
      if (jitter !== undefined && TRANSCENDENTAL.has(n.op)) v *= jitter();
      switch (n.op) {
        // NaN in, NaN out: a NaN operand takes neither branch and gets the partial NaN.
        case "relu": add(0, a > 0 ? 1 : a <= 0 || today ? 0 : NaN); margin(a, 0); break;
        case "abs": add(0, a > 0 ? 1 : a < 0 ? -1 : a === 0 || today ? 0 : NaN); margin(a, 0); break;
        case "min":
        case "max":
          margin(a, b);
          if (!today && (Number.isNaN(a) || Number.isNaN(b))) {
            add(0, NaN);
            add(1, NaN);
          } else if (n.op === "min" ? a <= b : a >= b) add(0, 1);
          else add(1, 1);
          break;
        case "lt": case "le": case "gt": case "ge": case "eq": margin(a, b); break;
        case "sqrt": add(0, a === 0 && !today ? Infinity : rule.da(a, b, v)); margin(a, 0); break;
        case "log": add(0, a === 0 && !today ? Infinity : rule.da(a, b, v)); margin(a, 0); break;
        case "powc": add(0, rule.da(a, b, v)); margin(a, 0); break;
        case "pow":
          add(0, rule.da(a, b, v)); add(1, rule.db(a, b, v)); margin(a, 0);
          // A negative base is defined at integer exponents only: no neighbourhood for differences.
          if (a < 0 && idx[1]! >= 0) margin(0, 0);
          break;
        case "div": add(0, rule.da(a, b, v)); add(1, rule.db(a, b, v)); margin(b, 0); break;
        case "tan": add(0, rule.da(a, b, v)); margin(Math.cos(a), 0); break;
        // The added ops' kinks, jumps and domain edges, for the smoothness test of the differences.
        case "sign": add(0, rule.da(a, b, v)); margin(a, 0); break;
        case "floor": case "ceil": case "trunc": add(0, rule.da(a, b, v)); margin(a, Math.round(a)); break;
        case "round": add(0, rule.da(a, b, v)); margin(a, Math.floor(a) + 0.5); break;
        case "asin": case "acos": case "atanh": add(0, rule.da(a, b, v)); margin(Math.abs(a), 1); break;
        case "acosh": add(0, rule.da(a, b, v)); margin(a, 1); break;
        case "log1p": add(0, rule.da(a, b, v)); margin(a, -1); break;
        case "log2": case "log10": case "cbrt": add(0, rule.da(a, b, v)); margin(a, 0); break;
        case "atan2":
        case "hypot":
          add(0, rule.da(a, b, v)); add(1, rule.db(a, b, v));
          margin(Math.hypot(a, b), 0); // the origin
          if (n.op === "atan2" && b < 0) margin(a, 0); // the jump from π to −π on the negative x-axis
          break;
        case "mod":
          add(0, rule.da(a, b, v)); add(1, rule.db(a, b, v));
          // jumps where a crosses a multiple of b: |v| reaches |b|, or 0 away from the first piece
          margin(Math.abs(v), Math.abs(b)); margin(b, 0);
          if (Math.abs(a) >= Math.abs(b)) margin(v, 0);
          break;
        default:
          add(0, rule.da(a, b, v));
          if (n.args.length === 2) add(1, rule.db(a, b, v));
      }
    }
    val[g.inputs + k] = v;
    if (jitter !== undefined) for (let q = 0; q < partials.length; q++) partials[q] = partials[q]! * jitter();
    local.push({ operands, partials, routed: ["relu", "abs", "min", "max", "select"].includes(n.op) });
  });
  return { val, local, kinkMargin };
}

/** A sum of terms, and whether it is one the documented cancellation exception can hide in. */
function accumulate(terms: number[]): { sum: number; risky: boolean } {
  let sum = 0;
  let abs = 0;
  let nonzero = 0;
  for (const t of terms) {
    sum += t;
    abs += Math.abs(t);
    if (t !== 0) nonzero++;
  }
  // Risky: two or more non-zero pieces that cancel (exactly or nearly — the engines may add in
  // another order), or that involve ±∞ / NaN. Only at such a sum can a forward tangent be 0 (or
  // finite) where the reverse adjoint meets ∞ − ∞, or the other way round.
  const risky = nonzero >= 2 && (!(Math.abs(sum) > 1e-9 * abs) || !Number.isFinite(abs));
  return { sum, risky };
}

/**
 * Jacobian by forward tangents (column per input) and reverse adjoints (row per output).
 *
 * Also, per entry: `riskyAt[q]` — the forward sweep of its input or the reverse sweep of its output
 * has a sum that can cancel differently (see `accumulate`) or a product or sum of finite non-zero
 * numbers that overflows or underflows below the normal range (then the association of the path
 * products, which forward and reverse mode take in opposite orders, decides between ±∞, 0 and a
 * finite number: 1e-300·1e300·2e300 is 2e300 forward and (2e300·1e300)·1e-300 = ∞ reverse); and
 * `abs[q]` — the same Jacobian over |partials| (Σ over paths of |∏ partials|): any order of
 * summation and association, and any few-ulp change of each partial, moves an entry by at most a
 * small multiple of ε·abs[q] (see `pathTol`).
 */
function referenceJacobians(g: Graph, local: Local[], today = false): { fwd: Float64Array; rev: Float64Array; risky: boolean; riskyAt: Uint8Array; abs: Float64Array } {
  // today: the pre-fix rule, a zero only on the derivative side (tangent forward, adjoint reverse).
  const mulF = today ? (p: number, d: number) => (d === 0 ? 0 : p * d) : az;
  const N = g.inputs + g.nodes.length;
  const n = g.inputs;
  const m = g.outputs.length;
  const fwd = new Float64Array(m * n);
  const rev = new Float64Array(m * n);
  const absF = new Float64Array(m * n);
  const absR = new Float64Array(m * n);
  const fwdRisk = new Uint8Array(n);
  const revRisk = new Uint8Array(m);
  let edge = false; // an overflow or underflow met in the current sweep
  const checked = (mul: (p: number, d: number) => number) => (p: number, d: number): number => {
    const r = mul(p, d);
    if (p !== 0 && d !== 0 && Number.isFinite(p) && Number.isFinite(d) && !(Math.abs(r) >= 2 ** -1022 && Number.isFinite(r))) edge = true;
    return r;
  };
  const sumOf = (terms: number[]): { sum: number; risky: boolean } => {
    const r = accumulate(terms);
    if (!Number.isFinite(r.sum) && terms.every(Number.isFinite)) edge = true;
    return r;
  };
  for (let i = 0; i < n; i++) {
    const t = new Float64Array(N);
    const ta = new Float64Array(N);
    t[i] = 1;
    ta[i] = 1;
    edge = false;
    let risky = false;
    for (let k = n; k < N; k++) {
      const { operands, partials, routed } = local[k]!;
      const mul = checked(routed ? az : mulF);
      const r = sumOf(operands.map((o, j) => mul(partials[j]!, t[o]!)));
      t[k] = r.sum;
      ta[k] = operands.reduce((s, o, j) => s + az(Math.abs(partials[j]!), ta[o]!), 0);
      risky ||= r.risky;
    }
    fwdRisk[i] = risky || edge ? 1 : 0;
    g.outputs.forEach((o, j) => {
      fwd[j * n + i] = t[o]!;
      absF[j * n + i] = ta[o]!;
    });
  }
  for (let j = 0; j < m; j++) {
    const contributions: number[][] = Array.from({ length: N }, () => []);
    const ra = new Float64Array(N);
    contributions[g.outputs[j]!]!.push(1);
    ra[g.outputs[j]!] = 1;
    edge = false;
    let risky = false;
    for (let k = N - 1; k >= 0; k--) {
      const r = sumOf(contributions[k]!);
      risky ||= r.risky;
      const { operands, partials, routed } = local[k]!;
      const mul = checked(routed ? az : mulF);
      operands.forEach((o, q) => {
        contributions[o]!.push(mul(partials[q]!, r.sum));
        ra[o] = ra[o]! + az(Math.abs(partials[q]!), ra[k]!);
      });
      if (k < n) {
        rev[j * n + k] = r.sum;
        absR[j * n + k] = ra[k]!;
      }
    }
    revRisk[j] = risky || edge ? 1 : 0;
  }
  const riskyAt = new Uint8Array(m * n);
  const abs = new Float64Array(m * n);
  for (let q = 0; q < m * n; q++) {
    riskyAt[q] = fwdRisk[q % n]! | revRisk[Math.floor(q / n)]!;
    // NaN where a NaN partial is met: no bound from it (close() then only compares the class).
    abs[q] = Math.max(absF[q]!, absR[q]!);
  }
  return { fwd, rev, risky: fwdRisk.some((r) => r === 1) || revRisk.some((r) => r === 1), riskyAt, abs };
}

/**
 * The absolute tolerance a Jacobian entry gets for rounding: every path product has at most N
 * factors and every sum at most N terms, so evaluating Σ_paths ∏ partials in any order, with
 * each partial off by up to 4 ulp (the engines' Math, the SIMD lanes), moves the result by at
 * most about (2N + 4N)·ε·Σ_paths |∏ partials| (first order). Twice that, for both sides.
 */
function pathTol(g: Graph, absEntry: number): number {
  const N = g.inputs + g.nodes.length;
  return Number.isFinite(absEntry) ? 2 * (6 * N + 8) * 2 ** -52 * absEntry : 0;
}

/** Transcendental ops whose results the engines (and the SIMD batch lanes) may round differently. */
const ROUNDED = new Set(["exp", "log", "tanh", "sigmoid", "pow", "powc", "sin", "cos", "tan", ...ADDED_ROUNDED]);
/**
 * How far apart two engines' (or a SIMD lane's and a scalar's) transcendentals may be, in ulp.
 * The added ops keep within it: AssemblyScript's musl-derived Math against V8's, measured over
 * 40 000 points each (ordinary and 1e-12…1e12 in magnitude), differ by at most 2 ulp in value
 * (expm1, softplus, logSigmoid, sinh, erf, erfc, hypot; 1 for cosh, asinh, acosh, atanh, log2,
 * log10, atan2; 0 for log1p, atan, asin, acos, cbrt) and at most 4 in a partial (atan2's
 * y/hypot/hypot, two roundings of hypot; hypot 3, the others ≤ 2); and at their edges (20 000
 * points each near ±1 for asin, acos, atanh, acosh, log1p's −1, 1 for log2/log10, ±710 for
 * sinh/cosh/expm1, erfc to 28, subnormal to 1e300 operands) at most 3 (erfc at 13.8, 1e-84),
 * below 2⁻¹⁰²² absolute (erfc's subnormal tail: close()'s atol), or — atan2's and hypot's
 * partials at subnormal operands only, where v has few bits — 5 ulp, ~1e-15 relative, far inside
 * RT. erf and erfc are one algorithm in both engines (src/special.ts, assembly/special.ts) around
 * one or two exps.
 */
const ULPS = 4;
/** The piecewise-constant added ops with jumps at the integers (round: at the halves). */
const STEPS = ["floor", "ceil", "round", "trunc"];
/** The added odd ops, whose ±0 is ±0 in every libm. */
const ODD_AT_ZERO = ["log1p", "expm1", "atan", "asin", "sinh", "asinh", "atanh", "erf", "cbrt"];

/**
 * How far each value may move when every exp/log/pow/tanh/sigmoid/sin/cos/tan result — and every
 * result of the added Math-backed ops and erf/erfc (ADDED_ROUNDED) — is off by up to ULPS ulp
 * (the wasm engine's are AssemblyScript's, the js engine's V8's — sin, cos, tan too below |x| =
 * 1.6e6; + − × ÷ √ % floor ceil round trunc sign are exact, so equal inputs give equal results).
 * First-order affine arithmetic: a value is v + Σₛ cₛ·εₛ with one |εₛ| ≤ 1 per
 * rounded node s, its coefficients carried along the partials — so correlated errors cancel
 * (x − x, eq(t, t), max(t, u) − t are exact), which an interval bound cannot see. Where the
 * first order cannot be trusted — an operand's error not small against the scale its op bends on
 * (1e-4 of |a| for log, sqrt, a divisor, a base; 1e-4 absolute for exp, tanh, sigmoid, sin, cos,
 * tan (and 1e-4/|tan| near a pole); the added ops' scales beside `bends`), or the class changes
 * at a corner of the operands' error box
 * (overflow, a domain edge) — the value is unbounded. `uncertain`: a decision on a path to an
 * output — a comparison, select's condition, min/max, relu/abs's sign, sign's, the integer (or
 * half) nearest to floor/ceil/trunc/round's operand, mod's jumps, atan2's cut — has its margin within
 * twice its error (the margin's own coefficients, so a tie of a value with itself is certain),
 * or rests on an unbounded value: the engines may route differently there. The comparison of
 * seed 13 (exp(40) + 1 into sin) is such a margin. Returns each value's error bound.
 */
function valueErrors(g: Graph, x: ArrayLike<number>): { val: Float64Array; err: Float64Array; uncertain: boolean } {
  const N = g.inputs + g.nodes.length;
  const symbols = new Map<number, number>();
  g.nodes.forEach((nd, k) => ROUNDED.has(nd.op) && symbols.set(g.inputs + k, symbols.size));
  const S = symbols.size;
  const val = new Float64Array(N);
  const coef: Array<Float64Array | null> = []; // null: unbounded
  for (let i = 0; i < g.inputs; i++) {
    val[i] = x[i]!;
    coef.push(new Float64Array(S));
  }
  const used = new Uint8Array(N);
  for (const o of g.outputs) used[o] = 1;
  for (let v = N - 1; v >= g.inputs; v--) if (used[v]) for (const r of g.nodes[v - g.inputs]!.args) if ("v" in r) used[r.v] = 1;
  const zeros = new Float64Array(S);
  const size = (c: Float64Array | null): number => (c === null ? Infinity : c.reduce((s, q) => s + Math.abs(q), 0));
  const lin = (terms: Array<[number, Float64Array | null]>): Float64Array | null => {
    const out = new Float64Array(S);
    for (const [p, c] of terms) {
      if (c === null) return null;
      for (let s = 0; s < S; s++) {
        if (c[s] === 0 || p === 0) continue;
        if (!Number.isFinite(p)) return null;
        out[s] = out[s]! + p * c[s]!;
      }
    }
    return out;
  };
  let uncertain = false;
  g.nodes.forEach((nd, k) => {
    const at = g.inputs + k;
    const arg = nd.args.map((r) => ("c" in r ? r.c : val[r.v]!));
    const cs = nd.args.map((r) => ("c" in r ? zeros : coef[r.v]!));
    const [a, b = 0] = arg;
    const [ca, cb = zeros] = cs;
    let v: number;
    let c: Float64Array | null;
    // A decision on margin m with coefficients cm: certain when exact or clearly away from 0.
    const decide = (m: number, cm: Float64Array | null): boolean => {
      const e = size(cm);
      const ok = e === 0 || (Number.isFinite(e) && Math.abs(m) > 2 * e);
      if (!ok && used[at]) uncertain = true;
      return ok;
    };
    const diff = (p: Float64Array | null, q: Float64Array | null) => lin([[1, p], [-1, q]]);
    if (nd.op === "select") {
      const [, t, f] = arg;
      v = a! > 0 ? t! : f!;
      c = decide(a!, ca!) ? (a! > 0 ? cs[1]! : cs[2]!) : null;
    } else {
      const rule = RULE.get(nd.op)!;
      v = rule.value(a!, b);
      if (COMPARE.includes(nd.op)) c = decide(a! - b, diff(ca!, cb)) ? zeros : null;
      else if (nd.op === "min" || nd.op === "max") {
        const first = nd.op === "min" ? a! <= b : a! >= b;
        c = decide(a! - b, diff(ca!, cb)) ? (Number.isNaN(v) ? zeros : first ? ca! : cb) : null;
      } else if (nd.op === "relu") c = decide(a!, ca!) ? (a! > 0 ? ca! : zeros) : null;
      else if (nd.op === "abs") c = decide(a!, ca!) ? lin([[a! < 0 ? -1 : 1, ca!]]) : null;
      else if (nd.op === "sign") c = decide(a!, ca!) ? zeros : null;
      else if (STEPS.includes(nd.op)) {
        // Exact where decided: an integer, the same in both engines unless the operand's error
        // reaches a jump (the integers; round's halves, and round's ±0 flips at 0 in (−½, ½)).
        // Beyond 2⁵² every double is an integer and the op the identity, exact.
        const e = size(ca!);
        if (e === 0) c = zeros;
        else if (Math.abs(a!) - e >= 2 ** 52) c = ca!;
        else {
          const jump = nd.op === "round" ? Math.floor(a!) + 0.5 : Math.round(a!); // the nearest
          c = decide(a! - jump, ca!) && (nd.op !== "round" || Math.abs(a!) >= 0.5 || decide(a!, ca!)) ? zeros : null;
        }
      } else {
        c = lin(nd.args.length > 1 ? [[rule.da(a!, b, v), ca!], [rule.db(a!, b, v), cb]] : [[rule.da(a!, b, v), ca!]]);
        const ea = size(ca!);
        const eb = size(cb);
        if (ea + eb > 0 && Number.isFinite(ea + eb)) {
          // the first order's validity
          const rel = (e: number, s: number) => e > 1e-4 * Math.abs(s);
          const bends =
            ["exp", "tanh", "sigmoid", "sin", "cos"].includes(nd.op) ? ea > 1e-4
            : nd.op === "tan" ? ea * Math.max(1, Math.abs(v)) > 1e-4
            : nd.op === "log" || nd.op === "sqrt" || nd.op === "powc" ? rel(ea, a!)
            : nd.op === "div" ? rel(eb, b)
            : nd.op === "pow" ? rel(ea, a!) || eb * Math.abs(Math.log(Math.abs(a!))) > 1e-4
            // The added ops, by the scale on which each one's derivative changes (|f''/f'|):
            // ≤ 1 for expm1, sinh, softplus, logSigmoid, atan, asinh (cosh: f' → 0 at 0, as cos);
            // 2|a| for erf, erfc; 1/|1 + a| for log1p; 1/|a| for log2, log10, cbrt (a pole of
            // the derivative at 0); ~1/(1 − |a|) for asin, acos, atanh and 1/(a − 1) for acosh
            // (their domain edges, where the derivative is infinite); 1/hypot(a, b) for atan2,
            // hypot (the origin). mod is linear within its piece (∂a = 1, ∂b = −q): its jumps are
            // decisions, below.
            : ["expm1", "sinh", "cosh", "softplus", "logSigmoid", "atan", "asinh"].includes(nd.op) ? ea > 1e-4
            : nd.op === "erf" || nd.op === "erfc" ? ea * Math.max(1, 2 * Math.abs(a!)) > 1e-4
            : nd.op === "log1p" ? rel(ea, 1 + a!)
            : nd.op === "log2" || nd.op === "log10" || nd.op === "cbrt" ? rel(ea, a!)
            : nd.op === "asin" || nd.op === "acos" || nd.op === "atanh" ? rel(ea, 1 - Math.abs(a!))
            : nd.op === "acosh" ? rel(ea, a! - 1)
            : nd.op === "atan2" || nd.op === "hypot" ? rel(ea + eb, Math.hypot(a!, b))
            : false;
          let flips = false;
          for (const da of [-ea, 0, ea]) for (const db of [-eb, 0, eb]) flips ||= cls(rule.value(a! + da, b + db)) !== cls(v);
          // ±∞ or NaN at every corner stays so, whatever the partials say
          c = flips ? null : !Number.isFinite(v) ? zeros : bends ? null : c;
          // The added binary ops' decisions. atan2 jumps from π to −π where y crosses 0 at x < 0
          // (near the origin it bends, above). mod jumps where a crosses a multiple of b: where
          // |v| reaches |b|, or v reaches 0 with a quotient q ≠ 0 (with q = 0, v = a is continuous
          // through 0) — margins with v's own coefficients (∂a = 1, ∂b = −q).
          if (c !== null && Number.isFinite(v)) {
            if (nd.op === "atan2" && b < 0 && !decide(a!, ca!)) c = null;
            if (nd.op === "mod") {
              const q = -rule.db(a!, b, v);
              if (!decide(Math.abs(b) - Math.abs(v), lin([[Math.sign(b), cb], [-Math.sign(v), c]]))) c = null;
              else if (q !== 0 && !decide(v, c)) c = null;
            }
          }
        }
      }
    }
    // Results every libm gives exactly: exp(0), log(1), tanh(0), sigmoid(0), 1^b, a^0, a^1, 0^b,
    // and the saturated edge values the README promises the SIMD lanes share (0, ±1, ∞).
    const exact =
      ((nd.op === "exp" || nd.op === "tanh" || nd.op === "sigmoid") && a === 0) || (nd.op === "log" && a === 1) ||
      (nd.op === "exp" && v === 0) || (nd.op === "sigmoid" && (v === 0 || v === 1)) || (nd.op === "tanh" && Math.abs(v) === 1) ||
      ((nd.op === "pow" || nd.op === "powc") && (a === 1 || a === 0 || b === 0 || b === 1)) ||
      // The added ops' results fixed by the ECMAScript spec, which musl gives too: f(±0) = ±0 for
      // the odd ones (erf too: the same code in both engines, 2/√π·(±0)·…), cosh(0) = 1,
      // acos(1) = acosh(1) = log2(1) = log10(1) = +0, erfc(0) = 1 − 0; atan2(±0, x > 0) = ±0;
      // hypot with a zero operand is |the other| (musl returns it, V8's sum is 1·max exactly).
      (ODD_AT_ZERO.includes(nd.op) && a === 0) || ((nd.op === "cosh" || nd.op === "erfc") && a === 0) ||
      (["acos", "acosh", "log2", "log10"].includes(nd.op) && a === 1) ||
      (nd.op === "atan2" && a === 0 && b > 0) || (nd.op === "hypot" && (a === 0 || b === 0));
    if (c !== null && ROUNDED.has(nd.op) && Number.isFinite(v) && !exact) {
      c = Float64Array.from(c);
      const s = symbols.get(at)!;
      c[s] = c[s]! + ULPS * Math.max(Math.abs(v) * 2 ** -52, 2 ** -1074);
    }
    val[at] = v;
    coef.push(c);
  });
  return { val, err: Float64Array.from(coef, size), uncertain };
}

/**
 * Conditioning. Ill-conditioned when (1) the propagated error bound of `valueErrors` reaches an
 * output beyond 1e-12 relative, or may change its class, or makes a decision uncertain; or (2)
 * a jittered reference — each transcendental result and every partial moved by a few ulp —
 * moves a value or a Jacobian entry beyond 1e-12 relative (of the entry's Σ|path products| too)
 * or changes its class: the two random trials of before (they use the fuzz's stream, so a seed
 * replays the same graphs), then deterministic ones, all +ULPS ulp, all −ULPS ulp and mixed
 * signs, so a point is not judged on two coin flips.
 */
function illConditioned(g: Graph, x: ArrayLike<number>, random: () => number): boolean {
  const ref = reference(g, x);
  const refJ = referenceJacobians(g, ref.local);
  const refOut = g.outputs.map((o) => ref.val[o]!);
  const ps = Math.max(scaleOf(refJ.fwd), scaleOf(refJ.rev));
  const moved = (jit: () => number, rounding: boolean): boolean => {
    const pr = reference(g, x, jit);
    const pj = referenceJacobians(g, pr.local);
    return (
      g.outputs.some((o) => !close(pr.val[o]!, ref.val[o]!, 1e-12, scaleOf(refOut))) ||
      Array.from(refJ.fwd).some((v, q) => !close(pj.fwd[q]!, v, 1e-12, ps, rounding ? pathTol(g, refJ.abs[q]!) : 0)) ||
      Array.from(refJ.rev).some((v, q) => !close(pj.rev[q]!, v, 1e-12, ps, rounding ? pathTol(g, refJ.abs[q]!) : 0))
    );
  };
  // Unchanged from before (the first trial that moves returns), so that the fuzz's stream — and
  // with it every graph of a seed — stays what it was.
  for (let t = 0; t < 2; t++) if (moved(() => 1 + (Math.floor(random() * 5) - 2) * 2 ** -52, false)) return true;
  const bounds = valueErrors(g, x);
  if (bounds.uncertain) return true;
  const os = scaleOf(refOut);
  for (const o of g.outputs) {
    const e = bounds.err[o]!;
    // (below 1e-280 absolute, as in close(): the order of evaluation decides what underflows)
    if (!(e === 0 || e <= Math.max(0.5e-12 * Math.max(Math.abs(ref.val[o]!) || 0, os), 1e-280))) return true;
  }
  const det = [() => 1 + ULPS * 2 ** -52, () => 1 - ULPS * 2 ** -52];
  for (let t = 0; t < 4; t++) {
    const r = rng(7919 * (t + 1));
    det.push(() => 1 + (Math.floor(r() * (2 * ULPS + 1)) - ULPS) * 2 ** -52);
  }
  return det.some((jit) => moved(jit, true));
}

// ---------------------------------------------------------------------------------------------
// comparisons

type Cls = "NaN" | "+∞" | "−∞" | "finite";
const cls = (x: number): Cls => (Number.isNaN(x) ? "NaN" : x === Infinity ? "+∞" : x === -Infinity ? "−∞" : "finite");

/** Close: same class, and finite values within rtol of the larger or atol of `scale`. */
function close(a: number, b: number, rtol: number, scale = 0, atol = 0): boolean {
  if (cls(a) !== cls(b)) return false;
  if (cls(a) !== "finite") return true;
  // Below 1e-280 the order of evaluation decides what underflows (x·1e-300·1e-300 vs …): not a bug.
  // atol: a rounding bound from the magnitudes summed (pathTol), independent of either result.
  return Math.abs(a - b) <= rtol * Math.max(Math.abs(a), Math.abs(b), scale) + Math.max(1e-280, atol);
}

const vec = (xs: ArrayLike<number>): string => `[${Array.from(xs, fmt).join(", ")}]`;

function unit(n: number, i: number): Float64Array {
  const e = new Float64Array(n);
  e[i] = 1;
  return e;
}

// ---------------------------------------------------------------------------------------------
// the run


interface Failure {
  check: string;
  detail: string;
}

/** All results of one compiled function at a point. */
function sweeps(f: Compiled, x: Float64Array) {
  const n = f.inputs;
  const m = f.outputs;
  const value = f.eval(x);
  const jvps = Array.from({ length: n }, (_, i) => f.jvp(x, unit(n, i)).tangent);
  const vjps = Array.from({ length: m }, (_, j) => f.vjp(x, unit(m, j)).grad);
  const kf = Math.max(2, n);
  const V = new Float64Array(kf * n);
  for (let l = 0; l < kf; l++) V[l * n + (l % n)] = 1;
  const jvpMany = f.jvpMany(x, V, kf).tangents;
  const kr = Math.max(2, m);
  const U = new Float64Array(kr * m);
  for (let l = 0; l < kr; l++) U[l * m + (l % m)] = 1;
  const vjpMany = f.vjpMany(x, U, kr).grads;
  const jf = f.jacobian(x, { mode: "forward" }).data;
  const jr = f.jacobian(x, { mode: "reverse" }).data;
  const grad = m === 1 ? f.grad(x).grad : undefined;
  const hvps = m === 1 ? Array.from({ length: n }, (_, i) => f.hvp(x, unit(n, i))) : undefined;
  const hessian = m === 1 ? f.hessian(x).data : undefined;
  return { value, jvps, vjps, jvpMany, kf, vjpMany, kr, jf, jr, grad, hvps, hessian };
}
type Sweeps = ReturnType<typeof sweeps>;

function checkLanes(s: Sweeps, n: number, m: number, report: (check: string, detail: string) => void): void {
  // Signed-zero differences (0 vs −0) are reported under their own name, so that they don't
  // hide numeric ones; the spec asks for Object.is equality, so both fail.
  const fail = (check: string, detail: string): void => {
    const zeros = / (-?0), [^,]* (-?0)$/.test(detail) && /(^|[ :])-?0, /.test(detail);
    report(zeros ? `${check} (0 vs −0)` : check, detail);
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const single = s.jvps[i]![j]!;
      for (let l = i; l < s.kf; l += n) {
        if (!Object.is(s.jvpMany[l * m + j], single)) fail("lanes: jvp vs jvpMany", `∂o${j}/∂x${i}: jvp ${fmt(single)}, jvpMany lane ${l} ${fmt(s.jvpMany[l * m + j]!)}`);
      }
      if (!Object.is(s.jf[j * n + i], single)) fail("lanes: jvp vs jacobian forward", `∂o${j}/∂x${i}: jvp ${fmt(single)}, jacobian forward ${fmt(s.jf[j * n + i]!)}`);
      const row = s.vjps[j]![i]!;
      for (let l = j; l < s.kr; l += m) {
        if (!Object.is(s.vjpMany[l * n + i], row)) fail("lanes: vjp vs vjpMany", `∂o${j}/∂x${i}: vjp ${fmt(row)}, vjpMany lane ${l} ${fmt(s.vjpMany[l * n + i]!)}`);
      }
      if (!Object.is(s.jr[j * n + i], row)) fail("lanes: vjp vs jacobian reverse", `∂o${j}/∂x${i}: vjp ${fmt(row)}, jacobian reverse ${fmt(s.jr[j * n + i]!)}`);
      if (s.grad !== undefined && !Object.is(s.grad[i], row)) fail("lanes: grad vs vjp", `∂o0/∂x${i}: grad ${fmt(s.grad[i]!)}, vjp ${fmt(row)}`);
    }
  }
  if (s.hvps !== undefined && s.hessian !== undefined) {
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < n; r++) {
        // hessian row r = (H e_r)ᵀ; H·e_i's entry r is row r, column i.
        const h = s.hvps[r]![i]!;
        const H = s.hessian[r * n + i]!;
        if (!Object.is(h, H)) fail("lanes: hvp vs hessian", `H[${r}][${i}]: hvp(e${r}) ${fmt(h)}, hessian ${fmt(H)}`);
      }
    }
  }
}

const ADDED = new Set([...UNARY_ADDED, ...BINARY_ADDED]);
/** Per added op: [nodes with a finite value, of those in well-conditioned graphs, of those at an edge]. */
const opStats: Record<string, [number, number, number]> = {};

function runGraph(index: number, random: () => number, failures: Failure[], stats: Record<string, number>, replay?: Replay): void {
  const g = replay?.g ?? randomGraph(random);
  const kind = replay !== undefined || random() < 0.6 ? "edge" : "ordinary";
  const x = replay !== undefined ? Float64Array.from(replay.x) : randomPoint(random, g.inputs, kind);
  const n = g.inputs;
  const m = g.outputs.length;
  const header = () => `${replay?.from ?? `FUZZ_SEED=${SEED} graph #${index}`}\n${describeGraph(g)}\nat x = ${vec(x)}`;
  let count = 0;
  const fail = (check: string, detail: string): void => {
    if (count++ < 6) failures.push({ check, detail: `${header()}\n  ${detail}` });
  };

  const build = builder(g);
  const fs: Record<EngineName, Compiled> = {
    wasm: compile(build, { inputs: n }),
    js: compile(build, { inputs: n, engine: "js" }),
  };
  try {
    const s: Record<EngineName, Sweeps> = { wasm: sweeps(fs.wasm, x), js: sweeps(fs.js, x) };
    const ref = reference(g, x);
    const refJ = referenceJacobians(g, ref.local);
    const refOut = g.outputs.map((o) => ref.val[o]!);
    const ill = illConditioned(g, x, random);
    const exact = valueErrors(g, x);
    if (ill) stats.illConditioned = (stats.illConditioned ?? 0) + 1;
    // Coverage of the added ops: nodes met with a finite value, in graphs the engines are compared on.
    g.nodes.forEach((nd, k) => {
      if (!ADDED.has(nd.op)) return;
      const at = g.inputs + k;
      opStats[nd.op] ??= [0, 0, 0];
      if (Number.isFinite(ref.val[at]!)) {
        opStats[nd.op]![0]++;
        if (!ill) opStats[nd.op]![1]++;
      }
      // an edge: finite operands, and an infinite or NaN value or partial (asin(1), log1p(−1), atan2(0, 0), …)
      const finiteArgs = nd.args.every((r) => Number.isFinite("c" in r ? r.c : ref.val[r.v]!));
      if (finiteArgs && (!Number.isFinite(ref.val[at]!) || ref.local[at]!.partials.some((p) => !Number.isFinite(p)))) opStats[nd.op]![2]++;
    });
    // The pre-fix semantics (one-sided zero rule, sqrt'/log'(−0) = −∞, min/max routing NaN), to
    // label a disagreement as one of the known spec items or as something else.
    const old = referenceJacobians(g, reference(g, x, undefined, true).local, true);
    const known = (got: number, q: number, dir: "fwd" | "rev"): string =>
      close(got, old[dir][q]!, 1e-10, Math.max(scaleOf(old.fwd), scaleOf(old.rev)))
        ? " [the pre-fix semantics give this: a known spec item (b)/(c)]"
        : " [NOT explained by the known spec items (b)/(c)]";

    // 1. lanes vs single sweeps, per engine.
    for (const e of ["wasm", "js"] as const) checkLanes(s[e], n, m, (c, d) => fail(`${e}: ${c}`, d));

    // Tolerances: the engines' Math differ by about an ulp per transcendental op, which cancellation
    // can magnify; scale by the largest magnitude met in the same vector.
    const RT = 1e-11;

    // 2. wasm vs js; 4. both against the reference (values exactly by class and to tolerance).
    for (let j = 0; j < m; j++) {
      if (!ill && !close(s.wasm.value[j]!, s.js.value[j]!, RT, scaleOf(s.js.value))) fail("wasm vs js: value", `o${j}: wasm ${fmt(s.wasm.value[j]!)}, js ${fmt(s.js.value[j]!)}`);
      // An output no rounded result reaches (error bound exactly 0, every decision certain) is
      // the same IEEE operations on the same bits in both engines: identical, the sign of a zero
      // included (round(−0.3) = −0; floor, trunc, mod, sign are exact).
      if (!ill && !exact.uncertain && exact.err[g.outputs[j]!] === 0) stats.exactValues = (stats.exactValues ?? 0) + 1;
      if (!ill && !exact.uncertain && exact.err[g.outputs[j]!] === 0 && !Object.is(s.wasm.value[j], s.js.value[j])) fail("wasm vs js: exact value", `o${j}: wasm ${fmt(s.wasm.value[j]!)}, js ${fmt(s.js.value[j]!)} (no rounded op reaches it)`);
      if (!close(s.js.value[j]!, refOut[j]!, 1e-14)) fail("js vs reference: value", `o${j}: js ${fmt(s.js.value[j]!)}, reference ${fmt(refOut[j]!)}`);
    }
    const jscale = Math.max(scaleOf(s.js.jf), scaleOf(s.js.jr));
    for (let q = 0; q < m * n; q++) {
      const at = `∂o${Math.floor(q / n)}/∂x${q % n}`;
      // Rounding allowance from the magnitudes the entry sums (Σ|path products|), not from the result.
      const tol = pathTol(g, refJ.abs[q]!);
      // An entry whose sweep sums paths that cancel (riskyAt) may meet a NaN or infinite partial
      // as exactly 0 in one engine and as a rounding residue in the other — the documented
      // cancellation exception, decided by an ulp of exp or sin: not compared across engines.
      const cancels = refJ.riskyAt[q] === 1;
      if (cancels) stats.skippedEngineCancellation = (stats.skippedEngineCancellation ?? 0) + 1;
      if (!ill && !cancels && !close(s.wasm.jf[q]!, s.js.jf[q]!, RT, jscale, tol)) fail("wasm vs js: jacobian forward", `${at}: wasm ${fmt(s.wasm.jf[q]!)}, js ${fmt(s.js.jf[q]!)}`);
      if (!ill && !cancels && !close(s.wasm.jr[q]!, s.js.jr[q]!, RT, jscale, tol)) fail("wasm vs js: jacobian reverse", `${at}: wasm ${fmt(s.wasm.jr[q]!)}, js ${fmt(s.js.jr[q]!)}`);
      for (const e of ["wasm", "js"] as const) {
        const rt = e === "js" ? 1e-13 : RT;
        // The js engine uses V8's Math like the reference, so it is compared even when ill-conditioned.
        // The reference uses V8's Math: the wasm engine skips cancelling entries, as above.
        const skip = e === "wasm" && (ill || cancels);
        if (!skip && !close(s[e].jf[q]!, refJ.fwd[q]!, rt, jscale, tol)) fail(`${e} vs reference: forward (zero rule)`, `${at}: ${e} jacobian forward ${fmt(s[e].jf[q]!)}, reference tangent ${fmt(refJ.fwd[q]!)}${known(s[e].jf[q]!, q, "fwd")}`);
        if (!skip && !close(s[e].jr[q]!, refJ.rev[q]!, rt, jscale, tol)) fail(`${e} vs reference: reverse (zero rule)`, `${at}: ${e} jacobian reverse ${fmt(s[e].jr[q]!)}, reference adjoint ${fmt(refJ.rev[q]!)}${known(s[e].jr[q]!, q, "rev")}`);
        // 3. forward vs reverse in the same engine.
        const [a, b] = [s[e].jf[q]!, s[e].jr[q]!];
        if (cls(a) !== cls(b)) {
          if (refJ.riskyAt[q]) stats.skippedClassification = (stats.skippedClassification ?? 0) + 1;
          else {
            const pre = close(a, old.fwd[q]!, 1e-10, jscale) && close(b, old.rev[q]!, 1e-10, jscale);
            fail(`${e}: forward vs reverse classification`, `${at}: jacobian forward ${fmt(a)}, reverse ${fmt(b)} (reference ${fmt(refJ.fwd[q]!)})${pre ? " [the pre-fix semantics give this: a known spec item (b)/(c)]" : " [NOT explained by the known spec items (b)/(c)]"}`);
          }
        } else if (!close(a, b, RT, jscale, tol) && !refJ.riskyAt[q]) fail(`${e}: forward vs reverse`, `${at}: jacobian forward ${fmt(a)}, reverse ${fmt(b)}`);
      }
    }
    if (m === 1 && !ill) {
      const hs = Math.max(scaleOf(s.js.hessian!), jscale);
      // Second-order terms can cancel massively (pow(pow(x, −1), −1) at x = 1e-8: 2e8 − 2e8), so an
      // ulp of pow moves an entry far beyond 1e-10·scale. The allowance is how far the js engine's
      // own Hessian moves when x moves by a few ulp: an ulp-level sensitivity of the entry itself.
      // Where those ulps change the entry's class (a second-order sum that cancels to exactly 0 in
      // one rounding and to a residue in the other, then meets an infinite partial: ∞ against
      // ∞ − ∞ = NaN), an ulp of tanh or exp decides it: the wasm engine's class need only be one
      // the js engine's entry takes within those ulps.
      const spread = new Float64Array(n * n);
      const classes = Array.from({ length: n * n }, (_, q) => new Set([cls(s.js.hessian![q]!)]));
      for (const ulps of [1, -1, 3, -3]) {
        const nudged = Array.from(x, (xi) => xi * (1 + ulps * 2 ** -52));
        const H = fs.js.hessian(nudged).data;
        for (let q = 0; q < n * n; q++) {
          const d = Math.abs(H[q]! - s.js.hessian![q]!);
          spread[q] = Number.isNaN(d) ? Infinity : Math.max(spread[q]!, d);
          classes[q]!.add(cls(H[q]!));
        }
      }
      for (let q = 0; q < n * n; q++) {
        if (close(s.wasm.hessian![q]!, s.js.hessian![q]!, 1e-10, hs, 4 * spread[q]!)) continue;
        if (classes[q]!.size > 1 && classes[q]!.has(cls(s.wasm.hessian![q]!))) stats.hessianClassByUlps = (stats.hessianClassByUlps ?? 0) + 1;
        else fail("wasm vs js: hessian", `H[${Math.floor(q / n)}][${q % n}]: wasm ${fmt(s.wasm.hessian![q]!)}, js ${fmt(s.js.hessian![q]!)}`);
      }
    }

    // 5. batches: the first p inputs params, the rest data; three points of data.
    if (n >= 2) {
      const p = 1 + Math.floor(random() * (n - 1));
      const d = n - p;
      const bfn = (P: Var[], D: Var[]) => build([...P, ...D]);
      const theta = x.slice(0, p);
      const B = 3;
      const dataset = new Float64Array(B * d);
      dataset.set(x.slice(p), 0);
      const others = randomPoint(random, n, kind);
      dataset.set(others.slice(p), d);
      for (let q = 0; q < d; q++) dataset[2 * d + q] = random() < 0.5 ? x[p + q]! : others[(q + 1) % n]!;
      for (const e of ["wasm", "js"] as const) {
        const fb = compile({ params: p, data: d, engine: e }, bfn);
        try {
          const ev = fb.evalBatch(theta, dataset);
          // Batch lanes use SIMD tanh/exp/sigmoid (within 4 ulp of the scalar ones): rows where
          // that can move the result beyond tolerance are left out.
          const rowIll = Array.from({ length: B }, (_, r) => illConditioned(g, [...theta, ...dataset.subarray(r * d, r * d + d)], random));
          const mixed = rowIll.some((b) => b);
          for (let r = 0; r < B; r++) {
            if (rowIll[r]) continue;
            const row = dataset.subarray(r * d, r * d + d);
            const single = fb.eval(theta, row);
            for (let j = 0; j < m; j++) {
              if (!close(ev[r * m + j]!, single[j]!, 1e-12, scaleOf(single))) fail(`${e}: evalBatch vs eval`, `params ${p}, data row ${r} = ${vec(row)}, o${j}: evalBatch ${fmt(ev[r * m + j]!)}, eval ${fmt(single[j]!)}`);
            }
          }
          if (m === 1) {
            const gb = fb.gradBatch(theta, dataset);
            let meanV = 0;
            const meanG = new Float64Array(p);
            // Σ|path products| of each row's gradient, from the reference: the rounding allowance
            // of a sum that cancels (meanGrad adds the paths' terms across lanes, in its own order).
            const meanTol = new Float64Array(p);
            for (let r = 0; r < B; r++) {
              const row = dataset.subarray(r * d, r * d + d);
              const single = fb.grad(theta, row);
              const rowAbs = referenceJacobians(g, reference(g, [...theta, ...row]).local).abs;
              for (let i = 0; i < p; i++) meanTol[i] = meanTol[i]! + pathTol(g, rowAbs[i]!) / B;
              if (rowIll[r]) {
                meanV += single.value / B;
                for (let i = 0; i < p; i++) meanG[i] = meanG[i]! + single.grad[i]! / B;
                continue;
              }
              meanV += single.value / B;
              const gs = scaleOf(single.grad);
              for (let i = 0; i < p; i++) {
                meanG[i] = meanG[i]! + single.grad[i]! / B;
                // SIMD tanh/exp/sigmoid are within 4 ulp of the scalar ones: a tolerance, not bit equality.
                if (!close(gb.grad[r * p + i]!, single.grad[i]!, 1e-11, gs, pathTol(g, rowAbs[i]!))) fail(`${e}: gradBatch vs grad`, `params ${p}, data row ${r} = ${vec(row)}, ∂/∂θ${i}: gradBatch ${fmt(gb.grad[r * p + i]!)}, grad ${fmt(single.grad[i]!)}`);
              }
              if (!close(gb.value[r]!, single.value, 1e-11)) fail(`${e}: gradBatch value vs grad`, `row ${r}: ${fmt(gb.value[r]!)} vs ${fmt(single.value)}`);
            }
            const mg = fb.meanGrad(theta, dataset);
            for (let i = 0; i < p && !mixed; i++) {
              if (!close(mg.grad[i]!, meanG[i]!, 1e-10, scaleOf(gb.grad), meanTol[i]!)) fail(`${e}: meanGrad vs mean of grad`, `params ${p}, dataset ${vec(dataset)}, ∂/∂θ${i}: meanGrad ${fmt(mg.grad[i]!)}, mean of grads ${fmt(meanG[i]!)}`);
            }
            if (!mixed && !close(mg.value, meanV, 1e-10, scaleOf(gb.value))) fail(`${e}: meanGrad value`, `meanGrad ${fmt(mg.value)}, mean of values ${fmt(meanV)}`);
          }
        } finally {
          fb.dispose();
        }
      }
      stats.batches = (stats.batches ?? 0) + 1;
    }

    // 6. finite differences where smooth: no kink within 1e-3, moderate values and derivatives.
    const moderate = (xs: ArrayLike<number>, bound: number) => Array.from(xs).every((v) => Number.isFinite(v) && Math.abs(v) < bound);
    if (ref.kinkMargin > 1e-3 && moderate(ref.val, 1e4) && moderate(s.js.jf, 1e4)) {
      const h = 1e-5;
      const fd = (step: number) => {
        const J = new Float64Array(m * n);
        const pt = Float64Array.from(x);
        for (let i = 0; i < n; i++) {
          const hi = step * Math.max(1, Math.abs(x[i]!));
          pt[i] = x[i]! + hi;
          const up = fs.js.eval(pt);
          pt[i] = x[i]! - hi;
          const down = fs.js.eval(pt);
          pt[i] = x[i]!;
          for (let j = 0; j < m; j++) J[j * n + i] = (up[j]! - down[j]!) / (2 * hi);
        }
        return J;
      };
      const [J1, J2] = [fd(h), fd(h / 4)];
      // Use an entry only where the two step sizes agree (the function is smooth enough there).
      for (let q = 0; q < m * n; q++) {
        const agree = Math.abs(J1[q]! - J2[q]!) <= 1e-6 * (1 + Math.abs(J2[q]!));
        if (!agree) continue;
        stats.fdEntries = (stats.fdEntries ?? 0) + 1;
        for (const e of ["wasm", "js"] as const) {
          if (!(Math.abs(s[e].jf[q]! - J2[q]!) <= 1e-5 * (1 + Math.abs(J2[q]!)))) fail(`${e}: jacobian vs central differences`, `∂o${Math.floor(q / n)}/∂x${q % n}: ${fmt(s[e].jf[q]!)}, central difference ${fmt(J2[q]!)}`);
        }
      }
      // The second-order rules (daa, dab, dbb) against central differences of the gradient: the
      // only check of them that does not read them from the same table on both sides.
      if (m === 1 && moderate(s.js.hessian!, 1e4)) {
        const fdH = (step: number) => {
          const H = new Float64Array(n * n);
          const pt = Float64Array.from(x);
          for (let i = 0; i < n; i++) {
            const hi = step * Math.max(1, Math.abs(x[i]!));
            pt[i] = x[i]! + hi;
            const up = fs.js.grad(pt).grad;
            pt[i] = x[i]! - hi;
            const down = fs.js.grad(pt).grad;
            pt[i] = x[i]!;
            for (let r = 0; r < n; r++) H[r * n + i] = (up[r]! - down[r]!) / (2 * hi);
          }
          return H;
        };
        const [H1, H2] = [fdH(h), fdH(h / 4)];
        for (let q = 0; q < n * n; q++) {
          if (!(Math.abs(H1[q]! - H2[q]!) <= 1e-6 * (1 + Math.abs(H2[q]!)))) continue;
          stats.fdHessianEntries = (stats.fdHessianEntries ?? 0) + 1;
          for (const e of ["wasm", "js"] as const) {
            if (!(Math.abs(s[e].hessian![q]! - H2[q]!) <= 1e-5 * (1 + Math.abs(H2[q]!)))) fail(`${e}: hessian vs central differences`, `H[${Math.floor(q / n)}][${q % n}]: ${fmt(s[e].hessian![q]!)}, central difference of the gradient ${fmt(H2[q]!)}`);
          }
        }
      }
    }
  } catch (err) {
    fail("exception", String(err instanceof Error ? err.stack : err));
  } finally {
    fs.wasm.dispose();
    fs.js.dispose();
  }
}

/** A graph and point a run once failed on, checked on every run (`from`: the run that found it). */
interface Replay {
  from: string;
  g: Graph;
  x: number[];
}
const REPLAYS: Replay[] = [
  {
    // An ulp of tanh (musl's in wasm, V8's in js) decides H[1][2]: ȧ of v5 cancels to exactly 0 or
    // to a residue, which div's ∂b = −∞ makes ∞ or ∞ − ∞ = NaN.
    from: "replay of FUZZ_SEED=985656984 graph #340",
    g: {
      inputs: 3,
      nodes: [
        { op: "div", args: [{ v: 1 }, { v: 2 }] }, { op: "div", args: [{ v: 3 }, { v: 3 }] },
        { op: "mul", args: [{ v: 3 }, { v: 2 }] }, { op: "tanh", args: [{ v: 5 }] }, { op: "atanh", args: [{ v: 6 }] },
      ],
      outputs: [7],
    },
    x: [1e-8, 0.9008790722678638, -1e-300],
  },
];

describe(`differential fuzz (FUZZ_SEED=${SEED}, ${GRAPHS} graphs)`, () => {
  const failures: Failure[] = [];
  const stats: Record<string, number> = {};
  // Their own stream, so the random graphs of a seed stay the ones it always gave.
  for (const r of REPLAYS) runGraph(-1, rng(1), failures, stats, r);
  const random = rng(SEED);
  for (let i = 0; i < GRAPHS; i++) runGraph(i, random, failures, stats);
  // FUZZ_DUMP=path writes every failure (not only the first three per check) for triage.
  if (process.env.FUZZ_DUMP) writeFileSync(process.env.FUZZ_DUMP, failures.map((f) => `### ${f.check}\n${f.detail}`).join("\n\n"));
  const byCheck = new Map<string, Failure[]>();
  for (const f of failures) byCheck.set(f.check, [...(byCheck.get(f.check) ?? []), f]);
  const CHECKS = [
    "lanes: jvp vs jvpMany", "lanes: jvp vs jacobian forward", "lanes: vjp vs vjpMany", "lanes: vjp vs jacobian reverse",
    "lanes: grad vs vjp", "lanes: hvp vs hessian",
  ].flatMap((c) => [`wasm: ${c}`, `js: ${c}`, `wasm: ${c} (0 vs −0)`, `js: ${c} (0 vs −0)`]).concat([
    "wasm vs js: value", "wasm vs js: exact value", "js vs reference: value", "wasm vs js: jacobian forward", "wasm vs js: jacobian reverse", "wasm vs js: hessian",
    ...["wasm", "js"].flatMap((e) => [
      `${e} vs reference: forward (zero rule)`, `${e} vs reference: reverse (zero rule)`,
      `${e}: forward vs reverse classification`, `${e}: forward vs reverse`,
      `${e}: evalBatch vs eval`, `${e}: gradBatch vs grad`, `${e}: gradBatch value vs grad`, `${e}: meanGrad vs mean of grad`, `${e}: meanGrad value`,
      `${e}: jacobian vs central differences`, `${e}: hessian vs central differences`,
    ]),
    "exception",
  ]);
  for (const c of new Set([...CHECKS, ...byCheck.keys()])) {
    it(c, () => {
      const list = byCheck.get(c) ?? [];
      const shown = list.slice(0, 3).map((f) => f.detail).join("\n\n");
      expect(list.length, `${c}: ${list.length} failures (FUZZ_SEED=${SEED}); first:\n\n${shown}`).toBe(0);
    });
  }
  it("covered enough (stats)", () => {
    console.log(`fuzz FUZZ_SEED=${SEED}: ${GRAPHS} graphs, stats ${JSON.stringify(stats)}, failures ${failures.length}`);
    console.log(`added ops [finite value, of those well-conditioned, at an edge: finite operands, value or partial ±∞/NaN]: ${JSON.stringify(opStats)}`);
    expect(GRAPHS).toBeGreaterThanOrEqual(Math.min(2000, GRAPHS));
    expect(stats.batches ?? 0).toBeGreaterThan(GRAPHS / 4);
    expect(stats.fdEntries ?? 0).toBeGreaterThan(GRAPHS / 10);
  });
});
