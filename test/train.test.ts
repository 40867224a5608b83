/** Optimizers and fit(): closed-form steps, and recovering a known linear model. */
import { describe, expect, it } from "vitest";
import { adam, compile, fit, sgd, square, type FitProgress } from "../src/index.js";
import { expectClose, rng } from "./helpers.js";

/** Noiseless data from y = 2·x₁ − 3·x₂ + 0.5, rows (x₁, x₂, y). */
function linearData(count: number): Float64Array {
  const random = rng(5);
  const rows = new Float64Array(3 * count);
  for (let k = 0; k < count; k++) {
    const x1 = 2 * random() - 1;
    const x2 = 2 * random() - 1;
    rows.set([x1, x2, 2 * x1 - 3 * x2 + 0.5], 3 * k);
  }
  return rows;
}

const linearModel = (engine: "wasm" | "js" = "wasm") =>
  compile({ params: 3, data: 3, engine }, ([a, b, c], [x1, x2, y]) => square(a!.mul(x1!).add(b!.mul(x2!)).add(c!).sub(y!)));

describe("optimizers", () => {
  it("sgd steps θ ← θ − α·v with v ← μ·v + g", () => {
    const theta = Float64Array.from([1, 2]);
    const opt = sgd({ learningRate: 0.1, momentum: 0.5 });
    opt.step(theta, [1, -2]);
    expectClose(theta, [0.9, 2.2]);
    opt.step(theta, [1, -2]); // v = 0.5·g + g = 1.5·g
    expectClose(theta, [0.75, 2.5]);
    const plain = sgd({ learningRate: 0.5 });
    plain.step(theta, [1, 1]);
    expectClose(theta, [0.25, 2.0]);
  });

  it("adam's first step is α·sign(g) (bias-corrected), then follows the moment recursions", () => {
    const theta = Float64Array.from([0, 0]);
    const opt = adam({ learningRate: 0.01 });
    opt.step(theta, [3, -0.5]);
    expectClose(theta, [-0.01, 0.01], 1e-6);
    // second step, by hand
    const g = [1, 1];
    const m = [0.1 * 3 * 0.9 + 0.1 * g[0]!, 0.1 * -0.5 * 0.9 + 0.1 * g[1]!];
    const v = [0.001 * 9 * 0.999 + 0.001, 0.001 * 0.25 * 0.999 + 0.001];
    const expected = [0, 1].map((i) => theta[i]! - (0.01 * (m[i]! / (1 - 0.81))) / (Math.sqrt(v[i]! / (1 - 0.999 ** 2)) + 1e-8));
    opt.step(theta, g);
    expectClose(theta, expected, 1e-12);
  });

  it("reject bad settings", () => {
    expect(() => sgd({ learningRate: 0 })).toThrow(/learningRate must be a positive/);
    expect(() => sgd({ learningRate: 0.1, momentum: 1 })).toThrow(/momentum must be a number in \[0, 1\)/);
    expect(() => adam({ beta2: -0.1 })).toThrow(/beta2/);
    expect(() => sgd({ learningRate: 1 }).step([1] as unknown as Float64Array, [1])).toThrow(/Float64Array/);
    expect(() => sgd({ learningRate: 1 }).step(new Float64Array(2), [1])).toThrow(/grad has 1 elements, params 2/);
  });
});

describe("fit", () => {
  for (const engine of ["wasm", "js"] as const) {
    it(`recovers the coefficients of a noiseless linear model by minibatch SGD (${engine})`, async () => {
      const f = linearModel(engine);
      const theta = new Float64Array(3);
      const progress: FitProgress[] = [];
      const result = await fit(f, theta, linearData(500), {
        optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }),
        epochs: 60,
        batchSize: 50,
        onProgress: (p) => progress.push(p),
      });
      expectClose(theta, [2, -3, 0.5], 1e-8, 1e-8);
      expect(result.losses.length).toBe(60);
      expect(result.losses[59]!).toBeLessThan(1e-16);
      expect(result.losses[0]!).toBeGreaterThan(result.losses[59]!);
      expect(result.gradientEvaluations).toBe(60 * 500);
      expect(progress.length).toBe(60 * 10);
      expect(progress.at(-1)).toMatchObject({ epoch: 60, epochs: 60, batch: 10, batches: 10 });
      f.dispose();
    });
  }

  it("with adam and full batches too", async () => {
    const f = linearModel();
    const theta = new Float64Array(3);
    await fit(f, theta, linearData(200), { optimizer: adam({ learningRate: 0.05 }), epochs: 2000 });
    expectClose(theta, [2, -3, 0.5], 1e-6, 1e-6);
    f.dispose();
  });

  it("with workers follows the same path as one thread, to rounding", async () => {
    const f = linearModel();
    const data = linearData(300);
    const one = new Float64Array(3);
    const two = new Float64Array(3);
    const options = { epochs: 3, batchSize: 64, seed: 9 };
    await fit(f, one, data, { ...options, optimizer: sgd({ learningRate: 0.05 }) });
    await fit(f, two, data, { ...options, optimizer: sgd({ learningRate: 0.05 }), workers: 2 });
    expectClose(two, one, 1e-12, 1e-14);
    f.dispose();
  });

  it("rejects bad arguments", async () => {
    const f = linearModel();
    const opt = sgd({ learningRate: 0.1 });
    await expect(fit(f, [0, 0, 0] as unknown as Float64Array, linearData(2), { optimizer: opt })).rejects.toThrow(/Float64Array of 3/);
    await expect(fit(f, new Float64Array(3), new Float64Array(0), { optimizer: opt })).rejects.toThrow(/empty/);
    await expect(fit(f, new Float64Array(3), linearData(2), { optimizer: opt, batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(fit(f, new Float64Array(3), linearData(2), {} as never)).rejects.toThrow(/optimizer/);
    f.dispose();
  });
});
