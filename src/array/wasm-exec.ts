/**
 * The WebAssembly engine's executor of array programs: values and adjoints in one block of the
 * module's linear memory, matrix products by the blocked SIMD kernel (assembly/gemm.ts), and the
 * other kinds by the same sweeps as the reference (js-exec.ts) over views of that memory.
 *
 * Runs of elementwise values whose elements line up are fused (fusion.ts) and replayed by the
 * batch kernels in blocks of lanes; the rest (broadcasts across rows, folds, concat, transpose)
 * runs the reference's loops over views of this memory. Every block is allocated in the
 * constructor, so the views, re-derived at each use, stay valid through a sweep.
 */
import { wasmRuntime } from "../wasm/shared.js";
import type { Heap } from "../wasm/heap.js";
import type { Kernels } from "../wasm/module.js";
import { ArrayExecutor } from "./js-exec.js";
import { matmulForward, matmulReverse, stridedForward, stridedReverse, type Gemm, type MatmulOperands } from "./matmul.js";
import type { Program } from "./program.js";
import type { Storage } from "./storage.js";
import { internalValues, planFusion, type FusedRun } from "./fusion.js";
import { layoutStorage } from "./storage.js";
import { OP } from "../ops.js";

/** Most lanes per block of a fused run: its values and adjoints stay within ~256 KiB (L2). */
const MAX_BLOCK_LANES = 1024;

/** A fused run with its tape and block buffers in linear memory (byte addresses). */
interface PlacedRun extends FusedRun {
  readonly block: number;
  readonly opsPtr: number;
  readonly aPtr: number;
  readonly bPtr: number;
  readonly bufVal: number;
  readonly bufAdj: number;
  /** Lanes per block (even). */
  readonly T: number;
}

export function makeWasmExecutor(program: Program, storage: Storage): ArrayExecutor {
  return new WasmArrayExecutor(program, storage);
}

class WasmArrayExecutor extends ArrayExecutor {
  private readonly k: Kernels;
  private readonly heap: Heap;
  private block: number;
  /** Byte addresses of the two regions. */
  private readonly valPtr: number;
  private readonly adjPtr: number;
  readonly bytes: number;
  /** The kernel's product on byte addresses: a buffer is the region's address, offsets are elements. */
  private readonly gemm: Gemm<number>;

  constructor(program: Program, given: Storage) {
    // The fused runs' inner values live in their block buffers only: lay storage out without them.
    const planned = planFusion(program, given);
    const storage = layoutStorage(program, given.points, 1, internalValues(program, planned));
    super(program, storage);
    const { kernels, heap } = wasmRuntime();
    this.k = kernels;
    this.heap = heap;
    const regionBytes = storage.length * 8;
    this.block = heap.alloc(2 * regionBytes);
    this.valPtr = this.block;
    this.adjPtr = this.block + regionBytes;
    const k = kernels;
    this.gemm = (M, N, K, A, a, lda, tA, B, b, ldb, tB, C, c, ldc, acc) =>
      k.gemm(M, N, K, A + a * 8, lda, tA, B + b * 8, ldb, tB, C + c * 8, ldc, acc);
    const runs: PlacedRun[] = [];
    let runBytes = 0;
    for (const run of planned) {
      const n = run.ops.length;
      const T = Math.min(MAX_BLOCK_LANES, Math.max(64, Math.floor(16384 / n)) & ~1, (run.lanes + 1) & ~1);
      const tapeBytes = Math.ceil(n / 16) * 16 + 2 * Math.ceil((4 * n) / 16) * 16;
      const bytes = tapeBytes + 2 * n * T * 8;
      const blockPtr = heap.alloc(bytes);
      const opsPtr = blockPtr;
      const aPtr = opsPtr + Math.ceil(n / 16) * 16;
      const bPtr = aPtr + Math.ceil((4 * n) / 16) * 16;
      const bufVal = blockPtr + tapeBytes;
      runs.push({ ...run, block: blockPtr, opsPtr, aPtr, bPtr, bufVal, bufAdj: bufVal + n * T * 8, T });
      runBytes += bytes;
    }
    // Tapes written once all blocks exist (an alloc may have moved the views).
    for (const r of runs) {
      heap.u8.set(r.ops, r.opsPtr);
      heap.i32.set(r.a, r.aPtr / 4);
      heap.i32.set(r.b, r.bPtr / 4);
    }
    this.runs = runs;
    this.runByFirst = new Int32Array(program.values.length).fill(-1);
    this.runByLast = new Int32Array(program.values.length).fill(-1);
    runs.forEach((r, k) => {
      this.runByFirst[r.first] = k;
      this.runByLast[r.last] = k;
    });
    this.bytes = 2 * regionBytes + runBytes;
    this.fillConstants();
  }

