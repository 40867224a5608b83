/**
 * Fusion of elementwise chains for the WebAssembly executor (wasm-exec.ts). An elementwise
 * subgraph over N elements is the same computation as the batched sweep over N lanes
 * (assembly/batch.ts): so a run of consecutive elementwise values whose elements line up is
 * written as a small scalar tape — its operands from outside as leaves, its values as op nodes —
 * and replayed by the batch kernels in cache-sized blocks of lanes. The intermediate arrays then
 * never go through memory: only the run's inputs are read and its outputs written, block by block,
 * and the f64x2 kernels (vectorised tanh, exp, sigmoid) do the arithmetic.
 *
 * Lanes: element e of a value for point l sits at base + e·copies + l (storage.ts), so values
 * with the same size and the same copies have their N = size·copies elements in one contiguous
 * range and lane t of one is lane t of the other. Operands of a member must be members, values
 * laid out the same way (lane leaves), or single unbatched elements (broadcast leaves, the batch
 * kernels' parameters: one value in every lane, their adjoint the sum over the lanes), or
 * unbatched values of the member's size against batched members (repeated leaves: element e fills
 * the B lanes of its points, its adjoint is their sum — a bias vector added to a batch). Anything
 * else (a vector against a matrix) ends the run, and that value runs on the generic sweep.
 */
import { OP } from "../ops.js";
import type { Program } from "./program.js";
import type { Storage } from "./storage.js";

/** Runs shorter than this many lanes are left to the generic sweep: the per-run set-up would dominate. */
export const MIN_FUSED_LANES = 64;

export interface FusedRun {
  /** Program indices of the first and last member (values between that are not members are leaves: inputs, data, constants). */
  readonly first: number;
  readonly last: number;
  /** Lanes: size·copies of every member. */
  readonly lanes: number;
  /** The small tape: node kinds and operands, as the scalar tape stores them (tape.ts). */
  readonly ops: Uint8Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** Nodes [0, broadcast) are broadcast leaves, [broadcast, start) lane leaves, [start, n) computed. */
  readonly broadcast: number;
  readonly start: number;
  /** The program value of each leaf node, in node order. */
  readonly leaves: Int32Array;
  /** Per leaf: lanes per element, > 1 for a repeated leaf (an unbatched value against batched members), else 1. */
  readonly repeat: Int32Array;
  /** Members whose values are read outside the run (and the outputs): [node, program value] pairs. */
  readonly exits: Int32Array;
  /** The program values computed by the run. */
  readonly members: readonly number[];
  /**
   * A sum of all of one member's elements that follows the run (unbatched): taken block by block
   * inside the run (`value` the fold, `node` the member's node), so the member need not be stored.
   */
  readonly sum: { readonly value: number; readonly node: number } | null;
  /** Whether any member needs an adjoint (else the reverse sweep skips the run). */
  readonly needsAdjoint: boolean;
}

/** The runs of a program for one storage layout, in program order. */
export function planFusion(program: Program, storage: Storage): FusedRun[] {
  const { values } = program;
  const { copies } = storage;
  const n = values.length;
  const lanesOf = (i: number): number => values[i]!.size * copies[i]!;
  // Which values are read by whom: a member read by a value outside its run (or an output) exits.
  const lastReader = new Int32Array(n).fill(-1);
  values.forEach((v, i) => {
    for (const x of v.args) lastReader[x] = Math.max(lastReader[x]!, i);
  });
  const isOutput = new Uint8Array(n);
  for (const o of program.outputs) isOutput[o] = 1;

  const leafKind = (i: number): boolean => {
    const k = values[i]!.kind;
    return k === "input" || k === "data" || k === "constant";
  };
  const fusable = (i: number, lanes: number, c: number, members: Set<number>): boolean => {
    const v = values[i]!;
    if ((v.kind !== "elementwise" && v.kind !== "select") || lanesOf(i) !== lanes || copies[i] !== c) return false;
    return v.args.every((x) => members.has(x) || (lanesOf(x) === lanes && copies[x] === c && values[x]!.size === v.size) ||
      (values[x]!.size === 1 && copies[x] === 1) || (copies[x] === 1 && values[x]!.size === v.size && c > 1));
  };

  const runs: FusedRun[] = [];
  let i = 0;
  while (i < n) {
    const lanes = lanesOf(i);
    const c = copies[i]!;
    const members = new Set<number>();
    if (lanes < MIN_FUSED_LANES || !fusable(i, lanes, c, members)) {
      i++;
      continue;
    }
    let last = i;
    for (let j = i; j < n; j++) {
      if (fusable(j, lanes, c, members)) {
        members.add(j);
        last = j;
      } else if (!leafKind(j)) break;
    }
    // A full sum right after the run, of a member nothing else reads, joins it (see FusedRun.sum).
    const next = values[last + 1];
    let sum = -1;
    if (next !== undefined && next.kind === "fold" && next.op === OP.ADD && next.fold![0] === 1 && next.fold![2] === 1 &&
      c === 1 && members.has(next.args[0]!) && lastReader[next.args[0]!] === last + 1 && isOutput[next.args[0]!] === 0) {
      sum = last + 1;
    }
    runs.push(buildRun(program, storage, i, sum >= 0 ? sum : last, [...members], lastReader, isOutput, sum));
    i = (sum >= 0 ? sum : last) + 1;
  }
  return runs;
}

