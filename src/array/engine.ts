/**
 * The engine of an array program (program.ts). The modes that matter for speed — eval, grad,
 * vjp and the batches — run on an executor (js-exec.ts or wasm-exec.ts) over whole arrays, the
 * points of a batch side by side (storage.ts). The rest — jvp, the block sweeps of jvpMany,
 * vjpMany, Jacobians and Hessians — run on the scalar expansion (expand.ts) with the scalar
 * engine of the same kind, built on first use.
 */
import type { Engine } from "../engine/engine.js";
import type { Tape } from "../tape.js";
import type { Program } from "./program.js";
import { blockPoints, layoutStorage, outputSlot, type Storage } from "./storage.js";

/** What an executor does; the engine seeds and reads through the views val and adj. */
export interface Executor {
  readonly storage: Storage;
  /** The values and adjoints (views; the wasm executor's stay valid until its next call that allocates). */
  readonly val: Float64Array;
  readonly adj: Float64Array;
  /** θ into the inputs and points first … first+B−1 of rows into the data values. */
  load(x: ArrayLike<number>, rows: ArrayLike<number>, first: number): void;
  forward(): void;
  clearAdjoints(): void;
  reverse(): void;
  readonly bytes: number;
  dispose(): void;
}

export type ExecutorFactory = (program: Program, storage: Storage) => Executor;

export class ArrayEngine implements Engine {
  /** Executors by points per batch: the full block and the last, shorter one. */
  private executors = new Map<number, Executor>();
  private scalar: Engine | null = null;
  private readonly inputValues: number[];

  constructor(
    private readonly program: Program,
    private readonly makeExecutor: ExecutorFactory,
    /** The scalar engine over the expansion, made when first needed. */
    private readonly makeScalar: () => Engine,
  ) {
    this.inputValues = [];
    program.values.forEach((v, i) => {
      if (v.kind === "input") this.inputValues.push(i);
    });
  }

  private at(points: number): Executor {
    let e = this.executors.get(points);
    if (e === undefined) {
      if (this.executors.size >= 2) {
        for (const [k, old] of this.executors) {
          if (k !== points) {
            old.dispose();
            this.executors.delete(k);
            break;
          }
        }
      }
      e = this.makeExecutor(this.program, layoutStorage(this.program, points));
      this.executors.set(points, e);
    }
    return e;
  }

  private expanded(): Engine {
    return (this.scalar ??= this.makeScalar());
  }

  get maxLanes(): number {
    return this.expanded().maxLanes;
  }

  get bytes(): number {
    let n = this.scalar?.bytes ?? 0;
    for (const e of this.executors.values()) n += e.bytes;
    return n;
  }

  /** Output elements of point l into values[offset …]. */
  private gather(e: Executor, l: number, values: Float64Array, offset: number): void {
    const { base, copies } = e.storage;
    const { val } = e;
    let j = offset;
    for (const o of this.program.outputs) {
      const v = this.program.values[o]!;
      const L = copies[o]!;
      const step = this.program.values[o]!.batched ? 1 : 0;
      for (let k = 0; k < v.size; k++) values[j++] = val[base[o]! + k * L + l * step]!;
    }
  }

  /** Adds the input adjoints into grad (θ order). */
  private readInputs(e: Executor, grad: Float64Array, add: boolean): void {
    const { base } = e.storage;
    const { adj } = e;
    for (const i of this.inputValues) {
      const v = this.program.values[i]!;
      const at = base[i]!;
      if (add) for (let k = 0; k < v.size; k++) grad[v.offset + k] += adj[at + k]!;
      else grad.set(adj.subarray(at, at + v.size), v.offset);
    }
  }

  eval(x: ArrayLike<number>, data: ArrayLike<number>, values: Float64Array): void {
    const e = this.at(1);
    e.load(x, data, 0);
    e.forward();
    this.gather(e, 0, values, 0);
  }

