/**
 * compile(): run the user's function once on traced variables, freeze what it recorded into a
 * tape, and bind the tape to an engine.
 */
import { Compiled, type FunctionLayout, type TapeNames } from "./compiled.js";
import { buildProgram, checkProgramComparisons } from "./array/program.js";
import { Layout, tapeLayouts } from "./array/layout.js";
import { showShape, sizeOf } from "./array/node.js";
import { arrayVar } from "./array/record.js";
import type { EngineName } from "./engine/engine.js";
import { OP } from "./ops.js";
import { MAX_NODES, Trace, withTrace } from "./trace.js";
import { checkUnusedComparisons } from "./unused-comparisons.js";
import { checkOptionKeys } from "./validate.js";
import { checkJitOption, type JitOption } from "./jit/option.js";
import type { EngineSettings } from "./compiled.js";
import { describe, nodeOf, Var, type Operand } from "./var.js";

/** What a traced function returns: one output, or an array of outputs. */
export type Output = Operand | readonly Operand[];

/** Options of compile(fn, options). */
export interface CompileOptions {
  /** Engine that replays the tape: "wasm" (default) or "js" (the TypeScript reference). */
  engine?: EngineName;
  /**
   * Compile the tape to WebAssembly (the wasm engine's JIT tier, see README "The JIT"): "auto"
   * (default) after the first calls and up to a size where it pays, true now (or an error), false never.
   */
  jit?: JitOption;
  /** Display names of the inputs; by default fn's parameter names (x0, x1, … if not plain), or xs[i] for an array xs. */
  names?: readonly string[];
}

/** Options of compile((xs) => …, { inputs: n }), for a function of a vector. */
export interface VectorCompileOptions extends CompileOptions {
  /** Required: the function takes one array of this many variables instead of one parameter each. */
  inputs: number;
}

/**
 * The spec of compile({ params, data }, fn): the parameters are differentiated, the data inputs
 * are not and change per call — one data vector per point of a dataset.
 */
export interface DataCompileOptions extends CompileOptions {
  /** Required: number of differentiated inputs (θ), given to fn as its first array. */
  params: number;
  /** Required: number of data inputs per point (xᵢ, yᵢ), given to fn as its second array. */
  data: number;
  /** Display names of the data inputs; by default `data[j]`. */
  dataNames?: readonly string[];
}

/** Shapes of named inputs: `[]` a scalar, `[n]` a vector, `[r, c]` a row-major matrix. */
export type Shapes = Readonly<Record<string, readonly number[]>>;

/** The variables of named inputs, under the keys of their shapes. */
export type Variables<S extends Shapes> = { readonly [K in keyof S]: Var };

/**
 * The spec of compile({ params: { W: [16, 2], … }, data: { x: [2], … } }, fn) (docs/arrays.md):
 * named inputs of any shape. θ holds the params in key order, each row-major; a data vector the
 * data entries the same way.
 */
export interface ShapedCompileOptions<P extends Shapes, D extends Shapes> extends CompileOptions {
  /** Required: the differentiated inputs by name and shape. */
  params: P;
  /** The data inputs (not differentiated) by name and shape; leave out for none. */
  data?: D;
  /** Not used with named inputs: their names are the keys. */
  names?: never;
}

