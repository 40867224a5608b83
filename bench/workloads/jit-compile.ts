/**
 * jit-compile-*: what compiling a tape to WebAssembly costs, per tape node (the JIT issue's
 * "codegen + instantiate + first call ≤ 1 µs per node"). Timed: compile() of the function, its first
 * call (grad, or meanGrad for the batched workload), and dispose(). The wasm contender does the same
 * with the interpreter (jit: false), so the difference of the two is the JIT's own cost: code
 * generation in JS, V8's decoding and baseline compilation (lazily, at the first call), and
 * instantiation. The bench process runs V8's default tiers: the baseline code of the first call,
 * optimised code later, in the background.
 */
import { compile, sin, type Compiled } from "../../src/index.js";
import type { Answer, Prepared, Workload } from "../types.js";
import { rosenbrockTape } from "./rosenbrock.js";
import { uniform } from "../data.js";
import { rosenbrockGrad, seedGrad } from "../contenders/hand.js";
import { mlp, mlpTape, theta as mlpTheta } from "./mlp.js";
import { compileMlpPoint, mlpBatched, rows as mlpRows } from "./mlp-batched.js";

function compiling(make: (jit: boolean) => Compiled, call: (f: Compiled) => Answer, jit: boolean): () => Prepared {
  return () => ({
    run: () => {
      const f = make(jit);
      call(f);
      f.dispose();
    },
    answer: () => {
      const f = make(jit);
      const answer = call(f);
      f.dispose();
      return answer;
    },
  });
}

function jitCompile(
  id: string, title: string, what: string, nodes: () => number, reference: () => Answer,
  make: (jit: boolean) => Compiled, call: (f: Compiled) => Answer,
): Workload {
  return {
    id: `jit-compile-${id}`,
    title: `jit compile: ${title}`,
    what: `compile() with the JIT (jit: true) or without, the first ${what}, and dispose()`,
    note: "The JIT's cost is the jit row minus the wasm row (the interpreter's compile and first call).",
    tapeNodes: nodes,
    reference,
    contenders: { wasm: compiling(make, call, false), jit: compiling(make, call, true) },
  };
}

const grad = (x: ArrayLike<number>) => (f: Compiled): Answer => f.grad(x);

const seedFn = (x: import("../../src/index.js").Var, y: import("../../src/index.js").Var) => x.add(y).mul(sin(x));
const N = 1_000;
const xr = uniform(1000 + N, N, -1.5, 1.5);

export const jitCompileWorkloads: readonly (() => Workload)[] = [
  () => jitCompile("seed", "seed, 5 nodes", "grad", () => compile(seedFn, { engine: "js" }).size, () => {
    const g = new Float64Array(2);
    return { value: seedGrad(0.7, 1.3, g), grad: g };
  }, (jit) => compile(seedFn, { jit }), grad([0.7, 1.3])),
  () => jitCompile("rosenbrock-1000", "rosenbrock n = 1,000", "grad", () => compile(rosenbrockTape, { inputs: N, engine: "js" }).size, () => {
    const g = new Float64Array(N);
    return { value: rosenbrockGrad(xr, g), grad: g };
  }, (jit) => compile(rosenbrockTape, { inputs: N, jit }), grad(xr)),
  () => jitCompile("mlp", "mlp, one point's tape of the whole loss", "grad", mlp.tapeNodes, mlp.reference,
    (jit) => compile(mlpTape, { inputs: mlpTheta.length, jit }), grad(mlpTheta)),
  () => jitCompile("mlp-batched", "mlp batched, the per-point tape", "meanGrad over 1,024 points", mlpBatched.tapeNodes, mlpBatched.reference,
    (jit) => compileMlpPoint("wasm", jit), (f) => f.meanGrad(mlpTheta, mlpRows) as Answer),
];
