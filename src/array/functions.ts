/**
 * The array forms of the reductions and compositions (docs/arrays.md): what sum, mean, prod,
 * max, min, logsumexp, norm, dot, softmax and logSoftmax do when given one array variable, and
 * outer, stack and concat. Each is a few array nodes in the same order of operations as the
 * scalar composition in compose.ts, so an array function and the same function written element
 * by element give the same numbers.
 */
import { OP } from "../ops.js";
import { currentTrace, type Trace } from "../trace.js";
import { binary, describe, nodeOf, select, unary, Var, type Operand } from "../var.js";
import { SCALAR, showShape } from "./node.js";
import { arrayArg, axisOf, concatNodes, fold, keepDims, reducedCount, sameTrace, shapeOf, view } from "./record.js";

/** The axis argument of a reduction: undefined (every element) or an integer axis of x. */
function axisArg(name: string, x: Var, axis: unknown): number | undefined {
  if (axis === undefined) return undefined;
  if (x.shape.length < 2) {
    // A vector has one axis; axis 0 (or −1) is the same as every element.
    axisOf(name, x.shape.length === 0 ? [1] : x.shape, axis);
    return undefined;
  }
  return axisOf(name, x.shape, axis);
}

/** Σ over every element of x, or along an axis of a matrix: a left fold, first element first. */
export function sumArray(x: Var, axis?: number): Var {
  return fold("sum", OP.ADD, x, axisArg("sum", x, axis));
}

/** The mean over every element or along an axis: the sum divided by the count. */
export function meanArray(x: Var, axis?: number): Var {
  const ax = axisArg("mean", x, axis);
  return binary(OP.DIV, fold("mean", OP.ADD, x, ax), reducedCount(x, "mean", ax));
}

/** The product, left to right (the derivative is the product of the others, exactly). */
export function prodArray(x: Var, axis?: number): Var {
  return fold("prod", OP.MUL, x, axisArg("prod", x, axis));
}

/** max/min over every element or along an axis; the derivative goes to the chosen element, a tie to the first. */
export function extremeArray(name: "max" | "min", x: Var, axis?: number): Var {
  return fold(name, name === "max" ? OP.MAX : OP.MIN, x, axisArg(name, x, axis));
}

/** √Σxᵢ² as a chain of hypot (no overflow of the squares); one element gives |x|. */
export function normArray(x: Var, axis?: number): Var {
  const ax = axisArg("norm", x, axis);
  if (reducedCount(x, "norm", ax) === 1) return fold("norm", OP.HYPOT, unary(OP.ABS, x), ax);
  return fold("norm", OP.HYPOT, x, ax);
}

/** The shift of logsumexp and softmax (see compose.ts): the max where finite, else 0, shaped to broadcast back against x. */
function shiftArray(name: string, x: Var, axis: number | undefined): Var {
  const m = keepDims(fold(name, OP.MAX, x, axis), x, axis);
  return select(binary(OP.LT, unary(OP.ABS, m), Infinity), m, 0);
}

/** ln Σ e^xᵢ, max-shifted (never overflows), over every element or along an axis. */
export function logsumexpArray(x: Var, axis?: number): Var {
  const ax = axisArg("logsumexp", x, axis);
  const s = shiftArray("logsumexp", x, ax);
  const total = fold("logsumexp", OP.ADD, unary(OP.EXP, binary(OP.SUB, x, s)), ax);
  return binary(OP.ADD, dropKept(s, total), unary(OP.LOG, total));
}

/** The kept-dims shift back in the reduced shape: [r, 1] → [r]; a scalar or [c] stays. */
function dropKept(s: Var, reduced: Var): Var {
  return s.shape.length === reduced.shape.length ? s : view(s, 0, reduced.shape);
}

/** The axis of softmax and logSoftmax: the last one by default. */
function softAxis(name: string, x: Var, axis: unknown): number | undefined {
  if (axis === undefined) return x.shape.length === 2 ? 1 : undefined;
  return axisArg(name, x, axis);
}

/** e^xᵢ / Σ e^xⱼ along an axis (the last by default), max-shifted. */
export function softmaxArray(x: Var, axis?: number): Var {
  const ax = softAxis("softmax", x, axis);
  const s = shiftArray("softmax", x, ax);
  const e = unary(OP.EXP, binary(OP.SUB, x, s));
  return binary(OP.DIV, e, keepDims(fold("softmax", OP.ADD, e, ax), x, ax));
}