  grad(x: ArrayLike<number>, data: ArrayLike<number>, grad: Float64Array): number {
    const e = this.at(1);
    e.load(x, data, 0);
    e.forward();
    e.clearAdjoints();
    const out = outputSlot(this.program, e.storage, 0, 0);
    e.adj[out] = 1;
    e.reverse();
    const value = e.val[out]!;
    this.readInputs(e, grad, false);
    return value;
  }

  vjp(x: ArrayLike<number>, data: ArrayLike<number>, u: ArrayLike<number>, values: Float64Array, grad: Float64Array): void {
    const e = this.at(1);
    e.load(x, data, 0);
    e.forward();
    e.clearAdjoints();
    // An output listed twice (or overlapping views) gets both cotangents.
    for (let j = 0; j < this.program.outputCount; j++) e.adj[outputSlot(this.program, e.storage, j, 0)] += u[j]!;
    e.reverse();
    this.gather(e, 0, values, 0);
    this.readInputs(e, grad, false);
  }

  sumGradBatch(x: ArrayLike<number>, rows: Float64Array, count: number, grad: Float64Array, scale: number): number {
    const sum = new Float64Array(grad.length);
    let total = 0;
    const B = blockPoints(this.program, count);
    for (let first = 0; first < count; first += B) {
      const P = Math.min(B, count - first);
      const e = this.at(P);
      e.load(x, rows, first);
      e.forward();
      e.clearAdjoints();
      // The loss of each point, scaled before it is added (see Compiled.meanGrad).
      for (let l = 0; l < P; l++) {
        const out = outputSlot(this.program, e.storage, 0, l);
        total += e.val[out]! * scale;
        e.adj[out] += scale;
      }
      e.reverse();
      this.readInputs(e, sum, true);
    }
    grad.set(sum);
    return total;
  }

  gradBatch(x: ArrayLike<number>, rows: Float64Array, count: number, values: Float64Array, grads: Float64Array): void {
    const d = this.program.data;
    const n = this.program.inputs;
    for (let k = 0; k < count; k++) {
      values[k] = this.grad(x, rows.subarray(k * d, (k + 1) * d), grads.subarray(k * n, (k + 1) * n));
    }
  }

  evalBatch(x: ArrayLike<number>, rows: Float64Array, count: number, values: Float64Array): void {
    const m = this.program.outputCount;
    const B = blockPoints(this.program, count);
    for (let first = 0; first < count; first += B) {
      const P = Math.min(B, count - first);
      const e = this.at(P);
      e.load(x, rows, first);
      e.forward();
      for (let l = 0; l < P; l++) this.gather(e, l, values, (first + l) * m);
    }
  }

  // The modes that run on the scalar expansion.
  jvp(x: ArrayLike<number>, data: ArrayLike<number>, v: ArrayLike<number>, values: Float64Array, tangents: Float64Array): void {
    this.expanded().jvp(x, data, v, values, tangents);
  }
  setPoint(x: ArrayLike<number>, data: ArrayLike<number>, values: Float64Array): void {
    this.expanded().setPoint(x, data, values);
  }
  tangentBlock(V: ArrayLike<number> | null, first: number, k: number, T: Float64Array): void {
    this.expanded().tangentBlock(V, first, k, T);
  }
  cotangentBlock(U: ArrayLike<number> | null, first: number, k: number, G: Float64Array, offset: number): void {
    this.expanded().cotangentBlock(U, first, k, G, offset);
  }
  hvpBlock(V: ArrayLike<number> | null, first: number, k: number, H: Float64Array, offset: number): void {
    this.expanded().hvpBlock(V, first, k, H, offset);
  }
  hvp(x: ArrayLike<number>, data: ArrayLike<number>, v: ArrayLike<number>, hv: Float64Array): number {
    return this.expanded().hvp(x, data, v, hv);
  }

  dispose(): void {
    for (const e of this.executors.values()) e.dispose();
    this.executors.clear();
    this.scalar?.dispose();
    this.scalar = null;
  }
}

