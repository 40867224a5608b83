/**
 * compile(): run the user's function once on traced variables, freeze what it recorded into a
 * tape, and bind the tape to an engine.
 */
import { Compiled } from "./compiled.js";
import type { EngineName } from "./engine/engine.js";
import { OP } from "./ops.js";
import { Trace, withTrace } from "./trace.js";
import { describe, nodeOf, Var, type Operand } from "./var.js";

/** What a traced function returns: one output, or an array of outputs. */
export type Output = Operand | readonly Operand[];

export interface CompileOptions {
  /** Engine that replays the tape: "wasm" (default) or "js" (the TypeScript reference). */
  engine?: EngineName;
  /** Display names of the inputs; by default the function's parameter names. */
  names?: readonly string[];
}

export interface VectorCompileOptions extends CompileOptions {
  /** The function takes one array of this many variables instead of one parameter each. */
  inputs: number;
}

/** Record fn once and return it compiled. Scalar parameters: compile((x, y) => …). */
export function compile(fn: (...xs: Var[]) => Output, options?: CompileOptions): Compiled;
/** A function of a vector: compile((xs) => …, { inputs: n }); xs holds n variables. */
export function compile(fn: (xs: Var[]) => Output, options: VectorCompileOptions): Compiled;
export function compile(
  fn: ((...xs: Var[]) => Output) | ((xs: Var[]) => Output),
  options: CompileOptions & { inputs?: number } = {},
): Compiled {
  if (typeof fn !== "function") throw new TypeError(`tapegrad: compile() needs a function, got ${describe(fn)}`);
  const engine = options.engine ?? "wasm";
  if (engine !== "wasm" && engine !== "js") {
    throw new Error(`tapegrad: unknown engine ${JSON.stringify(engine)}; use "wasm" or "js"`);
  }
  const vector = options.inputs !== undefined;
  const inputs = vector ? options.inputs! : fn.length;
  if (!Number.isInteger(inputs) || inputs < 0) {
    throw new RangeError(`tapegrad: compile(): inputs must be a non-negative integer, got ${String(options.inputs)}`);
  }
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
    const result: unknown = vector ? (fn as (xs: Var[]) => Output)(xs) : (fn as (...xs: Var[]) => Output)(...xs);
    return outputNodes(trace, result);
  });
  const tape = trace.finish(inputs, 0, outputs, { ...names, dataNames: [], dataVectorName: "data" });
  return new Compiled(tape, engine);
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

/** Input names: the ones given, else the parameter names, else x0, x1, … (see Tape). */
function inputNames(
  fn: Function,
  inputs: number,
  vector: boolean,
  given?: readonly string[],
): { inputNames: string[]; vectorName: string } {
  if (given !== undefined) {
    if (given.length !== inputs || given.some((name) => typeof name !== "string")) {
      throw new Error(`tapegrad: compile(): names must be ${inputs} strings, one per input`);
    }
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