/** xᵢ − logsumexp along an axis (the last by default): finite where softmax underflows. */
export function logSoftmaxArray(x: Var, axis?: number): Var {
  const ax = softAxis("logSoftmax", x, axis);
  const shifted = binary(OP.SUB, x, shiftArray("logSoftmax", x, ax));
  const lse = unary(OP.LOG, fold("logSoftmax", OP.ADD, unary(OP.EXP, shifted), ax));
  return binary(OP.SUB, shifted, keepDims(lse, x, ax));
}

/** u·v of two vectors of one length: Σ uᵢvᵢ, left to right. */
export function dotArrays(u: Var, v: Var): Var {
  if (u.shape.length !== 1 || v.shape.length !== 1 || u.shape[0] !== v.shape[0]) {
    throw new Error(`tapegrad: dot(u, v) needs two vectors of one length, got shapes ${showShape(u.shape)} and ${showShape(v.shape)}`);
  }
  return sumArray(binary(OP.MUL, u, v));
}

/** u·vᵀ of vectors [m] and [n]: the [m, n] matrix of products (one broadcast multiply). */
export function outer(u: Var, v: Var): Var {
  const a = arrayArg("outer(u, v): u", u);
  const b = arrayArg("outer(u, v): v", v);
  if (a.shape.length !== 1 || b.shape.length !== 1) {
    throw new Error(`tapegrad: outer(u, v) needs two vectors, got shapes ${showShape(a.shape)} and ${showShape(b.shape)}`);
  }
  sameTrace(a, b);
  return binary(OP.MUL, view(a, 0, [a.shape[0]!, 1]), view(b, 0, [1, b.shape[0]!]));
}

/** The trace and node references of a list of operands (numbers become constants). */
function parts(name: string, xs: unknown): { t: Trace; refs: number[]; shapes: (readonly number[])[] } {
  if (!Array.isArray(xs)) throw new TypeError(`tapegrad: ${name}(xs) needs an array of variables, got ${describe(xs)}`);
  if (xs.length === 0) throw new RangeError(`tapegrad: ${name}([]) of nothing: arrays have at least one element`);
  const first = (xs as unknown[]).find((x) => x instanceof Var) as Var | undefined;
  const t = first?.trace ?? currentTrace();
  if (t === null || t === undefined) throw new Error(`tapegrad: ${name}() was called outside compile() with numbers only`);
  const refs = (xs as Operand[]).map((x) => nodeOf(t, x));
  return { t, refs, shapes: refs.map((r) => shapeOf(t, r)) };
}

/** Scalars → a vector; vectors of one length → a matrix with them as rows. */
export function stack(xs: readonly Operand[]): Var {
  const { t, refs, shapes } = parts("stack", xs);
  const s0 = shapes[0]!;
  shapes.forEach((s, i) => {
    if (s.length > 1 || s.length !== s0.length || s[0] !== s0[0]) {
      throw new Error(
        `tapegrad: stack(xs) needs scalars or vectors of one length, got shapes ${showShape(s0)} (xs[0]) and ${showShape(s)} (xs[${i}])`,
      );
    }
  });
  return concatNodes(t, refs, s0.length === 0 ? [refs.length] : [refs.length, s0[0]!]);
}

/** Vectors and scalars → one vector; matrices of one width → their rows, one after another. */
export function concat(xs: readonly Operand[]): Var {
  const { t, refs, shapes } = parts("concat", xs);
  const matrices = shapes.some((s) => s.length === 2);
  let total = 0;
  shapes.forEach((s, i) => {
    if (matrices && (s.length !== 2 || s[1] !== shapes.find((q) => q.length === 2)![1])) {
      throw new Error(
        `tapegrad: concat(xs) of matrices needs matrices of one width, got shapes ${showShape(shapes.find((q) => q.length === 2)!)} and ${showShape(s)} (xs[${i}])`,
      );
    }
    total += matrices ? s[0]! : s.length === 0 ? 1 : s[0]!;
  });
  return concatNodes(t, refs, matrices ? [total, shapes[0]![1]!] : [total]);
}

/** True for an array variable (shape not []): the argument that makes sum, max, … reductions. */
export function isArray(x: unknown): x is Var {
  return x instanceof Var && x.shape !== SCALAR && x.shape.length > 0;
}
