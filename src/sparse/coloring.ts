/**
 * Graph coloring of sparsity patterns, so that one seeded sweep per color recovers many entries.
 *
 * - columnColoring: a partition of the columns in which no two columns of one color have a
 *   nonzero in the same row (distance-2 coloring of the bipartite row/column graph). Forward
 *   mode seeds each color's columns together; every entry is read directly.
 * - rowColoring: the same on the rows (reverse mode).
 * - starColoring: for a symmetric pattern, a proper coloring of its adjacency graph (i ~ j when
 *   H_ij is structural, i ≠ j) in which every path on four vertices uses at least three colors.
 *   Then for every nonzero H_ij, j is the only column of its color in row i, or i the only one of
 *   its color in row j — so every entry is read directly from the compressed Hessian (Gebremedhin,
 *   Manne & Pothen, "What color is your Jacobian?", SIAM Review 2005). An arrowhead needs 2
 *   colors where a distance-2 coloring needs n.
 *
 * All three are greedy (smallest color allowed) in largest-first order: the vertex with most
 * neighbors first, ties by index, so results are deterministic. Rows or columns with no nonzero
 * get color −1 and are never seeded.
 */
import type { SparsityPattern } from "./pattern.js";

/** A coloring: color[i] ∈ [0, count) for each column (or row), −1 for an empty one. */
export interface Coloring {
  color: Int32Array;
  /** Number of colors used: the number of seeded directions. */
  count: number;
}

/** The transposed pattern (columns become rows), columns ascending in each row. */
export function transpose(P: SparsityPattern): SparsityPattern {
  const { rows, cols, rowPtr, colIdx, nnz } = P;
  const ptr = new Int32Array(cols + 1);
  for (let e = 0; e < nnz; e++) ptr[colIdx[e]! + 1]++;
  for (let c = 0; c < cols; c++) ptr[c + 1] += ptr[c]!;
  const fill = ptr.slice(0, cols);
  const idx = new Int32Array(nnz);
  for (let r = 0; r < rows; r++) {
    for (let e = rowPtr[r]!; e < rowPtr[r + 1]!; e++) idx[fill[colIdx[e]!]!++] = r;
  }
  return { rows: cols, cols: rows, nnz, rowPtr: ptr, colIdx: idx };
}

/** The indices 0 … count−1 by degree, largest first, ties by index (a numeric sort of keys). */
function largestFirst(degree: Float64Array): Int32Array {
  const count = degree.length;
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) keys[i] = -Math.min(degree[i]!, 2 ** 31) * count + i;
  keys.sort();
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const key = keys[i]!;
    order[i] = ((key % count) + count) % count;
  }
  return order;
}

/**
 * Columns colored so that no two of one color share a row. `T` is the transpose of P when the
 * caller has it (the column view), else it is computed.
 */
export function columnColoring(P: SparsityPattern, T: SparsityPattern = transpose(P)): Coloring {
  const { rowPtr, colIdx } = P;
  const cols = P.cols;
  const degree = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let d = 0;
    for (let e = T.rowPtr[j]!; e < T.rowPtr[j + 1]!; e++) {
      const r = T.colIdx[e]!;
      d += rowPtr[r + 1]! - rowPtr[r]! - 1;
    }
    degree[j] = d;
  }
  const color = new Int32Array(cols).fill(-1);
  const forbidden = new Int32Array(cols + 1).fill(-1);
  // Rows longer than LONG_ROW are not scanned per column (a dense row would cost n² scans): each
  // keeps the set of its columns' colors and the smallest color it does not use yet.
  const used = new Map<number, Set<number>>();
  const minFree = new Int32Array(P.rows);
  const longRows: number[] = [];
  let count = 0;
  for (const j of largestFirst(degree)) {
    const from = T.rowPtr[j]!;
    const to = T.rowPtr[j + 1]!;
    if (from === to) continue; // an empty column: never seeded
    longRows.length = 0;
    let c = 0;
    for (let e = from; e < to; e++) {
      const r = T.colIdx[e]!;
      if (rowPtr[r + 1]! - rowPtr[r]! > LONG_ROW) {
        longRows.push(r);
        if (minFree[r]! > c) c = minFree[r]!; // every color below is taken in row r
        continue;
      }
      for (let q = rowPtr[r]!; q < rowPtr[r + 1]!; q++) {
        const k = color[colIdx[q]!]!;
        if (k >= 0) forbidden[k] = j;
      }
    }
    for (;;) {
      if (forbidden[c] === j) {
        c++;
        continue;
      }
      let free = true;
      for (const r of longRows) if (used.get(r)?.has(c) === true) (free = false);
      if (free) break;
      c++;
    }
    color[j] = c;
    if (c + 1 > count) count = c + 1;
    for (const r of longRows) {
      let set = used.get(r);
      if (set === undefined) used.set(r, (set = new Set()));
      set.add(c);
      while (set.has(minFree[r]!)) minFree[r]++;
    }
  }
  return { color, count };
}

