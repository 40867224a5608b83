/**
 * Batches and data inputs: the batched kernels against single-point sweeps (their independent
 * truth) and against the other engine, on random graphs and on batch sizes that are not
 * multiples of the lane count or the block.
 */
import { describe, expect, it } from "vitest";
import { compile, exp, select, sigmoid, sqrt, square, tanh, type Var } from "../src/index.js";
import { expectClose, randomGraph, randomVector, rng } from "./helpers.js";

const engines = ["wasm", "js"] as const;
const PARAMS = 3;
const DATA = 2;

/** A random graph over the parameters and the data inputs together. */
function randomModel(seed: number, engine: "wasm" | "js", outputs = 1) {
  const graph = randomGraph(seed, 40, outputs);
  return compile({ params: PARAMS, data: DATA, engine }, (p: Var[], d: Var[]) => graph([...p, ...d]));
}

/** Mean of single-point grads: the reference for meanGrad. */
function meanOfGrads(f: ReturnType<typeof randomModel>, theta: Float64Array, dataset: Float64Array) {
  const count = dataset.length / DATA;
  const grad = new Float64Array(PARAMS);
  let value = 0;
  for (let k = 0; k < count; k++) {
    const r = f.grad(theta, dataset.subarray(k * DATA, (k + 1) * DATA));
    value += r.value;
    for (let i = 0; i < PARAMS; i++) grad[i] += r.grad[i]!;
  }
  return { value: value / count, grad: grad.map((g) => g / count) };
}

describe("data inputs", () => {
  it("are set per call and not differentiated", () => {
    for (const engine of engines) {
      const f = compile({ params: 2, data: 2, engine }, ([w, b], [x, y]) => square(w!.mul(x!).add(b!).sub(y!)));
      expect(f.data).toBe(2);
      expect(f.inputs).toBe(2);
      // L = (w x + b − y)², dL/dw = 2 r x, dL/db = 2 r
      for (const [w, b, x, y] of [[1, 0, 2, 5], [0.5, -1, 3, 0.25]]) {
        const r = w! * x! + b! - y!;
        const { value, grad } = f.grad([w!, b!], [x!, y!]);
        expectClose(value, r * r);
        expectClose(grad, [2 * r * x!, 2 * r]);
        expectClose(f.eval([w!, b!], [x!, y!]), [r * r]);
        expectClose(f.jvp([w!, b!], [1, 0], [x!, y!]).tangent, [2 * r * x!]);
        expectClose(f.vjp([w!, b!], [3], [x!, y!]).grad, [6 * r * x!, 6 * r]);
      }
      f.dispose();
    }
  });

  it("fill the output array passed after the data vector, in every per-call method", () => {
    for (const engine of engines) {
      const f = compile({ params: 2, data: 2, engine }, ([w, b], [x, y]) => square(w!.mul(x!).add(b!).sub(y!)));
      const theta = [0.5, -1];
      const point = [3, 0.25];
      const r = 0.5 * 3 - 1 - 0.25;
      const out1 = new Float64Array(1);
      expect(f.eval(theta, point, out1)).toBe(out1);
      expectClose(out1, [r * r]);
      const out2 = new Float64Array(2);
      expect(f.grad(theta, point, out2).grad).toBe(out2);
      expectClose(out2, [2 * r * 3, 2 * r]);
      const vjpOut = new Float64Array(2);
      expect(f.vjp(theta, [3], point, vjpOut).grad).toBe(vjpOut);
      expectClose(vjpOut, [6 * r * 3, 6 * r]);
      const jvpOut = new Float64Array(1);
      expect(f.jvp(theta, [1, 0], point, jvpOut).tangent).toBe(jvpOut);
      expectClose(jvpOut, [2 * r * 3]);
      const hvpOut = new Float64Array(2);
      expect(f.hvp(theta, [1, 0], point, hvpOut)).toBe(hvpOut);
      expectClose(hvpOut, [2 * 3 * 3, 2 * 3]); // ∇²L = 2·[x, 1]ᵀ[x, 1]
      expect(() => f.grad(theta, point, new Float64Array(3))).toThrow(/output array for grad must have length 2/);
      f.dispose();
    }
  });

  it("need their data vector, checked like any input", () => {
    const f = compile({ params: 1, data: 2 }, ([w], [x, y]) => w!.mul(x!).sub(y!));
    expect(() => f.eval([1])).toThrow(/2 data inputs/);
    expect(() => f.grad([1], [1])).toThrow(/data must have 2 elements, got 1/);
    expect(() => f.grad([1], [1, "a" as unknown as number])).toThrow(/data\[1\] must be a number/);
    const g = compile((x) => x.mul(2));
    expect(() => g.eval([1], [1], new Float64Array(1))).toThrow(/no data inputs/);
    expect(() => compile({ params: -1, data: 1 }, () => 0)).toThrow(/params must be a non-negative integer/);
    f.dispose();
    g.dispose();
  });
});

