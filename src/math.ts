/**
 * The free functions users write functions with: sin(x), add(1, x), max(x, y), …
 * Each records one node (see var.ts); the op table (ops.ts) holds what they mean.
 */
import { OP } from "./ops.js";
import { binary, constant, describe, power, unary, Var, type Operand } from "./var.js";

export { constant, select } from "./var.js";

export const add = (x: Operand, y: Operand): Var => binary(OP.ADD, x, y);
export const sub = (x: Operand, y: Operand): Var => binary(OP.SUB, x, y);
export const mul = (x: Operand, y: Operand): Var => binary(OP.MUL, x, y);
export const div = (x: Operand, y: Operand): Var => binary(OP.DIV, x, y);
export const pow = (x: Operand, y: Operand): Var => power(x, y);
export const min = (x: Operand, y: Operand): Var => binary(OP.MIN, x, y);
export const max = (x: Operand, y: Operand): Var => binary(OP.MAX, x, y);

export const lt = (x: Operand, y: Operand): Var => binary(OP.LT, x, y);
export const le = (x: Operand, y: Operand): Var => binary(OP.LE, x, y);
export const gt = (x: Operand, y: Operand): Var => binary(OP.GT, x, y);
export const ge = (x: Operand, y: Operand): Var => binary(OP.GE, x, y);
export const eq = (x: Operand, y: Operand): Var => binary(OP.EQ, x, y);

export const neg = (x: Operand): Var => unary(OP.NEG, x);
export const sin = (x: Operand): Var => unary(OP.SIN, x);
export const cos = (x: Operand): Var => unary(OP.COS, x);
export const tan = (x: Operand): Var => unary(OP.TAN, x);
export const exp = (x: Operand): Var => unary(OP.EXP, x);
export const log = (x: Operand): Var => unary(OP.LOG, x);
export const sqrt = (x: Operand): Var => unary(OP.SQRT, x);
export const square = (x: Operand): Var => unary(OP.SQUARE, x);
export const tanh = (x: Operand): Var => unary(OP.TANH, x);
export const sigmoid = (x: Operand): Var => unary(OP.SIGMOID, x);
export const relu = (x: Operand): Var => unary(OP.RELU, x);
export const abs = (x: Operand): Var => unary(OP.ABS, x);

/** Sum of many operands, left to right (n − 1 add nodes); the empty sum is the constant 0. */
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
