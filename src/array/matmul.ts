/**
 * matmul's forward and reverse rules as matrix products, for any batching of its operands
 * (storage.ts: a batched [r, k] value is stored as r·k rows of B points). Each executor supplies
 * `gemm` — C (+)= op(A)·op(B) on row-major blocks of its buffers — so the JS reference and the
 * WebAssembly kernel run the same products in the same order. The reverse rule is two products,
 * Ā += Ḡ·Bᵀ and B̄ += Aᵀ·Ḡ; a parameter matrix against a batch gets its adjoint summed over the
 * points by the product itself.
 */

/** C[M×N] = (acc ? C : 0) + op(A)·op(B); A, B, C are (buffer, element offset) with row strides. */
export type Gemm<Buf> = (
  M: number, N: number, K: number,
  A: Buf, a: number, lda: number, transA: boolean,
  B: Buf, b: number, ldb: number, transB: boolean,
  C: Buf, c: number, ldc: number, acc: boolean,
) => void;

export interface MatmulOperands<Buf> {
  /** Dimensions: A [r, k], B [k, c]. */
  r: number; k: number; c: number;
  /** Points of the batch, and which operands are batched (the product is batched if either is). */
  points: number; aBatched: boolean; bBatched: boolean;
  /** Element offsets of A, B, C in the value buffer and of their adjoints in the adjoint buffer. */
  a: number; b: number; out: number;
  val: Buf; adj: Buf;
}

/**
 * The products as plain loops, for any batching (element e of a batched value for point l at
 * base + e·B + l, of an unbatched one at base + e). Used when both operands are batched (rare) and
 * by the reverse rule when the zero rule must be kept (zeroRuleNeeded): a zero adjoint is skipped,
 * so 0·∞ contributes 0 as in the element-by-element version, not NaN.
 */
function loops(o: MatmulOperands<Float64Array>, reverse: boolean, needA: boolean, needB: boolean): void {
  const { r, k, c, points: P, a, b, out, val, adj } = o;
  const pa = o.aBatched ? P : 1, la = o.aBatched ? 1 : 0;
  const pb = o.bBatched ? P : 1, lb = o.bBatched ? 1 : 0;
  const batched = o.aBatched || o.bBatched;
  const po = batched ? P : 1;
  for (let l = 0; l < po; l++) {
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < c; j++) {
        const ci = out + (i * c + j) * po + l;
        if (!reverse) {
          let s = 0;
          for (let m = 0; m < k; m++) s += val[a + (i * k + m) * pa + l * la]! * val[b + (m * c + j) * pb + l * lb]!;
          val[ci] = s;
        } else {
          const g = adj[ci]!;
          if (g === 0) continue;
          for (let m = 0; m < k; m++) {
            const ai = a + (i * k + m) * pa + l * la;
            const bi = b + (m * c + j) * pb + l * lb;
            if (needA) adj[ai] += g * val[bi]!;
            if (needB) adj[bi] += g * val[ai]!;
          }
        }
      }
    }
  }
}

/**
 * Whether the reverse products could make 0·∞ = NaN where the zero rule gives 0: the adjoint Ḡ
 * has a zero and the other factor of a needed product is not finite. Scans cheap beside the
 * products (O(r·c + k·c) against O(r·k·c)); Ḡ first, as it is usually the smaller and rarely has
 * an exact zero, so the operands are seldom scanned at all.
 */
export function zeroRuleNeeded(o: MatmulOperands<Float64Array>, needA: boolean, needB: boolean): boolean {
  const { r, k, c, points: P, a, b, out, val, adj } = o;
  const n = r * c * (o.aBatched || o.bBatched ? P : 1);
  let zero = false;
  for (let e = out; e < out + n && !zero; e++) zero = adj[e] === 0;
  if (!zero) return false;
  const nonFinite = (at: number, count: number): boolean => {
    for (let e = at; e < at + count; e++) if (!Number.isFinite(val[e]!)) return true;
    return false;
  };
  return (needA && nonFinite(b, k * c * (o.bBatched ? P : 1))) || (needB && nonFinite(a, r * k * (o.aBatched ? P : 1)));
}

