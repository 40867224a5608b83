/**
 * The JIT tier (src/jit/): tapes compiled to WebAssembly against the interpreter they replace —
 * bit for bit (Object.is, so NaN, ±∞ and the sign of zero count) on the fuzz tests' random graphs
 * over every op at ordinary and edge points (NaN, ±∞, ±0, ties, kinks) for eval, grad, vjp and jvp
 * — and against the js engine on smooth random graphs; the zero rule where the compiled code's plain
 * products would give NaN; the "auto" policy switching mid-stream; tapes past a chunk and past the
 * auto size limit; the option's errors; dispose.
 */
import { describe, expect, it } from "vitest";
import { compile, constant, memoryStats, mul, select, sqrt, gt, log, lt, sin, type Compiled, type Var } from "../src/index.js";
import { kernels } from "../src/wasm/module.js";
import { autoCalls, AUTO_MAX_NODES } from "../src/jit/tier.js";
import { CHUNK } from "../src/jit/plan.js";
import * as tg from "../src/index.js";
import { BINARY, UNARY, builder, describeGraph, randomGraph as fuzzGraph, randomPoint } from "./fuzz-graphs.js";
import { expectClose, randomGraph, randomVector, rng } from "./helpers.js";

const GRAPHS = Number(process.env.JIT_GRAPHS ?? 600);
/** JIT_SEED shifts the fixed seeds of the random-graph tests (for fuzz campaigns; 0 by default). */
const SEED = Number(process.env.JIT_SEED ?? 0);
/** JIT_BATCH_GRAPHS: the batch test's graph count (150 by default). */
const BATCH_GRAPHS = Number(process.env.JIT_BATCH_GRAPHS ?? 150);

function same(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`${what}, element ${i}: compiled ${String(actual[i])} vs interpreted ${String(expected[i])}`);
    }
  }
}

/** Every covered method of two functions of the same tape at x, compared bit for bit. */
function compare(jit: Compiled, interp: Compiled, x: Float64Array, random: () => number, what: string): void {
  same(jit.eval(x), interp.eval(x), `${what}: eval`);
  if (jit.outputs === 1) {
    const [a, b] = [jit.grad(x), interp.grad(x)];
    same([a.value], [b.value], `${what}: grad value`);
    same(a.grad, b.grad, `${what}: grad`);
  }
  const u = randomPoint(random, jit.outputs, random() < 0.5 ? "ordinary" : "edge");
  const [p, q] = [jit.vjp(x, u), interp.vjp(x, u)];
  same(p.value, q.value, `${what}: vjp value, u = [${Array.from(u).join(", ")}]`);
  same(p.grad, q.grad, `${what}: vjp, u = [${Array.from(u).join(", ")}]`);
  const v = randomPoint(random, jit.inputs, random() < 0.5 ? "ordinary" : "edge");
  const [s, t] = [jit.jvp(x, v), interp.jvp(x, v)];
  same(s.value, t.value, `${what}: jvp value, v = [${Array.from(v).join(", ")}]`);
  same(s.tangent, t.tangent, `${what}: jvp, v = [${Array.from(v).join(", ")}]`);
}