/** Parameters and data: compile({ params: 2, data: 2 }, ([w, b], [x, y]) => …). */
export function compile(spec: DataCompileOptions, fn: (params: Var[], data: Var[]) => Output): Compiled;
/** Named inputs of any shape: compile({ params: { W: [4, 2], b: [4] }, data: { x: [2] } }, ({ W, b }, { x }) => …). */
export function compile<P extends Shapes, D extends Shapes = Record<never, never>>(
  spec: ShapedCompileOptions<P, D>,
  fn: (params: Variables<P>, data: Variables<D>) => Output,
): Compiled;
/** Record fn once and return it compiled. Scalar parameters: compile((x, y) => …). */
export function compile(fn: (...xs: Var[]) => Output, options?: CompileOptions): Compiled;
/** A function of a vector: compile((xs) => …, { inputs: n }); xs holds n variables. */
export function compile(fn: (xs: Var[]) => Output, options: VectorCompileOptions): Compiled;
export function compile(
  fn: ((...xs: Var[]) => Output) | ((xs: Var[]) => Output) | DataCompileOptions | ShapedCompileOptions<Shapes, Shapes>,
  options: (CompileOptions & { inputs?: number }) | ((params: never, data: never) => Output) = {},
  ...extra: unknown[]
): Compiled {
  if (typeof options === "function") {
    if (extra.length > 0) {
      throw new TypeError(
        "tapegrad: compile({ params, data }, fn) takes two arguments, got a third: options go inside the spec " +
          "object, e.g. compile({ params, data, engine, names, dataNames }, fn)",
      );
    }
    const spec = fn as unknown;
    if (spec !== null && typeof spec === "object" && isShapes((spec as { params?: unknown }).params)) {
      return compileShaped(spec as ShapedCompileOptions<Shapes, Shapes>, options as (p: Variables<Shapes>, d: Variables<Shapes>) => Output);
    }
    return compileWithData(fn as DataCompileOptions, options as (params: Var[], data: Var[]) => Output);
  }
  if (fn !== null && typeof fn === "object") {
    throw new TypeError(`tapegrad: compile({ params, data }, fn) needs the traced function second, got ${describe(options)}`);
  }
  if (typeof fn !== "function") throw new TypeError(`tapegrad: compile() needs a function, got ${describe(fn)}`);
  if (options !== null && typeof options === "object" && ("params" in options || "data" in options)) {
    throw new TypeError(
      "tapegrad: compile(fn, { params, data }): the arguments are swapped — a function of parameters and " +
        "data takes its spec first: compile({ params, data }, fn)",
    );
  }
  if (extra.length > 0) {
    throw new TypeError(
      "tapegrad: compile(fn, options) takes two arguments, got a third: put every option in the options " +
        "object, e.g. compile(fn, { inputs, engine, names })",
    );
  }
  checkOptionKeys(options, ["inputs", "engine", "names", "jit"], "compile(fn, options)");
  const engine = settingsOf(options, "compile(fn, options)");
  const vector = options.inputs !== undefined;
  if (vector && fn.length > 1) {
    throw new Error(
      `tapegrad: compile(fn, { inputs }): a function of a vector takes one array, but fn declares ${fn.length} parameters`,
    );
  }
  const inputs = vector ? options.inputs! : fn.length;
  if (!Number.isInteger(inputs) || inputs < 0) {
    throw new RangeError(`tapegrad: compile(): inputs must be a non-negative integer, got ${describe(options.inputs)}`);
  }
  checkTapeSize(inputs, "compile(fn, { inputs })", `inputs is ${inputs}`);
  if (!vector && inputs === 0) {
    throw new Error(
      "tapegrad: compile(fn): fn declares no parameters (rest or default parameters don't count); " +
        "for a function of a vector use compile((xs) => …, { inputs: n })",
    );
  }
  const names = inputNames(fn, inputs, vector, options.names);

  const trace = new Trace();
  const outputs = withTrace(trace, () => {
    const xs: Var[] = new Array(inputs);
    for (let i = 0; i < inputs; i++) xs[i] = new Var(trace, trace.push(OP.INPUT, i, 0));
    let result: unknown;
    try {
      result = vector ? (fn as (xs: Var[]) => Output)(xs) : (fn as (...xs: Var[]) => Output)(...xs);
    } catch (error) {
      throw vector || inputs !== 1 ? error : scalarMisuse(error);
    }
    return outputNodes(trace, result);
  });
  return finish(trace, inputs, 0, outputs, { ...names, dataNames: [], dataVectorName: "data" }, engine);
}

