/**
 * Guards around recording: a JS conditional on a variable is refused (as far as it can be seen
 * on the tape), and the tape a compiled function exposes cannot change what it computes.
 */
import { describe, expect, it } from "vitest";
import { compile, explain, gt, OP, parse, select, sin, square, sum, toDot, type Var } from "../src/index.js";

describe("a comparison no output uses (a JS if / ?: / && on a variable)", () => {
  it("refuses ?: on a comparison, naming it", () => {
    expect(() => compile((x: Var) => (x.gt(0) ? x : x.neg()))).toThrow(
      "tapegrad: compile(): a comparison x > 0 (gt) was recorded but no output uses it: a JS if / ?: / && " +
        "on a variable is decided once while recording; use select(x.gt(0), a, b)",
    );
  });

  it("refuses if and &&, naming the operands by input name, and counts the others", () => {
    const withIf = (x: Var, y: Var): Var => {
      if (x.le(y)) return x.mul(y);
      return y;
    };
    expect(() => compile(withIf)).toThrow(/a comparison x <= y \(le\) was recorded but no output uses it/);
    expect(() => compile((x: Var, y: Var) => (x.lt(y) && y.ge(2) ? x : y))).toThrow(
      /a comparison x < y \(lt\) was recorded but no output uses it \(and 1 more unused comparison\)/,
    );
    expect(() => compile((alpha: Var) => (alpha.eq(-0) ? alpha : alpha), { engine: "js" })).toThrow(/alpha == -0 \(eq\)/);
  });

  it("names the operands of every compile form: vector inputs, data inputs, inner nodes", () => {
    expect(() => compile((xs: Var[]) => (xs[2]!.gt(xs[0]!) ? xs[0]! : xs[1]!), { inputs: 3 })).toThrow(
      /a comparison xs\[2\] > xs\[0\] \(gt\).*use select\(xs\[2\]\.gt\(xs\[0\]\), a, b\)/,
    );
    expect(() => compile({ params: 1, data: 1 }, ([w], [d]) => (d!.lt(w!) ? w! : w!.neg()))).toThrow(
      /a comparison data\[0\] < params\[0\] \(lt\)/,
    );
    expect(() => compile((x: Var) => (x.mul(2).ge(1) ? x : x.neg()))).toThrow(
      /a comparison node 2 >= 1 \(ge\).*use select\(ge\(node 2, 1\), a, b\)/,
    );
  });

  it("refuses a comparison that only an unused select reads", () => {
    expect(() =>
      compile((x: Var) => {
        select(x.gt(0), x, 1);
        return x;
      }),
    ).toThrow(/x > 0 \(gt\) was recorded but no output uses it/);
  });

  it("accepts comparisons that an output uses: in a select, as an output, or through other nodes", () => {
    const relu = compile((x: Var) => select(x.gt(0), x, x.mul(0.5)));
    expect(Array.from(relu.eval([-2]))).toEqual([-1]);
    expect(Array.from(relu.eval([3]))).toEqual([3]);
    expect(Array.from(compile((x: Var, y: Var) => [x.lt(y), y]).eval([1, 2]))).toEqual([1, 2]);
    expect(compile((x: Var) => x.gt(0).mul(x)).eval([2])[0]).toBe(2);
    const many = compile((xs: Var[]) => sum(xs.map((x) => select(gt(x, 0), x, 0))), { inputs: 1000 });
    expect(many.eval(Float64Array.from({ length: 1000 }, (_, i) => i - 500))[0]).toBe((499 * 500) / 2);
  });

  it("parse() is unaffected: a parsed select uses its comparison", () => {
    const f = parse("select(gt(x, 0), x, -x)");
    expect(f.eval([-2])[0]).toBe(2);
    expect(parse("lt(x, y)").eval([1, 2])[0]).toBe(1);
  });
});

describe("f.tape is a copy for reading: editing it changes nothing", () => {
  type Model = ReturnType<typeof compile>;
  const model = (engine: "wasm" | "js"): Model =>
    compile(
      { params: 2, data: 2, names: ["w", "b"], dataNames: ["x", "y"], engine },
      ([w, b], [x, y]) => square(w!.mul(x!).add(b!).sub(y!)).mul(0.5).add(sin(w!).mul(3)),
    );
  const theta = [0.7, -0.2];
  const point = [1.5, 2];
  const dataset = Float64Array.from({ length: 2 * 64 }, (_, i) => Math.sin(i) * 2);

  /** Every result the function gives, and what toDot and explain print, by name. */
  async function everything(f: Model, workers: boolean): Promise<Record<string, unknown>> {
    const results: Record<string, unknown> = {
      eval: Array.from(f.eval(theta, point)),
      grad: f.grad(theta, point),
      jvp: f.jvp(theta, [1, -1], point),
      hessian: f.hessian(theta, point),
      evalBatch: Array.from(f.evalBatch(theta, dataset)),
      gradBatch: f.gradBatch(theta, dataset),
      meanGrad: f.meanGrad(theta, dataset),
      toDotAt: toDot(f, { at: theta, data: point, mode: "reverse" }),
      toDot: toDot(f),
      explain: String(explain(f, { at: theta, data: point, wrt: "w" })),
    };
    if (workers) results.meanGradWorkers = await f.meanGrad(theta, dataset, { workers: 2 });
    return results;
  }

  const edits: Array<[string, (tape: Model["tape"]) => void]> = [
    ["constants", (tape) => tape.constants.fill(99)],
    ["op", (tape) => tape.op.fill(OP.DIV, tape.inputs + tape.data)],
    ["a", (tape) => tape.a.fill(1 << 30)],
    ["b", (tape) => tape.b.fill(-7)],
    ["outputs", (tape) => tape.outputs.fill(0)],
    ["names", (tape) => {
      (tape.inputNames as string[])[0] = "zzz";
      (tape.dataNames as string[]).length = 0;
      (tape as { vectorName: string }).vectorName = "v";
    }],
  ];

  for (const engine of ["wasm", "js"] as const) {
    it.each(edits)(`edits to tape.%s after compile() change no result on the ${engine} engine`, async (_what, edit) => {
      const reference = model(engine);
      const expected = await everything(reference, engine === "wasm");
      reference.dispose();
      const f = model(engine);
      edit(f.tape);
      const actual = await everything(f, engine === "wasm");
      expect(Object.keys(actual)).toEqual(Object.keys(expected));
      for (const key of Object.keys(expected)) expect.soft(actual[key], key).toEqual(expected[key]);
      f.dispose();
    });
  }

  it("the public tape is still the recorded one, to read", () => {
    const f = compile((x: Var, y: Var) => x.mul(y).add(2));
    expect(Array.from(f.tape.op)).toEqual([OP.INPUT, OP.INPUT, OP.MUL, OP.CONST, OP.ADD]);
    expect(Array.from(f.tape.constants)).toEqual([2]);
    expect(f.tape.inputNames).toEqual(["x", "y"]);
    f.tape.constants[0] = 99;
    expect(f.tape.constants[0]).toBe(99);
    expect(f.eval([3, 4])[0]).toBe(14);
  });
});
