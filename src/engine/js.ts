/**
 * The TypeScript engine: the same tape, interpreted in plain TypeScript straight from the op
 * table (ops.ts) — the reference the WebAssembly kernels are tested against, a fallback, and the
 * benchmark baseline. add, sub, mul and square, most of any tape, are inlined in the value and
 * adjoint sweeps; every other op calls its rule from the table. Same conventions as assembly/:
 * zero adjoints are skipped in reverse, and every product of a partial and a tangent or adjoint
 * follows the zero rule (ops.ts `zmul`).
 */
import { OP, OPS, zmul } from "../ops.js";
import type { Tape } from "../tape.js";
import type { Engine } from "./engine.js";
import { ARITY, hvpLanes, reverseLanes, tangentLanes, tangentOf, type LaneTape } from "./js-lanes.js";
import { gatherInputLanes, gatherOutputLanes, laneCount, seedCotangents, seedTangents } from "./lanes.js";

const VALUE = OPS.map((r) => r.value);
const DA = OPS.map((r) => r.da);
const DB = OPS.map((r) => r.db);

export class JsEngine implements Engine {
  private readonly op: Uint8Array;
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly n: number;
  /** First non-leaf node: inputs and data occupy [0, start). */
  private readonly start: number;
  private readonly outputs: Int32Array;
  private readonly val: Float64Array;
  /** Adjoints in reverse mode, tangents in forward mode. */
  private readonly der: Float64Array;
  readonly bytes: number;
  readonly maxLanes: number;
  /** Lane buffers for the block sweeps, made on first use and grown to the largest k asked. */
  private lanes: { k: number; tan: Float64Array; adj: Float64Array; sadj: Float64Array } | null = null;

  constructor(private readonly tape: Tape) {
    this.op = tape.op;
    this.a = tape.a;
    this.b = tape.b;
    this.n = tape.op.length;
    this.start = tape.inputs + tape.data;
    this.outputs = tape.outputs;
    this.val = new Float64Array(this.n);
    this.der = new Float64Array(this.n);
    this.bytes = this.n * 16;
    this.maxLanes = laneCount(this.n);
    for (let i = 0; i < this.n; i++) {
      if (this.op[i] === OP.CONST) this.val[i] = tape.constants[this.a[i]];
    }
  }

  private load(x: ArrayLike<number>, data: ArrayLike<number>): void {
    const val = this.val;
    for (let i = 0; i < x.length; i++) val[i] = x[i];
    const offset = this.tape.inputs;
    for (let i = 0; i < data.length; i++) val[offset + i] = data[i];
  }

  private gatherValues(values: Float64Array): void {
    for (let j = 0; j < this.outputs.length; j++) values[j] = this.val[this.outputs[j]];
  }

  eval(x: ArrayLike<number>, data: ArrayLike<number>, values: Float64Array): void {
    this.load(x, data);
    this.forward();
    this.gatherValues(values);
  }

  grad(x: ArrayLike<number>, data: ArrayLike<number>, grad: Float64Array): number {
    this.load(x, data);
    this.forward();
    this.der.fill(0);
    this.der[this.outputs[0]] = 1;
    this.reverse();
    for (let i = 0; i < grad.length; i++) grad[i] = this.der[i];
    return this.val[this.outputs[0]];
  }

  vjp(x: ArrayLike<number>, data: ArrayLike<number>, u: ArrayLike<number>, values: Float64Array, grad: Float64Array): void {
    this.load(x, data);
    this.forward();
    this.der.fill(0);
    for (let j = 0; j < this.outputs.length; j++) this.der[this.outputs[j]] += u[j];
    this.reverse();
    this.gatherValues(values);
    for (let i = 0; i < grad.length; i++) grad[i] = this.der[i];
  }

  jvp(x: ArrayLike<number>, data: ArrayLike<number>, v: ArrayLike<number>, values: Float64Array, tangents: Float64Array): void {
    this.load(x, data);
    const der = this.der;
    der.fill(0);
    for (let i = 0; i < v.length; i++) der[i] = v[i];
    this.tangent();
    this.gatherValues(values);
    for (let j = 0; j < this.outputs.length; j++) tangents[j] = der[this.outputs[j]];
  }

  setPoint(x: ArrayLike<number>, data: ArrayLike<number>, values: Float64Array): void {
    this.eval(x, data, values);
  }

  tangentBlock(V: ArrayLike<number> | null, first: number, k: number, T: Float64Array): void {
    const { tan } = this.laneBuffers(k);
    seedTangents(tan, 0, k, this.tape.inputs, this.start, V, first);
    tangentLanes(this.laneTape(), tan, k);
    gatherOutputLanes(tan, 0, k, this.outputs, T);
  }

  cotangentBlock(U: ArrayLike<number> | null, first: number, k: number, G: Float64Array, offset: number): void {
    const { tan: adj } = this.laneBuffers(k);
    seedCotangents(adj, 0, k, this.n, this.outputs, U, first);
    reverseLanes(this.laneTape(), adj, k);
    gatherInputLanes(adj, 0, k, this.tape.inputs, G, offset);
  }

  hvpBlock(V: ArrayLike<number> | null, first: number, k: number, H: Float64Array, offset: number): void {
    const { tan, adj, sadj } = this.laneBuffers(k);
    seedTangents(tan, 0, k, this.tape.inputs, this.start, V, first);
    const lt = this.laneTape();
    tangentLanes(lt, tan, k);
    adj.fill(0);
    adj[this.outputs[0]!] = 1;
    sadj.fill(0, 0, this.n * k);
    hvpLanes(lt, tan, adj, sadj, k);
    gatherInputLanes(sadj, 0, k, this.tape.inputs, H, offset);
  }

