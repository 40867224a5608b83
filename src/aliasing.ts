/**
 * One rule for output arrays: an `out` that shares memory with an input of the same call is
 * refused. The engines write `out` while they still read their inputs (the js engine per node,
 * the wasm engine after copying), so an overlap gave different wrong answers on each; refusing it
 * keeps every method's result the same on both engines. Two arrays overlap when they view the
 * same ArrayBuffer (or SharedArrayBuffer) and their byte ranges intersect; plain JS arrays never
 * overlap anything.
 */

/** True when a and b are views of one buffer with intersecting, non-empty byte ranges. */
export function overlaps(a: ArrayBufferView, b: unknown): boolean {
  if (!ArrayBuffer.isView(b) || b.buffer !== a.buffer) return false;
  const aEnd = a.byteOffset + a.byteLength;
  const bEnd = b.byteOffset + b.byteLength;
  return a.byteLength > 0 && b.byteLength > 0 && a.byteOffset < bEnd && b.byteOffset < aEnd;
}

/**
 * Throws unless `out` is separate from every input given (name, array pairs; unused pairs left
 * undefined). Fixed parameters rather than a rest array: no allocation per call.
 */
export function checkSeparate(
  out: ArrayBufferView,
  method: string,
  nameA: string,
  a: unknown,
  nameB?: string,
  b?: unknown,
  nameC?: string,
  c?: unknown,
): void {
  const name = overlaps(out, a) ? nameA : overlaps(out, b) ? nameB : overlaps(out, c) ? nameC : undefined;
  if (name !== undefined) {
    throw new Error(`tapegrad: ${method}(): the output array overlaps ${name}; pass a separate array`);
  }
}
