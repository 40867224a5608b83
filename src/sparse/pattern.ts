/**
 * Sparsity patterns from the tape: which entries of the Jacobian and of the Hessian can be
 * nonzero, whatever the point. Structural, so a superset of the nonzeros at any one point (a
 * cancellation such as x − x or 0·x still counts), exact where nothing cancels.
 *
 * Jacobian: one forward pass propagating, per node, the set of inputs it depends on (IndexSets).
 * Hessian: a reverse pass first marks the nodes whose adjoint can be nonzero (reachable from an
 * output through partials that are not identically 0); then, in the same forward pass, each such
 * node with a second-order term adds the products of its operands' sets to the pattern:
 * ∂²v/∂a² ≠ 0 adds J(a)×J(a), ∂²v/∂b² ≠ 0 adds J(b)×J(b), ∂²v/∂a∂b ≠ 0 adds J(a)×J(b) and its
 * mirror (Walther's nonlinear interaction domains). That the ∇²f = Σ over nodes v of
 * adjoint(v)·∇²v in terms of the operands' gradients is why this is a superset.
 *
 * The rules, read from the op table so a new op needs nothing here:
 * - an operand counts when its partial is not the table's zero rule: comparisons (lt, …, eq)
 *   depend on nothing; the piecewise-constant ops (sign, floor, ceil, round, trunc) on their
 *   operand — their derivative is 0 but NaN at a NaN operand, which must stay inside the pattern;
 *   `select` depends on both branches and not on its condition;
 * - the piecewise ops relu, abs, min, max depend on every operand (both of min/max), whichever
 *   one they choose at a point, and have no second-order term;
 * - a second-order term counts when its rule is not the table's zero rule.
 */
import { OP, OPS, ZERO_RULE } from "../ops.js";
import type { Tape } from "../tape.js";
import { IndexSets } from "./sets.js";

/**
 * A sparsity pattern in compressed sparse row form (CSR): row r's nonzeros are at columns
 * colIdx[rowPtr[r]] … colIdx[rowPtr[r + 1] − 1], ascending.
 */
export interface SparsityPattern {
  /** Number of rows (outputs for a Jacobian, inputs for a Hessian). */
  rows: number;
  /** Number of columns (inputs). */
  cols: number;
  /** Number of structural nonzeros, rowPtr[rows]. */
  nnz: number;
  /** rows + 1 offsets into colIdx: row r is colIdx[rowPtr[r] … rowPtr[r + 1]). */
  rowPtr: Int32Array;
  /** The column of each nonzero, row after row, ascending within a row. */
  colIdx: Int32Array;
}

/** What one propagation pass measured: for the bench and the tests. */
export interface PatternStats {
  /** Milliseconds of the pass. */
  ms: number;
  /** The most bytes the index sets held at once. */
  peakBytes: number;
}

/** @internal How many propagation passes have run (tests check that patterns are cached). */
export let patternPasses = 0;

const NONE = 0;
const UNARY = 1; // depends on a
const BINARY = 2; // depends on a and/or b (see DEP_A, DEP_B)

/** Per op code: what the node's set is made of, and its second-order terms. */
const KIND = new Uint8Array(256);
const DEP_A = new Uint8Array(256);
const DEP_B = new Uint8Array(256);
const SECOND_AA = new Uint8Array(256);
const SECOND_AB = new Uint8Array(256);
const SECOND_BB = new Uint8Array(256);
for (const rule of OPS) {
  const c = rule.code;
  if (rule.kind === "unary" || rule.kind === "binary") {
    // Not the formula: sign, floor, … have derivative 0 but NaN at a NaN operand (NaN in, NaN out),
    // and a NaN outside the pattern would be added into another entry of a compressed result.
    DEP_A[c] = rule.da !== ZERO_RULE ? 1 : 0;
    DEP_B[c] = rule.kind === "binary" && rule.db !== ZERO_RULE ? 1 : 0;
    KIND[c] = rule.kind === "unary" ? (DEP_A[c] ? UNARY : NONE) : BINARY;
    SECOND_AA[c] = rule.daa !== ZERO_RULE ? 1 : 0;
    SECOND_AB[c] = rule.kind === "binary" && rule.dab !== ZERO_RULE ? 1 : 0;
    SECOND_BB[c] = rule.kind === "binary" && rule.dbb !== ZERO_RULE ? 1 : 0;
  }
}

