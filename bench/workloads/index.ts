/**
 * Every workload of the suite, in report order. A new workload is one new file in this folder
 * plus one line here (e.g. a batched MLP, or a Jacobian workload comparing forward, reverse and
 * auto mode).
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
