/**
 * parse(): expression strings against closed forms and the op table; precedence; names; and
 * errors that point at the right column.
 */
import { describe, expect, it } from "vitest";
import { OP, OPS, parse, PARSE_FUNCTIONS, ParseError } from "../src/index.js";
import { expectClose, numericGradient } from "./helpers.js";

const value = (text: string, x: number[] = []): number => parse(text, { names: x.length === 0 ? [] : undefined }).eval(x)[0]!;

describe("parse: the lecture's example", () => {
  it("(x + y) * sin(x) at π: value 2π·sin π, gradient (−2π + sin π, sin π)", () => {
    const f = parse("(x + y) * sin(x)");
    expect(f.tape.inputNames).toEqual(["x", "y"]);
    const { value: v, grad } = f.grad([Math.PI, Math.PI]);
    expectClose(v, 2 * Math.PI * Math.sin(Math.PI));
    expectClose(grad, [-2 * Math.PI + Math.sin(Math.PI), Math.sin(Math.PI)]);
  });
});

describe("parse: arithmetic, precedence, numbers and constants", () => {
  const cases: Array<[string, number]> = [
    ["1 - 2 - 3", -4], ["8 / 4 / 2", 1], ["2 + 3 * 4", 14], ["(2 + 3) * 4", 20], ["2 * 3 + 4", 10],
    ["-3^2", -9], ["(-3)^2", 9], ["2^3^2", 512], ["(2^3)^2", 64], ["2^-2", 0.25], ["-2^-2", -0.25],
    ["2**3", 8], ["2 ** 3 ** 2", 512], ["--3", 3], ["+3", 3], ["-+-3", 3], ["3 * -2", -6], ["1 - -1", 2],
    ["1.5e2", 150], [".5", 0.5], ["5.", 5], ["2E-1", 0.2], ["pi", Math.PI], ["e", Math.E], ["2 * pi", 2 * Math.PI],
    ["log(e)", 1], ["  sin ( pi / 2 )  ", 1], ["max(1, min(2, 3))", 2], ["select(lt(1, 2), 10, 20)", 10],
  ];
  for (const [text, expected] of cases) {
    it(`${text} = ${expected}`, () => expectClose(value(text), expected, 1e-15, 1e-15));
  }

  it("inputs in order of first appearance, or as named", () => {
    expect(parse("y * x + z - x").tape.inputNames).toEqual(["y", "x", "z"]);
    const f = parse("y * x + z", { names: ["x", "y", "z", "w"] });
    expect(f.tape.inputNames).toEqual(["x", "y", "z", "w"]);
    expectClose(f.grad([2, 3, 5, 7]).grad, [3, 2, 1, 0]);
    expect(parse("pi * r^2", { names: ["r"] }).eval([2])[0]).toBeCloseTo(4 * Math.PI, 14);
    // A name given as an input shadows the constant of the same name.
    expect(parse("e + 1", { names: ["e"] }).eval([5])[0]).toBe(6);
    expect(parse("2 + 3").inputs).toBe(0);
  });

  it("x^2 records a constant exponent (powc), x^y a variable one (pow)", () => {
    expect(Array.from(parse("x^2").tape.op)).toContain(OP.POWC);
    expect(Array.from(parse("x^-2").tape.op)).toContain(OP.POWC);
    expect(Array.from(parse("x^y").tape.op)).toContain(OP.POW);
    expectClose(parse("x^y").grad([2, 3]).grad, [3 * 4, Math.log(2) * 8]);
  });

  it("both engines", () => {
    const text = "exp(-x^2 / 2) * tanh(y) + sqrt(1 + x*y)";
    const a = parse(text).grad([0.3, 0.7]);
    const b = parse(text, { engine: "js" }).grad([0.3, 0.7]);
    expectClose(a.grad, b.grad, 1e-14);
    const f = parse(text, { engine: "js" });
    expectClose(a.grad, numericGradient((x) => f.eval(x)[0]!, [0.3, 0.7]), 1e-7, 1e-9);
  });
});

