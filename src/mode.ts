/**
 * Which mode computes a Jacobian more cheaply: the lecture's trade-off as a cost model.
 *
 * Forward mode gives one column of J per direction, reverse mode one row, each carried k at a
 * time in lanes: ⌈n/k⌉ tangent sweeps against ⌈m/k⌉ adjoint sweeps. A reverse sweep costs about
 * REVERSE_COST forward sweeps — CppAD, ADOL-C and CasADi all assume 2–3 — and each extra lane
 * adds LANE_COST of a sweep (the per-node dispatch and partials are shared by all lanes).
 */
/** How a Jacobian is computed: "forward" (a column per tangent) or "reverse" (a row per adjoint). */
export type JacobianMode = "forward" | "reverse";

/** The cost of one reverse sweep, in forward sweeps (2.5), in chooseMode's cost model. */
export const REVERSE_COST = 2.5;
/** The cost of each lane beyond the first, as a fraction of a sweep (0.25). */
export const LANE_COST = 0.25;

/** Relative cost of carrying `directions` through sweeps of at most `lanes` lanes each. */
function sweepsCost(directions: number, lanes: number): number {
  if (directions === 0) return 0;
  const full = Math.floor(directions / lanes);
  const rest = directions - full * lanes;
  const cost = (k: number): number => 1 + LANE_COST * (k - 1);
  return full * cost(lanes) + (rest > 0 ? cost(rest) : 0);
}

/** The cheaper mode for the Jacobian of f: Rⁿ → Rᵐ with `lanes` directions per sweep; forward on a tie. */
export function chooseMode(n: number, m: number, lanes: number): JacobianMode {
  return sweepsCost(n, lanes) <= REVERSE_COST * sweepsCost(m, lanes) ? "forward" : "reverse";
}
