/**
 * Jacobians, many-direction sweeps and second derivatives of a function with data inputs use the
 * data vector given with the call: they equal the same function with the data baked in as
 * constants, on both engines. Without the data vector they refuse instead of reading stale data.
 */
import { describe, expect, it } from "vitest";
import { compile, sin, square, tanh, type Var } from "../src/index.js";
import { ENGINES } from "./engines.js";
import { expectClose } from "./helpers.js";

const model = ([w, b]: Var[], [x, y]: Var[]): Var[] => [square(tanh(w!.mul(x!).add(b!)).sub(y!)), sin(w!.mul(b!).mul(x!))];
const scalar = ([w, b]: Var[], [x, y]: Var[]): Var => square(tanh(w!.mul(x!).add(b!)).sub(y!)).add(sin(w!.mul(b!).mul(y!)));

describe.each(ENGINES)("derivatives with data inputs on the %s engine", (engine) => {
  const point = [0.7, -1.3];
  const theta = [0.4, 0.9];
  const withData = compile({ params: 2, data: 2, engine }, model);
  const baked = compile((w: Var, b: Var) => model([w, b], point as unknown as Var[]), { engine });
  const scalarData = compile({ params: 2, data: 2, engine }, scalar);
  const scalarBaked = compile((w: Var, b: Var) => scalar([w, b], point as unknown as Var[]), { engine });

  it("jacobian, jacfwd, jacrev, jvpMany and vjpMany read the data vector given", () => {
    // Run at other data first, so stale leaves would show.
    withData.eval(theta, [5, 5]);
    for (const mode of ["forward", "reverse", "auto"] as const) {
      expectClose(withData.jacobian(theta, { mode, data: point }).data, baked.jacobian(theta, { mode }).data, 1e-14, 1e-15);
    }
    expectClose(withData.jacfwd(theta, point).data, baked.jacfwd(theta).data, 1e-14, 1e-15);
    expectClose(withData.jacrev(theta, point).data, baked.jacrev(theta).data, 1e-14, 1e-15);
    const V = [1, 0, 0.5, -2, 3, 1];
    expectClose(withData.jvpMany(theta, V, 3, point).tangents, baked.jvpMany(theta, V, 3).tangents, 1e-14, 1e-15);
    const U = [1, 0, 0.5, -2];
    expectClose(withData.vjpMany(theta, U, 2, point).grads, baked.vjpMany(theta, U, 2).grads, 1e-14, 1e-15);
  });

  it("the one-row and one-column Jacobians (single jvp / vjp sweeps) read the data vector and give the values", () => {
    scalarData.eval(theta, [5, 5]);
    for (const mode of ["reverse"] as const) {
      const J = scalarData.jacobian(theta, { mode, data: point });
      const K = scalarBaked.jacobian(theta, { mode });
      expect(J.mode).toBe("reverse");
      expectClose(J.data, K.data, 1e-14, 1e-15);
      expectClose(J.value, scalarBaked.eval(theta), 1e-14, 1e-15);
    }
    const column = compile({ params: 1, data: 2, engine }, ([w]: Var[], d: Var[]) => model([w!, w!], d));
    const columnBaked = compile((w: Var) => model([w, w], point as unknown as Var[]), { engine });
    column.eval([0.3], [5, 5]);
    for (const mode of ["forward", "auto"] as const) {
      const J = column.jacobian([0.3], { mode, data: point });
      expect(J.mode).toBe("forward");
      expectClose(J.data, columnBaked.jacfwd([0.3]).data, 1e-14, 1e-15);
      expectClose(J.value, columnBaked.eval([0.3]), 1e-14, 1e-15);
    }
    column.dispose();
    columnBaked.dispose();
  });

  it("hvp and hessian read the data vector given", () => {
    scalarData.grad(theta, [5, 5]);
    expectClose(scalarData.hvp(theta, [1, -1], point), scalarBaked.hvp(theta, [1, -1]), 1e-14, 1e-15);
    const out = new Float64Array(2);
    expect(scalarData.hvp(theta, [1, -1], point, out)).toBe(out);
    expectClose(scalarData.hessian(theta, point).data, scalarBaked.hessian(theta).data, 1e-14, 1e-15);
  });

  it("refuse to run without the data vector, or with one a function without data does not take", () => {
    expect(() => withData.jacobian(theta)).toThrow(/jacobian\(\): this function has 2 data inputs/);
    expect(() => withData.jvpMany(theta, [1, 0], 1)).toThrow(/jvpMany\(\): this function has 2 data inputs/);
    expect(() => scalarData.hessian(theta)).toThrow(/hessian\(\): this function has 2 data inputs/);
    expect(() => scalarData.hvp(theta, [1, 0])).toThrow(/hvp\(\): this function has 2 data inputs/);
    expect(() => scalarData.hessian(theta, [1])).toThrow(/hessian\(\): data must have 2 elements, got 1/);
    expect(() => baked.jacobian(theta, { data: point })).toThrow(/no data inputs, but a data vector was given/);
    expect(() => scalarBaked.hessian(theta, point)).toThrow(/no data inputs, but a data vector was given/);
  });
});
