/**
 * The wasm reverse sweep (rewritten to load only what each rule reads) against the TS engine,
 * forward mode and central differences, on random graphs over every op and on the ops whose
 * reverse rule branches (select, min, max, relu, abs, pow).
 */
import { describe, expect, it } from "vitest";
import { abs, compile, max, min, pow, relu, select, type Var } from "../src/index.js";
import { expectClose, numericGradient, randomGraph, randomVector, rng } from "./helpers.js";

describe("reverse sweeps agree", () => {
  it("random graphs: wasm grad = TS grad = ⟨e, J·e_i⟩ by forward mode ≈ central differences", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const build = randomGraph(seed, 60);
      const wasm = compile(build, { inputs: 4 });
      const js = compile(build, { inputs: 4, engine: "js" });
      const x = randomVector(rng(100 + seed), 4);
      const gw = wasm.grad(x);
      const gj = js.grad(x);
      expectClose(gw.value, gj.value, 1e-12, 1e-12);
      expectClose(gw.grad, gj.grad, 1e-9, 1e-12);
      for (let i = 0; i < 4; i++) {
        const e = new Float64Array(4);
        e[i] = 1;
        expectClose(wasm.jvp(x, e).tangent[0]!, gw.grad[i]!, 1e-9, 1e-12);
      }
      expectClose(gw.grad, numericGradient((v) => js.eval(v)[0]!, x), 1e-5, 1e-6);
    }
  });

  it("random graphs with several outputs: vjp on wasm = vjp on TS", () => {
    for (let seed = 20; seed <= 25; seed++) {
      const build = randomGraph(seed, 50, 3);
      const x = randomVector(rng(seed), 3);
      const u = [0.5, -1.25, 2];
      const w = compile(build, { inputs: 3 }).vjp(x, u);
      const j = compile(build, { inputs: 3, engine: "js" }).vjp(x, u);
      expectClose(w.value, j.value, 1e-12, 1e-12);
      expectClose(w.grad, j.grad, 1e-9, 1e-12);
    }
  });

  it("branching rules: select, min, max, relu, abs, pow — closed forms on both engines", () => {
    const f = (x: Var, y: Var): Var[] => [
      select(x.gt(y), x.mul(3), y.mul(5)),
      min(x, y).mul(2),
      max(x, y).mul(7),
      relu(x.sub(y)),
      abs(x.sub(y)),
      pow(x, y),
    ];
    for (const engine of ["wasm", "js"] as const) {
      const c = compile(f, { engine });
      const jac = (x: number, y: number): number[][] =>
        [0, 1, 2, 3, 4, 5].map((k) => Array.from(c.vjp([x, y], [0, 1, 2, 3, 4, 5].map((j) => (j === k ? 1 : 0))).grad));
      // x > y
      const above = jac(2, 1.5);
      expect(above.slice(0, 5)).toEqual([[3, 0], [0, 2], [7, 0], [1, -1], [1, -1]]);
      expectClose(above[5]!, [1.5 * Math.pow(2, 0.5), Math.log(2) * Math.pow(2, 1.5)]);
      // x < y
      const below = jac(0.5, 1);
      expect(below.slice(0, 5)).toEqual([[0, 5], [2, 0], [0, 7], [0, 0], [-1, 1]]);
      expectClose(below[5]!, [1, Math.log(0.5) * 0.5]);
      // ties go to the first operand; relu'(0) = abs'(0) = 0
      expect(jac(1, 1).slice(1, 5)).toEqual([[2, 0], [7, 0], [0, 0], [0, 0]]);
    }
  });
});
