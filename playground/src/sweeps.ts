/**
 * Both sweeps, one node per step, on the tape itself (f.tape and the op table OPS, both public):
 * forward mode visits the nodes in tape order and gives each the sum over its in-edges of
 * partial × operand tangent ("multiply along edges, sum where paths join"); reverse mode visits
 * them backwards and gives each the sum over its out-edges of partial × consumer adjoint. Each
 * step keeps its terms, so the page can show the sum being formed.
 */
import { OP, OPS, type Compiled } from "tapegrad";

export interface Edge {
  readonly from: number;
  readonly to: number;
  /** The local partial ∂to/∂from at the point (0 on edges that carry no derivative). */
  readonly partial: number;
  /** False for a comparison's operands, a select's condition and powc's exponent. */
  readonly derivative: boolean;
}

export interface Step {
  /** The tape node that receives its tangent (forward) or adjoint (reverse) in this step. */
  readonly node: number;
  /** That tangent or adjoint. */
  readonly value: number;
  /** The seed (1 on the chosen input/output, else 0) and the sum's terms: partial × the other end's derivative. */
  readonly seed: number;
  readonly terms: readonly { readonly edge: Edge; readonly factor: number }[];
}

export interface Picture {
  readonly values: Float64Array;
  readonly edges: readonly Edge[];
  /** Tape nodes drawn (every node but the BRANCHES helper a select folds in). */
  readonly nodes: readonly number[];
}

/** A product whose factor is 0 is 0, even beside ∞ or NaN: the engines' rule (tapegrad's zmul). */
const zmul = (p: number, t: number): number => {
  const r = p * t;
  return r === r ? r : p === 0 || t === 0 ? 0 : r;
};

/** Values and edge partials at x, from the op table's value, da and db rules. */
export function picture(f: Compiled, x: ArrayLike<number>): Picture {
  const { op, a, b, constants, inputs } = f.tape;
  const n = op.length;
  const values = new Float64Array(n);
  const edges: Edge[] = [];
  const nodes: number[] = [];
  for (let i = 0; i < n; i++) {
    const code = op[i]!;
    if (code === OP.BRANCHES) continue;
    nodes.push(i);
    const rule = OPS[code]!;
    if (i < inputs) values[i] = x[i]!;
    else if (code === OP.CONST) values[i] = constants[a[i]!]!;
    else if (code === OP.SELECT) {
      // select(c, t, f): the branches node holds (t, f); the chosen branch has partial 1.
      const c = a[i]!, t = a[b[i]!]!, e = b[b[i]!]!;
      const chosen = values[c]! > 0;
      values[i] = values[chosen ? t : e]!;
      edges.push({ from: c, to: i, partial: 0, derivative: false });
      edges.push({ from: t, to: i, partial: chosen ? 1 : 0, derivative: true });
      edges.push({ from: e, to: i, partial: chosen ? 0 : 1, derivative: true });
    } else {
      const va = values[a[i]!]!, vb = values[b[i]!]!;
      const v = (values[i] = rule.value(va, vb));
      const differentiable = rule.kind !== "compare";
      edges.push({ from: a[i]!, to: i, partial: differentiable ? rule.da(va, vb, v) : 0, derivative: differentiable });
      if (rule.kind === "binary" || rule.kind === "compare") {
        const d = differentiable && code !== OP.POWC;
        edges.push({ from: b[i]!, to: i, partial: d ? rule.db(va, vb, v) : 0, derivative: d });
      }
    }
  }
  return { values, edges, nodes };
}

/** Forward mode seeded on input `wrt`: one step per node, in tape order. */
export function forwardSteps(f: Compiled, pic: Picture, wrt: number): Step[] {
  const tangent = new Float64Array(f.tape.op.length);
  const steps: Step[] = [];
  for (const node of pic.nodes) {
    const seed = node === wrt ? 1 : 0;
    const terms = pic.edges.filter((e) => e.to === node && e.derivative).map((edge) => ({ edge, factor: tangent[edge.from]! }));
    tangent[node] = node < f.tape.inputs ? seed : terms.reduce((s, t) => s + zmul(t.edge.partial, t.factor), 0);
    steps.push({ node, value: tangent[node]!, seed, terms });
  }
  return steps;
}

/** Reverse mode seeded on output `output`: one step per node, from the last to the first. */
export function reverseSteps(f: Compiled, pic: Picture, output: number): Step[] {
  const adjoint = new Float64Array(f.tape.op.length);
  const steps: Step[] = [];
  for (let k = pic.nodes.length - 1; k >= 0; k--) {
    const node = pic.nodes[k]!;
    const seed = f.tape.outputs[output] === node ? 1 : 0;
    // Every consumer has a larger index, so its adjoint is final by now.
    const terms = pic.edges.filter((e) => e.from === node && e.derivative).map((edge) => ({ edge, factor: adjoint[edge.to]! }));
    adjoint[node] = terms.reduce((s, t) => s + zmul(t.edge.partial, t.factor), seed);
    steps.push({ node, value: adjoint[node]!, seed, terms });
  }
  return steps;
}