/** The Jacobian's pattern (outputs × inputs), and the Hessian's (inputs × inputs) when asked. */
export function propagate(tape: Tape, hessian: boolean): { jacobian: SparsityPattern; hessian: SparsityPattern | null; stats: PatternStats } {
  const started = performance.now();
  patternPasses++;
  const { op, a, b, outputs } = tape;
  const N = op.length;
  const n = tape.inputs;

  // Remaining uses of each node's set: its consumers, plus one per output (held to the end).
  const uses = new Int32Array(N);
  for (let v = 0; v < N; v++) {
    const code = op[v]!;
    if (code === OP.SELECT) uses[b[v]!]++;
    else if (code === OP.BRANCHES) (uses[a[v]!]++, uses[b[v]!]++);
    else if (KIND[code] === UNARY) uses[a[v]!]++;
    else if (KIND[code] === BINARY) {
      if (DEP_A[code]) uses[a[v]!]++;
      if (DEP_B[code]) uses[b[v]!]++;
    }
  }
  for (let j = 0; j < outputs.length; j++) uses[outputs[j]!]++;

  // Which nodes' adjoints can be nonzero (for the Hessian).
  let live: Uint8Array | null = null;
  if (hessian) {
    live = new Uint8Array(N);
    for (let j = 0; j < outputs.length; j++) live[outputs[j]!] = 1;
    for (let v = N - 1; v >= 0; v--) {
      if (live[v] === 0) continue;
      const code = op[v]!;
      if (code === OP.SELECT) {
        const br = b[v]!;
        live[a[br]!] = 1;
        live[b[br]!] = 1;
      } else if (KIND[code] !== NONE) {
        if (DEP_A[code]) live[a[v]!] = 1;
        if (DEP_B[code]) live[b[v]!] = 1;
      }
    }
  }

  const sets = new IndexSets(N, n);
  const pairs = hessian ? new PairBuffer(n) : null;
  let bufA: Int32Array = new Int32Array(64);
  let bufB: Int32Array = new Int32Array(64);
  const take = (node: number, buf: Int32Array): Int32Array => {
    const size = sets.size(node);
    return size <= buf.length ? buf : new Int32Array(Math.max(size, 2 * buf.length));
  };
  const done = (node: number): void => {
    if (--uses[node] === 0) sets.release(node);
  };

  for (let v = 0; v < N; v++) {
    const code = op[v]!;
    if (code === OP.INPUT) {
      sets.singleton(v, a[v]!);
      continue;
    }
    if (code === OP.SELECT) {
      sets.share(v, b[v]!);
      done(b[v]!);
      continue;
    }
    if (code === OP.BRANCHES) {
      const x = a[v]!;
      const y = b[v]!;
      sets.union(v, x, y, uses[x] === 1, uses[y] === (x === y ? 2 : 1));
      done(x);
      done(y);
      continue;
    }
    const kind = KIND[code]!;
    if (kind === NONE) {
      sets.empty(v);
      continue;
    }
    const x = a[v]!;
    const y = b[v]!;
    if (pairs !== null && live![v] === 1) {
      // Second-order terms, with the operands' sets before this node may steal them.
      if (SECOND_AA[code] === 1 && sets.size(x) > 0) {
        bufA = take(x, bufA);
        const k = sets.elements(x, bufA);
        pairs.product(bufA, k, bufA, k);
      }
      if (SECOND_BB[code] === 1 && sets.size(y) > 0) {
        bufB = take(y, bufB);
        const k = sets.elements(y, bufB);
        pairs.product(bufB, k, bufB, k);
      }
      if (SECOND_AB[code] === 1 && sets.size(x) > 0 && sets.size(y) > 0) {
        bufA = take(x, bufA);
        bufB = take(y, bufB);
        const ka = sets.elements(x, bufA);
        const kb = sets.elements(y, bufB);
        pairs.product(bufA, ka, bufB, kb);
        pairs.product(bufB, kb, bufA, ka);
      }
    }
    if (kind === UNARY) {
      sets.share(v, x);
      done(x);
      continue;
    }
    const da = DEP_A[code] === 1;
    const db = DEP_B[code] === 1;
    if (da && db) {
      sets.union(v, x, y, uses[x] === 1, uses[y] === (x === y ? 2 : 1));
      done(x);
      done(y);
    } else if (da) {
      sets.share(v, x);
      done(x);
    } else if (db) {
      sets.share(v, y);
      done(y);
    } else sets.empty(v);
  }

  // The Jacobian: output j's set is row j.
  const m = outputs.length;
  const rowPtr = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) rowPtr[j + 1] = rowPtr[j]! + sets.size(outputs[j]!);
  const colIdx = new Int32Array(rowPtr[m]!);
  let buf: Int32Array = new Int32Array(64);
  for (let j = 0; j < m; j++) {
    buf = take(outputs[j]!, buf);
    const k = sets.elements(outputs[j]!, buf);
    colIdx.set(buf.subarray(0, k), rowPtr[j]!);
  }
  const jacobian: SparsityPattern = { rows: m, cols: n, nnz: colIdx.length, rowPtr, colIdx };
  const peakBytes = Math.max(sets.peakBytes, sets.bytes) + (pairs?.bytes ?? 0) + uses.byteLength + (live?.byteLength ?? 0);
  return { jacobian, hessian: pairs?.pattern() ?? null, stats: { ms: performance.now() - started, peakBytes } };
}

