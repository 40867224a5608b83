/**
 * mnist-mlp: an MNIST-size classifier, 784 → 128 (tanh) → 10, cross-entropy through logSoftmax,
 * on 256 generated points (fixed seeds: 784 "pixels" uniform in [0, 1) and an integer label 0–9
 * each, no real images), the mean gradient w.r.t. all 101,770 parameters.
 *
 * Layout, shared by every contender and by the array form below: θ = W1 [128, 784], b1 [128],
 * W2 [10, 128], b2 [10], in that order, each row-major; a data row = x (784) then y one-hot (10).
 * tapegrad, scalar form: one per-point tape (~306k nodes: 101,770 parameter leaves, 794 data
 * leaves, ~204k operations) replayed over the points by `f.meanGrad`; ns/node is per node-lane.
 * tapegrad, array form ("wasm-array"): 13 array nodes, the batch's points side by side, so each
 * layer is one matrix product over a block of points.
 * TF.js and jax-js: matmuls over all 256 points at once, as their users write it.
 */
import { compile, dot, logSoftmax, matmul, neg, tanh, type Compiled, type EngineName, type Var } from "../../src/index.js";
import { rng, uniform } from "../data.js";
import { mnistGrad, mnistLayout } from "../contenders/hand.js";
import { f64, loadJax, readInto, type JaxArray } from "../contenders/jax.js";
import { copyInto, loadTf, tidyAnswer, type TfBackend } from "../contenders/tfjs.js";
import type { Answer, Prepared, Workload } from "../types.js";

const D = 784;
const H = 128;
const C = 10;
const POINTS = 256;
export const L = mnistLayout(D, H, C);

/** Integer labels 0–9, from their own seed. */
export const labels = (() => {
  const random = rng(29);
  return Int32Array.from({ length: POINTS }, () => Math.floor(C * random()));
})();

/** The dataset as meanGrad takes it: rows of x (uniform pixels) then y (one-hot of the label). */
export const rows = (() => {
  const pixels = uniform(23, D * POINTS, 0, 1);
  const out = new Float64Array(L.row * POINTS);
  for (let p = 0; p < POINTS; p++) {
    out.set(pixels.subarray(D * p, D * (p + 1)), L.row * p);
    out[L.row * p + D + labels[p]!] = 1;
  }
  return out;
})();

/** Weights ~ U(−1, 1)·√(3 / fan-in) (variance 1 / fan-in), biases ~ U(−0.1, 0.1). */
export const theta = (() => {
  const t = uniform(31, L.size, -1, 1);
  for (let i = L.w1; i < L.b1; i++) t[i]! *= Math.sqrt(3 / D);
  for (let i = L.b1; i < L.w2; i++) t[i]! *= 0.1;
  for (let i = L.w2; i < L.b2; i++) t[i]! *= Math.sqrt(3 / H);
  for (let i = L.b2; i < L.size; i++) t[i]! *= 0.1;
  return t;
})();

/** One point's loss as tapegrad's scalar form records it: −⟨y, logSoftmax(W2·tanh(W1·x + b1) + b2)⟩. */
export function mnistPointLoss(p: Var[], d: Var[]): Var {
  const x = d.slice(0, D);
  const hidden = Array.from({ length: H }, (_, j) => tanh(dot(p.slice(L.w1 + D * j, L.w1 + D * (j + 1)), x).add(p[L.b1 + j]!)));
  const logits = Array.from({ length: C }, (_, k) => dot(p.slice(L.w2 + H * k, L.w2 + H * (k + 1)), hidden).add(p[L.b2 + k]!));
  return neg(dot(d.slice(D), logSoftmax(logits)));
}

export const compileMnistPoint = (engine: EngineName): Compiled => compile({ params: L.size, data: L.row, engine, jit: false }, mnistPointLoss);

/** Times f.meanGrad(θ, rows) into a reused output array. */
function timedMeanGrad(f: Compiled): Prepared {
  const grad = new Float64Array(L.size);
  return {
    run: () => void f.meanGrad(theta, rows, grad),
    answer: (): Answer => f.meanGrad(theta, rows),
    dispose: () => f.dispose(),
  };
}

/** The array form: one matmul node per layer, θ and the data rows in the same layout. */
export function compileMnistArrays(engine: EngineName): Compiled {
  return compile({ params: { W1: [H, D], b1: [H], W2: [C, H], b2: [C] }, data: { x: [D], y: [C] }, engine }, ({ W1, b1, W2, b2 }, { x, y }) =>
    neg(dot(y, logSoftmax(matmul(W2, tanh(matmul(W1, x).add(b1))).add(b2)))),
  );
}

