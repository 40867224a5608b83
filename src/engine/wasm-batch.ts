/**
 * Batched replay on the wasm engine: working memory for `stride` lanes per node, allocated on the
 * first batch call (single-point users never pay for it) and released with the function.
 *
 *   block:   val f64 × n·stride | adj f64 × n·stride | theta f64 × inputs | gsum f64 × inputs
 *   scratch: rows f64 × count·d | results (values, gradients) — regrown geometrically as needed
 *
 * The kernels (assembly/batch.ts) walk the dataset in blocks of `stride` points; stride is
 * chosen so nodes × stride × 16 B stays near 1 MB (cache-sized), at most 64, always even. A call
 * of fewer points runs at a narrower stride (its count, rounded up to even), so its rows are
 * packed and its fixed cost follows its points; the constants are laid out again when it changes.
 */
import { OP } from "../ops.js";
import type { Tape } from "../tape.js";
import type { Heap } from "../wasm/heap.js";
import type { Kernels } from "../wasm/module.js";
import type { BatchAddresses, BatchSweeps } from "../jit/batch-module.js";

/** Lanes per block for a tape of n nodes: ~1 MB of values and adjoints, even, 2 … 64. */
export function blockLanes(n: number): number {
  return Math.max(2, Math.min(64, Math.floor((1 << 20) / (16 * Math.max(n, 1))) & ~1));
}

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** Pointers into the engine's tape block that the batch kernels read. */
export interface TapePointers {
  readonly op: number;
  readonly a: number;
  readonly b: number;
  readonly outs: number;
}

export class WasmBatch {
  readonly stride: number;
  readonly bytes: number;
  private block: number;
  private readonly val: number;
  private readonly adj: number;
  private readonly theta: number;
  private readonly gsum: number;
  private scratch = -1;
  private scratchBytes = 0;
  private readonly n: number;
  private readonly start: number;
  private readonly inputs: number;
  private readonly d: number;
  private readonly m: number;
  private readonly out0: number;
  private readonly constNodes: Int32Array;
  private readonly constValues: Float64Array;
  /** The stride the constants' lanes are laid out for. */
  private laid = 0;
  /** Compiled sweeps (src/jit/batch-module.ts), used by calls at their stride; null: interpreted. */
  sweeps: BatchSweeps | null = null;

  constructor(private readonly k: Kernels, private readonly heap: Heap, tape: Tape, private readonly ptr: TapePointers) {
    const n = (this.n = tape.op.length);
    this.start = tape.inputs + tape.data;
    this.inputs = tape.inputs;
    this.d = tape.data;
    this.m = tape.outputs.length;
    this.out0 = tape.outputs[0];
    const consts: number[] = [];
    for (let i = 0; i < n; i++) if (tape.op[i] === OP.CONST) consts.push(i);
    this.constNodes = Int32Array.from(consts);
    this.constValues = Float64Array.from(consts, (i) => tape.constants[tape.a[i]]);
    const stride = (this.stride = blockLanes(n));
    const lanesBytes = 8 * n * stride;
    const thetaBytes = align16(8 * tape.inputs);
    this.bytes = 2 * lanesBytes + 2 * thetaBytes;
    this.block = heap.alloc(this.bytes);
    this.val = this.block;
    this.adj = this.val + lanesBytes;
    this.theta = this.adj + lanesBytes;
    this.gsum = this.theta + thetaBytes;
    try {
      this.heap.fill(0, this.val / 8, (this.val + this.bytes) / 8);
      this.layConstants(stride);
    } catch (error) {
      heap.release(this.block); // nothing leaks on a failure
      this.block = -1;
      throw error;
    }
  }

  /** The stride of a call of `count` points: narrower when the points don't fill a block. */
  private strideFor(count: number): number {
    const s = count >= this.stride ? this.stride : Math.max(2, (count + 1) & ~1);
    if (s !== this.laid) this.layConstants(s);
    return s;
  }

  /** Fills lanes [0, s) of each constant node at stride s. Other rows need nothing: the kernels
   *  write every lane they read, and leave adj all zero whatever the stride. */
  private layConstants(s: number): void {
    const heap = this.heap;
    for (let c = 0; c < this.constNodes.length; c++) {
      const from = this.val / 8 + this.constNodes[c] * s;
      heap.fill(this.constValues[c], from, from + s);
    }
    this.laid = s;
  }

