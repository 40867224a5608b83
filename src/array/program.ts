/**
 * The array program: what a trace with array nodes becomes. Every value — scalar or array — is
 * one entry, in execution order, with its operands' ids, its shape, and where its elements live:
 * each value that computes owns its storage (a root); a view (slice, row, at, reshape) is a window
 * of its root's, so a slice costs nothing and its derivative flows straight into the sliced array.
 *
 * Two flags per value drive the executors: `batched` (it depends on data, so a batch holds one
 * copy per point) and `needsAdjoint` (it depends on the parameters, so the reverse sweep visits
 * it). Scalar-only traces never come here: they keep the scalar tape (tape.ts) and its kernels.
 */
import { OP, opRule } from "../ops.js";
import type { Trace } from "../trace.js";
import { sizeOf, type ArrayKind } from "./node.js";

export interface ProgramValue {
  readonly kind: ArrayKind;
  /** elementwise and fold: the op code. */
  readonly op: number;
  /** Operand value ids (all smaller than this value's). */
  readonly args: readonly number[];
  readonly shape: readonly number[];
  readonly size: number;
  /** input/data: first index in θ or the data vector; view: offset into args[0]. */
  readonly offset: number;
  readonly fold?: readonly [number, number, number];
  readonly values?: Float64Array;
  /** The value owning the storage (itself unless a view) and this value's element offset in it. */
  readonly root: number;
  readonly rootOffset: number;
  /** Depends on data inputs: one copy per point of a batch. */
  readonly batched: boolean;
  /** Depends on the differentiated inputs: the reverse sweep visits it. */
  readonly needsAdjoint: boolean;
}

export interface Program {
  readonly values: readonly ProgramValue[];
  /** The output values; the function's outputs are their elements, in order. */
  readonly outputs: readonly number[];
  /** The number of output elements. */
  readonly outputCount: number;
  /** Length of θ and of a data vector. */
  readonly inputs: number;
  readonly data: number;
}

/** Whether an op passes derivatives at all (comparisons do not). */
function differentiable(op: number): boolean {
  return opRule(op).kind !== "compare";
}

/** Merges the trace's scalar nodes and array nodes, in recording order, into a program. */
export function buildProgram(trace: Trace, outputRefs: readonly number[], inputs: number, data: number): Program {
  const { op, a, b, constants, size } = trace.scalars();
  const arrays = trace.arrays;
  const values: ProgramValue[] = [];
  const scalarId = new Int32Array(size).fill(-1);
  const arrayId = new Int32Array(arrays.length);
  const id = (ref: number): number => (ref >= 0 ? scalarId[ref]! : arrayId[-1 - ref]!);

  const add = (
    kind: ArrayKind, code: number, args: number[], shape: readonly number[], offset: number,
    extra: { fold?: readonly [number, number, number]; values?: Float64Array } = {},
  ): number => {
    const operands = args.map((x) => values[x]!);
    const isView = kind === "view";
    const parent = operands[0];
    const batched = kind === "data" || operands.some((v) => v.batched);
    let needsAdjoint: boolean;
    if (kind === "input") needsAdjoint = true;
    else if (kind === "elementwise" && !differentiable(code)) needsAdjoint = false;
    else if (kind === "select") needsAdjoint = operands[1]!.needsAdjoint || operands[2]!.needsAdjoint;
    else needsAdjoint = operands.some((v) => v.needsAdjoint);
    const idx = values.length;
    values.push({
      kind, op: code, args, shape, size: sizeOf(shape), offset, ...extra,
      root: isView ? parent!.root : idx,
      rootOffset: isView ? parent!.rootOffset + offset : 0,
      batched, needsAdjoint,
    });
    return idx;
  };

  let next = 0; // next array node to place
  const placeArraysBefore = (position: number): void => {
    while (next < arrays.length && arrays[next]!.anchor <= position) {
      const node = arrays[next]!;
      arrayId[next] = add(node.kind, node.op, node.args.map(id), node.shape, node.offset, { fold: node.fold, values: node.values });
      next++;
    }
  };
  for (let i = 0; i < size; i++) {
    placeArraysBefore(i);
    const code = op[i]!;
    if (code === OP.INPUT) scalarId[i] = add("input", 0, [], [], a[i]!);
    else if (code === OP.DATA) scalarId[i] = add("data", 0, [], [], a[i]!);
    else if (code === OP.CONST) scalarId[i] = add("constant", 0, [], [], 0, { values: Float64Array.of(constants[a[i]!]!) });
    else if (code === OP.BRANCHES) continue; // read by the SELECT after it
    else if (code === OP.SELECT) {
      const branches = b[i]!;
      scalarId[i] = add("select", OP.SELECT, [id(a[i]!), id(a[branches]!), id(b[branches]!)], [], 0);
    } else {
      const kind = opRule(code).kind;
      scalarId[i] = add("elementwise", code, kind === "unary" ? [id(a[i]!)] : [id(a[i]!), id(b[i]!)], [], 0);
    }
  }
  placeArraysBefore(size);
  const outputs = outputRefs.map(id);
  return { values, outputs, outputCount: outputs.reduce((n, v) => n + values[v]!.size, 0), inputs, data };
}

/**
 * The array form of compile()'s check for comparisons no output uses (unused-comparisons.ts
 * says why): a JS if / ?: on a variable records a comparison and bakes one branch in.
 */
export function checkProgramComparisons(program: Program, what: string): void {
  const { values } = program;
  const used = new Uint8Array(values.length);
  for (const o of program.outputs) used[o] = 1;
  for (let i = values.length - 1; i >= 0; i--) if (used[i] === 1) for (const x of values[i]!.args) used[x] = 1;
  const unused = values.filter((v, i) => used[i] === 0 && v.kind === "elementwise" && opRule(v.op).kind === "compare");
  if (unused.length === 0) return;
  const name = opRule(unused[0]!.op).name;
  const more = unused.length > 1 ? ` (and ${unused.length - 1} more)` : "";
  throw new Error(
    `tapegrad: ${what}: a comparison (${name}) was recorded but no output uses it${more}: a JS if / ?: / && on a ` +
      `variable is decided once while recording; use select(${name}(a, b), x, y)`,
  );
}
