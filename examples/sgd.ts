/**
 * The lecture's demo in a terminal: data from a known function plus noise, an MLP 1→16→1 with
 * tanh fitted by minibatch SGD (with momentum), a progress bar and the loss per epoch, then the
 * final loss and the gradient evaluations per second reached. Run: npm run sgd
 */
import { compile, fit, matmul, sgd, square, tanh } from "../src/index.js";

const HIDDEN = 16;
const POINTS = 4096;
const EPOCHS = 40;

// y = sin(3x) + N(0, 0.1²) on [−1, 1], with a seeded generator so every run is the same.
let seed = 42;
const random = (): number => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
};
const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const dataset = new Float64Array(2 * POINTS);
for (let k = 0; k < POINTS; k++) {
  const x = 2 * random() - 1;
  dataset[2 * k] = x;
  dataset[2 * k + 1] = Math.sin(3 * x) + 0.1 * gaussian();
}

// θ = W1 [16, 1], b1 [16], W2 [1, 16], b2, flat in that order; loss L = (f(x|θ) − y)².
const model = compile(
  { params: { W1: [HIDDEN, 1], b1: [HIDDEN], W2: [1, HIDDEN], b2: [] }, data: { x: [1], y: [] } },
  ({ W1, b1, W2, b2 }, { x, y }) => square(matmul(W2, tanh(matmul(W1, x).add(b1))).at(0).add(b2).sub(y)),
);
// The first layer's weights spread over [−1.5, 1.5] (so the 16 tanh units start at different slopes), the rest over [−0.5, 0.5].
const theta = Float64Array.from({ length: model.inputs }, (_, i) => (i < HIDDEN ? 3 : 1) * (random() - 0.5));

console.log(`fitting y = sin(3x) + noise (σ = 0.1, so the best loss is ≈ 0.01) with an MLP 1→${HIDDEN}→1`);
console.log(`${POINTS} points, ${model.inputs} parameters, ${model.size} array nodes, minibatches of 64\n`);
const width = 30;
const result = await fit(model, theta, dataset, {
  optimizer: sgd({ learningRate: 0.02, momentum: 0.9 }),
  epochs: EPOCHS,
  batchSize: 64,
  onProgress: ({ epoch, epochs, batch, batches, epochLoss }) => {
    if (!process.stdout.isTTY && batch !== batches) return;
    const done = Math.round((width * batch) / batches);
    const bar = "█".repeat(done) + "░".repeat(width - done);
    const line = `epoch ${String(epoch).padStart(2)}/${epochs} ${bar} loss ${epochLoss.toFixed(5)}`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
    if (batch === batches) process.stdout.write(process.stdout.isTTY ? "\n" : `${line}\n`);
  },
});

const final = model.meanGrad(theta, dataset).value;
console.log(`\nfinal loss over all points: ${final.toFixed(5)} (noise floor ≈ 0.01)`);
console.log(`${result.gradientEvaluations} gradient evaluations in ${result.seconds.toFixed(2)} s: ` +
  `${(result.gradientEvaluations / result.seconds / 1e6).toFixed(2)} million per second`);
model.dispose();
