// Helpers shared by the lane kernels (tangent_lanes.ts, reverse_lanes.ts, hvp.ts) and the
// single-direction tangent sweep (tangent.ts), so that jvp and a Jacobian's lanes compute every
// partial with the same formula and agree bit for bit.
// A node's k lanes are contiguous: lane l of node i lives at base + (i·k + l)·8.

// The zero rule (rules.ts zmul): exactly 0 when the partial or the tangent/adjoint is exactly 0,
// even if the other is ±∞ or NaN. The product is NaN in every case the rule changes, so one test
// of it comes first: for finite factors the rule costs one compare (≈ 10% faster on the
// Rosenbrock jvp than testing both factors for 0), and a zero factor gives the IEEE ±0.
@inline export function term(partial: f64, t: f64): f64 {
  const r = partial * t;
  return r == r ? r : select<f64>(0, r, partial == 0 || t == 0);
}

@inline export function laneAt(base: usize, l: i32): f64 {
  return load<f64>(base + (<usize>l << 3));
}
@inline export function setLane(base: usize, l: i32, v: f64): void {
  store<f64>(base + (<usize>l << 3), v);
}
@inline export function addLane(base: usize, l: i32, v: f64): void {
  const p = base + (<usize>l << 3);
  store<f64>(p, load<f64>(p) + v);
}

/** True when any of the k lanes at base is nonzero. */
@inline export function anyLane(base: usize, k: i32): bool {
  for (let l = 0; l < k; l++) if (laneAt(base, l) != 0) return true;
  return false;
}

// How a node's lanes are formed from its operands' lanes (generated/partials.ts lanePartials).
export const BINARY = 2; // da·(lanes of a) + db·(lanes of b)
export const UNARY = 1; // da·(lanes of a)
export const COPY = 0; // the lanes of `chosen` as they are (select)
export const ZERO = -1; // nothing: constants, comparisons, branches
// add and sub: lanes of a plus or minus lanes of b, no products (partials ±1 never meet the zero
// rule's case). Plain sums measured ~8% faster on the Rosenbrock jvp than term(1, ·) + term(±1, ·).
export const SUM = 3;
export const DIFF = 4;
