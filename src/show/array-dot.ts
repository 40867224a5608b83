/**
 * toDot() for a function with array nodes: one DOT node per value of the array program
 * (program.ts) — an input entry, a constant, an op — labelled with its op and shape, as the
 * lecture draws a graph whatever its nodes hold. Given a point, a node shows its values when it
 * has at most MAX_SHOWN elements; in reverse mode also its adjoint ∂f/∂node (same shape), from the
 * array executor's own reverse sweep. Edges carry no partials: between arrays a partial is a
 * Jacobian, not a number. Forward mode is refused (the executor has no tangent sweep).
 */
import type { Compiled } from "../compiled.js";
import type { Layout } from "../array/layout.js";
import { makeJsExecutor } from "../array/js-exec.js";
import type { Program, ProgramValue } from "../array/program.js";
import { layoutStorage, outputSlot, type Storage } from "../array/storage.js";
import { OP, opRule } from "../ops.js";
import { describe } from "../var.js";
import { EXPRESSIONS } from "./formulas.js";
import { formatNumber, quote } from "./graph.js";
import { resolveEntries } from "./point.js";

/** Values of a node are drawn when it has at most this many elements (a 2×4 matrix, a vector of 8). */
export const MAX_SHOWN = 8;

/** The options toDot() checked already, as this module reads them. */
export interface ArrayDotOptions {
  at?: unknown;
  data?: unknown;
  mode?: "forward" | "reverse";
  output?: number;
  digits: number;
  constants: "nodes" | "inline";
}

/** Names of the fold ops as the reductions users call. */
const FOLD_NAMES: Readonly<Record<number, string>> = { [OP.ADD]: "sum", [OP.MUL]: "prod", [OP.MAX]: "max", [OP.MIN]: "min", [OP.HYPOT]: "norm" };

