/**
 * explain(): the sum over paths of the product of partials is the derivative — checked against
 * closed forms, against grad() from the wasm engine on random graphs, and against an independent
 * count of the paths.
 */
import { describe, expect, it } from "vitest";
import { compile, explain, OP, OPS, sin, sqrt, type Tape, type Var } from "../src/index.js";
import { expectClose, randomGraph, randomVector, rng } from "./helpers.js";

const PI = Math.PI;

/** Paths from input i to node, counted straight from the tape by recursion (no sharing). */
function bruteCount(tape: Tape, node: number, i: number): number {
  if (node === i) return 1;
  const code = tape.op[node]!;
  const kind = OPS[code]!.kind;
  const a = tape.a[node]!;
  const b = tape.b[node]!;
  if (code === OP.SELECT) return bruteCount(tape, tape.a[b]!, i) + bruteCount(tape, tape.b[b]!, i);
  if (kind === "unary") return bruteCount(tape, a, i);
  if (kind === "binary") return bruteCount(tape, a, i) + (code === OP.POWC ? 0 : bruteCount(tape, b, i));
  return 0;
}

describe("explain: the lecture's examples", () => {
  it("o = (x + y)·sin(x) at π: two paths to x, one to y, summing to −2π and sin π", () => {
    const f = compile((x, y) => x.add(y).mul(sin(x)));
    const ex = explain(f, { at: [PI, PI], wrt: "x" });
    expect(ex.paths.map((p) => p.names.join(" "))).toEqual(["x v2 v4", "x v3 v4"]);
    expectClose(ex.paths[0]!.partials, [1, Math.sin(PI)]);
    expectClose(ex.paths[1]!.partials, [Math.cos(PI), 2 * PI]);
    expectClose(ex.sum, -2 * PI + Math.sin(PI));
    expectClose(ex.sum, f.grad([PI, PI]).grad[0]!);
    expect(ex.derivative).toBe(f.grad([PI, PI]).grad[0]);
    const ey = explain(f, { at: { x: PI, y: PI }, wrt: 1 });
    expect(ey.wrtName).toBe("y");
    expect(ey.paths).toHaveLength(1);
    expectClose(ey.sum, Math.sin(PI));
    const text = String(ex);
    expect(text).toContain("the sum over 2 paths from x to f");
    expect(text).toContain("x → v3 → v4:  (-1) × 6.28319 = -6.28319");
    expect(text).toContain("v4 = v2 * v3");
  });

  it("e = (a + b)·(b + 1): ∂e/∂b sums the two paths through c and d", () => {
    const f = compile((a, b) => a.add(b).mul(b.add(1)));
    const ex = explain(f, { at: { a: 2, b: 1 }, wrt: "b" });
    expect(ex.paths.map((p) => p.product)).toEqual([2, 3]);
    expect(ex.sum).toBe(5);
  });

  it("a zero partial nearer the output hides an infinite one, as in the engines", () => {
    const f = compile((x) => sqrt(x).mul(0));
    const ex = explain(f, { at: [0] });
    expect(ex.paths[0]!.partials).toEqual([Infinity, 0]);
    expect(ex.sum).toBe(0);
    expect(f.grad([0]).grad[0]).toBe(0);
  });
});

describe("explain: long tapes", () => {
  it("walks a path as long as the tape (sin applied 50 000 times) without overflowing the stack", () => {
    const depth = 50_000;
    const f = compile((x: Var) => {
      let v = x;
      for (let i = 0; i < depth; i++) v = sin(v);
      return v;
    });
    const ex = explain(f, { at: [0.5] });
    expect(ex.paths).toHaveLength(1);
    expect(ex.paths[0]!.nodes).toHaveLength(depth + 1);
    expectClose(ex.sum, ex.derivative, 1e-12, 0);
  });
});

describe("explain: sums over paths equal the gradient on random small graphs", () => {
  for (let seed = 1; seed <= 25; seed++) {
    it(`seed ${seed}`, () => {
      const f = compile(randomGraph(seed, 9), { inputs: 3 });
      const x = randomVector(rng(seed * 7), 3);
      const { grad } = f.grad(x);
      for (let i = 0; i < 3; i++) {
        const ex = explain(f, { at: x, wrt: i, maxPaths: 1e6 });
        expect(ex.paths.length).toBe(bruteCount(f.tape, f.tape.outputs[0]!, i));
        for (const path of ex.paths) {
          expect(path.nodes[0]).toBe(i);
          expect(path.nodes.at(-1)).toBe(f.tape.outputs[0]);
          expect(path.partials).toHaveLength(path.nodes.length - 1);
          expectClose(path.product, path.partials.reduce((p, q) => p * q, 1), 1e-14, 0);
        }
        expectClose(ex.sum, grad[i]!, 1e-10, 1e-12);
      }
    });
  }
});

describe("explain: the path limit", () => {
  /** x·x, squared again and again: 2^k paths from x to the output. */
  const doubling = (k: number) => compile((x: Var) => {
    let v = x;
    for (let j = 0; j < k; j++) v = v.mul(v);
    return v;
  });

  it("lists all 2^10 paths of x^(2^10) and sums them to 1024 at x = 1", () => {
    const ex = explain(doubling(10), { at: [1] });
    expect(ex.paths).toHaveLength(1024);
    expect(ex.sum).toBe(1024);
  });

  it("refuses past maxPaths (default 10 000), counting first", () => {
    expect(() => explain(doubling(14), { at: [1] })).toThrow(/16,384 paths lead from x to f, more than maxPaths \(10000\)/);
    expect(explain(doubling(14), { at: [1], maxPaths: 20_000 }).paths).toHaveLength(16_384);
    expect(() => explain(doubling(3), { at: [1], maxPaths: 7 })).toThrow(/8 paths/);
    // 2^300 paths: refused at once, never enumerated.
    expect(() => explain(doubling(300), { at: [1] })).toThrow(/about 2\.04e\+90 paths/);
  });

  it("rejects bad options with clear errors", () => {
    const f = compile((x, y) => x.mul(y));
    expect(() => explain(f, { at: [1, 2] })).toThrow(/f has 2 inputs; say which one with wrt/);
    expect(() => explain(f, { at: [1, 2], wrt: "z" })).toThrow(/wrt "z" is not an input/);
    expect(() => explain(f, { at: [1, 2], wrt: 2 })).toThrow(/input index in \[0, 2\)/);
    expect(() => explain(f, {} as { at: number[] })).toThrow(/needs a point/);
    expect(() => explain(f, { at: [1, "2" as unknown as number], wrt: 0 })).toThrow(/at\[1\] must be a number/);
    expect(() => explain(f, { at: [1, 2], wrt: 0, maxPaths: -1 })).toThrow(/maxPaths/);
  });

  it("explains any output of a function with several", () => {
    const f = compile((x, y) => [x.mul(y), x.add(y).mul(x)]);
    const ex = explain(f, { at: [2, 3], wrt: "x", output: 1 });
    expect(ex.outputName).toBe("f[1]");
    expect(ex.sum).toBe(2 * 2 + 3);
    expect(() => explain(f, { at: [2, 3], wrt: "x", output: 2 })).toThrow(/output index/);
  });
});
