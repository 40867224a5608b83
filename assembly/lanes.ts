// Helpers shared by the lane kernels (tangent_lanes.ts, reverse_lanes.ts, hvp.ts).
// A node's k lanes are contiguous: lane l of node i lives at base + (i·k + l)·8.

// A zero tangent or adjoint contributes exactly 0, whatever the partial: no path from a seeded
// direction runs through it, so an infinite or NaN partial there adds nothing (the rule of the
// single-lane sweeps). wasm `select` keeps this branch-free inside the lane loops.
@inline export function term(partial: f64, t: f64): f64 {
  return select<f64>(0, partial * t, t == 0);
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
