/**
 * mlp: mean squared error of an MLP 2→16→16→1 (tanh, tanh, linear) over 1,024 fixed-seed points,
 * value + gradient with respect to its 337 parameters.
 *
 * tapegrad records one tape for the whole mean loss, the points as constants and the parameters
 * as inputs: point by point on one tape (~660,000 nodes). The batched form (one small per-point
 * tape, the points as data lanes, f.meanGrad) is mlp-batched.ts, on the same points and θ.
 * TF.js is written the way its users write it: batched matrix products over all points at once.
 */
import { compile, tanh, type Var } from "../../src/index.js";
import { uniform } from "../data.js";
import { mlpGrad, mlpLayout } from "../contenders/hand.js";
import { Value } from "../contenders/micrograd.js";
import { timedGrad } from "../contenders/tapegrad.js";
import { f64, loadJax, readInto, type JaxArray } from "../contenders/jax.js";
import { copyInto, loadTf, tidyAnswer, type TfBackend } from "../contenders/tfjs.js";
import type { Answer, Prepared, Workload } from "../types.js";

const H = 16;
const POINTS = 1024;
const L = mlpLayout(H);

/** Points in [−1, 1]², targets sin(πx)·cos(πy), parameters ~ U(−1/√fan-in, 1/√fan-in)·√3. */
export const points = uniform(7, 2 * POINTS, -1, 1);
export const targets = Float64Array.from({ length: POINTS }, (_, p) => Math.sin(Math.PI * points[2 * p]!) * Math.cos(Math.PI * points[2 * p + 1]!));
export const theta = (() => {
  const t = uniform(11, L.size, -1, 1);
  for (let i = L.w2; i < L.b2; i++) t[i]! *= Math.sqrt(3 / H);
  for (let i = L.w3; i < L.b3; i++) t[i]! *= Math.sqrt(3 / H);
  return t;
})();

/** The mean loss as tapegrad records it: the parameters are the inputs, the points constants. */
export function mlpTape(p: Var[]): Var {
  let loss: Var | null = null;
  const a1: Var[] = new Array(H);
  for (let s = 0; s < POINTS; s++) {
    const x0 = points[2 * s]!;
    const x1 = points[2 * s + 1]!;
    for (let j = 0; j < H; j++) a1[j] = tanh(p[L.w1 + 2 * j]!.mul(x0).add(p[L.w1 + 2 * j + 1]!.mul(x1)).add(p[L.b1 + j]!));
    let out = p[L.b3]!;
    for (let j = 0; j < H; j++) {
      let z = p[L.b2 + j]!;
      for (let k = 0; k < H; k++) z = z.add(p[L.w2 + H * j + k]!.mul(a1[k]!));
      out = out.add(p[L.w3 + j]!.mul(tanh(z)));
    }
    const e = out.sub(targets[s]!);
    loss = loss === null ? e.mul(e) : loss.add(e.mul(e));
  }
  return loss!.div(POINTS);
}

/** TF.js's value and gradients of the mean loss: batched matMuls over all points at once (float32). */
async function tfMlp(backend: TfBackend): Promise<Prepared> {
  const tf = await loadTf(backend);
  const X = tf.tensor2d(Float32Array.from(points), [POINTS, 2]);
  const Y = tf.tensor2d(Float32Array.from(targets), [POINTS, 1]);
  const theta32 = Float32Array.from(theta);
  type T = import("@tensorflow/tfjs").Tensor;
  const f = tf.valueAndGrads((w1: T, b1: T, w2: T, b2: T, w3: T, b3: T) => {
    const h1 = tf.tanh(tf.matMul(X, w1 as import("@tensorflow/tfjs").Tensor2D, false, true).add(b1));
    const h2 = tf.tanh(tf.matMul(h1, w2 as import("@tensorflow/tfjs").Tensor2D, false, true).add(b2));
    const out = tf.matMul(h2, w3 as import("@tensorflow/tfjs").Tensor2D, false, true).add(b3);
    return tf.mean(tf.square(out.sub(Y)));
  });
  const grad = new Float64Array(L.size);
  const offsets = [L.w1, L.b1, L.w2, L.b2, L.w3, L.b3];
  const evaluate = (): Answer =>
    tidyAnswer(tf, () => {
      const params = [
        tf.tensor2d(theta32.subarray(L.w1, L.b1), [H, 2]),
        tf.tensor1d(theta32.subarray(L.b1, L.w2)),
        tf.tensor2d(theta32.subarray(L.w2, L.b2), [H, H]),
        tf.tensor1d(theta32.subarray(L.b2, L.w3)),
        tf.tensor2d(theta32.subarray(L.w3, L.b3), [1, H]),
        tf.tensor1d(theta32.subarray(L.b3, L.size)),
      ];
      const { value, grads } = f(params);
      grads.forEach((g, i) => copyInto(grad, offsets[i]!, g.dataSync()));
      return { value: value.dataSync()[0]!, grad };
    });
  return {
    run: () => void evaluate(),
    answer: () => ({ ...evaluate(), grad: grad.slice() }),
    dispose: () => tf.dispose([X, Y]),
  };
    }