/** TF.js (float32): X [256, 784] and one-hot Y [256, 10] as constant tensors, θ uploaded per call. */
async function tfMnist(backend: TfBackend): Promise<Prepared> {
  const tf = await loadTf(backend);
  type T = import("@tensorflow/tfjs").Tensor;
  type T2 = import("@tensorflow/tfjs").Tensor2D;
  const X = tf.tensor2d(Float32Array.from({ length: D * POINTS }, (_, i) => rows[L.row * Math.floor(i / D) + (i % D)]!), [POINTS, D]);
  const Y = tf.oneHot(tf.tensor1d(labels, "int32"), C).toFloat();
  const f = tf.valueAndGrads((w1: T, b1: T, w2: T, b2: T) => {
    const hidden = tf.tanh(tf.matMul(X, w1 as T2, false, true).add(b1));
    const logits = tf.matMul(hidden, w2 as T2, false, true).add(b2);
    return tf.neg(tf.mean(tf.sum(tf.mul(Y, tf.logSoftmax(logits)), 1)));
  });
  const theta32 = Float32Array.from(theta);
  const offsets = [L.w1, L.b1, L.w2, L.b2];
  const grad = new Float64Array(L.size);
  const evaluate = (): Answer =>
    tidyAnswer(tf, () => {
      const params = [
        tf.tensor2d(theta32.subarray(L.w1, L.b1), [H, D]),
        tf.tensor1d(theta32.subarray(L.b1, L.w2)),
        tf.tensor2d(theta32.subarray(L.w2, L.b2), [C, H]),
        tf.tensor1d(theta32.subarray(L.b2, L.size)),
      ];
      const { value, grads } = f(params);
      grads.forEach((g, i) => copyInto(grad, offsets[i]!, g.dataSync()));
      return { value: value.dataSync()[0]!, grad };
    });
  return { run: () => void evaluate(), answer: () => ({ ...evaluate(), grad: grad.slice() }), dispose: () => tf.dispose([X, Y]) };
}

/** jax-js (float64): `jit(valueAndGrad(loss))` over the parameter list, X and Y kept with .ref. */
async function jaxMnist(): Promise<Prepared> {
  const jax = await loadJax();
  const np = jax.numpy;
  const X = f64(jax, Float64Array.from({ length: D * POINTS }, (_, i) => rows[L.row * Math.floor(i / D) + (i % D)]!), [POINTS, D]);
  const Y = f64(jax, Float64Array.from({ length: C * POINTS }, (_, i) => rows[L.row * Math.floor(i / C) + D + (i % C)]!), [POINTS, C]);
  const loss = ([w1, b1, w2, b2]: JaxArray[], x: JaxArray, y: JaxArray): JaxArray => {
    const hidden = np.tanh(np.matmul(x, w1!.transpose()).add(b1!));
    const logits = np.matmul(hidden, w2!.transpose()).add(b2!);
    return np.negative(np.mean(np.sum(y.mul(jax.nn.logSoftmax(logits, -1)), 1)));
  };
  const f = jax.jit(jax.valueAndGrad(loss));
  const shapes: [number, number, number[]][] = [[L.w1, L.b1, [H, D]], [L.b1, L.w2, [H]], [L.w2, L.b2, [C, H]], [L.b2, L.size, [C]]];
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

export const mnistMlp: Workload = {
  id: "mnist-mlp",
  title: "mnist-mlp 784→128→10, 256 points",
  what: "mean cross-entropy (logSoftmax) of a 784→128→10 tanh MLP over 256 generated points with labels 0–9, and its gradient w.r.t. 101,770 parameters",
  note: "tapegrad (wasm-array): the array form, matmul nodes over blocks of points. tapegrad (wasm): the scalar per-point loss tape (data inputs: x then one-hot y), f.meanGrad over the 256 points; ns/node is ns per node-lane. Hand-written JS: plain loops, point by point. TF.js (cpu and wasm, float32) and jax-js (wasm, float64, jit): matmuls over all points. The data are uniform pixels with random labels, not MNIST images.",
  tapeNodes: () => compileMnistPoint("js").size,
  lanes: POINTS,
  reference: () => {
    const grad = new Float64Array(L.size);
    return { value: mnistGrad(L, theta, rows, POINTS, grad), grad };
  },
  extraContenders: { "wasm-array": { label: "tapegrad, wasm engine, array form (matmul)" } },
  contenders: {
    wasm: () => timedMeanGrad(compileMnistPoint("wasm")),
    hand: () => {
      const grad = new Float64Array(L.size);
      return {
        run: () => void mnistGrad(L, theta, rows, POINTS, grad),
        answer: () => ({ value: mnistGrad(L, theta, rows, POINTS, grad), grad: grad.slice() }),
      };
    },
    tfjs: () => tfMnist("cpu"),
    "tfjs-wasm": () => tfMnist("wasm"),
    "jax-wasm": jaxMnist,
    "wasm-array": () => timedMeanGrad(compileMnistArrays("wasm")),
  },
};