function buildRun(
  program: Program, storage: Storage, first: number, last: number, members: number[],
  lastReader: Int32Array, isOutput: Uint8Array, sum: number,
): FusedRun {
  const { values } = program;
  const memberSet = new Set(members);
  const broadcastLeaves: number[] = [];
  const laneLeaves: number[] = [];
  const seen = new Set<number>();
  for (const m of members) {
    for (const x of values[m]!.args) {
      if (memberSet.has(x) || seen.has(x)) continue;
      seen.add(x);
      (values[x]!.size === 1 && storage.copies[x] === 1 ? broadcastLeaves : laneLeaves).push(x);
    }
  }
  const leaves = [...broadcastLeaves, ...laneLeaves];
  const node = new Map<number, number>(leaves.map((x, k) => [x, k]));
  const start = leaves.length;
  const selects = members.filter((m) => values[m]!.kind === "select").length;
  const size = start + members.length + selects;
  const ops = new Uint8Array(size);
  const a = new Int32Array(size);
  const b = new Int32Array(size);
  let next = start;
  for (const m of members) {
    const v = values[m]!;
    const args = v.args.map((x) => node.get(x)!);
    if (v.kind === "select") {
      // The scalar tape's select: a BRANCHES node holds the two branches, SELECT the condition.
      ops[next] = OP.BRANCHES;
      a[next] = args[1]!;
      b[next] = args[2]!;
      next++;
      ops[next] = OP.SELECT;
      a[next] = args[0]!;
      b[next] = next - 1;
    } else {
      ops[next] = v.op;
      a[next] = args[0]!;
      b[next] = args.length > 1 ? args[1]! : args[0]!;
    }
    node.set(m, next);
    next++;
  }
  const exits: number[] = [];
  for (const m of members) {
    if (isOutput[m] === 1 || lastReader[m]! > last) {
      exits.push(node.get(m)!, m);
    }
  }
  // A lane leaf stored once against members stored once per point repeats each element that often.
  const c = storage.copies[first]!;
  const repeat = Int32Array.from(leaves, (x) => (storage.copies[x] === 1 && values[x]!.size > 1 && c > 1 ? c : 1));
  return {
    first, last, lanes: values[first]!.size * c, ops, a, b, members, broadcast: broadcastLeaves.length, start,
    leaves: Int32Array.from(leaves), repeat, exits: Int32Array.from(exits),
    sum: sum >= 0 ? { value: sum, node: node.get(values[sum]!.args[0]!)! } : null,
    needsAdjoint: members.some((m) => values[m]!.needsAdjoint),
  };
}

/** The members of the runs that no value outside their run reads (they need no storage of their own). */
export function internalValues(program: Program, runs: readonly FusedRun[]): Uint8Array {
  const internal = new Uint8Array(program.values.length);
  for (const run of runs) {
    for (const m of run.members) internal[m] = 1;
    for (let e = 1; e < run.exits.length; e += 2) internal[run.exits[e]!] = 0;
  }
  return internal;
}
