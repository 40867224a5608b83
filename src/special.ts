/**
 * erf and erfc, which JavaScript's Math lacks, for the op table (ops.ts) and the TypeScript engine.
 * assembly/special.ts is the same algorithm for the WebAssembly kernels, line for line, so the
 * engines agree up to their Math.exp (musl's and V8's differ by an ulp at some points, so erfc
 * differs in the last bit at about 7% of points, erf rarely); test/special.test.ts checks both
 * against a BigInt reference.
 *
 * erf(x) for |x| < 0.5: the series 2x/√π · e^(−x²) · Σ (2x²)ⁿ / (1·3·…·(2n+1)), all terms positive
 * (no cancellation). erfc(x) for x ≥ 0.5: e^(−x²)/√π times the continued fraction
 * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated backward from 16 + 160/x² terms; e^(−x²) is computed as
 * e^(−h²)·e^(−(x² − h²)) with h = x rounded to 26 bits, so h² is exact and the large argument
 * loses nothing to rounding (fdlibm's trick). The rest follows: erf = 1 − erfc, erfc = 1 − erf,
 * erf(−x) = −erf(x), erfc(−x) = 2 − erfc(x). Relative error below 1e-14: at most 3 ulp (erf) and 6 ulp
 * (erfc) measured against test/erf-reference.ts (the forward Lentz product this replaced reached 33).
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** e^(−x²) without the rounding error of x² (x ≥ 0). */
function expMinusSquare(x: number): number {
  const c = 134217729 * x; // Dekker split: hi has 26 significant bits, so hi² is exact
  const hi = c - (c - x);
  const lo = x - hi;
  return Math.exp(-hi * hi) * Math.exp(-(lo * (2 * hi + lo)));
}

/** erf by its series, for |x| < 0.5. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 40; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x2) * sum;
}

/** erfc by its continued fraction, for x ≥ 0.5. */
function erfcFraction(x: number): number {
  if (x > 27.3) return 0; // below the smallest subnormal
  // 1/(x + a1/(x + a2/(x + …))) with a_k = k/2, evaluated from the tail: backward, each step
  // damps the rounding of the ones before (Lentz's forward product gathered it: 33 ulp near
  // x = 0.5, 2 ulp this way). 16 + 160/x² terms converge to below an ulp for x ≥ 0.5.
  const n = Math.ceil(16 + 160 / (x * x));
  let t = x;
  for (let k = n; k >= 1; k--) t = x + (k * 0.5) / t;
  return (ONE_OVER_SQRT_PI * expMinusSquare(x)) / t;
}

/** The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt. */
export function erf(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax < 0.5) return erfSeries(x);
  const r = 1 - erfcFraction(ax);
  return x < 0 ? -r : r;
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate where erf(x) is near 1. */
export function erfc(x: number): number {
  if (x !== x) return x;
  if (Math.abs(x) < 0.5) return 1 - erfSeries(x);
  return x > 0 ? erfcFraction(x) : 2 - erfcFraction(-x);
}
