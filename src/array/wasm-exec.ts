/**
 * The WebAssembly engine's executor of array programs: values and adjoints in one block of the
 * module's linear memory, matrix products by the blocked SIMD kernel (assembly/gemm.ts), and the
 * other kinds by the same sweeps as the reference (js-exec.ts) over views of that memory.
 *
 * Why the elementwise and fold sweeps are not (yet) kernels: V8 compiles those loops to tight
 * machine code already, and on the models that matter (MLPs) the products are > 90 % of the time.
 * The views are taken from the heap at each use, never kept: any allocation may grow memory.
 */
import { wasmRuntime } from "../wasm/shared.js";
import type { Heap } from "../wasm/heap.js";
import type { Kernels } from "../wasm/module.js";
import { ArrayExecutor } from "./js-exec.js";
import { matmulForward, matmulReverse, stridedForward, stridedReverse, type Gemm, type MatmulOperands } from "./matmul.js";
import type { Program } from "./program.js";
import type { Storage } from "./storage.js";

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

  constructor(program: Program, storage: Storage) {
    super(program, storage);
    const { kernels, heap } = wasmRuntime();
    this.k = kernels;
    this.heap = heap;
    const regionBytes = storage.length * 8;
    this.bytes = 2 * regionBytes;
    this.block = heap.alloc(this.bytes);
    this.valPtr = this.block;
    this.adjPtr = this.block + regionBytes;
    const k = kernels;
    this.gemm = (M, N, K, A, a, lda, tA, B, b, ldb, tB, C, c, ldc, acc) =>
      k.gemm(M, N, K, A + a * 8, lda, tA, B + b * 8, ldb, tB, C + c * 8, ldc, acc);
    this.fillConstants();
  }

  get val(): Float64Array {
    this.live();
    return this.heap.f64.subarray(this.valPtr / 8, this.valPtr / 8 + this.storage.length);
  }

  get adj(): Float64Array {
    this.live();
    return this.heap.f64.subarray(this.adjPtr / 8, this.adjPtr / 8 + this.storage.length);
  }

  private live(): void {
    if (this.block < 0) throw new Error("tapegrad: internal error: array executor used after dispose");
  }

  dispose(): void {
    if (this.block < 0) return;
    this.heap.release(this.block);
    this.block = -1;
  }

  protected matmul(i: number, reverse: boolean, needA: boolean, needB: boolean): void {
    const o = this.matmulOperands(i, this.valPtr, this.adjPtr);
    // Two batched operands: one small product per point, on views (strided.ts's loops).
    const views = (p: MatmulOperands<number>): MatmulOperands<Float64Array> => ({ ...p, val: this.val, adj: this.adj });
    if (reverse) matmulReverse(o, needA, needB, this.gemm, (p, a, b) => stridedReverse(views(p), a, b));
    else matmulForward(o, this.gemm, (p) => stridedForward(views(p)));
  }
}
