/**
 * The array API of docs/arrays.md beyond the values and derivatives of each op
 * (test/arrays-ops.test.ts, arrays-elementwise.test.ts, arrays-matmul.test.ts): declaring array
 * inputs, shapes and sizes seen while tracing, one node per array op, array outputs flattened,
 * f.layout (entries, size, entry, read, pack, unpack and pack's errors), shape errors (each an
 * Error whose message starts with "tapegrad:" and names the op and both shapes), slices at both
 * ends with negative and clamped indices, at/row out of range, max/min ties, the stable
 * compositions at extreme arguments, and the 2→16→1 model trained with fit, with and without
 * workers. Plus a few hand-computed values of the plain-JS reference itself.
 */
import { describe, expect, it } from "vitest";
import {
  adam, add, atan2, compile, concat, constant, div, dot, fit, logSoftmax, logsumexp, matmul, max, mean, min, norm,
  outer, pow, prod, reshape, select, sgd, softmax, square, stack, sub, sum, tanh, transpose, type Compiled, type Var,
} from "../src/index.js";
import * as R from "./arrays-reference.js";
import { compileArrays, ENGINES, S, type SArr, type Shapes, type Vars } from "./arrays-harness.js";
import { expectClose, randomVector, rng } from "./helpers.js";

/** The message of what fn throws (it must throw an Error). */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
  throw new Error("expected an error, none was thrown");
}

/**
 * A shape as a message may print it: [3, 4], [3,4] or (3, 4); a matrix also as 3×4 or 3x4; a
 * scalar as [] or ().
 */
function shapePattern(shape: readonly number[]): string {
  const inside = shape.join("\\s*,\\s*");
  const bracketed = `[\\[(]\\s*${inside}\\s*,?\\s*[\\])]`;
  return shape.length === 2 ? `(?:${bracketed}|\\b${shape[0]}\\s*[×x]\\s*${shape[1]}\\b)` : bracketed;
}

/** compile(spec, fn) throws an Error starting "tapegrad:" that names op and every shape given. */
function expectShapeError(params: Shapes, fn: (p: Vars) => unknown, op: string, shapes: number[][]): void {
  const message = thrown(() => compileArrays({ params }, fn));
  expect(message).toMatch(/^tapegrad:/);
  expect(message).toMatch(new RegExp(`\\b${op}\\b`));
  for (const s of shapes) expect(message, `the shape [${s}] in: ${message}`).toMatch(new RegExp(shapePattern(s)));
}

/** The error of a bad index or slice: "tapegrad:", and names the op. */
function expectIndexError(params: Shapes, fn: (p: Vars) => unknown, op: string): void {
  const message = thrown(() => compileArrays({ params }, fn));
  expect(message).toMatch(/^tapegrad:/);
  expect(message).toMatch(new RegExp(`\\b${op}\\b`));
}

const dispose = (...fs: Compiled[]): void => fs.forEach((f) => f.dispose());

// ---------------------------------------------------------------------------------------------

