/**
 * erf and erfc to far more than float64 precision, in BigInt binary fixed point, as references
 * for test/special.test.ts and test/op-sweeps.test.ts — written independently of src/special.ts
 * (which uses a short series and a continued fraction in float64).
 *
 * erf(x) = (2/√π) Σₙ (−1)ⁿ x^(2n+1) / (n!·(2n+1)), summed in fixed point with B fractional bits.
 * The largest term is about e^(x²), and erfc(x) = 1 − erf(x) is about e^(−x²), so B = 300 +
 * 2x²/ln 2 bits leave 300 bits (90 digits) of erfc after the cancellation; at x = 27 that is
 * about 2,400 bits (720 digits). Every double is a dyadic rational, exact in fixed point once
 * B ≥ 1,130. π comes from Machin's formula, √π from Newton's method on integers.
 */

const piCache = new Map<number, bigint>();

/** atan(1/k)·2^B by its alternating series. */
function atanInverse(k: bigint, B: number): bigint {
  const one = 1n << BigInt(B);
  let power = one / k; // 1/k^(2n+1)
  const k2 = k * k;
  let sum = 0n;
  for (let n = 0n; power !== 0n; n++) {
    const term = power / (2n * n + 1n);
    sum += n % 2n === 0n ? term : -term;
    power /= k2;
  }
  return sum;
}

/** ⌊√n⌋ for n ≥ 0, by Newton's method. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** (2/√π)·2^B, with 64 guard bits dropped at the end. */
function twoOverSqrtPi(B: number): bigint {
  const cached = piCache.get(B);
  if (cached !== undefined) return cached;
  const G = B + 64;
  const pi = 16n * atanInverse(5n, G) - 4n * atanInverse(239n, G); // Machin
  const sqrtPi = isqrt(pi << BigInt(G)); // √π·2^G
  const r = ((2n << BigInt(2 * G)) / sqrtPi) >> 64n;
  piCache.set(B, r);
  return r;
}

const view = new DataView(new ArrayBuffer(8));

/** x·2^B exactly (x a finite double, B ≥ 1,074): its 53-bit significand shifted into place. */
function toFixed(x: number, B: number): bigint {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  if (biased !== 0) m |= 1n << 52n;
  const r = m << BigInt(B + (biased === 0 ? -1074 : biased - 1075));
  return hi >>> 31 ? -r : r;
}

/** N·2^−B rounded to the nearest double (ties to even), subnormals included. */
function toDouble(N: bigint, B: number): number {
  if (N === 0n) return 0;
  const negative = N < 0n;
  const a = negative ? -N : N;
  const L = a.toString(2).length;
  const shift = Math.max(L - 53, B - 1074, 0);
  let m = a >> BigInt(shift);
  const rest = a - (m << BigInt(shift));
  const half = shift === 0 ? 0n : 1n << BigInt(shift - 1);
  if (shift > 0 && (rest > half || (rest === half && (m & 1n) === 1n))) m += 1n;
  // m ≤ 2^53 and the power of two is ≥ 2^−1074: the product is exact.
  const r = Number(m) * 2 ** (shift - B);
  return negative ? -r : r;
}

/** erf(x)·2^B and B, for a finite x. */
function erfFixed(x: number): { value: bigint; B: number } {
  const B = Math.max(1200, 300 + Math.ceil((2 * x * x) / Math.LN2));
  const X = toFixed(x, B);
  const X2 = (X * X) >> BigInt(B);
  let t = X; // x^(2n+1)/n!
  let sum = X;
  for (let n = 1n; ; n++) {
    t = (t * X2) >> BigInt(B);
    t /= n;
    if (t === 0n) break;
    const term = t / (2n * n + 1n);
    sum += n % 2n === 0n ? term : -term;
  }
  return { value: (sum * twoOverSqrtPi(B)) >> BigInt(B), B };
}

/** erf(x) correctly rounded (to within the reference's ~90 guard digits). */
export function erfReference(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return Math.sign(x);
  if (Math.abs(x) > 27) return Math.sign(x); // 1 − erf < 2^−1074·2^−50: rounds to ±1
  const { value, B } = erfFixed(x);
  return toDouble(value, B);
}

/** erfc(x) = 1 − erf(x) correctly rounded, down to the subnormals. */
export function erfcReference(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  if (x > 27.5) return 0; // below 2^−1075
  if (x < -27) return 2;
  const { value, B } = erfFixed(x);
  return toDouble((1n << BigInt(B)) - value, B);
}
