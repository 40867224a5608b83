/**
 * mlp-batched: the very task of mlp.ts — mean squared error of the MLP 2→16→16→1 over the same
 * 1,024 fixed-seed points at the same θ, and its gradient w.r.t. the 337 parameters — written the
 * way tapegrad users write it since batching landed: one small per-point loss tape with the point
 * as data inputs, `compile({ params, data }, …)`, and `f.meanGrad(θ, dataset)`, which replays it
 * over the points in SIMD lanes. The ns/node column is ns per node-lane (tape nodes × points).
 *
 * The other contenders are mlp.ts's own (the same hand-written JS reference, micrograd-style
 * graph and batched TF.js), plus the same gradient hand-written in C (bench/mlp.c, compiled with
 * gcc at bench time). mlp-workers: the same tape and API on 65,536 points, one thread vs
 * `{ workers: 2 }`.
 */
import { compile, matmul, square, tanh, type Compiled, type EngineName, type Var } from "../../src/index.js";
import { uniform } from "../data.js";
import { cMlp } from "../contenders/c.js";
import { mlpGrad, mlpLayout } from "../contenders/hand.js";
import type { Answer, Prepared, Workload } from "../types.js";
import { mlp, points, targets, theta } from "./mlp.js";

const H = 16;
const L = mlpLayout(H);

/** One point's squared error, the point (x0, x1, y) as data: the same operations as mlpTape's per-point body. */
export function mlpPointLoss(p: Var[], [x0, x1, y]: Var[]): Var {
  const a1: Var[] = new Array(H);
  for (let j = 0; j < H; j++) a1[j] = tanh(p[L.w1 + 2 * j]!.mul(x0!).add(p[L.w1 + 2 * j + 1]!.mul(x1!)).add(p[L.b1 + j]!));
  let out = p[L.b3]!;
  for (let j = 0; j < H; j++) {
    let z = p[L.b2 + j]!;
    for (let k = 0; k < H; k++) z = z.add(p[L.w2 + H * j + k]!.mul(a1[k]!));
    out = out.add(p[L.w3 + j]!.mul(tanh(z)));
  }
  const e = out.sub(y!);
  return e.mul(e);
}

/** The array form of the same loss: θ and the rows in the same layout, one matmul per layer. */
export function compileMlpArrays(engine: EngineName): Compiled {
  return compile(
    { params: { W1: [H, 2], b1: [H], W2: [H, H], b2: [H], W3: [1, H], b3: [] }, data: { x: [2], y: [] }, engine },
    ({ W1, b1, W2, b2, W3, b3 }, { x, y }) => {
      const a2 = tanh(matmul(W2, tanh(matmul(W1, x).add(b1))).add(b2));
      return square(matmul(W3, a2).at(0).add(b3).sub(y));
    },
  );
}

export const compileMlpPoint = (engine: EngineName, jit = false): Compiled => compile({ params: L.size, data: 3, engine, jit }, mlpPointLoss);

/** The dataset as meanGrad takes it: rows (x0, x1, y), row-major. */
export function mlpRows(pts: Float64Array, ys: Float64Array): Float64Array {
  const rows = new Float64Array(3 * ys.length);
  for (let p = 0; p < ys.length; p++) {
    rows[3 * p] = pts[2 * p]!;
    rows[3 * p + 1] = pts[2 * p + 1]!;
    rows[3 * p + 2] = ys[p]!;
  }
  return rows;
}

export const rows = mlpRows(points, targets);

/** Times f.meanGrad(θ, dataset) into a reused output array. */
function timedMeanGrad(f: Compiled, dataset: Float64Array): Prepared {
  const grad = new Float64Array(f.inputs);
  return {
    run: () => void f.meanGrad(theta, dataset, grad),
    answer: (): Answer => {
      const { value, grad } = f.meanGrad(theta, dataset);
      return { value, grad };
    },
    dispose: () => f.dispose(),
  };
}

const pointTapeSize = (): number => compileMlpPoint("js").size;

export const mlpBatched: Workload = {
  id: "mlp-batched",
  title: "mlp batched: meanGrad, 1,024 points",
  what: "the mlp workload's mean squared error and gradient (same points, θ and reference), tapegrad as one per-point tape with data inputs and f.meanGrad(θ, dataset)",
  note: "tapegrad: one per-point loss tape (the point as data inputs), replayed over the 1,024 points in lanes by meanGrad; ns/node is ns per node-lane (tape nodes × 1,024). Hand-written JS, micrograd-style and TF.js are the mlp workload's own; the C contender is bench/mlp.c (gcc -O3 -march=native, compiled at bench time), fed the same points.",
  tapeNodes: pointTapeSize,
  lanes: targets.length,
  reference: mlp.reference,
  extraContenders: { "wasm-array": { label: "tapegrad, wasm engine, array form (matmul)" } },
  contenders: {
    wasm: () => timedMeanGrad(compileMlpPoint("wasm"), rows),
    jit: () => timedMeanGrad(compileMlpPoint("wasm", true), rows),
    "wasm-array": () => timedMeanGrad(compileMlpArrays("wasm"), rows),
    ts: () => timedMeanGrad(compileMlpPoint("js"), rows),
    hand: mlp.contenders.hand!,
    c: () => cMlp(theta, rows, targets.length),
    micrograd: mlp.contenders.micrograd!,
    tfjs: mlp.contenders.tfjs!,
    "tfjs-wasm": mlp.contenders["tfjs-wasm"]!,
    "jax-wasm": mlp.contenders["jax-wasm"]!,
  },
};

const BIG = 65_536;

/** 65,536 points from mlp.ts's generator (its first 1,024 are mlp.ts's points), targets alike. */
export const bigPoints = uniform(7, 2 * BIG, -1, 1);
export const bigTargets = Float64Array.from({ length: BIG }, (_, p) => Math.sin(Math.PI * bigPoints[2 * p]!) * Math.cos(Math.PI * bigPoints[2 * p + 1]!));

export const mlpWorkers: Workload = {
  id: "mlp-workers",
  title: "mlp batched: meanGrad, 65,536 points, threads",
  what: "the MLP mean gradient over 65,536 points (mlp.ts's generator): wasm meanGrad on the calling thread vs split over 2 worker threads",
  note: "Both use the per-point tape of mlp-batched; the 2-worker contender calls `await f.meanGrad(θ, dataset, { workers: 2 })` (threads started during setup, the parameters and points posted to them on every call); ns/node is ns per node-lane.",
  tapeNodes: pointTapeSize,
  lanes: BIG,
  reference: () => {
    const grad = new Float64Array(L.size);
    return { value: mlpGrad(theta, bigPoints, bigTargets, H, grad), grad };
  },
  extraContenders: { "wasm-workers": { label: "tapegrad, wasm engine, { workers: 2 }" } },
  contenders: {
    wasm: () => timedMeanGrad(compileMlpPoint("wasm"), mlpRows(bigPoints, bigTargets)),
    "wasm-workers": async () => {
      const f = compileMlpPoint("wasm");
      const dataset = mlpRows(bigPoints, bigTargets);
      await f.meanGrad(theta, dataset, { workers: 2 }); // start the threads outside the timing
      return {
        run: async () => void (await f.meanGrad(theta, dataset, { workers: 2 })),
        answer: async (): Promise<Answer> => {
          const { value, grad } = await f.meanGrad(theta, dataset, { workers: 2 });
          return { value, grad };
        },
        dispose: () => f.dispose(),
      };
    },
  },
};
