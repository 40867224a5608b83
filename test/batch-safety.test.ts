/**
 * Batch safety: calls that return a Promise take their inputs at the call, output arrays that
 * overlap an input give the answer of a separate array, concurrent calls share one function's threads, a dispose() during
 * a call rejects it, and the mean of huge-but-finite values stays finite. Every expectation is
 * against a closed form or a plain-JS loop over the points.
 */
import { describe, expect, it } from "vitest";
import { compile, fit, sgd, square } from "../src/index.js";
import { workerStartError } from "../src/batch/pool.js";
import { expectClose } from "./helpers.js";

const engines = ["wasm", "js"] as const;

/** L(w, b; x, y) = (w·x + b − y)², the least-squares loss of one point. */
const leastSquares = (engine: "wasm" | "js") =>
  compile({ params: 2, data: 2, engine }, ([w, b], [x, y]) => square(w!.mul(x!).add(b!).sub(y!)));

/** Mean loss and mean gradient of leastSquares, by a plain loop over the points. */
function leastSquaresMean(theta: ArrayLike<number>, dataset: ArrayLike<number>): { value: number; grad: number[] } {
  const [w, b] = [theta[0]!, theta[1]!];
  const count = dataset.length / 2;
  let value = 0;
  let gw = 0;
  let gb = 0;
  for (let k = 0; k < count; k++) {
    const x = dataset[2 * k]!;
    const y = dataset[2 * k + 1]!;
    const r = w * x + b - y;
    value += r * r;
    gw += 2 * r * x;
    gb += 2 * r;
  }
  return { value: value / count, grad: [gw / count, gb / count] };
}

function points(count: number, seed = 1): Float64Array {
  const data = new Float64Array(2 * count);
  let s = seed;
  const next = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let k = 0; k < count; k++) {
    const x = next();
    data[2 * k] = x;
    data[2 * k + 1] = 3 * x - 0.5 + 0.1 * next();
  }
  return data;
}

describe("a call with workers takes its inputs at the call", () => {
  it("meanGrad: changing θ and the dataset right after the call changes nothing", async () => {
    const f = leastSquares("wasm");
    const theta = new Float64Array([0.5, 0.1]);
    const dataset = points(101);
    const expected = leastSquaresMean(theta, dataset);
    const promise = f.meanGrad(theta, dataset, { workers: 2 });
    theta[0] = 99;
    dataset.fill(7);
    const result = await promise;
    expectClose(result.value, expected.value);
    expectClose(result.grad, expected.grad);
    f.dispose();
  });

  it("fit: changing the parameters and the dataset right after the call changes nothing", async () => {
    const f = leastSquares("wasm");
    const dataset = points(64, 3);
    const start = [0.2, -0.3];
    // Full-batch gradient descent by a plain loop: the independent truth.
    const theta = [...start];
    const losses: number[] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      const { value, grad } = leastSquaresMean(theta, dataset);
      losses.push(value);
      theta[0]! -= 0.1 * grad[0]!;
      theta[1]! -= 0.1 * grad[1]!;
    }
    const params = Float64Array.from(start);
    const running = fit(f, params, dataset, { optimizer: sgd({ learningRate: 0.1 }), epochs: 4, shuffle: false, workers: 2 });
    dataset.fill(5);
    params.fill(99);
    const result = await running;
    expectClose(result.losses, losses);
    expectClose(params, theta);
    f.dispose();
  });
});

