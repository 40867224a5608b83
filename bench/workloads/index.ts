/**
 * Every workload of the suite, in report order. A new workload is one new file in this folder
 * plus one line here:
 *  - a batched MLP (when f.meanGrad(θ, dataset) lands): mlp-batched.ts, the same points, θ and
 *    reference as mlp.ts (import them), the tapegrad contenders calling the batched API;
 *  - a Jacobian workload (when f.jacobian(x, { mode }) lands): jacobian.ts with f: Rⁿ→Rᵐ for
 *    n ≫ m and n ≪ m (two workloads from one factory, like rosenbrock(n)), the m×n Jacobian
 *    flattened row-major as Answer.grad, a hand-written Jacobian as reference, and contenders
 *    beyond the standard five declared in `extraContenders` ("wasm-forward", "wasm-reverse",
 *    "wasm-auto", with labels), `baseline: "wasm-auto"`.
 */
import type { Workload } from "../types.js";
import { mlp } from "./mlp.js";
import { record } from "./record.js";
import { rosenbrock } from "./rosenbrock.js";
import { seed } from "./seed.js";

export const WORKLOADS: readonly (() => Workload)[] = [
  () => seed,
  () => rosenbrock(1_000),
  () => rosenbrock(100_000),
  () => mlp,
  () => record,
];

export function workloadById(id: string): Workload {
  for (const make of WORKLOADS) {
    const w = make();
    if (w.id === id) return w;
  }
  throw new Error(`bench: unknown workload ${id}`);
}
