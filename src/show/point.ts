/**
 * The options toDot() and explain() share: a point (`at`), an input (`wrt`) and an output, given
 * by the user in whatever form is handiest and checked here into plain indices and numbers.
 */
import { replayedTape, type Compiled } from "../compiled.js";
import { inputName, type Tape } from "../tape.js";
import { checkNumbers } from "../validate.js";
import type { EntryValues, Layout } from "../array/layout.js";
import { describe } from "../var.js";

/**
 * A point: one number per input in order, or an object keyed by input name. For a function with
 * array inputs also an object of its layout's entries, each a number, a flat array or a matrix's
 * rows, as `f.layout.params.pack` takes them ({ W: [[1, 2], [3, 4]], b: [0, 1] }).
 */
export type Point = ArrayLike<number> | Readonly<Record<string, EntryValues>>;

/** An input, by name or by index. */
export type InputRef = string | number;

/**
 * The compiled function's tape — its own copy, the one it replays, never the public f.tape a user
 * may have edited — with a clear error for anything else or a disposed function.
 */
export function tapeOf(f: Compiled, what: string): Tape {
  const tape = f !== null && typeof f === "object" ? replayedTape(f) : undefined;
  if (tape === undefined) {
    throw new TypeError(`tapegrad: ${what} needs a compiled function (from compile() or parse()), got ${describe(f)}`);
  }
  if (f.disposed) throw new Error(`tapegrad: ${what} called on a disposed function`);
  return tape;
}

/** The point as an array of numbers, one per input. */
export function resolvePoint(tape: Tape, at: unknown, what: string): Float64Array {
  const n = tape.inputs;
  if (at !== null && typeof at === "object" && typeof (at as { length?: unknown }).length !== "number") {
    const byName = at as Record<string, unknown>;
    const names = Array.from({ length: n }, (_, i) => inputName(tape, i));
    for (const key of Object.keys(byName)) {
      if (!names.includes(key)) {
        throw new Error(`tapegrad: ${what}: at has a value for ${JSON.stringify(key)}, which is not an input (inputs: ${names.join(", ")})`);
      }
    }
    return Float64Array.from(names, (name) => {
      const value = byName[name];
      if (value === undefined) throw new Error(`tapegrad: ${what}: at has no value for input ${name}`);
      if (typeof value !== "number") throw new TypeError(`tapegrad: ${what}: at.${name} must be a number, got ${describe(value)}`);
      return value;
    });
  }
  checkNumbers(at, n, `${what}: at`);
  return Float64Array.from(at);
}

/**
 * The data vector of a function with data inputs (not differentiated, set per point): required
 * exactly when the function has some, as the compiled function's own methods require it.
 */
export function resolveData(tape: Tape, data: unknown, what: string): Float64Array {
  if (tape.data === 0) {
    if (data !== undefined) throw new Error(`tapegrad: ${what}: this function has no data inputs, but data was given`);
    return new Float64Array(0);
  }
  if (data === undefined) {
    throw new Error(`tapegrad: ${what}: this function has ${tape.data} data inputs: pass their values as data`);
  }
  checkNumbers(data, tape.data, `${what}: data`);
  return Float64Array.from(data);
}

/** The index of an input given by name or index. */
export function resolveInput(tape: Tape, wrt: unknown, what: string): number {
  const n = tape.inputs;
  if (typeof wrt === "number") {
    if (!Number.isInteger(wrt) || wrt < 0 || wrt >= n) {
      throw new RangeError(`tapegrad: ${what}: wrt must be an input index in [0, ${n}), got ${wrt}`);
    }
    return wrt;
  }
  if (typeof wrt === "string") {
    for (let i = 0; i < n; i++) if (inputName(tape, i) === wrt) return i;
    const names = n <= 20 ? Array.from({ length: n }, (_, i) => inputName(tape, i)).join(", ") : `${n} inputs`;
    throw new Error(`tapegrad: ${what}: wrt ${JSON.stringify(wrt)} is not an input (inputs: ${names})`);
  }
  throw new TypeError(`tapegrad: ${what}: wrt must be an input name or index, got ${describe(wrt)}`);
}

/** The index of an output, 0 by default. */
export function resolveOutput(tape: Tape, output: unknown, what: string): number {
  if (output === undefined) return 0;
  const m = tape.outputs.length;
  if (typeof output !== "number" || !Number.isInteger(output) || output < 0 || output >= m) {
    throw new RangeError(`tapegrad: ${what}: output must be an output index in [0, ${m}), got ${describe(output)}`);
  }
  return output;
}

/** The name of output j in formulas: f, or f[j] when there are several. */
export function outputName(tape: Tape, j: number): string {
  return tape.outputs.length === 1 ? "f" : `f[${j}]`;
}

/**
 * A point or data vector of an array function: a flat array of the layout's size, or an object of
 * its entries as layout.pack takes them ({ W: rows, b: [...] }). `what` names the option, e.g. "toDot(): at".
 */
export function resolveEntries(layout: Layout, given: unknown, what: string): Float64Array {
  if (given !== null && typeof given === "object" && typeof (given as { length?: unknown }).length !== "number") {
    try {
      return layout.pack(given as Record<string, number>);
    } catch (e) {
      throw new Error(`tapegrad: ${what}: ${(e as Error).message.replace(/^tapegrad: /, "")}`);
    }
  }
  checkNumbers(given, layout.size, what);
  return Float64Array.from(given as ArrayLike<number>);
}

/** Whether `given` is an object keyed by the layout's entry names (all of them known). */
export function isEntries(layout: Layout, given: unknown): boolean {
  if (given === null || typeof given !== "object" || typeof (given as { length?: unknown }).length === "number") return false;
  const keys = Object.keys(given);
  return keys.length > 0 && keys.every((k) => layout.entries.some((e) => e.name === k));
}
