// toDot() and explain() on functions with array nodes: one DOT node per array value, values and
// adjoints when small (checked against the element-by-element scalar version's gradient), and
// explain() on the element graph agreeing with grad().
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { compile, explain, matmul, sum, tanh, toDot, type Compiled } from "../src/index.js";
import { formatNumber } from "../src/show/graph.js";

const W0 = [[1, -2, 0.5], [0.25, 3, -1]];
const b0 = [0.5, -0.5];
const x0 = [0.3, -0.1, 0.2];

/** f(W, b; x) = Σ 2·tanh(W·x + b) as array nodes. */
function arrayModel(): Compiled {
  return compile(
    { params: { W: [2, 3], b: [2] }, data: { x: [3] } },
    ({ W, b }, { x }) => sum(tanh(matmul(W, x).add(b)).mul(2)),
  );
}

/** The same function with one scalar node per multiply-add: independent of the array sweeps. */
function scalarModel(): Compiled {
  return compile({ params: 8, data: 3 }, (p, x) => {
    let total = null as ReturnType<typeof p[0]["add"]> | null;
    for (let i = 0; i < 2; i++) {
      let z = p[6 + i]!;
      for (let k = 0; k < 3; k++) z = z.add(p[i * 3 + k]!.mul(x[k]!));
      const term = tanh(z).mul(2);
      total = total === null ? term : total.add(term);
    }
    return total!;
  });
}

const theta = Float64Array.from([...W0.flat(), ...b0]);