describe("an output array that overlaps an input", () => {
  // The rule: every method reads all of its inputs before it writes `out`, so an `out` that
  // overlaps x, u, v, the data vector or the dataset gives exactly the answer a separate array
  // gives — on both engines. (The js engine's meanGrad used to zero `out` first and then read θ
  // from it: value 269 instead of 6.5.)
  const copy = (a: ArrayLike<number>): Float64Array => Float64Array.from(a);
  for (const engine of engines) {
    it(`gives the answer of a separate array in eval, grad, vjp, jvp and hvp (${engine})`, () => {
      const f = compile((x, y) => x.mul(y).add(x).mul(y), { engine });
      const m = compile((x, y) => [x.mul(y), x.add(y)], { engine });
      // f = (xy + x)·y: ∂x = y² + y, ∂y = 2xy + x, ∂²: [[0, 2y + 1], [2y + 1, 2x]]
      const grad = (x: number, y: number) => [y * y + y, 2 * x * y + x];
      const x = new Float64Array([2, 3]);
      const r = f.grad(x, x);
      expect(r.value).toBe(24);
      expect(Array.from(x)).toEqual(grad(2, 3));
      const e = new Float64Array([2, 3]);
      expect(Array.from(m.eval(e, e))).toEqual([6, 5]);
      // Overlapping views of one buffer: out shares elements with x, u or v.
      const b = new Float64Array([2, 3, 1, 0]);
      const want = f.grad(copy(b.subarray(0, 2))).grad;
      f.grad(b.subarray(0, 2), b.subarray(1, 3));
      expect(Array.from(b.subarray(1, 3))).toEqual(Array.from(want));
      const b2 = new Float64Array([2, 3, 1, 2]);
      const vjpWant = m.vjp(copy(b2.subarray(0, 2)), copy(b2.subarray(2, 4))).grad; // u = [1, 2]: [y + 2, x + 2]
      expect(Array.from(vjpWant)).toEqual([5, 4]);
      m.vjp(b2.subarray(0, 2), b2.subarray(2, 4), b2.subarray(2, 4));
      expect(Array.from(b2.subarray(2, 4))).toEqual([5, 4]);
      const b3 = new Float64Array([2, 3, 1, 1]);
      const jvpWant = m.jvp(copy(b3.subarray(0, 2)), copy(b3.subarray(2, 4))).tangent; // v = [1, 1]: [x + y, 2]
      expect(Array.from(jvpWant)).toEqual([5, 2]);
      m.jvp(b3.subarray(0, 2), b3.subarray(2, 4), b3.subarray(1, 3));
      expect(Array.from(b3.subarray(1, 3))).toEqual([5, 2]);
      const b4 = new Float64Array([2, 3, 1, 0]);
      f.hvp(b4.subarray(0, 2), b4.subarray(2, 4), b4.subarray(2, 4)); // H·[1, 0] = [0, 2y + 1]
      expect(Array.from(b4.subarray(2, 4))).toEqual([0, 7]);
      // A different element type on the same bytes.
      const bytes = new Float64Array(2);
      const alias = new Float32Array(bytes.buffer, 0, 2);
      alias.set([2, 3]);
      f.grad(alias, bytes);
      expect(Array.from(bytes)).toEqual(grad(2, 3));
      f.dispose();
      m.dispose();
    });

    it(`gives the answer of a separate array when out overlaps the data vector (${engine})`, () => {
      const f = leastSquares(engine);
      const fresh = () => {
        const buffer = new Float64Array([1, 2, 0.5, 0.1]);
        return { buffer, theta: buffer.subarray(2, 4), data: buffer.subarray(0, 2) };
      };
      const { theta: t0, data: d0 } = fresh();
      const want = {
        eval: f.eval(copy(t0), copy(d0)),
        grad: f.grad(copy(t0), copy(d0)),
        jvp: f.jvp(copy(t0), [1, 0], copy(d0)),
        hvp: f.hvp(copy(t0), [1, 0], copy(d0)),
      };
      let c = fresh();
      expect(f.grad(c.theta, c.data, c.data).value).toBe(want.grad.value);
      expect(Array.from(c.buffer.subarray(0, 2))).toEqual(Array.from(want.grad.grad));
      c = fresh();
      f.eval(c.theta, c.data, c.buffer.subarray(1, 2));
      expect(c.buffer[1]).toBe(want.eval[0]);
      c = fresh();
      f.vjp(c.theta, [1], c.data, c.data);
      expect(Array.from(c.buffer.subarray(0, 2))).toEqual(Array.from(want.grad.grad));
      c = fresh();
      f.jvp(c.theta, [1, 0], c.data, c.buffer.subarray(0, 1));
      expect(c.buffer[0]).toBe(want.jvp.tangent[0]);
      c = fresh();
      f.hvp(c.theta, [1, 0], c.data, c.data);
      expect(Array.from(c.buffer.subarray(0, 2))).toEqual(Array.from(want.hvp));
      f.dispose();
    });

    it(`meanGrad with out === θ or out inside the dataset gives the answer of a separate array (${engine})`, () => {
      const f = leastSquares(engine);
      const expected = leastSquaresMean(new Float64Array([0.5, 0.1]), points(9));
      const theta = new Float64Array([0.5, 0.1]);
      const r1 = f.meanGrad(theta, points(9), theta);
      expectClose(r1.value, expected.value);
      expect(r1.grad).toBe(theta);
      expectClose(theta, expected.grad);
      const dataset = points(9);
      const r2 = f.meanGrad(new Float64Array([0.5, 0.1]), dataset, dataset.subarray(4, 6));
      expectClose(r2.value, expected.value);
      expectClose(dataset.subarray(4, 6), expected.grad);
      // Plain arrays, as before.
      expectClose(f.meanGrad([0.5, 0.1], Array.from(points(9)), new Float64Array(2)).grad, expected.grad);
      f.dispose();
    });
  }
});

