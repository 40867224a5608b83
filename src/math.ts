/**
 * The free functions users write functions with: sin(x), add(1, x), max(x, y), … Those of one op
 * each come from the op table (src/generated/functions.ts, written by scripts/gen from ops.ts);
 * the ones here are the few written by hand: pow (a number exponent records powc), the n-ary
 * min and max, and sum.
 */
import { OP } from "./ops.js";
import { binary, constant, describe, power, Var, type Operand } from "./var.js";

export { constant, select } from "./var.js";
export * from "./generated/functions.js";

/**
 * x^y; ∂/∂x = y·x^(y−1), 0 when y = 0; ∂/∂y = ln(x)·x^y, 0 at x = 0 for y > 0, NaN for x < 0. A
 * number y is a constant exponent: no ∂/∂y, x < 0 fine for an integer y, NaN for a fractional one.
 */
export const pow = (x: Operand, y: Operand): Var => power(x, y);

/** Operands of the n-ary min and max: (x, y, …) or one array of them. */
function operands(name: string, xs: readonly (Operand | readonly Operand[])[]): readonly Operand[] {
  const list = xs.length === 1 && Array.isArray(xs[0]) ? (xs[0] as readonly Operand[]) : (xs as readonly Operand[]);
  if (list.length === 0) throw new RangeError(`tapegrad: ${name}() needs at least one operand`);
  return list;
}

/** Left fold of a binary op: n − 1 nodes; one operand is returned as a variable. */
function fold(op: number, list: readonly Operand[]): Var {
  let acc: Operand = list[0]!;
  for (let i = 1; i < list.length; i++) acc = binary(op, acc, list[i]!);
  return typeof acc === "number" ? constant(acc) : acc;
}

/**
 * min(x, y, …) (or min(xs)): left to right, n − 1 nodes; ∂ = 1 to the smallest operand, 0 to the
 * others; a tie goes to the first of the tied; NaN in any: value and partials NaN.
 */
export function min(...xs: (Operand | readonly Operand[])[]): Var {
  return fold(OP.MIN, operands("min", xs));
}
/**
 * max(x, y, …) (or max(xs)): left to right, n − 1 nodes; ∂ = 1 to the largest operand, 0 to the
 * others; a tie goes to the first of the tied; NaN in any: value and partials NaN.
 */
export function max(...xs: (Operand | readonly Operand[])[]): Var {
  return fold(OP.MAX, operands("max", xs));
}

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
