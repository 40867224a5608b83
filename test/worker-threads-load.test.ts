/**
 * How the batch pool loads node:worker_threads (src/batch/pool.ts, workerThreads): through
 * process.getBuiltinModule where Node has it (≥ 20.16 / 22.3), else — Node 18 — through a
 * dynamic import() that bundlers are told to ignore. Both paths must start real threads and give
 * the plain-JS mean gradient; the second is forced here by hiding getBuiltinModule.
 */
import { describe, expect, it } from "vitest";
import { compile, sin, square } from "../src/index.js";

const N = 501;
const data = new Float64Array(2 * N);
for (let k = 0; k < N; k++) {
  data[2 * k] = -2 + (4 * k) / (N - 1);
  data[2 * k + 1] = Math.exp(-data[2 * k]! * data[2 * k]!);
}
const theta = [1.3, 0.4];

/** Mean of (a·sin(x) + b − y)² and its gradient, in plain JavaScript. */
function reference(): { value: number; grad: number[] } {
  const [a, b] = theta as [number, number];
  let value = 0;
  let ga = 0;
  let gb = 0;
  for (let k = 0; k < N; k++) {
    const s = Math.sin(data[2 * k]!);
    const r = a * s + b - data[2 * k + 1]!;
    value += r * r;
    ga += 2 * r * s;
    gb += 2 * r;
  }
  return { value: value / N, grad: [ga / N, gb / N] };
}

async function twoWorkers(): Promise<{ value: number; grad: number[] }> {
  const f = compile({ params: 2, data: 2 }, ([a, b], [x, y]) => square(a!.mul(sin(x!)).add(b!).sub(y!)));
  try {
    const { value, grad } = await f.meanGrad(theta, data, { workers: 2 });
    return { value, grad: Array.from(grad) };
  } finally {
    f.dispose();
  }
}

const expectReference = (got: { value: number; grad: number[] }): void => {
  const ref = reference();
  expect(got.value).toBeCloseTo(ref.value, 13);
  expect(got.grad[0]).toBeCloseTo(ref.grad[0]!, 13);
  expect(got.grad[1]).toBeCloseTo(ref.grad[1]!, 13);
};

describe("loading worker_threads", () => {
  it("through process.getBuiltinModule (this Node has it)", async () => {
    expect(typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule).toBe("function");
    expectReference(await twoWorkers());
  });

  it("through import() when process.getBuiltinModule is missing (Node 18)", async () => {
    const host = process as { getBuiltinModule?: unknown };
    const saved = host.getBuiltinModule;
    let asked = 0;
    // A getter that counts: proves the pool looked, found nothing, and still started its threads.
    Object.defineProperty(process, "getBuiltinModule", { configurable: true, get: () => (asked++, undefined) });
    try {
      expectReference(await twoWorkers());
      expect(asked).toBeGreaterThan(0);
    } finally {
      Object.defineProperty(process, "getBuiltinModule", { configurable: true, writable: true, value: saved });
    }
  });
});
