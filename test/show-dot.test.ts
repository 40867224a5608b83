/**
 * toDot(): the lecture's pictures. Numbers in the labels are checked against the engines (eval,
 * grad, jvp) and closed forms; the text is rendered by Graphviz's dot when it is installed.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { compile, cos, exp, inputName, max, OP, parse, select, sin, tanh, toDot, type Compiled } from "../src/index.js";
import { expectClose, randomGraph, randomVector, rng } from "./helpers.js";

/** Node id → label lines, and edges as [from, to, label], read back from the DOT text. */
function readDot(dot: string): { nodes: Map<string, string[]>; edges: [string, string, string][] } {
  const nodes = new Map<string, string[]>();
  const edges: [string, string, string][] = [];
  for (const line of dot.split("\n")) {
    const edge = /^\s*(n\d+) -> (n\d+) \[label="((?:[^"\\]|\\.)*)"/.exec(line);
    if (edge !== null) {
      edges.push([edge[1]!, edge[2]!, edge[3]!]);
      continue;
    }
    const node = /^\s*(n\d+) \[label="((?:[^"\\]|\\.)*)"/.exec(line);
    if (node !== null) nodes.set(node[1]!, node[2]!.split("\\n"));
  }
  return { nodes, edges };
}

/** The number after "<prefix> = " in a node's label. */
function labelNumber(lines: string[], prefix: string): number {
  const line = lines.find((l) => l.startsWith(prefix));
  if (line === undefined) throw new Error(`no line starting with ${prefix} in ${lines.join(" | ")}`);
  return Number(line.slice(line.lastIndexOf("= ") + 2));
}

const lecture = (): Compiled => compile((x, y) => x.add(y).mul(sin(x)));
const PI = Math.PI;

describe("toDot: the lecture's example o = (x + y)·sin(x)", () => {
  it("without a point: operators, and partials as formulas on the edges", () => {
    const dot = toDot(lecture());
    const { nodes, edges } = readDot(dot);
    expect([...nodes.values()].map((l) => l.join(" | "))).toEqual([
      "x", "y", "v2 = x + y", "v3 = sin(x)", "f | v4 = v2 * v3",
    ]);
    expect(edges).toEqual([
      ["n0", "n2", "1"], ["n1", "n2", "1"], ["n0", "n3", "cos(x)"], ["n2", "n4", "v3"], ["n3", "n4", "v2"],
    ]);
  });

  it("reverse mode at x = y = π: values, partials, adjoints (do/dx = −2π, do/dy = sin π)", () => {
    const f = lecture();
    const { nodes, edges } = readDot(toDot(f, { at: [PI, PI], mode: "reverse", digits: 17 }));
    const x = nodes.get("n0")!;
    expectClose(labelNumber(x, "="), PI);
    expectClose(labelNumber(x, "∂f/∂x"), -2 * PI);
    expectClose(labelNumber(nodes.get("n1")!, "∂f/∂y"), Math.sin(PI));
    expectClose(labelNumber(nodes.get("n2")!, "∂f/∂v2"), Math.sin(PI));
    expectClose(labelNumber(nodes.get("n3")!, "∂f/∂v3"), 2 * PI);
    expectClose(labelNumber(nodes.get("n4")!, "∂f/∂v4"), 1);
    const label = new Map(edges.map(([a, b, l]) => [`${a}>${b}`, Number(l)]));
    expectClose(label.get("n0>n3")!, Math.cos(PI));
    expectClose(label.get("n2>n4")!, Math.sin(PI));
    expectClose(label.get("n3>n4")!, 2 * PI);
  });

  it("forward mode: every node shows its tangent w.r.t. wrt", () => {
    const f = lecture();
    const { nodes } = readDot(toDot(f, { at: { x: PI, y: PI }, mode: "forward", wrt: "y", digits: 17 }));
    expect(labelNumber(nodes.get("n0")!, "∂x/∂y")).toBe(0);
    expect(labelNumber(nodes.get("n1")!, "∂y/∂y")).toBe(1);
    expect(labelNumber(nodes.get("n2")!, "∂v2/∂y")).toBe(1);
    expectClose(labelNumber(nodes.get("n4")!, "∂v4/∂y"), f.jvp([PI, PI], [0, 1]).tangent[0]!);
  });

  it("rejects bad options with clear errors", () => {
    const f = lecture();
    expect(() => toDot(f, { mode: "reverse" })).toThrow(/needs a point: pass at/);
    expect(() => toDot(f, { at: [1] })).toThrow(/at must have 2 elements/);
    expect(() => toDot(f, { at: { x: 1 } })).toThrow(/no value for input y/);
    expect(() => toDot(f, { at: { x: 1, y: 2, z: 3 } })).toThrow(/"z", which is not an input/);
    expect(() => toDot(f, { at: [1, 2], mode: "forward", wrt: "z" })).toThrow(/wrt "z" is not an input/);
    expect(() => toDot(f, { at: [1, 2], mode: "sideways" as "forward" })).toThrow(/mode must be/);
    expect(() => toDot(f, { at: [1, 2], mode: "reverse", output: 1 })).toThrow(/output index in \[0, 1\)/);
    expect(() => toDot(f, { at: [1, 2], mode: "reverse", wrt: "x" })).toThrow(/wrt picks the input of forward mode/);
    expect(() => toDot(f, { wrt: "x" })).toThrow(/wrt picks the input of forward mode/);
    expect(() => toDot(f, { at: [1, 2], mode: "forward", output: 0 })).toThrow(/output picks the output of reverse mode/);
    expect(() => toDot({} as Compiled)).toThrow(/needs a compiled function/);
    f.dispose();
    expect(() => toDot(f)).toThrow(/disposed/);
  });
});

