/**
 * Many directions at once, Jacobians and Hessians: loops over blocks of k ≤ engine.maxLanes
 * directions, each block one sweep inside the engine (see Engine.tangentBlock and friends).
 * Arguments are validated by Compiled before these run; `data` is the point's data vector
 * (empty for a function without data inputs).
 */
import type { Engine } from "./engine/engine.js";
import { chooseMode, type JacobianMode } from "./mode.js";

const UNIT = new Float64Array([1]);

/** Forward mode along `count` directions (rows of V, n wide): T row l = J·v_l (m wide). */
export function jvpMany(engine: Engine, m: number, x: ArrayLike<number>, data: ArrayLike<number>, V: ArrayLike<number>, count: number, values: Float64Array, T: Float64Array): void {
  engine.setPoint(x, data, values);
  const K = engine.maxLanes;
  const block = new Float64Array(Math.min(K, count) * m);
  for (let first = 0; first < count; first += K) {
    const k = Math.min(K, count - first);
    engine.tangentBlock(V, first, k, block);
    T.set(block.subarray(0, k * m), first * m);
  }
}

/** Reverse mode for `count` cotangents (rows of U, m wide): G row l = u_lᵀJ (n wide). */
export function vjpMany(engine: Engine, n: number, x: ArrayLike<number>, data: ArrayLike<number>, U: ArrayLike<number>, count: number, values: Float64Array, G: Float64Array): void {
  engine.setPoint(x, data, values);
  const K = engine.maxLanes;
  for (let first = 0; first < count; first += K) {
    engine.cotangentBlock(U, first, Math.min(K, count - first), G, first * n);
  }
}

/** The m×n Jacobian, row-major, by the mode given or the one chooseMode() picks. */
export function jacobian(engine: Engine, n: number, m: number, x: ArrayLike<number>, data: ArrayLike<number>, mode: JacobianMode | "auto", values: Float64Array, J: Float64Array): JacobianMode {
  const used = mode === "auto" ? chooseMode(n, m, engine.maxLanes) : mode;
  // One column (n = 1) or one row (m = 1) is a single jvp or vjp: one combined sweep, where the
  // block path below runs a forward sweep first and then the tangent or adjoint sweep.
  if (used === "forward" && n === 1) {
    engine.jvp(x, data, UNIT, values, J); // an m×1 matrix, row-major, is the column itself
    return used;
  }
  if (used === "reverse" && m === 1) {
    engine.vjp(x, data, UNIT, values, J);
    return used;
  }
  engine.setPoint(x, data, values);
  const K = engine.maxLanes;
  if (used === "reverse") {
    // Cotangent e_j gives row j: written straight into place.
    for (let first = 0; first < m; first += K) engine.cotangentBlock(null, first, Math.min(K, m - first), J, first * n);
    return used;
  }
  // Tangent e_i gives column i: block lane l, output j goes to J[j·n + first + l].
  const block = new Float64Array(Math.min(K, n) * m);
  for (let first = 0; first < n; first += K) {
    const k = Math.min(K, n - first);
    engine.tangentBlock(null, first, k, block);
    for (let l = 0; l < k; l++) {
      for (let j = 0; j < m; j++) J[j * n + first + l] = block[l * m + j]!;
    }
  }
  return used;
}

/** ∇²f(x)·v for output 0: one tangent sweep and one second-order reverse sweep. */
export function hvp(engine: Engine, x: ArrayLike<number>, data: ArrayLike<number>, v: ArrayLike<number>, out: Float64Array): number {
  return engine.hvp(x, data, v, out);
}

/** The n×n Hessian of output 0, row-major: row i = ∇²f·e_i, k rows per sweep. */
export function hessian(engine: Engine, n: number, x: ArrayLike<number>, data: ArrayLike<number>, H: Float64Array): number {
  const value = new Float64Array(1);
  engine.setPoint(x, data, value);
  const K = engine.maxLanes;
  for (let first = 0; first < n; first += K) engine.hvpBlock(null, first, Math.min(K, n - first), H, first * n);
  return value[0]!;
}
