/**
 * Jacobians and many directions per sweep: forward mode = reverse mode = finite differences, on
 * the lecture's functions and on random graphs, on both engines; auto mode picks by n and m.
 */
import { describe, expect, it } from "vitest";
import { compile, exp, sin, tanh, type EngineName, type Var } from "../src/index.js";
import { expectClose, numericJacobian, randomGraph, randomVector, rng } from "./helpers.js";

const engines: EngineName[] = ["wasm", "js"];

describe.each(engines)("jacobian (%s engine)", (engine) => {
  it("R⁴ → R²: o₁ = (x + y)·sin(z), o₂ = exp(w)·x + tanh(y·z) — closed form, both modes", () => {
    const f = compile((x, y, z, w) => [x.add(y).mul(sin(z)), exp(w).mul(x).add(tanh(y.mul(z)))], { engine });
    const [x, y, z, w] = [0.3, -0.7, 1.1, 0.5];
    const s = 1 - Math.tanh(y * z) ** 2;
    const expected = [
      Math.sin(z), Math.sin(z), (x + y) * Math.cos(z), 0,
      Math.exp(w), z * s, y * s, Math.exp(w) * x,
    ];
    for (const mode of ["forward", "reverse", "auto"] as const) {
      const J = f.jacobian([x, y, z, w], { mode });
      expect(J.rows).toBe(2);
      expect(J.cols).toBe(4);
      expectClose(J.data, expected, 1e-14, 1e-15);
      expectClose(J.value, [(x + y) * Math.sin(z), Math.exp(w) * x + Math.tanh(y * z)], 1e-15);
    }
    expect(f.jacfwd([x, y, z, w]).mode).toBe("forward");
    expect(f.jacrev([x, y, z, w]).mode).toBe("reverse");
  });

  it("the lecture's worked example o = (x + y)·sin(x) at x = y = π", () => {
    const f = compile((x, y) => x.add(y).mul(sin(x)), { engine });
    for (const mode of ["forward", "reverse"] as const) {
      const J = f.jacobian([Math.PI, Math.PI], { mode });
      expectClose(J.data, [-2 * Math.PI, Math.sin(Math.PI)], 1e-15, 1e-15);
    }
  });

  it.each([
    [1, 12, 3],
    [2, 20, 9],
    [3, 3, 17],
    [4, 9, 8],
    [5, 1, 1],
  ])("random graph %i (n = %i, m = %i): forward = reverse = finite differences", (seed, n, m) => {
    const f = compile(randomGraph(seed, 60, m), { inputs: n, engine });
    const x = randomVector(rng(seed + 100), n);
    const fwd = f.jacfwd(x);
    const rev = f.jacrev(x);
    expectClose(fwd.data, rev.data, 1e-12, 1e-12);
    const fd = numericJacobian((p) => f.eval(p), x, m);
    expectClose(rev.data, fd, 1e-6, 1e-6);
  });

  it("jvpMany equals one jvp per direction; vjpMany one vjp per cotangent", () => {
    const n = 11;
    const m = 5;
    const f = compile(randomGraph(7, 80, m), { inputs: n, engine });
    const random = rng(8);
    const x = randomVector(random, n);
    const k = 19; // three blocks of lanes: 8 + 8 + 3
    const V = randomVector(random, k * n);
    const many = f.jvpMany(x, V, k);
    expect(many.tangents.length).toBe(k * m);
    for (let l = 0; l < k; l++) {
      const one = f.jvp(x, V.subarray(l * n, (l + 1) * n));
      expectClose(many.tangents.subarray(l * m, (l + 1) * m), one.tangent, 1e-13, 1e-13);
      expectClose(many.value, one.value, 0, 0);
    }
    const U = randomVector(random, k * m);
    const back = f.vjpMany(x, U, k);
    expect(back.grads.length).toBe(k * n);
    for (let l = 0; l < k; l++) {
      const one = f.vjp(x, U.subarray(l * m, (l + 1) * m));
      expectClose(back.grads.subarray(l * n, (l + 1) * n), one.grad, 1e-13, 1e-13);
    }
  });

  it("⟨u, J v⟩ agrees between jvpMany and vjpMany", () => {
    const n = 6;
    const m = 4;
    const f = compile(randomGraph(21, 50, m), { inputs: n, engine });
    const random = rng(22);
    const x = randomVector(random, n);
    const V = randomVector(random, 3 * n);
    const U = randomVector(random, 3 * m);
    const JV = f.jvpMany(x, V, 3).tangents;
    const UJ = f.vjpMany(x, U, 3).grads;
    for (let l = 0; l < 3; l++) {
      let left = 0;
      let right = 0;
      for (let j = 0; j < m; j++) left += U[l * m + j]! * JV[l * m + j]!;
      for (let i = 0; i < n; i++) right += UJ[l * n + i]! * V[l * n + i]!;
      expectClose(left, right, 1e-12, 1e-12);
    }
  });

  it("auto picks reverse for n ≫ m and forward for n ≪ m, and the result matches", () => {
    const wide = compile((xs: Var[]) => xs.reduce((s, x) => s.add(sin(x)), xs[0]!.mul(0)), { inputs: 100, engine });
    const x = randomVector(rng(3), 100);
    const J = wide.jacobian(x);
    expect(J.mode).toBe("reverse");
    expectClose(J.data, Array.from(x, Math.cos), 1e-14, 1e-15);
    const tall = compile((t) => Array.from({ length: 100 }, (_, j) => sin(t.mul(j))), { engine });
    const T = tall.jacobian([0.25]);
    expect(T.mode).toBe("forward");
    expectClose(T.data, Array.from({ length: 100 }, (_, j) => j * Math.cos(0.25 * j)), 1e-13, 1e-14);
  });

  it("unused inputs give zero columns; zero inputs give an empty Jacobian", () => {
    const f = compile((x, _y) => [x.mul(2), x.mul(x)], { engine });
    expectClose(f.jacfwd([3, 4]).data, [2, 0, 6, 0], 0, 0);
    expectClose(f.jacrev([3, 4]).data, [2, 0, 6, 0], 0, 0);
    const none = compile(() => [1, 2], { inputs: 0, engine });
    const J = none.jacobian([]);
    expect([J.rows, J.cols, J.data.length]).toEqual([2, 0, 0]);
  });

  it("rejects a wrong mode, wrong sizes and bad counts with clear errors", () => {
    const f = compile((x, y) => [x.mul(y), x.add(y), sin(x)], { engine });
    expect(() => f.jacobian([1, 2], { mode: "sideways" as "auto" })).toThrow(/mode must be "auto", "forward" or "reverse"/);
    expect(() => f.jacobian([1])).toThrow(/jacobian\(x\): x must have 2 elements, got 1/);
    expect(() => f.jvpMany([1, 2], [1, 0, 0], 2)).toThrow(/V \(k × n = 2 × 2, row-major\) must have 4 elements, got 3/);
    expect(() => f.vjpMany([1, 2], [1, 0, 0, 1], 2)).toThrow(/U \(k × m = 2 × 3, row-major\) must have 6 elements, got 4/);
    expect(() => f.jvpMany([1, 2], [1, 0], 1.5)).toThrow(/k \(the number of directions\) must be a non-negative integer/);
    expect(() => f.vjpMany([1, 2], [], -1)).toThrow(/non-negative integer/);
    f.dispose();
    expect(() => f.jacobian([1, 2])).toThrow(/disposed/);
  });
});

describe("jacobian: engines agree", () => {
  it("wasm and js give the same Jacobian on a random graph with many outputs", () => {
    const build = randomGraph(31, 120, 12);
    const a = compile(build, { inputs: 10, engine: "wasm" });
    const b = compile(build, { inputs: 10, engine: "js" });
    const x = randomVector(rng(32), 10);
    for (const mode of ["forward", "reverse"] as const) {
      expectClose(a.jacobian(x, { mode }).data, b.jacobian(x, { mode }).data, 1e-13, 1e-14);
    }
  });
});