/**
 * (row, column) pairs of the Hessian pattern, deduplicated by compaction whenever the buffer has
 * doubled since the last one, so it holds at most about three times the final nonzeros (plus 1M).
 */
class PairBuffer {
  private rows = new Int32Array(1 << 16);
  private cols = new Int32Array(1 << 16);
  private count = 0;
  private compactAt = 1 << 20;
  private readonly n: number;

  constructor(n: number) {
    this.n = n;
  }

  get bytes(): number {
    return this.rows.byteLength * 2;
  }

  /** Adds every (p[s], q[t]). */
  product(p: Int32Array, kp: number, q: Int32Array, kq: number): void {
    for (let s = 0; s < kp; s++) {
      const r = p[s]!;
      if (this.count + kq > this.rows.length) this.room(kq);
      const rows = this.rows;
      const cols = this.cols;
      let c = this.count;
      for (let t = 0; t < kq; t++) {
        rows[c] = r;
        cols[c++] = q[t]!;
      }
      this.count = c;
    }
  }

  /** Makes room for k more pairs: compacts first when the buffer has doubled since the last time. */
  private room(k: number): void {
    if (this.count >= this.compactAt) {
      const P = this.pattern();
      this.count = 0;
      for (let r = 0; r < P.rows; r++) {
        for (let e = P.rowPtr[r]!; e < P.rowPtr[r + 1]!; e++) {
          this.rows[this.count] = r;
          this.cols[this.count++] = P.colIdx[e]!;
        }
      }
      this.compactAt = Math.max(1 << 20, 2 * this.count);
    }
    const need = this.count + k;
    if (need <= this.rows.length) return;
    let size = this.rows.length * 2;
    while (size < need) size *= 2;
    const rows = new Int32Array(size);
    const cols = new Int32Array(size);
    rows.set(this.rows.subarray(0, this.count));
    cols.set(this.cols.subarray(0, this.count));
    this.rows = rows;
    this.cols = cols;
  }

  /** The pairs as a CSR pattern, columns sorted and deduplicated within each row. */
  pattern(): SparsityPattern {
    const n = this.n;
    const count = this.count;
    const ptr = new Int32Array(n + 1);
    for (let p = 0; p < count; p++) ptr[this.rows[p]! + 1]++;
    for (let r = 0; r < n; r++) ptr[r + 1] += ptr[r]!;
    const fill = ptr.slice(0, n);
    const cols = new Int32Array(count);
    for (let p = 0; p < count; p++) cols[fill[this.rows[p]!]!++] = this.cols[p]!;
    // Sort and deduplicate each row in place, compacting as we go.
    const rowPtr = new Int32Array(n + 1);
    let k = 0;
    for (let r = 0; r < n; r++) {
      const from = ptr[r]!;
      const to = ptr[r + 1]!;
      if (to - from > 1) cols.subarray(from, to).sort();
      let last = -1;
      for (let p = from; p < to; p++) {
        const c = cols[p]!;
        if (c !== last) cols[k++] = last = c;
      }
      rowPtr[r + 1] = k;
    }
    return { rows: n, cols: n, nnz: k, rowPtr, colIdx: cols.slice(0, k) };
  }
}