function compileWithData(spec: DataCompileOptions, fn: (params: Var[], data: Var[]) => Output): Compiled {
  if (spec === null || typeof spec !== "object") {
    throw new TypeError(`tapegrad: compile(spec, fn) needs an object { params, data } first, got ${describe(spec)}`);
  }
  checkOptionKeys(spec, ["params", "data", "engine", "names", "dataNames", "jit"], "compile({ params, data }, fn)");
  const engine = settingsOf(spec, "compile({ params, data }, fn)");
  for (const key of ["params", "data"] as const) {
    const count = spec[key];
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`tapegrad: compile({ params, data }, fn): ${key} must be a non-negative integer, got ${describe(count)}`);
    }
  }
  const { params, data } = spec;
  checkTapeSize(params + data, "compile({ params, data }, fn)", `params + data is ${params} + ${data} = ${params + data}`);
  const given = (names: readonly string[] | undefined, count: number, what: string): string[] => {
    if (names === undefined) return [];
    checkNames(names, count, what);
    return [...names];
  };
  const inputNames = given(spec.names, params, "names");
  const dataNames = given(spec.dataNames, data, "dataNames");
  const declared = parameterNames(fn);

  const trace = new Trace();
  const outputs = withTrace(trace, () => {
    const ps: Var[] = new Array(params);
    for (let i = 0; i < params; i++) ps[i] = new Var(trace, trace.push(OP.INPUT, i, 0));
    const ds: Var[] = new Array(data);
    for (let j = 0; j < data; j++) ds[j] = new Var(trace, trace.push(OP.DATA, j, 0));
    return outputNodes(trace, fn(ps, ds));
  });
  const names: TapeNames = { inputNames, vectorName: declared?.[0] ?? "params", dataNames, dataVectorName: declared?.[1] ?? "data" };
  return finish(trace, params, data, outputs, names, engine);
}

/**
 * The end of every compile(): a trace of scalar nodes only becomes a tape (tape.ts) for the
 * scalar kernels; one with array nodes an array program (array/program.ts).
 */
function finish(
  trace: Trace, inputs: number, data: number, outputs: number[], names: TapeNames | (() => TapeNames), engine: EngineSettings,
  layout?: FunctionLayout,
): Compiled {
  // Names of 10⁵ elements cost more than compiling an array program: an array function makes them
  // only if its scalar expansion is ever built (for jvp, Jacobians, Hessians, f.tape).
  const named = (): TapeNames => (typeof names === "function" ? names() : names);
  if (trace.arrays.length === 0) {
    const tape = trace.finish(inputs, data, outputs, named());
    checkUnusedComparisons(tape, "compile()");
    return new Compiled(tape, engine);
  }
  const program = buildProgram(trace, outputs, inputs, data);
  checkProgramComparisons(program, "compile()");
  if (engine.jit === true) {
    throw new Error(
      "tapegrad: compile(): { jit: true } compiles scalar tapes, and this function has array-valued nodes, which " +
        'run in the array engine\'s own kernels (docs/arrays.md); use { jit: "auto" } or leave jit out',
    );
  }
  return new Compiled({ program, names: named, layout: layout ?? tapeLayouts({ inputs, data, ...named() }) }, engine);
}

