/** seed: (x + y)·sin(x), the lecture's first graph — per-call overhead on a tiny tape. */
import { compile, sin } from "../../src/index.js";
import { seedGrad } from "../contenders/hand.js";
import { Value } from "../contenders/micrograd.js";
import { timedGrad } from "../contenders/tapegrad.js";
import { loadTf, tidyAnswer, type TfBackend } from "../contenders/tfjs.js";
import type { Answer, Prepared, Workload } from "../types.js";

const X = 0.7;
const Y = 1.3;

const tapegrad = (engine: "wasm" | "js", jit = false) => () =>
  timedGrad(compile((x, y) => x.add(y).mul(sin(x)), { engine, jit }), Float64Array.of(X, Y));

/** TF.js's value + gradient of the seed function, two scalar tensors. */
async function tfSeed(backend: TfBackend): Promise<Prepared> {
  const tf = await loadTf(backend);
  const f = tf.valueAndGrads((x, y) => tf.mul(tf.add(x!, y!), tf.sin(x!)));
  const evaluate = (): Answer =>
    tidyAnswer(tf, () => {
      const { value, grads } = f([tf.scalar(X), tf.scalar(Y)]);
      return { value: value.dataSync()[0]!, grad: [grads[0]!.dataSync()[0]!, grads[1]!.dataSync()[0]!] };
    });
  return { run: () => void evaluate(), answer: evaluate };
}

export const seed: Workload = {
  id: "seed",
  title: "seed: (x + y)·sin(x)",
  what: "value + gradient of (x + y)·sin(x) at (0.7, 1.3), one call",
  tapeNodes: () => compile((x, y) => x.add(y).mul(sin(x)), { engine: "js" }).size,
  reference: () => {
    const grad = new Float64Array(2);
    return { value: seedGrad(X, Y, grad), grad };
  },
  contenders: {
    wasm: tapegrad("wasm"),
    jit: tapegrad("wasm", true),
    ts: tapegrad("js"),
    hand: () => {
      const grad = new Float64Array(2);
      return {
        run: () => void seedGrad(X, Y, grad),
        answer: () => ({ value: seedGrad(X, Y, grad), grad: grad.slice() }),
      };
    },
    micrograd: () => {
      const evaluate = (): Answer => {
        const x = new Value(X);
        const y = new Value(Y);
        const f = x.add(y).mul(x.sin());
        f.backward();
        return { value: f.data, grad: [x.grad, y.grad] };
      };
      return { run: () => void evaluate(), answer: evaluate };
    },
    tfjs: () => tfSeed("cpu"),
    "tfjs-wasm": () => tfSeed("wasm"),
  },
};