/** The label of DOT node `id`, unescaped. */
function label(dot: string, id: string): string {
  const m = new RegExp(`^  ${id} \\[label="((?:[^"\\\\]|\\\\.)*)"`, "m").exec(dot);
  if (m === null) throw new Error(`no node ${id} in\n${dot}`);
  return m[1]!.replace(/\\n/g, "\n").replace(/\\"/g, '"');
}

/** Node ids whose label's first line matches. */
function nodesLabelled(dot: string, pattern: RegExp): string[] {
  return [...dot.matchAll(/^  (n\d+) \[label="([^"]*)"/gm)].filter((m) => pattern.test(m[2]!.split("\\n")[0]!)).map((m) => m[1]!);
}

describe("toDot on array functions", () => {
  it("draws one node per array value, labelled with its op and shape", () => {
    const f = arrayModel();
    const dot = toDot(f);
    const nodes = [...dot.matchAll(/^  n\d+ \[/gm)].length;
    // W, b, x, W·x, +b, tanh, the constant 2, *2, sum — not 2·3 multiply-adds
    expect(nodes).toBe(9);
    expect(nodesLabelled(dot, /^W \[2×3\]$/)).toHaveLength(1);
    expect(nodesLabelled(dot, /^x \[3\]$/)).toHaveLength(1);
    expect(nodesLabelled(dot, /= W · x \[2\]$/)).toHaveLength(1);
    expect(nodesLabelled(dot, /= tanh\(v\d+\) \[2\]$/)).toHaveLength(1);
    expect(dot).toMatch(/"f\\nv\d+ = sum\(v\d+\)", peripheries=2/);
    // the scalar expansion of the same function has a node per element operation
    expect(f.tape.op.length).toBeGreaterThan(20);
    f.dispose();
  });

  it("shows values and reverse-mode adjoints of small nodes, equal to the scalar version's gradient", () => {
    const f = arrayModel();
    const g = scalarModel();
    const dot = toDot(f, { at: { W: W0, b: b0 }, data: { x: x0 }, mode: "reverse", digits: 8 });
    const expected = g.grad(theta, x0);
    const num = (v: number): string => formatNumber(v, 8);
    const [w] = nodesLabelled(dot, /^W \[2×3\]$/);
    const rows = [0, 1].map((i) => `[${[0, 1, 2].map((k) => num(expected.grad[i * 3 + k]!)).join(", ")}]`);
    expect(label(dot, w!)).toBe(`W [2×3]\n= [[1, -2, 0.5], [0.25, 3, -1]]\n∂f/∂W = [${rows.join(", ")}]`);
    const [b] = nodesLabelled(dot, /^b \[2\]$/);
    expect(label(dot, b!)).toContain(`∂f/∂b = [${num(expected.grad[6]!)}, ${num(expected.grad[7]!)}]`);
    // the output shows f's value and ∂f/∂f = 1; the data input its value and no adjoint
    expect(dot).toMatch(new RegExp(`= ${num(expected.value).replace(".", "\\.")}\\\\n∂f/∂v\\d+ = 1"`));
    const [x] = nodesLabelled(dot, /^x \[3\]$/);
    expect(label(dot, x!)).toBe("x [3]\n= [0.3, -0.1, 0.2]");
    // the flat form of the point draws the same picture
    expect(toDot(f, { at: theta, data: x0, mode: "reverse", digits: 8 })).toBe(dot);
    f.dispose();
    g.dispose();
  });

  it("leaves out the values of nodes with more than 8 elements", () => {
    const f = compile({ params: { v: [9], u: [8] } }, ({ v, u }) => sum(v.mul(v)).add(sum(u)));
    const dot = toDot(f, { at: { v: Array.from({ length: 9 }, (_, i) => i), u: new Array(8).fill(1) } });
    expect(label(dot, nodesLabelled(dot, /^v \[9\]$/)[0]!)).toBe("v [9]");
    expect(label(dot, nodesLabelled(dot, /^u \[8\]$/)[0]!)).toBe("u [8]\n= [1, 1, 1, 1, 1, 1, 1, 1]");
    f.dispose();
  });

  it("names slices, elements and reshapes, and inlines scalar constants on request", () => {
    const f = compile({ params: { v: [4] } }, ({ v }) => v.slice(1).at(-1).mul(3).add(sum(v.reshape([2, 2]))));
    const dot = toDot(f);
    expect(dot).toContain("= v[elements 1 … 3] [3]");
    expect(dot).toMatch(/= v\d+\[element 2\]/);
    expect(dot).toMatch(/= reshape\(v\) \[2×2\]/);
    expect(nodesLabelled(dot, /^3$/)).toHaveLength(1);
    const inline = toDot(f, { constants: "inline" });
    expect(nodesLabelled(inline, /^3$/)).toHaveLength(0);
    expect(inline).toMatch(/= v\d+ \* 3"/);
    f.dispose();
  });

  it("refuses what it cannot draw, with clear errors", () => {
    const f = arrayModel();
    expect(() => toDot(f, { at: theta, data: x0, mode: "forward" })).toThrow(/mode "forward" draws scalar tapes only/);
    expect(() => toDot(f, { at: theta, data: x0, mode: "reverse", output: 1 })).toThrow(/output must be an output element index in \[0, 1\)/);
    expect(() => toDot(f, { at: theta })).toThrow(/3 data inputs: pass their values as data/);
    expect(() => toDot(f, { at: { W: W0 }, data: x0 })).toThrow(/toDot\(\): at: .*"b".*missing/);
    expect(() => toDot(f, { at: [1, 2], data: x0 })).toThrow(/toDot\(\): at/);
    f.dispose();
    expect(() => toDot(f)).toThrow(/disposed/);
  });

  const haveGraphviz = spawnSync("dot", ["-V"], { encoding: "utf8" }).status === 0;
  it.skipIf(!haveGraphviz)("renders with Graphviz", () => {
    const f = arrayModel();
    const result = spawnSync("dot", ["-Tsvg"], { input: toDot(f, { at: theta, data: x0, mode: "reverse" }), encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("<svg");
    f.dispose();
  });
});

describe("explain on array functions", () => {
  it("sums the element graph's paths to the gradient's entry", () => {
    const f = arrayModel();
    const g = scalarModel();
    const expected = g.grad(theta, x0).grad;
    for (const [k, wrt] of [[3, "W[1,0]"], [7, "b[1]"]] as const) {
      const e = explain(f, { at: { W: W0, b: b0 }, data: { x: x0 }, wrt });
      expect(e.sum).toBeCloseTo(expected[k]!, 14);
      expect(e.derivative).toBeCloseTo(expected[k]!, 14);
      expect(e.paths.length).toBe(1);
      // the same point given flat
      expect(explain(f, { at: theta, data: x0, wrt }).sum).toBe(e.sum);
    }
    f.dispose();
    g.dispose();
  });
});
