/**
 * grad() and eval() take a fast path for the common call (x a Float64Array or plain array of n
 * numbers, no data inputs, out a Float64Array of the right length or left out) and the checked
 * path for everything else. Both must give the same numbers, and every call the checked path
 * rejects must be rejected with the same error: each case here calls the public method and the
 * checked path (gradChecked/evalChecked, private) with the same arguments and compares.
 */
import { describe, expect, it } from "vitest";
import { compile, sin, sum, type Compiled, type Var } from "../src/index.js";
import { ENGINES } from "./engines.js";

type Call = (...args: unknown[]) => unknown;

/** The checked paths, by name (private: a rename must update this test). */
function checked(f: Compiled, method: "grad" | "eval"): Call {
  const path = (f as unknown as Record<string, Call | undefined>)[`${method}Checked`];
  if (typeof path !== "function") throw new Error(`test: Compiled has no ${method}Checked`);
  return path.bind(f);
}

/** The error a call throws (class and message), or null. */
function errorOf(call: () => unknown): { name: string; message: string } | null {
  try {
    call();
    return null;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { name: error.constructor.name, message: error.message };
  }
}

/** Arguments every function of n inputs (no data) must reject, with what they get wrong. */
function badArguments(n: number, m: number, method: "grad" | "eval"): Array<[string, unknown[]]> {
  const outLength = method === "grad" ? n : m;
  const x = new Float64Array(n).fill(0.5);
  const xs = Array.from(x);
  const out = (): Float64Array => new Float64Array(outLength);
  const strings = xs.map((v, i) => (i === n - 1 ? String(v) : v));
  const holes = new Array<number>(n); // the last entry a hole
  for (let i = 0; i < n - 1; i++) holes[i] = 1;
  return [
    ["x one short (Float64Array)", [new Float64Array(n - 1), out()]],
    ["x one long (Float64Array)", [new Float64Array(n + 1), out()]],
    ["x empty (Float64Array)", [new Float64Array(0)]],
    ["x one short (array)", [xs.slice(1), out()]],
    ["x one long (array)", [[...xs, 1], out()]],
    ["x with a string", [strings, out()]],
    ["x with a string, no out", [strings]],
    ["x with undefined", [[...xs.slice(1), undefined], out()]],
    ["x with holes", [holes, out()]],
    ["x with null", [[...xs.slice(1), null], out()]],
    ["x with a bigint", [[...xs.slice(1), 1n], out()]],
    ["x a number", [0.5, out()]],
    ["x a string", ["0.5", out()]],
    ["x null", [null, out()]],
    ["x undefined", [undefined, out()]],
    ["x a DataView", [new DataView(new ArrayBuffer(8 * n)), out()]],
    ["x a Float32Array one short", [new Float32Array(n - 1), out()]],
    ["out one short", [x, new Float64Array(outLength - 1)]],
    ["out one long", [x, new Float64Array(outLength + 1)]],
    ["out one long, x an array", [xs, new Float64Array(outLength + 1)]],
    ["out a plain array", [x, new Array(outLength).fill(0)]],
    ["out a Float32Array", [x, new Float32Array(outLength)]],
    ["out null", [x, null]],
    ["out a number", [x, 2]],
    ["data given to a function without data", [x, out(), new Float64Array(1)]],
    ["data given, x an array", [xs, out(), [1]]],
    ["data in the data slot", [x, [1], out()]],
    ["data given, out left out", [x, undefined, [1]]],
    ["null in the data slot", [x, out(), null]],
  ];
}

// The wasm engine copies x in and the gradient out unrolled for 1–4 inputs without data: every
// input and every partial must land in its own slot, for each of those counts and past them.
describe("the wasm engine's unrolled copies agree with the js engine", () => {
  it.each([1, 2, 3, 4, 5, 6])("%i inputs: grad, eval, vjp, jvp, hvp", (n) => {
    // Products and sums only: both engines do the same float operations, so equal to the bit.
    const fn = (xs: Var[]): Var => {
      let total = xs[0]!.mul(0.5);
      for (let i = 0; i < n; i++) total = total.add(xs[i]!.mul(xs[(i + 1) % n]!).mul(i + 1)).add(xs[i]!.mul(10 ** i));
      return total;
    };
    const wasm = compile(fn, { inputs: n, engine: "wasm" });
    const js = compile(fn, { inputs: n, engine: "js" });
    const x = Float64Array.from({ length: n }, (_, i) => 0.25 + i * 1.5);
    const v = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -2) * (i + 1));
    const expected = js.grad(x);
    expect(wasm.grad(x)).toEqual(expected);
    expect(wasm.grad(Array.from(x), new Float64Array(n))).toEqual(expected);
    expect(new Set(expected.grad).size).toBe(n); // distinct partials: a swapped slot shows
    expect(wasm.eval(x)).toEqual(js.eval(x));
    expect(wasm.vjp(x, [2])).toEqual(js.vjp(x, [2]));
    expect(wasm.jvp(x, v)).toEqual(js.jvp(x, v));
    expect(wasm.hvp(x, v)).toEqual(js.hvp(x, v));
    wasm.dispose();
    js.dispose();
  });
});

