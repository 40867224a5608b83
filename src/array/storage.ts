/**
 * Where each value's elements live for a batch of B points (B = 1 for a single point): roots get
 * consecutive regions, a batched root B copies of its elements with the points innermost — element
 * e of point l at base + e·B + l — so a batched vector is laid out as the matrix [size, B], a slice
 * of it stays contiguous, and W·x over a batch is one matrix product W·[x₁ … x_B]. Views share
 * their root's region. Values and adjoints use the same layout in two buffers.
 */
import type { Program, ProgramValue } from "./program.js";

export interface Storage {
  /** Points per batch this layout was made for. */
  readonly points: number;
  /** First element of each value (views included). */
  readonly base: Int32Array;
  /** Elements per point step of each value: B for a batched value, else 1 (the stride between points is 1 or 0). */
  readonly copies: Int32Array;
  /** Total elements of one buffer. */
  readonly length: number;
}

/** The copies of a value's elements held for B points. */
export function copiesOf(v: ProgramValue, points: number): number {
  return v.batched ? points : 1;
}

/**
 * `internal` marks values no one reads outside a fused run (fusion.ts): they live only in the
 * run's block buffers and get no region here (base 0, never read).
 */
export function layoutStorage(program: Program, points: number, align = 1, internal?: Uint8Array): Storage {
  const n = program.values.length;
  const base = new Int32Array(n);
  const copies = new Int32Array(n);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const v = program.values[i]!;
    const k = copiesOf(v, points);
    copies[i] = k;
    if (internal !== undefined && internal[i] === 1) {
      base[i] = 0;
    } else if (v.kind === "view") {
      base[i] = base[v.root]! + v.rootOffset * k;
    } else {
      next = Math.ceil(next / align) * align;
      base[i] = next;
      next += v.size * k;
    }
  }
  if (next > 2 ** 31 - 1) throw new RangeError("tapegrad: the batch's working arrays exceed 2^31 elements; use fewer points per call");
  return { points, base, copies, length: next };
}

/**
 * Points per block for batched calls: as many as keep one block's batched elements within about
 * 2 MiB (the L2/L3 boundary here), at least 1 and at most 1,024 and `count`.
 */
export function blockPoints(program: Program, count: number): number {
  let perPoint = 0;
  for (const v of program.values) if (v.batched && v.kind !== "view") perPoint += v.size;
  const fit = Math.floor((1 << 18) / Math.max(perPoint, 1));
  return Math.max(1, Math.min(count, 1024, fit));
}

/** Where output element j (the outputs flattened, in order) of point l lives in the value and adjoint buffers. */
export function outputSlot(program: Program, storage: Storage, j: number, l: number): number {
  for (const o of program.outputs) {
    const v = program.values[o]!;
    if (j < v.size) return storage.base[o]! + j * storage.copies[o]! + (v.batched ? l : 0);
    j -= v.size;
  }
  throw new Error("tapegrad: internal error: output index out of range");
}