describe("toDot agrees with the engines on random graphs", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: output values = eval, input adjoints = grad, output tangent = jvp`, () => {
      const f = compile(randomGraph(seed, 14), { inputs: 3 });
      const x = randomVector(rng(seed + 100), 3);
      const { nodes } = readDot(toDot(f, { at: x, mode: "reverse", digits: 17 }));
      const out = `n${f.tape.outputs[0]}`;
      const { value, grad } = f.grad(x);
      expectClose(labelNumber(nodes.get(out)!, "="), value, 1e-12);
      for (let i = 0; i < 3; i++) expectClose(labelNumber(nodes.get(`n${i}`)!, `∂f/∂${inputName(f.tape, i)}`), grad[i]!, 1e-9, 1e-12);
      for (let i = 0; i < 3; i++) {
        const v = new Float64Array(3);
        v[i] = 1;
        const forward = readDot(toDot(f, { at: x, mode: "forward", wrt: i, digits: 17 })).nodes;
        const node = `v${f.tape.outputs[0]}`;
        expectClose(labelNumber(forward.get(out)!, `∂${node}/∂${inputName(f.tape, i)}`), f.jvp(x, v).tangent[0]!, 1e-9, 1e-12);
      }
    });
  }
});

describe("toDot shows select, comparisons and constants", () => {
  it("select: condition edge dashed, the chosen branch has partial 1, the other 0", () => {
    const f = compile((x) => select(x.gt(0), sin(x), x.mul(2)));
    const dot = toDot(f, { at: [0.5], mode: "reverse", digits: 17 });
    const { nodes, edges } = readDot(dot);
    const sel = [...nodes.entries()].find(([, l]) => l.some((s) => s.includes("select(")))!;
    const into = edges.filter(([, to]) => to === sel[0]);
    expect(into.map(([, , l]) => l)).toEqual(["condition", "1", "0"]);
    expect(dot).toMatch(/label="condition", style=dashed/);
    expectClose(labelNumber(nodes.get("n0")!, "∂f/∂x"), Math.cos(0.5));
    expect(toDot(f)).toMatch(/label="1 if v\d+ > 0"/);
  });
});

describe("toDot { constants: \"inline\" }: constants named in the operators, not drawn as nodes", () => {
  it("sin(x^2) + 3·x: no constant nodes, no edges from them, the same values", () => {
    const f = parse("sin(x^2) + 3*x");
    const shared = readDot(toDot(f, { at: [0.5], mode: "reverse", digits: 17 }));
    const inline = readDot(toDot(f, { at: [0.5], mode: "reverse", digits: 17, constants: "inline" }));
    const constants = [...f.tape.op.keys()].filter((i) => f.tape.op[i] === OP.CONST).map((i) => `n${i}`);
    expect(constants.length).toBe(2);
    for (const c of constants) {
      expect(shared.nodes.has(c)).toBe(true);
      expect(inline.nodes.has(c)).toBe(false);
      expect(inline.edges.some(([from]) => from === c)).toBe(false);
    }
    // Everything else is unchanged: the same operator labels (which name the constants) and edges.
    expect([...inline.nodes]).toEqual([...shared.nodes].filter(([id]) => !constants.includes(id)));
    expect(inline.edges).toEqual(shared.edges.filter(([from]) => !constants.includes(from)));
    expect([...inline.nodes.values()].map((l) => l[0])).toEqual(["x", "v2 = x^2", "v3 = sin(v2)", "v5 = 3 * x", "f"]);
    expectClose(labelNumber(inline.nodes.get("n0")!, "∂f/∂x"), f.grad([0.5]).grad[0]!);
  });

  it("a 1→16→1 tanh network: ~50 fewer edges, none from a constant; a constant output is still drawn", () => {
    const net = compile((x) => {
      let out = x.mul(0);
      for (let j = 0; j < 16; j++) out = out.add(tanh(x.mul(0.1 * (j + 1)).add(0.5)).mul(0.25));
      return out;
    });
    const shared = readDot(toDot(net));
    const inline = readDot(toDot(net, { constants: "inline" }));
    const isConst = (id: string): boolean => net.tape.op[Number(id.slice(1))] === OP.CONST;
    expect(shared.edges.filter(([from]) => isConst(from)).length).toBeGreaterThan(30);
    expect(inline.edges.filter(([from]) => isConst(from))).toEqual([]);
    expect([...inline.nodes.keys()].filter(isConst)).toEqual([]);
    // parse("3") records the constant as the output: it is still drawn, as f.
    const constant = readDot(toDot(parse("3", { names: ["x"] }), { constants: "inline" }));
    expect([...constant.nodes.values()]).toEqual([["x"], ["f", "3"]]);
  });

  it("rejects an unknown value", () => {
    expect(() => toDot(lecture(), { constants: "shared" as "inline" })).toThrow(/constants must be "nodes" or "inline"/);
  });
});

const dotBinary = spawnSync("dot", ["-V"], { encoding: "utf8" });
const haveGraphviz = dotBinary.error === undefined && dotBinary.status === 0;
const requireGraphviz = process.env.TAPEGRAD_REQUIRE_GRAPHVIZ === "1";

describe("Graphviz renders the DOT", () => {
  it("dot is installed where it is required (TAPEGRAD_REQUIRE_GRAPHVIZ=1)", () => {
    if (requireGraphviz) expect(haveGraphviz, "TAPEGRAD_REQUIRE_GRAPHVIZ=1 but Graphviz's dot is not on PATH").toBe(true);
  });

  const examples: Array<[string, () => string]> = [
    ["the lecture's example, structure", () => toDot(lecture())],
    ["the lecture's example, reverse at π", () => toDot(lecture(), { at: [PI, PI], mode: "reverse" })],
    ["the lecture's example, forward at π", () => toDot(lecture(), { at: [PI, PI], mode: "forward", wrt: "x" })],
    ["e = (a + b)·(b + 1), the lecture's sum over paths", () => toDot(compile((a, b) => a.add(b).mul(b.add(1))), { at: [2, 1], mode: "reverse" })],
    ["select, comparisons, max, names with quotes", () =>
      toDot(compile((x, y) => select(x.lt(y), exp(x), max(cos(y), x.pow(y))), { names: ['x"1', "y\\2"] }), { at: [0.3, 0.7], mode: "reverse" })],
    ["a parsed expression with pi and powers", () => toDot(parse("-x^2 + 2^x * pi"), { at: [1.5], mode: "forward" })],
  ];
  for (const [name, make] of examples) {
    it.skipIf(!haveGraphviz && !requireGraphviz)(`${name}${haveGraphviz ? "" : " (skipped: Graphviz's dot is not installed)"}`, () => {
      const dot = make();
      const result = spawnSync("dot", ["-Tsvg"], { input: dot, encoding: "utf8" });
      expect(result.error).toBeUndefined();
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/<svg[\s\S]*<\/svg>/);
      // Every node and edge made it into the picture.
      const { nodes, edges } = readDot(dot);
      expect((result.stdout.match(/class="node"/g) ?? []).length).toBe(nodes.size);
      expect((result.stdout.match(/class="edge"/g) ?? []).length).toBe(edges.length);
    });
  }
});
