/**
 * toDot(): the computational graph as Graphviz DOT, drawn the lecture's way — a node per input,
 * constant and operator, an edge from each operand to its operator labelled with the local
 * partial derivative. Given a point, nodes show their values and edges numeric partials; in
 * reverse mode each node also shows its adjoint ∂f/∂node, in forward mode its tangent ∂node/∂x.
 * With { constants: "inline" } constants are not nodes: the operators' definitions name them.
 */
import { replayedProgram, type Compiled } from "../compiled.js";
import { arrayDot } from "./array-dot.js";
import { OP } from "../ops.js";
import type { Tape } from "../tape.js";
import { atom, partialFormula } from "./formulas.js";
import { expression, nameOf } from "./names.js";
import {
  edgePartial, formatNumber, graphOf, nodeAdjoints, nodeTangents, nodeValues, quote, type GraphEdge,
} from "./graph.js";
import { checkOptionKeys } from "../validate.js";
import { outputName, resolveData, resolveInput, resolveOutput, resolvePoint, tapeOf, type InputRef, type Point } from "./point.js";

/** Options of toDot(f, options); without any, the labels are formulas. */
export interface DotOptions {
  /** The point: one number per input, or { name: value }. Without it the labels are formulas. */
  at?: Point;
  /** A function with data inputs: their values at the point (needed with `at`). */
  data?: Point;
  /** "reverse": every node shows its adjoint ∂f/∂node; "forward": its tangent ∂node/∂wrt; default neither. Needs `at`. */
  mode?: "forward" | "reverse";
  /** Forward mode: the input whose tangent is seeded with 1 (name or index; default input 0). */
  wrt?: InputRef;
  /** Reverse mode: the output whose adjoint is seeded with 1 (default 0). */
  output?: number;
  /** Significant digits of the numbers shown (default 6). */
  digits?: number;
  /**
   * How constants are drawn: "nodes" (default) as one dashed ellipse per distinct constant, with an
   * edge to every operator that uses it; "inline" not as nodes at all — each operator's label
   * already names them (`v3 = x ^ 2`), so a network whose layers share a few constants does not
   * become a hairball of edges crossing the whole graph. A constant that is itself an output is
   * still drawn.
   */
  constants?: "nodes" | "inline";
}

/**
 * The most tape nodes toDot() draws. A node is a line or two of DOT (~100 bytes with its edges),
 * so 10^5 nodes is ~10 MB of text — already far beyond what Graphviz lays out in reasonable time;
 * a 6-million-node tape made strings past V8's limit and aborted the process.
 */
export const MAX_DOT_NODES = 100_000;

/** The graph of f as Graphviz DOT (render with `dot -Tsvg`). */
export function toDot(f: Compiled, options: DotOptions = {}): string {
  const program = f !== null && typeof f === "object" ? replayedProgram(f) : undefined;
  if (program !== undefined && f.disposed) throw new Error("tapegrad: toDot() called on a disposed function");
  const tape = program === undefined ? tapeOf(f, "toDot()") : null;
  if (options === null || typeof options !== "object") throw new TypeError("tapegrad: toDot(f, options): options must be an object");
  checkOptionKeys(options, ["at", "data", "mode", "wrt", "output", "digits", "constants"], "toDot(f, options)");
  const nodes = program === undefined ? tape!.op.length : program.values.length;
  if (nodes > MAX_DOT_NODES) {
    throw new RangeError(
      `tapegrad: toDot(): the ${program === undefined ? "tape" : "function"} has ${nodes.toLocaleString("en-US")} nodes, more than the ` +
        `${MAX_DOT_NODES.toLocaleString("en-US")} toDot() draws (Graphviz cannot lay out more anyway); ` +
        "draw a smaller instance of the function (fewer inputs), or use explain() for one derivative",
    );
  }
  const { mode, digits = 6, constants = "nodes" } = options;
  if (constants !== "nodes" && constants !== "inline") {
    throw new Error(`tapegrad: toDot(): constants must be "nodes" or "inline", got ${JSON.stringify(constants)}`);
  }
  if (mode !== undefined && mode !== "forward" && mode !== "reverse") {
    throw new Error(`tapegrad: toDot(): mode must be "forward" or "reverse", got ${JSON.stringify(mode)}`);
  }
  if (mode !== undefined && options.at === undefined) {
    throw new Error(`tapegrad: toDot(): mode "${mode}" needs a point: pass at`);
  }
  if (!Number.isInteger(digits) || digits < 1 || digits > 17) {
    throw new RangeError(`tapegrad: toDot(): digits must be an integer from 1 to 17, got ${String(digits)}`);
  }
  // Each option means something in one mode only: refuse it elsewhere rather than ignore it.
  if (options.wrt !== undefined && mode !== "forward") {
    throw new Error('tapegrad: toDot(): wrt picks the input of forward mode: pass mode: "forward" (reverse mode uses output)');
  }
  if (options.output !== undefined && mode === "forward") {
    throw new Error('tapegrad: toDot(): output picks the output of reverse mode; forward mode shows ∂node/∂wrt for every node');
  }
  if (program !== undefined) {
    return arrayDot(f, program, { at: options.at, data: options.data, mode, output: options.output, digits, constants });
  }
  return scalarDot(tape!, options, mode, digits, constants);
}

