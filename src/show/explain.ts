/**
 * explain(): the lecture's definition of the derivative, made visible. ∂f/∂x is the sum, over
 * every path from the input x to the output f, of the product of the local partials along the
 * path. This lists each path with its partials and product, their sum, and — for comparison —
 * the derivative the compiled function's own reverse sweep computes.
 *
 * Paths multiply: a chain of k nodes each using its operand twice has 2^k of them. They are
 * counted first (one pass over the tape, dynamic programming) and explain() refuses, before
 * enumerating anything, when there are more than `maxPaths`.
 */
import { replayedProgram, type Compiled } from "../compiled.js";
import { edgePartial, formatNumber, graphOf, nodeValues, type GraphEdge } from "./graph.js";
import { expression, nameOf } from "./names.js";
import {
  isEntries, outputName, resolveData, resolveEntries, resolveInput, resolveOutput, resolvePoint, tapeOf, type InputRef, type Point,
} from "./point.js";
import { dataName, inputName, type Tape } from "../tape.js";
import { OP, zmul } from "../ops.js";
import { checkOptionKeys } from "../validate.js";

/** Paths explain() lists by default before refusing. */
export const DEFAULT_MAX_PATHS = 10_000;

/**
 * The most path steps (nodes, summed over the listed paths) explain() lists, whatever maxPaths
 * says: each step keeps a node, a name and a partial and prints a few dozen characters, and two
 * paths through a 6-million-node sum took 15 s and 2 GB before a string was built. 10^6 steps is
 * tens of MB of text, past anything readable; counted before listing, like the paths.
 */
export const MAX_PATH_STEPS = 1_000_000;

/**
 * The largest tape explain() reads: it builds the lecture's graph (an object per edge) before it
 * can count paths, which took 3 s and 600 MB at 10^6 nodes and 43 s and 2.7 GB at 6·10^6.
 */
export const MAX_EXPLAIN_NODES = 1_000_000;

/** Options of explain(f, options): the point, and which derivative ∂output/∂wrt. */
export interface ExplainOptions {
  /** Required: the point, one number per input or { name: value }. */
  at: Point;
  /** A function with data inputs: their values at the point (required there). */
  data?: Point;
  /** The input to differentiate by (name or index); required unless f has one input. */
  wrt?: InputRef;
  /** The output to differentiate (index; default 0). */
  output?: number;
  /** The most paths to list (default 10 000); more is an error, counted before listing. */
  maxPaths?: number;
}

/** One path from the input to the output, with the local partial of each edge. */
export interface ExplainedPath {
  /** Tape indices of the nodes along the path: the input first, the output last. */
  readonly nodes: readonly number[];
  /** Their display names (inputs by name, constants by value, ops as v<i>). */
  readonly names: readonly string[];
  /** partials[k] = ∂nodes[k+1]/∂nodes[k], the label of the k-th edge. */
  readonly partials: readonly number[];
  /** The product of the partials: exactly 0 when a factor is 0, even beside an ∞ (the zero rule). */
  readonly product: number;
}

/** What explain() returns: every path's partials and product, their sum, and the engine's derivative. */
export interface Explanation {
  /** The output differentiated, by index. */
  readonly output: number;
  /** The input differentiated by, by index. */
  readonly wrt: number;
  /** The output's name: "f", or "f[j]" for a function of several outputs. */
  readonly outputName: string;
  /** The input's display name. */
  readonly wrtName: string;
  /** The point, one value per input. */
  readonly at: Float64Array;
  /** The data inputs' values (empty for a function without data inputs). */
  readonly data: Float64Array;
  /** Every path from the input to the output. */
  readonly paths: readonly ExplainedPath[];
  /** Σ over paths of their products: the derivative, by the lecture's definition. */
  readonly sum: number;
  /** The same derivative from the compiled function's reverse sweep (vjp), for comparison. */
  readonly derivative: number;
  /** A readable account: the paths, their products, the sum, and the nodes' definitions. */
  toString(): string;
}

