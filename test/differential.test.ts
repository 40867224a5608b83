/**
 * Differential tests on a few hundred random graphs: the wasm engine against the TypeScript
 * engine, forward mode against reverse mode (⟨u, J·v⟩ both ways), and gradients against central
 * differences.
 */
import { describe, expect, it } from "vitest";
import { compile } from "../src/index.js";
import { expectClose, numericGradient, randomGraph, randomVector, rng } from "./helpers.js";

const GRAPHS = 300;
const INPUTS = 4;
const OUTPUTS = 3;

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

describe("random graphs", () => {
  it("give the same values and derivatives on the wasm and TypeScript engines", () => {
    for (let seed = 1; seed <= GRAPHS; seed++) {
      const build = randomGraph(seed, 10 + (seed % 40), OUTPUTS);
      const wasm = compile(build, { inputs: INPUTS });
      const js = compile(build, { inputs: INPUTS, engine: "js" });
      expect(Array.from(wasm.tape.op)).toEqual(Array.from(js.tape.op));
      const random = rng(seed * 7919);
      const x = randomVector(random, INPUTS);
      const u = randomVector(random, OUTPUTS);
      const v = randomVector(random, INPUTS);
      // AssemblyScript's Math and V8's differ by about an ulp; allow growth through the graph.
      const rtol = 1e-12;
      const atol = 1e-13;
      expectClose(wasm.eval(x), js.eval(x), rtol, atol);
      const [rw, rj] = [wasm.vjp(x, u), js.vjp(x, u)];
      expectClose(rw.value, rj.value, rtol, atol);
      expectClose(rw.grad, rj.grad, rtol, atol);
      const [fw, fj] = [wasm.jvp(x, v), js.jvp(x, v)];
      expectClose(fw.tangent, fj.tangent, rtol, atol);
      wasm.dispose();
      js.dispose();
    }
  });

  it("agree between forward and reverse mode: uᵀ(J·v) = (uᵀJ)·v", () => {
    for (const engine of ["wasm", "js"] as const) {
      for (let seed = 1; seed <= GRAPHS; seed++) {
        const f = compile(randomGraph(seed, 10 + (seed % 40), OUTPUTS), { inputs: INPUTS, engine });
        const random = rng(seed * 104729);
        const x = randomVector(random, INPUTS);
        const u = randomVector(random, OUTPUTS);
        const v = randomVector(random, INPUTS);
        const jv = f.jvp(x, v).tangent;
        const uj = f.vjp(x, u).grad;
        f.dispose();
        const forward = dot(u, jv);
        const reverse = dot(uj, v);
        if (!Number.isFinite(forward)) {
          expect(reverse).toBe(forward);
          continue;
        }
        // Scale the tolerance by the size of the terms summed, not by a possibly cancelled total.
        let scale = 0;
        for (let j = 0; j < OUTPUTS; j++) scale += Math.abs(u[j]! * jv[j]!);
        expect(Math.abs(forward - reverse), `seed ${seed}`).toBeLessThanOrEqual(1e-12 * (1 + scale));
      }
    }
  });

  it("have gradients that match central differences", () => {
    let checked = 0;
    for (let seed = 1; seed <= GRAPHS; seed++) {
      const f = compile(randomGraph(seed, 10 + (seed % 40), 1), { inputs: INPUTS });
      const x = randomVector(rng(seed * 31), INPUTS);
      const { value, grad } = f.grad(x);
      const numeric = numericGradient((p) => f.eval(p)[0]!, x, 1e-6);
      f.dispose();
      // Skip the few graphs whose values blew up (repeated squares): differences are meaningless there.
      if (!Number.isFinite(value) || Math.abs(value) > 1e4 || grad.some((g) => Math.abs(g) > 1e4)) continue;
      expectClose(grad, numeric, 1e-5, 1e-6);
      checked++;
    }
    expect(checked).toBeGreaterThan(GRAPHS * 0.8);
  });
});
