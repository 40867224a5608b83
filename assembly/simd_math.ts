// Vectorised transcendental functions for the batched kernels, two f64 lanes at a time.
// AssemblyScript's scalar Math.tanh (a musl port) costs ~13.6 ns a call here, a third of the
// MLP batch gradient; this version evaluates both lanes with one polynomial.
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

@inline function expm1Reduced(t: v128): v128 {
  const k = f64x2.nearest(f64x2.mul(t, f64x2.splat(INV_LN2)));
  const r = f64x2.sub(f64x2.sub(t, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
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
  p = f64x2.mul(p, r);
  // 2^k from its exponent bits: (k + 1023) << 52
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  const s = i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52);
  return f64x2.add(f64x2.mul(s, p), f64x2.sub(s, f64x2.splat(1.0)));
}

/** tanh of both lanes. */
@inline export function tanh2(x: v128): v128 {
  const t = f64x2.min(f64x2.mul(f64x2.abs(x), f64x2.splat(2.0)), f64x2.splat(40.0));
  const e = expm1Reduced(t);
  const y = f64x2.div(e, f64x2.add(e, f64x2.splat(2.0)));
  return v128.or(y, v128.and(x, i64x2.splat(0x8000000000000000)));
}

/** Exported for the accuracy test: tanh of n values at src into dst, through tanh2. */
export function tanhLanes(src: usize, dst: usize, n: i32): void {
  const end = <usize>n << 3;
  for (let o: usize = 0; o < end; o += 16) v128.store(dst + o, tanh2(v128.load(src + o)));
}