describe("compiled tapes equal the interpreter bit for bit", () => {
  it(`on ${GRAPHS} random graphs over every op, at ordinary and edge points`, () => {
    const random = rng(20261203 + SEED);
    for (let k = 0; k < GRAPHS; k++) {
      const g = fuzzGraph(random);
      const fn = builder(g);
      const jit = compile(fn, { inputs: g.inputs, jit: true });
      const interp = compile(fn, { inputs: g.inputs, jit: false });
      expect(jit.jit).toBe(true);
      expect(interp.jit).toBe(false);
      for (let p = 0; p < 6; p++) {
        const x = randomPoint(random, g.inputs, p < 2 ? "ordinary" : "edge");
        compare(jit, interp, x, random, `graph ${k}: ${describeGraph(g)} at [${Array.from(x).join(", ")}]`);
      }
      jit.dispose();
      interp.dispose();
    }
  });

  it("with data inputs, whose values change per call and receive no derivative", () => {
    const build = (p: ReturnType<typeof constant>[], d: ReturnType<typeof constant>[]) => [
      p[0]!.mul(d[0]!).add(sin(p[1]!.mul(d[1]!))).sub(d[0]!.mul(d[1]!)),
      log(d[0]!.square().add(1)),
      d[1]!,
    ];
    const jit = compile({ params: 2, data: 2, jit: true }, build);
    const interp = compile({ params: 2, data: 2, jit: false }, build);
    const random = rng(7);
    for (let k = 0; k < 50; k++) {
      const x = randomVector(random, 2, -3, 3);
      const d = randomPoint(random, 2, k % 2 === 0 ? "ordinary" : "edge");
      same(jit.eval(x, d), interp.eval(x, d), "eval");
      const u = randomVector(random, 3);
      const [a, b] = [jit.vjp(x, u, d), interp.vjp(x, u, d)];
      same(a.value, b.value, "vjp value");
      same(a.grad, b.grad, "vjp");
      const v = randomVector(random, 2);
      const [s, t] = [jit.jvp(x, v, d), interp.jvp(x, v, d)];
      same(s.tangent, t.tangent, "jvp");
    }
  });

  it("across chunks: a tape of several functions, with values and adjoints crossing their borders", () => {
    // Each step reads a value from far back, so locals cannot hold it and memory must.
    const n = 3 * CHUNK;
    const build = (xs: ReturnType<typeof constant>[]) => {
      const vs = [...xs];
      for (let i = 0; i < n; i++) {
        const a = vs[vs.length - 1]!;
        const b = vs[Math.floor((i * 7919) % vs.length)]!;
        vs.push(i % 3 === 0 ? a.mul(b).mul(0.5) : i % 3 === 1 ? sin(a).add(b) : a.sub(b.square().mul(0.01)));
      }
      return vs[vs.length - 1]!.add(vs[Math.floor(vs.length / 2)]!);
    };
    const jit = compile(build, { inputs: 5, jit: true });
    const interp = compile(build, { inputs: 5, jit: false });
    const random = rng(3);
    for (let k = 0; k < 4; k++) compare(jit, interp, randomVector(random, 5), random, `point ${k}`);
  });
});

