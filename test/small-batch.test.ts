/**
 * Small batches: a call of few points broadcasts parameters into, clears and lays constants out
 * for only the lanes it uses (at a narrower stride). Calls of different counts interleaved on one
 * function must give what a fresh function gives — no stale lanes from a wider call — and each
 * point what a single-point sweep gives.
 */
import { describe, expect, it } from "vitest";
import { abs, compile, max, select, sin, sqrt, square, type Var } from "../src/index.js";
import { blockLanes } from "../src/engine/wasm-batch.js";
import { expectClose, randomVector, rng } from "./helpers.js";

/** `reps` blocks of ops on parameters, constants and data: both operands parameters, a
 *  parameter through a scalar-loop op (sin) and lane-reading ops (max, sqrt), constants in
 *  arithmetic, comparisons and select. */
const model = (reps: number) =>
  compile({ params: 3, data: 2 }, ([w0, w1, w2], [x, y]) => {
    let acc: Var = w2!.mul(0.25);
    for (let r = 0; r < reps; r++) {
      const z = w0!.mul(x!).add(0.5 + r / 7).mul(w1!).sub(y!.mul(1.5));
      const u = sin(w2!).mul(z);
      const v = sqrt(w0!.mul(w0!).add(2)).mul(z);
      const s = select(x!.gt(0.25 - r / 50), u, v);
      acc = acc.mul(0.75).add(s).add(abs(z.sub(3))).add(max(w1!, x!).mul(-0.125));
    }
    return square(acc);
  });

const same = (got: ArrayLike<number>, want: ArrayLike<number>, what: string): void => {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Object.is(got[i], want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`).toBe(true);
};

describe("small batches", () => {
  for (const reps of [2, 120]) {
    it(`interleaved counts agree with fresh functions and single points (${reps} blocks)`, () => {
      const f = model(reps);
      const stride = blockLanes(f.tape.op.length);
      if (reps > 100) expect(stride).toBeLessThan(64); // the second tape exercises a narrower block
      const random = rng(reps);
      const theta = randomVector(random, 3);
      const data = randomVector(random, 2 * 200);
      // wide and narrow calls alternate, so a narrow call follows wider ones and the reverse
      const counts = [130, 1, 64, 2, 3, 65, 1, 63, stride - 1, stride, stride + 1, 2 * stride + 1, 3, 130, 1];
      for (const count of counts) {
        const rows = data.subarray(0, 2 * count);
        const fresh = model(reps);
        const mean = f.meanGrad(theta, rows);
        const want = fresh.meanGrad(theta, rows);
        same([mean.value, ...mean.grad], [want.value, ...want.grad], `meanGrad on ${count}`);
        const batch = f.gradBatch(theta, rows);
        const freshBatch = fresh.gradBatch(theta, rows);
        same(batch.value, freshBatch.value, `gradBatch values on ${count}`);
        same(batch.grad, freshBatch.grad, `gradBatch grads on ${count}`);
        same(f.evalBatch(theta, rows), fresh.evalBatch(theta, rows), `evalBatch on ${count}`);
        fresh.dispose();
        // each point against its own single-point sweep (no vectorised tanh/exp here: exact)
        let value = 0;
        const grad = new Float64Array(3);
        for (let k = 0; k < count; k++) {
          const one = f.grad(theta, rows.subarray(2 * k, 2 * k + 2));
          same([batch.value[k]!, ...batch.grad.subarray(3 * k, 3 * k + 3)], [one.value, ...one.grad], `point ${k} of ${count}`);
          value += one.value;
          for (let i = 0; i < 3; i++) grad[i] += one.grad[i]!;
        }
        expectClose(mean.value, value / count, 1e-12, 1e-13);
        expectClose(mean.grad, grad.map((g) => g / count), 1e-12, 1e-13);
      }
      f.dispose();
    });
  }

  it("worker slices of different sizes on one pool give the one-thread mean", async () => {
    const f = model(2);
    const random = rng(5);
    const theta = randomVector(random, 3);
    const data = randomVector(random, 2 * 200);
    for (const count of [200, 3, 129, 2, 5]) {
      const rows = data.subarray(0, 2 * count);
      const one = f.meanGrad(theta, rows);
      const two = await f.meanGrad(theta, rows, { workers: 2 });
      expectClose(two.value, one.value, 1e-12, 1e-14);
      expectClose(two.grad, one.grad, 1e-12, 1e-14);
    }
    f.dispose();
  });
});