describe("concurrent calls with workers", () => {
  it("all resolve to the one-thread result, with the same or different worker counts", async () => {
    const f = leastSquares("wasm");
    const dataset = points(997, 5);
    const thetas = [new Float64Array([0.5, 0.1]), new Float64Array([-1, 2]), new Float64Array([3, 0])];
    const counts = [2, 3, 2, 4, 1, 3];
    const calls = counts.map((workers, c) => f.meanGrad(thetas[c % 3]!, dataset, { workers }));
    const results = await Promise.all(calls);
    results.forEach((result, c) => {
      const one = f.meanGrad(thetas[c % 3]!, dataset);
      const truth = leastSquaresMean(thetas[c % 3]!, dataset);
      expectClose(result.value, one.value, 1e-12, 0);
      expectClose(result.grad, one.grad, 1e-12, 1e-15);
      expectClose(result.value, truth.value, 1e-12, 0);
      expectClose(result.grad, truth.grad, 1e-12, 1e-15);
    });
    // And again on the warm threads, a smaller count after a larger one.
    const again = await Promise.all([f.meanGrad(thetas[1]!, dataset, { workers: 4 }), f.meanGrad(thetas[1]!, dataset, { workers: 2 })]);
    for (const result of again) expectClose(result.grad, leastSquaresMean(thetas[1]!, dataset).grad, 1e-12, 1e-15);
    f.dispose();
  });

  it("are rejected by a dispose() while they run, saying so", async () => {
    const f = leastSquares("wasm");
    const dataset = points(301);
    // Before the threads have started …
    const cold = [f.meanGrad([1, 0], dataset, { workers: 2 }), f.meanGrad([1, 0], dataset, { workers: 3 })];
    f.dispose();
    for (const call of cold) await expect(call).rejects.toThrow("tapegrad: meanGrad(): the function was disposed while the call ran");
    // … and on warm threads.
    const g = leastSquares("wasm");
    await g.meanGrad([1, 0], dataset, { workers: 2 });
    const warm = g.meanGrad([1, 0], dataset, { workers: 2 });
    g.dispose();
    await expect(warm).rejects.toThrow(/disposed while the call ran/);
    expect(() => g.meanGrad([1, 0], dataset, { workers: 2 })).toThrow(/called on a disposed function/);
  });
});

/** expectClose, after checking every entry is finite (expectClose scales its tolerance by |actual|). */
function expectFiniteClose(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, rtol: number): void {
  const entries = typeof actual === "number" ? [actual] : Array.from(actual);
  for (const x of entries) expect(Number.isFinite(x), `${x} is finite`).toBe(true);
  expectClose(actual, expected, rtol, 0);
}

describe("the mean of huge finite values", () => {
  // f(w, b; x) = w·x + b: value w·x + b, gradient (x, 1).
  const linear = (engine: "wasm" | "js") => compile({ params: 2, data: 1, engine }, ([w, b], [x]) => w!.mul(x!).add(b!));
  const dataset = new Float64Array([1e308, 1.5e308, 1.2e308]);
  const mean = (1e308 / 3 + 1.5e308 / 3 + 1.2e308 / 3);

  for (const engine of engines) {
    it(`is finite and right in meanGrad (${engine})`, () => {
      const f = linear(engine);
      const result = f.meanGrad([1, 0], dataset);
      expectFiniteClose(result.value, mean, 1e-14);
      expectFiniteClose(result.grad, [mean, 1], 1e-14);
      // Two points, the mean of 1e308 and 1.6e308.
      const two = f.meanGrad([1, 0], [1e308, 1.6e308]);
      expectFiniteClose(two.value, 1.3e308, 1e-14);
      expectFiniteClose(two.grad, [1.3e308, 1], 1e-14);
      f.dispose();
    });
  }

  it("is finite and right with workers", async () => {
    const f = linear("wasm");
    for (const workers of [2, 3]) {
      const result = await f.meanGrad([1, 0], dataset, { workers });
      expectFiniteClose(result.value, mean, 1e-14);
      expectFiniteClose(result.grad, [mean, 1], 1e-14);
    }
    // Many points, each near the largest float64, split across threads.
    const many = new Float64Array(1000).fill(1.7e308);
    const result = await f.meanGrad([1, 0], many, { workers: 3 });
    expectFiniteClose(result.value, 1.7e308, 1e-13);
    expectFiniteClose(result.grad, [1.7e308, 1], 1e-13);
    expectFiniteClose(f.meanGrad([1, 0], many).value, 1.7e308, 1e-13);
    f.dispose();
  });
});

describe("a browser worker that cannot start", () => {
  it("reports why, not [object Event]", () => {
    const csp = workerStartError({ type: "error", message: "Refused to create a worker from 'blob:x'" });
    expect(csp.message).toMatch(/could not start/);
    expect(csp.message).toContain("worker-src blob:");
    expect(csp.message).toContain("Refused to create a worker from 'blob:x'");
    const bare = workerStartError({ type: "error" });
    expect(bare.message).toMatch(/could not start/);
    expect(bare.message).toContain("worker-src blob:");
    expect(bare.message).not.toContain("[object");
    if (typeof Event === "function") expect(workerStartError(new Event("error")).message).not.toContain("[object");
  });
});