describe("compiled batch sweeps equal the interpreter's", () => {
  /** A fuzz graph with its first k inputs as parameters and the rest as data. */
  function split(random: () => number) {
    for (;;) {
      const g = fuzzGraph(random);
      if (g.inputs < 2) continue;
      const params = 1 + Math.floor(random() * (g.inputs - 1));
      const fn = (p: ReturnType<typeof constant>[], d: ReturnType<typeof constant>[]) => builder(g)([...p, ...d]);
      return { g, params, data: g.inputs - params, fn };
    }
  }

  it("gradBatch, evalBatch and meanGrad bit for bit, on random graphs over every op", () => {
    const random = rng(424242 + SEED);
    let compared = 0;
    for (let k = 0; k < BATCH_GRAPHS; k++) {
      const { g, params, data, fn } = split(random);
      const jit = compile({ params, data, jit: true }, fn);
      const interp = compile({ params, data, jit: false }, fn);
      // Counts: one block, several with an odd last one, and a call at a narrower stride (interpreted).
      for (const count of [200, 3, 1]) {
        const theta = randomPoint(random, params, random() < 0.5 ? "ordinary" : "edge");
        const rows = new Float64Array(count * data);
        for (let r = 0; r < count; r++) rows.set(randomPoint(random, data, random() < 0.5 ? "ordinary" : "edge"), r * data);
        const what = `graph ${k}: ${describeGraph(g)}, params ${params}, ${count} points`;
        same(jit.evalBatch(theta, rows), interp.evalBatch(theta, rows), `${what}: evalBatch`);
        if (jit.outputs !== 1) continue;
        const [a, b] = [jit.gradBatch(theta, rows), interp.gradBatch(theta, rows)];
        same(a.value, b.value, `${what}: gradBatch values`);
        same(a.grad, b.grad, `${what}: gradBatch gradients`);
        const [p, q] = [jit.meanGrad(theta, rows), interp.meanGrad(theta, rows)];
        same([p.value], [q.value], `${what}: meanGrad value`);
        same(p.grad, q.grad, `${what}: meanGrad`);
        compared++;
      }
      jit.dispose();
      interp.dispose();
    }
    expect(compared).toBeGreaterThan(50); // graphs of one output (gradBatch, meanGrad need it)
  });

  it("keep the zero rule: a block whose plain products meet 0·∞ is redone by the kernels", () => {
    // d/dp0 of p1·sqrt(p0) at p0 = p1 = 0 is 0·∞ → 0 by the rule; the data only scales it.
    const fn = (p: ReturnType<typeof constant>[], d: ReturnType<typeof constant>[]) => mul(p[1]!, sqrt(p[0]!)).mul(d[0]!);
    const jit = compile({ params: 2, data: 1, jit: true }, fn);
    const rows = Float64Array.from({ length: 300 }, (_, i) => i / 7);
    expect(Array.from(jit.meanGrad([0, 0], rows).grad)).toEqual([0, 0]);
    const batch = jit.gradBatch([0, 0], rows);
    expect(batch.grad.every((x) => x === 0)).toBe(true);
    // And a NaN that is real stays NaN.
    expect(Number.isNaN(jit.meanGrad([-1, 1], rows).grad[0])).toBe(true);
  });

  it("for every op on its own: cold ops (erf, softplus, expm1, …) per lane as the kernels, not with two-lane exp", () => {
    // The kernels compute a cold op per lane with the scalar rules even where the rule has a
    // two-lane form (erf' = 2/√π·exp(−x²)): jit_exp2 is not scalar exp to the bit.
    const random = rng(5);
    const ops: Array<[string, number]> = [...UNARY.map((op): [string, number] => [op, 1]), ...BINARY.map((op): [string, number] => [op, 2])];
    for (const [op, arity] of ops) {
      const f = (tg as unknown as Record<string, (...args: Var[]) => Var>)[op]!;
      const fn = (p: Var[], d: Var[]) => (arity === 1 ? f(p[0]!.mul(d[0]!)) : f(p[0]!.mul(d[0]!), p[1]!.add(d[1]!)));
      const jit = compile({ params: 2, data: 2, jit: true }, fn);
      const interp = compile({ params: 2, data: 2, jit: false }, fn);
      for (let t = 0; t < 3; t++) {
        const theta = randomVector(random, 2, -2, 2);
        const rows = randomVector(random, 128, -3, 3);
        const [a, b] = [jit.gradBatch(theta, rows), interp.gradBatch(theta, rows)];
        same(a.value, b.value, `${op}: gradBatch values`);
        same(a.grad, b.grad, `${op}: gradBatch`);
      }
      jit.dispose();
      interp.dispose();
    }
  });

  it("leave every adjoint row zero, also an output's that passes nothing on (constant, comparison, data only)", () => {
    // The entry seeds output 0's row; the compiled sweep must clear it even when the output has no
    // adjoint to pass (a constant, a comparison, a node of data only). A row left seeded is read at a
    // narrower stride (a call of fewer points, interpreted) as lanes of the nodes after the output,
    // dead code the kernels still sweep, whose adjoints then reach the parameter.
    const outputs: Array<(p: Var[], d: Var[]) => Var> = [() => constant(2), (p, d) => lt(p[0]!, d[0]!), (_p, d) => sin(d[0]!)];
    for (const [k, out] of outputs.entries()) {
      const fn = (p: Var[], d: Var[]) => {
        const o = out(p, d);
        let s = p[0]!;
        for (let i = 0; i < 50; i++) s = sin(s.mul(d[0]!)); // dead: after the output
        return o;
      };
      const jit = compile({ params: 1, data: 1, jit: true }, fn);
      const interp = compile({ params: 1, data: 1, jit: false }, fn);
      const rows = Float64Array.from({ length: 64 }, (_, i) => 0.5 + i / 100);
      for (const f of [jit, interp]) f.gradBatch([0.7], rows);
      for (const count of [2, 3, 64, 1]) {
        const few = rows.subarray(0, count);
        same(jit.gradBatch([0.7], few).grad, interp.gradBatch([0.7], few).grad, `output ${k}, ${count} points: gradBatch`);
        same(jit.meanGrad([0.7], few).grad, interp.meanGrad([0.7], few).grad, `output ${k}, ${count} points: meanGrad`);
      }
      jit.dispose();
      interp.dispose();
    }
  });

  it("keep the zero rule when the 0·∞ is in one pair of a block only, beside many values in locals", () => {
    // Lanes 0 and 1 (the first pair): d0 = p0, so sqrt'(p0 − d0) = ∞ meets the adjoint p1 = 0. The
    // NaN flag is or-ed over the block's pairs: in a local that no forward value shares (six values
    // of d1 live in locals at once here; each pair wrote its own +0 over the flag, and the block's
    // NaN went out as the gradient).
    const U = ["sin", "tanh", "relu", "abs", "atan", "square"] as const;
    const fn = (p: Var[], d: Var[]) => {
      const as = U.map((op) => tg[op](d[1]!));
      const s = as[0]!.mul(as[1]!).add(as[2]!.mul(as[3]!)).add(as[4]!.mul(as[5]!));
      return p[1]!.mul(sqrt(p[0]!.sub(d[0]!))).add(s);
    };
    const jit = compile({ params: 2, data: 2, jit: true }, fn);
    const interp = compile({ params: 2, data: 2, jit: false }, fn);
    const rows = new Float64Array(2 * 64);
    for (let r = 0; r < 64; r++) rows.set([r === 0 ? 1 : 0.5, 0], 2 * r);
    same(jit.gradBatch([1, 0], rows).grad, interp.gradBatch([1, 0], rows).grad, "gradBatch");
    same(jit.meanGrad([1, 0], rows).grad, interp.meanGrad([1, 0], rows).grad, "meanGrad");
    expect(jit.meanGrad([1, 0], rows).grad[0]).toBe(0);
  });

  it('"auto" compiles on the first batch call of enough points: a batch call counts its points', () => {
    const fn = (p: ReturnType<typeof constant>[], d: ReturnType<typeof constant>[]) => sin(p[0]!.mul(d[0]!)).add(p[1]!.square());
    const ref = compile({ params: 2, data: 1, jit: false }, fn);
    const g = compile({ params: 2, data: 1 }, fn);
    const size = compile({ params: 2, data: 1, engine: "js" }, fn).size;
    const rows = Float64Array.from({ length: autoCalls(size) + 5 }, (_, i) => i / 3);
    expect(g.jit).toBe(false);
    same(g.gradBatch([0.5, 2], rows).grad, ref.gradBatch([0.5, 2], rows).grad, "gradBatch");
    expect(g.jit).toBe(true);
    same(g.gradBatch([0.5, 2], rows).grad, ref.gradBatch([0.5, 2], rows).grad, "gradBatch, compiled");
    same(g.meanGrad([0.5, 2], rows).grad, ref.meanGrad([0.5, 2], rows).grad, "meanGrad, compiled");
    same(g.evalBatch([0.5, 2], rows), ref.evalBatch([0.5, 2], rows), "evalBatch, compiled");
  });
});

