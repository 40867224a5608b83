/**
 * The WebAssembly engine: the tape copied once into linear memory, replayed by the
 * AssemblyScript kernels (assembly/). One block per compiled function, laid out as
 *
 *   val  f64 × n    node values (inputs, data and constants are leaves written from here)
 *   der  f64 × n    adjoints in reverse mode, tangents in forward mode
 *   u    f64 × m    output cotangents for vjp
 *   outs i32 × m    output node indices
 *   a, b i32 × n    operand indices
 *   op   u8  × n    op codes
 *
 * 25 bytes per node (9 of tape, 16 of working values) plus 12 per output. The block sweeps
 * (Jacobians, Hessians) take a second block on first use, released with the first:
 *
 *   tan  f64 × n·k  tangent lanes, or adjoint lanes in reverse mode (lane l of node i at i·k + l)
 *   sadj f64 × n·k  second-order adjoints (Hessian-vector products)
 *   adj  f64 × n    first-order adjoints alongside them
 *
 * Views of memory are
 * taken from the heap at each call, never kept: any allocation may grow memory and detach them.
 * Byte addresses become view indices by division (`ptr / 8`), never by `>> 3`: a signed shift
 * turns every address past 2 GiB negative, and `>>>` wraps the end address 2³² to 0.
 */
import { OP } from "../ops.js";
import type { Tape } from "../tape.js";
import { wasmRuntime } from "../wasm/shared.js";
import type { Heap } from "../wasm/heap.js";
import type { Kernels } from "../wasm/module.js";
import type { Engine } from "./engine.js";
import { gatherInputLanes, gatherOutputLanes, laneCount, seedCotangents, seedTangents } from "./lanes.js";
import { WasmBatch } from "./wasm-batch.js";
import { jitCompile } from "../jit/jit-module.js";
import { BATCH_MAX_NODES, compileBatch } from "../jit/batch-module.js";
import { JitTier } from "../jit/tier.js";
import type { JitOption } from "../jit/option.js";

const align8 = (bytes: number): number => Math.ceil(bytes / 8) * 8;

export class WasmEngine implements Engine {
  private readonly k: Kernels;
  private readonly heap: Heap;
  private readonly n: number;
  private readonly start: number;
  private readonly inputs: number;
  /** For 1–4 inputs (and, for x, no data): the unrolled copies of x in and of the gradient out (see STORE). */
  private readonly storeInputs: Copy | null;
  private readonly fetchGrad: Fetch | null;
  private readonly m: number;
  private readonly out0: number;
  readonly bytes: number;
  private block: number;
  private readonly val: number;
  private readonly der: number;
  private readonly u: number;
  private readonly outs: number;
  private readonly a: number;
  private readonly b: number;
  private readonly op: number;
  /** The same regions as indices into the heap's f64 / i32 views (address / 8, address / 4). */
  private readonly valIx: number;
  private readonly derIx: number;
  private readonly uIx: number;
  private readonly outsIx: number;
  readonly maxLanes: number;
  /** The lane block (-1 until first used) and the k it was sized for. */
  private lanes = -1;
  private laneK = 0;
  private readonly tape: Tape;
  /** Lane buffers for batches, allocated on first use (see wasm-batch.ts). */
  private batchState: WasmBatch | null = null;
  private batchCompileFailed = false;
  /** The compiled tier (src/jit/): eval, grad, vjp and jvp run its code once it exists. */
  private readonly jitTier: JitTier;

  constructor(tape: Tape, jit: JitOption = false) {
    this.tape = tape;
    const { kernels, heap } = wasmRuntime();
    this.k = kernels;
    this.heap = heap;
    const n = (this.n = tape.op.length);
    const m = (this.m = tape.outputs.length);
    this.inputs = tape.inputs;
    this.start = tape.inputs + tape.data;
    this.storeInputs = tape.data === 0 ? (STORE[tape.inputs] ?? null) : null;
    this.fetchGrad = FETCH[tape.inputs] ?? null;
    this.out0 = tape.outputs[0];

    this.bytes = 16 * n + align8(8 * m) + align8(4 * m) + 8 * n + align8(n);
    this.block = heap.alloc(this.bytes);
    this.val = this.block;
    this.der = this.val + 8 * n;
    this.u = this.der + 8 * n;
    this.outs = this.u + align8(8 * m);
    this.a = this.outs + align8(4 * m);
    this.b = this.a + 4 * n;
    this.op = this.b + 4 * n;
    this.valIx = this.val / 8;
    this.derIx = this.der / 8;
    this.uIx = this.u / 8;
    this.outsIx = this.outs / 4;
    this.maxLanes = laneCount(n);
    try {
      this.writeTape(tape);
    } catch (error) {
      heap.release(this.block); // a failed compile leaks nothing
      this.block = -1;
      throw error;
    }
    try {
      this.jitTier = new JitTier(jit, n, () => jitCompile(tape, { val: this.val, der: this.der, u: this.u }, this.k));
    } catch (error) {
      heap.release(this.block);
      this.block = -1;
      throw error;
    }
  }

