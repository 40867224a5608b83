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
        const check = compare(prepared.answer(), reference, 1e-9);
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
