/**
 * Compiled: a recorded tape bound to an engine — what compile() returns and users call.
 * Every method validates its arguments here, so the engines (and the kernels) need no checks.
 * grad() and eval() first try a fast path: a few tests under which every check is known to pass
 * (test/fast-path.test.ts holds both paths to the same results and errors); any other call, and
 * every call that throws, goes through the checked path (gradChecked, evalChecked).
 */
import type { Engine, EngineName } from "./engine/engine.js";
import { JsEngine } from "./engine/js.js";
import { WasmEngine } from "./engine/wasm.js";
import { copyTape, type Tape } from "./tape.js";
import { checkDataset, checkDense, checkNumbers, checkOptionKeys, checkOut, checkWorkers, isNumbers } from "./validate.js";
import { describe } from "./var.js";
import { WorkerPool } from "./batch/pool.js";
import * as sweeps from "./derivatives.js";
import type { JacobianMode } from "./mode.js";
import * as sparse from "./sparse/compressed.js";
import type { SparsityPattern } from "./sparse/pattern.js";
import type { Program } from "./array/program.js";
import { expandProgram } from "./array/expand.js";
import { ArrayEngine } from "./array/engine.js";
import { makeJsExecutor } from "./array/js-exec.js";
import { makeWasmExecutor } from "./array/wasm-exec.js";
import { Layout, tapeLayouts } from "./array/layout.js";
import type { JitOption } from "./jit/option.js";
import { workersCompile } from "./jit/tier.js";

/** @internal How compile() asked for a function to be replayed. */
export interface EngineSettings {
  readonly engine: EngineName;
  readonly jit: JitOption;
}

/** The names a tape carries for display (see Tape). */
export type TapeNames = Pick<Tape, "inputNames" | "vectorName" | "dataNames" | "dataVectorName">;

/** @internal What compile() hands Compiled for a function with array nodes. */
export interface ArrayFunction {
  readonly program: Program;
  /** The display names of the scalar expansion's inputs (made only if the expansion is). */
  readonly names: () => TapeNames;
  readonly layout: FunctionLayout;
}

/** Where the named inputs live in θ (`params`) and in a data vector (`data`): see docs/arrays.md. */
export interface FunctionLayout {
  /** The layout of θ: the differentiated inputs. */
  readonly params: Layout;
  /** The layout of one data vector (a row of a dataset). */
  readonly data: Layout;
}

/** A dense matrix, row-major: entry (r, c) is data[r·cols + c]. */
export interface Matrix {
  /** The rows·cols entries, row after row. */
  data: Float64Array;
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
}

/** The Jacobian ∂output_j/∂input_i at row j, column i, and the mode that computed it. */
export interface Jacobian extends Matrix {
  /** The mode that computed it: "forward" (columns) or "reverse" (rows). */
  mode: JacobianMode;
  /** The output values at x. */
  value: Float64Array;
}

/** Options of jacobian(x, options). */
export interface JacobianOptions {
  /** "auto" (default) picks by cost (chooseMode): forward when n ≲ 2.5·m, else reverse. */
  mode?: "auto" | "forward" | "reverse";
  /** The data vector: required for a function with data inputs, refused otherwise. */
  data?: ArrayLike<number>;
}

/** Options of sparseJacobian(x, options). */
export interface SparseJacobianOptions {
  /** "auto" (default) picks by the color counts (chooseMode): forward colors against reverse colors. */
  mode?: "auto" | "forward" | "reverse";
  /** The data vector: required for a function with data inputs, refused otherwise. */
  data?: ArrayLike<number>;
}

/** Options of sparseHessian(x, options). */
export interface SparseHessianOptions {
  /** The data vector: required for a function with data inputs, refused otherwise. */
  data?: ArrayLike<number>;
}