  /** True when compiled code runs this function's eval, grad, vjp and jvp. */
  get jit(): boolean {
    return this.jitTier.code !== null;
  }

  /** Copies the tape into the block and writes the constants into their value slots. */
  private writeTape(tape: Tape): void {
    const n = this.n;
    // The heap's views are current right after alloc.
    const { f64, i32, u8 } = this.heap;
    u8.set(tape.op, this.op);
    i32.set(tape.a, this.a / 4);
    i32.set(tape.b, this.b / 4);
    i32.set(tape.outputs, this.outsIx);
    const val = this.valIx;
    this.heap.fill(0, val, this.derIx + n);
    // Locals, not property loads: this loop runs once per node of every compiled tape.
    const { op, a, constants } = tape;
    for (let i = 0; i < n; i++) {
      if (op[i] === OP.CONST) f64[val + i] = constants[a[i]];
    }
  }

  private load(x: ArrayLike<number>, data: ArrayLike<number>): Float64Array {
    const f64 = this.heap.f64;
    const base = this.valIx;
    const store = this.storeInputs;
    if (store !== null) {
      store(f64, base, x);
      return f64;
    }
    // TypedArray.set from a plain array is slow for a few elements: measured ~25% of a seed grad.
    if (x.length < 64) for (let i = 0; i < x.length; i++) f64[base + i] = x[i]!;
    else f64.set(x, base);
    if (data.length > 0) f64.set(data, this.valIx + this.inputs);
    return f64;
  }

  private gatherValues(f64: Float64Array, values: Float64Array): void {
    if (this.m === 1) {
      values[0] = f64[this.valIx + this.out0]!; // the output index without the i32 view
      return;
    }
    const i32 = this.heap.i32;
    const outs = this.outsIx;
    const val = this.valIx;
    for (let j = 0; j < this.m; j++) values[j] = f64[val + i32[outs + j]];
  }

  eval(x: ArrayLike<number>, data: ArrayLike<number>, values: Float64Array): void {
    const f64 = this.load(x, data);
    const code = this.jitTier.code ?? this.jitTier.tick();
    if (code !== null) code.eval();
    else this.k.forward(this.n, this.start, this.op, this.a, this.b, this.val);
    this.gatherValues(f64, values);
  }

  grad(x: ArrayLike<number>, data: ArrayLike<number>, grad: Float64Array): number {
    const f64 = this.load(x, data);
    const code = this.jitTier.code ?? this.jitTier.tick();
    // Compiled code flags a call that met a NaN (src/jit/zero-rule.ts): the interpreter does it again.
    if (code === null || code.grad() !== 0) this.k.gradient(this.n, this.start, this.op, this.a, this.b, this.val, this.der, this.out0);
    const value = f64[this.valIx + this.out0]!;
    const fetch = this.fetchGrad;
    if (fetch !== null) fetch(f64, this.derIx, grad);
    else copyOut(f64, this.derIx, grad);
    return value;
  }

  vjp(x: ArrayLike<number>, data: ArrayLike<number>, u: ArrayLike<number>, values: Float64Array, grad: Float64Array): void {
    const f64 = this.load(x, data);
    f64.set(u, this.uIx);
    const code = this.jitTier.code ?? this.jitTier.tick();
    if (code === null || code.vjp() !== 0) this.k.vjp(this.n, this.start, this.op, this.a, this.b, this.val, this.der, this.outs, this.u, this.m);
    this.gatherValues(f64, values);
    copyOut(f64, this.derIx, grad);
  }

  jvp(x: ArrayLike<number>, data: ArrayLike<number>, v: ArrayLike<number>, values: Float64Array, tangents: Float64Array): void {
    const f64 = this.load(x, data);
    f64.set(v, this.derIx);
    const code = this.jitTier.code ?? this.jitTier.tick();
    if (code === null || code.jvp() !== 0) this.k.jvp(this.n, this.start, this.inputs, this.op, this.a, this.b, this.val, this.der);
    this.gatherValues(f64, values);
    const i32 = this.heap.i32;
    const outs = this.outsIx;
    const der = this.derIx;
    for (let j = 0; j < this.m; j++) tangents[j] = f64[der + i32[outs + j]];
  }