  private readonly runs: PlacedRun[];
  private readonly runByFirst: Int32Array;
  private readonly runByLast: Int32Array;

  protected override runFused(i: number, reverse: boolean): number {
    const k = reverse ? this.runByLast[i]! : this.runByFirst[i]!;
    if (k < 0) return -1;
    const run = this.runs[k]!;
    if (!reverse) this.sweepRun(run, false);
    else if (run.needsAdjoint) this.sweepRun(run, true);
    return reverse ? run.first : run.last;
  }

  /**
   * A fused run block by block: its leaves' lanes copied in, the batched forward sweep, then the
   * exits' values copied out (forward) or their adjoints in, the batched reverse sweep, and the
   * leaves' adjoints added back (reverse; the forward sweep is redone per block, cheaper than
   * keeping every member's values). An odd last block repeats its last lane once, so the kernels
   * run whole f64x2 pairs; the padding lane's adjoint is 0 and contributes exactly 0.
   */
  private sweepRun(run: PlacedRun, reverse: boolean): void {
    const f64 = this.heap.f64;
    const { base } = this.storage;
    const { values } = this.program;
    const n = run.ops.length;
    const { T, leaves, exits, broadcast, start, repeat } = run;
    const vb = this.valPtr / 8;
    const ab = this.adjPtr / 8;
    const bv = run.bufVal / 8;
    const ba = run.bufAdj / 8;
    const heap = this.heap;
    for (let k = 0; k < broadcast; k++) heap.fill(f64[vb + base[leaves[k]!]!]!, bv + k * T, bv + (k + 1) * T);
    if (reverse) heap.fill(0, ba, ba + n * T);
    const { sum } = run;
    let total = -0; // from −0, the sum has the plain left-to-right sum's bits
    const sumAdjoint = reverse && sum !== null ? f64[ab + base[sum.value]!]! : 0;
    for (let t0 = 0; t0 < run.lanes; t0 += T) {
      const len = Math.min(T, run.lanes - t0);
      const even = (len + 1) & ~1;
      for (let k = broadcast; k < start; k++) {
        const dst = bv + k * T;
        const r = repeat[k]!;
        if (r === 1) {
          const src = vb + base[leaves[k]!]! + t0;
          heap.copyWithin(dst, src, src + len);
        } else {
          // Element e of a repeated leaf fills lanes e·r … e·r + r − 1.
          const src = vb + base[leaves[k]!]!;
          for (let t = t0; t < t0 + len;) {
            const e = Math.floor(t / r);
            const end = Math.min((e + 1) * r, t0 + len);
            heap.fill(f64[src + e]!, dst + t - t0, dst + end - t0);
            t = end;
          }
        }
        if (even !== len) f64[dst + len] = f64[dst + len - 1]!;
      }
      this.k.batchForward(n, start, broadcast, run.opsPtr, run.aPtr, run.bPtr, run.bufVal, T, even);
      if (!reverse) {
        for (let e = 0; e < exits.length; e += 2) {
          const from = bv + exits[e]! * T;
          heap.copyWithin(vb + base[exits[e + 1]!]! + t0, from, from + len);
        }
        if (sum !== null) total = this.k.accumulate(total, run.bufVal + sum.node * T * 8, len);
        continue;
      }
      if (sum !== null) heap.fill(sumAdjoint, ba + sum.node * T, ba + sum.node * T + len);
      for (let e = 0; e < exits.length; e += 2) {
        const from = ab + base[exits[e + 1]!]! + t0;
        heap.copyWithin(ba + exits[e]! * T, from, from + len);
      }
      this.k.batchReverse(n, start, broadcast, true, run.opsPtr, run.aPtr, run.bPtr, run.bufVal, run.bufAdj, T, even);
      for (let k = 0; k < start; k++) {
        const x = leaves[k]!;
        const row = ba + k * T;
        if (values[x]!.needsAdjoint) {
          const at = ab + base[x]!;
          if (k < broadcast) {
            let s = 0;
            for (let l = 0; l < even; l++) s += f64[row + l]!;
            f64[at] += s;
          } else if (repeat[k] === 1) {
            this.k.addInto((at + t0) * 8, row * 8, len);
          } else {
            const r = repeat[k]!;
            for (let t = t0; t < t0 + len;) {
              const e = Math.floor(t / r);
              const end = Math.min((e + 1) * r, t0 + len);
              f64[at + e] += this.k.sumStrided((row + t - t0) * 8, end - t, 1);
              t = end;
            }
          }
        }
        heap.fill(0, row, row + even);
      }
    }
    if (!reverse && sum !== null) f64[vb + base[sum.value]!] = total;
  }

