/**
 * A plain-JS reference for the array ops of docs/arrays.md, independent of tapegrad: arrays are
 * { data: Float64Array, shape: number[] } (row-major; shape [] a scalar, [n] a vector, [r, c] a
 * matrix), every function returns a new array and throws a plain Error on a shape it does not
 * accept. Written from the document, by the straightforward loops, so that tapegrad's values can
 * be checked against it and its derivatives against central differences of it.
 */

export interface Arr {
  data: Float64Array;
  shape: number[];
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

export function arr(shape: readonly number[], data: ArrayLike<number>): Arr {
  if (data.length !== sizeOf(shape)) throw new Error(`reference: ${data.length} values for shape [${shape.join(", ")}]`);
  return { data: Float64Array.from(data), shape: [...shape] };
}

export const scalar = (x: number): Arr => arr([], [x]);

/** A matrix from an array of rows. */
export const matrix = (rows: readonly (readonly number[])[]): Arr => arr([rows.length, rows[0]!.length], rows.flat());

/** An array as nested JS arrays: a number, an array of numbers, or an array of rows (for constant()). */
export function nested(x: Arr): number | number[] | number[][] {
  if (x.shape.length === 0) return x.data[0]!;
  if (x.shape.length === 1) return Array.from(x.data);
  const [r, c] = x.shape as [number, number];
  return Array.from({ length: r }, (_, i) => Array.from(x.data.subarray(i * c, (i + 1) * c)));
}

// ---------------------------------------------------------------------------------------------
// Broadcasting and elementwise ops

/** NumPy's rule for ranks ≤ 2: aligned at the right, each dimension equal, 1 or missing. */
export function broadcastShape(...shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  if (rank > 2) throw new Error("reference: rank > 2");
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let d = 0; d < s.length; d++) {
      const k = rank - s.length + d;
      const n = s[d]!;
      if (n === 1) continue;
      if (out[k] === 1) out[k] = n;
      else if (out[k] !== n) throw new Error(`reference: shapes ${shapes.map((x) => `[${x.join(", ")}]`).join(" and ")} do not broadcast`);
    }
  }
  return out;
}

/** The flat index into an operand of shape s of the element at (i, j) of a broadcast result of rank 2. */
function sourceIndex(s: readonly number[], i: number, j: number): number {
  if (s.length === 0) return 0;
  if (s.length === 1) return s[0] === 1 ? 0 : j;
  const ii = s[0] === 1 ? 0 : i;
  const jj = s[1] === 1 ? 0 : j;
  return ii * s[1]! + jj;
}

/** f applied elementwise over the broadcast shape of the operands. */
export function elementwise(f: (...xs: number[]) => number, ...args: Arr[]): Arr {
  const shape = broadcastShape(...args.map((a) => a.shape));
  const rows = shape.length === 2 ? shape[0]! : 1;
  const cols = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  const out = new Float64Array(rows * cols);
  const xs = new Array<number>(args.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      for (let k = 0; k < args.length; k++) xs[k] = args[k]!.data[sourceIndex(args[k]!.shape, i, j)]!;
      out[i * cols + j] = f(...xs);
    }
  }
  return { data: out, shape };
}

/** select(c, a, b): a where c > 0, else b (a NaN condition chooses b), broadcast. */
export const select = (c: Arr, a: Arr, b: Arr): Arr => elementwise((x, y, z) => (x! > 0 ? y! : z!), c, a, b);

// ---------------------------------------------------------------------------------------------
// Reductions

