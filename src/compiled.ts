/**
 * Compiled: a recorded tape bound to an engine — what compile() returns and users call.
 * Every method validates its arguments here, so the engines (and the kernels) need no checks.
 */
import type { Engine, EngineName } from "./engine/engine.js";
import { JsEngine } from "./engine/js.js";
import { WasmEngine } from "./engine/wasm.js";
import type { Tape } from "./tape.js";
import { checkDataset, checkNumbers, checkOut, checkWorkers } from "./validate.js";
import { WorkerPool } from "./batch/pool.js";

const NO_DATA = new Float64Array(0);

/** Functions compiled and not yet disposed (or collected), for memoryStats(). */
let liveFunctions = 0;
export const countLiveFunctions = (): number => liveFunctions;

// A backstop for functions dropped without dispose(): frees their engine when collected.
const registry = new FinalizationRegistry<Engine>((engine) => {
  engine.dispose();
  threadsOf.get(engine)?.dispose();
  liveFunctions--;
});

/** A function's worker threads, by its engine, so the backstop above can stop them too. */
const threadsOf = new WeakMap<Engine, WorkerPool>();

const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for("Symbol.dispose");

export class Compiled {
  /** Number of differentiated inputs. */
  readonly inputs: number;
  /** Number of outputs. */
  readonly outputs: number;
  /** Number of nodes on the tape. */
  readonly size: number;
  /** The engine that replays the tape. */
  readonly engine: EngineName;
  /** The recorded tape (read it, don't change it): for display and for other tools. */
  readonly tape: Tape;
  /** Number of data inputs per point (not differentiated). */
  readonly data: number;
  private replay: Engine | null;
  private pool: WorkerPool | null = null;

  /** @internal Use compile(). */
  constructor(tape: Tape, engine: EngineName) {
    this.tape = tape;
    this.inputs = tape.inputs;
    this.outputs = tape.outputs.length;
    this.data = tape.data;
    this.size = tape.op.length;
    this.engine = engine;
    this.replay = engine === "wasm" ? new WasmEngine(tape) : new JsEngine(tape);
    liveFunctions++;
    registry.register(this, this.replay, this);
  }

  /**
   * The values of the outputs at x. A function with data inputs takes its data vector next:
   * eval(θ, data, out?). The same holds for grad, vjp and jvp: data comes right before `out`.
   */
  eval(x: ArrayLike<number>, out?: Float64Array): Float64Array;
  eval(x: ArrayLike<number>, data: ArrayLike<number>, out?: Float64Array): Float64Array;
  eval(x: ArrayLike<number>, ...rest: unknown[]): Float64Array {
    const engine = this.live("eval");
    checkNumbers(x, this.inputs, "eval(x): x");
    const [data, out] = this.dataAndOut(rest, "eval");
    const values = this.result(out, this.outputs, "eval");
    engine.eval(x, data, values);
    return values;
  }

  /** The value of a scalar function at x and its gradient, by one reverse sweep. */
  grad(x: ArrayLike<number>, out?: Float64Array): { value: number; grad: Float64Array };
  grad(x: ArrayLike<number>, data: ArrayLike<number>, out?: Float64Array): { value: number; grad: Float64Array };
  grad(x: ArrayLike<number>, ...rest: unknown[]): { value: number; grad: Float64Array } {
    const engine = this.live("grad");
    this.scalarOnly("grad");
    checkNumbers(x, this.inputs, "grad(x): x");
    const [data, out] = this.dataAndOut(rest, "grad");
    const grad = this.result(out, this.inputs, "grad");
    const value = engine.grad(x, data, grad);
    return { value, grad };
  }

  /** Vector-Jacobian product uᵀJ at x (reverse mode), with the output values. */
  vjp(x: ArrayLike<number>, u: ArrayLike<number>, out?: Float64Array): { value: Float64Array; grad: Float64Array };
  vjp(x: ArrayLike<number>, u: ArrayLike<number>, data: ArrayLike<number>, out?: Float64Array): { value: Float64Array; grad: Float64Array };
  vjp(x: ArrayLike<number>, u: ArrayLike<number>, ...rest: unknown[]): { value: Float64Array; grad: Float64Array } {
    const engine = this.live("vjp");
    checkNumbers(x, this.inputs, "vjp(x, u): x");
    checkNumbers(u, this.outputs, "vjp(x, u): u (one cotangent per output)");
    const [data, out] = this.dataAndOut(rest, "vjp");
    const grad = this.result(out, this.inputs, "vjp");
    const value = new Float64Array(this.outputs);
    engine.vjp(x, data, u, value, grad);
    return { value, grad };
  }

  /** Jacobian-vector product J·v at x (forward mode): every output's directional derivative. */
  jvp(x: ArrayLike<number>, v: ArrayLike<number>, out?: Float64Array): { value: Float64Array; tangent: Float64Array };
  jvp(x: ArrayLike<number>, v: ArrayLike<number>, data: ArrayLike<number>, out?: Float64Array): { value: Float64Array; tangent: Float64Array };
  jvp(x: ArrayLike<number>, v: ArrayLike<number>, ...rest: unknown[]): { value: Float64Array; tangent: Float64Array } {
    const engine = this.live("jvp");
    checkNumbers(x, this.inputs, "jvp(x, v): x");
    checkNumbers(v, this.inputs, "jvp(x, v): v (one tangent per input)");
    const [data, out] = this.dataAndOut(rest, "jvp");
    const tangent = this.result(out, this.outputs, "jvp");
    const value = new Float64Array(this.outputs);
    engine.jvp(x, data, v, value, tangent);
    return { value, tangent };
  }

