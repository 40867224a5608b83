// Vectorised transcendental functions for the batched kernels, two f64 lanes at a time:
// tanh, exp and sigmoid. AssemblyScript's scalar Math.tanh (a musl port) costs ~13.6 ns a call
// here, a third of the MLP batch gradient; these evaluate both lanes with one polynomial.
//
// tanh|x| = e / (e + 2) with e = expm1(2|x|), then the sign of x put back (so tanh(−0) = −0).
// expm1(t): t = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite split of ln2, as fdlibm), expm1(r) by
// its Taylor series to r¹³/13! (truncation below 2e-17 relative; see expm1Small), and
// expm1(t) = 2^k·expm1(r) + (2^k − 1). Small |x| keeps full relative accuracy (k = 0, no
// cancellation). t is clamped to 40, where tanh is 1 in float64; NaN stays NaN.
// Agrees with Math.tanh to a few ulp (test/batch.test.ts checks it against V8's).

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e+00;

// 1/i!, the Taylor coefficients of expm1.
const C2: f64 = 1.0 / 2;
const C3: f64 = C2 / 3;
const C4: f64 = C3 / 4;
const C5: f64 = C4 / 5;
const C6: f64 = C5 / 6;
const C7: f64 = C6 / 7;
const C8: f64 = C7 / 8;
const C9: f64 = C8 / 9;
const C10: f64 = C9 / 10;
const C11: f64 = C10 / 11;
const C12: f64 = C11 / 12;
const C13: f64 = C12 / 13;

const EXP_MAX: f64 = 709.782712893384;
const EXP_MIN: f64 = -745.1332191019411;

// Every constant the functions below use, once, in static memory: V8 builds a v128 constant
// in a loop body from immediates (several instructions each, ~20 per call here), while a
// load64_splat from a fixed address is one instruction that hits L1.
const TABLE = memory.data<f64>([
  LN2_HI, LN2_LO, INV_LN2, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13,
  1.0, 2.0, 40.0, 4503599627371519.0, 710.0, -746.0, EXP_MAX, EXP_MIN, Infinity, -0.0,
]);
const I_LN2_HI = 0, I_LN2_LO = 1, I_INV_LN2 = 2, I_C2 = 3;
const I_ONE = 15, I_TWO = 16, I_FORTY = 17, I_POW2_BIAS = 18, I_CLAMP_HI = 19, I_CLAMP_LO = 20;
const I_EXP_MAX = 21, I_EXP_MIN = 22, I_INF = 23, I_SIGN = 24;

/** Constant number i of TABLE in both lanes. */
@inline function k(i: i32): v128 {
  return v128.load64_splat(TABLE + (<usize>i << 3));
}

/** c_i + c_{i+1}·r, the coefficients of r^i and r^(i+1) of expm1's series. */
@inline function linear(i: i32, r: v128): v128 {
  return f64x2.add(k(I_C2 + i - 2), f64x2.mul(k(I_C2 + i - 1), r));
}

/**
 * expm1(r) for |r| ≤ ln2/2 by its Taylor series to r¹³/13!, as r + r²·Q(r) with Q evaluated by
 * Estrin's scheme: a Horner chain of 13 dependent multiply-adds was latency-bound (~10 ns a
 * lane); Estrin's tree is 4 levels deep and lets the CPU overlap the rest.
 */
@inline function expm1Small(r: v128): v128 {
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const q0 = f64x2.add(linear(2, r), f64x2.mul(r2, linear(4, r)));
  const q1 = f64x2.add(linear(6, r), f64x2.mul(r2, linear(8, r)));
  const q2 = f64x2.add(linear(10, r), f64x2.mul(r2, linear(12, r)));
  const q = f64x2.add(q0, f64x2.mul(r4, f64x2.add(q1, f64x2.mul(r4, q2))));
  return f64x2.add(r, f64x2.mul(r2, q));
}

/**
 * 2^n for integral n in [−1022, 1023], from its exponent bits (n + 1023) << 52. Adding 2⁵² + 1023
 * puts n + 1023 in the low mantissa bits of an f64; shifting left by 52 moves them into the
 * exponent field and drops the rest — cheaper than a float-to-int conversion in V8's SIMD.
 */
@inline function pow2(n: v128): v128 {
  return i64x2.shl(f64x2.add(n, k(I_POW2_BIAS)), 52);
}

/** t = n·ln2 + r: n = round(t / ln2) … */
@inline function reduceN(t: v128): v128 {
  return f64x2.nearest(f64x2.mul(t, k(I_INV_LN2)));
}
/** … and r = t − n·ln2, with ln2 split in two so that n·LN2_HI is exact. */
@inline function reduceR(t: v128, n: v128): v128 {
  return f64x2.sub(f64x2.sub(t, f64x2.mul(n, k(I_LN2_HI))), f64x2.mul(n, k(I_LN2_LO)));
}

/** expm1(t) for t in [0, 40]. */
@inline function expm1Reduced(t: v128): v128 {
  const n = reduceN(t);
  const s = pow2(n);
  return f64x2.add(f64x2.mul(s, expm1Small(reduceR(t, n))), f64x2.sub(s, k(I_ONE)));
}

// exp(x) = 2^n·(1 + expm1(r)). x is clamped to [−746, 710] so that n stays in [−1077, 1025];
// 2^n is applied as two halves, each a normal number, so results in the subnormal range round
// (almost) correctly; beyond the clamps the result is +∞ (x > 709.78…) or 0 (x < −745.13…)
// exactly as Math.exp gives, and NaN stays NaN.

/** e^x of both lanes. */
@inline export function exp2(x: v128): v128 {
  const t = f64x2.max(f64x2.min(x, k(I_CLAMP_HI)), k(I_CLAMP_LO));
  const n = reduceN(t);
  const half = f64x2.floor(f64x2.div(n, k(I_TWO)));
  const y = f64x2.mul(f64x2.mul(f64x2.add(k(I_ONE), expm1Small(reduceR(t, n))), pow2(half)), pow2(f64x2.sub(n, half)));
  const over = f64x2.gt(x, k(I_EXP_MAX));
  const under = f64x2.lt(x, k(I_EXP_MIN));
  return v128.andnot(v128.bitselect(k(I_INF), y, over), under);
}

/** 1 / (1 + e^−x) of both lanes, the same formula as the scalar sigmoid. */
@inline export function sigmoid2(x: v128): v128 {
  const one = k(I_ONE);
  return f64x2.div(one, f64x2.add(one, exp2(f64x2.neg(x))));
}

/** tanh of both lanes. */
@inline export function tanh2(x: v128): v128 {
  const two = k(I_TWO);
  const t = f64x2.min(f64x2.mul(f64x2.abs(x), two), k(I_FORTY));
  const e = expm1Reduced(t);
  const y = f64x2.div(e, f64x2.add(e, two));
  return v128.or(y, v128.and(x, k(I_SIGN)));
}
