/** toDot and explain on a function with data inputs: the data's values enter every number shown. */
import { describe, expect, it } from "vitest";
import { compile, explain, square, toDot } from "../src/index.js";
import { ENGINES } from "./engines.js";

describe.each(ENGINES)("toDot / explain with data inputs (%s engine)", (engine) => {
  const loss = () =>
    compile({ params: 2, data: 2, engine, dataNames: ["x", "y"] }, ([w, b], [x, y]) => square(w!.mul(x!).add(b!).sub(y!)));

  it("explain sums the paths at the data given and agrees with grad", () => {
    const f = loss();
    const { grad } = f.grad([1, 0], [2, 5]); // (1·2 + 0 − 5)² → ∂/∂w = 2·(−3)·2 = −12
    const ex = explain(f, { at: [1, 0], data: [2, 5], wrt: "params[0]" });
    expect(ex.sum).toBe(-12);
    expect(ex.derivative).toBe(grad[0]);
    expect(String(ex)).toContain("x = 2, y = 5");
  });

  it("toDot shows values, partials and adjoints at the data given", () => {
    const dot = toDot(loss(), { at: [1, 0], data: [2, 5], mode: "reverse" });
    expect(dot).toContain("v7 = square(v6)\\n= 9\\n"); // the loss at (w, b) = (1, 0), (x, y) = (2, 5)
    expect(dot).toContain("∂f/∂params[0] = -12");
  });

  it("refuses a point without its data instead of taking data as 0", () => {
    const f = loss();
    expect(() => toDot(f, { at: [1, 0], mode: "reverse" })).toThrow(/2 data inputs: pass their values as data/);
    expect(() => explain(f, { at: [1, 0], wrt: 0 })).toThrow(/2 data inputs: pass their values as data/);
    expect(() => explain(f, { at: [1, 0], data: [2], wrt: 0 })).toThrow(/data must have 2 elements/);
    expect(() => toDot(f, { data: [2, 5] })).toThrow(/without a point/);
    // Without a point there are no numbers, so no data is needed.
    expect(toDot(f)).toContain("digraph");
    const g = compile((x) => square(x), { engine });
    expect(() => explain(g, { at: [1], data: [1] })).toThrow(/no data inputs/);
  });
});
