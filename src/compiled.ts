/**
 * Compiled: a recorded tape bound to an engine — what compile() returns and users call.
 * Every method validates its arguments here, so the engines (and the kernels) need no checks.
 */
import type { Engine, EngineName } from "./engine/engine.js";
import { JsEngine } from "./engine/js.js";
import { WasmEngine } from "./engine/wasm.js";
import type { Tape } from "./tape.js";
import { checkNumbers, checkOut } from "./validate.js";
import * as sweeps from "./derivatives.js";
import type { JacobianMode } from "./mode.js";

/** A dense matrix, row-major: entry (r, c) is data[r·cols + c]. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** The Jacobian ∂output_j/∂input_i at row j, column i, and the mode that computed it. */
export interface Jacobian extends Matrix {
  mode: JacobianMode;
  /** The output values at x. */
  value: Float64Array;
}

export interface JacobianOptions {
  /** "auto" (default) picks by cost: forward when n ≲ 2.5·m, else reverse. */
  mode?: "auto" | "forward" | "reverse";
}

const NO_DATA = new Float64Array(0);

/** Functions compiled and not yet disposed (or collected), for memoryStats(). */
let liveFunctions = 0;
export const countLiveFunctions = (): number => liveFunctions;

// A backstop for functions dropped without dispose(): frees their engine when collected.
const registry = new FinalizationRegistry<Engine>((engine) => {
  engine.dispose();
  liveFunctions--;
});

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
  private replay: Engine | null;

  /** @internal Use compile(). */
  constructor(tape: Tape, engine: EngineName) {
    this.tape = tape;
    this.inputs = tape.inputs;
    this.outputs = tape.outputs.length;
    this.size = tape.op.length;
    this.engine = engine;
    this.replay = engine === "wasm" ? new WasmEngine(tape) : new JsEngine(tape);
    liveFunctions++;
    registry.register(this, this.replay, this);
  }

  /** The values of the outputs at x. */
  eval(x: ArrayLike<number>, out?: Float64Array): Float64Array {
    const engine = this.live("eval");
    checkNumbers(x, this.inputs, "eval(x): x");
    const values = this.result(out, this.outputs, "eval");
    engine.eval(x, NO_DATA, values);
    return values;
  }

  /** The value of a scalar function at x and its gradient, by one reverse sweep. */
  grad(x: ArrayLike<number>, out?: Float64Array): { value: number; grad: Float64Array } {
    const engine = this.live("grad");
    if (this.outputs !== 1) {
      throw new Error(
        `tapegrad: grad() needs a function with one output, this one has ${this.outputs}; ` +
          "use vjp(x, u) for a weighted sum of outputs or jacobian(x)",
      );
    }
    checkNumbers(x, this.inputs, "grad(x): x");
    const grad = this.result(out, this.inputs, "grad");
    const value = engine.grad(x, NO_DATA, grad);
    return { value, grad };
  }

  /** Vector-Jacobian product uᵀJ at x (reverse mode), with the output values. */
  vjp(x: ArrayLike<number>, u: ArrayLike<number>, out?: Float64Array): { value: Float64Array; grad: Float64Array } {
    const engine = this.live("vjp");
    checkNumbers(x, this.inputs, "vjp(x, u): x");
    checkNumbers(u, this.outputs, "vjp(x, u): u (one cotangent per output)");
    const grad = this.result(out, this.inputs, "vjp");
    const value = new Float64Array(this.outputs);
    engine.vjp(x, NO_DATA, u, value, grad);
    return { value, grad };
  }

  /** Jacobian-vector product J·v at x (forward mode): every output's directional derivative. */
  jvp(x: ArrayLike<number>, v: ArrayLike<number>, out?: Float64Array): { value: Float64Array; tangent: Float64Array } {
    const engine = this.live("jvp");
    checkNumbers(x, this.inputs, "jvp(x, v): x");
    checkNumbers(v, this.inputs, "jvp(x, v): v (one tangent per input)");
    const tangent = this.result(out, this.outputs, "jvp");
    const value = new Float64Array(this.outputs);
    engine.jvp(x, NO_DATA, v, value, tangent);
    return { value, tangent };
  }

  /**
   * Forward mode along k directions in one go: V holds them row-major (k×n, direction l in
   * V[l·n … l·n + n − 1]). Returns the output values and tangents (k×m, row l = J·v_l), computed
   * in blocks of up to 8 directions per sweep.
   */
  jvpMany(x: ArrayLike<number>, V: ArrayLike<number>, k: number): { value: Float64Array; tangents: Float64Array } {
    const engine = this.live("jvpMany");
    checkNumbers(x, this.inputs, "jvpMany(x, V, k): x");
    checkCount(k, "jvpMany(x, V, k): k (the number of directions)");
    checkNumbers(V, k * this.inputs, `jvpMany(x, V, k): V (k × n = ${k} × ${this.inputs}, row-major)`);
    const value = new Float64Array(this.outputs);
    const tangents = new Float64Array(k * this.outputs);
    sweeps.jvpMany(engine, this.outputs, x, V, k, value, tangents);
    return { value, tangents };
  }

  /**
   * Reverse mode for k cotangents in one go: U holds them row-major (k×m). Returns the output
   * values and the products (k×n, row l = u_lᵀJ), in blocks of up to 8 cotangents per sweep.
   */
  vjpMany(x: ArrayLike<number>, U: ArrayLike<number>, k: number): { value: Float64Array; grads: Float64Array } {
    const engine = this.live("vjpMany");
    checkNumbers(x, this.inputs, "vjpMany(x, U, k): x");
    checkCount(k, "vjpMany(x, U, k): k (the number of cotangents)");
    checkNumbers(U, k * this.outputs, `vjpMany(x, U, k): U (k × m = ${k} × ${this.outputs}, row-major)`);
    const value = new Float64Array(this.outputs);
    const grads = new Float64Array(k * this.inputs);
    sweeps.vjpMany(engine, this.inputs, x, U, k, value, grads);
    return { value, grads };
  }

  /**
   * The m×n Jacobian at x, row-major. mode "forward" takes ⌈n/8⌉ tangent sweeps (one column per
   * lane), "reverse" ⌈m/8⌉ adjoint sweeps (one row per lane), "auto" (default) the cheaper.
   */
  jacobian(x: ArrayLike<number>, options: JacobianOptions = {}): Jacobian {
    const engine = this.live("jacobian");
    const mode = options.mode ?? "auto";
    if (mode !== "auto" && mode !== "forward" && mode !== "reverse") {
      throw new Error(`tapegrad: jacobian(): mode must be "auto", "forward" or "reverse", got ${JSON.stringify(mode)}`);
    }
    checkNumbers(x, this.inputs, "jacobian(x): x");
    const value = new Float64Array(this.outputs);
    const data = new Float64Array(this.outputs * this.inputs);
    const used = sweeps.jacobian(engine, this.inputs, this.outputs, x, mode, value, data);
    return { data, rows: this.outputs, cols: this.inputs, mode: used, value };
  }

  /** The Jacobian by forward mode (jacobian(x, { mode: "forward" })). */
  jacfwd(x: ArrayLike<number>): Jacobian {
    return this.jacobian(x, { mode: "forward" });
  }

  /** The Jacobian by reverse mode (jacobian(x, { mode: "reverse" })). */
  jacrev(x: ArrayLike<number>): Jacobian {
    return this.jacobian(x, { mode: "reverse" });
  }

  /**
   * Hessian-vector product ∇²f(x)·v of a scalar function, by forward over reverse: one tangent
   * sweep along v, then one reverse sweep carrying adjoints and their tangents.
   */
  hvp(x: ArrayLike<number>, v: ArrayLike<number>, out?: Float64Array): Float64Array {
    const engine = this.live("hvp");
    this.scalarOnly("hvp", "hvp(x, v) needs a scalar function");
    checkNumbers(x, this.inputs, "hvp(x, v): x");
    checkNumbers(v, this.inputs, "hvp(x, v): v (one entry per input)");
    const result = this.result(out, this.inputs, "hvp");
    sweeps.hvp(engine, x, v, result);
    return result;
  }

  /** The n×n Hessian of a scalar function at x, row-major: n Hessian-vector products, 8 per sweep. */
  hessian(x: ArrayLike<number>): Matrix & { value: number } {
    const engine = this.live("hessian");
    this.scalarOnly("hessian", "hessian(x) needs a scalar function");
    checkNumbers(x, this.inputs, "hessian(x): x");
    const data = new Float64Array(this.inputs * this.inputs);
    const value = sweeps.hessian(engine, this.inputs, x, data);
    return { data, rows: this.inputs, cols: this.inputs, value };
  }

  /** True once dispose() has run. */
  get disposed(): boolean {
    return this.replay === null;
  }

  /** Releases the function's memory. Safe to call twice; any later call throws. */
  dispose(): void {
    if (this.replay === null) return;
    registry.unregister(this);
    this.replay.dispose();
    this.replay = null;
    liveFunctions--;
  }

  [disposeSymbol](): void {
    this.dispose();
  }

  private live(method: string): Engine {
    if (this.replay === null) throw new Error(`tapegrad: ${method}() called on a disposed function`);
    return this.replay;
  }

  private scalarOnly(method: string, what: string): void {
    if (this.outputs !== 1) {
      throw new Error(
        `tapegrad: ${what}, this one has ${this.outputs} outputs; ` +
          `compile one output (e.g. a weighted sum) to call ${method}(), or use jacobian(x) for first derivatives`,
      );
    }
  }

  private result(out: Float64Array | undefined, length: number, method: string): Float64Array {
    if (out === undefined) return new Float64Array(length);
    checkOut(out, length, method);
    return out;
  }
}

/** Throws unless k is a non-negative integer count. */
function checkCount(k: unknown, what: string): asserts k is number {
  if (typeof k !== "number" || !Number.isInteger(k) || k < 0) {
    throw new RangeError(`tapegrad: ${what} must be a non-negative integer, got ${String(k)}`);
  }
}
