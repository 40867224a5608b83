/**
 * Every workload of the suite, in report order. A new workload is one new file in this folder
 * plus one line here. A workload lists its contenders: the standard ones (types.ts: wasm, ts,
 * hand, c, micrograd, tfjs, tfjs-wasm, jax-wasm) and its own, declared with labels in
 * `extraContenders` (the Jacobian workloads' "wasm-forward", "wasm-reverse", "wasm-auto", or
 * mnist-mlp's "wasm-array"); `baseline` names the contender the ×
 * column divides by (default "wasm"). A contender that times something else for scale (one
 * gradient beside a Hessian-vector product) declares its own `reference`. A batched workload sets
 * `lanes` (points per evaluation), and ns/node becomes ns per node-lane.
 */
import type { Workload } from "../types.js";
import { detachTax } from "./detach.js";
import { hvp } from "./hvp.js";
import { jitCompileWorkloads } from "./jit-compile.js";
import { jacobianTall, jacobianWide } from "./jacobian.js";
import { mlp } from "./mlp.js";
import { mlpBatched, mlpWorkers } from "./mlp-batched.js";
import { mnistMlp } from "./mnist-mlp.js";
import { record, recordMnist } from "./record.js";
import { rosenbrock } from "./rosenbrock.js";
import { seed } from "./seed.js";

export const WORKLOADS: readonly (() => Workload)[] = [
  () => seed,
  () => rosenbrock(1_000),
  () => rosenbrock(100_000),
  () => mlp,
  () => mlpBatched,
  () => mlpWorkers,
  () => mnistMlp,
  () => jacobianWide(),
  () => jacobianTall(),
  () => hvp,
  () => record,
  () => recordMnist,
  ...jitCompileWorkloads,
  () => detachTax,
];

export function workloadById(id: string): Workload {
  for (const make of WORKLOADS) {
    const w = make();
    if (w.id === id) return w;
  }
  throw new Error(`bench: unknown workload ${id}`);
}
