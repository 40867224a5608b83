/**
 * Var: a scalar variable being traced. It is only a handle — (trace, node index) — so a function
 * of 10⁵ variables allocates 10⁵ small objects while recording and nothing at all when replayed.
 */
import { OP, opRule } from "./ops.js";
import { activeTrace, currentTrace, type Trace } from "./trace.js";
import { VarMethods } from "./generated/methods.js";
import { SCALAR, showShape, sizeOf } from "./array/node.js";
import { arrayVar, elementwise, selectArrays, view } from "./array/record.js";

/** What operations accept: a traced variable or a plain number (lifted to a constant). */
export type Operand = Var | number;

/**
 * A traced variable — a scalar, or a vector or matrix with its `shape` (docs/arrays.md): what
 * compile() passes the function, combined with its methods or the math functions (elementwise on
 * arrays, with NumPy broadcasting). NaN in, NaN out (comparisons give 0); a partial times a derivative is
 * exactly 0 when either is exactly 0, even beside ±∞ or NaN, so relu, abs, min and max (partials 0
 * or ±1) pass a derivative to the chosen operand and exactly 0 to the other; select passes it to
 * the chosen branch. The op methods (x.sin(), x.add(y), …) come from the op table (VarMethods).
 */
export class Var extends VarMethods {
  /** @internal */
  constructor(
    /** @internal */ readonly trace: Trace,
    /** @internal A scalar node of the trace (≥ 0) or an array node (−1 − index). */ readonly node: number,
    /** The shape: [] for a scalar, [n] for a vector, [r, c] for a row-major matrix. */
    readonly shape: readonly number[] = SCALAR,
  ) {
    super();
  }

  /** The number of elements: 1 for a scalar, n for a vector, r·c for a matrix. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /**
   * Elements start … end−1 of a vector, or those rows of a matrix; negative indices count from
   * the end and out-of-range ends are clamped, as in Array.prototype.slice. No copy: the slice
   * shares the elements (and their derivatives). An empty slice is an error.
   */
  slice(start: number, end?: number): Var {
    if (this.shape.length === 0) throw new Error("tapegrad: slice(start, end) needs a vector or a matrix, got a scalar");
    const n = this.shape[0]!;
    const from = sliceIndex("slice(start, end): start", start, n);
    const to = end === undefined ? n : sliceIndex("slice(start, end): end", end, n);
    if (to <= from) {
      throw new RangeError(
        `tapegrad: slice(${start}, ${end}) of shape ${showShape(this.shape)} is empty (elements ${from} … ${to - 1}); arrays have at least one element`,
      );
    }
    const width = this.shape.length === 2 ? this.shape[1]! : 1;
    return view(this, from * width, this.shape.length === 2 ? [to - from, width] : [to - from]);
  }

  /** Row i of a matrix (a vector sharing its elements); negative i counts from the end, as in Array.prototype.at. */
  row(i: number): Var {
    if (this.shape.length !== 2) throw new Error(`tapegrad: row(i) needs a matrix, got shape ${showShape(this.shape)}`);
    const [r, c] = this.shape as [number, number];
    return view(this, elementIndex("row(i)", i, r) * c, [c]);
  }

  /**
   * One element as a scalar: v.at(i) of a vector, A.at(i, j) of a matrix; negative indices count
   * from the end (Array.prototype.at); out of range is an error.
   */
  at(i: number, j?: number): Var {
    const shape = this.shape;
    if (shape.length === 0) throw new Error("tapegrad: at(i) needs a vector or a matrix, got a scalar");
    if (shape.length === 1) {
      if (j !== undefined) throw new Error(`tapegrad: at(i, j) of a vector (shape ${showShape(shape)}): give one index`);
      return view(this, elementIndex("at(i)", i, shape[0]!), SCALAR);
    }
    if (j === undefined) {
      throw new Error(`tapegrad: at(i) of a matrix (shape ${showShape(shape)}) needs two indices, at(i, j); row(i) gives a row`);
    }
    const [r, c] = shape as [number, number];
    return view(this, elementIndex("at(i, j): i", i, r) * c + elementIndex("at(i, j): j", j, c), SCALAR);
  }

  /** The same elements, row-major, in another shape of the same size; one dimension may be −1 (inferred). */
  reshape(shape: readonly number[]): Var {
    return reshapeVar(this, shape);
  }

