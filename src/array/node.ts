/**
 * Array nodes as they are recorded. While tracing, scalar nodes go to the trace's typed arrays
 * (trace.ts) exactly as before; an array node — and any node with an array operand — is one
 * small object here. A reference to a node is one number: ≥ 0 a scalar node of the trace,
 * < 0 the array node −1 − ref. program.ts merges both into one program when the trace ends.
 */

/** What an array node computes; the rules of each kind live in the executors (js-exec.ts, wasm). */
export type ArrayKind =
  /** A differentiated input: θ[offset …] laid out as shape. */
  | "input"
  /** A data input: data[offset …] laid out as shape. */
  | "data"
  /** Constant values. */
  | "constant"
  /** An op of the op table, elementwise over the broadcast shape of its operands. */
  | "elementwise"
  /** select(c, a, b) elementwise: a where c > 0, else b. */
  | "select"
  /** A left fold of a binary op (add, mul, max, min, hypot) along the middle of (outer, middle, inner). */
  | "fold"
  /** A[r×k]·B[k×c] (vectors are viewed as matrices by the recorder). */
  | "matmul"
  /** The transpose of a matrix. */
  | "transpose"
  /** The operands' elements one after another (stack and concat). */
  | "concat"
  /** A window of its operand's elements (slice, row, at, reshape): no computation, shared storage. */
  | "view";

export interface ArrayNode {
  readonly kind: ArrayKind;
  /** The op code (elementwise, fold); 0 otherwise. */
  readonly op: number;
  /** Operand references (see above). */
  readonly args: readonly number[];
  readonly shape: readonly number[];
  /** input/data: index of the first element in θ or the data vector; view: element offset into args[0]. */
  readonly offset: number;
  /** fold: the operand viewed as (outer, middle, inner), folded over middle. */
  readonly fold?: readonly [number, number, number];
  /** constant: the values, row-major. */
  readonly values?: Float64Array;
  /** The scalar trace's size when the node was recorded: it runs after the scalar nodes before it. */
  readonly anchor: number;
}

/** The number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A shape as users write it: [] → "[] (a scalar)", [2, 3] → "[2, 3]". */
export function showShape(shape: readonly number[]): string {
  return shape.length === 0 ? "[] (a scalar)" : `[${shape.join(", ")}]`;
}

/** The shared shape of every scalar variable. */
export const SCALAR: readonly number[] = Object.freeze([]);