describe("batched replay", () => {
  for (const engine of engines) {
    for (const count of [1, 3, 1000, 4099]) {
      it(`meanGrad = mean of single-point grads (${engine}, B = ${count})`, () => {
        const random = rng(count);
        for (const seed of [1, 2, 3]) {
          const f = randomModel(seed * 17 + count, engine);
          const theta = randomVector(random, PARAMS);
          const dataset = randomVector(random, count * DATA);
          const expected = meanOfGrads(f, theta, dataset);
          const { value, grad } = f.meanGrad(theta, dataset);
          expectClose(value, expected.value, 1e-11, 1e-13);
          expectClose(grad, expected.grad, 1e-11, 1e-13);
          f.dispose();
        }
      });
    }
  }

  it("gradBatch and evalBatch give each point's single-point result; engines agree", () => {
    const random = rng(7);
    const count = 131;
    const theta = randomVector(random, PARAMS);
    const dataset = randomVector(random, count * DATA);
    const wasm = randomModel(99, "wasm");
    const js = randomModel(99, "js");
    const batch = wasm.gradBatch(theta, dataset);
    expectClose(batch.grad, js.gradBatch(theta, dataset).grad, 1e-12, 1e-14);
    for (const k of [0, 1, 64, 65, 130]) {
      const row = dataset.subarray(k * DATA, (k + 1) * DATA);
      const single = wasm.grad(theta, row);
      // the batch kernels' vectorised tanh differs from Math.tanh by a few ulp
      expectClose(batch.value[k]!, single.value, 1e-12, 1e-15);
      expectClose(batch.grad.subarray(k * PARAMS, (k + 1) * PARAMS), single.grad, 1e-12, 1e-15);
    }
    const multiW = randomModel(5, "wasm", 3);
    const multiJ = randomModel(5, "js", 3);
    const values = multiW.evalBatch(theta, dataset);
    expect(values.length).toBe(count * 3);
    expectClose(values, multiJ.evalBatch(theta, dataset), 1e-12, 1e-14);
    for (const k of [0, 63, 64, 130]) {
      expectClose(values.subarray(3 * k, 3 * k + 3), multiW.eval(theta, dataset.subarray(k * DATA, (k + 1) * DATA)), 1e-12, 1e-15);
    }
    for (const f of [wasm, js, multiW, multiJ]) f.dispose();
  });

  it("a lane whose adjoint is 0 gets no NaN from an infinite partial on its unused path", () => {
    // select(x > 0, sqrt(w·x), w): where x = 0 sqrt's partial is infinite but unchosen.
    for (const engine of engines) {
      const f = compile({ params: 1, data: 1, engine }, ([w], [x]) => select(x!.gt(0), sqrt(w!.mul(x!)), w!));
      const xs = [0, 4, 0, 1, -1];
      const { grad } = f.gradBatch([1], xs);
      expectClose(grad, [1, 1, 1, 0.5, 1]);
      expectClose(f.meanGrad([1], xs).grad, [4.5 / 5]);
      f.dispose();
    }
  });

  // The batch kernels evaluate tanh, exp and sigmoid with their own f64x2 polynomials.
  for (const [name, fn, reference, extremes] of [
    ["tanh", tanh, Math.tanh, [19.5, -25, 1e-300, 5e-324, 0.34657359027997264]],
    ["exp", exp, Math.exp, [709.78, 709.79, -745.1, -745.2, -708.5, -720, -740, 1e-300, 700]],
    ["sigmoid", sigmoid, (x: number) => 1 / (1 + Math.exp(-x)), [36, 38, -700, -745, -746, 1e-300]],
  ] as const) {
    it(`the batched (vectorised) ${name} agrees with the scalar one to 4 ulp, with its edge values`, () => {
      const f = compile({ params: 0, data: 1 }, (_p, [x]) => fn(x!));
      const random = rng(4);
      const xs: number[] = [0, -0, NaN, Infinity, -Infinity, ...extremes];
      for (let i = 0; i < 20000; i++) xs.push((2 * random() - 1) * 10 ** ((i % 13) - 10));
      for (let i = 0; i < 20000; i++) xs.push((2 * random() - 1) * 800);
      const got = f.evalBatch([], xs);
      for (let i = 0; i < xs.length; i++) {
        const want = reference(xs[i]!);
        if (!Number.isFinite(want) || want === 0) expect(Object.is(got[i], want), `${name}(${xs[i]}) = ${got[i]}`).toBe(true);
        // ulps relative to the value, or to the smallest normal number for subnormal values
        else expect(Math.abs(got[i]! - want) / (Math.max(Math.abs(want), 2.2250738585072014e-308) * Number.EPSILON), `${name}(${xs[i]})`).toBeLessThanOrEqual(4);
      }
      f.dispose();
    });
  }

  it("sums parameter adjoints right whichever operand a parameter is (the kernels' fast paths)", () => {
    // L = (b + x·w) + w·w + x·b + w·x·x + b: parameters as first, second and both operands of
    // mul and add. dL/dw = x + 2w + x², dL/db = 2 + x
    for (const engine of engines) {
      const f = compile({ params: 2, data: 1, engine }, ([w, b], [x]) =>
        b!.add(x!.mul(w!)).add(w!.mul(w!)).add(x!.mul(b!)).add(w!.mul(x!).mul(x!)).add(b!));
      const xs = randomVector(rng(8), 77);
      const [w, b] = [0.3, -1.1];
      let dw = 0;
      let db = 0;
      for (const x of xs) {
        dw += x + 2 * w + x * x;
        db += 2 + x;
      }
      expectClose(f.meanGrad([w, b], xs).grad, [dw / 77, db / 77], 1e-13);
      const per = f.gradBatch([w, b], xs).grad;
      expectClose([per[2 * 76]!, per[2 * 76 + 1]!], [xs[76]! + 2 * w + xs[76]! ** 2, 2 + xs[76]!], 1e-14);
      f.dispose();
    }
  });

  it("matches a closed-form gradient of a small tanh network", () => {
    // f = (v·tanh(w x) − y)²: dw = 2r·v·(1 − t²)·x, dv = 2r·t
    const f = compile({ params: 2, data: 2 }, ([w, v], [x, y]) => square(v!.mul(tanh(w!.mul(x!))).sub(y!)));
    const random = rng(3);
    const dataset = randomVector(random, 2 * 257);
    const [w, v] = [0.7, -1.3];
    let value = 0;
    let dw = 0;
    let dv = 0;
    for (let k = 0; k < 257; k++) {
      const x = dataset[2 * k]!;
      const t = Math.tanh(w * x);
      const r = v * t - dataset[2 * k + 1]!;
      value += r * r;
      dw += 2 * r * v * (1 - t * t) * x;
      dv += 2 * r * t;
    }
    const got = f.meanGrad([w, v], dataset);
    expectClose(got.value, value / 257, 1e-12);
    expectClose(got.grad, [dw / 257, dv / 257], 1e-12);
    f.dispose();
  });

  it("rejects empty, ragged and non-numeric datasets and functions without data, with clear errors", () => {
    const f = compile({ params: 1, data: 2 }, ([w], [x, y]) => w!.mul(x!).sub(y!));
    expect(() => f.meanGrad([1], new Float64Array(0))).toThrow(/dataset is empty/);
    expect(() => f.gradBatch([1], new Float64Array(3))).toThrow(/not a whole number of points/);
    expect(() => f.evalBatch([1], [1, "x" as unknown as number])).toThrow(/dataset\[1\] must be a number/);
    expect(() => f.meanGrad([1], "abc" as unknown as number[])).toThrow(/dataset must be a Float64Array/);
    expect(() => f.meanGrad([1, 2], [1, 2])).toThrow(/params must have 1 element/);
    const g = compile((x) => x.mul(2));
    expect(() => g.meanGrad([1], [1])).toThrow(/needs a function with data inputs/);
    const m = compile({ params: 1, data: 1 }, ([w], [x]) => [w!, x!]);
    expect(() => m.meanGrad([1], [1])).toThrow(/one output/);
    f.dispose();
    expect(() => f.meanGrad([1], [1, 2])).toThrow(/disposed/);
    g.dispose();
    m.dispose();
  });

  it("releases its lane buffers on dispose", async () => {
    const { memoryStats } = await import("../src/index.js");
    const before = memoryStats().bytesInUse;
    const f = randomModel(3, "wasm");
    f.meanGrad(new Float64Array(PARAMS), new Float64Array(DATA * 500));
    expect(memoryStats().bytesInUse).toBeGreaterThan(before);
    f.dispose();
    expect(memoryStats().bytesInUse).toBe(before);
  });
});