describe("the plain-JS reference itself, on hand-computed values", () => {
  it("broadcasting, matmul's three cases, transpose, outer", () => {
    expect(R.broadcastShape([3, 1], [1, 4])).toEqual([3, 4]);
    expect(R.broadcastShape([4], [3, 4])).toEqual([3, 4]);
    expect(R.broadcastShape([], [2])).toEqual([2]);
    expect(() => R.broadcastShape([3], [3, 4])).toThrow();
    expect(Array.from(R.elementwise((a, b) => a! + b!, R.arr([2, 1], [1, 2]), R.arr([3], [10, 20, 30])).data)).toEqual([11, 21, 31, 12, 22, 32]);
    const A = R.matrix([[1, 2], [3, 4]]);
    expect(Array.from(R.matmul(A, R.matrix([[5, 6], [7, 8]])).data)).toEqual([19, 22, 43, 50]);
    expect(R.matmul(A, R.arr([2], [1, 1]))).toEqual(R.arr([2], [3, 7]));
    expect(R.matmul(R.arr([2], [1, 1]), A)).toEqual(R.arr([2], [4, 6]));
    expect(R.transpose(R.matrix([[1, 2, 3], [4, 5, 6]]))).toEqual(R.matrix([[1, 4], [2, 5], [3, 6]]));
    expect(R.outer(R.arr([2], [1, 2]), R.arr([3], [1, 10, 100]))).toEqual(R.matrix([[1, 10, 100], [2, 20, 200]]));
  });

  it("reductions with axes, ties, softmax, slicing and assembling", () => {
    const A = R.matrix([[1, 5, 2], [4, 5, 0]]);
    expect(R.reduce("sum", A, 0)).toEqual(R.arr([3], [5, 10, 2]));
    expect(R.reduce("prod", A, 1)).toEqual(R.arr([2], [10, 0]));
    expect(R.reduce("max", A)).toEqual(R.scalar(5));
    expect(R.argmax([1, 5, 2, 4, 5, 0])).toBe(1);
    expect(R.argmin([3, 0, 0])).toBe(1);
    expect(R.reduce("norm", R.arr([2], [3e200, 4e200])).data[0]).toBeCloseTo(5e200, -186);
    expect(R.reduce("logsumexp", R.arr([2], [1000, 1000])).data[0]).toBe(1000 + Math.LN2);
    expectClose(R.softmax(R.matrix([[0, Math.log(3)]])).data, [0.25, 0.75], 1e-15);
    expectClose(R.softmax(R.matrix([[0, 5], [Math.log(3), 5]]), 0).data, [0.25, 0.5, 0.75, 0.5], 1e-15);
    expect(R.sliceBounds(5, -2)).toEqual([3, 5]);
    expect(R.sliceBounds(5, -100, 100)).toEqual([0, 5]);
    expect(R.slice(R.arr([4], [1, 2, 3, 4]), 1, -1)).toEqual(R.arr([2], [2, 3]));
    expect(() => R.slice(R.arr([4], [1, 2, 3, 4]), 3, 3)).toThrow();
    expect(R.at(R.matrix([[1, 2], [3, 4]]), -1, 0)).toEqual(R.scalar(3));
    expect(() => R.at(R.arr([2], [1, 2]), 2)).toThrow();
    expect(R.stack([R.arr([2], [1, 2]), R.arr([2], [3, 4])])).toEqual(R.matrix([[1, 2], [3, 4]]));
    expect(R.concat([R.arr([2], [1, 2]), R.scalar(3)])).toEqual(R.arr([3], [1, 2, 3]));
    expect(R.reshape(R.arr([6], [1, 2, 3, 4, 5, 6]), [-1, 2]).shape).toEqual([3, 2]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("declaring array inputs", () => {
  it("the docs' 2→16→1 model: 65 inputs, its layout, one output", () => {
    const loss = compile(
      { params: { W1: [16, 2], b1: [16], W2: [1, 16], b2: [1] }, data: { x: [2], y: [] } },
      ({ W1, b1, W2, b2 }, { x, y }) => square(matmul(W2!, tanh(matmul(W1!, x!).add(b1!))).add(b2!).at(0).sub(y!)),
    );
    expect(loss.inputs).toBe(65);
    expect(loss.data).toBe(3);
    expect(loss.outputs).toBe(1);
    const { params, data } = loss.layout;
    expect(params.entries.map((e) => ({ name: e.name, offset: e.offset, shape: [...e.shape], size: e.size }))).toEqual([
      { name: "W1", offset: 0, shape: [16, 2], size: 32 },
      { name: "b1", offset: 32, shape: [16], size: 16 },
      { name: "W2", offset: 48, shape: [1, 16], size: 16 },
      { name: "b2", offset: 64, shape: [1], size: 1 },
    ]);
    expect(params.size).toBe(65);
    expect(params.entry("b1").offset).toBe(32);
    expect(params.entry("W2").shape).toEqual([1, 16]);
    expect(data.entries.map((e) => ({ name: e.name, offset: e.offset, shape: [...e.shape], size: e.size }))).toEqual([
      { name: "x", offset: 0, shape: [2], size: 2 },
      { name: "y", offset: 2, shape: [], size: 1 },
    ]);
    expect(data.size).toBe(3);
    loss.dispose();
  });

  it("the function receives variables under the same keys, with their shapes and sizes; data may be left out ({})", () => {
    const seen: Record<string, unknown> = {};
    const f = compile({ params: { W: [2, 3], b: [3], s: [] }, data: { x: [3] } }, (p, d) => {
      expect(Object.keys(p)).toEqual(["W", "b", "s"]);
      expect(Object.keys(d)).toEqual(["x"]);
      for (const [k, v] of [...Object.entries(p), ...Object.entries(d)]) seen[k] = { shape: [...v!.shape], size: v!.size };
      return sum(matmul(p.W!, d.x!).add(p.s!));
    });
    expect(seen).toEqual({ W: { shape: [2, 3], size: 6 }, b: { shape: [3], size: 3 }, s: { shape: [], size: 1 }, x: { shape: [3], size: 3 } });
    expect([f.inputs, f.data, f.outputs]).toEqual([10, 3, 1]);
    f.dispose();

    let second: unknown;
    const g = compile({ params: { a: [2] } }, (p, d) => {
      second = d;
      return sum(p.a!);
    });
    expect(second).toEqual({});
    expect(g.data).toBe(0);
    expect(g.eval([1.5, 2])[0]).toBe(3.5);
    g.dispose();
  });

  it("θ is the params in key order (the object's own order, not sorted), each row-major", () => {
    const f = compile({ params: { b: [2], a: [2, 2] } }, ({ a, b }) => [a!.at(0, 1), a!.at(1, 0), b!.at(1)]);
    expect(f.layout.params.entries.map((e) => e.name)).toEqual(["b", "a"]);
    expect(Array.from(f.eval([1, 2, 3, 4, 5, 6]))).toEqual([4, 5, 2]);
    f.dispose();
  });

  it("shape and size of scalars, vectors, matrices and op results while tracing", () => {
    const shapes: Record<string, [number[], number]> = {};
    const noted: Var[] = [];
    const note = (k: string, v: Var): Var => ((shapes[k] = [[...v.shape], v.size]), noted.push(v), v);
    compile({ params: { A: [3, 4], x: [4], s: [] } }, ({ A, x, s }) => {
      note("A", A!);
      note("s", s!);
      note("Ax", matmul(A!, x!));
      note("AT", transpose(A!));
      note("outer", outer(x!, x!));
      note("sum0", sum(A!, 0));
      note("sum1", sum(A!, 1));
      note("sumAll", sum(A!));
      note("row", A!.row(1));
      note("at", A!.at(1, 1));
      note("slice", A!.slice(1));
      note("bcast", A!.add(x!));
      note("col", A!.add(constant([[1], [2], [3]])));
      note("stack", stack([s!, s!]));
      note("concat", concat([x!, s!]));
      note("reshape", A!.reshape([2, -1]));
      note("softmax", softmax(A!));
      note("const", constant([[1, 2, 3]]));
      note("scalarOp", s!.mul(2));
      note("dot", dot(x!, x!));
      note("max", max(A!, { axis: 1 }));
      return noted; // all of them outputs (an unused softmax could leave an unused comparison behind)
    }).dispose();
    expect(shapes).toEqual({
      A: [[3, 4], 12], s: [[], 1], Ax: [[3], 3], AT: [[4, 3], 12], outer: [[4, 4], 16], sum0: [[4], 4], sum1: [[3], 3],
      sumAll: [[], 1], row: [[4], 4], at: [[], 1], slice: [[2, 4], 8], bcast: [[3, 4], 12], col: [[3, 4], 12],
      stack: [[2], 2], concat: [[5], 5], reshape: [[2, 6], 12], softmax: [[3, 4], 12], const: [[1, 3], 3],
      scalarOp: [[], 1], dot: [[], 1], max: [[3], 3],
    });
    // the scalar forms: plain scalar variables
    compile((x, y) => {
      expect([x.shape, x.size, y.shape, y.size]).toEqual([[], 1, [], 1]);
      return x.add(y);
    }).dispose();
  });

  it("scalar and array nodes mix on one tape: scalar inputs stacked into arrays and read back", () => {
    for (const engine of ENGINES) {
      const f = compile(([x, y]: Var[]) => matmul(constant([[1, 2], [3, 4]]), stack([x!, y!])).add(x!.mul(y!)), { inputs: 2, engine });
      expect(f.outputs).toBe(2);
      expect(Array.from(f.eval([5, 7]))).toEqual([5 + 14 + 35, 15 + 28 + 35]);
      expect(Array.from(f.jacobian([5, 7]).data)).toEqual([1 + 7, 2 + 5, 3 + 7, 4 + 5]);
      const at = [0.3, -1.2, 2.5];
      // the old array forms (softmax of a JS array returns a JS array) beside the new ones
      const g = compile((xs: Var[]) => {
        const v = stack(xs);
        return [dot(v, v), v.at(-1).mul(xs[0]!), ...softmax(xs)];
      }, { inputs: 3, engine });
      const value = g.eval(at);
      const lse = R.REDUCERS.logsumexp(at);
      expectClose(value, [at[0]! ** 2 + at[1]! ** 2 + at[2]! ** 2, at[2]! * at[0]!, ...at.map((a) => Math.exp(a - lse))], 1e-14);
      const J = g.jacobian(at).data;
      expectClose(J.subarray(0, 6), [2 * at[0]!, 2 * at[1]!, 2 * at[2]!, at[2]!, 0, at[0]!], 1e-15);
      dispose(f, g);
    }
  });

  it("an array op is one node: the tape's size does not grow with the arrays' sizes", () => {
    const model = (r: number, c: number): Compiled =>
      compile({ params: { W: [r, c], b: [r] }, data: { x: [c] } }, ({ W, b }, { x }) => sum(tanh(matmul(W!, x!).add(b!))));
    const small = model(3, 2);
    const large = model(40, 30);
    expect(large.size).toBe(small.size);
    expect(large.size).toBeLessThan(40); // not 40·30 scalar nodes
    dispose(small, large);
  });

  it("arrays have at least one element", () => {
    const empty = (m: string): void => {
      expect(m).toMatch(/^tapegrad:/);
      expect(m).toMatch(/empty|element|\b0\b/i);
    };
    empty(thrown(() => compileArrays({ params: { a: [0] } }, ({ a }) => a)));
    empty(thrown(() => compileArrays({ params: { a: [2, 0] } }, ({ a }) => a)));
    empty(thrown(() => compileArrays({ params: { a: [2] } }, ({ a }) => a!.add(constant([])))));
  });

  it("constant() of a vector and of a matrix (array of rows); ragged rows are an error", () => {
    const f = compile({ params: { a: [] } }, ({ a }) => [constant([1, 2, 3]).mul(a!), constant([[1, 2], [3, 4]]).add(a!)]);
    expect(f.outputs).toBe(7);
    expect(Array.from(f.eval([2]))).toEqual([2, 4, 6, 3, 4, 5, 6]);
    expect(Array.from(f.jacobian([2]).data)).toEqual([1, 2, 3, 1, 1, 1, 1]);
    f.dispose();
    expect(thrown(() => compileArrays({ params: { a: [] } }, ({ a }) => constant([[1, 2], [3]]).add(a!)))).toMatch(/^tapegrad:/);
  });
});

// ---------------------------------------------------------------------------------------------

describe.each(ENGINES)("array outputs on the %s engine", (engine) => {
  it("are flattened row-major; several outputs one after another; numbers and scalars mix in", () => {
    const f = compile({ params: { A: [2, 3], x: [2], s: [] }, engine }, ({ A, x, s }) => [A!.mul(2), s!, 5, x!.neg(), matmul(x!, A!)]);
    expect(f.outputs).toBe(6 + 1 + 1 + 2 + 3);
    const theta = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(Array.from(f.eval(theta))).toEqual([2, 4, 6, 8, 10, 12, 9, 5, -7, -8, 7 * 1 + 8 * 4, 7 * 2 + 8 * 5, 7 * 3 + 8 * 6]);
    const J = f.jacobian(theta, { mode: "reverse" });
    expect([J.rows, J.cols]).toEqual([13, 9]);
    expect(Array.from(J.data.subarray(6 * 9, 7 * 9))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]); // ∂s/∂θ
    expectClose(J.data, f.jacobian(theta, { mode: "forward" }).data, 1e-15);
    f.dispose();
  });

  it("grad, meanGrad and fit need one output element, as for scalar outputs; evalBatch returns every element", async () => {
    const f = compile({ params: { A: [2, 2] }, engine }, ({ A }) => A!.mul(A!));
    const theta = [3, -1, 2, 5];
    // Four output elements: differentiating "the first" silently would hide a slip; say what to do.
    expect(thrown(() => f.grad(theta))).toMatch(/^tapegrad: grad\(x\) needs a scalar function \(one output\), this one has 4 outputs/);
    const one = compile({ params: { A: [2, 2] }, engine }, ({ A }) => A!.mul(A!).at(0, 0));
    const g = one.grad(theta);
    expect(g.value).toBe(9);
    expect(Array.from(g.grad)).toEqual([6, 0, 0, 0]);
    // A [1] or [1, 1] array is one element: a scalar function too.
    const single = compile({ params: { A: [2, 2] }, engine }, ({ A }) => A!.mul(A!).reshape([-1]).slice(0, 1).reshape([1, 1]).row(0));
    expect(Array.from(single.grad(theta).grad)).toEqual([6, 0, 0, 0]);
    dispose(f, one, single);

    const h = compile({ params: { w: [2] }, data: { x: [2] }, engine }, ({ w }, { x }) => w!.mul(x!).add(1));
    expect(h.outputs).toBe(2);
    const dataset = new Float64Array([1, 10, 2, 20, 4, 40]);
    const ev = h.evalBatch([3, 7], dataset);
    expect(Array.from(ev)).toEqual([4, 71, 7, 141, 13, 281]); // B × outputs: every element
    expect(thrown(() => h.meanGrad([3, 7], dataset))).toMatch(/^tapegrad: meanGrad.*2 outputs/);
    const h0 = compile({ params: { w: [2] }, data: { x: [2] }, engine }, ({ w }, { x }) => w!.mul(x!).add(1).at(0));
    const mg = h0.meanGrad([3, 7], dataset);
    expectClose(mg.value, 8, 1e-15);
    expectClose(mg.grad, [7 / 3, 0], 1e-15);
    // fit steps w₀ only (its gradient is the mean of x₀); w₁ does not move
    const theta2 = new Float64Array([3, 7]);
    await fit(h0, theta2, dataset, { optimizer: sgd({ learningRate: 0.5 }), epochs: 1, shuffle: false });
    expectClose(theta2, [3 - 0.5 * (7 / 3), 7], 1e-15);
    dispose(h, h0);
  });
});

// ---------------------------------------------------------------------------------------------

describe("f.layout", () => {
  const spec = { params: { W1: [16, 2], b1: [16], W2: [1, 16], b2: [1] }, data: { x: [2], y: [] } };
  const model = (engine: "wasm" | "js" = "wasm"): Compiled =>
    compile({ ...spec, engine }, ({ W1, b1, W2, b2 }, { x, y }) => square(matmul(W2!, tanh(matmul(W1!, x!).add(b1!))).add(b2!).at(0).sub(y!)));
  const random = rng(7);
  const w1 = randomVector(random, 32);
  const b1 = randomVector(random, 16);
  const w2rows = [Array.from(randomVector(random, 16))];

  it("pack: flat arrays, rows of a matrix, numbers and [x] for size-1 entries; read is a view; unpack splits", () => {
    const loss = model();
    const { params } = loss.layout;
    const theta = params.pack({ W1: w1, b1, W2: w2rows, b2: [0.25] });
    expect(theta).toBeInstanceOf(Float64Array);
    expect(theta.length).toBe(65);
    expect(Array.from(theta.subarray(0, 32))).toEqual(Array.from(w1));
    expect(Array.from(theta.subarray(32, 48))).toEqual(Array.from(b1));
    expect(Array.from(theta.subarray(48, 64))).toEqual(w2rows[0]);
    expect(theta[64]).toBe(0.25);
    // a matrix as an array of rows equals it flat
    const W1rows = Array.from({ length: 16 }, (_, i) => [w1[2 * i]!, w1[2 * i + 1]!]);
    expect(Array.from(params.pack({ W1: W1rows, b1: Array.from(b1), W2: w2rows[0]!, b2: [0.25] }))).toEqual(Array.from(theta));

    const view = params.read(theta, "b1");
    expect(view).toBeInstanceOf(Float64Array);
    expect(view.length).toBe(16);
    expect(Array.from(view)).toEqual(Array.from(b1));
    view[3] = 42; // writes go into θ
    expect(theta[32 + 3]).toBe(42);
    theta[33] = -7; // and θ shows through
    expect(view[1]).toBe(-7);

    const x = [0.3, -0.8];
    const g = loss.grad(theta, [...x, 0.5]).grad;
    const parts = params.unpack(g);
    expect(Object.keys(parts)).toEqual(["W1", "b1", "W2", "b2"]);
    expect(Array.from(parts.W1!)).toEqual(Array.from(g.subarray(0, 32)));
    expect(Array.from(parts.b1!)).toEqual(Array.from(g.subarray(32, 48)));
    expect(Array.from(parts.W2!)).toEqual(Array.from(g.subarray(48, 64)));
    expect(Array.from(parts.b2!)).toEqual([g[64]]);
    // ∂L/∂W1 = ∂L/∂b1 ⊗ x (the outer product), from the unpacked parts
    for (let i = 0; i < 16; i++) for (let j = 0; j < 2; j++) expectClose(parts.W1![2 * i + j]!, parts.b1![i]! * x[j]!, 1e-14, 1e-300);
    loss.dispose();
  });

  it("a scalar entry takes a number; the data layout packs a data vector", () => {
    const loss = model();
    const d = loss.layout.data.pack({ x: [0.5, -1], y: 2 });
    expect(Array.from(d)).toEqual([0.5, -1, 2]);
    const f = compile({ params: { s: [], M: [2, 2] } }, ({ s, M }) => sum(M!.mul(s!)));
    expect(Array.from(f.layout.params.pack({ s: 3, M: [[1, 2], [3, 4]] }))).toEqual([3, 1, 2, 3, 4]);
    expect(f.eval(f.layout.params.pack({ s: 3, M: [[1, 2], [3, 4]] }))[0]).toBe(30);
    dispose(loss, f);
  });

  it("pack errors: a missing or extra key, a wrong length, wrong rows, a scalar given too many numbers", () => {
    const loss = model();
    const { params } = loss.layout;
    const good = { W1: w1, b1, W2: w2rows, b2: [0] };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ W1: w1, b1, W2: w2rows }, "b2"], // missing
      [{ ...good, b3: [0] }, "b3"], // extra
      [{ ...good, b1: b1.subarray(0, 15) }, "b1"], // short
      [{ ...good, b1: [...b1, 0] }, "b1"], // long
      [{ ...good, W1: w1.subarray(0, 30) }, "W1"],
      [{ ...good, W2: [w2rows[0], w2rows[0]] }, "W2"], // two rows for a [1, 16] matrix
      [{ ...good, W2: [w2rows[0]!.slice(0, 15)] }, "W2"], // a short row
      [{ ...good, b2: [0, 1] }, "b2"],
    ];
    for (const [values, key] of cases) {
      const message = thrown(() => params.pack(values as never));
      expect(message, JSON.stringify(Object.keys(values))).toMatch(/^tapegrad:/);
      expect(message).toMatch(new RegExp(`\\b${key}\\b`));
    }
    const f = compile({ params: { s: [], M: [2, 2] } }, ({ s, M }) => sum(M!.mul(s!)));
    expect(thrown(() => f.layout.params.pack({ s: [1, 2], M: [1, 2, 3, 4] } as never))).toMatch(/^tapegrad:.*\bs\b/);
    expect(thrown(() => f.layout.params.pack({ s: 1, M: [[1, 2, 3], [4]] } as never))).toMatch(/^tapegrad:.*\bM\b/);
    dispose(loss, f);
  });

  it("the scalar forms have layouts: one scalar entry per input, one vector entry for { inputs: n }", () => {
    const f = compile((x, y) => x.mul(y));
    const e = f.layout.params.entries;
    expect(e.map((x) => ({ name: x.name, offset: x.offset, shape: [...x.shape], size: x.size }))).toEqual([
      { name: "x", offset: 0, shape: [], size: 1 },
      { name: "y", offset: 1, shape: [], size: 1 },
    ]);
    expect(f.layout.params.size).toBe(2);
    expect(Array.from(f.layout.params.pack({ x: 2, y: 3 }))).toEqual([2, 3]);
    expect(f.layout.data.size).toBe(0);
    const v = compile((xs) => sum(xs), { inputs: 5 });
    expect(v.layout.params.entries.length).toBe(1);
    expect([...v.layout.params.entries[0]!.shape]).toEqual([5]);
    expect([v.layout.params.entries[0]!.offset, v.layout.params.entries[0]!.size, v.layout.params.size]).toEqual([0, 5, 5]);
    const name = v.layout.params.entries[0]!.name;
    expect(Array.from(v.layout.params.read(Float64Array.from([1, 2, 3, 4, 5]), name))).toEqual([1, 2, 3, 4, 5]);
    const c = compile({ params: 2, data: 3 }, ([a, b], [x]) => a!.mul(x!).add(b!));
    expect([c.layout.params.size, c.layout.data.size]).toEqual([2, 3]);
    dispose(f, v, c);
  });
});

// ---------------------------------------------------------------------------------------------

describe("shape errors: an Error starting tapegrad: that names the op and both shapes", () => {
  it("elementwise ops that do not broadcast (NumPy's rule), as free functions and methods", () => {
    expectShapeError({ a: [3], b: [3, 4] }, ({ a, b }) => add(a!, b!), "add", [[3], [3, 4]]);
    expectShapeError({ a: [3, 4], b: [3] }, ({ a, b }) => a!.add(b!), "add", [[3, 4], [3]]);
    expectShapeError({ a: [2, 3], b: [3, 2] }, ({ a, b }) => a!.mul(b!), "mul", [[2, 3], [3, 2]]);
    expectShapeError({ a: [3, 4], b: [2, 4] }, ({ a, b }) => sub(a!, b!), "sub", [[3, 4], [2, 4]]);
    expectShapeError({ a: [3, 2], b: [3, 4] }, ({ a, b }) => div(a!, b!), "div", [[3, 2], [3, 4]]);
    expectShapeError({ a: [4], b: [5] }, ({ a, b }) => add(a!, b!), "add", [[4], [5]]);
    expectShapeError({ a: [2, 1], b: [3, 1] }, ({ a, b }) => a!.sub(b!), "sub", [[2, 1], [3, 1]]);
    expectShapeError({ a: [2], b: [3] }, ({ a, b }) => pow(a!, b!), "pow", [[2], [3]]);
    expectShapeError({ a: [2], b: [3] }, ({ a, b }) => max(a!, b!), "max", [[2], [3]]);
    expectShapeError({ a: [2], b: [3] }, ({ a, b }) => min(a!, b!), "min", [[2], [3]]);
    expectShapeError({ a: [2], b: [3] }, ({ a, b }) => a!.lt(b!), "lt", [[2], [3]]);
    expectShapeError({ a: [2], b: [3] }, ({ a, b }) => atan2(a!, b!), "atan2", [[2], [3]]);
  });

  it("select", () => {
    expectShapeError({ c: [3], a: [4], b: [] }, ({ c, a, b }) => select(c!, a!, b!), "select", [[3], [4]]);
    expectShapeError({ c: [2, 3], a: [2, 3], b: [3, 3] }, ({ c, a, b }) => select(c!, a!, b!), "select", [[2, 3], [3, 3]]);
  });

  it("matmul, dot, outer", () => {
    expectShapeError({ A: [3, 4], B: [5, 2] }, ({ A, B }) => matmul(A!, B!), "matmul", [[3, 4], [5, 2]]);
    expectShapeError({ A: [3, 4], x: [5] }, ({ A, x }) => matmul(A!, x!), "matmul", [[3, 4], [5]]);
    expectShapeError({ x: [4], B: [5, 2] }, ({ x, B }) => matmul(x!, B!), "matmul", [[4], [5, 2]]);
    expectShapeError({ A: [3, 4], B: [3, 4] }, ({ A, B }) => matmul(A!, B!), "matmul", [[3, 4]]);
    expectShapeError({ u: [3], v: [4] }, ({ u, v }) => dot(u!, v!), "dot", [[3], [4]]);
    expectShapeError({ u: [2, 2], v: [2, 2] }, ({ u, v }) => dot(u!, v!), "dot", [[2, 2]]);
    expectShapeError({ u: [2, 2], v: [3] }, ({ u, v }) => outer(u!, v!), "outer", [[2, 2], [3]]);
  });

  it("stack, concat, reshape", () => {
    expectShapeError({ u: [3], v: [4] }, ({ u, v }) => stack([u!, v!]), "stack", [[3], [4]]);
    expectShapeError({ s: [], v: [3] }, ({ s, v }) => stack([s!, v!]), "stack", [[], [3]]);
    expectShapeError({ u: [3], v: [3], w: [2] }, ({ u, v, w }) => stack([u!, v!, w!]), "stack", [[3], [2]]);
    expectShapeError({ A: [2, 3], B: [2, 4] }, ({ A, B }) => concat([A!, B!]), "concat", [[2, 3], [2, 4]]);
    expectShapeError({ A: [3, 4] }, ({ A }) => reshape(A!, [5, 2]), "reshape", [[3, 4], [5, 2]]);
    expectShapeError({ A: [3, 4] }, ({ A }) => A!.reshape([5, -1]), "reshape", [[3, 4], [5, -1]]);
    expectShapeError({ x: [6] }, ({ x }) => x!.reshape([4]), "reshape", [[6], [4]]);
    expect(thrown(() => compileArrays({ params: { A: [3, 4] } }, ({ A }) => A!.reshape([-1, -1])))).toMatch(/^tapegrad:.*\breshape\b/);
  });

  it("an axis that a reduction or softmax does not have", () => {
    const ops: Array<[string, (A: Var) => Var]> = [
      ["sum", (A) => sum(A, 2)],
      ["mean", (A) => mean(A, 2)],
      ["prod", (A) => prod(A, -3)],
      ["logsumexp", (A) => logsumexp(A, 2)],
      ["norm", (A) => norm(A, 5)],
      ["max", (A) => max(A, { axis: 2 })],
      ["min", (A) => min(A, { axis: 2 })],
      ["softmax", (A) => softmax(A, 2)],
      ["logSoftmax", (A) => logSoftmax(A, 2)],
    ];
    for (const [op, fn] of ops) expectIndexError({ A: [3, 4] }, ({ A }) => fn(A!), op);
  });
});

// ---------------------------------------------------------------------------------------------

describe.each(ENGINES)("indices on the %s engine", (engine) => {
  const theta = [10, 11, 12, 13, 14];
  const slice = (start: number, end?: number): number[] => {
    const f = compile({ params: { x: [5] }, engine }, ({ x }) => x!.slice(start, end));
    const out = Array.from(f.eval(theta));
    f.dispose();
    return out;
  };

  it("slice follows Array.prototype.slice: both ends, negative indices, clamping", () => {
    const pairs: Array<[number, number | undefined]> = [
      [0, undefined], [1, undefined], [4, undefined], [-1, undefined], [-5, undefined], [-100, undefined],
      [0, 1], [0, 5], [0, 100], [3, 5], [4, 5], [-2, -1], [-5, -4], [1, -1], [-100, 2], [2, 100], [-3, 4],
    ];
    for (const [s, e] of pairs) expect(slice(s, e), `slice(${s}, ${e})`).toEqual(theta.slice(s, e));
  });

  it("slice of a matrix takes rows", () => {
    const f = compile({ params: { A: [3, 2] }, engine }, ({ A }) => [A!.slice(-1), A!.slice(0, 2), A!.slice(1, -1)]);
    expect(Array.from(f.eval([1, 2, 3, 4, 5, 6]))).toEqual([5, 6, 1, 2, 3, 4, 3, 4]);
    expect(f.outputs).toBe(8);
    f.dispose();
  });

  it("at and row follow Array.prototype.at: negative indices count from the end", () => {
    const f = compile({ params: { x: [5], A: [3, 2] }, engine }, ({ x, A }) => [
      x!.at(0), x!.at(4), x!.at(-1), x!.at(-5), A!.at(0, 0), A!.at(2, 1), A!.at(-1, -2), A!.at(-3, 1), A!.row(0), A!.row(-1), A!.row(1),
    ]);
    expect(Array.from(f.eval([...theta, 1, 2, 3, 4, 5, 6]))).toEqual([10, 14, 14, 10, 1, 6, 5, 2, 1, 2, 5, 6, 3, 4]);
    f.dispose();
  });
});

describe("index errors", () => {
  it("an empty slice is an error", () => {
    const empty: Array<[number, number?]> = [[2, 2], [3, 1], [5], [10], [-1, -1], [0, -5], [0, 0], [-100, -5]];
    for (const args of empty) expectIndexError({ x: [5] }, ({ x }) => x!.slice(...args), "slice");
    expectIndexError({ A: [3, 4] }, ({ A }) => A!.slice(3), "slice");
    expectIndexError({ A: [3, 4] }, ({ A }) => A!.slice(1, 1), "slice");
  });

  it("at and row out of range are errors", () => {
    for (const i of [5, 6, -6, 100]) expectIndexError({ x: [5] }, ({ x }) => x!.at(i), "at");
    for (const i of [3, -4]) expectIndexError({ A: [3, 4] }, ({ A }) => A!.row(i), "row");
    for (const [i, j] of [[3, 0], [0, 4], [-4, 0], [0, -5], [3, 4]] as const) expectIndexError({ A: [3, 4] }, ({ A }) => A!.at(i, j), "at");
  });
});

// ---------------------------------------------------------------------------------------------

describe.each(ENGINES)("reductions at ties and extremes on the %s engine", (engine) => {
  /** The Jacobian, both modes (which must agree exactly: partials 0 or 1). */
  const jac = (shapes: Shapes, fn: (p: Vars) => Var, theta: number[]): number[] => {
    const f = compileArrays({ params: shapes, engine }, fn);
    const fw = Array.from(f.jacobian(theta, { mode: "forward" }).data);
    const rv = Array.from(f.jacobian(theta, { mode: "reverse" }).data);
    f.dispose();
    expect(rv).toEqual(fw);
    return fw;
  };

  it("max(x) and min(x): the derivative goes to the chosen element, a tie to the first", () => {
    expect(jac({ x: [5] }, ({ x }) => max(x!), [1, 3, 0, 3, 2])).toEqual([0, 1, 0, 0, 0]);
    expect(jac({ x: [5] }, ({ x }) => min(x!), [1, 0, 4, 0, 0])).toEqual([0, 1, 0, 0, 0]);
    expect(jac({ x: [3] }, ({ x }) => max(x!), [7, 7, 7])).toEqual([1, 0, 0]);
    // a matrix: over all elements, the first in row-major order
    expect(jac({ A: [2, 3] }, ({ A }) => max(A!), [1, 2, 5, 5, 0, 5])).toEqual([0, 0, 1, 0, 0, 0]);
    expect(jac({ A: [2, 3] }, ({ A }) => min(A!), [1, 0, 5, 0, 0, 5])).toEqual([0, 1, 0, 0, 0, 0]);
    const f = compile({ params: { x: [4] }, engine }, ({ x }) => max(x!));
    const g = f.grad([2, -1, 2, 0]);
    expect(g.value).toBe(2);
    expect(Array.from(g.grad)).toEqual([1, 0, 0, 0]);
    f.dispose();
  });

  it("max and min along an axis: ties to the first along that axis", () => {
    // A = [[1, 5], [4, 5], [4, 2]]: columns' max are A[1][0] (tie with A[2][0]) and A[0][1] (tie with A[1][1])
    const A = [1, 5, 4, 5, 4, 2];
    expect(jac({ A: [3, 2] }, ({ A }) => max(A!, { axis: 0 }), A)).toEqual([0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    // B = [[2, 2, 1], [0, 3, 3]]: rows' max are B[0][0] and B[1][1]; rows' min B[0][2] and B[1][0]
    const B = [2, 2, 1, 0, 3, 3];
    expect(jac({ B: [2, 3] }, ({ B }) => max(B!, { axis: 1 }), B)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(jac({ B: [2, 3] }, ({ B }) => min(B!, { axis: 1 }), B)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    // C = [[3, 1], [3, 1]]: columns' min: C[0][1] (tie)
    expect(jac({ C: [2, 2] }, ({ C }) => min(C!, { axis: 0 }), [3, 1, 3, 1])).toEqual([1, 0, 0, 0, 0, 1, 0, 0]);
  });

  it("max(a, b) of two arrays stays elementwise, ties to the first operand", () => {
    const f = compile({ params: { a: [3], b: [3] }, engine }, ({ a, b }) => max(a!, b!));
    expect(f.outputs).toBe(3);
    expect(Array.from(f.eval([1, 5, 2, 4, 0, 2]))).toEqual([4, 5, 2]);
    expect(Array.from(f.jacobian([1, 5, 2, 4, 0, 2]).data)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    f.dispose();
  });

  it("logsumexp and softmax are max-shifted: finite at ±1000, along either axis", () => {
    const lse = compile({ params: { x: [3] }, engine }, ({ x }) => logsumexp(x!));
    const g = lse.grad([1000, 1000, -1000]);
    expectClose(g.value, 1000 + Math.LN2, 1e-15);
    expectClose(g.grad, [0.5, 0.5, 0], 1e-15, 1e-300);
    lse.dispose();
    const rows = compile({ params: { A: [2, 2] }, engine }, ({ A }) => [logsumexp(A!, 1), logsumexp(A!, 0), softmax(A!), logSoftmax(A!, 0)]);
    const v = rows.eval([1000, 1000, -800, 0]);
    expect(v.every(Number.isFinite)).toBe(true);
    expectClose(v.subarray(0, 2), [1000 + Math.LN2, 0], 1e-15, 1e-300);
    expectClose(v.subarray(2, 4), [1000, 1000], 1e-15);
    expectClose(v.subarray(4, 8), [0.5, 0.5, 0, 1], 1e-15, 1e-300);
    expectClose(v.subarray(8, 12), [0, 0, -1800, -1000], 1e-15, 1e-300);
    expect(rows.jacobian([1000, 1000, -800, 0]).data.every(Number.isFinite)).toBe(true);
    rows.dispose();
  });

  it("norm does not overflow, and its derivative is 0 at 0 (as the scalar norm's)", () => {
    const f = compile({ params: { x: [2] }, engine }, ({ x }) => norm(x!));
    expectClose(f.eval([3e200, 4e200])[0]!, 5e200, 1e-15);
    const zero = f.grad([0, 0]);
    expect(zero.value).toBe(0);
    expect(Array.from(zero.grad)).toEqual([0, 0]);
    f.dispose();
    const rows = compile({ params: { A: [2, 2] }, engine }, ({ A }) => norm(A!, 1));
    const J = rows.jacobian([3, 4, 0, 0]).data;
    expectClose(J, [0.6, 0.8, 0, 0, 0, 0, 0, 0], 1e-15);
    rows.dispose();
  });
});

// ---------------------------------------------------------------------------------------------

/** The 2→16→1 model of docs/arrays.md, and the same model written with scalar variables. */
const SPEC = { params: { W1: [16, 2], b1: [16], W2: [1, 16], b2: [1] }, data: { x: [2], y: [] } };
const arrayModel = (engine: "wasm" | "js"): Compiled =>
  compile({ ...SPEC, engine }, ({ W1, b1, W2, b2 }, { x, y }) => square(matmul(W2!, tanh(matmul(W1!, x!).add(b1!))).add(b2!).at(0).sub(y!)));
const scalarModel = (engine: "wasm" | "js"): Compiled =>
  compile({ params: 65, data: 3, engine }, (p, d) => {
    const W1: SArr = { v: p.slice(0, 32), shape: [16, 2] };
    const b1: SArr = { v: p.slice(32, 48), shape: [16] };
    const W2: SArr = { v: p.slice(48, 64), shape: [1, 16] };
    const b2: SArr = { v: p.slice(64, 65), shape: [1] };
    const x: SArr = { v: d.slice(0, 2), shape: [2] };
    const h = S.map((a, b) => tanh((a as Var).add(b)), S.matmul(W1, x), b1);
    const o = S.map((a, b) => (a as Var).add(b), S.matmul(W2, h), b2);
    return square(o.v[0]!.sub(d[2]!));
  });

/** y = sin(2·x₀) − x₁/2 at N points in [−1, 1)², rows (x₀, x₁, y). */
function dataset(count: number, seed: number): Float64Array {
  const random = rng(seed);
  const rows = new Float64Array(3 * count);
  for (let k = 0; k < count; k++) {
    const x0 = 2 * random() - 1;
    const x1 = 2 * random() - 1;
    rows.set([x0, x1, Math.sin(2 * x0) - x1 / 2], 3 * k);
  }
  return rows;
}

function initialTheta(f: Compiled): Float64Array {
  const random = rng(11);
  return f.layout.params.pack({ W1: randomVector(random, 32), b1: randomVector(random, 16, -0.1, 0.1), W2: randomVector(random, 16, -0.5, 0.5), b2: [0] });
}

describe("the 2→16→1 model of docs/arrays.md", () => {
  it("value and gradient against the scalar-variable model and the reference, both engines", () => {
    const points = dataset(9, 3);
    for (const engine of ENGINES) {
      const f = arrayModel(engine);
      const s = scalarModel(engine);
      const theta = initialTheta(f);
      const p = f.layout.params.unpack(theta);
      for (let k = 0; k < 9; k++) {
        const d = points.subarray(3 * k, 3 * k + 3);
        const h = R.elementwise(Math.tanh, R.elementwise((a, b) => a! + b!, R.matmul(R.arr([16, 2], p.W1!), R.arr([2], d.subarray(0, 2))), R.arr([16], p.b1!)));
        const o = R.matmul(R.arr([1, 16], p.W2!), h).data[0]! + p.b2![0]!;
        const g = f.grad(theta, d);
        expectClose(g.value, (o - d[2]!) ** 2, 1e-12);
        const gs = s.grad(theta, d);
        expectClose(g.value, gs.value, 1e-12);
        expectClose(g.grad, gs.grad, 1e-12);
        expectClose(f.hessian(theta, d).data, s.hessian(theta, d).data, 1e-12);
      }
      expectClose(f.meanGrad(theta, points).grad, s.meanGrad(theta, points).grad, 1e-12);
      dispose(f, s);
    }
  });

  it.each(ENGINES)("fit decreases the loss, on the same path as the scalar-variable model (%s)", async (engine) => {
    const points = dataset(64, 5);
    const f = arrayModel(engine);
    const s = scalarModel(engine);
    const theta = initialTheta(f);
    const thetaS = theta.slice();
    const before = f.meanGrad(theta, points).value;
    const options = { epochs: 15, batchSize: 16, seed: 3 };
    const run = await fit(f, theta, points, { ...options, optimizer: adam({ learningRate: 0.02 }) });
    const runS = await fit(s, thetaS, points, { ...options, optimizer: adam({ learningRate: 0.02 }) });
    expect(run.losses.length).toBe(15);
    expect(run.gradientEvaluations).toBe(15 * 64);
    const after = f.meanGrad(theta, points).value;
    expect(after).toBeLessThan(0.5 * before);
    expect(run.losses[14]!).toBeLessThan(run.losses[0]!);
    // 60 Adam steps apart from rounding: measured between the scalar model's two engines, 6e-16
    // in the losses and 2e-14 in θ
    expectClose(run.losses, runS.losses, 1e-11);
    expectClose(theta, thetaS, 1e-10, 1e-12);
    dispose(f, s);
  });

  it("meanGrad with { workers: 2 } equals the single-thread result; so does fit with workers", async () => {
    const points = dataset(37, 8); // odd: the threads get unequal shares
    const f = arrayModel("wasm");
    try {
      const theta = initialTheta(f);
      const one = f.meanGrad(theta, points);
      const two = await f.meanGrad(theta, points, { workers: 2 });
      expectClose(two.value, one.value, 1e-12);
      expectClose(two.grad, one.grad, 1e-12);
      const t1 = theta.slice();
      const t2 = theta.slice();
      const r1 = await fit(f, t1, points, { optimizer: sgd({ learningRate: 0.05 }), epochs: 3, batchSize: 10 });
      const r2 = await fit(f, t2, points, { optimizer: sgd({ learningRate: 0.05 }), epochs: 3, batchSize: 10, workers: 2 });
      expectClose(r2.losses, r1.losses, 1e-11);
      expectClose(t2, t1, 1e-11, 1e-13);
    } finally {
      f.dispose();
    }
  });
});