/** Every path from input `wrt` to the output at `at`, with partials, products and their sum. */
export function explain(f: Compiled, options: ExplainOptions): Explanation {
  const tape = tapeOf(f, "explain()");
  if (options === null || typeof options !== "object") {
    throw new TypeError("tapegrad: explain(f, { at, wrt }): options must be an object");
  }
  checkOptionKeys(options, ["at", "data", "wrt", "output", "maxPaths"], "explain(f, options)");
  if (tape.op.length > MAX_EXPLAIN_NODES) {
    throw new RangeError(
      `tapegrad: explain(): the tape has ${formatCount(tape.op.length)} nodes, more than the ` +
        `${formatCount(MAX_EXPLAIN_NODES)} explain() reads; use grad() or vjp() for the number, or explain a ` +
        "smaller instance of the function (fewer inputs)",
    );
  }
  if (options.at === undefined) throw new Error("tapegrad: explain(): needs a point: pass at");
  // An array function is explained on its element graph (the scalar expansion); its point may
  // also be given by entries, as toDot() takes it.
  const arrays = replayedProgram(f) !== undefined;
  const at = arrays && isEntries(f.layout.params, options.at)
    ? resolveEntries(f.layout.params, options.at, "explain(): at")
    : resolvePoint(tape, options.at, "explain()");
  const data = arrays && isEntries(f.layout.data, options.data)
    ? resolveEntries(f.layout.data, options.data, "explain(): data")
    : resolveData(tape, options.data, "explain()");
  if (options.wrt === undefined && tape.inputs !== 1) {
    throw new Error(`tapegrad: explain(): f has ${tape.inputs} inputs; say which one with wrt (a name or an index)`);
  }
  const wrt = resolveInput(tape, options.wrt ?? 0, "explain()");
  const output = resolveOutput(tape, options.output, "explain()");
  const maxPaths = options.maxPaths ?? DEFAULT_MAX_PATHS;
  if (typeof maxPaths !== "number" || !(maxPaths >= 0)) {
    throw new RangeError(`tapegrad: explain(): maxPaths must be a non-negative number, got ${String(maxPaths)}`);
  }

  const graph = graphOf(tape);
  const derivativeEdges = graph.inEdges.map((edges) => edges.filter((edge) => edge.derivative));
  // count[i] = number of paths from the input to node i; a float, so 2^1000 stays countable.
  const count = new Float64Array(tape.op.length);
  // steps[i] = the number of nodes on all those paths together, not counting the input.
  const steps = new Float64Array(tape.op.length);
  count[wrt] = 1;
  for (const node of graph.nodes) {
    for (const edge of derivativeEdges[node]!) {
      count[node]! += count[edge.from]!;
      steps[node]! += steps[edge.from]! + count[edge.from]!;
    }
  }
  const top = tape.outputs[output]!;
  const total = count[top]!;
  const of = outputName(tape, output);
  const by = inputName(tape, wrt);
  if (total > maxPaths) {
    throw new Error(
      `tapegrad: explain(): ${formatCount(total)} paths lead from ${by} to ${of}, more than maxPaths ` +
        `(${maxPaths}); the sum over paths is the lecture's definition, not a way to compute — use ` +
        "grad() for the number, or raise maxPaths",
    );
  }
  const totalSteps = steps[top]! + total;
  if (totalSteps > MAX_PATH_STEPS) {
    throw new RangeError(
      `tapegrad: explain(): the ${formatCount(total)} path${total === 1 ? "" : "s"} from ${by} to ${of} ${total === 1 ? "has" : "have"} ` +
        `${formatCount(totalSteps)} nodes together, more than the ${formatCount(MAX_PATH_STEPS)} explain() lists; ` +
        "use grad() for the number, or explain a smaller instance of the function",
    );
  }

  const val = nodeValues(tape, at, data);
  const paths: ExplainedPath[] = [];
  // Walk down from the output along edges that reach the input; `stack` holds the edges taken.
  // Iterative, not recursive: a path is as long as the tape (sin∘sin∘… 20 000 deep overflowed
  // the call stack). next[d] is the next in-edge to try at depth d, below node `at(d)`.
  const stack: GraphEdge[] = [];
  const walk = (top: number): void => {
    const next: number[] = [0];
    const at = (depth: number): number => (depth === 0 ? top : stack[depth - 1]!.from);
    while (next.length > 0) {
      const depth = next.length - 1;
      const node = at(depth);
      if (node === wrt) {
        paths.push(pathOf(stack));
      } else {
        const edges = derivativeEdges[node]!;
        let k = next[depth]!;
        while (k < edges.length && count[edges[k]!.from]! === 0) k++;
        if (k < edges.length) {
          next[depth] = k + 1;
          stack.push(edges[k]!);
          next.push(0);
          continue;
        }
      }
      next.pop();
      stack.pop();
    }
  };
  const pathOf = (edges: readonly GraphEdge[]): ExplainedPath => {
    const down = edges.map((edge) => edgePartial(tape, edge, val));
    // Multiply from the output down, as a reverse sweep does. The zero rule (ops.ts zmul): a
    // path with an exact zero factor contributes exactly 0, even past an infinite partial; and a
    // product that underflows to 0 stops there, as the sweep skips a zero adjoint.
    let product = 1;
    for (const partial of down) {
      product = zmul(partial, product);
      if (product === 0) break;
    }
    const nodes = [wrt, ...edges.map((edge) => edge.to).reverse()];
    return { nodes, names: nodes.map((node) => nameOf(tape, node)), partials: down.reverse(), product };
  };
  walk(top);

  let sum = 0;
  for (const path of paths) sum += path.product;
  const u = new Float64Array(tape.outputs.length);
  u[output] = 1;
  const derivative = (tape.data === 0 ? f.vjp(at, u) : f.vjp(at, u, data)).grad[wrt]!;
  const explanation = { output, wrt, outputName: of, wrtName: by, at, data, paths, sum, derivative };
  return { ...explanation, toString: () => describe(tape, top, explanation) };
}

