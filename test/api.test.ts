/** Tracing and the public API's shapes: constants, select, outputs, vectors, names, out arrays. */
import { describe, expect, it } from "vitest";
import {
  add, compile, constant, div, exp, inputName, memoryStats, OP, select, sin, square, sub, sum, type Var,
} from "../src/index.js";
import { ENGINES } from "./engines.js";
import { expectClose } from "./helpers.js";

const countOps = (op: Uint8Array, code: number): number => op.filter((c) => c === code).length;

describe("tracing", () => {
  it("stores each distinct constant once, with −0 apart from 0", () => {
    const f = compile((x: Var) => x.mul(2).add(2).add(3).mul(2).add(-0).add(0));
    expect(Array.from(f.tape.constants)).toEqual([2, 3, -0, 0]);
    expect(countOps(f.tape.op, OP.CONST)).toBe(4);
    expect(Object.is(f.tape.constants[2], -0)).toBe(true);
    expect(f.eval([1])[0]).toBe(14);
  });

  it("lays the tape out in SSA order with inputs first", () => {
    const f = compile((x: Var, y: Var, z: Var) => x.mul(y).add(sin(z)));
    const { op, a, b } = f.tape;
    expect(Array.from(op.slice(0, 3))).toEqual([OP.INPUT, OP.INPUT, OP.INPUT]);
    for (let i = 3; i < op.length; i++) {
      if (op[i] === OP.CONST) continue;
      expect(a[i]).toBeLessThan(i);
      expect(b[i]).toBeLessThan(i);
    }
    expect(f.size).toBe(op.length);
    expect(f.inputs).toBe(3);
    expect(f.outputs).toBe(1);
  });

  it("accepts numbers on either side of the free binary functions", () => {
    const f = compile((x: Var) => [sub(1, x), div(1, x), add(x, 2), sub(x, 1), div(x, 4)]);
    expectClose(f.eval([4]), [-3, 0.25, 6, 3, 1]);
    expectClose(f.jvp([4], [1]).tangent, [-1, -1 / 16, 1, 1, 0.25]);
  });

  it("records select so that new inputs replay the right branch", () => {
    for (const engine of ENGINES) {
      const f = compile((x: Var) => select(x.gt(0), square(x), x.mul(-3)), { engine });
      expect(f.eval([2])[0]).toBe(4);
      expect(f.eval([-2])[0]).toBe(6);
      expect(f.grad([2]).grad[0]).toBe(4);
      expect(f.grad([-2]).grad[0]).toBe(-3);
      expect(f.jvp([-2], [1]).tangent[0]).toBe(-3);
    }
  });

  it("has several outputs when the function returns an array, including inputs and numbers", () => {
    for (const engine of ENGINES) {
      const f = compile((x: Var, y: Var) => [x, 7, x.mul(y), constant(2)], { engine });
      expect(f.outputs).toBe(4);
      expectClose(f.eval([3, 5]), [3, 7, 15, 2]);
      expectClose(f.jvp([3, 5], [1, 10]).tangent, [1, 0, 5 + 30, 0]);
      expectClose(f.vjp([3, 5], [1, 1, 1, 1]).grad, [1 + 5, 3]);
    }
  });

  it("differentiates a function whose output is an input or a constant", () => {
    expectClose(compile((x: Var, _y: Var) => x).grad([2, 3]).grad, [1, 0]);
    expectClose(compile((_x: Var) => 5).grad([2]).grad, [0]);
  });

  it("takes a vector of 100,000 variables without spreading them (Rosenbrock)", () => {
    const n = 100_000;
    for (const engine of ENGINES) {
      const f = compile(
        (xs: Var[]) => sum(xs.slice(1).map((x, i) => square(x.sub(square(xs[i]!))).mul(100).add(square(sub(1, xs[i]!))))),
        { inputs: n, engine },
      );
      expect(f.inputs).toBe(n);
      const x = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
      const { value, grad } = f.grad(x);
      // Closed form of the extended Rosenbrock gradient.
      const expected = new Float64Array(n);
      let expectedValue = 0;
      for (let i = 0; i < n - 1; i++) {
        const r = x[i + 1]! - x[i]! * x[i]!;
        expectedValue += 100 * r * r + (1 - x[i]!) ** 2;
        expected[i]! += -400 * x[i]! * r - 2 * (1 - x[i]!);
        expected[i + 1]! += 200 * r;
      }
      expectClose(value, expectedValue, 1e-12, 0);
      expectClose(grad, expected, 1e-12, 1e-12);
      f.dispose();
    }
  });

  it("names inputs after the parameters, the given names, or the vector", () => {
    const f = compile((alpha: Var, beta: Var) => alpha.mul(beta));
    expect(f.tape.inputNames).toEqual(["alpha", "beta"]);
    const g = compile((x: Var, y: Var) => x.mul(y), { names: ["width", "height"] });
    expect(g.tape.inputNames).toEqual(["width", "height"]);
    const h = compile((theta: Var[]) => theta[0]!.add(theta[1]!), { inputs: 2 });
    expect(inputName(h.tape, 1)).toBe("theta[1]");
    const k = compile(function (a: Var, b: Var) {
      return a.add(b);
    });
    expect(k.tape.inputNames).toEqual(["a", "b"]);
  });

  it("allows compile() inside a traced function (an inner tape)", () => {
    const f = compile((x: Var) => {
      const inner = compile((y: Var) => exp(y));
      const slope = inner.grad([0]).grad[0]!; // a number, computed while tracing the outer function
      inner.dispose();
      return x.mul(slope);
    });
    expect(f.grad([3]).grad[0]).toBe(1);
  });
});

describe.each(ENGINES)("results on the %s engine", (engine) => {
  it("writes into caller-provided output arrays", () => {
    const f = compile((x: Var, y: Var) => [x.mul(y), x.add(y)], { engine });
    const values = new Float64Array(2);
    expect(f.eval([2, 3], values)).toBe(values);
    expect(Array.from(values)).toEqual([6, 5]);
    const grad = new Float64Array(2);
    expect(f.vjp([2, 3], [1, 0], grad).grad).toBe(grad);
    expect(Array.from(grad)).toEqual([3, 2]);
    const tangent = new Float64Array(2);
    expect(f.jvp([2, 3], [1, 0], tangent).tangent).toBe(tangent);
    expect(Array.from(tangent)).toEqual([3, 1]);
    const g = compile((x: Var) => square(x), { engine });
    const out = new Float64Array(1);
    expect(g.grad([3], out).grad).toBe(out);
    expect(out[0]).toBe(6);
  });

  it("does not let one call's state leak into the next", () => {
    const f = compile((x: Var, y: Var) => [x.mul(y), sin(x).add(3)], { engine });
    f.vjp([1, 2], [5, 7]); // leaves adjoints behind in the shared derivative buffer
    expectClose(f.jvp([1, 2], [0, 1]).tangent, [1, 0]);
    expectClose(f.vjp([1, 2], [1, 0]).grad, [2, 1]);
  });

  it("is released by Symbol.dispose", () => {
    const before = memoryStats().liveFunctions;
    const f = compile((x: Var) => sin(x), { engine });
    expect(memoryStats().liveFunctions).toBe(before + 1);
    f[Symbol.dispose]();
    expect(f.disposed).toBe(true);
    expect(memoryStats().liveFunctions).toBe(before);
  });
});
