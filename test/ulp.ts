/** Distances in units in the last place, for tests that compare float64 results to a few ulp. */

const view = new DataView(new ArrayBuffer(8));

/** The spacing of float64 at |x|: 2^(e − 52) for a normal x of exponent e, 2^−1074 for a subnormal or 0. */
export function ulp(x: number): number {
  view.setFloat64(0, Math.abs(x));
  const biased = view.getUint16(0) >>> 4;
  return biased === 0 ? 2 ** -1074 : 2 ** (biased - 1075);
}

/**
 * |actual − expected| in ulps of expected: 0 when both are NaN or equal (+0 = −0), Infinity when
 * only one is NaN or they are unequal infinities.
 */
export function ulpDiff(actual: number, expected: number): number {
  if (Number.isNaN(actual) || Number.isNaN(expected)) return Number.isNaN(actual) && Number.isNaN(expected) ? 0 : Infinity;
  if (actual === expected) return 0;
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return Infinity;
  return Math.abs(actual - expected) / ulp(expected);
}

/** Same bits as far as a test cares: Object.is, except that any NaN equals any NaN. */
export function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}