function describe(
  tape: Tape,
  top: number,
  e: { outputName: string; wrtName: string; at: Float64Array; data: Float64Array; paths: readonly ExplainedPath[]; sum: number; derivative: number },
): string {
  const { outputName: of, wrtName: by } = e;
  const op = tape.op;
  const num = (x: number): string => formatNumber(x);
  const point = [
    ...Array.from(e.at, (x, i) => `${inputName(tape, i)} = ${num(x)}`),
    ...Array.from(e.data, (x, j) => `${dataName(tape, j)} = ${num(x)}`),
  ].join(", ");
  const n = e.paths.length;
  const lines = [
    `∂${of}/∂${by} at ${point}: the sum over ${n} path${n === 1 ? "" : "s"} from ${by} to ${of} ` +
      "of the product of the partial derivatives along each",
  ];
  const used = new Set<number>();
  for (const path of e.paths) {
    const steps = path.names.join(" → ");
    const factors = path.partials.map((p) => (p < 0 ? `(${num(p)})` : num(p))).join(" × ");
    lines.push(`  ${steps}:  ${factors} = ${num(path.product)}`);
    for (const node of path.nodes) used.add(node);
  }
  lines.push(`  sum = ${num(e.sum)}`);
  lines.push(`  reverse sweep: ${num(e.derivative)}`);
  const defined = [...used].filter((node) => op[node]! !== OP.INPUT && op[node]! !== OP.CONST).sort((a, b) => a - b);
  if (defined.length > 0) {
    lines.push("where");
    for (const node of defined) lines.push(`  ${nameOf(tape, node)} = ${expression(tape, node)}`);
    lines.push(`  ${of} = ${nameOf(tape, top)}`);
  }
  return lines.join("\n");
}

/** A path count for a message: exact below 10^15, else in powers of ten. */
function formatCount(x: number): string {
  return x < 1e15 ? x.toLocaleString("en-US") : `about ${x.toPrecision(3)}`;
}