  /**
   * The interpreter's forward sweep, always: the block sweeps after it read every node's value
   * from memory, and compiled code stores only the values its own sweeps read (src/jit/plan.ts).
   */
  setPoint(x: ArrayLike<number>, data: ArrayLike<number>, values: Float64Array): void {
    const f64 = this.load(x, data);
    this.k.forward(this.n, this.start, this.op, this.a, this.b, this.val);
    this.gatherValues(f64, values);
  }

  // With k = 1 the lane layout is the single-lane one, so the tuned single-lane kernels serve.

  tangentBlock(V: ArrayLike<number> | null, first: number, k: number, T: Float64Array): void {
    const tan = this.laneBlock(k);
    this.seedTangentLanes(tan, k, V, first);
    if (k === 1) this.k.tangent(this.n, this.start, this.op, this.a, this.b, this.val, tan);
    else this.k.tangentLanes(this.n, this.start, this.op, this.a, this.b, this.val, tan, k);
    gatherOutputLanes(this.heap.f64, tan / 8, k, this.outputs(), T);
  }

  cotangentBlock(U: ArrayLike<number> | null, first: number, k: number, G: Float64Array, offset: number): void {
    const adj = this.laneBlock(k);
    seedCotangents(this.heap.f64, adj / 8, k, this.n, this.outputs(), U, first, this.heap);
    if (k === 1) this.k.reverse(this.n, this.start, this.op, this.a, this.b, this.val, adj);
    else this.k.reverseLanes(this.n, this.start, this.op, this.a, this.b, this.val, adj, k);
    gatherInputLanes(this.heap.f64, adj / 8, k, this.inputs, G, offset);
  }

  hvp(x: ArrayLike<number>, data: ArrayLike<number>, v: ArrayLike<number>, hv: Float64Array): number {
    this.load(x, data);
    // With k = 1 the tangent kernel computes values and tangents in one sweep: no setPoint needed.
    this.hvpBlock(v, 0, 1, hv, 0);
    return this.heap.f64[this.valIx + this.out0]!;
  }

  hvpBlock(V: ArrayLike<number> | null, first: number, k: number, H: Float64Array, offset: number): void {
    const tan = this.laneBlock(k);
    const sadj = tan + 8 * this.n * this.laneK;
    const adj = sadj + 8 * this.n * this.laneK;
    const f64 = this.heap.f64;
    this.seedTangentLanes(tan, k, V, first);
    if (k === 1) this.k.tangent(this.n, this.start, this.op, this.a, this.b, this.val, tan);
    else this.k.tangentLanes(this.n, this.start, this.op, this.a, this.b, this.val, tan, k);
    this.heap.fill(0, sadj / 8, (sadj / 8) + this.n * k);
    this.heap.fill(0, adj / 8, (adj / 8) + this.n);
    f64[(adj / 8) + this.out0] = 1;
    this.k.hvpLanes(this.n, this.start, this.op, this.a, this.b, this.val, tan, adj, sadj, k);
    gatherInputLanes(f64, sadj / 8, k, this.inputs, H, offset);
  }

  /**
   * Seeds the leaves' tangent lanes. The single-lane tangent kernel (used for k = 1) leaves
   * constant nodes' tangents alone, so then every node is zeroed first, as jvp does.
   */
  private seedTangentLanes(tan: number, k: number, V: ArrayLike<number> | null, first: number): void {
    const f64 = this.heap.f64;
    if (k === 1) this.heap.fill(0, tan / 8, (tan / 8) + this.n);
    seedTangents(f64, tan / 8, k, this.inputs, this.start, V, first, this.heap);
  }

  /** The output node indices (a view of memory: use it before any allocation). */
  private outputs(): Int32Array {
    return this.heap.i32.subarray(this.outsIx, this.outsIx + this.m);
  }

  /** The lane block's address, (re)allocated for at least k lanes; views must be re-read after. */
  private laneBlock(k: number): number {
    if (this.laneK < k) {
      if (this.lanes >= 0) this.heap.release(this.lanes);
      this.lanes = -1;
      this.laneK = 0;
      this.lanes = this.heap.alloc(8 * this.n * (2 * k + 1));
      this.laneK = k;
    }
    return this.lanes;
  }