  /**
   * x.pow(y): x^y; ∂/∂x = y·x^(y−1), 0 when y = 0; ∂/∂y = ln(x)·x^y, 0 at x = 0 for y > 0, NaN for
   * x < 0. A number y is a constant exponent: no ∂/∂y, x < 0 fine for an integer y, NaN for a
   * fractional one.
   */
  pow(y: Operand): Var {
    return power(this, y);
  }

  /**
   * Always throws: a traced variable has no number while recording (`x > 0` or `x + 1` would bake
   * one branch or a string into the tape); use x.add(y), select(x.gt(0), a, b).
   */
  [Symbol.toPrimitive](): never {
    throw new Error(
      "tapegrad: a traced variable has no numeric value while recording; use x.add(y) instead " +
        "of x + y, and select(x.gt(0), a, b) instead of a JS if or ?: on a variable",
    );
  }
}

/** The node of an operand in trace t: a Var of t, or a number lifted to a constant. */
export function nodeOf(t: Trace, x: Operand): number {
  if (x instanceof Var) {
    if (x.trace !== t) {
      throw new Error(
        "tapegrad: a variable from another trace was used (each compile() records its own " +
          "variables; pass values in as inputs instead)",
      );
    }
    return x.node;
  }
  if (typeof x !== "number") {
    throw new TypeError(`tapegrad: expected a variable or a number, got ${describe(x)}`);
  }
  return t.constant(x);
}

export function unary(op: number, x: Operand): Var {
  const t = currentTrace() ?? outside(opName(op), [x]);
  const ix = nodeOf(t, x);
  if (ix < 0) return elementwise(t, op, [ix]);
  return new Var(t, t.push(op, ix, 0));
}

export function binary(op: number, x: Operand, y: Operand): Var {
  const t = currentTrace() ?? outside(opName(op), [x, y]);
  const ix = nodeOf(t, x);
  const iy = nodeOf(t, y);
  // An array operand (or a scalar computed from arrays) makes an array node.
  if ((ix | iy) < 0) return elementwise(t, op, [ix, iy]);
  return new Var(t, t.push(op, ix, iy));
}

/** x^y: a number exponent records powc, whose exponent is not differentiated (see ops.ts). */
export function power(x: Operand, y: Operand): Var {
  return binary(typeof y === "number" ? OP.POWC : OP.POW, x, y);
}

/**
 * A constant (derivative 0): constant(2) a scalar, constant([1, 2, 3]) a vector,
 * constant([[1, 2], [3, 4]]) a matrix (an array of rows of one length).
 */
export function constant(x: number | ArrayLike<number> | readonly ArrayLike<number>[]): Var {
  const t = currentTrace() ?? outside("constant", [x]);
  if (typeof x === "number") return new Var(t, nodeOf(t, x));
  const { values, shape } = constantValues(x);
  return arrayVar(t, { kind: "constant", op: 0, args: [], shape, offset: 0, values });
}

/** The values and shape of constant(array): a flat array-like of numbers or an array of rows. */
function constantValues(x: unknown): { values: Float64Array; shape: number[] } {
  const bad = (why: string): never => {
    throw new TypeError(`tapegrad: constant(values) needs a number, an array of numbers or an array of rows: ${why}`);
  };
  if (x === null || typeof x !== "object" || typeof (x as { length?: unknown }).length !== "number") bad(`got ${describe(x)}`);
  const list = x as ArrayLike<unknown>;
  if (list.length === 0) bad("got an empty array (arrays have at least one element)");
  if (typeof list[0] === "number") {
    const values = Float64Array.from(list as ArrayLike<number>);
    for (let i = 0; i < list.length; i++) if (typeof list[i] !== "number") bad(`element ${i} is ${describe(list[i])}`);
    return { values, shape: [list.length] };
  }
  const rows = Array.from(list, (row, i) => {
    if (row === null || typeof row !== "object" || typeof (row as { length?: unknown }).length !== "number") bad(`row ${i} is ${describe(row)}`);
    return row as ArrayLike<unknown>;
  });
  const c = rows[0]!.length;
  if (c === 0) bad("row 0 is empty");
  const values = new Float64Array(rows.length * c);
  rows.forEach((row, i) => {
    if (row.length !== c) bad(`row ${i} has ${row.length} elements, row 0 has ${c}`);
    for (let j = 0; j < c; j++) {
      if (typeof row[j] !== "number") bad(`row ${i}, element ${j} is ${describe(row[j])}`);
      values[i * c + j] = row[j] as number;
    }
  });
  return { values, shape: [rows.length, c] };
}

