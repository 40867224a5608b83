/**
 * hvp: the Hessian-vector product ∇²f(x)·v of the extended Rosenbrock function of 1,000
 * variables (forward over reverse: f.hvp(x, v)), at rosenbrock(1000)'s point, against a
 * hand-written H·v — and, for scale, one gradient of the same tape in the same run (the Jacobian
 * issue's target: an hvp costs ≤ 4× a gradient). An Answer is (0, H·v): hvp returns no value.
 */
import { compile, type Compiled, type EngineName } from "../../src/index.js";
import { uniform } from "../data.js";
import { rosenbrockGrad, rosenbrockHvp } from "../contenders/hand.js";
import { loadTf, copyInto, tidyAnswer, type TfBackend } from "../contenders/tfjs.js";
import type { Answer, Prepared, Workload } from "../types.js";
import { timedGrad } from "../contenders/tapegrad.js";
import { rosenbrockTape } from "./rosenbrock.js";

const N = 1000;
const x = uniform(1000 + N, N, -1.5, 1.5); // rosenbrock(1000)'s point
const v = uniform(77, N, -1, 1);
const make = (engine: EngineName): Compiled => compile(rosenbrockTape, { inputs: N, engine, jit: false });

function timedHvp(f: Compiled): Prepared {
  const out = new Float64Array(N);
  return {
    run: () => void f.hvp(x, v, out),
    answer: () => ({ value: 0, grad: f.hvp(x, v) }),
    dispose: () => f.dispose(),
  };
}

/** TF.js's H·v: tf.grad of w ↦ ⟨tf.grad(f)(w), v⟩ (reverse over reverse, float32). */
async function tfHvp(backend: TfBackend): Promise<Prepared> {
  const tf = await loadTf(backend);
  type T = import("@tensorflow/tfjs").Tensor;
  const f = (w: T): T => {
    const head = w.slice(0, N - 1);
    const tail = w.slice(1, N - 1);
    return tail.sub(head.square()).square().mul(100).add(tf.scalar(1).sub(head).square()).sum();
  };
  const v32 = Float32Array.from(v);
  const x32 = Float32Array.from(x);
  const out = new Float64Array(N);
  const evaluate = (): Answer =>
    tidyAnswer(tf, () => {
      const direction = tf.tensor1d(v32);
      const hv = tf.grad((w: T) => tf.grad(f)(w).mul(direction).sum())(tf.tensor1d(x32));
      copyInto(out, 0, hv.dataSync());
      return { value: 0, grad: out };
    });
  return { run: () => void evaluate(), answer: () => ({ ...evaluate(), grad: out.slice() }) };
}

export const hvp: Workload = {
  id: "hvp",
  title: "hvp: Rosenbrock n = 1,000",
  what: "the Hessian-vector product ∇²f(x)·v of the extended Rosenbrock function of 1,000 variables (f.hvp: one tangent sweep, then one reverse sweep carrying adjoints and their tangents)",
  note: "\"one gradient\" is f.grad(x) on the same tape, timed in the same rounds, checked against the hand-written gradient. TF.js (cpu and wasm backends): tf.grad of x ↦ ⟨tf.grad(f)(x), v⟩ (reverse over reverse, float32).",
  tapeNodes: () => make("js").size,
  reference: () => {
    const out = new Float64Array(N);
    rosenbrockHvp(x, v, out);
    return { value: 0, grad: out };
  },
  extraContenders: {
    wasm: { label: "tapegrad, wasm engine, f.hvp" },
    ts: { label: "tapegrad, TS engine, f.hvp" },
    hand: { label: "hand-written H·v (plain JS)" },
    tfjs: { label: "TensorFlow.js 4 (cpu backend, float32), grad of ⟨grad, v⟩", tolerance: 2e-3 },
    "tfjs-wasm": { label: "TensorFlow.js 4 (wasm backend, float32), grad of ⟨grad, v⟩", tolerance: 2e-3 },
    "wasm-grad": {
      label: "tapegrad, wasm, one gradient f.grad (for scale)",
      reference: () => {
        const grad = new Float64Array(N);
        return { value: rosenbrockGrad(x, grad), grad };
      },
    },
  },
  contenders: {
    wasm: () => timedHvp(make("wasm")),
    ts: () => timedHvp(make("js")),
    hand: () => {
      const out = new Float64Array(N);
      return {
        run: () => rosenbrockHvp(x, v, out),
        answer: () => {
          rosenbrockHvp(x, v, out);
          return { value: 0, grad: out.slice() };
        },
      };
    },
    tfjs: () => tfHvp("cpu"),
    "tfjs-wasm": () => tfHvp("wasm"),
    "wasm-grad": () => timedGrad(make("wasm"), x),
  },
};
