/** Fixed-seed data for the workloads: every process builds the very same points. */

/** mulberry32: a small seeded generator (the same one test/helpers.ts uses). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n numbers uniform in [lo, hi), from a fixed seed. */
export function uniform(seed: number, n: number, lo: number, hi: number): Float64Array {
  const random = rng(seed);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * random();
  return v;
}
