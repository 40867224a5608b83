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
 * 25 bytes per node (9 of tape, 16 of working values) plus 12 per output. Views of memory are
 * taken from the heap at each call, never kept: any allocation may grow memory and detach them.
 */
import { OP } from "../ops.js";
import type { Tape } from "../tape.js";
import { wasmRuntime } from "../wasm/shared.js";
import type { Heap } from "../wasm/heap.js";
import type { Kernels } from "../wasm/module.js";
import type { Engine } from "./engine.js";

const align8 = (bytes: number): number => Math.ceil(bytes / 8) * 8;

export class WasmEngine implements Engine {
  private readonly k: Kernels;
  private readonly heap: Heap;
  private readonly n: number;
  private readonly start: number;
  private readonly inputs: number;
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

  constructor(tape: Tape) {
    const { kernels, heap } = wasmRuntime();
    this.k = kernels;
    this.heap = heap;
    const n = (this.n = tape.op.length);
    const m = (this.m = tape.outputs.length);
    this.inputs = tape.inputs;
    this.start = tape.inputs + tape.data;
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

    // The heap's views are current right after alloc.
    const { f64, i32, u8 } = heap;
    u8.set(tape.op, this.op);
    i32.set(tape.a, this.a >> 2);
    i32.set(tape.b, this.b >> 2);
    i32.set(tape.outputs, this.outs >> 2);
    const val = this.val >> 3;
    f64.fill(0, val, (this.der >> 3) + n);
    // Locals, not property loads: this loop runs once per node of every compiled tape.
    const { op, a, constants } = tape;
    for (let i = 0; i < n; i++) {
      if (op[i] === OP.CONST) f64[val + i] = constants[a[i]];
    }
  }

  private load(x: ArrayLike<number>, data: ArrayLike<number>): Float64Array {
    const f64 = this.heap.f64;
    f64.set(x, this.val >> 3);
    if (data.length > 0) f64.set(data, (this.val >> 3) + this.inputs);
    return f64;
  }

  private gatherValues(f64: Float64Array, values: Float64Array): void {
    const i32 = this.heap.i32;
    const outs = this.outs >> 2;
    const val = this.val >> 3;
    for (let j = 0; j < this.m; j++) values[j] = f64[val + i32[outs + j]];
  }

  eval(x: ArrayLike<number>, data: ArrayLike<number>, values: Float64Array): void {
    const f64 = this.load(x, data);
    this.k.forward(this.n, this.start, this.op, this.a, this.b, this.val);
    this.gatherValues(f64, values);
  }

  grad(x: ArrayLike<number>, data: ArrayLike<number>, grad: Float64Array): number {
    const f64 = this.load(x, data);
    const value = this.k.gradient(this.n, this.start, this.op, this.a, this.b, this.val, this.der, this.out0);
    copyOut(f64, this.der >> 3, grad);
    return value;
  }

  vjp(x: ArrayLike<number>, data: ArrayLike<number>, u: ArrayLike<number>, values: Float64Array, grad: Float64Array): void {
    const f64 = this.load(x, data);
    f64.set(u, this.u >> 3);
    this.k.vjp(this.n, this.start, this.op, this.a, this.b, this.val, this.der, this.outs, this.u, this.m);
    this.gatherValues(f64, values);
    copyOut(f64, this.der >> 3, grad);
  }

  jvp(x: ArrayLike<number>, data: ArrayLike<number>, v: ArrayLike<number>, values: Float64Array, tangents: Float64Array): void {
    const f64 = this.load(x, data);
    f64.set(v, this.der >> 3);
    this.k.jvp(this.n, this.start, this.inputs, this.op, this.a, this.b, this.val, this.der);
    this.gatherValues(f64, values);
    const i32 = this.heap.i32;
    const outs = this.outs >> 2;
    const der = this.der >> 3;
    for (let j = 0; j < this.m; j++) tangents[j] = f64[der + i32[outs + j]];
  }

  dispose(): void {
    if (this.block < 0) return;
    this.heap.release(this.block);
    this.block = -1;
  }
}

/** Copies target.length values starting at f64 index `from` into target. */
function copyOut(f64: Float64Array, from: number, target: Float64Array): void {
  const count = target.length;
  if (count < 32) {
    for (let i = 0; i < count; i++) target[i] = f64[from + i];
  } else {
    target.set(f64.subarray(from, from + count));
  }
}