/** The lecture's picture of a scalar tape. */
function scalarDot(tape: Tape, options: DotOptions, mode: DotOptions["mode"], digits: number, constants: "nodes" | "inline"): string {
  const output = resolveOutput(tape, options.output, "toDot()");
  const wrt = mode === "forward" ? resolveInput(tape, options.wrt ?? 0, "toDot()") : 0;
  const num = (x: number): string => formatNumber(x, digits);

  const graph = graphOf(tape);
  if (options.at === undefined && options.data !== undefined) {
    throw new Error("tapegrad: toDot(): data was given without a point: pass at too");
  }
  const val = options.at === undefined
    ? null
    : nodeValues(tape, resolvePoint(tape, options.at, "toDot()"), resolveData(tape, options.data, "toDot()"));
  let derivative: Float64Array | null = null;
  let derivativeLabel = (_node: string): string => "";
  if (val !== null && mode === "reverse") {
    const u = new Float64Array(tape.outputs.length);
    u[output] = 1;
    derivative = nodeAdjoints(graph, val, u);
    const f = outputName(tape, output);
    derivativeLabel = (node) => `∂${f}/∂${node}`;
  } else if (val !== null && mode === "forward") {
    const v = new Float64Array(tape.inputs);
    v[wrt] = 1;
    derivative = nodeTangents(graph, val, v);
    const x = nameOf(tape, wrt);
    derivativeLabel = (node) => `∂${node}/∂${x}`;
  }

  const outputsOf = new Map<number, number[]>();
  tape.outputs.forEach((node, j) => outputsOf.set(node, [...(outputsOf.get(node) ?? []), j]));
  // Inline constants: no node and no edge; the operators' definitions show their values.
  const hidden = (node: number): boolean =>
    constants === "inline" && tape.op[node] === OP.CONST && !outputsOf.has(node);

  const lines = [
    "digraph tapegrad {",
    "  rankdir=LR;",
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const node of graph.nodes) {
    if (hidden(node)) continue;
    const code = tape.op[node]!;
    const name = nameOf(tape, node);
    const label: string[] = [];
    const attrs: string[] = [];
    if (code === OP.INPUT || code === OP.DATA) {
      label.push(name);
      attrs.push("shape=ellipse", "style=bold");
    } else if (code === OP.CONST) {
      label.push(name);
      attrs.push("shape=ellipse", "style=dashed");
    } else {
      label.push(`${name} = ${expression(tape, node)}`);
    }
    const outs = outputsOf.get(node);
    if (outs !== undefined) {
      label.unshift(outs.map((j) => outputName(tape, j)).join(", "));
      attrs.push("peripheries=2");
    }
    if (val !== null && code !== OP.CONST) label.push(`= ${num(val[node]!)}`);
    if (derivative !== null) label.push(`${derivativeLabel(name)} = ${num(derivative[node]!)}`);
    lines.push(`  n${node} [label=${quote(label.join("\n"))}${attrs.map((a) => `, ${a}`).join("")}];`);
  }
  for (const edge of graph.edges) {
    if (hidden(edge.from)) continue;
    const attrs = [`label=${quote(edgeLabel(tape, edge, val, num))}`];
    if (!edge.derivative) attrs.push("style=dashed");
    lines.push(`  n${edge.from} -> n${edge.to} [${attrs.join(", ")}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

function edgeLabel(tape: Tape, edge: GraphEdge, val: Float64Array | null, num: (x: number) => string): string {
  if (edge.role === "condition") return "condition";
  if (val !== null) return num(edgePartial(tape, edge, val));
  if (!edge.derivative) return "0";
  const node = edge.to;
  const code = tape.op[node]!;
  if (code === OP.SELECT) {
    const condition = atom(nameOf(tape, tape.a[node]!));
    return edge.role === "true" ? `1 if ${condition} > 0` : `1 if ${condition} ≤ 0`;
  }
  return partialFormula(code, edge.role === "b" ? "b" : "a", nameOf(tape, tape.a[node]!), nameOf(tape, tape.b[node]!));
}
