/**
 * The lecture's picture of a tape: nodes (inputs, constants, operators) and edges from each
 * operand to its operator, each edge carrying the local partial derivative ∂node/∂operand.
 *
 * Given a point, the picture is annotated the lecture's way, from the edges alone:
 *   value    by the op table's value rule,
 *   partial  on each edge by the op table's da/db rule (select: 1 on the chosen branch, 0 else),
 *   tangent  forward: a node's tangent is the sum over its in-edges of partial × operand tangent,
 *   adjoint  reverse: a node's adjoint is the sum over its out-edges of partial × user adjoint.
 * The same conventions as the engines: a zero tangent term and a zero adjoint contribute exactly
 * 0, so an infinite partial on an unused path does not poison the result.
 *
 * BRANCHES nodes are folded into the select that follows them: in the picture a select has three
 * in-edges (condition, if-true, if-false). Edges that never carry derivative (a comparison's
 * operands, a select's condition, powc's constant exponent) are marked `derivative: false`.
 */
import { OP, opRule, zmul } from "../ops.js";
import { dataName, inputName, type Tape } from "../tape.js";

export interface GraphEdge {
  /** Operand node (tape index). */
  readonly from: number;
  /** Operator node (tape index). */
  readonly to: number;
  /** Which operand: "a", "b" (binary ops), or for a select "condition", "true", "false". */
  readonly role: "a" | "b" | "condition" | "true" | "false";
  /** False for edges whose partial is 0 by construction (comparisons, select conditions). */
  readonly derivative: boolean;
}

export interface Graph {
  readonly tape: Tape;
  /** Tape indices of the nodes shown (every node except BRANCHES), in tape order. */
  readonly nodes: readonly number[];
  readonly edges: readonly GraphEdge[];
  /** Edges into each node, by tape index (empty for leaves). */
  readonly inEdges: readonly (readonly GraphEdge[])[];
}

/** The picture of a tape: its nodes and operand → operator edges. */
export function graphOf(tape: Tape): Graph {
  const n = tape.op.length;
  const nodes: number[] = [];
  const edges: GraphEdge[] = [];
  const inEdges: GraphEdge[][] = Array.from({ length: n }, () => []);
  const add = (edge: GraphEdge): void => {
    edges.push(edge);
    inEdges[edge.to]!.push(edge);
  };
  for (let i = 0; i < n; i++) {
    const code = tape.op[i]!;
    if (code === OP.BRANCHES) continue;
    nodes.push(i);
    const kind = opRule(code).kind;
    const a = tape.a[i]!;
    const b = tape.b[i]!;
    if (code === OP.SELECT) {
      add({ from: a, to: i, role: "condition", derivative: false });
      add({ from: tape.a[b]!, to: i, role: "true", derivative: true });
      add({ from: tape.b[b]!, to: i, role: "false", derivative: true });
    } else if (kind === "unary") {
      add({ from: a, to: i, role: "a", derivative: true });
    } else if (kind === "binary" || kind === "compare") {
      const derivative = kind === "binary";
      add({ from: a, to: i, role: "a", derivative });
      // powc's exponent is a constant by construction: never differentiated (ops.ts).
      add({ from: b, to: i, role: "b", derivative: derivative && code !== OP.POWC });
    }
  }
  return { tape, nodes, edges, inEdges };
}

/** The short label of a node: an input's or data input's name, a constant's value, an op name. */
export function nodeName(tape: Tape, node: number): string {
  const code = tape.op[node]!;
  if (code === OP.INPUT) return inputName(tape, node);
  if (code === OP.DATA) return dataName(tape, node - tape.inputs);
  if (code === OP.CONST) return formatNumber(tape.constants[tape.a[node]!]!);
  return opRule(code).name;
}

/** Every node's value at the inputs x and the data vector (tape.data numbers). */
export function nodeValues(tape: Tape, x: ArrayLike<number>, data: ArrayLike<number>): Float64Array {
  const n = tape.op.length;
  const val = new Float64Array(n);
  for (let i = 0; i < tape.inputs; i++) val[i] = x[i]!;
  for (let j = 0; j < tape.data; j++) val[tape.inputs + j] = data[j]!;
  for (let i = tape.inputs; i < n; i++) {
    const code = tape.op[i]!;
    const a = tape.a[i]!;
    const b = tape.b[i]!;
    if (code === OP.DATA || code === OP.BRANCHES) continue;
    if (code === OP.CONST) val[i] = tape.constants[a]!;
    else if (code === OP.SELECT) val[i] = val[val[a]! > 0 ? tape.a[b]! : tape.b[b]!]!;
    else val[i] = opRule(code).value(val[a]!, val[b]!);
  }
  return val;
}

/** The local partial ∂edge.to/∂edge.from at the values given, from the op table. */
export function edgePartial(tape: Tape, edge: GraphEdge, val: Float64Array): number {
  if (!edge.derivative) return 0;
  const i = edge.to;
  const code = tape.op[i]!;
  if (code === OP.SELECT) {
    const chosen = val[tape.a[i]!]! > 0 ? "true" : "false";
    return edge.role === chosen ? 1 : 0;
  }
  const rule = opRule(code);
  const a = val[tape.a[i]!]!;
  const b = val[tape.b[i]!]!;
  return edge.role === "a" ? rule.da(a, b, val[i]!) : rule.db(a, b, val[i]!);
}

/** Forward mode on the picture: every node's derivative along the input direction v. */
export function nodeTangents(graph: Graph, val: Float64Array, v: ArrayLike<number>): Float64Array {
  const { tape } = graph;
  const tan = new Float64Array(tape.op.length);
  for (let i = 0; i < tape.inputs; i++) tan[i] = v[i]!;
  for (const node of graph.nodes) {
    let t = 0;
    for (const edge of graph.inEdges[node]!) {
      const dt = tan[edge.from]!;
      if (edge.derivative) t += zmul(edgePartial(tape, edge, val), dt);
    }
    if (node >= tape.inputs) tan[node] = t;
  }
  return tan;
}

/** Reverse mode on the picture: every node's adjoint ∂(Σ u_j output_j)/∂node. */
export function nodeAdjoints(graph: Graph, val: Float64Array, u: ArrayLike<number>): Float64Array {
  const { tape } = graph;
  const adj = new Float64Array(tape.op.length);
  for (let j = 0; j < tape.outputs.length; j++) adj[tape.outputs[j]!]! += u[j]!;
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const node = graph.nodes[k]!;
    const g = adj[node]!;
    if (g === 0) continue;
    for (const edge of graph.inEdges[node]!) {
      if (edge.derivative) adj[edge.from]! += zmul(edgePartial(tape, edge, val), g);
    }
  }
  return adj;
}

/** A number for a label: integers as they are, others to `digits` significant digits. */
export function formatNumber(x: number, digits = 6): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return Object.is(x, -0) ? "-0" : String(x);
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(digits)));
}

/** A DOT double-quoted string: backslashes and quotes escaped, newlines as \n. */
export function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}