/** The reverse rule by loops with the zero rule (see zeroRuleNeeded). */
export const zeroRuleReverse = (o: MatmulOperands<Float64Array>, needA: boolean, needB: boolean): void => loops(o, true, needA, needB);

/** The forward products: C = A·B. `strided` gets the case of two batched operands (Float64Array buffers). */
export function matmulForward<Buf>(o: MatmulOperands<Buf>, gemm: Gemm<Buf>, strided: (o: MatmulOperands<Buf>) => void): void {
  const { r, k, c, points: P, a, b, out, val } = o;
  const aB = o.aBatched && P > 1;
  const bB = o.bBatched && P > 1;
  if (!aB && !bB) gemm(r, c, k, val, a, k, false, val, b, c, false, val, out, c, false);
  else if (!aB) gemm(r, c * P, k, val, a, k, false, val, b, c * P, false, val, out, c * P, false);
  else if (!bB) {
    // Row i of the product for every point: C[i] (c × P) = Bᵀ · A[i] (k × P).
    for (let i = 0; i < r; i++) gemm(c, P, k, val, b, c, true, val, a + i * k * P, P, false, val, out + i * c * P, P, false);
  } else strided(o);
}

/** The reverse products: Ā += Ḡ·Bᵀ (when needA), B̄ += Aᵀ·Ḡ (when needB). */
export function matmulReverse<Buf>(
  o: MatmulOperands<Buf>, needA: boolean, needB: boolean, gemm: Gemm<Buf>, strided: (o: MatmulOperands<Buf>, needA: boolean, needB: boolean) => void,
): void {
  const { r, k, c, points: P, a, b, out, val, adj } = o;
  const aB = o.aBatched && P > 1;
  const bB = o.bBatched && P > 1;
  if (!aB && !bB) {
    if (needA) gemm(r, k, c, adj, out, c, false, val, b, c, true, adj, a, k, true);
    if (needB) gemm(k, c, r, val, a, k, true, adj, out, c, false, adj, b, c, true);
  } else if (!aB) {
    const w = c * P;
    if (needA) gemm(r, k, w, adj, out, w, false, val, b, w, true, adj, a, k, true);
    if (needB) gemm(k, w, r, val, a, k, true, adj, out, w, false, adj, b, w, true);
  } else if (!bB) {
    for (let i = 0; i < r; i++) {
      const ai = a + i * k * P;
      const gi = out + i * c * P;
      if (needA) gemm(k, P, c, val, b, c, false, adj, gi, P, false, adj, ai, P, true);
      if (needB) gemm(k, c, P, val, ai, P, false, adj, gi, P, true, adj, b, c, true);
    }
  } else strided(o, needA, needB);
}

/** The strided case on Float64Array buffers (both engines: the wasm engine passes views of its memory). */
export const stridedForward = (o: MatmulOperands<Float64Array>): void => loops(o, false, false, false);
export const stridedReverse = (o: MatmulOperands<Float64Array>, needA: boolean, needB: boolean): void => loops(o, true, needA, needB);

/**
 * The reference product, summing k = 0 … K−1 for each output starting from C (acc) or +0: the
 * order the WebAssembly kernel keeps (assembly/gemm.ts), so both engines give the same bits.
 */
export function gemmJs(
  M: number, N: number, K: number,
  A: Float64Array, a: number, lda: number, transA: boolean,
  B: Float64Array, b: number, ldb: number, transB: boolean,
  C: Float64Array, c: number, ldc: number, acc: boolean,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const at = c + i * ldc + j;
      let s = acc ? C[at]! : 0;
      for (let m = 0; m < K; m++) {
        const x = transA ? A[a + m * lda + i]! : A[a + i * lda + m]!;
        const y = transB ? B[b + j * ldb + m]! : B[b + m * ldb + j]!;
        s += x * y;
      }
      C[at] = s;
    }
  }
}