/** A sparse Jacobian's nonzeros, in the order of jacobianSparsity(). */
export interface SparseJacobian {
  /** The nonzeros: data[k] is the entry at row r, column jacobianSparsity().colIdx[k], for rowPtr[r] ≤ k < rowPtr[r + 1]. */
  data: Float64Array;
  /** The output values at x. */
  value: Float64Array;
  /** The mode that computed it: "forward" (one tangent per column color) or "reverse" (one cotangent per row color). */
  mode: JacobianMode;
  /** The number of colors: seeded directions, carried up to 8 per sweep. */
  colors: number;
}

/** A sparse Hessian's nonzeros, in the order of hessianSparsity(). */
export interface SparseHessian {
  /** The nonzeros, both triangles: data[k] is the entry at row r, column hessianSparsity().colIdx[k]. */
  data: Float64Array;
  /** The function's value at x. */
  value: number;
  /** The number of colors of the star coloring: Hessian-vector products, up to 8 per sweep. */
  colors: number;
}

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

/**
 * Each function's own copy of its tape, taken in the constructor: what its engine, batch state
 * and worker threads replay and what toDot/explain read. Users never see it, so no edit to the
 * public `tape` can change a result.
 */
const ownTapes = new WeakMap<Compiled, Tape>();
/** Each array function's program (its tape, the scalar expansion, is made on first use). */
const ownPrograms = new WeakMap<Compiled, ArrayFunction>();

/**
 * @internal The tape f replays (not f.tape, which is the user's to read), or undefined for a
 * non-function. For an array function: its scalar expansion, made on first use.
 */
export function replayedTape(f: Compiled): Tape | undefined {
  const tape = ownTapes.get(f);
  if (tape !== undefined) return tape;
  const arrays = ownPrograms.get(f);
  if (arrays === undefined) return undefined;
  const expanded = expandProgram(arrays.program, arrays.names());
  ownTapes.set(f, expanded);
  return expanded;
}

/** @internal The array program of f, or undefined for a scalar tape (or a non-function). */
export function replayedProgram(f: Compiled): Program | undefined {
  return ownPrograms.get(f)?.program;
}

/** @internal */
const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for("Symbol.dispose");

// The shipped .d.ts must not name Symbol.dispose: a project whose lib lacks it (lib es2022 + dom,
// no @types/node) would fail with "Property 'dispose' does not exist on type 'SymbolConstructor'".
// So the [Symbol.dispose] member is declared through this key, which is Symbol.dispose's type
// where the project declares it (lib esnext.disposable, @types/node) — `using` works there — and
// never (no member) elsewhere. No global augmentation: that would claim Symbol.dispose exists in
// browsers that lack it.
type DisposeKey = SymbolConstructor extends { readonly dispose: infer K extends symbol } ? K : never;
/** `using f = compile(…)` disposes f at the end of the block (where Symbol.dispose is declared). */
export interface Compiled extends Record<DisposeKey, () => void> {}

/**
 * A compiled function f: Rⁿ → Rᵐ, what compile() and parse() return: values, gradients, products
 * with its Jacobian, Jacobians and Hessians at any point. Call dispose() when done with it.
 */
export class Compiled {
  /** Number of differentiated inputs. */
  readonly inputs: number;
  /** Number of outputs. */
  readonly outputs: number;
  /** Number of nodes on the tape; an array node (a whole vector or matrix) counts as one. */
  readonly size: number;
  /** The engine that replays the tape. */
  readonly engine: EngineName;
  /** Number of data inputs per point (not differentiated). */
  readonly data: number;
  /** Where each named input lives in θ and in a data vector, with helpers to pack and read them (docs/arrays.md). */
  readonly layout: FunctionLayout;
  private publicTape: Tape | null;
  private replay: Engine | null;
  private pool: WorkerPool | null = null;
  private readonly jitOption: JitOption;
  /** One output and no data inputs: grad's fast path applies. */
  private readonly scalarPlain: boolean;