/** Index i of n elements (negative from the end), or a RangeError: at() and row(). */
function elementIndex(call: string, i: unknown, n: number): number {
  if (typeof i !== "number" || !Number.isInteger(i)) throw new TypeError(`tapegrad: ${call}: the index must be an integer, got ${describe(i)}`);
  const k = i < 0 ? i + n : i;
  if (k < 0 || k >= n) throw new RangeError(`tapegrad: ${call}: index ${i} is out of range for ${n} elements`);
  return k;
}

/** A slice end: negative from the end, clamped to [0, n] (Array.prototype.slice). */
function sliceIndex(call: string, i: unknown, n: number): number {
  if (typeof i !== "number" || !Number.isInteger(i)) throw new TypeError(`tapegrad: ${call} must be an integer, got ${describe(i)}`);
  return i < 0 ? Math.max(0, i + n) : Math.min(i, n);
}

/** x with another shape of the same size (one dimension may be −1). */
export function reshapeVar(x: Var, shape: readonly number[]): Var {
  if (!Array.isArray(shape) || shape.length > 2 || shape.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1))) {
    throw new TypeError(`tapegrad: reshape(shape): shape must be [], [n] or [r, c] of positive integers (one may be −1), got ${JSON.stringify(shape)}`);
  }
  const unknown = shape.indexOf(-1);
  if (unknown !== shape.lastIndexOf(-1)) throw new TypeError("tapegrad: reshape(shape): only one dimension may be −1");
  const known = sizeOf(shape.filter((d) => d !== -1));
  const resolved = [...shape];
  if (unknown >= 0) {
    if (x.size % known !== 0) {
      throw new Error(`tapegrad: reshape: ${x.size} elements (shape ${showShape(x.shape)}) do not fill shape ${JSON.stringify(shape)}`);
    }
    resolved[unknown] = x.size / known;
  }
  if (sizeOf(resolved) !== x.size) {
    throw new Error(`tapegrad: reshape: shape ${showShape(x.shape)} (${x.size} elements) cannot become ${showShape(resolved)} (${sizeOf(resolved)} elements)`);
  }
  return view(x, 0, resolved);
}

/**
 * ifTrue where condition > 0, else ifFalse (NaN chooses ifFalse), chosen per call; only the
 * chosen branch receives derivative, condition none.
 */
export function select(condition: Operand, ifTrue: Operand, ifFalse: Operand): Var {
  const t = currentTrace() ?? outside("select", [condition, ifTrue, ifFalse]);
  const c = nodeOf(t, condition);
  const it = nodeOf(t, ifTrue);
  const iff = nodeOf(t, ifFalse);
  if ((c | it | iff) < 0) return selectArrays(t, [c, it, iff]);
  const branches = t.push(OP.BRANCHES, nodeOf(t, ifTrue), nodeOf(t, ifFalse));
  return new Var(t, t.push(OP.SELECT, c, branches));
}

/** The user-facing name of an op: sin, add, … (powc is what pow(x, number) records). */
function opName(op: number): string {
  return op === OP.POWC ? "pow" : opRule(op).name;
}

/**
 * An operation called outside compile(). With a variable among the operands, it was kept past
 * its compile() (activeTrace() says so); with numbers only, the user wanted plain arithmetic.
 */
function outside(name: string, operands: readonly unknown[]): never {
  if (operands.some((x) => x instanceof Var)) activeTrace();
  const instead = ["sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "abs", "min", "max", "pow"].includes(name)
    ? `Math.${name}(…)`
    : "Math functions and JS operators";
  throw new Error(
    `tapegrad: ${name}() was called with numbers only, outside compile(): tapegrad's math functions record ` +
      "operations on variables and only work inside the function given to compile(). " +
      `For plain numbers use ${instead}`,
  );
}

export function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  return typeof x === "object" ? `an object (${Object.prototype.toString.call(x)})` : `${typeof x} ${String(x)}`;
}
