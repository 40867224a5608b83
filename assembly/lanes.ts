import * as K from "./opcodes";
import { i32At, logDx, powDx, powLog, sqrtDx } from "./rules";
import * as JS from "./trig";
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

// How a node's lanes are formed from its operands' lanes (lanePartials sets `shape`).
export const BINARY = 2; // da·(lanes of a) + db·(lanes of b)
export const UNARY = 1; // da·(lanes of a)
export const COPY = 0; // the lanes of `chosen` as they are (min, max, select, relu and abs above 0)
export const ZERO = -1; // nothing: constants, comparisons, branches, relu and abs where they pass 0
// add and sub: lanes of a plus or minus lanes of b, no products (partials ±1 never meet the zero
// rule's case). Plain sums measured ~8% faster on the Rosenbrock jvp than term(1, ·) + term(±1, ·).
export const SUM = 3;
export const DIFF = 4;

// The first-order partials of node (op; x = val[a], y = val[b], v = its value), shared by the
// tangent and reverse lane sweeps; they mirror the op table's da/db (src/ops.ts). Returns the
// shape; da (UNARY, BINARY), db (BINARY) and chosen (COPY) carry the rest out of the inlined
// helper as module globals, each written only on the paths whose shape reads it (resetting them
// all per node measured a few percent slower than the per-sweep copies this replaced).
export let da: f64 = 0;
export let db: f64 = 0;
export let chosen: i32 = 0;

@inline export function lanePartials(op: i32, x: f64, y: f64, v: f64, ia: i32, ib: i32, a: usize, b: usize): i32 {
  if (op == K.OP_ADD) return SUM;
  else if (op == K.OP_MUL) { da = y; db = x; return BINARY; }
  else if (op == K.OP_SUB) return DIFF;
  else if (op == K.OP_SQUARE) { da = 2 * x; return UNARY; }
  else if (op == K.OP_DIV) { da = 1 / y; db = -v / y; return BINARY; }
  else if (op == K.OP_NEG) { da = -1; return UNARY; }
  else if (op == K.OP_TANH) { da = 1 - v * v; return UNARY; }
  else if (op == K.OP_EXP) { da = v; return UNARY; }
  else if (op == K.OP_SIN) { da = JS.cos(x); return UNARY; }
  else if (op == K.OP_COS) { da = -JS.sin(x); return UNARY; }
  else if (op == K.OP_LOG) { da = logDx(x); return UNARY; }
  else if (op == K.OP_SQRT) { da = sqrtDx(v); return UNARY; }
  else if (op == K.OP_SIGMOID) { da = v * (1 - v); return UNARY; }
  // The piecewise ops route (ops.ts `routes`): copy or negate the chosen lanes. A NaN operand
  // takes neither branch and gets the partial NaN (NaN in, NaN out).
  else if (op == K.OP_RELU) { chosen = ia; if (x > 0) return COPY; if (x <= 0) return ZERO; da = NaN; return UNARY; }
  else if (op == K.OP_ABS) {
    chosen = ia;
    if (x > 0) return COPY;
    if (x < 0) { da = -1; return UNARY; }
    if (x == 0) return ZERO;
    da = NaN;
    return UNARY;
  }
  else if (op == K.OP_POWC) { da = powDx(x, y); return UNARY; }
  else if (op == K.OP_POW) { da = powDx(x, y); db = powLog(x, y) * v; return BINARY; }
  else if (op == K.OP_TAN) { da = 1 + v * v; return UNARY; }
  // Ties go to the first operand; a NaN in either: both partials NaN.
  else if (op == K.OP_MIN) {
    if (x <= y) { chosen = ia; return COPY; }
    if (x > y) { chosen = ib; return COPY; }
    da = NaN; db = NaN; return BINARY;
  }
  else if (op == K.OP_MAX) {
    if (x >= y) { chosen = ia; return COPY; }
    if (x < y) { chosen = ib; return COPY; }
    da = NaN; db = NaN; return BINARY;
  }
  else if (op == K.OP_SELECT) { chosen = x > 0 ? i32At(a, ib) : i32At(b, ib); return COPY; }
  return ZERO;
}