  /** @internal Use compile(). */
  constructor(source: Tape | ArrayFunction, settings: EngineSettings) {
    const engine = (this.engine = settings.engine);
    this.jitOption = settings.jit;
    if ("program" in source) {
      const { program } = source;
      ownPrograms.set(this, source);
      this.publicTape = null;
      this.inputs = program.inputs;
      this.outputs = program.outputCount;
      this.data = program.data;
      this.size = program.values.length;
      this.layout = source.layout;
      const factory = engine === "wasm" ? makeWasmExecutor : makeJsExecutor;
      const scalar = (): Engine => {
        const tape = replayedTape(this)!;
        return engine === "wasm" ? new WasmEngine(tape) : new JsEngine(tape);
      };
      this.replay = new ArrayEngine(program, factory, scalar);
    } else {
      this.publicTape = source;
      const own = copyTape(source);
      ownTapes.set(this, own);
      this.inputs = source.inputs;
      this.outputs = source.outputs.length;
      this.data = source.data;
      this.size = source.op.length;
      this.layout = tapeLayouts(source);
      this.replay = engine === "wasm" ? new WasmEngine(own, settings.jit) : new JsEngine(own);
    }
    this.scalarPlain = this.outputs === 1 && this.data === 0;
    liveFunctions++;
    registry.register(this, this.replay, this);
  }

  /**
   * The recorded tape, for display and for other tools: a copy for reading. The function keeps
   * its own copy, taken when it was compiled, so changing this one (its arrays, its outputs, its
   * names) has no effect on any result, nor on toDot() or explain(). A function with array nodes
   * has the scalar expansion here (one node per element operation), made when first read.
   */
  get tape(): Tape {
    return (this.publicTape ??= copyTape(replayedTape(this)!));
  }

  /**
   * The values of the outputs at x. A function with data inputs takes its data vector next:
   * eval(θ, data, out?). The same holds for grad, vjp and jvp: data comes right before `out`.
   */
  eval(x: ArrayLike<number>, out?: Float64Array): Float64Array;
  /** The values of the outputs at x, with the data vector of a function with data inputs. */
  eval(x: ArrayLike<number>, data: ArrayLike<number>, out?: Float64Array): Float64Array;
  eval(x: ArrayLike<number>, a?: unknown, b?: unknown): Float64Array {
    // The fast path (see grad): no data inputs, x a Float64Array or plain array of n numbers,
    // out a Float64Array of m or left out.
    const replay = this.replay;
    const n = this.inputs;
    if (replay !== null && this.data === 0 && b === undefined && (x instanceof Float64Array ? x.length === n : isNumbers(x, n))) {
      if (a instanceof Float64Array) {
        if (a.length === this.outputs) {
          replay.eval(x, NO_DATA, a);
          return a;
        }
      } else if (a === undefined) {
        const values = new Float64Array(this.outputs);
        replay.eval(x, NO_DATA, values);
        return values;
      }
    }
    return this.evalChecked(x, a, b);
  }

  /** eval with every check, in the order that decides which error a bad call gets. */
  private evalChecked(x: ArrayLike<number>, a: unknown, b: unknown): Float64Array {
    const engine = this.live("eval");
    checkNumbers(x, this.inputs, "eval(x): x");
    const data = this.dataIn(a, b, "eval");
    const out = this.outIn(a, b);
    const values = this.result(out, this.outputs, "eval");
    engine.eval(x, data, values);
    return values;
  }

  /** The value of a scalar function at x and its gradient, by one reverse sweep. */
  grad(x: ArrayLike<number>, out?: Float64Array): { value: number; grad: Float64Array };
  /** The value and gradient of a scalar function at (x, data), by one reverse sweep. */
  grad(x: ArrayLike<number>, data: ArrayLike<number>, out?: Float64Array): { value: number; grad: Float64Array };
  grad(x: ArrayLike<number>, a?: unknown, b?: unknown): { value: number; grad: Float64Array } {
    // The fast path: the common call of a scalar function without data inputs, where every
    // check of gradChecked passes by construction — x a Float64Array of n (checkNumbers passes
    // any of those) or a plain array of n numbers, no second optional argument (a misplaced data
    // vector), out a Float64Array of n or left out. Anything else, and every call that would
    // throw, takes gradChecked: same checks in the same order, same errors as ever.
    const replay = this.replay;
    const n = this.inputs;
    if (replay !== null && this.scalarPlain && b === undefined && (x instanceof Float64Array ? x.length === n : isNumbers(x, n))) {
      if (a instanceof Float64Array) {
        if (a.length === n) return { value: replay.grad(x, NO_DATA, a), grad: a };
      } else if (a === undefined) {
        const grad = new Float64Array(n);
        return { value: replay.grad(x, NO_DATA, grad), grad };
      }
    }
    return this.gradChecked(x, a, b);
  }

