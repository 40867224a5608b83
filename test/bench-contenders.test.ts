/**
 * The benchmark's contenders compute what they claim: the hand-written closed-form gradients
 * against central differences, the micrograd-style graph and tapegrad's benchmark tapes against
 * the hand-written gradients (the bench checks this again before timing; these make a wrong
 * formula fail in CI, where the bench does not run).
 */
import { describe, expect, it } from "vitest";
import { compile } from "../src/index.js";
import { mlpGrad, rosenbrockGrad, seedGrad } from "../bench/contenders/hand.js";
import { Value } from "../bench/contenders/micrograd.js";
import { compare } from "../bench/compare.js";
import { mlp, mlpTape, points, targets, theta } from "../bench/workloads/mlp.js";
import { rosenbrock, rosenbrockTape } from "../bench/workloads/rosenbrock.js";
import { seed } from "../bench/workloads/seed.js";
import { expectClose, numericGradient, randomVector, rng } from "./helpers.js";

describe("bench: hand-written gradients", () => {
  it("seed: (x + y)·sin(x) against central differences", () => {
    const grad = new Float64Array(2);
    const value = seedGrad(0.7, 1.3, grad);
    expectClose(value, 2 * Math.sin(0.7));
    expectClose(grad, numericGradient((v) => (v[0]! + v[1]!) * Math.sin(v[0]!), [0.7, 1.3]), 1e-7, 1e-7);
  });

  it("rosenbrock against central differences", () => {
    const x = randomVector(rng(3), 20, -1.5, 1.5);
    const grad = new Float64Array(20);
    const f = (v: Float64Array): number => rosenbrockGrad(v, new Float64Array(v.length));
    rosenbrockGrad(x, grad);
    expectClose(grad, numericGradient(f, x), 1e-6, 1e-5);
  });

  it("mlp backpropagation against central differences", () => {
    const grad = new Float64Array(theta.length);
    const subset = points.subarray(0, 2 * 8);
    const subTargets = targets.subarray(0, 8);
    mlpGrad(theta, subset, subTargets, 16, grad);
    const f = (t: Float64Array): number => mlpGrad(t, subset, subTargets, 16, new Float64Array(t.length));
    expectClose(grad, numericGradient(f, theta), 1e-6, 1e-8);
  });
});

describe("bench: contenders agree with the hand-written gradients", () => {
  it("micrograd-style Value graph on the seed function", () => {
    const x = new Value(0.7);
    const y = new Value(1.3);
    const f = x.add(y).mul(x.sin());
    f.backward();
    const grad = new Float64Array(2);
    expectClose(f.data, seedGrad(0.7, 1.3, grad));
    expectClose([x.grad, y.grad], grad);
  });

  it("every float64 contender of seed, rosenbrock n = 1000 and mlp passes the bench's check", async () => {
    for (const workload of [seed, rosenbrock(1000), mlp]) {
      const reference = workload.reference();
      for (const id of ["wasm", "ts", "hand", "micrograd"] as const) {
        const prepared = await workload.contenders[id]!();
        const check = compare(await prepared.answer(), reference, 1e-9);
        expect(check.ok, `${workload.id}/${id}: ${JSON.stringify(check)}`).toBe(true);
        prepared.dispose?.();
      }
    }
  });

  it("the check rejects a gradient that is off", () => {
    const reference = { value: 1, grad: [1, 2, 3] };
    expect(compare({ value: 1, grad: [1, 2, 3.001] }, reference, 1e-9).ok).toBe(false);
    expect(compare({ value: 1.01, grad: [1, 2, 3] }, reference, 1e-9).ok).toBe(false);
    expect(compare({ value: 1, grad: [1, 2] }, reference, 1e-9).ok).toBe(false);
    expect(compare({ value: 1, grad: [1, 2, 3 + 1e-12] }, reference, 1e-9).ok).toBe(true);
  });

  it("the benchmark tapes have the sizes the report divides by", () => {
    expect(compile(rosenbrockTape, { inputs: 1000, engine: "js" }).size).toBe(8 * 999 + 1000 + 1);
    expect(compile(mlpTape, { inputs: 337, engine: "js" }).size).toBe(mlp.tapeNodes());
  });
});

describe("bench: report", () => {
  it("a contender that disagrees is listed with its errors and no time; targets are judged", async () => {
    const { renderMarkdown } = await import("../bench/report.js");
    const timed = (id: "wasm" | "ts", medianNs: number) => ({
      id, label: id, status: "timed" as const, check: { ok: true, valueError: 0, gradError: 1e-16 },
      samples: 10, medianNs, nsPerNode: medianNs / 9000, ratioToWasm: medianNs / 36_000, roundMinNs: medianNs, roundMaxNs: medianNs,
    });
    const md = renderMarkdown({
      date: "2026-01-01T00:00:00.000Z",
      machine: { cpu: "test cpu", cores: 2, memoryGiB: 1, platform: "test", node: "v20", v8: "11" },
      rounds: 1,
      roundMs: 1,
      workloads: [{
        id: "rosenbrock-1000", title: "rosenbrock", what: "w", tapeNodes: 9000,
        contenders: [
          timed("wasm", 36_000),
          timed("ts", 54_000),
          { id: "tfjs", label: "tfjs", status: "disagrees", check: { ok: false, valueError: 0.5, gradError: 0.25, message: "disagrees with the hand-written gradient beyond 0.002" } },
        ],
      }],
    });
    expect(md).toContain("| tfjs | not timed: disagrees with the hand-written gradient beyond 0.002 (value error 5.0e-1, gradient error 2.5e-1)");
    expect(md).toContain("| rosenbrock-1000: TS engine time / wasm time | ≥ 1.8× | 1.50× | **missed** |");
    expect(md).toContain("| rosenbrock-1000: wasm, ns per tape node (forward + reverse) | ≤ 4 | 4.00 | met |");
    expect(md).toContain("test cpu, 2 cores");
  });
});