/**
 * jax-js's value and gradient of the same mean loss (float64), as a jax user writes it: the
 * parameters a list of arrays, the points and targets arguments (kept across calls with .ref),
 * matmuls over all points at once, `jit(valueAndGrad(loss))` (gradient w.r.t. the parameters).
 */
async function jaxMlp(): Promise<Prepared> {
  const jax = await loadJax();
  const np = jax.numpy;
  const X = f64(jax, points, [POINTS, 2]);
  const Y = f64(jax, targets, [POINTS, 1]);
  const loss = ([w1, b1, w2, b2, w3, b3]: JaxArray[], x: JaxArray, y: JaxArray): JaxArray => {
    const h1 = np.tanh(np.matmul(x, w1!.transpose()).add(b1!));
    const h2 = np.tanh(np.matmul(h1, w2!.transpose()).add(b2!));
    const out = np.matmul(h2, w3!.transpose()).add(b3!);
    return np.mean(np.square(out.sub(y)));
  };
  const f = jax.jit(jax.valueAndGrad(loss));
  const shapes: [number, number, number[]][] = [[L.w1, L.b1, [H, 2]], [L.b1, L.w2, [H]], [L.w2, L.b2, [H, H]], [L.b2, L.w3, [H]], [L.w3, L.b3, [1, H]], [L.b3, L.size, [1]]];
  const grad = new Float64Array(L.size);
  const evaluate = (): Answer => {
    const params = shapes.map(([from, to, shape]) => f64(jax, theta.subarray(from, to), shape));
    const [value, grads] = f(params, X.ref, Y.ref);
    grads.forEach((g, i) => readInto(grad, shapes[i]![0], g));
    return { value: value.item(), grad };
  };
  return {
    run: () => void evaluate(),
    answer: () => ({ ...evaluate(), grad: grad.slice() }),
    dispose: () => {
      f.dispose();
      X.dispose();
      Y.dispose();
    },
  };
}

export const mlp: Workload = {
  id: "mlp",
  title: "mlp 2→16→16→1, 1,024 points",
  what: "mean squared error of the MLP over 1,024 points and its gradient w.r.t. 337 parameters",
  note: "tapegrad: one tape for the whole mean loss (points as constants), point by point; TF.js and jax-js: batched matmuls over all points.",
  tapeNodes: () => compile(mlpTape, { inputs: L.size, engine: "js" }).size,
  reference: () => {
    const grad = new Float64Array(L.size);
    return { value: mlpGrad(theta, points, targets, H, grad), grad };
  },
  contenders: {
    wasm: () => timedGrad(compile(mlpTape, { inputs: L.size, engine: "wasm", jit: false }), theta),
    jit: () => timedGrad(compile(mlpTape, { inputs: L.size, engine: "wasm", jit: true }), theta),
    ts: () => timedGrad(compile(mlpTape, { inputs: L.size, engine: "js" }), theta),
    hand: () => {
      const grad = new Float64Array(L.size);
      return {
        run: () => void mlpGrad(theta, points, targets, H, grad),
        answer: () => ({ value: mlpGrad(theta, points, targets, H, grad), grad: grad.slice() }),
      };
    },
    micrograd: () => {
      const evaluate = (): Answer => {
        const p = Array.from(theta, (t) => new Value(t));
        const a1: Value[] = new Array(H);
        let loss: Value | null = null;
        for (let s = 0; s < POINTS; s++) {
          const x0 = points[2 * s]!;
          const x1 = points[2 * s + 1]!;
          for (let j = 0; j < H; j++) a1[j] = p[L.w1 + 2 * j]!.mul(x0).add(p[L.w1 + 2 * j + 1]!.mul(x1)).add(p[L.b1 + j]!).tanh();
          let out = p[L.b3]!;
          for (let j = 0; j < H; j++) {
            let z = p[L.b2 + j]!;
            for (let k = 0; k < H; k++) z = z.add(p[L.w2 + H * j + k]!.mul(a1[k]!));
            out = out.add(p[L.w3 + j]!.mul(z.tanh()));
          }
          const e = out.sub(targets[s]!);
          loss = loss === null ? e.mul(e) : loss.add(e.mul(e));
        }
        const mean = loss!.mul(1 / POINTS);
        mean.backward();
        return { value: mean.data, grad: p.map((v) => v.grad) };
      };
      return { run: () => void evaluate(), answer: evaluate };
    },
    tfjs: () => tfMlp("cpu"),
    "tfjs-wasm": () => tfMlp("wasm"),
    "jax-wasm": jaxMlp,
  },
};