/** True for an object of shapes (the named form of params and data). */
function isShapes(x: unknown): boolean {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

/** Checks a spec's shapes: { name: [] | [n] | [r, c] } with positive integer dimensions. */
function checkShapes(shapes: unknown, key: string): { name: string; shape: number[] }[] {
  if (!isShapes(shapes)) {
    throw new TypeError(
      `tapegrad: compile({ params, data }, fn): with named params, ${key} must be an object of shapes too ` +
        `(e.g. { x: [2], y: [] }), got ${describe(shapes)}`,
    );
  }
  return Object.entries(shapes as object).map(([name, shape]) => {
    const ok = Array.isArray(shape) && shape.length <= 2 && shape.every((d) => Number.isInteger(d) && d >= 1);
    if (!ok) {
      const empty = Array.isArray(shape) && shape.some((d) => d === 0);
      throw new TypeError(
        `tapegrad: compile({ params, data }, fn): ${key}.${name} must be a shape — [] (a scalar), [n] (a vector) or ` +
          `[r, c] (a matrix) of positive integers — got ${Array.isArray(shape) ? JSON.stringify(shape) : describe(shape)}` +
          (empty ? " (arrays have at least one element)" : ""),
      );
    }
    return { name, shape: [...(shape as number[])] };
  });
}

function compileShaped(
  spec: ShapedCompileOptions<Shapes, Shapes>,
  fn: (params: Variables<Shapes>, data: Variables<Shapes>) => Output,
): Compiled {
  checkOptionKeys(spec, ["params", "data", "engine", "jit"], "compile({ params, data }, fn) with named inputs");
  const engine = settingsOf(spec, "compile({ params, data }, fn)");
  const params = checkShapes(spec.params, "params");
  const data = spec.data === undefined ? [] : checkShapes(spec.data, "data");
  const layout = { params: new Layout(params, "θ"), data: new Layout(data, "a data vector") };
  const total = layout.params.size + layout.data.size;
  checkTapeSize(total, "compile({ params, data }, fn)", `the inputs hold ${total} elements`);

  const trace = new Trace();
  const outputs = withTrace(trace, () => {
    const ps: Record<string, Var> = {};
    const ds: Record<string, Var> = {};
    // Scalar entries first, as the nodes 0 … of a scalar tape (params, then data), so a function
    // of scalar entries only is an ordinary tape; array entries are one node each.
    for (const [entries, l, out, op] of [[params, layout.params, ps, OP.INPUT], [data, layout.data, ds, OP.DATA]] as const) {
      for (const { name } of entries) {
        const e = l.entry(name);
        if (e.shape.length === 0) out[name] = new Var(trace, trace.push(op, e.offset, 0));
      }
    }
    for (const [entries, l, out, kind] of [[params, layout.params, ps, "input"], [data, layout.data, ds, "data"]] as const) {
      for (const { name } of entries) {
        const e = l.entry(name);
        if (e.shape.length > 0) out[name] = arrayVar(trace, { kind, op: 0, args: [], shape: e.shape, offset: e.offset });
      }
    }
    // The objects list their keys in the spec's order, whatever the kind of entry.
    const inOrder = (entries: readonly { name: string }[], vars: Record<string, Var>): Record<string, Var> =>
      Object.freeze(Object.fromEntries(entries.map(({ name }) => [name, vars[name]!])));
    return outputNodes(trace, fn(inOrder(params, ps), inOrder(data, ds)));
  });
  const names = (): TapeNames => ({
    inputNames: elementNames(layout.params),
    vectorName: "params",
    dataNames: elementNames(layout.data),
    dataVectorName: "data",
  });
  return finish(trace, layout.params.size, layout.data.size, outputs, names, engine, layout);
}

/** One display name per element of a layout: s, v[3], W[1,0]. */
function elementNames(layout: Layout): string[] {
  const names: string[] = [];
  for (const e of layout.entries) {
    if (e.shape.length === 0) names.push(e.name);
    else if (e.shape.length === 1) for (let i = 0; i < e.size; i++) names.push(`${e.name}[${i}]`);
    else {
      const c = e.shape[1]!;
      for (let i = 0; i < e.size; i++) names.push(`${e.name}[${Math.floor(i / c)},${i % c}]`);
    }
  }
  return names;
}

function settingsOf(options: CompileOptions, where: string): EngineSettings {
  const engine = options.engine === undefined ? "wasm" : options.engine;
  if (engine !== "wasm" && engine !== "js") {
    throw new Error(`tapegrad: unknown engine ${JSON.stringify(engine)}; use "wasm" or "js"`);
  }
  const jit = checkJitOption(options.jit, where);
  if (jit === true && engine === "js") {
    throw new Error(`tapegrad: ${where}: { jit: true } is a tier of the wasm engine; the js engine always interprets (drop engine: "js" or jit: true)`);
  }
  return { engine, jit };
}

function outputNodes(trace: Trace, result: unknown): number[] {
  const list = Array.isArray(result) ? (result as unknown[]) : [result];
  if (list.length === 0) throw new Error("tapegrad: the compiled function returned an empty array: no outputs");
  return list.map((item, j) => {
    if (!(item instanceof Var) && typeof item !== "number") {
      const where = Array.isArray(result) ? `output ${j}` : "the result";
      throw new TypeError(`tapegrad: ${where} of the compiled function must be a variable or a number, got ${describe(item)}`);
    }
    return nodeOf(trace, item);
  });
}

/** Throws unless names is an array of `count` strings (a string "ab" is not: it has no names). */
function checkNames(names: unknown, count: number, what: string): asserts names is readonly string[] {
  if (!Array.isArray(names) || names.length !== count || names.some((name) => typeof name !== "string")) {
    throw new TypeError(
      `tapegrad: compile(): ${what} must be ${count} strings in an array, one per input, got ${describe(names)}` +
        (typeof names === "string" ? ` — e.g. ${JSON.stringify([...names])} for one-letter names` : ""),
    );
  }
}

/**
 * Refuses, before any array of that size is made, more inputs than a tape may hold nodes: each
 * input is a node, and 2^31 inputs would exhaust the JS heap before the tape's own check ran.
 */
function checkTapeSize(nodes: number, call: string, what: string): void {
  if (nodes > MAX_NODES) {
    throw new RangeError(
      `tapegrad: ${call}: ${what}, more than the ${MAX_NODES.toLocaleString("en-US")} nodes (2^27) a tape may ` +
        "hold, and each input is a node; split the problem into smaller functions",
    );
  }
}

/**
 * A TypeError thrown by a function of one scalar variable, compiled without { inputs }: most
 * likely a function of a vector (xs.map is not a function), so say how to compile one.
 */
function scalarMisuse(error: unknown): unknown {
  if (!(error instanceof TypeError) || error.message.startsWith("tapegrad:")) return error;
  return new TypeError(
    `tapegrad: compile(fn): fn threw "${error.message}" when called with one scalar variable. ` +
      "If fn takes an array of variables, pass { inputs: n }: compile((xs) => …, { inputs: n })",
    { cause: error },
  );
}

/** Input names: the ones given, else the parameter names, else x0, x1, … (see Tape). */
function inputNames(
  fn: Function,
  inputs: number,
  vector: boolean,
  given?: readonly string[],
): { inputNames: string[]; vectorName: string } {
  if (given !== undefined) {
    checkNames(given, inputs, "names");
    return { inputNames: [...given], vectorName: "x" };
  }
  const params = parameterNames(fn);
  if (vector) return { inputNames: [], vectorName: params?.length === 1 ? params[0]! : "x" };
  if (params !== null && params.length === inputs) return { inputNames: params, vectorName: "x" };
  return { inputNames: Array.from({ length: inputs }, (_, i) => `x${i}`), vectorName: "x" };
}

/** The plain identifiers of fn's parameter list, or null when it is anything fancier. */
function parameterNames(fn: Function): string[] | null {
  const source = Function.prototype.toString.call(fn);
  const match = /^\s*(?:async\s*)?(?:function\b[^(]*)?\(([^)]*)\)/.exec(source) ?? /^\s*(?:async\s+)?([\w$]+)\s*=>/.exec(source);
  if (match === null) return null;
  const names = match[1]!.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return names.every((name) => /^[A-Za-z_$][\w$]*$/.test(name)) ? names : null;
}