  sumGradBatch(x: ArrayLike<number>, rows: Float64Array, count: number, grad: Float64Array, scale: number): number {
    return this.batch(count).sumGrad(x, rows, count, grad, scale);
  }

  gradBatch(x: ArrayLike<number>, rows: Float64Array, count: number, values: Float64Array, grads: Float64Array): void {
    this.batch(count).grad(x, rows, count, values, grads);
  }

  evalBatch(x: ArrayLike<number>, rows: Float64Array, count: number, values: Float64Array): void {
    this.batch(count).eval(x, rows, count, values);
  }

  /**
   * The batch state; once the tier has compiled the tape, its batch sweeps are compiled too (a
   * second module, at the state's stride, on the first batch call after). A batch call counts its
   * points toward "auto"'s threshold: one call of 1,024 points does the work of 1,024 grads.
   */
  private batch(count: number): WasmBatch {
    if (this.batchState === null) {
      this.batchState = new WasmBatch(this.k, this.heap, this.tape, { op: this.op, a: this.a, b: this.b, outs: this.outs });
    }
    const state = this.batchState;
    const active = (this.jitTier.code ?? this.jitTier.tick(count)) !== null; // every batch call counts
    // Compiled sweeps run at the state's full stride: a call of fewer points runs narrower, on the
    // kernels, so the sweeps are made when a call would use them. One attempt (null: stay interpreted).
    if (active && state.sweeps === null && !this.batchCompileFailed && this.n <= BATCH_MAX_NODES && count >= state.stride) {
      state.sweeps = compileBatch(this.tape, state.addresses, this.k, this.heap);
      if (state.sweeps === null) this.batchCompileFailed = true;
    }
    return state;
  }

  dispose(): void {
    this.jitTier.dispose();
    this.batchState?.dispose();
    this.batchState = null;
    if (this.block < 0) return;
    this.heap.release(this.block);
    this.block = -1;
    if (this.lanes >= 0) this.heap.release(this.lanes);
    this.lanes = -1;
    this.laneK = 0;
  }
}

/** Copies a few values from a caller's array into the heap's f64 view at index `at`. */
type Copy = (f64: Float64Array, at: number, x: ArrayLike<number>) => void;
/** Copies a few values from the heap's f64 view at index `at` into a caller's array. */
type Fetch = (f64: Float64Array, at: number, out: Float64Array) => void;

/**
 * Per arity, unrolled: x into the leaves (STORE[n]) and the gradient out of the adjoints
 * (FETCH[n]), for n = 1–4 — the per-call cost of tiny tapes. Measured with bench/glue.ts: 1–2 ns
 * off a seed grad against the loops (a loop over n read per call gained nothing), and fewer
 * instructions where the process also calls other engines and argument kinds. Chosen once per
 * engine, so each call site sees one function per arity.
 */
const STORE: ReadonlyArray<Copy | undefined> = [
  undefined,
  (f64, at, x) => {
    f64[at] = x[0]!;
  },
  (f64, at, x) => {
    f64[at] = x[0]!;
    f64[at + 1] = x[1]!;
  },
  (f64, at, x) => {
    f64[at] = x[0]!;
    f64[at + 1] = x[1]!;
    f64[at + 2] = x[2]!;
  },
  (f64, at, x) => {
    f64[at] = x[0]!;
    f64[at + 1] = x[1]!;
    f64[at + 2] = x[2]!;
    f64[at + 3] = x[3]!;
  },
];
const FETCH: ReadonlyArray<Fetch | undefined> = [
  undefined,
  (f64, at, out) => {
    out[0] = f64[at]!;
  },
  (f64, at, out) => {
    out[0] = f64[at]!;
    out[1] = f64[at + 1]!;
  },
  (f64, at, out) => {
    out[0] = f64[at]!;
    out[1] = f64[at + 1]!;
    out[2] = f64[at + 2]!;
  },
  (f64, at, out) => {
    out[0] = f64[at]!;
    out[1] = f64[at + 1]!;
    out[2] = f64[at + 2]!;
    out[3] = f64[at + 3]!;
  },
];

/** Copies target.length values starting at f64 index `from` into target. */
function copyOut(f64: Float64Array, from: number, target: Float64Array): void {
  const count = target.length;
  if (count < 32) {
    for (let i = 0; i < count; i++) target[i] = f64[from + i];
  } else {
    target.set(f64.subarray(from, from + count));
  }
}