describe("workers", () => {
  it("give the same mean gradient as one thread, to rounding", async () => {
    const random = rng(11);
    const f = randomModel(21, "wasm");
    for (const count of [1, 3, 4099]) {
      const theta = randomVector(random, PARAMS);
      const dataset = randomVector(random, count * DATA);
      const one = f.meanGrad(theta, dataset);
      const two = await f.meanGrad(theta, dataset, { workers: 2 });
      expectClose(two.value, one.value, 1e-12, 1e-15);
      expectClose(two.grad, one.grad, 1e-12, 1e-15);
      const three = await f.meanGrad(theta, dataset, { workers: 3 });
      expectClose(three.grad, one.grad, 1e-12, 1e-15);
    }
    f.dispose();
    // Argument and state errors are thrown at the call, before any thread is involved.
    expect(() => f.meanGrad([1, 2, 3], [1, 2], { workers: 2 })).toThrow(/disposed/);
  });

  it("run the same code as a browser Web Worker script (self.onmessage, no require)", async () => {
    // Node runs WORKER_SOURCE through worker_threads; browsers load it from a Blob URL, where
    // the global is `self`. Run that branch here in a fresh context with a stand-in `self`.
    const vm = await import("node:vm");
    const { WORKER_SOURCE } = await import("../src/batch/worker-source.js");
    const { memoryType, wasmModule } = await import("../src/wasm/module.js");
    const { OP } = await import("../src/index.js");
    const f = compile({ params: 2, data: 2 }, ([w, b], [x, y]) => square(w!.mul(x!).add(b!).sub(y!)));
    const replies: Array<{ total: number; grad: Float64Array }> = [];
    const self: { postMessage(m: unknown): void; onmessage?: (e: { data: unknown }) => void } = {
      postMessage: (m) => replies.push(m as { total: number; grad: Float64Array }),
    };
    vm.runInNewContext(WORKER_SOURCE, { self });
    const { tape } = f;
    self.onmessage!({ data: {
      type: "init", module: wasmModule(), memory: memoryType(), op: tape.op, a: tape.a, b: tape.b, constants: tape.constants,
      inputs: 2, data: 2, out0: tape.outputs[0], stride: 64, constCode: OP.CONST,
    } });
    const rows = new Float64Array([1, 3, 2, 5, 3, 7]);
    self.onmessage!({ data: { type: "sumGrad", theta: new Float64Array([1, 0]), rows, count: 3 } });
    const one = f.meanGrad([1, 0], rows);
    expect(replies.length).toBe(1);
    expectClose(replies[0]!.total / 3, one.value);
    expectClose(Array.from(replies[0]!.grad, (g) => g / 3), one.grad);
    f.dispose();
  });

  it("answer every job with the reason when a worker could not start", async () => {
    const vm = await import("node:vm");
    const { WORKER_SOURCE } = await import("../src/batch/worker-source.js");
    const replies: Array<{ error?: string }> = [];
    const self: { postMessage(m: unknown): void; onmessage?: (e: { data: unknown }) => void } = {
      postMessage: (m) => replies.push(m as { error?: string }),
    };
    vm.runInNewContext(WORKER_SOURCE, { self });
    // No module: instantiation fails during init, which has no job to answer.
    self.onmessage!({ data: { type: "init", module: null, op: new Uint8Array(1), a: new Int32Array(1), b: new Int32Array(1) } });
    expect(replies).toEqual([]);
    for (let job = 0; job < 2; job++) {
      self.onmessage!({ data: { type: "sumGrad", theta: new Float64Array(1), rows: new Float64Array(1), count: 1 } });
      expect(replies[job]!.error).toMatch(/the worker could not start: .*WebAssembly\.Instance/);
    }
  });

  it("reject a bad workers option and the js engine", () => {
    const f = randomModel(1, "js");
    expect(() => f.meanGrad([1, 2, 3], [1, 2], { workers: 2 })).toThrow(/engine "wasm"/);
    expect(() => f.meanGrad([1, 2, 3], [1, 2], { workers: 0 })).toThrow(/positive integer/);
    f.dispose();
  });
});