  /** grad with every check, in the order that decides which error a bad call gets. */
  private gradChecked(x: ArrayLike<number>, a: unknown, b: unknown): { value: number; grad: Float64Array } {
    const engine = this.live("grad");
    this.scalarOnly("grad(x)");
    checkNumbers(x, this.inputs, "grad(x): x");
    const data = this.dataIn(a, b, "grad");
    const out = this.outIn(a, b);
    const grad = this.result(out, this.inputs, "grad");
    const value = engine.grad(x, data, grad);
    return { value, grad };
  }

  /** Vector-Jacobian product uᵀJ at x (reverse mode), with the output values. */
  vjp(x: ArrayLike<number>, u: ArrayLike<number>, out?: Float64Array): { value: Float64Array; grad: Float64Array };
  /** Vector-Jacobian product uᵀJ at (x, data) (reverse mode), with the output values. */
  vjp(x: ArrayLike<number>, u: ArrayLike<number>, data: ArrayLike<number>, out?: Float64Array): { value: Float64Array; grad: Float64Array };
  vjp(x: ArrayLike<number>, u: ArrayLike<number>, a?: unknown, b?: unknown): { value: Float64Array; grad: Float64Array } {
    const engine = this.live("vjp");
    checkNumbers(x, this.inputs, "vjp(x, u): x");
    checkNumbers(u, this.outputs, "vjp(x, u): u (one cotangent per output)");
    const data = this.dataIn(a, b, "vjp");
    const out = this.outIn(a, b);
    const grad = this.result(out, this.inputs, "vjp");
    const value = new Float64Array(this.outputs);
    engine.vjp(x, data, u, value, grad);
    return { value, grad };
  }

  /** Jacobian-vector product J·v at x (forward mode): every output's directional derivative. */
  jvp(x: ArrayLike<number>, v: ArrayLike<number>, out?: Float64Array): { value: Float64Array; tangent: Float64Array };
  /** Jacobian-vector product J·v at (x, data) (forward mode), with the output values. */
  jvp(x: ArrayLike<number>, v: ArrayLike<number>, data: ArrayLike<number>, out?: Float64Array): { value: Float64Array; tangent: Float64Array };
  jvp(x: ArrayLike<number>, v: ArrayLike<number>, a?: unknown, b?: unknown): { value: Float64Array; tangent: Float64Array } {
    const engine = this.live("jvp");
    checkNumbers(x, this.inputs, "jvp(x, v): x");
    checkNumbers(v, this.inputs, "jvp(x, v): v (one tangent per input)");
    const data = this.dataIn(a, b, "jvp");
    const out = this.outIn(a, b);
    const tangent = this.result(out, this.outputs, "jvp");
    const value = new Float64Array(this.outputs);
    engine.jvp(x, data, v, value, tangent);
    return { value, tangent };
  }

