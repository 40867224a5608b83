/**
 * fit(): minibatch training. Each epoch shuffles the points (seeded, so runs repeat), walks them
 * in minibatches, and for each one takes the mean loss and E[dL/dθ] in one meanGrad call and
 * one optimizer step on θ, in place.
 *
 * With workers, fit awaits between steps, and the caller holds the arrays meanwhile: so it reads
 * the caller's params and dataset only at the call (θ is stepped in fit's own copy and written
 * back into params after every step; the dataset is copied once), and changing them while fit
 * runs cannot change its path.
 */
import type { Compiled } from "../compiled.js";
import { checkDataset, checkOptionKeys, checkWorkers } from "../validate.js";
import type { Optimizer } from "./optimizers.js";
import { mulberry32 } from "../random.js";

/** What fit() passes onProgress after every step. */
export interface FitProgress {
  /** The epoch, 1-based. */
  epoch: number;
  /** Number of epochs in the run. */
  epochs: number;
  /** The minibatch within the epoch, 1-based. */
  batch: number;
  /** Number of minibatches per epoch. */
  batches: number;
  /** Mean loss of this minibatch, at θ before its step. */
  loss: number;
  /** Mean loss over the epoch's points so far. */
  epochLoss: number;
}

/** Options of fit(f, params, dataset, options). */
export interface FitOptions {
  /** Required: the optimizer that steps θ, e.g. adam() or sgd({ learningRate: 0.1 }). */
  optimizer: Optimizer;
  /** Passes over the dataset; default 1. */
  epochs?: number;
  /** Points per step; default all of them (full-batch gradient descent). */
  batchSize?: number;
  /** Shuffle the points every epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 1), so runs repeat. */
  seed?: number;
  /** Split each minibatch's gradient across this many worker threads (default 1: this thread). */
  workers?: number;
  /** Called after every step (default: none). */
  onProgress?: (progress: FitProgress) => void;
}

/** What fit() resolves to. */
export interface FitResult {
  /** Mean training loss of each epoch (each minibatch's loss taken before its step). */
  losses: Float64Array;
  /** Single-point gradient evaluations done: points × epochs. */
  gradientEvaluations: number;
  /** Wall time spent, in seconds. */
  seconds: number;
}

/** Minibatch training: updates params in place to reduce f's mean over the dataset; resolves when done. */
export async function fit(f: Compiled, params: Float64Array, dataset: ArrayLike<number>, options: FitOptions): Promise<FitResult> {
  if (!(params instanceof Float64Array) || params.length !== f.inputs) {
    throw new TypeError(`tapegrad: fit(f, params, …): params must be a Float64Array of ${f.inputs} numbers (updated in place)`);
  }
  const checked = checkDataset(dataset, f.data, "fit");
  const count = checked.count;
  if (options === undefined) {
    throw new TypeError("tapegrad: fit(f, params, dataset, options) needs options with an optimizer, e.g. { optimizer: adam() }");
  }
  checkOptionKeys(
    options,
    ["optimizer", "epochs", "batchSize", "shuffle", "seed", "workers", "onProgress"],
    "fit(f, params, dataset, options)",
  );
  const optimizer = options.optimizer;
  if (optimizer === undefined || typeof optimizer.step !== "function") {
    throw new TypeError("tapegrad: fit(): options.optimizer must be an optimizer, e.g. sgd({ learningRate: 0.1 }) or adam()");
  }
  const epochs = wholeNumber(options.epochs ?? 1, "epochs");
  const batchSize = Math.min(wholeNumber(options.batchSize ?? count, "batchSize"), count);
  const workers = options.workers === undefined ? 1 : checkWorkers(options, "fit(): options.workers");
  // Taken now, before the first await (see the top): the dataset copied unless checkDataset
  // already made it fit's own, θ stepped in a copy.
  const rows = workers > 1 && checked.rows === dataset ? checked.rows.slice() : checked.rows;
  const theta = Float64Array.from(params);
  const d = f.data;
  const batches = Math.ceil(count / batchSize);
  const order = Int32Array.from({ length: count }, (_, k) => k);
  const random = mulberry32(options.seed ?? 1);
  const batch = new Float64Array(batchSize * d);
  const losses = new Float64Array(epochs);
  const grad = new Float64Array(f.inputs);
  const started = performance.now();

  for (let epoch = 0; epoch < epochs; epoch++) {
    if (options.shuffle !== false) shuffle(order, random);
    let lossSum = 0;
    for (let k = 0; k < batches; k++) {
      const first = k * batchSize;
      const size = Math.min(batchSize, count - first);
      for (let r = 0; r < size; r++) {
        const src = order[first + r]! * d;
        for (let j = 0; j < d; j++) batch[r * d + j] = rows[src + j]!;
      }
      const points = batch.subarray(0, size * d);
      const result = workers > 1 ? await f.meanGrad(theta, points, { workers }) : f.meanGrad(theta, points, grad);
      optimizer.step(theta, result.grad);
      params.set(theta);
      lossSum += result.value * size;
      options.onProgress?.({
        epoch: epoch + 1,
        epochs,
        batch: k + 1,
        batches,
        loss: result.value,
        epochLoss: lossSum / (first + size),
      });
    }
    losses[epoch] = lossSum / count;
  }
  return { losses, gradientEvaluations: epochs * count, seconds: (performance.now() - started) / 1000 };
}

function wholeNumber(x: unknown, what: string): number {
  if (typeof x !== "number" || !Number.isInteger(x) || x < 1) {
    throw new RangeError(`tapegrad: fit(): ${what} must be a positive integer, got ${String(x)}`);
  }
  return x;
}

/** Fisher–Yates. */
function shuffle(order: Int32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}