describe.each(ENGINES)("grad/eval fast path on the %s engine", (engine) => {
  const functions: Array<[string, () => Compiled]> = [
    ["1 input", () => compile((x: Var) => x.mul(sin(x)), { engine })],
    ["2 inputs (seed)", () => compile((x: Var, y: Var) => x.add(y).mul(sin(x)), { engine })],
    ["3 inputs", () => compile((x: Var, y: Var, z: Var) => x.add(y).mul(sin(z)), { engine })],
    ["4 inputs", () => compile((x: Var, y: Var, z: Var, w: Var) => x.add(y).mul(sin(z)).sub(w.mul(x)), { engine })],
    ["9 inputs", () => compile((xs: Var[]) => sum(xs.map((x, i) => x.mul(i + 1).mul(sin(x)))), { engine, inputs: 9 })],
    ["array function", () => compile({ params: { v: [3] }, engine }, ({ v }) => sum(v!.mul(sin(v!))))],
  ];

  describe.each(functions)("%s", (_, make) => {
    const f = make();
    const n = f.inputs;
    const points = [
      Float64Array.from({ length: n }, (_, i) => 0.7 + 0.6 * i),
      Float64Array.from({ length: n }, (_, i) => -3 + i),
      new Float64Array(n).fill(NaN),
      Float64Array.from({ length: n }, (_, i) => (i === 0 ? Infinity : -0)),
    ];

    it("gives the checked path's numbers, for every form of x and out", () => {
      for (const x of points) {
        const expected = new Float64Array(n);
        const value = (checked(f, "grad")(x, expected) as { value: number }).value;
        const fromArray = new Float64Array(n);
        expect(f.grad(x, fromArray)).toEqual({ value, grad: fromArray });
        expect(fromArray).toEqual(expected);
        const fromPlain = new Float64Array(n);
        expect(f.grad(Array.from(x), fromPlain).value).toEqual(value);
        expect(fromPlain).toEqual(expected);
        const fresh = f.grad(x);
        expect(fresh.value).toEqual(value);
        expect(fresh.grad).toEqual(expected);
        expect(f.grad(Array.from(x)).grad).toEqual(expected);
        // out may be x itself: every input is read before out is written.
        const both = x.slice();
        expect(f.grad(both, both).value).toEqual(value);
        expect(both).toEqual(expected);

        const values = checked(f, "eval")(x, new Float64Array(1)) as Float64Array;
        const out = new Float64Array(1);
        expect(f.eval(x, out)).toBe(out);
        expect(out).toEqual(values);
        expect(f.eval(Array.from(x), new Float64Array(1))).toEqual(values);
        expect(f.eval(x)).toEqual(values);
        expect(values[0]).toEqual(value);
      }
    });

    it("returns the caller's out and a fresh { value, grad } each call", () => {
      const out = new Float64Array(n);
      const first = f.grad(points[0]!, out);
      const second = f.grad(points[1]!, out);
      expect(first.grad).toBe(out);
      expect(second.grad).toBe(out);
      expect(first).not.toBe(second);
      expect(Object.keys(first)).toEqual(["value", "grad"]);
    });

    it.each(["grad", "eval"] as const)("%s rejects every bad call exactly as the checked path does", (method) => {
      const call = (f[method] as Call).bind(f);
      for (const [what, args] of badArguments(n, f.outputs, method)) {
        const expected = errorOf(() => checked(f, method)(...args));
        expect(expected, `${method}: ${what}: the checked path must reject it`).not.toBeNull();
        expect(errorOf(() => call(...args)), `${method}: ${what}`).toEqual(expected);
      }
      // Nothing a rejected call did changes the next answer.
      const out = new Float64Array(n);
      const value = f.grad(points[0]!, out).value;
      expect(f.grad(points[0]!)).toEqual({ value, grad: out });
    });
  });

  it("rejects calls on a disposed function like the checked path", () => {
    const f = compile((x: Var, y: Var) => x.add(y).mul(sin(x)), { engine });
    f.grad(Float64Array.of(1, 2), new Float64Array(2)); // warm: the fast path has run
    f.dispose();
    for (const method of ["grad", "eval"] as const) {
      const out = new Float64Array(method === "grad" ? 2 : 1);
      for (const x of [Float64Array.of(1, 2), [1, 2]]) {
        const expected = errorOf(() => checked(f, method)(x, out));
        expect(expected?.message).toMatch(new RegExp(`${method}\\(\\) called on a disposed function`));
        expect(errorOf(() => (f[method] as Call).call(f, x, out))).toEqual(expected);
        expect(errorOf(() => (f[method] as Call).call(f, x))).toEqual(expected);
      }
    }
  });

  it("sends functions with several outputs or data inputs to the checked path", () => {
    const g = compile((x: Var, y: Var) => [x.mul(y), sin(x)], { engine });
    const x = Float64Array.of(0.7, 1.3);
    const vector = errorOf(() => checked(g, "grad")(x, new Float64Array(2)));
    expect(vector?.message).toMatch(/needs a scalar function \(one output\), this one has 2 outputs/);
    expect(errorOf(() => g.grad(x, new Float64Array(2)))).toEqual(vector);
    expect(errorOf(() => g.grad(x))).toEqual(errorOf(() => checked(g, "grad")(x)));
    expect(errorOf(() => g.eval(x, new Float64Array(1)))).toEqual(errorOf(() => checked(g, "eval")(x, new Float64Array(1))));
    expect(g.eval(x, new Float64Array(2))).toEqual(checked(g, "eval")(x, new Float64Array(2)));

    const h = compile({ params: 2, data: 1, engine }, ([a, b], [d]) => a!.mul(d!).add(sin(b!)));
    // Without its data vector, out sits where the data go: the checked path's error.
    const missing = errorOf(() => checked(h, "grad")(x, new Float64Array(2)));
    expect(missing?.message).toMatch(/data must have 1 element, got 2/);
    expect(errorOf(() => h.grad(x, new Float64Array(2)))).toEqual(missing);
    expect(errorOf(() => h.grad(x))).toEqual(errorOf(() => checked(h, "grad")(x)));
    expect(errorOf(() => h.eval(x, new Float64Array(1)))).toEqual(errorOf(() => checked(h, "eval")(x, new Float64Array(1))));
    const out = new Float64Array(2);
    const expected = new Float64Array(2);
    const data = Float64Array.of(3);
    expect(h.grad(x, data, out).value).toEqual((checked(h, "grad")(x, data, expected) as { value: number }).value);
    expect(out).toEqual(expected);

    // A data vector of the length of out is still a data vector: never taken for out.
    const wide = compile({ params: 2, data: 2, engine }, ([a, b], [c, d]) => a!.mul(c!).add(sin(b!).mul(d!)));
    for (const [c, d] of [[2, 3], [5, -1], [0.5, 7]] as const) {
      checked(wide, "eval")(x, Float64Array.of(c + 1, d + 1)); // other data left in the engine
      const data2 = Float64Array.of(c, d);
      const values = wide.eval(x, data2);
      expect(values).not.toBe(data2);
      expect(values).toEqual(checked(wide, "eval")(x, Float64Array.of(c, d)));
      checked(wide, "grad")(x, Float64Array.of(c + 1, d + 1));
      const result = wide.grad(x, data2) as { value: number; grad: Float64Array };
      expect(result.grad).not.toBe(data2);
      expect(result).toEqual(checked(wide, "grad")(x, Float64Array.of(c, d)));
      expect(data2).toEqual(Float64Array.of(c, d));
    }
    for (const [d] of [[2], [5]] as const) {
      checked(h, "eval")(x, Float64Array.of(d + 1));
      const data1 = Float64Array.of(d);
      const values = h.eval(x, data1);
      expect(values).not.toBe(data1);
      expect(values).toEqual(checked(h, "eval")(x, Float64Array.of(d)));
    }
  });
});
