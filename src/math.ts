/**
 * The free functions users write functions with: sin(x), add(1, x), max(x, y), … Those of one op
 * each come from the op table (src/generated/functions.ts, written by scripts/gen from ops.ts);
 * the ones here are the few written by hand: pow (a number exponent records powc), the n-ary
 * min and max, and sum.
 */
import { OP } from "./ops.js";
import { binary, constant, describe, power, Var, type Operand } from "./var.js";
import { extremeArray, isArray, sumArray } from "./array/functions.js";

export { constant, select } from "./var.js";
export * from "./generated/functions.js";

/**
 * x^y; ∂/∂x = y·x^(y−1), 0 when y = 0; ∂/∂y = ln(x)·x^y, 0 at x = 0 for y > 0, NaN for x < 0. A
 * number y is a constant exponent: no ∂/∂y, x < 0 fine for an integer y, NaN for a fractional one.
 */
export const pow = (x: Operand, y: Operand): Var => power(x, y);

/** The options of the reductions max(x, { axis }) and min(x, { axis }). */
export interface AxisOptions {
  /** The axis of a matrix to reduce along (0: down the columns, 1 or −1: along the rows). */
  axis?: number;
}

/** max(x) / max(x, { axis }) of one array variable: a reduction, not the n-ary elementwise form. */
function reduction(name: "max" | "min", xs: readonly unknown[]): Var | null {
  if (xs.length === 1 && isArray(xs[0])) return extremeArray(name, xs[0], undefined);
  if (xs.length === 2 && xs[1] !== null && typeof xs[1] === "object" && !(xs[1] instanceof Var) && !Array.isArray(xs[1])) {
    const options = xs[1] as AxisOptions;
    if (!(xs[0] instanceof Var)) throw new TypeError(`tapegrad: ${name}(x, { axis }) needs an array variable x, got ${describe(xs[0])}`);
    checkAxisOptions(name, options);
    return extremeArray(name, xs[0], options.axis);
  }
  return null;
}

function checkAxisOptions(name: string, options: object): void {
  for (const key of Object.keys(options)) {
    if (key !== "axis") throw new TypeError(`tapegrad: ${name}(x, options): unknown option ${JSON.stringify(key)}; the option is { axis }`);
  }
}

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
 * others; a tie goes to the first of the tied; NaN in any: value and partials NaN. Operands of
 * any shapes broadcast (elementwise). min(x) of one array variable is its smallest element,
 * min(x, { axis }) the smallest along an axis (docs/arrays.md).
 */
/** min(x, { axis }): the smallest element along an axis of a matrix x; ∂ = 1 to it, a tie to the first. */
export function min(x: Var, options: AxisOptions): Var;
/**
 * min(x, y, …) (or min(xs)): elementwise, left to right; ∂ = 1 to the smallest operand, a tie to the first.
 * min(x) of one array variable: its smallest element.
 */
export function min(...xs: (Operand | readonly Operand[])[]): Var;
export function min(...xs: unknown[]): Var {
  return reduction("min", xs) ?? fold(OP.MIN, operands("min", xs as (Operand | readonly Operand[])[]));
}
/**
 * max(x, y, …) (or max(xs)): left to right, n − 1 nodes; ∂ = 1 to the largest operand, 0 to the
 * others; a tie goes to the first of the tied; NaN in any: value and partials NaN. Operands of
 * any shapes broadcast (elementwise). max(x) of one array variable is its largest element,
 * max(x, { axis }) the largest along an axis (docs/arrays.md).
 */
/** max(x, { axis }): the largest element along an axis of a matrix x; ∂ = 1 to it, a tie to the first. */
export function max(x: Var, options: AxisOptions): Var;
/**
 * max(x, y, …) (or max(xs)): elementwise, left to right; ∂ = 1 to the largest operand, a tie to the first.
 * max(x) of one array variable: its largest element.
 */
export function max(...xs: (Operand | readonly Operand[])[]): Var;
export function max(...xs: unknown[]): Var {
  return reduction("max", xs) ?? fold(OP.MAX, operands("max", xs as (Operand | readonly Operand[])[]));
}

/**
 * x₀ + x₁ + …, left to right (n − 1 add nodes); ∂/∂xᵢ = 1; the empty sum is the constant 0.
 * sum(x) of an array variable sums its elements (one node), sum(x, axis) along an axis of a matrix.
 */
export function sum(xs: readonly Operand[] | Var, axis?: number): Var {
  if (isArray(xs)) return sumArray(xs, axis);
  if (axis !== undefined) throw new TypeError("tapegrad: sum(xs, axis): an axis needs an array variable xs");
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
