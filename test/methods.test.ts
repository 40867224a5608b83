/**
 * The generated API: every op the table marks `method` is a Var method and every op marked `fn` a
 * free function, each recording that op (so the two give the same tape and the same numbers), and
 * parse() knows every unary and binary op by its name.
 */
import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";
import { compile, OPS, parse, type Var } from "../src/index.js";

/** Within 2 ulp: the wasm engine's Math (AssemblyScript's musl port) and V8's differ by an ulp. */
const near = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 2 * Number.EPSILON * Math.abs(b);

const unary = OPS.filter((r) => r.kind === "unary");
const binary = OPS.filter((r) => (r.kind === "binary" || r.kind === "compare") && r.name !== "powc");
const point = (name: string): number => (name === "acosh" ? 1.7 : 0.3);

describe("generated methods and functions", () => {
  it.each(unary.map((r) => [r.name, r] as const))("x.%s() records the op, as the free function does", (name, rule) => {
    const viaMethod = compile((x: Var) => (x as unknown as Record<string, () => Var>)[name]!.call(x));
    const viaFunction = compile((x: Var) => (api as unknown as Record<string, (x: Var) => Var>)[name]!(x));
    expect(Array.from(viaMethod.tape.op)).toEqual([0, rule.code]);
    const at = [point(name)];
    expect(viaMethod.grad(at)).toEqual(viaFunction.grad(at));
    expect(near(viaMethod.eval(at)[0]!, rule.value(at[0]!, 0))).toBe(true);
  });

  it.each(binary.filter((r) => r.method).map((r) => [r.name, r] as const))("x.%s(y) records the op", (name, rule) => {
    const f = compile((x: Var, y: Var) => (x as unknown as Record<string, (y: Var) => Var>)[name]!.call(x, y));
    expect(Array.from(f.tape.op)).toEqual([0, 0, rule.code]);
    expect(f.eval([0.7, 1.3])[0]).toBe(rule.value(0.7, 1.3));
  });

  it("atan2 takes (y, x), as Math.atan2, and has no method (y.atan2(x) would read backwards)", () => {
    const f = compile((y: Var, x: Var) => api.atan2(y, x));
    expect(f.eval([1, -1])[0]).toBe(Math.atan2(1, -1));
    expect("atan2" in api.Var.prototype).toBe(false);
  });

  it("parse knows every unary and binary op of the table by name", () => {
    for (const r of unary) expect(near(parse(`${r.name}(x)`).eval([point(r.name)])[0]!, r.value(point(r.name), 0)), r.name).toBe(true);
    for (const r of binary.filter((r) => r.name !== "pow")) {
      expect(near(parse(`${r.name}(x, y)`).eval([0.7, 1.3])[0]!, r.value(0.7, 1.3)), r.name).toBe(true);
    }
    const g = parse("softplus(x) + atan2(y, x) + erf(x * y)").grad([0.5, 2]).grad;
    const s = 1 / (1 + Math.exp(-0.5));
    expect(g[0]).toBeCloseTo(s - 2 / 4.25 + (2 / Math.sqrt(Math.PI)) * Math.exp(-1) * 2, 14);
    expect(g[1]).toBeCloseTo(0.5 / 4.25 + (2 / Math.sqrt(Math.PI)) * Math.exp(-1) * 0.5, 14);
  });
});