describe("parse: every function of the op table", () => {
  const x = 0.7;
  const y = 1.3;
  for (const rule of OPS) {
    if (rule.kind === "leaf" || rule.kind === "control" || rule.code === OP.POWC) continue;
    it(`${rule.name}: value and partials from the op table`, () => {
      expect(PARSE_FUNCTIONS).toContain(rule.name);
      if (rule.kind === "unary") {
        const f = parse(`${rule.name}(x)`);
        const { value: v, grad } = f.grad([x]);
        expectClose(v, rule.value(x, 0), 1e-15);
        expectClose(grad[0]!, rule.da(x, 0, v), 1e-14);
      } else {
        const f = parse(`${rule.name}(x, y)`);
        const { value: v, grad } = f.grad([x, y]);
        expectClose(v, rule.value(x, y), 1e-15);
        expectClose(grad, [rule.da(x, y, v), rule.db(x, y, v)], 1e-14);
      }
    });
  }
  it("select(c, t, f): t where c > 0, else f, derivative through the chosen branch", () => {
    const f = parse("select(c, t^2, 3*t)", { names: ["c", "t"] });
    expectClose(f.grad([1, 2]).grad, [0, 4]);
    expectClose(f.grad([0, 2]).grad, [0, 3]);
  });
});

describe("parse: errors point at the column", () => {
  const cases: Array<[string, number, RegExp]> = [
    ["", 1, /the expression is empty/],
    ["   ", 1, /the expression is empty/],
    ["x +", 4, /ends too early/],
    ["(x + y", 7, /expected \) to close the \( at column 1/],
    ["x + y)", 6, /unexpected "\)"/],
    ["2x", 2, /expected an operator \(\+ - \* \/ \^\) before "x"/],
    ["x y", 3, /expected an operator/],
    ["(x)(y)", 4, /expected an operator/],
    ["3 $ 4", 3, /unexpected "\$"/],
    ["x * / y", 5, /expected a number, a name or \(, got "\/"/],
    ["sinn(x)", 1, /unknown function sinn; the functions are .*sin/],
    ["1 + sin", 5, /sin is a function: call it/],
    ["x + cos(x, y)", 5, /cos takes 1 argument, got 2/],
    ["max(x)", 1, /max takes 2 arguments, got 1/],
    ["max(x,)", 7, /expected a number, a name or \(/],
    ["max(x y)", 7, /expected , or \) in the arguments of max\( opened at column 4/],
    ["select(x, 1)", 1, /select takes 3 arguments, got 2/],
    ["x ^ ^ 2", 5, /expected a number/],
  ];
  for (const [text, column, message] of cases) {
    it(`${JSON.stringify(text)} → column ${column}`, () => {
      let error: unknown;
      try {
        parse(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ParseError);
      const e = error as ParseError;
      expect(e.message).toMatch(message);
      expect(e.column).toBe(column);
      expect(e.index).toBe(column - 1);
      // The caret line points under the column.
      const lines = e.message.split("\n");
      expect(lines[2]).toBe(`  ${" ".repeat(column - 1)}^`);
      expect(e.message).toContain(`at column ${column}:`);
    });
  }

  it("names the caller gave: an unknown name points at itself", () => {
    expect(() => parse("x + z", { names: ["x", "y"] })).toThrow(/column 5: unknown name z; the inputs are x, y/);
  });

  it("bad names and non-strings", () => {
    expect(() => parse(42 as unknown as string)).toThrow(/needs a string/);
    expect(() => parse("x", { names: ["x", "x"] })).toThrow(/distinct/);
    expect(() => parse("x", { names: ["1x"] })).toThrow(/is not a name/);
    expect(() => parse("x", { names: ["sin"] })).toThrow(/is a function/);
  });
});

describe("parse: long and deep expressions", () => {
  it("a flat sum of 100 000 terms (a left-deep tree as deep as it is long) parses and evaluates", () => {
    const f = parse(Array.from({ length: 100_000 }, (_, i) => (i % 2 === 0 ? "x" : "y")).join(" + "));
    expect(f.tape.inputNames).toEqual(["x", "y"]);
    expect(f.grad([1, 2])).toEqual({ value: 150_000, grad: new Float64Array([50_000, 50_000]) });
  });

  it("nesting past the limit is a ParseError at the column, not a stack overflow", () => {
    expect(parse("(".repeat(999) + "x" + ")".repeat(999)).eval([2])[0]).toBe(2);
    for (const text of ["(".repeat(5000) + "x" + ")".repeat(5000), "-".repeat(5000) + "x", Array(5000).fill("x").join("^")]) {
      let error: unknown;
      try {
        parse(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ParseError);
      expect((error as ParseError).message).toMatch(/nests more than 1000 levels deep/);
    }
  });
});
