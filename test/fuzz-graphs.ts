/**
 * The fuzz tests' random graphs over every op and their points (kinks, domain edges, NaN, ±∞, ties):
 * shared by test/fuzz.test.ts and test/jit.test.ts.
 */
import * as tg from "../src/index.js";
import type { Var } from "../src/index.js";

export type Ref = { v: number } | { c: number };
export interface GNode {
  op: string;
  args: Ref[];
}
export interface Graph {
  inputs: number;
  nodes: GNode[]; // node i of the graph is value index inputs + i
  outputs: number[]; // value indices
}

export const UNARY_BASE = ["neg", "sin", "cos", "tan", "exp", "log", "sqrt", "square", "tanh", "sigmoid", "relu", "abs"];
/** The ops added through the table: Math-backed (and erf/erfc), then the piecewise-constant ones. */
export const UNARY_ADDED = [
  "log1p", "expm1", "softplus", "logSigmoid", "atan", "asin", "acos", "sinh", "cosh", "asinh", "acosh", "atanh",
  "erf", "erfc", "cbrt", "log2", "log10", "sign", "floor", "ceil", "round", "trunc",
];
export const UNARY = [...UNARY_BASE, ...UNARY_ADDED];
export const BINARY_BASE = ["add", "sub", "mul", "div", "pow", "min", "max"];
/** atan2's first operand is y (Math.atan2(y, x)); mod is JavaScript's %. */
export const BINARY_ADDED = ["atan2", "hypot", "mod"];
export const BINARY = [...BINARY_BASE, ...BINARY_ADDED];
/**
 * The added ops whose results are rounded by Math (or, erf and erfc, by an algorithm around
 * Math.exp): the engines' may differ by a few ulp. sign, floor, ceil, round, trunc and mod are
 * exact in both (IEEE fmod for %): their error is in their decisions (see valueErrors).
 */
export const ADDED_ROUNDED = [
  "log1p", "expm1", "softplus", "logSigmoid", "atan", "asin", "acos", "sinh", "cosh", "asinh", "acosh", "atanh",
  "erf", "erfc", "cbrt", "log2", "log10", "atan2", "hypot",
];
/**
 * Domain-aware operands for the ops defined on part of the line only: with some probability the
 * operand is first squashed into the domain (so the op is met inside it, and at its edges, not
 * only as NaN): into [−1, 1] for asin, acos, atanh (tanh and erf saturate to exactly ±1, the
 * edges), into [1, ∞) for acosh (cosh(0) = 1 and hypot(x, 1) = 1 at x = 0: the edge), into
 * (−1, ∞) for log1p (expm1 → −1 below −37: the pole), into [0, ∞) for log2, log10 (0 reached by
 * abs, square's underflow, exp's). Otherwise the operand is any value, as for log and sqrt.
 */
export const INTO_DOMAIN: Record<string, readonly string[]> = {
  asin: ["tanh", "sin", "cos", "erf"],
  acos: ["tanh", "sin", "cos", "erf"],
  atanh: ["tanh", "sin", "erf", "cos"],
  acosh: ["cosh", "hypot1", "exp"],
  log1p: ["expm1", "sigmoid", "exp", "softplus"],
  log2: ["exp", "square", "abs", "softplus", "hypot1"],
  log10: ["exp", "square", "abs", "softplus", "hypot1"],
};
export const COMPARE = ["lt", "le", "gt", "ge", "eq"];
export const CONSTANTS = [0, 1, -1, 2, 0.5, -2, 3, 1e-3, 1e3, 10];
export const EXPONENTS = [2, 3, 0.5, -1, 0, 1, -2, 1.5, -0.5, 4];

export function randomGraph(random: () => number): Graph {
  const inputs = 1 + Math.floor(random() * 4);
  const size = 2 + Math.floor(random() * 14);
  const nodes: GNode[] = [];
  const comparisons: number[] = [];
  const pick = (): Ref => {
    if (random() < 0.08) return { c: CONSTANTS[Math.floor(random() * CONSTANTS.length)]! };
    // Prefer recent values so graphs get deep, not only wide.
    const count = inputs + nodes.length;
    const r = random();
    const i = r < 0.5 ? count - 1 - Math.floor(random() * Math.min(count, 3)) : Math.floor(random() * count);
    return { v: i };
  };
  const pickVar = (): Ref => {
    const count = inputs + nodes.length;
    return { v: random() < 0.5 ? count - 1 : Math.floor(random() * count) };
  };
  for (let k = 0; k < size; k++) {
    const r = random();
    let node: GNode;
    if (r < 0.4) {
      // Half the unary nodes from the base ops, half from the added ones, so neither set thins out.
      const list = random() < 0.5 ? UNARY_BASE : UNARY_ADDED;
      const op = list[Math.floor(random() * list.length)]!;
      let arg = pickVar();
      const into = INTO_DOMAIN[op];
      if (into !== undefined && random() < 0.5) {
        const sq = into[Math.floor(random() * into.length)]!;
        nodes.push(sq === "hypot1" ? { op: "hypot", args: [arg, { c: 1 }] } : { op: sq, args: [arg] });
        arg = { v: inputs + nodes.length - 1 };
        k++;
      }
      node = { op, args: [arg] };
    } else if (r < 0.72) {
      const op = random() < 0.7 ? BINARY_BASE[Math.floor(random() * BINARY_BASE.length)]! : BINARY_ADDED[Math.floor(random() * BINARY_ADDED.length)]!;
      node = { op, args: [pickVar(), pick()] };
      if (random() < 0.3) node.args.reverse();
      if (node.args.filter((a) => "v" in a).length === 0) node.args[0] = pickVar();
    } else if (r < 0.8) {
      node = { op: "powc", args: [pickVar(), { c: EXPONENTS[Math.floor(random() * EXPONENTS.length)]! }] };
    } else if (r < 0.9) {
      node = { op: COMPARE[Math.floor(random() * COMPARE.length)]!, args: [pickVar(), pick()] };
      comparisons.push(inputs + nodes.length);
    } else {
      const cond: Ref = comparisons.length > 0 && random() < 0.7
        ? { v: comparisons[Math.floor(random() * comparisons.length)]! }
        : pickVar();
      node = { op: "select", args: [cond, pickVar(), pick()] };
    }
    nodes.push(node);
  }
  const total = inputs + nodes.length;
  const m = 1 + Math.floor(random() * 3);
  const outputs: number[] = [total - 1];
  for (let j = 1; j < m; j++) outputs.push(inputs + Math.floor(random() * nodes.length));
  // compile() refuses a comparison that no output uses (the sign of a JS branch on a variable):
  // every comparison the outputs do not reach becomes an output itself.
  const used = new Uint8Array(total);
  for (const o of outputs) used[o] = 1;
  for (let v = total - 1; v >= inputs; v--) {
    if (used[v] === 0) continue;
    for (const arg of nodes[v - inputs]!.args) if ("v" in arg) used[arg.v] = 1;
  }
  for (const c of comparisons) {
    if (used[c] === 0) {
      outputs.push(c);
      used[c] = 1;
      for (let v = c; v >= inputs; v--) {
        if (used[v] === 0) continue;
        for (const arg of nodes[v - inputs]!.args) if ("v" in arg) used[arg.v] = 1;
      }
    }
  }
  return { inputs, nodes, outputs };
}

