/**
 * Recording array operations: shape checks (while tracing, so a mismatch names the op and both
 * shapes at the line that made it) and one array node per operation (node.ts). The compositions
 * (softmax, logsumexp, …) are built from these in compose.ts; matmul of vectors and outer are
 * views plus one node.
 */
import { OP, opRule } from "../ops.js";
import type { Trace } from "../trace.js";
import { Var, nodeOf, describe, type Operand } from "../var.js";
import { SCALAR, showShape, sizeOf, type ArrayNode } from "./node.js";

/** The shape of a reference in trace t: [] for a scalar node. */
export function shapeOf(t: Trace, ref: number): readonly number[] {
  return ref >= 0 ? SCALAR : t.arrays[-1 - ref]!.shape;
}

/** Records an array node and returns its variable. */
export function arrayVar(t: Trace, node: Omit<ArrayNode, "anchor">): Var {
  return new Var(t, t.pushArray(node), node.shape);
}

/** An operand's shape, for functions that take Operand. */
export function operandShape(x: Operand): readonly number[] {
  return x instanceof Var ? x.shape : SCALAR;
}

/**
 * NumPy's broadcasting rule for shapes of rank ≤ 2: aligned at the right, each dimension equal
 * or 1 (or missing). Throws a tapegrad: error naming the op and the shapes.
 */
export function broadcastShapes(name: string, shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = new Array(rank).fill(1);
  for (const shape of shapes) {
    for (let d = 0; d < shape.length; d++) {
      const at = rank - shape.length + d;
      const n = shape[d]!;
      if (n === 1) continue;
      if (out[at] === 1) out[at] = n;
      else if (out[at] !== n) {
        throw new Error(
          `tapegrad: ${name}: shapes ${shapes.map(showShape).join(" and ")} do not broadcast ` +
            "(NumPy's rule: aligned at the right, each dimension equal, 1 or missing)",
        );
      }
    }
  }
  return out;
}

/** The user-facing name of an op code. */
function opName(op: number): string {
  return op === OP.POWC ? "pow" : opRule(op).name;
}

/** An op of the table over array operands: one elementwise node of the broadcast shape. */
export function elementwise(t: Trace, op: number, refs: readonly number[]): Var {
  const shape = broadcastShapes(opName(op), refs.map((r) => shapeOf(t, r)));
  return arrayVar(t, { kind: "elementwise", op, args: refs, shape, offset: 0 });
}

/** select(c, a, b) where some operand is an array: one node. */
export function selectArrays(t: Trace, refs: readonly [number, number, number]): Var {
  const shape = broadcastShapes("select", refs.map((r) => shapeOf(t, r)));
  return arrayVar(t, { kind: "select", op: OP.SELECT, args: refs, shape, offset: 0 });
}

/** A view: `shape` from element `offset` of x's elements (no computation). */
export function view(x: Var, offset: number, shape: readonly number[]): Var {
  return arrayVar(x.trace, { kind: "view", op: 0, args: [x.node], shape: [...shape], offset });
}

/** A variable argument of an array function, checked. */
export function arrayArg(name: string, x: unknown): Var {
  if (!(x instanceof Var)) throw new TypeError(`tapegrad: ${name} needs a variable, got ${describe(x)}`);
  return x;
}

