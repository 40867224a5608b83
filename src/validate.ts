/**
 * Checks on what users pass to a compiled function, done in TypeScript before any kernel runs so
 * that bad input gets a clear Error naming the problem — never a WebAssembly trap or a silently
 * wrong number.
 */
import { describe, Var } from "./var.js";

/**
 * The most entries of a dense result matrix (jacobian, hessian, jvpMany, vjpMany, the batch
 * methods): 2^28 float64 = 2 GiB in one Float64Array. That is half of the 4 GiB V8 allows for one
 * ArrayBuffer (Node 20) and about where browsers' allocators start to fail, and it is a
 * 16 384 × 16 384 matrix — past it the matrix-free products (jvp, vjp, hvp) are the way.
 */
export const MAX_DENSE_ENTRIES = 2 ** 28;

/**
 * The most worker threads meanGrad() and fit() start. Each thread instantiates its own
 * WebAssembly memory (16 MiB at least, plus the tape), and threads beyond the machine's cores
 * only add overhead: 64 covers the largest common machines.
 */
export const MAX_WORKERS = 64;

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
    if (x instanceof Var) throw nestingError(what); // tested only here: instanceof costs on every call
    throw new TypeError(`tapegrad: ${what} must be an array of numbers, got ${describe(x)}`);
  }
  const items = x as ArrayLike<unknown>;
  if (items.length !== length) throw lengthError(what, length, items.length);
  for (let i = 0; i < length; i++) {
    const item = items[i];
    if (typeof item !== "number") {
      if (item instanceof Var) throw nestingError(`${what}[${i}]`);
      throw new TypeError(`tapegrad: ${what}[${i}] must be a number, got ${describe(item)}`);
    }
  }
}

/**
 * True when x is a plain array of exactly `length` numbers, for which checkNumbers passes: the
 * test of the methods' fast paths. False sends a call to the full checks (and their errors).
 */
export function isNumbers(x: unknown, length: number): x is ArrayLike<number> {
  if (!Array.isArray(x) || x.length !== length) return false;
  for (let i = 0; i < length; i++) if (typeof x[i] !== "number") return false;
  return true;
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

/**
 * A traced variable given to a compiled function's method: the method was called inside the
 * function being compiled (compile(x => g.grad([x]))), which cannot be recorded.
 */
function nestingError(what: string): TypeError {
  return new TypeError(
    `tapegrad: ${what} is a traced variable, not a number: a compiled function's methods (eval, grad, …) ` +
      "cannot be called inside the function given to compile() — nesting is not supported. Call the plain " +
      "JS function you compiled it from instead (it records into the outer trace), or call the method " +
      "outside compile() with numbers",
  );
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

/**
 * Throws unless options is an object (or left out) whose keys are all in `allowed`, none of them
 * null: a misspelt option would otherwise be silently ignored and its default used. `what` names
 * the call, e.g. "adam(options)".
 */
export function checkOptionKeys(options: unknown, allowed: readonly string[], what: string): void {
  checkOptions(options, what);
  if (options === undefined) return;
  for (const key of Object.keys(options as object)) {
    if (!allowed.includes(key)) {
      const near = closest(key, allowed);
      throw new Error(
        `tapegrad: ${what}: unknown option ${JSON.stringify(key)}` +
          (near === null ? "" : ` (did you mean ${JSON.stringify(near)}?)`) +
          `; the options are ${allowed.join(", ")}`,
      );
    }
    if ((options as Record<string, unknown>)[key] === null) {
      throw new TypeError(`tapegrad: ${what}: option ${key} is null; leave it out (or undefined) for the default`);
    }
  }
}

/** The allowed key a misspelt one most likely meant: same letters ignoring case and _, or ≤ 2 edits. */
function closest(key: string, allowed: readonly string[]): string | null {
  const plain = (s: string): string => s.toLowerCase().replace(/[_-]/g, "");
  const exact = allowed.find((name) => plain(name) === plain(key));
  if (exact !== undefined) return exact;
  let best: string | null = null;
  let bestDistance = 3;
  for (const name of allowed) {
    const d = editDistance(plain(key), plain(name));
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/** The `workers` option: an integer from 1 to MAX_WORKERS. */
export function checkWorkers(options: unknown, what = "meanGrad(params, dataset, { workers })"): number {
  const workers = (options as { workers?: unknown } | null)?.workers;
  if (typeof workers !== "number" || !Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`tapegrad: ${what}: the workers option must be a positive integer, got ${describe(workers)}`);
  }
  if (workers > MAX_WORKERS) {
    throw new RangeError(
      `tapegrad: ${what}: workers is ${workers}, more than the ${MAX_WORKERS} threads tapegrad starts at most; ` +
        "use about one per CPU core (os.availableParallelism() in Node, navigator.hardwareConcurrency in a browser)",
    );
  }
  return workers;
}

/**
 * Throws unless a dense rows × cols result fits in MAX_DENSE_ENTRIES, before anything that size
 * is allocated. `what` names the call and the matrix, e.g. "hessian(x): the n × n Hessian".
 */
export function checkDense(rows: number, cols: number, what: string, instead: string): void {
  const entries = rows * cols;
  if (entries > MAX_DENSE_ENTRIES) {
    throw new RangeError(
      `tapegrad: ${what} would be ${rows} × ${cols} = ${entries.toLocaleString("en-US")} numbers ` +
        `(${(entries * 8 / 2 ** 30).toFixed(1)} GiB), more than the ${MAX_DENSE_ENTRIES.toLocaleString("en-US")} ` +
        `(2^28, 2 GiB of float64) a dense result may hold; ${instead}`,
    );
  }
}
