// Dense float64 matrix multiply, C = (accumulate ? C : 0) + op(A)·op(B), for array-valued nodes.
//
// Scheme (Goto/BLIS): for each NC-wide column block of C and KC-deep slice of K, op(B) is packed
// into NR-wide panels; for each MC-tall row block, op(A) is packed into MR-tall panels; then an
// MR×NR micro-kernel keeps its tile of C in f64x2 registers while it walks the slice. Packing
// makes both operands' inner loops unit-stride whatever the transposes and strides, and pads the
// edges with zeros so the micro-kernel always runs full tiles.
//
// Summation order: every output is summed in k = 0, 1, …, K−1, one product at a time, starting
// from C (accumulate) or from 0:  c = ((c + a₀b₀) + a₁b₁) + …  (the product rounded, then the sum;
// no fused multiply-add). Between KC slices the partial sum goes to C and comes back unchanged.
// So a plain JS loop `c += A[i][k] * B[k][j]` over k in order gives the same bits.
//
// Scratch: the packed panels live in static memory below __heap_base (so the TypeScript heap,
// which starts at heapBase(), never overlaps them); zero-filled, so they cost no bytes in the
// binary. One module instance runs one gemm at a time, so one scratch area is enough.

const MR = 4; // rows of the micro-tile
const NR = 4; // columns of the micro-tile: two f64x2 per row, 8 accumulators in all
const KC = 256; // depth of a slice: an A panel (MR×KC) and a B panel (KC×NR) take 8 KiB each, in L1
const MC = 128; // rows per packed A block: 256 KiB, in L2
const NC = 512; // columns per packed B block: 1 MiB

const PACK_A: usize = memory.data(MC * KC * 8, 64);
const PACK_B: usize = memory.data(KC * NC * 8, 64);
const TILE: usize = memory.data(MR * NR * 8, 16); // an edge tile of C, padded to MR×NR

/** C[M×N] = (accumulate ? C : 0) + op(A)·op(B), row-major float64, pointers are byte addresses.
 *  op(A) is M×K: A (M×K, row stride lda) or, with transA, the transpose of A (K×M, row stride lda).
 *  op(B) is K×N: B (K×N, row stride ldb) or, with transB, the transpose of B (N×K, row stride ldb).
 *  C has row stride ldc. Strides count elements. C must not overlap A or B. */
export function gemm(
  M: i32, N: i32, K: i32, A: usize, lda: i32, transA: bool, B: usize, ldb: i32, transB: bool,
  C: usize, ldc: i32, accumulate: bool,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate) zeroMatrix(M, N, C, ldc);
    return;
  }
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      packB(kc, nc, B, ldb, transB, pc, jc);
      const load = accumulate || pc > 0; // later slices add to the partial sums in C
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(mc, kc, A, lda, transA, ic, pc);
        macroKernel(mc, nc, kc, C + ((<usize>ic * ldc + jc) << 3), ldc, load);
      }
    }
  }
}

function zeroMatrix(M: i32, N: i32, C: usize, ldc: i32): void {
  for (let i = 0; i < M; i++) memory.fill(C + ((<usize>i * ldc) << 3), 0, <usize>N << 3);
}

/** op(A)[ic…ic+mc, pc…pc+kc] into MR-row panels, each laid out k-major: panel[k·MR + r]. */
function packA(mc: i32, kc: i32, A: usize, lda: i32, transA: bool, ic: i32, pc: i32): void {
  let dst = PACK_A;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const i0 = ic + ir;
    if (transA) {
      // A is K×M: the MR values for one k are adjacent.
      let src = A + ((<usize>pc * lda + i0) << 3);
      const step = <usize>lda << 3;
      if (rows == MR) {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += step;
          dst += MR << 3;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let r = 0; r < MR; r++) store<f64>(dst + (r << 3), r < rows ? load<f64>(src + (r << 3)) : 0);
          src += step;
          dst += MR << 3;
        }
      }
    } else {
      // A is M×K: gather one k from each of MR rows.
      const src = A + ((<usize>i0 * lda + pc) << 3);
      const row = <usize>lda << 3;
      for (let k = 0; k < kc; k++) {
        const s = src + (<usize>k << 3);
        for (let r = 0; r < MR; r++) store<f64>(dst + (r << 3), r < rows ? load<f64>(s + <usize>r * row) : 0);
        dst += MR << 3;
      }
    }
  }
}