  /**
   * Forward mode along k directions in one go: V holds them row-major (k×n, direction l in
   * V[l·n … l·n + n − 1]). Returns the output values and tangents (k×m, row l = J·v_l), computed
   * in blocks of up to 8 directions per sweep.
   */
  jvpMany(x: ArrayLike<number>, V: ArrayLike<number>, k: number, data?: ArrayLike<number>): { value: Float64Array; tangents: Float64Array } {
    const engine = this.live("jvpMany");
    const point = this.dataArg(data, "jvpMany");
    checkNumbers(x, this.inputs, "jvpMany(x, V, k): x");
    checkCount(k, "jvpMany(x, V, k): k (the number of directions)");
    checkDense(k, this.inputs, "jvpMany(x, V, k): V, k × n", MANY_INSTEAD);
    checkDense(k, this.outputs, "jvpMany(x, V, k): the tangents, k × m", MANY_INSTEAD);
    checkNumbers(V, k * this.inputs, `jvpMany(x, V, k): V (k × n = ${k} × ${this.inputs}, row-major)`);
    const value = new Float64Array(this.outputs);
    const tangents = new Float64Array(k * this.outputs);
    sweeps.jvpMany(engine, this.outputs, x, point, V, k, value, tangents);
    return { value, tangents };
  }

  /**
   * Reverse mode for k cotangents in one go: U holds them row-major (k×m). Returns the output
   * values and the products (k×n, row l = u_lᵀJ), in blocks of up to 8 cotangents per sweep.
   */
  vjpMany(x: ArrayLike<number>, U: ArrayLike<number>, k: number, data?: ArrayLike<number>): { value: Float64Array; grads: Float64Array } {
    const engine = this.live("vjpMany");
    const point = this.dataArg(data, "vjpMany");
    checkNumbers(x, this.inputs, "vjpMany(x, U, k): x");
    checkCount(k, "vjpMany(x, U, k): k (the number of cotangents)");
    checkDense(k, this.outputs, "vjpMany(x, U, k): U, k × m", MANY_INSTEAD);
    checkDense(k, this.inputs, "vjpMany(x, U, k): the products, k × n", MANY_INSTEAD);
    checkNumbers(U, k * this.outputs, `vjpMany(x, U, k): U (k × m = ${k} × ${this.outputs}, row-major)`);
    const value = new Float64Array(this.outputs);
    const grads = new Float64Array(k * this.inputs);
    sweeps.vjpMany(engine, this.inputs, x, point, U, k, value, grads);
    return { value, grads };
  }

  /**
   * The m×n Jacobian at x, row-major. mode "forward" takes ⌈n/8⌉ tangent sweeps (one column per
   * lane), "reverse" ⌈m/8⌉ adjoint sweeps (one row per lane), "auto" (default) the cheaper.
   */
  jacobian(x: ArrayLike<number>, options: JacobianOptions = {}): Jacobian {
    const engine = this.live("jacobian");
    checkOptionKeys(options, ["mode", "data"], "jacobian(x, options)");
    const mode = checkMode(options.mode, "jacobian");
    checkDense(
      this.outputs, this.inputs, "jacobian(x): the m × n Jacobian",
      "take it in parts with vjpMany or jvpMany, or use jvp/vjp products without forming it",
    );
    checkNumbers(x, this.inputs, "jacobian(x): x");
    const point = this.dataArg(options.data, "jacobian");
    const value = new Float64Array(this.outputs);
    const data = new Float64Array(this.outputs * this.inputs);
    const used = sweeps.jacobian(engine, this.inputs, this.outputs, x, point, mode, value, data);
    return { data, rows: this.outputs, cols: this.inputs, mode: used, value };
  }

  /** The Jacobian by forward mode (jacobian(x, { mode: "forward" })). */
  jacfwd(x: ArrayLike<number>, data?: ArrayLike<number>): Jacobian {
    return this.jacobian(x, { mode: "forward", data });
  }

  /** The Jacobian by reverse mode (jacobian(x, { mode: "reverse" })). */
  jacrev(x: ArrayLike<number>, data?: ArrayLike<number>): Jacobian {
    return this.jacobian(x, { mode: "reverse", data });
  }

