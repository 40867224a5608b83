/**
 * Every error a user can provoke is a JS Error starting "tapegrad:" that names the call, the
 * argument, what was expected and what to do — never a crash, a raw engine error, or a mistake
 * silently ignored: sizes are checked before allocating, unknown option keys are refused.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  adam, compile, explain, fit, parse, sgd, sin, sum, toDot, type Var,
} from "../src/index.js";

/** The error fn throws (fails the test if it throws none). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error, none was thrown");
}

describe("sizes are checked before anything that size is allocated", () => {
  it("refuses more inputs than a tape holds nodes, at once", () => {
    const start = performance.now();
    expect(() => compile((xs: Var[]) => sum(xs), { inputs: 1.4e8 })).toThrow(/^tapegrad: .*inputs is 140000000, more than/);
    expect(() => compile((xs: Var[]) => sum(xs), { inputs: 2 ** 31 })).toThrow(
      /^tapegrad: compile\(fn, \{ inputs \}\): inputs is 2147483648, more than the 134,217,728 nodes \(2\^27\)/,
    );
    expect(() => compile({ params: 2 ** 27, data: 1 }, ([p]) => p!)).toThrow(
      /^tapegrad: compile\(\{ params, data \}, fn\): params \+ data is 134217728 \+ 1 = 134217729, more than/,
    );
    expect(performance.now() - start).toBeLessThan(1000);
  }, 60_000); // without the checks, 1.4e8 inputs took 13 s to fail, and 2^31 exhausted the heap

  it("refuses a Hessian larger than a dense matrix may be, naming the sizes", () => {
    const f = compile((xs: Var[]) => sum(xs), { inputs: 60_000 });
    expect(() => f.hessian(new Float64Array(60_000))).toThrow(
      /^tapegrad: hessian\(x\): the n × n Hessian would be 60000 × 60000 = 3,600,000,000 numbers .*more than the 268,435,456 \(2\^28.*use hvp/,
    );
    f.dispose();
  });

  it("refuses a Jacobian larger than a dense matrix may be", () => {
    const f = compile((xs: Var[]) => xs.map((x) => x.mul(2)), { inputs: 70_000 });
    expect(() => f.jacobian(new Float64Array(70_000))).toThrow(
      /^tapegrad: jacobian\(x\): the m × n Jacobian would be 70000 × 70000 = 4,900,000,000 numbers/,
    );
    f.dispose();
  });

  it("checks k × n and k × m in vjpMany and jvpMany before allocating", () => {
    const wide = compile((xs: Var[]) => sum(xs), { inputs: 100_000 });
    // U is k × m = 100 000 × 1 (fine), the products k × n = 10^10.
    expect(() => wide.vjpMany(new Float64Array(100_000), new Float64Array(100_000), 100_000)).toThrow(
      /^tapegrad: vjpMany\(x, U, k\): the products, k × n would be 100000 × 100000 = 10,000,000,000 numbers/,
    );
    wide.dispose();
    const tall = compile((x: Var) => Array.from({ length: 70_000 }, (_, j) => x.mul(j)));
    expect(() => tall.jvpMany([1], new Float64Array(70_000), 70_000)).toThrow(
      /^tapegrad: jvpMany\(x, V, k\): the tangents, k × m would be 70000 × 70000/,
    );
    tall.dispose();
  });

  it("caps worker threads at 64", async () => {
    const f = compile({ params: 1, data: 1 }, ([w], [x]) => w!.mul(x!));
    const points = new Float64Array([1, 2, 3]);
    expect(() => f.meanGrad([1], points, { workers: 65 })).toThrow(
      /^tapegrad: meanGrad\(params, dataset, \{ workers \}\): workers is 65, more than the 64 threads/,
    );
    expect(() => f.meanGrad([1], points, { workers: 100_000 })).toThrow(/workers is 100000, more than the 64/);
    await expect(fit(f, new Float64Array(1), points, { optimizer: sgd({ learningRate: 0.1 }), workers: 65 })).rejects.toThrow(
      /^tapegrad: fit\(\): options.workers: workers is 65/,
    );
    f.dispose();
  });

  it("refuses to draw a tape of more than 100 000 nodes, before building strings", () => {
    const f = compile((xs: Var[]) => sum(xs), { inputs: 50_001, engine: "js" });
    expect(f.size).toBe(100_001);
    expect(() => toDot(f)).toThrow(/^tapegrad: toDot\(\): the tape has 100,001 nodes, more than the 100,000 toDot\(\) draws/);
    f.dispose();
  });

  it("refuses to explain a tape of more than 10^6 nodes, before building its graph", () => {
    const f = compile((xs: Var[]) => [sum(xs), xs[0]!.mul(2)], { inputs: 500_001, engine: "js" });
    expect(f.size).toBe(1_000_003); // 500 001 inputs, 500 000 adds, the constant 2 and its product
    const start = performance.now();
    expect(() => explain(f, { at: new Float64Array(500_001), wrt: 0, output: 1 })).toThrow(
      /^tapegrad: explain\(\): the tape has 1,000,003 nodes, more than the 1,000,000 explain\(\) reads/,
    );
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it("refuses to list more path steps than explain() shows, counted before listing", () => {
    // 200 sines, then 13 doublings: 2^13 = 8192 paths (under maxPaths), each 214 nodes long.
    const f = compile((x: Var) => {
      let y = x;
      for (let i = 0; i < 200; i++) y = sin(y);
      for (let i = 0; i < 13; i++) y = y.mul(y);
      return y;
    }, { engine: "js" });
    expect(() => explain(f, { at: [0.1] })).toThrow(
      /^tapegrad: explain\(\): the 8,192 paths from x to f have 1,753,088 nodes together, more than the 1,000,000/,
    );
  });
});

describe("unknown option keys are refused, naming the key and the ones accepted", () => {
  const f = compile((x: Var, y: Var) => [x.mul(y), y]);
  const s = compile((x: Var) => x.mul(x));
  const d = compile({ params: 1, data: 1 }, ([w], [x]) => w!.mul(x!));

  it("in the optimizers and fit", async () => {
    expect(() => adam({ learning_rate: 0.1 } as never)).toThrow(
      /^tapegrad: adam\(options\): unknown option "learning_rate" \(did you mean "learningRate"\?\); the options are learningRate, beta1, beta2, epsilon/,
    );
    expect(() => sgd({ learningRate: 0.1, momentun: 0.9 } as never)).toThrow(/^tapegrad: sgd\(options\): unknown option "momentun" \(did you mean "momentum"\?\)/);
    await expect(
      fit(d, new Float64Array(1), [1, 2], { optimizer: adam(), epoch: 100 } as never),
    ).rejects.toThrow(/^tapegrad: fit\(f, params, dataset, options\): unknown option "epoch" \(did you mean "epochs"\?\); the options are optimizer, epochs/);
  });

  it("in compile, both forms, and a third argument", () => {
    expect(() => compile((x: Var) => x, { engin: "js" } as never)).toThrow(
      /^tapegrad: compile\(fn, options\): unknown option "engin" \(did you mean "engine"\?\); the options are inputs, engine, names/,
    );
    expect(() => compile({ params: 1, data: 1, engin: "js" } as never, ([w]: Var[]) => w!)).toThrow(
      /^tapegrad: compile\(\{ params, data \}, fn\): unknown option "engin".*params, data, engine, names, dataNames/,
    );
    const extra = compile as unknown as (...args: unknown[]) => unknown;
    expect(() => extra({ params: 1, data: 1 }, ([w]: Var[]) => w!, { engine: "js" })).toThrow(
      /^tapegrad: compile\(\{ params, data \}, fn\) takes two arguments, got a third: options go inside the spec object/,
    );
    expect(() => extra((x: Var) => x, {}, { engine: "js" })).toThrow(/^tapegrad: compile\(fn, options\) takes two arguments/);
  });

  it("in jacobian, meanGrad, toDot, explain and parse", () => {
    expect(() => f.jacobian([1, 2], { mod: "forward" } as never)).toThrow(/^tapegrad: jacobian\(x, options\): unknown option "mod" \(did you mean "mode"\?\); the options are mode, data/);
    expect(() => d.meanGrad([1], [1, 2], { worker: 2 } as never)).toThrow(/^tapegrad: meanGrad\(params, dataset, options\): unknown option "worker"/);
    expect(() => toDot(s, { At: [1] } as never)).toThrow(/^tapegrad: toDot\(f, options\): unknown option "At" \(did you mean "at"\?\); the options are at, data, mode, wrt, output, digits/);
    expect(() => explain(s, { at: [1], max_paths: 3 } as never)).toThrow(/^tapegrad: explain\(f, options\): unknown option "max_paths" \(did you mean "maxPaths"\?\)/);
    expect(() => parse("x * y", { name: ["x", "y"] } as never)).toThrow(/^tapegrad: parse\(text, options\): unknown option "name" \(did you mean "names"\?\)/);
  });

  it("refuses null options and names given as a string", () => {
    expect(() => compile((x: Var) => x, { engine: null } as never)).toThrow(/^tapegrad: compile\(fn, options\): option engine is null; leave it out/);
    expect(() => f.jacobian([1, 2], { mode: null } as never)).toThrow(/^tapegrad: jacobian\(x, options\): option mode is null/);
    expect(() => compile((a: Var, b: Var) => a.mul(b), { names: "ab" } as never)).toThrow(
      /^tapegrad: compile\(\): names must be 2 strings in an array, one per input, got string ab — e.g. \["a","b"\]/,
    );
    expect(() => compile({ params: 2, data: 0, names: "ab" } as never, ([a, b]: Var[]) => a!.mul(b!))).toThrow(/^tapegrad: compile\(\): names must be 2 strings in an array/);
  });
});

describe("no raw errors: misuse gets a tapegrad: message saying what to do", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("names swapped arguments of compile({ params, data }, fn)", () => {
    const fn = (([w, b]: Var[], [x]: Var[]) => w!.mul(x!).add(b!)) as unknown as (x: Var) => Var;
    expect(() => compile(fn, { params: 2, data: 1 } as never)).toThrow(/^tapegrad: compile\(fn, \{ params, data \}\): the arguments are swapped.*compile\(\{ params, data \}, fn\)/);
  });

  it("tells a vector function compiled without { inputs } to pass it, keeping the cause", () => {
    const vector = ((xs: Var[]) => sum(xs.map((x) => x.mul(x)))) as unknown as (x: Var) => Var;
    const error = thrown(() => compile(vector));
    expect(error.message).toMatch(/^tapegrad: compile\(fn\): fn threw "xs.map is not a function" when called with one scalar variable.*pass \{ inputs: n \}/);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((error.cause as Error).message).toMatch(/xs.map is not a function/);
  });

  it("says sum() of a single variable needs an array, and how to compile a vector function", () => {
    const vector = ((xs: Var[]) => sum(xs)) as unknown as (x: Var) => Var;
    expect(() => compile(vector)).toThrow(/^tapegrad: sum\(xs\) needs an array of variables and numbers, got a single variable; .*\{ inputs: n \}/);
  });

  it("names a plain array given to meanGrad as the output array, not as options", () => {
    const d = compile({ params: 1, data: 1 }, ([w], [x]) => w!.mul(x!));
    expect(() => d.meanGrad([1], [1, 2], [0] as unknown as Float64Array)).toThrow(/^tapegrad: the output array for meanGrad must be a Float64Array, got an array/);
  });

  it("says math functions on plain numbers need compile(), and to use Math", () => {
    expect(() => sin(0.7)).toThrow(/^tapegrad: sin\(\) was called with numbers only, outside compile\(\).*For plain numbers use Math\.sin/);
    expect(() => sum([1, 2])).toThrow(/^tapegrad: add\(\) was called with numbers only/);
    // A kept variable still gets its own message.
    let kept: Var | undefined;
    compile((x: Var) => (kept = x));
    expect(() => sin(kept!)).toThrow(/was a variable kept and used after compile\(\) returned/);
  });

  it("says nesting a compiled function inside compile() is not supported", () => {
    const g = compile((x: Var) => x.mul(x));
    expect(() => compile((x: Var) => g.grad([x as unknown as number]).value)).toThrow(
      /^tapegrad: grad\(x\): x\[0\] is a traced variable, not a number: .*nesting is not supported/,
    );
    expect(() => compile((x: Var) => g.eval(x as unknown as number[])[0]!)).toThrow(/^tapegrad: eval\(x\): x is a traced variable.*nesting is not supported/);
  });

  it("wraps a blocked WebAssembly compile (a CSP without 'wasm-unsafe-eval') and names the fix", async () => {
    vi.resetModules();
    const refused = new WebAssembly.CompileError(
      "WebAssembly.Module(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source",
    );
    // A `function`, so that `new WebAssembly.Module(…)` calls it (an arrow is no constructor).
    const spy = vi.spyOn(WebAssembly, "Module").mockImplementation(function () {
      throw refused;
    } as never);
    const fresh = await import("../src/index.js");
    const error = thrown(() => fresh.compile((x: Var) => x.mul(2)));
    expect(spy).toHaveBeenCalled();
    expect(error.message).toMatch(/^tapegrad: compile\(\): the WebAssembly engine could not be compiled \(CompileError: .*Refused/);
    expect(error.message).toMatch(/'wasm-unsafe-eval' to script-src; or compile with \{ engine: "js" \}/);
    expect(error.cause).toBe(refused);
    // The TypeScript engine needs no WebAssembly.
    expect(fresh.compile((x: Var) => x.mul(2), { engine: "js" }).eval([3])[0]).toBe(6);
  });
});
