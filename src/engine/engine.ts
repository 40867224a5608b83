/**
 * The boundary between the public API (compiled.ts, which validates everything) and the two
 * engines that replay a tape. Engines trust their arguments: lengths are checked before a call.
 *
 * Every method first writes the inputs x (length tape.inputs) and data (length tape.data) into
 * the leaves, then sweeps, then writes its results into the arrays given.
 */
export interface Engine {
  /** Values of the outputs. */
  eval(x: ArrayLike<number>, data: ArrayLike<number>, values: Float64Array): void;
  /** Value of output 0 and its gradient (reverse mode). */
  grad(x: ArrayLike<number>, data: ArrayLike<number>, grad: Float64Array): number;
  /** Output values and uᵀJ (reverse mode). */
  vjp(x: ArrayLike<number>, data: ArrayLike<number>, u: ArrayLike<number>, values: Float64Array, grad: Float64Array): void;
  /** Output values and J·v (forward mode). */
  jvp(x: ArrayLike<number>, data: ArrayLike<number>, v: ArrayLike<number>, values: Float64Array, tangents: Float64Array): void;
  /**
   * Batches (issue 5): `rows` holds `count` data vectors, row-major (length count·tape.data);
   * x is the same for every point. Sum of output 0 over the points, its summed gradient in grad.
   */
  sumGradBatch(x: ArrayLike<number>, rows: Float64Array, count: number, grad: Float64Array): number;
  /** Per point: output 0 into values[k] and its gradient into grads[k·inputs …]. */
  gradBatch(x: ArrayLike<number>, rows: Float64Array, count: number, values: Float64Array, grads: Float64Array): void;
  /** Per point: every output into values[k·outputs …]. */
  evalBatch(x: ArrayLike<number>, rows: Float64Array, count: number, values: Float64Array): void;
  /** Bytes of working memory this engine holds for the function. */
  readonly bytes: number;
  /** Frees the engine's memory; the engine must not be used afterwards. */
  dispose(): void;
}

export type EngineName = "wasm" | "js";