describe("batch workers", () => {
  it("run compiled batch sweeps, with the calling thread's results to the bit", async () => {
    const fn = (p: ReturnType<typeof constant>[], d: ReturnType<typeof constant>[]) =>
      sin(p[0]!.mul(d[0]!).add(p[1]!)).mul(p[2]!).sub(d[1]!).square();
    const jit = compile({ params: 3, data: 2, jit: true }, fn);
    const interp = compile({ params: 3, data: 2, jit: false }, fn);
    const random = rng(9);
    const theta = randomVector(random, 3);
    const rows = randomVector(random, 2 * 3001, -2, 2);
    const [a, b, c] = [await jit.meanGrad(theta, rows, { workers: 2 }), await interp.meanGrad(theta, rows, { workers: 2 }), interp.meanGrad(theta, rows)];
    same([a.value], [b.value], "meanGrad value");
    same(a.grad, b.grad, "meanGrad with workers, compiled vs interpreted");
    expectClose(a.grad, c.grad, 1e-13, 1e-15); // the split over threads sums in another order
    const pools = [jit, interp].map((f) => (f as unknown as { pool: { compiledJobs: number } }).pool.compiledJobs);
    expect(pools).toEqual([2, 0]);
    jit.dispose();
    interp.dispose();
  });
});

describe("interpreted methods after compiled calls", () => {
  it("see every value: compiled code stores only what its sweeps read, the block sweeps read all", () => {
    const build = (xs: ReturnType<typeof constant>[]) => {
      const t = xs[0]!.mul(xs[1]!).add(sin(xs[2]!));
      return [t.square().mul(xs[1]!), log(t.square().add(1)).sub(xs[0]!)];
    };
    const jit = compile(build, { inputs: 3, jit: true });
    const interp = compile(build, { inputs: 3, jit: false });
    const x = [0.3, -1.2, 2.5];
    same(jit.eval(x), interp.eval(x), "eval");
    for (const mode of ["forward", "reverse"] as const) same(jit.jacobian(x, { mode }).data, interp.jacobian(x, { mode }).data, `jacobian ${mode}`);
    same(jit.vjpMany(x, [1, 0, 0, 1], 2).grads, interp.vjpMany(x, [1, 0, 0, 1], 2).grads, "vjpMany");
    jit.eval([9, 9, 9]); // the compiled forward leaves memory as it leaves it
    same(jit.sparseJacobian(x).data, interp.sparseJacobian(x).data, "sparseJacobian");
    // sin's own value is read by its second derivative (−v), by no first-order sweep: compiled
    // code does not store it, and the Hessian's lanes read it after the point is set.
    const scalar = (xs: ReturnType<typeof constant>[]) => sin(xs[0]!.mul(xs[1]!)).add(xs[2]!.square().mul(xs[0]!));
    const f = compile(scalar, { inputs: 3, jit: true });
    const g = compile(scalar, { inputs: 3, jit: false });
    f.eval([5, 5, 5]);
    same(f.hessian(x).data, g.hessian(x).data, "hessian");
    f.grad([7, 7, 7]);
    same(f.sparseHessian(x).data, g.sparseHessian(x).data, "sparseHessian");
  });
});