/** The 1-D reductions, each over a list of numbers. */
export const REDUCERS = {
  sum: (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0),
  mean: (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length,
  prod: (xs: readonly number[]): number => xs.reduce((s, x) => s * x, 1),
  /** The largest, the first of ties (the value is the same; argmax says which). */
  max: (xs: readonly number[]): number => xs[argmax(xs)]!,
  min: (xs: readonly number[]): number => xs[argmin(xs)]!,
  /** ln Σ eˣ, shifted by the max so it does not overflow; −∞ for all −∞. */
  logsumexp: (xs: readonly number[]): number => {
    const m = Math.max(...xs);
    if (!Number.isFinite(m)) return m;
    return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
  },
  /** √Σx², scaled by the largest magnitude so the squares cannot overflow. */
  norm: (xs: readonly number[]): number => {
    const m = Math.max(...xs.map(Math.abs));
    if (m === 0 || !Number.isFinite(m)) return m;
    return m * Math.sqrt(xs.reduce((s, x) => s + (x / m) ** 2, 0));
  },
} as const;
export type Reduction = keyof typeof REDUCERS;

/** The index of the largest element, the first of ties. */
export function argmax(xs: readonly number[]): number {
  let k = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[k]!) k = i;
  return k;
}
/** The index of the smallest element, the first of ties. */
export function argmin(xs: readonly number[]): number {
  let k = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! < xs[k]!) k = i;
  return k;
}

/** The lists a reduction runs over: all elements, or for a matrix the columns (axis 0) or rows (axis 1), with the result's shape. */
export function lanes(x: Arr, axis?: number): { lists: number[][]; indices: number[][]; shape: number[] } {
  if (axis === undefined) return { lists: [Array.from(x.data)], indices: [Array.from(x.data, (_, i) => i)], shape: [] };
  if (x.shape.length !== 2 || (axis !== 0 && axis !== 1)) throw new Error(`reference: axis ${axis} of shape [${x.shape.join(", ")}]`);
  const [r, c] = x.shape as [number, number];
  const indices =
    axis === 0
      ? Array.from({ length: c }, (_, j) => Array.from({ length: r }, (_, i) => i * c + j))
      : Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => i * c + j));
  return { lists: indices.map((ix) => ix.map((k) => x.data[k]!)), indices, shape: [axis === 0 ? c : r] };
}

/** sum/mean/prod/max/min/logsumexp/norm over all elements (a scalar) or along an axis of a matrix. */
export function reduce(kind: Reduction, x: Arr, axis?: number): Arr {
  const { lists, shape } = lanes(x, axis);
  return arr(shape, lists.map((l) => REDUCERS[kind](l)));
}

// ---------------------------------------------------------------------------------------------
// Products

export function dot(u: Arr, v: Arr): Arr {
  if (u.shape.length !== 1 || v.shape.length !== 1 || u.shape[0] !== v.shape[0]) throw new Error("reference: dot shapes");
  let s = 0;
  for (let i = 0; i < u.data.length; i++) s += u.data[i]! * v.data[i]!;
  return scalar(s);
}

/** [r,k]·[k,c] → [r,c]; [r,k]·[k] → [r]; [k]·[k,c] → [c]. */
export function matmul(a: Arr, b: Arr): Arr {
  const aIsVec = a.shape.length === 1;
  const bIsVec = b.shape.length === 1;
  if (aIsVec && bIsVec) throw new Error("reference: matmul of two vectors");
  const [r, k] = aIsVec ? [1, a.shape[0]!] : (a.shape as [number, number]);
  const [k2, c] = bIsVec ? [b.shape[0]!, 1] : (b.shape as [number, number]);
  if (k !== k2) throw new Error("reference: matmul inner dimensions");
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += a.data[i * k + l]! * b.data[l * c + j]!;
      out[i * c + j] = s;
    }
  }
  const shape = aIsVec ? [c] : bIsVec ? [r] : [r, c];
  return { data: out, shape };
}

export function transpose(a: Arr): Arr {
  const [r, c] = a.shape as [number, number];
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a.data[i * c + j]!;
  return { data: out, shape: [c, r] };
}

export function outer(u: Arr, v: Arr): Arr {
  const m = u.data.length;
  const n = v.data.length;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = u.data[i]! * v.data[j]!;
  return { data: out, shape: [m, n] };
}

// ---------------------------------------------------------------------------------------------
// softmax

function along(x: Arr, axis: number | undefined, f: (xs: number[]) => number[]): Arr {
  const ax = axis ?? (x.shape.length === 2 ? 1 : undefined);
  const out = new Float64Array(x.data.length);
  if (ax === undefined) {
    out.set(f(Array.from(x.data)));
  } else {
    const { lists, indices } = lanes(x, ax);
    lists.forEach((l, k) => f(l).forEach((y, t) => (out[indices[k]![t]!] = y)));
  }
  return { data: out, shape: [...x.shape] };
}

