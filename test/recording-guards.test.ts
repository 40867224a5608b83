/**
 * Guards around recording: a JS conditional on a variable is refused (as far as it can be seen
 * on the tape), and the tape a compiled function exposes cannot change what it computes.
 */
import { describe, expect, it } from "vitest";
import { compile, explain, gt, parse, select, sum, toDot, type Var } from "../src/index.js";

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
