/**
 * Checks on what users pass to a compiled function, done in TypeScript before any kernel runs so
 * that bad input gets a clear Error naming the problem — never a WebAssembly trap or a silently
 * wrong number.
 */
import { describe } from "./var.js";

/** Throws unless x is an array-like of `length` numbers; `what` names it in the message. */
export function checkNumbers(x: unknown, length: number, what: string): asserts x is ArrayLike<number> {
  if (x instanceof Float64Array || x instanceof Float32Array) {
    if (x.length !== length) throw lengthError(what, length, x.length);
    return;
  }
  if (
    x === null ||
    typeof x !== "object" ||
    typeof (x as { length?: unknown }).length !== "number" ||
    x instanceof DataView
  ) {
    throw new TypeError(`tapegrad: ${what} must be an array of numbers, got ${describe(x)}`);
  }
  const items = x as ArrayLike<unknown>;
  if (items.length !== length) throw lengthError(what, length, items.length);
  for (let i = 0; i < length; i++) {
    const item = items[i];
    if (typeof item !== "number") {
      throw new TypeError(`tapegrad: ${what}[${i}] must be a number, got ${describe(item)}`);
    }
  }
}

/** Throws unless out is a Float64Array of exactly `length` elements. */
export function checkOut(out: unknown, length: number, what: string): asserts out is Float64Array {
  if (!(out instanceof Float64Array)) {
    throw new TypeError(`tapegrad: the output array for ${what} must be a Float64Array, got ${describe(out)}`);
  }
  if (out.length !== length) {
    throw new RangeError(`tapegrad: the output array for ${what} must have length ${length}, got ${out.length}`);
  }
}

function lengthError(what: string, expected: number, got: number): RangeError {
  return new RangeError(`tapegrad: ${what} must have ${expected} element${expected === 1 ? "" : "s"}, got ${got}`);
}

/**
 * A dataset for the batch methods: `data` numbers per point, row-major, at least one point.
 * Returns it as a Float64Array (copied only when it is something else) and the point count.
 */
export function checkDataset(dataset: unknown, data: number, method: string): { rows: Float64Array; count: number } {
  if (data === 0) {
    throw new Error(`tapegrad: ${method}() needs a function with data inputs: compile({ params, data }, fn)`);
  }
  const what = `${method}(params, dataset): dataset`;
  if (
    dataset === null ||
    typeof dataset !== "object" ||
    typeof (dataset as { length?: unknown }).length !== "number"
  ) {
    throw new TypeError(`tapegrad: ${what} must be a Float64Array of points, ${data} numbers each, got ${describe(dataset)}`);
  }
  const length = (dataset as ArrayLike<unknown>).length;
  if (length === 0) throw new RangeError(`tapegrad: ${what} is empty: it needs at least one point`);
  if (length % data !== 0) {
    throw new RangeError(
      `tapegrad: ${what} has ${length} numbers, not a whole number of points of ${data} data inputs each`,
    );
  }
  if (dataset instanceof Float64Array) return { rows: dataset, count: length / data };
  checkNumbers(dataset, length, what);
  return { rows: Float64Array.from(dataset), count: length / data };
}

/** Throws unless an options argument is an object (or left out): null would crash on a property read. */
export function checkOptions(options: unknown, what: string): void {
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new TypeError(`tapegrad: ${what}: options must be an object, got ${describe(options)}`);
  }
}

/** The `workers` option: a positive integer. */
export function checkWorkers(options: unknown): number {
  const workers = (options as { workers?: unknown } | null)?.workers;
  if (typeof workers !== "number" || !Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`tapegrad: the workers option must be a positive integer, got ${describe(workers)}`);
  }
  return workers;
}
