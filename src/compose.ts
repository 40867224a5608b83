/**
 * Compositions users need, over arrays of operands: each records several scalar nodes of the op
 * table (no op of its own), written to stay finite where the naive formula overflows. Their
 * derivatives are the chain rule through those nodes; what that gives at the edges is said on
 * each function.
 */
import { OP } from "./ops.js";
import { max, min, sum } from "./math.js";
import { binary, constant, describe, select, unary, Var, type Operand } from "./var.js";
import {
  dotArrays, isArray, logSoftmaxArray, logsumexpArray, meanArray, normArray, prodArray, softmaxArray,
} from "./array/functions.js";

/** Refuses an axis given with an array of operands (axes belong to array variables). */
function noAxis(name: string, axis: unknown): void {
  if (axis !== undefined) throw new TypeError(`tapegrad: ${name}(xs, axis): an axis needs an array variable xs, not an array of operands`);
}

/** The array argument of a composition, checked: an array (or array-like) of operands. */
function list(name: string, xs: unknown): readonly Operand[] {
  if (xs === null || typeof xs !== "object" || typeof (xs as { length?: unknown }).length !== "number") {
    throw new TypeError(
      `tapegrad: ${name}(xs) needs an array of variables and numbers, got ${xs instanceof Var ? "a single variable" : describe(xs)}`,
    );
  }
  return Array.from(xs as ArrayLike<Operand>);
}

/**
 * The shift of logsumexp and softmax: max(xs) where it is finite, else 0 — so an infinite or
 * all −∞ input gives the right limit (+∞, −∞) rather than ∞ − ∞ = NaN. No derivative flows
 * through the choice (a comparison), and the shift's own derivative cancels in the result.
 */
function shift(xs: readonly Operand[]): Var {
  const m = max(xs);
  return select(binary(OP.LT, unary(OP.ABS, m), Infinity), m, 0);
}

/**
 * ln Σ e^xᵢ, max-shifted so it never overflows (logsumexp([1000, 1000]) = 1000 + ln 2);
 * ∂/∂xᵢ = softmax(xs)ᵢ. The empty sum gives −∞. Of an array variable: over its elements, or along `axis` of a matrix (docs/arrays.md).
 */
export function logsumexp(xs: readonly Operand[] | Var, axis?: number): Var {
  if (isArray(xs)) return logsumexpArray(xs, axis);
  noAxis("logsumexp", axis);
  const items = list("logsumexp", xs);
  if (items.length === 0) return constant(-Infinity);
  const s = shift(items);
  return binary(OP.ADD, s, unary(OP.LOG, sum(items.map((x) => unary(OP.EXP, binary(OP.SUB, x, s))))));
}

/** e^xᵢ / Σ e^xⱼ for each i (max-shifted: no overflow), as an array; ∂pᵢ/∂xⱼ = pᵢ(δᵢⱼ − pⱼ). */
export function softmax(xs: readonly Operand[]): Var[];
/** softmax of an array variable: along the last axis of a matrix by default, or `axis`. */
export function softmax(x: Var, axis?: number): Var;
export function softmax(xs: readonly Operand[] | Var, axis?: number): Var[] | Var {
  if (isArray(xs)) return softmaxArray(xs, axis);
  noAxis("softmax", axis);
  const items = list("softmax", xs);
  if (items.length === 0) return [];
  const s = shift(items);
  const e = items.map((x) => unary(OP.EXP, binary(OP.SUB, x, s)));
  const total = sum(e);
  return e.map((ei) => binary(OP.DIV, ei, total));
}

/**
 * xᵢ − logsumexp(xs) for each i, as an array: the log-probabilities, finite even where softmax
 * underflows to 0 (logSoftmax([0, −800])[1] = −800); ∂/∂xⱼ = δᵢⱼ − softmax(xs)ⱼ.
 */