/** op(B)[pc…pc+kc, jc…jc+nc] into NR-column panels, each laid out k-major: panel[k·NR + c]. */
function packB(kc: i32, nc: i32, B: usize, ldb: i32, transB: bool, pc: i32, jc: i32): void {
  let dst = PACK_B;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const j0 = jc + jr;
    if (!transB) {
      // B is K×N: the NR values for one k are adjacent.
      let src = B + ((<usize>pc * ldb + j0) << 3);
      const step = <usize>ldb << 3;
      if (cols == NR) {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += step;
          dst += NR << 3;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let c = 0; c < NR; c++) store<f64>(dst + (c << 3), c < cols ? load<f64>(src + (c << 3)) : 0);
          src += step;
          dst += NR << 3;
        }
      }
    } else {
      // B is N×K: gather one k from each of NR rows.
      const src = B + ((<usize>j0 * ldb + pc) << 3);
      const row = <usize>ldb << 3;
      for (let k = 0; k < kc; k++) {
        const s = src + (<usize>k << 3);
        for (let c = 0; c < NR; c++) store<f64>(dst + (c << 3), c < cols ? load<f64>(s + <usize>c * row) : 0);
        dst += NR << 3;
      }
    }
  }
}

/** C[mc×nc] (+)= packed A block · packed B block; edge tiles go through TILE. */
function macroKernel(mc: i32, nc: i32, kc: i32, C: usize, ldc: i32, load: bool): void {
  const rowBytes = <usize>ldc << 3;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const pb = PACK_B + ((<usize>jr * kc) << 3);
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = min(MR, mc - ir);
      const pa = PACK_A + ((<usize>ir * kc) << 3);
      const c = C + <usize>ir * rowBytes + (<usize>jr << 3);
      if (rows == MR && cols == NR) {
        microKernel(kc, pa, pb, c, rowBytes, load);
      } else {
        copyTile(rows, cols, c, rowBytes, TILE, NR << 3, load);
        microKernel(kc, pa, pb, TILE, NR << 3, true);
        copyTile(rows, cols, TILE, NR << 3, c, rowBytes, true);
      }
    }
  }
}

/** The rows×cols corner of a tile from src to dst, or zeros when !copy. */
function copyTile(rows: i32, cols: i32, src: usize, srcRow: usize, dst: usize, dstRow: usize, copy: bool): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f64>(dst + <usize>r * dstRow + (<usize>c << 3), copy ? load<f64>(src + <usize>r * srcRow + (<usize>c << 3)) : 0);
    }
  }
}

/** One MR×NR tile of C (row stride rowBytes) (+)= A panel · B panel over kc steps of k. */
// @ts-ignore: decorator
@inline
function microKernel(kc: i32, a: usize, b: usize, c: usize, rowBytes: usize, load: bool): void {
  const c1 = c + rowBytes;
  const c2 = c1 + rowBytes;
  const c3 = c2 + rowBytes;
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  if (load) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c1); c11 = v128.load(c1, 16);
    c20 = v128.load(c2); c21 = v128.load(c2, 16);
    c30 = v128.load(c3); c31 = v128.load(c3, 16);
  }
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load64_splat(a);
    c00 = f64x2.add(c00, f64x2.mul(x, b0)); c01 = f64x2.add(c01, f64x2.mul(x, b1));
    x = v128.load64_splat(a, 8);
    c10 = f64x2.add(c10, f64x2.mul(x, b0)); c11 = f64x2.add(c11, f64x2.mul(x, b1));
    x = v128.load64_splat(a, 16);
    c20 = f64x2.add(c20, f64x2.mul(x, b0)); c21 = f64x2.add(c21, f64x2.mul(x, b1));
    x = v128.load64_splat(a, 24);
    c30 = f64x2.add(c30, f64x2.mul(x, b0)); c31 = f64x2.add(c31, f64x2.mul(x, b1));
    a += MR << 3;
    b += NR << 3;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c1, c10); v128.store(c1, c11, 16);
  v128.store(c2, c20); v128.store(c2, c21, 16);
  v128.store(c3, c30); v128.store(c3, c31, 16);
}
