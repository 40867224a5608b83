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
   * Block sweeps (Jacobians, many directions, Hessians). setPoint runs the forward sweep at
   * (x, data), writes the output values and keeps the point; each block then carries k ≤ maxLanes
   * directions in lanes through one sweep at that point. A direction is row first + l of a
   * row-major matrix (V: n wide for tangents, U: m wide for cotangents), or the unit vector
   * e_(first + l) when the matrix is null (the Jacobian's identity seeds).
   */
  readonly maxLanes: number;
  setPoint(x: ArrayLike<number>, data: ArrayLike<number>, values: Float64Array): void;
  /** Forward mode: (J·v_l)_j goes to T[l·m + j]. */
  tangentBlock(V: ArrayLike<number> | null, first: number, k: number, T: Float64Array): void;
  /** Reverse mode: (u_lᵀJ)_i goes to G[offset + l·n + i]. */
  cotangentBlock(U: ArrayLike<number> | null, first: number, k: number, G: Float64Array, offset: number): void;
  /** Forward over reverse on output 0: (∇²f·v_l)_i goes to H[offset + l·n + i]. */
  hvpBlock(V: ArrayLike<number> | null, first: number, k: number, H: Float64Array, offset: number): void;
  /** One Hessian-vector product of output 0 at (x, data) into hv; returns the value of output 0. */
  hvp(x: ArrayLike<number>, data: ArrayLike<number>, v: ArrayLike<number>, hv: Float64Array): number;
  /**
   * Batches: `rows` holds `count` data vectors, row-major (length count·tape.data);
   * x is the same for every point. Sum over the points of scale × output 0 (returned) and of
   * scale × its gradient (into grad), each term scaled before it is added: with scale = 1/N these
   * are means that stay finite when the plain sums would overflow.
   */
  sumGradBatch(x: ArrayLike<number>, rows: Float64Array, count: number, grad: Float64Array, scale: number): number;
  /** Per point: output 0 into values[k] and its gradient into grads[k·inputs …]. */
  gradBatch(x: ArrayLike<number>, rows: Float64Array, count: number, values: Float64Array, grads: Float64Array): void;
  /** Per point: every output into values[k·outputs …]. */
  evalBatch(x: ArrayLike<number>, rows: Float64Array, count: number, values: Float64Array): void;
  /** Bytes of working memory this engine holds for the function. */
  readonly bytes: number;
  /** Frees the engine's memory; the engine must not be used afterwards. */
  dispose(): void;
}

/** The engine that replays a tape: "wasm" (WebAssembly kernels, the default) or "js" (the TypeScript reference). */
export type EngineName = "wasm" | "js";