describe("the zero rule in compiled code", () => {
  it("holds where the plain product is 0·∞: the call is flagged and redone by the interpreter", () => {
    // d/dy of 0·sqrt(y) at y = 0: the path has the factor 0 (∂mul/∂sqrt = 0) and sqrt'(0) = ∞.
    const f = compile((x, y) => mul(x, sqrt(y)), { jit: true });
    const g = f.grad([0, 0]);
    expect(Array.from(g.grad)).toEqual([0, 0]); // x: sqrt(0) = 0; y: 0·∞ → 0 by the rule
    expect(Array.from(f.jvp([0, 0], [0, 1]).tangent)).toEqual([0]);
    expect(Array.from(f.vjp([0, 0], [1]).grad)).toEqual([0, 0]);
    // A gradient that is NaN for real stays NaN (the rerun gives it too).
    expect(Number.isNaN(f.grad([1, -1]).grad[1])).toBe(true);
  });

  it("where a NaN product lands in an adjoint that passes it nowhere (a comparison, a select's unreached branch)", () => {
    // The product 0·∞ lands in the adjoint of gt(…), which passes nothing back: no result sees it.
    const f = compile((x, y) => select(gt(x, 0), x, y).add(mul(gt(x, 0), sqrt(y)).mul(0)), { jit: true });
    const interp = compile((x, y) => select(gt(x, 0), x, y).add(mul(gt(x, 0), sqrt(y)).mul(0)), { jit: false });
    for (const x of [[1, 0], [-1, 0], [0, 0], [NaN, 0], [1, Infinity]]) {
      same(f.grad(x).grad, interp.grad(x).grad, `grad at ${x}`);
      same(f.jvp(x, [1, 1]).tangent, interp.jvp(x, [1, 1]).tangent, `jvp at ${x}`);
    }
  });
});

describe("against the js engine", () => {
  it("agrees on smooth random graphs to rounding", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const build = randomGraph(seed, 10 + (seed % 50), 2);
      const jit = compile(build, { inputs: 4, jit: true });
      const js = compile(build, { inputs: 4, engine: "js" });
      const random = rng(seed);
      const x = randomVector(random, 4);
      const u = randomVector(random, 2);
      const v = randomVector(random, 4);
      expectClose(jit.eval(x), js.eval(x), 1e-12, 1e-13);
      expectClose(jit.vjp(x, u).grad, js.vjp(x, u).grad, 1e-12, 1e-13);
      expectClose(jit.jvp(x, v).tangent, js.jvp(x, v).tangent, 1e-12, 1e-13);
      jit.dispose();
      js.dispose();
    }
  });
});