export function logSoftmax(xs: readonly Operand[]): Var[];
/** logSoftmax of an array variable: along the last axis of a matrix by default, or `axis`. */
export function logSoftmax(x: Var, axis?: number): Var;
export function logSoftmax(xs: readonly Operand[] | Var, axis?: number): Var[] | Var {
  if (isArray(xs)) return logSoftmaxArray(xs, axis);
  noAxis("logSoftmax", axis);
  const items = list("logSoftmax", xs);
  if (items.length === 0) return [];
  const s = shift(items);
  const shifted = items.map((x) => binary(OP.SUB, x, s));
  const lse = unary(OP.LOG, sum(shifted.map((d) => unary(OP.EXP, d))));
  return shifted.map((d) => binary(OP.SUB, d, lse));
}

/** (x₀ + … + xₙ₋₁)/n; ∂/∂xᵢ = 1/n. An empty array is an error (the mean of nothing is undefined). Of an array variable: over its elements, or along `axis` of a matrix (docs/arrays.md). */
export function mean(xs: readonly Operand[] | Var, axis?: number): Var {
  if (isArray(xs)) return meanArray(xs, axis);
  noAxis("mean", axis);
  const items = list("mean", xs);
  if (items.length === 0) throw new RangeError("tapegrad: mean(xs) of an empty array is undefined");
  return binary(OP.DIV, sum(items), items.length);
}

/** x₀·x₁·…, left to right; ∂/∂xᵢ = the product of the others (exactly, also where one is 0). The empty product is 1. Of an array variable: over its elements, or along `axis` of a matrix (docs/arrays.md). */
export function prod(xs: readonly Operand[] | Var, axis?: number): Var {
  if (isArray(xs)) return prodArray(xs, axis);
  noAxis("prod", axis);
  const items = list("prod", xs);
  let acc: Operand = items.length === 0 ? 1 : items[0]!;
  for (let i = 1; i < items.length; i++) acc = binary(OP.MUL, acc, items[i]!);
  return typeof acc === "number" ? constant(acc) : acc;
}

/** Σ xᵢ·yᵢ; ∂/∂xᵢ = yᵢ, ∂/∂yᵢ = xᵢ. The arrays must have one length; empty gives 0. dot(u, v) of two vector variables is one sum of products. */
export function dot(xs: readonly Operand[] | Var, ys: readonly Operand[] | Var): Var {
  if (xs instanceof Var || ys instanceof Var) {
    if (!(xs instanceof Var && ys instanceof Var)) throw new TypeError("tapegrad: dot(u, v) needs two vector variables or two arrays of operands");
    return dotArrays(xs, ys);
  }
  const a = list("dot", xs);
  const b = list("dot", ys);
  if (a.length !== b.length) {
    throw new RangeError(`tapegrad: dot(xs, ys) needs arrays of one length, got ${a.length} and ${b.length}`);
  }
  return sum(a.map((x, i) => binary(OP.MUL, x, b[i]!)));
}

/**
 * The 2-norm √(Σ xᵢ²), as a chain of hypot (no overflow or underflow of the squares);
 * ∂/∂xᵢ = xᵢ/‖x‖, and 0 at x = 0 (hypot's convention: the subgradient of least norm). Empty gives 0. Of an array variable: over its elements, or along `axis` of a matrix (docs/arrays.md).
 */
export function norm(xs: readonly Operand[] | Var, axis?: number): Var {
  if (isArray(xs)) return normArray(xs, axis);
  noAxis("norm", axis);
  const items = list("norm", xs);
  if (items.length === 0) return constant(0);
  if (items.length === 1) return unary(OP.ABS, items[0]!);
  let acc: Operand = items[0]!;
  for (let i = 1; i < items.length; i++) acc = binary(OP.HYPOT, acc, items[i]!);
  return acc as Var;
}

/**
 * x limited to [lo, hi]: min(max(x, lo), hi); ∂/∂x = 1 inside and at both bounds (ties go to x),
 * ∂/∂lo = 1 below, ∂/∂hi = 1 above. lo > hi gives hi (an error when both are numbers).
 */
export function clamp(x: Operand, lo: Operand, hi: Operand): Var {
  if (typeof lo === "number" && typeof hi === "number" && lo > hi) {
    throw new RangeError(`tapegrad: clamp(x, lo, hi) needs lo ≤ hi, got lo = ${lo} and hi = ${hi}`);
  }
  return min(max(x, lo), hi);
}
