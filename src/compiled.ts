/**
 * Compiled: a recorded tape bound to an engine — what compile() returns and users call.
 * Every method validates its arguments here, so the engines (and the kernels) need no checks.
 */
import type { Engine, EngineName } from "./engine/engine.js";
import { JsEngine } from "./engine/js.js";
import { WasmEngine } from "./engine/wasm.js";
import type { Tape } from "./tape.js";
import { checkNumbers, checkOut } from "./validate.js";

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

  private result(out: Float64Array | undefined, length: number, method: string): Float64Array {
    if (out === undefined) return new Float64Array(length);
    checkOut(out, length, method);
    return out;
  }
}