/** Rows longer than this keep their colors in a set instead of being scanned (columnColoring). */
const LONG_ROW = 64;

/** Rows colored so that no two of one color share a column (reverse mode). */
export function rowColoring(P: SparsityPattern, T: SparsityPattern = transpose(P)): Coloring {
  return columnColoring(T, P);
}

/**
 * A star coloring of a symmetric pattern's adjacency graph (the diagonal is ignored). Vertex v
 * may not take the color of: a neighbor w (proper); a vertex x two steps away through w when v
 * already has two neighbors of w's color (a − v − w − x would be 2-colored); or such an x that
 * has a neighbor y ≠ w of w's color (v − w − x − y). Each neighbor list keeps the neighbors that
 * have other neighbors first, so the last test skips a hub's pendant leaves: an arrowhead costs
 * O(n), not O(n²).
 */
export function starColoring(H: SparsityPattern): Coloring {
  const n = H.rows;
  // The adjacency lists without the diagonal, neighbors of degree ≥ 2 first (up to split[v]).
  const ptr = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) {
    let d = 0;
    for (let e = H.rowPtr[v]!; e < H.rowPtr[v + 1]!; e++) if (H.colIdx[e] !== v) d++;
    ptr[v + 1] = ptr[v]! + d;
  }
  const deg = (v: number): number => ptr[v + 1]! - ptr[v]!;
  const adj = new Int32Array(ptr[n]!);
  const split = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    let front = ptr[v]!;
    let back = ptr[v + 1]! - 1;
    for (let e = H.rowPtr[v]!; e < H.rowPtr[v + 1]!; e++) {
      const w = H.colIdx[e]!;
      if (w === v) continue;
      if (deg(w) >= 2) adj[front++] = w;
      else adj[back--] = w;
    }
    split[v] = front;
  }
  const degree = new Float64Array(n);
  for (let v = 0; v < n; v++) degree[v] = deg(v);
  const color = new Int32Array(n).fill(-1);
  const forbidden = new Int32Array(n + 1).fill(-1);
  // How many colored neighbors of v have each color (valid where seen[c] = v).
  const seen = new Int32Array(n + 1).fill(-1);
  const neighbors = new Int32Array(n + 1);
  let count = 0;
  for (const v of largestFirst(degree)) {
    if (deg(v) === 0 && H.rowPtr[v] === H.rowPtr[v + 1]) continue; // no entry in row v (nor in column v)
    const from = ptr[v]!;
    const to = ptr[v + 1]!;
    for (let e = from; e < to; e++) {
      const cw = color[adj[e]!]!;
      if (cw < 0) continue;
      forbidden[cw] = v; // a proper coloring
      if (seen[cw] !== v) (seen[cw] = v), (neighbors[cw] = 0);
      neighbors[cw]++;
    }
    for (let e = from; e < to; e++) {
      const w = adj[e]!;
      const cw = color[w]!;
      if (cw < 0) continue;
      const twice = neighbors[cw]! >= 2;
      // Without `twice` only neighbors x of w with a neighbor other than w can matter.
      const last = twice ? ptr[w + 1]! : split[w]!;
      for (let q = ptr[w]!; q < last; q++) {
        const x = adj[q]!;
        const cx = color[x]!;
        if (x === v || cx < 0 || forbidden[cx] === v) continue;
        if (twice) {
          // a − v − w − x with color(a) = color(w): v must not take x's color.
          forbidden[cx] = v;
          continue;
        }
        // v − w − x − y with color(y) = color(w): v must not take x's color.
        for (let p = ptr[x]!; p < ptr[x + 1]!; p++) {
          const y = adj[p]!;
          if (y !== w && color[y] === cw) {
            forbidden[cx] = v;
            break;
          }
        }
      }
    }
    let c = 0;
    while (forbidden[c] === v) c++;
    color[v] = c;
    if (c + 1 > count) count = c + 1;
  }
  return { color, count };
}

/** Whether no two columns of one color share a row (and every nonempty column is colored). */
export function isColumnColoring(P: SparsityPattern, coloring: Coloring): boolean {
  const owner = new Int32Array(coloring.count).fill(-1);
  for (let r = 0; r < P.rows; r++) {
    for (let e = P.rowPtr[r]!; e < P.rowPtr[r + 1]!; e++) {
      const c = coloring.color[P.colIdx[e]!]!;
      if (c < 0 || c >= coloring.count || owner[c] === r) return false;
      owner[c] = r;
    }
  }
  return true;
}
