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
