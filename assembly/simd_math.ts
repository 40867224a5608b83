// Vectorised transcendental functions for the batched kernels, two f64 lanes at a time:
// tanh, exp and sigmoid. AssemblyScript's scalar Math.tanh (a musl port) costs ~13.6 ns a call
// here, a third of the MLP batch gradient; these evaluate both lanes with one polynomial.
//
// tanh|x| = e / (e + 2) with e = expm1(2|x|), then the sign of x put back (so tanh(−0) = −0).
// expm1(t): t = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite split of ln2, as fdlibm), expm1(r) by
// its Taylor series to r¹³/13! (truncation below 2e-17 relative), and
// expm1(t) = 2^k·expm1(r) + (2^k − 1). Small |x| keeps full relative accuracy (k = 0, no
// cancellation). t is clamped to 40, where tanh is 1 in float64; NaN stays NaN.
// Agrees with Math.tanh to a few ulp (test/batch.test.ts checks it against V8's).

const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e+00;

/** expm1(r) for |r| ≤ ln2/2 by its Taylor series to r¹³/13!. */
@inline function expm1Small(r: v128): v128 {
  // Horner: r·(1 + r/2·(1 + r/3·(1 + … (1 + r/13))))
  let p = f64x2.splat(1.0);
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(p, f64x2.mul(r, f64x2.splat(1.0 / 13))));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(p, f64x2.mul(r, f64x2.splat(1.0 / 12))));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(p, f64x2.mul(r, f64x2.splat(1.0 / 11))));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(p, f64x2.mul(r, f64x2.splat(1.0 / 10))));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(p, f64x2.mul(r, f64x2.splat(1.0 / 9))));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(p, f64x2.mul(r, f64x2.splat(1.0 / 8))));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(p, f64x2.mul(r, f64x2.splat(1.0 / 7))));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(p, f64x2.mul(r, f64x2.splat(1.0 / 6))));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(p, f64x2.mul(r, f64x2.splat(1.0 / 5))));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(p, f64x2.mul(r, f64x2.splat(1.0 / 4))));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(p, f64x2.mul(r, f64x2.splat(1.0 / 3))));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(p, f64x2.mul(r, f64x2.splat(0.5))));
  return f64x2.mul(p, r);
}

/** 2^k for integral k in [−1022, 1023], from its exponent bits: (k + 1023) << 52. */
@inline function pow2(k: v128): v128 {
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  return i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52);
}

/** t = k·ln2 + r: returns k, and r through the pointer-free pair below. */
@inline function reduceK(t: v128): v128 {
  return f64x2.nearest(f64x2.mul(t, f64x2.splat(INV_LN2)));
}
@inline function reduceR(t: v128, k: v128): v128 {
  return f64x2.sub(f64x2.sub(t, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
}

/** expm1(t) for t in [0, 40]. */
@inline function expm1Reduced(t: v128): v128 {
  const k = reduceK(t);
  const s = pow2(k);
  return f64x2.add(f64x2.mul(s, expm1Small(reduceR(t, k))), f64x2.sub(s, f64x2.splat(1.0)));
}

// exp(x) = 2^k·(1 + expm1(r)). x is clamped to [−746, 710] so that k stays in [−1077, 1025];
// 2^k is applied as two halves, each a normal number, so results in the subnormal range round
// (almost) correctly; beyond the clamps the result is +∞ (x > 709.78…) or 0 (x < −745.13…)
// exactly as Math.exp gives, and NaN stays NaN.
const EXP_MAX: f64 = 709.782712893384;
const EXP_MIN: f64 = -745.1332191019411;

/** e^x of both lanes. */
@inline export function exp2(x: v128): v128 {
  const t = f64x2.max(f64x2.min(x, f64x2.splat(710.0)), f64x2.splat(-746.0));
  const k = reduceK(t);
  const half = f64x2.floor(f64x2.mul(k, f64x2.splat(0.5)));
  const y = f64x2.mul(f64x2.mul(f64x2.add(f64x2.splat(1.0), expm1Small(reduceR(t, k))), pow2(half)), pow2(f64x2.sub(k, half)));
  const over = f64x2.gt(x, f64x2.splat(EXP_MAX));
  const under = f64x2.lt(x, f64x2.splat(EXP_MIN));
  return v128.andnot(v128.bitselect(f64x2.splat(Infinity), y, over), under);
}

/** 1 / (1 + e^−x) of both lanes, the same formula as the scalar sigmoid. */
@inline export function sigmoid2(x: v128): v128 {
  return f64x2.div(f64x2.splat(1.0), f64x2.add(f64x2.splat(1.0), exp2(f64x2.neg(x))));
}

/** tanh of both lanes. */
@inline export function tanh2(x: v128): v128 {
  const t = f64x2.min(f64x2.mul(f64x2.abs(x), f64x2.splat(2.0)), f64x2.splat(40.0));
  const e = expm1Reduced(t);
  const y = f64x2.div(e, f64x2.add(e, f64x2.splat(2.0)));
  return v128.or(y, v128.and(x, i64x2.splat(0x8000000000000000)));
}


