/**
 * The demo notebook: an MLP 1→H→1 with tanh, fitted by fit() to noisy samples of a 1-D function.
 * fit runs one epoch per call (the optimizer keeps its state between calls), and the loop awaits
 * a macrotask between epochs, so the page repaints and the Stop button is heard: no worker needed.
 */
import { adam, compile, fit, sgd, square, sum, tanh, type Compiled, type Optimizer, type Var } from "tapegrad";

export const TARGETS: Readonly<Record<string, (x: number) => number>> = {
  "sin(3x)": (x) => Math.sin(3 * x),
  "x³ − x": (x) => 2 * (x ** 3 - x),
  "|x| − ½": (x) => Math.abs(x) - 0.5,
  "step": (x) => (x > 0 ? 0.5 : -0.5),
};

export interface Settings {
  target: string;
  optimizer: "sgd" | "adam";
  learningRate: number;
  batchSize: number;
  hidden: number;
  epochs: number;
  noise: number;
  points: number;
}

export interface EpochReport {
  epoch: number;
  losses: number[];
  /** The data (x, y) and the model's curve on a grid. */
  data: { xs: Float64Array; ys: Float64Array };
  grid: Float64Array;
  curve: Float64Array;
  /** Per-point gradient evaluations per second, over the run so far. */
  perSecond: number;
}

/** A seeded generator (the same data on every run of the same settings). */
function lcg(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
}

function mlp(hidden: number, theta: Var[], x: Var): Var {
  const h = Array.from({ length: hidden }, (_, j) => tanh(theta[j]!.mul(x).add(theta[hidden + j]!)));
  return sum(h.map((v, j) => theta[2 * hidden + j]!.mul(v))).add(theta[3 * hidden]!);
}

export class Trainer {
  private run = 0;

  /** Stops the current run (it finishes the epoch it is in). */
  stop(): void {
    this.run++;
  }

  /** Trains from a fresh random θ; calls onEpoch after every epoch; resolves when done or stopped. */
  async start(s: Settings, onEpoch: (r: EpochReport) => void): Promise<void> {
    const run = ++this.run;
    const random = lcg(7);
    const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const target = TARGETS[s.target] ?? TARGETS["sin(3x)"]!;
    const dataset = new Float64Array(2 * s.points);
    const xs = new Float64Array(s.points), ys = new Float64Array(s.points);
    for (let k = 0; k < s.points; k++) {
      xs[k] = dataset[2 * k] = 2 * random() - 1;
      ys[k] = dataset[2 * k + 1] = target(xs[k]!) + s.noise * gaussian();
    }
    const H = s.hidden;
    const P = 3 * H + 1;
    const loss: Compiled = compile({ params: P, data: 2 }, (t: Var[], [x, y]) => square(mlp(H, t, x!).sub(y!)));
    const predict: Compiled = compile({ params: P, data: 1 }, (t: Var[], [x]) => mlp(H, t, x!));
    const theta = Float64Array.from({ length: P }, (_, i) => (i < H ? 3 : 1) * (random() - 0.5));
    const grid = Float64Array.from({ length: 101 }, (_, i) => -1 + i / 50);
    const optimizer: Optimizer = s.optimizer === "adam"
      ? adam({ learningRate: s.learningRate })
      : sgd({ learningRate: s.learningRate, momentum: 0.9 });
    const losses: number[] = [];
    let evaluations = 0, seconds = 0;
    try {
      for (let epoch = 1; epoch <= s.epochs && run === this.run; epoch++) {
        const r = await fit(loss, theta, dataset, { optimizer, epochs: 1, batchSize: s.batchSize, seed: epoch });
        evaluations += r.gradientEvaluations;
        seconds += r.seconds;
        losses.push(r.losses[0]!);
        const curve = predict.evalBatch(theta, grid);
        onEpoch({ epoch, losses, data: { xs, ys }, grid, curve, perSecond: evaluations / Math.max(seconds, 1e-9) });
        // A macrotask between epochs: the page paints and handles clicks.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } finally {
      loss.dispose();
      predict.dispose();
    }
  }
}