describe('jit: "auto"', () => {
  const build = (x: ReturnType<typeof constant>, y: ReturnType<typeof constant>) => x.add(y).mul(sin(x)).sub(log(y.square().add(1)));

  it("interprets the first calls, then compiles, with the same results before and after", () => {
    const f = compile(build); // "auto" is the default
    const ref = compile(build, { jit: false });
    const calls = autoCalls(f.size);
    expect(calls).toBeGreaterThan(200); // the policy's work budget: 24,000/n + 220 calls
    const random = rng(11);
    let switched = -1;
    for (let k = 0; k < calls + 40; k++) {
      if (switched < 0 && f.jit) switched = k;
      const x = randomVector(random, 2, -4, 4);
      // Mix the covered methods: each counts toward the switch.
      if (k % 4 === 0) same(f.eval(x), ref.eval(x), `eval, call ${k}`);
      else if (k % 4 === 1) same(f.grad(x).grad, ref.grad(x).grad, `grad, call ${k}`);
      else if (k % 4 === 2) same(f.vjp(x, [2]).grad, ref.vjp(x, [2]).grad, `vjp, call ${k}`);
      else same(f.jvp(x, [1, -1]).tangent, ref.jvp(x, [1, -1]).tangent, `jvp, call ${k}`);
    }
    expect(switched).toBe(calls);
    expect(ref.jit).toBe(false);
  });

  it(`leaves a tape over ${AUTO_MAX_NODES} nodes interpreted; jit: true compiles it (in chunks)`, () => {
    const n = AUTO_MAX_NODES + 10;
    const sum = (xs: ReturnType<typeof constant>[]) => {
      let s = xs[0]!;
      for (let i = 1; i < n; i++) s = s.add(xs[i % xs.length]!.mul(i % 7));
      return s;
    };
    const auto = compile(sum, { inputs: 8 });
    expect(auto.size).toBeGreaterThan(AUTO_MAX_NODES);
    const x = randomVector(rng(5), 8);
    for (let k = 0; k < autoCalls(auto.size) + 2; k++) auto.grad(x);
    expect(auto.jit).toBe(false);
    const jit = compile(sum, { inputs: 8, jit: true });
    expect(jit.jit).toBe(true);
    same(jit.grad(x).grad, auto.grad(x).grad, "grad");
    same(jit.eval(x), auto.eval(x), "eval");
  });

  it("is off on the js engine and for array functions, and false after dispose", () => {
    const js = compile(build, { engine: "js" });
    for (let k = 0; k < autoCalls(8) + 2; k++) js.grad([1, 2]);
    expect(js.jit).toBe(false);
    const f = compile(build, { jit: true });
    expect(f.jit).toBe(true);
    f.dispose();
    expect(f.jit).toBe(false);
    expect(() => f.grad([1, 2])).toThrow(/disposed/);
  });
});

describe("batch sweeps too large for one wasm function", () => {
  it("stay with the kernels, jit: true included: no error, the interpreter's numbers", () => {
    // pow has no two-lane form: ≈ 240 bytes per node of batch sweep, past V8's 7.65 MB below 50,000 nodes.
    const fn = (p: ReturnType<typeof constant>[], d: ReturnType<typeof constant>[]) => {
      let s = p[0]!;
      for (let i = 0; i < 20_000; i++) s = s.mul(d[0]!).pow(p[1]!);
      return s;
    };
    const jit = compile({ params: 2, data: 1, jit: true }, fn);
    const interp = compile({ params: 2, data: 1, jit: false }, fn);
    expect(jit.size).toBeLessThan(50_000);
    const rows = Float64Array.from({ length: 100 }, (_, i) => 1 + i / 1000);
    for (let k = 0; k < 2; k++) same(jit.meanGrad([1.01, 1], rows).grad, interp.meanGrad([1.01, 1], rows).grad, `meanGrad, call ${k}`);
    expect(jit.jit).toBe(true); // the single-point entries are compiled
    jit.dispose();
    interp.dispose();
  });
});

describe("dispose", () => {
  it("frees the compiled code's memory (the batch sweeps' scratch area) and table slots", () => {
    const fn = (p: ReturnType<typeof constant>[], d: ReturnType<typeof constant>[]) => sin(p[0]!.mul(d[0]!)).add(p[1]!.square());
    const rows = Float64Array.from({ length: 300 }, (_, i) => i / 7);
    const warm = compile({ params: 2, data: 1, jit: true }, fn);
    warm.meanGrad([1, 2], rows);
    warm.dispose();
    const before = memoryStats().bytesInUse;
    const table = (kernels() as unknown as { table: WebAssembly.Table }).table;
    const slots = table.length;
    for (let k = 0; k < 20; k++) {
      const f = compile({ params: 2, data: 1, jit: true }, fn);
      f.meanGrad([1, 2], rows);
      f.jvp([1, 2], [1, 0], [0.5]);
      expect(memoryStats().bytesInUse).toBeGreaterThan(before);
      f.dispose();
      expect(memoryStats().bytesInUse).toBe(before);
    }
    expect(table.length).toBe(slots); // freed slots are reused, the table does not grow
  });
});

describe("the jit option's errors", () => {
  it("names the option and what to use instead", () => {
    const fn = (x: ReturnType<typeof constant>) => sin(x);
    expect(() => compile(fn, { jit: "yes" as never })).toThrow(/unknown jit option "yes"; use "auto", true or false/);
    expect(() => compile(fn, { jit: true, engine: "js" })).toThrow(/jit: true.*wasm engine/);
    expect(() => compile({ params: 1, data: 1, jit: 1 as never }, (p, d) => p[0]!.mul(d[0]!))).toThrow(/unknown jit option 1/);
  });
});