  /** Where the compiled sweeps read and write: this state's lanes at the full stride. */
  get addresses(): BatchAddresses {
    return { val: this.val, adj: this.adj, stride: this.stride };
  }

  /** The table indices of the compiled forward sweep and forward-and-reverse sweep at stride s, or 0 (interpreted). */
  private forwardAt(s: number): number {
    return this.sweeps !== null && this.sweeps.stride === s ? this.sweeps.forward : 0;
  }
  private reverseAt(s: number): number {
    return this.sweeps !== null && this.sweeps.stride === s ? this.sweeps.reverse : 0;
  }

  /** Sum of scale × output 0 over the points, and the sum of scale × its gradients into grad. */
  sumGrad(theta: ArrayLike<number>, rows: Float64Array, count: number, grad: Float64Array, scale: number): number {
    const rowsPtr = this.stage(theta, rows, 0);
    const stride = this.strideFor(count);
    const total = this.k.batchSumGrad(
      this.n, this.start, this.inputs, this.d, this.ptr.op, this.ptr.a, this.ptr.b, this.val, this.adj,
      stride, this.theta, rowsPtr, count, this.out0, this.gsum, scale, this.reverseAt(stride),
    );
    grad.set(this.heap.f64.subarray(this.gsum / 8, (this.gsum / 8) + this.inputs));
    return total;
  }

  /** Per point: output 0 into values[k], its gradient into grads[k·inputs …]. */
  grad(theta: ArrayLike<number>, rows: Float64Array, count: number, values: Float64Array, grads: Float64Array): void {
    const rowsPtr = this.stage(theta, rows, 8 * count * (1 + this.inputs));
    const valuesPtr = rowsPtr + align16(rows.length * 8);
    const gradsPtr = valuesPtr + align16(8 * count);
    const stride = this.strideFor(count);
    this.k.batchGrad(
      this.n, this.start, this.inputs, this.d, this.ptr.op, this.ptr.a, this.ptr.b, this.val, this.adj,
      stride, this.theta, rowsPtr, count, this.out0, valuesPtr, gradsPtr, this.reverseAt(stride),
    );
    const f64 = this.heap.f64;
    values.set(f64.subarray(valuesPtr / 8, (valuesPtr / 8) + count));
    grads.set(f64.subarray(gradsPtr / 8, (gradsPtr / 8) + count * this.inputs));
  }

  /** Per point: the m outputs into values[k·m …]. */
  eval(theta: ArrayLike<number>, rows: Float64Array, count: number, values: Float64Array): void {
    const rowsPtr = this.stage(theta, rows, 8 * count * this.m);
    const valuesPtr = rowsPtr + align16(rows.length * 8);
    const stride = this.strideFor(count);
    this.k.batchEval(
      this.n, this.start, this.inputs, this.d, this.ptr.op, this.ptr.a, this.ptr.b, this.val,
      stride, this.theta, rowsPtr, count, this.ptr.outs, this.m, valuesPtr, this.forwardAt(stride),
    );
    values.set(this.heap.f64.subarray(valuesPtr / 8, (valuesPtr / 8) + count * this.m));
  }

  dispose(): void {
    this.sweeps?.dispose();
    this.sweeps = null;
    if (this.block < 0) return;
    this.heap.release(this.block);
    if (this.scratch >= 0) this.heap.release(this.scratch);
    this.block = this.scratch = -1;
  }

  /** Copies theta and the rows into memory (scratch grown to fit `extra` result bytes too). */
  private stage(theta: ArrayLike<number>, rows: Float64Array, extra: number): number {
    const needed = align16(rows.length * 8) + align16(extra) + 16;
    if (needed > this.scratchBytes) {
      const size = Math.max(needed, 2 * this.scratchBytes);
      if (this.scratch >= 0) this.heap.release(this.scratch);
      this.scratch = -1;
      this.scratchBytes = 0;
      this.scratch = this.heap.alloc(size);
      this.scratchBytes = size;
    }
    const f64 = this.heap.f64; // current: taken after any alloc
    f64.set(theta, this.theta / 8);
    f64.set(rows, this.scratch / 8);
    return this.scratch;
  }
}