export function arrayDot(f: Compiled, program: Program, options: ArrayDotOptions): string {
  const { values } = program;
  const { mode, digits } = options;
  if (mode === "forward") {
    throw new Error(
      'tapegrad: toDot(): mode "forward" draws scalar tapes only; this function has array nodes, whose tangents ' +
        'the array sweeps do not compute: use mode "reverse", or f.jvp() for the numbers',
    );
  }
  const m = program.outputCount;
  const output = options.output ?? 0;
  if (typeof output !== "number" || !Number.isInteger(output) || output < 0 || output >= m) {
    throw new RangeError(`tapegrad: toDot(): output must be an output element index in [0, ${m}), got ${describe(output)}`);
  }
  const num = (x: number): string => formatNumber(x, digits);

  // At a point: every value (and in reverse mode every adjoint) from one run of the JS executor.
  let shown: { val: Float64Array; adj: Float64Array | null; storage: Storage } | null = null;
  if (options.at !== undefined) {
    const x = resolveEntries(f.layout.params, options.at, "toDot(): at");
    const data = program.data === 0
      ? noData(options.data)
      : resolveEntries(f.layout.data, requireData(options.data, program.data), "toDot(): data");
    const storage = layoutStorage(program, 1);
    const exec = makeJsExecutor(program, storage);
    exec.load(x, data, 0);
    exec.forward();
    let adj: Float64Array | null = null;
    if (mode === "reverse") {
      exec.clearAdjoints();
      exec.adj[outputSlot(program, storage, output, 0)] = 1;
      exec.reverse();
      adj = exec.adj;
    }
    shown = { val: exec.val, adj, storage };
  } else if (options.data !== undefined) {
    throw new Error("tapegrad: toDot(): data was given without a point: pass at too");
  }

  // matmul views a vector operand as a matrix and its result back as a vector: those reshapes are
  // the recorder's, not the user's, so the picture skips them — W · x is one node, as written.
  const consumers = new Int32Array(values.length);
  for (const v of values) for (const x of v.args) consumers[x]++;
  const fullReshape = (i: number): boolean => {
    const v = values[i]!;
    return v.kind === "view" && v.offset === 0 && v.size === values[v.args[0]!]!.size;
  };
  const source = values.map((_, i) => i); // the drawn node that stands for value i
  const skipped = new Uint8Array(values.length);
  const definedBy = values.map((_, i) => i); // whose definition node i shows
  values.forEach((v, i) => {
    if (v.kind === "matmul") {
      for (const x of v.args) {
        if (fullReshape(x) && consumers[x] === 1 && values[x]!.shape.length === 2 && values[values[x]!.args[0]!]!.shape.length === 1) {
          skipped[x] = 1;
          source[x] = source[values[x]!.args[0]!]!;
        }
      }
    } else if (fullReshape(i) && v.shape.length === 1 && values[v.args[0]!]!.kind === "matmul" && consumers[v.args[0]!] === 1 && !program.outputs.includes(v.args[0]!)) {
      skipped[v.args[0]!] = 1;
      definedBy[i] = v.args[0]!;
    }
  });
  const names = values.map((v, i) => valueName(f, v, i, num));
  const sourceNames = values.map((_, i) => names[source[i]!]!);
  const outputsOf = new Map<number, string[]>();
  let first = 0;
  for (const o of program.outputs) {
    const size = values[o]!.size;
    const label = m === 1 ? "f" : size === 1 ? `f[${first}]` : `f[${first} … ${first + size - 1}]`;
    outputsOf.set(o, [...(outputsOf.get(o) ?? []), label]);
    first += size;
  }
  const isScalarConstant = (v: ProgramValue): boolean => v.kind === "constant" && v.size === 1;
  const hidden = (i: number): boolean =>
    options.constants === "inline" && isScalarConstant(values[i]!) && !outputsOf.has(i);

  const lines = [
    "digraph tapegrad {",
    "  rankdir=LR;",
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  values.forEach((v, i) => {
    if (hidden(i) || skipped[i] === 1) return;
    const label: string[] = [];
    const attrs: string[] = [];
    const shape = v.shape.length === 0 ? "" : ` [${v.shape.join("×")}]`;
    if (v.kind === "input" || v.kind === "data") {
      label.push(names[i]! + shape);
      attrs.push("shape=ellipse", "style=bold");
    } else if (v.kind === "constant") {
      label.push(v.size === 1 ? names[i]! : `${names[i]}${shape} = ${showValues(v, v.values!, 0, 1, num)}`);
      attrs.push("shape=ellipse", "style=dashed");
    } else {
      label.push(`${names[i]} = ${definition(values[definedBy[i]!]!, values, sourceNames)}${shape}`);
    }
    const outs = outputsOf.get(i);
    if (outs !== undefined) {
      label.unshift(outs.join(", "));
      attrs.push("peripheries=2");
    }
    if (shown !== null && v.kind !== "constant") {
      const text = showValues(v, shown.val, shown.storage.base[i]!, shown.storage.copies[i]!, num);
      if (text !== "") label.push(`= ${text}`);
    }
    if (shown?.adj && v.needsAdjoint) {
      const text = showValues(v, shown.adj, shown.storage.base[i]!, shown.storage.copies[i]!, num);
      if (text !== "") label.push(`∂f/∂${names[i]} = ${text}`);
    }
    lines.push(`  n${i} [label=${quote(label.join("\n"))}${attrs.map((a) => `, ${a}`).join("")}];`);
  });
  values.forEach((v, i) => {
    if (skipped[i] === 1) return;
    values[definedBy[i]!]!.args.forEach((operand, k) => {
      const arg = source[operand]!;
      if (hidden(arg)) return;
      const condition = v.kind === "select" && k === 0;
      const passes = !condition && !(v.kind === "elementwise" && opRule(v.op).kind === "compare");
      const attrs: string[] = [];
      if (condition) attrs.push('label="condition"');
      if (!passes) attrs.push("style=dashed");
      lines.push(`  n${arg} -> n${i}${attrs.length > 0 ? ` [${attrs.join(", ")}]` : ""};`);
    });
  });
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** Inputs by their layout entry's name (an element of an entry as W[1,0]), scalar constants by value, the rest v<i>. */
function valueName(f: Compiled, v: ProgramValue, i: number, num: (x: number) => string): string {
  if (v.kind === "input") return entryName(f.layout.params, v);
  if (v.kind === "data") return entryName(f.layout.data, v);
  if (v.kind === "constant" && v.size === 1) return num(v.values![0]!);
  return v.kind === "constant" ? `c${i}` : `v${i}`;
}

function entryName(layout: Layout, v: ProgramValue): string {
  const e = layout.entries.find((x) => v.offset >= x.offset && v.offset < x.offset + x.size);
  if (e === undefined) return `input ${v.offset}`;
  if (e.offset === v.offset && e.size === v.size) return e.name;
  // One element of a larger entry (a scalar form's input vector, or a stacked element).
  const k = v.offset - e.offset;
  return e.shape.length === 2 ? `${e.name}[${Math.floor(k / e.shape[1]!)},${k % e.shape[1]!}]` : `${e.name}[${k}]`;
}

/** How a computed value reads in terms of its operands' names. */
function definition(v: ProgramValue, values: readonly ProgramValue[], names: readonly string[]): string {
  const a = v.args.map((x) => names[x]!);
  switch (v.kind) {
    case "elementwise": {
      const text = EXPRESSIONS[v.op];
      return text === undefined ? `${opRule(v.op).name}(${a.join(", ")})` : text(a[0]!, a[1] ?? "");
    }
    case "select": return `select(${a.join(", ")})`;
    case "fold": {
      const [outer, , inner] = v.fold!;
      const name = FOLD_NAMES[v.op] ?? `fold ${opRule(v.op).name}`;
      // (outer, middle, inner) = (1, n, 1): all elements; (r, c, 1): along the rows; (1, r, c): down the columns.
      const axis = outer === 1 && inner === 1 ? "" : inner === 1 ? ", axis 1" : ", axis 0";
      return `${name}(${a[0]}${axis})`;
    }
    case "matmul": return `${a[0]} · ${a[1]}`;
    case "transpose": return `${a[0]}ᵀ`;
    case "concat": return `concat(${a.join(", ")})`;
    case "view": {
      const whole = v.offset === 0 && v.size === values[v.args[0]!]!.size;
      if (whole) return `reshape(${a[0]})`;
      return v.size === 1 ? `${a[0]}[element ${v.offset}]` : `${a[0]}[elements ${v.offset} … ${v.offset + v.size - 1}]`;
    }
    default: return v.kind;
  }
}

/** A value's elements as [a, b] or [[a, b], [c, d]], or "" when it has more than MAX_SHOWN. */
function showValues(v: ProgramValue, buf: Float64Array, base: number, copies: number, num: (x: number) => string): string {
  if (v.size > MAX_SHOWN) return "";
  const at = (k: number): string => num(buf[base + k * copies]!);
  if (v.shape.length === 0) return at(0);
  if (v.shape.length === 1) return `[${Array.from({ length: v.size }, (_, k) => at(k)).join(", ")}]`;
  const [r, c] = v.shape as [number, number];
  const rows = Array.from({ length: r }, (_, i) => `[${Array.from({ length: c }, (_, j) => at(i * c + j)).join(", ")}]`);
  return `[${rows.join(", ")}]`;
}

function requireData(data: unknown, count: number): unknown {
  if (data === undefined) throw new Error(`tapegrad: toDot(): this function has ${count} data inputs: pass their values as data`);
  return data;
}

function noData(data: unknown): Float64Array {
  if (data !== undefined) throw new Error("tapegrad: toDot(): this function has no data inputs, but data was given");
  return new Float64Array(0);
}
