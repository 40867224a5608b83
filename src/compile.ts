/**
 * compile(): run the user's function once on traced variables, freeze what it recorded into a
 * tape, and bind the tape to an engine.
 */
import { Compiled } from "./compiled.js";
import type { EngineName } from "./engine/engine.js";
import { OP } from "./ops.js";
import { MAX_NODES, Trace, withTrace } from "./trace.js";
import { checkUnusedComparisons } from "./unused-comparisons.js";
import { checkOptionKeys } from "./validate.js";
import { describe, nodeOf, Var, type Operand } from "./var.js";

/** What a traced function returns: one output, or an array of outputs. */
export type Output = Operand | readonly Operand[];

/** Options of compile(fn, options). */
export interface CompileOptions {
  /** Engine that replays the tape: "wasm" (default) or "js" (the TypeScript reference). */
  engine?: EngineName;
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

/** Parameters and data: compile({ params: 2, data: 2 }, ([w, b], [x, y]) => …). */
export function compile(spec: DataCompileOptions, fn: (params: Var[], data: Var[]) => Output): Compiled;
/** Record fn once and return it compiled. Scalar parameters: compile((x, y) => …). */
export function compile(fn: (...xs: Var[]) => Output, options?: CompileOptions): Compiled;
/** A function of a vector: compile((xs) => …, { inputs: n }); xs holds n variables. */
export function compile(fn: (xs: Var[]) => Output, options: VectorCompileOptions): Compiled;
export function compile(
  fn: ((...xs: Var[]) => Output) | ((xs: Var[]) => Output) | DataCompileOptions,
  options: (CompileOptions & { inputs?: number }) | ((params: Var[], data: Var[]) => Output) = {},
  ...extra: unknown[]
): Compiled {
  if (typeof options === "function") {
    if (extra.length > 0) {
      throw new TypeError(
        "tapegrad: compile({ params, data }, fn) takes two arguments, got a third: options go inside the spec " +
          "object, e.g. compile({ params, data, engine, names, dataNames }, fn)",
      );
    }
    return compileWithData(fn as DataCompileOptions, options);
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
  checkOptionKeys(options, ["inputs", "engine", "names"], "compile(fn, options)");
  const engine = engineOf(options);
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
  const tape = trace.finish(inputs, 0, outputs, { ...names, dataNames: [], dataVectorName: "data" });
  checkUnusedComparisons(tape, "compile()");
  return new Compiled(tape, engine);
}

function compileWithData(spec: DataCompileOptions, fn: (params: Var[], data: Var[]) => Output): Compiled {
  if (spec === null || typeof spec !== "object") {
    throw new TypeError(`tapegrad: compile(spec, fn) needs an object { params, data } first, got ${describe(spec)}`);
  }
  checkOptionKeys(spec, ["params", "data", "engine", "names", "dataNames"], "compile({ params, data }, fn)");
  const engine = engineOf(spec);
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
  const tape = trace.finish(params, data, outputs, {
    inputNames,
    vectorName: declared?.[0] ?? "params",
    dataNames,
    dataVectorName: declared?.[1] ?? "data",
  });
  checkUnusedComparisons(tape, "compile()");
  return new Compiled(tape, engine);
}

function engineOf(options: CompileOptions): EngineName {
  const engine = options.engine === undefined ? "wasm" : options.engine;
  if (engine !== "wasm" && engine !== "js") {
    throw new Error(`tapegrad: unknown engine ${JSON.stringify(engine)}; use "wasm" or "js"`);
  }
  return engine;
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