  /**
   * Hessian-vector product ∇²f(x)·v of a scalar function, by forward over reverse: one tangent
   * sweep along v, then one reverse sweep carrying adjoints and their tangents.
   */
  hvp(x: ArrayLike<number>, v: ArrayLike<number>, out?: Float64Array): Float64Array;
  /** Hessian-vector product ∇²f·v of a scalar function at (x, data); the data are not differentiated. */
  hvp(x: ArrayLike<number>, v: ArrayLike<number>, data: ArrayLike<number>, out?: Float64Array): Float64Array;
  hvp(x: ArrayLike<number>, v: ArrayLike<number>, a?: unknown, b?: unknown): Float64Array {
    const engine = this.live("hvp");
    this.scalarOnly("hvp(x, v)");
    checkNumbers(x, this.inputs, "hvp(x, v): x");
    checkNumbers(v, this.inputs, "hvp(x, v): v (one entry per input)");
    const data = this.dataIn(a, b, "hvp");
    const out = this.outIn(a, b);
    const result = this.result(out, this.inputs, "hvp");
    sweeps.hvp(engine, x, data, v, result);
    return result;
  }

  /** The n×n Hessian of a scalar function at x, row-major: n Hessian-vector products, 8 per sweep. */
  hessian(x: ArrayLike<number>, data?: ArrayLike<number>): Matrix & { value: number } {
    const engine = this.live("hessian");
    const point = this.dataArg(data, "hessian");
    this.scalarOnly("hessian(x)");
    checkDense(
      this.inputs, this.inputs, "hessian(x): the n × n Hessian",
      "use hvp(x, v) for Hessian-vector products without forming it",
    );
    checkNumbers(x, this.inputs, "hessian(x): x");
    const H = new Float64Array(this.inputs * this.inputs);
    const value = sweeps.hessian(engine, this.inputs, x, point, H);
    return { data: H, rows: this.inputs, cols: this.inputs, value };
  }

  /**
   * The structural nonzeros of the m×n Jacobian, as CSR (rows = outputs, cols = inputs): entry
   * (r, c) can be nonzero at some point. Computed once from the tape (one forward pass of index
   * sets) and cached; each call returns a new copy. `select` depends on both branches, comparisons
   * and floor/ceil/round/trunc/sign on nothing, relu/abs/min/max on every operand.
   */
  jacobianSparsity(): SparsityPattern {
    this.live("jacobianSparsity");
    return sparse.copyPattern(sparse.jacobianPattern(replayedTape(this)!));
  }

  /**
   * The structural nonzeros of the n×n Hessian, as CSR, both triangles: for a function with
   * several outputs, the union over them (the pattern of any weighted sum). Computed once (a
   * reverse pass, then a forward pass of index sets) and cached; each call returns a new copy.
   */
  hessianSparsity(): SparsityPattern {
    this.live("hessianSparsity");
    return sparse.copyPattern(sparse.hessianPattern(replayedTape(this)!));
  }

  /**
   * The Jacobian's nonzeros at x, in the order of jacobianSparsity(): one seeded tangent per
   * column color (forward) or cotangent per row color (reverse), up to 8 per sweep, each entry
   * read directly. Pattern and colorings are computed on the first call and cached.
   */
  sparseJacobian(x: ArrayLike<number>, options: SparseJacobianOptions = {}): SparseJacobian {
    const engine = this.live("sparseJacobian");
    checkOptionKeys(options, ["mode", "data"], "sparseJacobian(x, options)");
    const mode = checkMode(options.mode, "sparseJacobian");
    checkNumbers(x, this.inputs, "sparseJacobian(x): x");
    const point = this.dataArg(options.data, "sparseJacobian");
    const value = new Float64Array(this.outputs);
    const result = sparse.sparseJacobian(engine, replayedTape(this)!, x, point, mode, value);
    return { data: result.data, value, mode: result.mode, colors: result.colors };
  }

  /**
   * The Hessian's nonzeros at x of a scalar function, in the order of hessianSparsity(): one
   * Hessian-vector product per color of a star coloring, up to 8 per sweep, each entry read
   * directly (H_ij and H_ji from the same number: exactly symmetric). Pattern and coloring are
   * computed on the first call and cached.
   */
  sparseHessian(x: ArrayLike<number>, options: SparseHessianOptions = {}): SparseHessian {
    const engine = this.live("sparseHessian");
    checkOptionKeys(options, ["data"], "sparseHessian(x, options)");
    this.scalarOnly("sparseHessian(x)");
    checkNumbers(x, this.inputs, "sparseHessian(x): x");
    const point = this.dataArg(options.data, "sparseHessian");
    const result = sparse.sparseHessian(engine, replayedTape(this)!, x, point);
    return { data: result.data, value: result.value, colors: result.colors };
  }