  get val(): Float64Array {
    this.live();
    return this.heap.f64.subarray(this.valPtr / 8, this.valPtr / 8 + this.storage.length);
  }

  get adj(): Float64Array {
    this.live();
    return this.heap.f64.subarray(this.adjPtr / 8, this.adjPtr / 8 + this.storage.length);
  }

  /** Through Heap.fill: the view's own fill is 2–7× slower on shared memory. */
  override clearAdjoints(): void {
    this.live();
    this.heap.fill(0, this.adjPtr / 8, this.adjPtr / 8 + this.storage.length);
  }

  private live(): void {
    if (this.block < 0) throw new Error("tapegrad: internal error: array executor used after dispose");
  }

  dispose(): void {
    if (this.block < 0) return;
    for (const r of this.runs) this.heap.release(r.block);
    this.heap.release(this.block);
    this.block = -1;
  }

  /** Sums by the module's loops (same order as the reference); other folds by the reference. */
  protected override fold(i: number, reverse: boolean): void {
    const v = this.program.values[i]!;
    if (v.op !== OP.ADD) {
      super.fold(i, reverse);
      return;
    }
    const [O, M, I0] = v.fold!;
    const { base, copies } = this.storage;
    const I = I0 * copies[v.args[0]!]!;
    const x = this.valPtr + base[v.args[0]!]! * 8;
    const gx = this.adjPtr + base[v.args[0]!]! * 8;
    const out = base[i]!;
    const f64 = this.heap.f64;
    const vo = this.valPtr / 8 + out;
    const ao = this.adjPtr / 8 + out;
    for (let o = 0; o < O; o++) {
      for (let k = 0; k < I; k++) {
        const first = (o * M * I + k) * 8;
        if (!reverse) f64[vo + o * I + k] = this.k.sumStrided(x + first, M, I);
        else {
          const g = f64[ao + o * I + k]!;
          if (g !== 0) this.k.addStrided(gx + first, M, I, g);
        }
      }
    }
  }

  protected matmul(i: number, reverse: boolean, needA: boolean, needB: boolean): void {
    const o = this.matmulOperands(i, this.valPtr, this.adjPtr);
    // Two batched operands: one small product per point, on views (strided.ts's loops).
    const views = (p: MatmulOperands<number>): MatmulOperands<Float64Array> => ({ ...p, val: this.val, adj: this.adj });
    if (reverse) matmulReverse(o, needA, needB, this.gemm, (p, a, b) => stridedReverse(views(p), a, b));
    else matmulForward(o, this.gemm, (p) => stridedForward(views(p)));
  }
}