  hvp(x: ArrayLike<number>, data: ArrayLike<number>, v: ArrayLike<number>, hv: Float64Array): number {
    this.load(x, data);
    this.forward();
    this.hvpBlock(v, 0, 1, hv, 0);
    return this.val[this.outputs[0]!]!;
  }

  private laneTape(): LaneTape {
    return { op: this.op, a: this.a, b: this.b, val: this.val, start: this.start };
  }

  private laneBuffers(k: number): { tan: Float64Array; adj: Float64Array; sadj: Float64Array } {
    if (this.lanes === null || this.lanes.k < k) {
      this.lanes = {
        k,
        tan: new Float64Array(this.n * k),
        adj: new Float64Array(this.n),
        sadj: new Float64Array(this.n * k),
      };
    }
    return this.lanes;
  }

  // Batches: plain loops over the points, one single-point sweep each (the reference).
  // sumGradBatch seeds the output's adjoint with `scale` and scales the value, as the wasm kernel
  // does (assembly/batch.ts): the same formula, so the engines agree to rounding.
  sumGradBatch(x: ArrayLike<number>, rows: Float64Array, count: number, grad: Float64Array, scale: number): number {
    const d = this.tape.data;
    const out = this.outputs[0];
    // Summed apart and written to `grad` at the end: grad may be θ itself, or a view into the
    // rows, which every point still reads (the wasm engine copies both into its memory first).
    const sum = new Float64Array(grad.length);
    let total = 0;
    for (let k = 0; k < count; k++) {
      this.load(x, rows.subarray(k * d, (k + 1) * d));
      this.forward();
      this.der.fill(0);
      this.der[out] = scale;
      this.reverse();
      total += this.val[out] * scale;
      for (let i = 0; i < sum.length; i++) sum[i] += this.der[i];
    }
    grad.set(sum);
    return total;
  }

  gradBatch(x: ArrayLike<number>, rows: Float64Array, count: number, values: Float64Array, grads: Float64Array): void {
    const d = this.tape.data;
    const n = this.tape.inputs;
    for (let k = 0; k < count; k++) {
      values[k] = this.grad(x, rows.subarray(k * d, (k + 1) * d), grads.subarray(k * n, (k + 1) * n));
    }
  }

  evalBatch(x: ArrayLike<number>, rows: Float64Array, count: number, values: Float64Array): void {
    const d = this.tape.data;
    const m = this.outputs.length;
    for (let k = 0; k < count; k++) this.eval(x, rows.subarray(k * d, (k + 1) * d), values.subarray(k * m, (k + 1) * m));
  }

  dispose(): void {
    this.lanes = null;
    // Plain typed arrays: the garbage collector frees them with this engine.
  }

  private forward(): void {
    const { op, a, b, val, n } = this;
    for (let i = this.start; i < n; i++) {
      const code = op[i];
      const x = val[a[i]];
      const y = val[b[i]];
      switch (code) {
        case OP.ADD: val[i] = x + y; break;
        case OP.SUB: val[i] = x - y; break;
        case OP.MUL: val[i] = x * y; break;
        case OP.SQUARE: val[i] = x * x; break;
        case OP.CONST: case OP.BRANCHES: break;
        case OP.SELECT: val[i] = val[x > 0 ? a[b[i]] : b[b[i]]]; break;
        default: val[i] = VALUE[code](x, y);
      }
    }
  }

  private reverse(): void {
    const { op, a, b, val, der: adj } = this;
    for (let i = this.n - 1; i >= this.start; i--) {
      const g = adj[i];
      if (g === 0) continue;
      const code = op[i];
      const ia = a[i];
      const ib = b[i];
      switch (code) {
        case OP.ADD: adj[ia] += g; adj[ib] += g; break;
        case OP.SUB: adj[ia] += g; adj[ib] -= g; break;
        case OP.MUL: adj[ia] += zmul(val[ib], g); adj[ib] += zmul(val[ia], g); break;
        case OP.SQUARE: adj[ia] += zmul(2 * val[ia], g); break;
        case OP.SELECT: adj[val[ia] > 0 ? a[ib] : b[ib]] += g; break;
        default: {
          const arity = ARITY[code];
          if (arity === 0) break;
          const x = val[ia];
          const y = val[ib];
          const v = val[i];
          // The zero rule: a 0 partial passes exactly 0, even beside an infinite g (ops.ts).
          adj[ia] += zmul(DA[code](x, y, v), g);
          if (arity === 2) adj[ib] += zmul(DB[code](x, y, v), g);
        }
      }
    }
  }

  private tangent(): void {
    const { op, a, b, val, der: tan, n } = this;
    for (let i = this.start; i < n; i++) {
      const code = op[i];
      const ia = a[i];
      const ib = b[i];
      const x = val[ia];
      const y = val[ib];
      const tx = tan[ia];
      const ty = tan[ib];
      switch (code) {
        case OP.CONST: case OP.BRANCHES: break;
        case OP.SELECT: {
          const chosen = x > 0 ? a[ib] : b[ib];
          val[i] = val[chosen];
          tan[i] = tan[chosen];
          break;
        }
        default: {
          const v = (val[i] = VALUE[code](x, y));
          const arity = ARITY[code];
          if (arity === 0) {
            tan[i] = 0;
            break;
          }
          // The same shapes and products as the lane sweep (js-lanes.ts), so jvp equals a column.
          const da = DA[code](x, y, v);
          const db = arity === 2 ? DB[code](x, y, v) : 0;
          tan[i] = tangentOf(arity, da, db, tx, ty);
        }
      }
    }
  }
}
