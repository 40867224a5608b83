/** Fixed-seed data for the workloads: every process builds the very same points. */
import { mulberry32 } from "../src/random.js";

/** The library's seeded generator (src/random.ts), under the name the workloads use. */
export const rng = mulberry32;

/** n numbers uniform in [lo, hi), from a fixed seed. */
export function uniform(seed: number, n: number, lo: number, hi: number): Float64Array {
  const random = rng(seed);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * random();
  return v;
}
