/**
 * The free functions users write functions with: sin(x), add(1, x), max(x, y), …
 * Each records one node (see var.ts); the op table (ops.ts) holds what they mean.
 */
import { OP } from "./ops.js";
import { binary, constant, describe, power, unary, Var, type Operand } from "./var.js";

export { constant, select } from "./var.js";

/** x + y; ∂/∂x = 1, ∂/∂y = 1. */
export const add = (x: Operand, y: Operand): Var => binary(OP.ADD, x, y);
/** x − y; ∂/∂x = 1, ∂/∂y = −1. */
export const sub = (x: Operand, y: Operand): Var => binary(OP.SUB, x, y);
/** x·y; ∂/∂x = y, ∂/∂y = x. */
export const mul = (x: Operand, y: Operand): Var => binary(OP.MUL, x, y);
/** x / y; ∂/∂x = 1/y, ∂/∂y = −x/y²; y = 0 gives ±∞ or NaN (IEEE), and so do the partials. */
export const div = (x: Operand, y: Operand): Var => binary(OP.DIV, x, y);
/**
 * x^y; ∂/∂x = y·x^(y−1), 0 when y = 0; ∂/∂y = ln(x)·x^y, 0 at x = 0 for y > 0, NaN for x < 0. A
 * number y is a constant exponent: no ∂/∂y, x < 0 fine for an integer y, NaN for a fractional one.
 */
export const pow = (x: Operand, y: Operand): Var => power(x, y);
/**
 * min(x, y); ∂ = 1 to the smaller operand, 0 to the other; a tie goes to x; NaN in either: value
 * and partials NaN.
 */
export const min = (x: Operand, y: Operand): Var => binary(OP.MIN, x, y);
/**
 * max(x, y); ∂ = 1 to the larger operand, 0 to the other; a tie goes to x; NaN in either: value and
 * partials NaN.
 */
export const max = (x: Operand, y: Operand): Var => binary(OP.MAX, x, y);

/** x < y ? 1 : 0 (0 if either is NaN); derivative 0. A condition for select(). */
export const lt = (x: Operand, y: Operand): Var => binary(OP.LT, x, y);
/** x ≤ y ? 1 : 0 (0 if either is NaN); derivative 0. A condition for select(). */
export const le = (x: Operand, y: Operand): Var => binary(OP.LE, x, y);
/** x > y ? 1 : 0 (0 if either is NaN); derivative 0. A condition for select(). */
export const gt = (x: Operand, y: Operand): Var => binary(OP.GT, x, y);
/** x ≥ y ? 1 : 0 (0 if either is NaN); derivative 0. A condition for select(). */
export const ge = (x: Operand, y: Operand): Var => binary(OP.GE, x, y);
/** x = y ? 1 : 0 (0 if either is NaN; −0 = +0); derivative 0. A condition for select(). */
export const eq = (x: Operand, y: Operand): Var => binary(OP.EQ, x, y);

/** −x; ∂/∂x = −1. */
export const neg = (x: Operand): Var => unary(OP.NEG, x);
/** sin x; ∂/∂x = cos x. */
export const sin = (x: Operand): Var => unary(OP.SIN, x);
/** cos x; ∂/∂x = −sin x. */
export const cos = (x: Operand): Var => unary(OP.COS, x);
/** tan x; ∂/∂x = 1 + tan² x, huge near the poles π/2 + kπ (never hit exactly in float64). */
export const tan = (x: Operand): Var => unary(OP.TAN, x);
/** eˣ; ∂/∂x = eˣ; both overflow to +∞ above x ≈ 709.78. */
export const exp = (x: Operand): Var => unary(OP.EXP, x);
/** ln x; ∂/∂x = 1/x; log(±0) = −∞ with ∂/∂x = +∞; NaN for x < 0, value and derivative. */
export const log = (x: Operand): Var => unary(OP.LOG, x);
/** √x; ∂/∂x = 1/(2√x), +∞ at x = ±0; NaN for x < 0, value and derivative. */
export const sqrt = (x: Operand): Var => unary(OP.SQRT, x);
/** x²; ∂/∂x = 2x. */
export const square = (x: Operand): Var => unary(OP.SQUARE, x);
/** tanh x; ∂/∂x = 1 − tanh² x; saturates to ±1 beyond about ±19, where ∂/∂x = 0 (not NaN). */
export const tanh = (x: Operand): Var => unary(OP.TANH, x);
/**
 * σ(x) = 1/(1 + e^−x); ∂/∂x = σ(1 − σ); exactly 0 below x ≈ −709.78 and 1 above x ≈ 37,
 * with ∂/∂x = 0 there, never NaN.
 */
export const sigmoid = (x: Operand): Var => unary(OP.SIGMOID, x);
/** max(x, 0); ∂/∂x = 1 for x > 0, else 0 (relu'(0) = 0); relu(−0) = +0; NaN in, NaN out. */
export const relu = (x: Operand): Var => unary(OP.RELU, x);
/** |x|; ∂/∂x = sign x, 0 at x = 0; NaN in, NaN out. */
export const abs = (x: Operand): Var => unary(OP.ABS, x);

/** x₀ + x₁ + …, left to right (n − 1 add nodes); ∂/∂xᵢ = 1; the empty sum is the constant 0. */
export function sum(xs: readonly Operand[]): Var {
  if (xs === null || typeof xs !== "object" || typeof (xs as { length?: unknown }).length !== "number") {
    throw new TypeError(
      `tapegrad: sum(xs) needs an array of variables and numbers, got ${xs instanceof Var ? "a single variable" : describe(xs)}` +
        (xs instanceof Var ? "; for a function of a vector, compile((xs) => …, { inputs: n })" : ""),
    );
  }
  let total: Operand = xs.length === 0 ? 0 : xs[0]!;
  for (let i = 1; i < xs.length; i++) total = binary(OP.ADD, total, xs[i]!);
  return typeof total === "number" ? constant(total) : total;
}