  /**
   * The outputs at θ for every point of a dataset: `dataset` holds B data vectors row-major
   * (length B·data). Returns B·outputs values, row-major: point k's outputs at k·outputs.
   */
  evalBatch(params: ArrayLike<number>, dataset: ArrayLike<number>): Float64Array {
    const engine = this.live("evalBatch");
    checkNumbers(params, this.inputs, "evalBatch(params, dataset): params");
    const { rows, count } = checkDataset(dataset, this.data, "evalBatch");
    checkDense(count, this.outputs, "evalBatch(params, dataset): the values, points × outputs", BATCH_INSTEAD);
    const values = new Float64Array(count * this.outputs);
    engine.evalBatch(params, rows, count, values);
    return values;
  }

  /** Per point of the dataset: the loss (value[k]) and its gradient (grad[k·params …]). */
  gradBatch(params: ArrayLike<number>, dataset: ArrayLike<number>): { value: Float64Array; grad: Float64Array } {
    const engine = this.live("gradBatch");
    this.scalarOnly("gradBatch(params, dataset)");
    checkNumbers(params, this.inputs, "gradBatch(params, dataset): params");
    const { rows, count } = checkDataset(dataset, this.data, "gradBatch");
    checkDense(count, this.inputs, "gradBatch(params, dataset): the gradients, points × params", BATCH_INSTEAD);
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
  /** The mean loss and mean gradient, computed in `workers` threads: resolves to a new grad array. */
  meanGrad(params: ArrayLike<number>, dataset: ArrayLike<number>, options: { workers: number }): Promise<{ value: number; grad: Float64Array }>;
  meanGrad(
    params: ArrayLike<number>,
    dataset: ArrayLike<number>,
    outOrOptions?: Float64Array | { workers: number },
  ): { value: number; grad: Float64Array } | Promise<{ value: number; grad: Float64Array }> {
    const engine = this.live("meanGrad");
    this.scalarOnly("meanGrad(params, dataset)");
    checkNumbers(params, this.inputs, "meanGrad(params, dataset): params");
    const { rows, count } = checkDataset(dataset, this.data, "meanGrad");
    // An array of any kind is a (wrong) output array, for result() to name; anything else options.
    if (outOrOptions !== undefined && !ArrayBuffer.isView(outOrOptions) && !Array.isArray(outOrOptions)) {
      checkOptionKeys(outOrOptions, ["workers"], "meanGrad(params, dataset, options)");
      const workers = checkWorkers(outOrOptions);
      // The pool copies θ and the rows before it returns: the caller may change them right away.
      if (workers > 1) return this.workerPool().meanGrad(params, rows, count, workers);
      return Promise.resolve(this.meanGrad(params, rows));
    }
    const grad = this.result(outOrOptions as Float64Array | undefined, this.inputs, "meanGrad");
    // Each term is scaled by 1/count before it is added (not the sum divided afterwards), so the
    // mean of finite values is finite even where their sum would overflow.
    const value = engine.sumGradBatch(params, rows, count, grad, 1 / count);
    return { value, grad };
  }

  /**
   * True when compiled WebAssembly (the JIT tier) runs this function's eval, grad, vjp and jvp;
   * false while it is interpreted (before "auto" compiles it, with jit: false, on the js engine, for
   * array functions, and after dispose). See README "The JIT".
   */
  get jit(): boolean {
    return this.replay instanceof WasmEngine && this.replay.jit;
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

  /** @internal Declared for consumers by the interface above. */
  [disposeSymbol](): void {
    this.dispose();
  }

  // The optional arguments after the fixed ones are (out?) without data inputs and (data, out?)
  // with them (see eval). Two lookups instead of a rest array or a tuple: no allocation per call.

  /** The data vector among the optional arguments a, b. */
  private dataIn(a: unknown, b: unknown, method: string): ArrayLike<number> {
    // Without data inputs a second optional argument can only be a misplaced data vector.
    return this.dataArg(this.data === 0 ? b : a, method);
  }

  /** The output array among the optional arguments a, b (checked by result()). */
  private outIn(a: unknown, b: unknown): Float64Array | undefined {
    return (this.data === 0 ? a : b) as Float64Array | undefined;
  }

  /** The data vector of one point: required (and checked) exactly when the function has data inputs. */
  private dataArg(data: unknown, method: string): ArrayLike<number> {
    if (this.data === 0) {
      if (data !== undefined) throw new Error(`tapegrad: ${method}(): this function has no data inputs, but a data vector was given`);
      return NO_DATA;
    }
    if (data === undefined) {
      throw new Error(`tapegrad: ${method}(): this function has ${this.data} data inputs: pass the data vector after the fixed arguments`);
    }
    checkNumbers(data, this.data, `${method}(): data`);
    return data;
  }

  /**
   * The function's one pool, which grows to the largest worker count asked; each call uses its
   * first `workers` threads (see src/batch/pool.ts). Never replaced while the function lives, so
   * calls in flight with other counts keep their threads.
   */
  private workerPool(): WorkerPool {
    if (this.engine !== "wasm") {
      throw new Error('tapegrad: meanGrad(…, { workers }) runs the WebAssembly kernels in each thread; compile with engine "wasm"');
    }
    if (this.pool === null) {
      // An array function's threads replay its scalar expansion (the batch kernels' lanes).
      const tape = replayedTape(this)!;
      // Compiled batch sweeps in the threads too (src/jit/), for scalar tapes: as the calling thread's.
      this.pool = new WorkerPool(tape, !ownPrograms.has(this) && workersCompile(tape.op.length, this.jitOption));
      threadsOf.set(this.replay!, this.pool);
    }
    return this.pool;
  }

  private live(method: string): Engine {
    if (this.replay === null) throw new Error(`tapegrad: ${method}() called on a disposed function`);
    return this.replay;
  }

  /** Throws unless the function has exactly one output; `call` names the method, e.g. "hvp(x, v)". */
  private scalarOnly(call: string): void {
    if (this.outputs !== 1) {
      throw new Error(
        `tapegrad: ${call} needs a scalar function (one output), this one has ${this.outputs} outputs; ` +
          "compile a weighted sum of them, use vjp(x, u), or jacobian(x) for all first derivatives",
      );
    }
  }

  /**
   * The caller's `out` (checked) or a new array. `out` may overlap an input of the call: both
   * engines read every input before they write `out`, so the answer is that of a separate array.
   */
  private result(out: Float64Array | undefined, length: number, method: string): Float64Array {
    if (out === undefined) return new Float64Array(length);
    checkOut(out, length, method);
    return out;
  }

}

const MANY_INSTEAD = "pass the directions in smaller groups (fewer per call)";
const BATCH_INSTEAD = "split the dataset into smaller batches, or use meanGrad for the mean gradient";

/** The mode option of jacobian() and sparseJacobian(): "auto" when left out. */
function checkMode(mode: unknown, method: string): "auto" | JacobianMode {
  if (mode === undefined) return "auto";
  if (mode !== "auto" && mode !== "forward" && mode !== "reverse") {
    throw new Error(`tapegrad: ${method}(): mode must be "auto", "forward" or "reverse", got ${JSON.stringify(mode)}`);
  }
  return mode;
}

/** Throws unless k is a non-negative integer count. */
function checkCount(k: unknown, what: string): asserts k is number {
  if (typeof k !== "number" || !Number.isInteger(k) || k < 0) {
    throw new RangeError(`tapegrad: ${what} must be a non-negative integer, got ${describe(k)}`);
  }
}