  /**
   * The outputs at θ for every point of a dataset: `dataset` holds B data vectors row-major
   * (length B·data). Returns B·outputs values, row-major: point k's outputs at k·outputs.
   */
  evalBatch(params: ArrayLike<number>, dataset: ArrayLike<number>): Float64Array {
    const engine = this.live("evalBatch");
    checkNumbers(params, this.inputs, "evalBatch(params, dataset): params");
    const { rows, count } = checkDataset(dataset, this.data, "evalBatch");
    const values = new Float64Array(count * this.outputs);
    engine.evalBatch(params, rows, count, values);
    return values;
  }

  /** Per point of the dataset: the loss (value[k]) and its gradient (grad[k·params …]). */
  gradBatch(params: ArrayLike<number>, dataset: ArrayLike<number>): { value: Float64Array; grad: Float64Array } {
    const engine = this.live("gradBatch");
    this.scalarOnly("gradBatch");
    checkNumbers(params, this.inputs, "gradBatch(params, dataset): params");
    const { rows, count } = checkDataset(dataset, this.data, "gradBatch");
    const value = new Float64Array(count);
    const grad = new Float64Array(count * this.inputs);
    engine.gradBatch(params, rows, count, value, grad);
    return { value, grad };
  }

  /**
   * The mean loss over the dataset's B points and E[dL/dθ], the mean gradient, in one call.
   * With { workers: n } the points are split across n worker threads and the result is a
   * Promise; the threads stay up for later calls until dispose().
   */
  meanGrad(params: ArrayLike<number>, dataset: ArrayLike<number>, out?: Float64Array): { value: number; grad: Float64Array };
  meanGrad(params: ArrayLike<number>, dataset: ArrayLike<number>, options: { workers: number }): Promise<{ value: number; grad: Float64Array }>;
  meanGrad(
    params: ArrayLike<number>,
    dataset: ArrayLike<number>,
    outOrOptions?: Float64Array | { workers: number },
  ): { value: number; grad: Float64Array } | Promise<{ value: number; grad: Float64Array }> {
    const engine = this.live("meanGrad");
    this.scalarOnly("meanGrad");
    checkNumbers(params, this.inputs, "meanGrad(params, dataset): params");
    const { rows, count } = checkDataset(dataset, this.data, "meanGrad");
    if (outOrOptions !== undefined && !(outOrOptions instanceof Float64Array)) {
      const workers = checkWorkers(outOrOptions);
      if (workers > 1) return this.workerPool(workers).sumGrad(params, rows, count).then(({ total, grad }) => {
        for (let i = 0; i < grad.length; i++) grad[i] /= count;
        return { value: total / count, grad };
      });
      return Promise.resolve(this.meanGrad(params, rows));
    }
    const grad = this.result(outOrOptions, this.inputs, "meanGrad");
    const total = engine.sumGradBatch(params, rows, count, grad);
    for (let i = 0; i < grad.length; i++) grad[i] /= count;
    return { value: total / count, grad };
  }

  /** True once dispose() has run. */
  get disposed(): boolean {
    return this.replay === null;
  }

  /** Releases the function's memory. Safe to call twice; any later call throws. */
  dispose(): void {
    if (this.replay === null) return;
    registry.unregister(this);
    this.pool?.dispose();
    this.pool = null;
    this.replay.dispose();
    this.replay = null;
    liveFunctions--;
  }

  [disposeSymbol](): void {
    this.dispose();
  }

  /** Data vector and out array from the arguments after the fixed ones (see eval). */
  private dataAndOut(rest: unknown[], method: string): [ArrayLike<number>, Float64Array | undefined] {
    if (this.data === 0) {
      if (rest.length > 1) throw new Error(`tapegrad: ${method}(): this function has no data inputs, but a data vector was given`);
      return [NO_DATA, rest[0] as Float64Array | undefined];
    }
    const data = rest[0];
    if (data === undefined) {
      throw new Error(`tapegrad: ${method}(): this function has ${this.data} data inputs: pass the data vector after the fixed arguments`);
    }
    checkNumbers(data, this.data, `${method}(): data`);
    return [data, rest[1] as Float64Array | undefined];
  }

  private scalarOnly(method: string): void {
    if (this.outputs !== 1) {
      throw new Error(
        `tapegrad: ${method}() needs a function with one output, this one has ${this.outputs}; ` +
          "use vjp(x, u) for a weighted sum of outputs or jacobian(x)",
      );
    }
  }

  private workerPool(workers: number): WorkerPool {
    if (this.engine !== "wasm") {
      throw new Error('tapegrad: meanGrad(…, { workers }) runs the WebAssembly kernels in each thread; compile with engine "wasm"');
    }
    if (this.pool === null || this.pool.size !== workers) {
      this.pool?.dispose();
      this.pool = new WorkerPool(this.tape, workers);
      threadsOf.set(this.replay!, this.pool);
    }
    return this.pool;
  }

  private live(method: string): Engine {
    if (this.replay === null) throw new Error(`tapegrad: ${method}() called on a disposed function`);
    return this.replay;
  }

  private result(out: Float64Array | undefined, length: number, method: string): Float64Array {
    if (out === undefined) return new Float64Array(length);
    checkOut(out, length, method);
    return out;
  }
}