export const scaleOf = (xs: ArrayLike<number>): number => Array.from(xs).reduce((s, v) => (Number.isFinite(v) ? Math.max(s, Math.abs(v)) : s), 0);
export const fmt = (x: number): string => (Object.is(x, -0) ? "-0" : String(x));

/** The graph as code that replays it: compile(G, { inputs }) with the tapegrad free functions. */
export function describeGraph(g: Graph): string {
  const name = (r: Ref): string => ("c" in r ? fmt(r.c) : r.v < g.inputs ? `xs[${r.v}]` : `v${r.v}`);
  const lines = g.nodes.map((n, k) => {
    const args = n.args.map(name);
    const fixed = n.op === "powc" ? `pow(${args[0]}, ${args[1]})`
      : n.op === "pow" ? `pow(${args[0]}, ${"c" in n.args[1]! ? `constant(${args[1]})` : args[1]})`
      : `${n.op}(${args.join(", ")})`;
    return `  const v${g.inputs + k} = ${fixed};`;
  });
  const outs = g.outputs.map((o) => (o < g.inputs ? `xs[${o}]` : `v${o}`));
  return `compile((xs) => {\n${lines.join("\n")}\n  return [${outs.join(", ")}];\n}, { inputs: ${g.inputs} })`;
}

/** Appends the value of each node to `vals` (which holds the inputs first), through the public API. */
export function replayNodes(nodes: readonly GNode[], vals: Var[]): void {
  const get = (r: Ref): Var | number => ("c" in r ? r.c : vals[r.v]!);
  const getVar = (r: Ref): Var => ("c" in r ? tg.constant(r.c) : vals[r.v]!);
  for (const n of nodes) {
    const [a, b, c] = n.args;
    let v: Var;
    switch (n.op) {
      case "powc": v = tg.pow(getVar(a!), (b as { c: number }).c); break;
      case "pow": v = tg.pow(getVar(a!), getVar(b!)); break;
      case "select": v = tg.select(get(a!), get(b!), get(c!)); break;
      default: {
        const fn = (tg as unknown as Record<string, (...args: Array<Var | number>) => Var>)[n.op]!;
        v = n.args.length === 1 ? fn(getVar(a!)) : fn(get(a!), get(b!));
      }
    }
    vals.push(v);
  }
}

/** Builds the graph through the public API (constants as numbers, pow's exponent a Var). */
export function builder(g: Graph): (xs: Var[]) => Var[] {
  return (xs: Var[]) => {
    const vals: Var[] = [...xs];
    replayNodes(g.nodes, vals);
    return g.outputs.map((o) => vals[o]!);
  };
}

/** Random points: ordinary, or built from kinks and domain edges, with ties between inputs. */
export const SPECIAL = [
  0, -0, 1, -1, 2, -2, 0.5, -0.5, 1e-300, -1e-300, 1e-8, 1e8, -1e8, 1e300, -1e300, 710, -746, 40,
  // the added ops' edges: round's ties (−2.5 → −2, 1.5 → 2), 2⁵² + 1 (every double an integer
  // beyond: floor, round are the identity), erfc's underflow (27.3) and erf's saturation
  -2.5, 1.5, 2 ** 52 + 1, 28,
];
export function randomPoint(random: () => number, n: number, kind: "ordinary" | "edge"): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (kind === "ordinary" || random() < 0.4) x[i] = Math.round((random() * 4 - 2) * 1e6) / 1e6 + random() * 1e-7;
    else if (random() < 0.03) x[i] = [NaN, Infinity, -Infinity][Math.floor(random() * 3)]!;
    else x[i] = SPECIAL[Math.floor(random() * SPECIAL.length)]!;
    if (i > 0 && random() < (kind === "edge" ? 0.25 : 0.05)) x[i] = x[Math.floor(random() * i)]!; // a tie
  }
  return x;
}
