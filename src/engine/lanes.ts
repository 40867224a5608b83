/**
 * How many directions one block sweep carries (k, the lane count), shared by both engines.
 *
 * Lanes amortise each node's dispatch and local partials over k directions. 8 lanes keep a
 * node's tangents in one 64-byte cache line; past that the gain flattens while working memory
 * grows. The lane buffers (tangents, second-order adjoints: 2k + 1 f64 per node) stay under
 * LANE_BUDGET_BYTES, so a very long tape gets fewer lanes rather than a huge allocation.
 */
export const MAX_LANES = 8;
export const LANE_BUDGET_BYTES = 64 * 1024 * 1024;

export function laneCount(nodes: number): number {
  const fit = Math.floor((LANE_BUDGET_BYTES / (8 * Math.max(nodes, 1)) - 1) / 2);
  return Math.max(1, Math.min(MAX_LANES, fit));
}

/*
 * Seeding and reading lanes, shared by both engines. A lane buffer is node-major: lane l of node
 * i at base + i·k + l (base: where the buffer starts in `f64`, 0 for the TypeScript engine).
 */

/** What zeroes a range of `f64`: the array itself, or the wasm Heap (fast on shared memory). */
export interface Filler {
  fill(value: number, from: number, to: number): unknown;
}

/**
 * Seeds k tangent lanes of the leaves [0, start): input i of lane l gets V[(first + l)·inputs + i]
 * (or 1 when i = first + l, if V is null); data leaves get 0.
 */
export function seedTangents(
  f64: Float64Array, base: number, k: number, inputs: number, start: number,
  V: ArrayLike<number> | null, first: number, filler: Filler = f64,
): void {
  filler.fill(0, base, base + start * k);
  if (V === null) {
    for (let l = 0; l < k && first + l < inputs; l++) f64[base + (first + l) * k + l] = 1;
    return;
  }
  for (let l = 0; l < k; l++) {
    const row = (first + l) * inputs;
    for (let i = 0; i < inputs; i++) f64[base + i * k + l] = V[row + i]!;
  }
}

/** Zeroes k adjoint lanes of all n nodes and seeds the outputs with rows first… of U (or e_(first+l)). */
export function seedCotangents(
  f64: Float64Array, base: number, k: number, n: number, outs: Int32Array,
  U: ArrayLike<number> | null, first: number, filler: Filler = f64,
): void {
  filler.fill(0, base, base + n * k);
  const m = outs.length;
  for (let l = 0; l < k; l++) {
    if (U === null) {
      if (first + l < m) f64[base + outs[first + l]! * k + l] += 1;
      continue;
    }
    const row = (first + l) * m;
    for (let j = 0; j < m; j++) f64[base + outs[j]! * k + l] += U[row + j]!;
  }
}

/** T[l·m + j] = lane l of output j. */
export function gatherOutputLanes(f64: Float64Array, base: number, k: number, outs: Int32Array, T: Float64Array): void {
  const m = outs.length;
  for (let l = 0; l < k; l++) {
    for (let j = 0; j < m; j++) T[l * m + j] = f64[base + outs[j]! * k + l]!;
  }
}

/** G[offset + l·inputs + i] = lane l of input i. */
export function gatherInputLanes(f64: Float64Array, base: number, k: number, inputs: number, G: Float64Array, offset: number): void {
  if (k === 1) {
    G.set(f64.subarray(base, base + inputs), offset);
    return;
  }
  for (let l = 0; l < k; l++) {
    const row = offset + l * inputs;
    for (let i = 0; i < inputs; i++) G[row + i] = f64[base + i * k + l]!;
  }
}