/** e^xᵢ / Σ e^xⱼ, max-shifted; along the last axis of a matrix by default. */
export const softmax = (x: Arr, axis?: number): Arr =>
  along(x, axis, (xs) => {
    const m = Math.max(...xs);
    const e = xs.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });

/** xᵢ − logsumexp(x); along the last axis of a matrix by default. */
export const logSoftmax = (x: Arr, axis?: number): Arr =>
  along(x, axis, (xs) => {
    const l = REDUCERS.logsumexp(xs);
    return xs.map((v) => v - l);
  });

// ---------------------------------------------------------------------------------------------
// Indexing and assembling

/** Array.prototype.slice's index rule: negative counts from the end, then clamped to [0, n]. */
export function sliceBounds(n: number, start: number, end?: number): [number, number] {
  const norm = (i: number): number => (i < 0 ? Math.max(0, n + i) : Math.min(i, n));
  return [norm(start), end === undefined ? n : norm(end)];
}

/** Elements of a vector, rows of a matrix; an empty result is an error. */
export function slice(x: Arr, start: number, end?: number): Arr {
  const n = x.shape[0]!;
  const [s, e] = sliceBounds(n, start, end);
  if (e <= s) throw new Error("reference: empty slice");
  if (x.shape.length === 1) return arr([e - s], x.data.subarray(s, e));
  const c = x.shape[1]!;
  return arr([e - s, c], x.data.subarray(s * c, e * c));
}

/** Array.prototype.at's index rule, with out of range an error. */
export function index(n: number, i: number): number {
  const k = i < 0 ? n + i : i;
  if (!Number.isInteger(k) || k < 0 || k >= n) throw new Error("reference: index out of range");
  return k;
}

export function row(a: Arr, i: number): Arr {
  const c = a.shape[1]!;
  const k = index(a.shape[0]!, i);
  return arr([c], a.data.subarray(k * c, (k + 1) * c));
}

/** x.at(i) of a vector, A.at(i, j) of a matrix. */
export function at(x: Arr, i: number, j?: number): Arr {
  if (j === undefined) return scalar(x.data[index(x.shape[0]!, i)]!);
  const [r, c] = x.shape as [number, number];
  return scalar(x.data[index(r, i) * c + index(c, j)]!);
}

/** Scalars → a vector; vectors of one length → a matrix, as rows. */
export function stack(xs: readonly Arr[]): Arr {
  const s0 = xs[0]!.shape;
  for (const x of xs) if (x.shape.join() !== s0.join()) throw new Error("reference: stack shapes");
  if (s0.length > 1) throw new Error("reference: stack of matrices");
  const data = Float64Array.from(xs.flatMap((x) => Array.from(x.data)));
  return { data, shape: s0.length === 0 ? [xs.length] : [xs.length, s0[0]!] };
}

/** Vectors (and scalars, as length 1) → a vector; matrices of one width → their rows. */
export function concat(xs: readonly Arr[]): Arr {
  const data = Float64Array.from(xs.flatMap((x) => Array.from(x.data)));
  if (xs.every((x) => x.shape.length <= 1)) return { data, shape: [data.length] };
  if (!xs.every((x) => x.shape.length === 2 && x.shape[1] === xs[0]!.shape[1])) throw new Error("reference: concat shapes");
  return { data, shape: [data.length / xs[0]!.shape[1]!, xs[0]!.shape[1]!] };
}

/** The same elements in another shape; one dimension may be −1. */
export function reshape(x: Arr, shape: readonly number[]): Arr {
  const known = shape.filter((d) => d !== -1).reduce((n, d) => n * d, 1);
  const full = shape.map((d) => (d === -1 ? x.data.length / known : d));
  if (sizeOf(full) !== x.data.length || !full.every((d) => Number.isInteger(d) && d > 0)) throw new Error("reference: reshape size");
  return arr(full, x.data);
}