/** Normalises an axis of a rank-`rank` shape (−1 is the last); throws on a bad one. */
export function axisOf(name: string, shape: readonly number[], axis: unknown): number {
  const rank = shape.length;
  if (typeof axis !== "number" || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(
      `tapegrad: ${name}: axis must be an integer in [${-rank}, ${rank - 1}] for shape ${showShape(shape)}, got ${describe(axis)}`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** The (outer, middle, inner) view of a shape for a reduction over all elements or one axis, and the result's shape. */
export function reductionGeometry(shape: readonly number[], axis: number | undefined): { fold: [number, number, number]; shape: number[] } {
  if (axis === undefined || shape.length <= 1) return { fold: [1, sizeOf(shape), 1], shape: [] };
  const [r, c] = shape as [number, number];
  return axis === 0 ? { fold: [1, r, c], shape: [c] } : { fold: [r, c, 1], shape: [r] };
}

/** A left fold of a binary op along an axis (or over everything): sum, prod, max, min, the hypot chain of norm. */
export function fold(name: string, op: number, x: Var, axis: number | undefined): Var {
  const geometry = reductionGeometry(x.shape, axis === undefined ? undefined : axisOf(name, x.shape, axis));
  if (geometry.fold[1] === 1) return geometry.shape.length === x.shape.length ? x : view(x, 0, geometry.shape);
  return arrayVar(x.trace, { kind: "fold", op, args: [x.node], shape: geometry.shape, offset: 0, fold: geometry.fold });
}

/** The count of elements a reduction combines. */
export function reducedCount(x: Var, name: string, axis: number | undefined): number {
  return reductionGeometry(x.shape, axis === undefined ? undefined : axisOf(name, x.shape, axis)).fold[1];
}

/**
 * The result of a reduction along `axis` shaped to broadcast back against x: [r] → [r, 1] for
 * axis 1 of a matrix ([c] for axis 0 already broadcasts row-wise).
 */
export function keepDims(reduced: Var, x: Var, axis: number | undefined): Var {
  if (x.shape.length === 2 && axis !== undefined && axisOf("reduction", x.shape, axis) === 1) {
    return view(reduced, 0, [x.shape[0]!, 1]);
  }
  return reduced;
}

/** A[r×k]·B[k×c] → [r×c]; [r×k]·[k] → [r]; [k]·[k×c] → [c]. */
export function matmul(A: Var | number, B: Var | number): Var {
  const a = arrayArg("matmul(A, B): A", A);
  const b = arrayArg("matmul(A, B): B", B);
  const sa = a.shape;
  const sb = b.shape;
  const fail = (why: string): never => {
    throw new Error(`tapegrad: matmul(A, B): shapes ${showShape(sa)} and ${showShape(sb)}: ${why}`);
  };
  if (sa.length === 0 || sb.length === 0) fail("matmul needs vectors or matrices; use mul for a scalar factor");
  if (sa.length === 1 && sb.length === 1) fail("two vectors: use dot(u, v) for their inner product, outer(u, v) for the matrix");
  const am = sa.length === 1 ? view(a, 0, [1, sa[0]!]) : a;
  const bm = sb.length === 1 ? view(b, 0, [sb[0]!, 1]) : b;
  const [r, k] = am.shape as [number, number];
  const [k2, c] = bm.shape as [number, number];
  if (k !== k2) fail(`the inner dimensions differ (${k} and ${k2})`);
  sameTrace(a, b);
  const product = arrayVar(a.trace, { kind: "matmul", op: 0, args: [am.node, bm.node], shape: [r, c], offset: 0 });
  if (sa.length === 1) return view(product, 0, [c]);
  if (sb.length === 1) return view(product, 0, [r]);
  return product;
}

/** Aᵀ of a matrix A. */
export function transpose(A: Var): Var {
  const a = arrayArg("transpose(A)", A);
  if (a.shape.length !== 2) {
    throw new Error(`tapegrad: transpose(A) needs a matrix, got shape ${showShape(a.shape)} (reshape a vector to [1, n] or [n, 1])`);
  }
  const [r, c] = a.shape as [number, number];
  if (r === 1 || c === 1) return view(a, 0, [c, r]); // the same elements in the same order
  return arrayVar(a.trace, { kind: "transpose", op: 0, args: [a.node], shape: [c, r], offset: 0 });
}

/** Throws unless both variables belong to one trace. */
export function sameTrace(x: Var, y: Var): void {
  nodeOf(x.trace, y);
}

/** The elements of the parts one after another, shaped `shape`. */
export function concatNodes(t: Trace, refs: readonly number[], shape: readonly number[]): Var {
  if (refs.length === 1) {
    const only = refs[0]!;
    const s = shapeOf(t, only);
    if (s.length === shape.length && s.every((d, i) => d === shape[i])) return new Var(t, only, s);
  }
  return arrayVar(t, { kind: "concat", op: 0, args: refs, shape: [...shape], offset: 0 });
}
