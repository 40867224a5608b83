/**
 * Compressed evaluation: sparse Jacobians and Hessians by one seeded lane per color, up to
 * engine.maxLanes (8) colors per sweep, and direct recovery of each nonzero from the compressed
 * result. The pattern, colorings and recovery plans are computed once per tape and cached here.
 *
 * - Forward mode: lane c seeds the sum of the unit vectors of the columns of color c; output r
 *   of that lane is J_rc for the one column c of that color with a nonzero in row r.
 * - Reverse mode: the same with rows and cotangents.
 * - Hessian: lane c is ∇²f·s_c for the star coloring's seeds; each H_ij is read directly (see
 *   coloring.ts), H_ij and H_ji from the same number, so the result is exactly symmetric.
 */
import type { Engine } from "../engine/engine.js";
import { chooseMode, type JacobianMode } from "../mode.js";
import type { Tape } from "../tape.js";
import { columnColoring, rowColoring, starColoring, transpose, type Coloring } from "./coloring.js";
import { propagate, type SparsityPattern } from "./pattern.js";

/** How to seed the sweeps of one coloring and where each nonzero is read from. */
export interface Plan {
  /** Number of colors: seeded directions. */
  colors: number;
  /** Length of one seed (n for tangents, m for cotangents). */
  seedWidth: number;
  /** Length of one compressed result (m for tangents, n for gradients and Hessian columns). */
  width: number;
  /** The members of color c (columns or rows) are seedIdx[seedPtr[c] … seedPtr[c + 1]). */
  seedPtr: Int32Array;
  seedIdx: Int32Array;
  /** The nonzeros read from color c's result: data[entryPos[e]] = result[entryAt[e]]. */
  entryPtr: Int32Array;
  entryPos: Int32Array;
  entryAt: Int32Array;
}

/** Times of the one-off work, for reports. */
export interface SparseTimings {
  /** Milliseconds of the propagation passes (Jacobian, Hessian). */
  patternMs: number;
  /** Milliseconds of the colorings and plans. */
  coloringMs: number;
  /** The most bytes the index sets of a pass held at once. */
  peakBytes: number;
}

interface SparseState {
  jacobian: SparsityPattern | null;
  hessian: SparsityPattern | null;
  forward: Plan | null;
  reverse: Plan | null;
  hessianPlan: Plan | null;
  timings: SparseTimings;
}

const states = new WeakMap<Tape, SparseState>();

function state(tape: Tape): SparseState {
  let s = states.get(tape);
  if (s === undefined) {
    s = { jacobian: null, hessian: null, forward: null, reverse: null, hessianPlan: null, timings: { patternMs: 0, coloringMs: 0, peakBytes: 0 } };
    states.set(tape, s);
  }
  return s;
}

/** @internal The one-off costs spent on a tape so far (bench). */
export function sparseTimings(tape: Tape): SparseTimings {
  return { ...state(tape).timings };
}

/** The Jacobian's pattern (outputs × inputs), computed on first use. */
export function jacobianPattern(tape: Tape): SparsityPattern {
  const s = state(tape);
  if (s.jacobian === null) {
    const { jacobian, stats } = propagate(tape, false);
    s.jacobian = jacobian;
    s.timings.patternMs += stats.ms;
    s.timings.peakBytes = Math.max(s.timings.peakBytes, stats.peakBytes);
  }
  return s.jacobian;
}

/** The Hessian's pattern (inputs × inputs; the union over the outputs), computed on first use. */
export function hessianPattern(tape: Tape): SparsityPattern {
  const s = state(tape);
  if (s.hessian === null) {
    const { jacobian, hessian, stats } = propagate(tape, true);
    s.jacobian ??= jacobian;
    s.hessian = hessian!;
    s.timings.patternMs += stats.ms;
    s.timings.peakBytes = Math.max(s.timings.peakBytes, stats.peakBytes);
  }
  return s.hessian;
}

/** A copy of a pattern, for users (the cached one stays untouched). */
export function copyPattern(P: SparsityPattern): SparsityPattern {
  return { rows: P.rows, cols: P.cols, nnz: P.nnz, rowPtr: P.rowPtr.slice(), colIdx: P.colIdx.slice() };
}

/** The plan of a sparse Jacobian in one mode, computed on first use. */
function jacobianPlan(tape: Tape, mode: JacobianMode): Plan {
  const s = state(tape);
  const cached = mode === "forward" ? s.forward : s.reverse;
  if (cached !== null) return cached;
  const P = jacobianPattern(tape);
  const started = performance.now();
  const T = transpose(P);
  const coloring = mode === "forward" ? columnColoring(P, T) : rowColoring(P, T);
  const sourceColor = new Int32Array(P.nnz);
  const sourceAt = new Int32Array(P.nnz);
  for (let r = 0; r < P.rows; r++) {
    for (let e = P.rowPtr[r]!; e < P.rowPtr[r + 1]!; e++) {
      const c = P.colIdx[e]!;
      if (mode === "forward") (sourceColor[e] = coloring.color[c]!), (sourceAt[e] = r);
      else (sourceColor[e] = coloring.color[r]!), (sourceAt[e] = c);
    }
  }
  const plan = mode === "forward"
    ? makePlan(coloring, P.cols, P.rows, sourceColor, sourceAt)
    : makePlan(coloring, P.rows, P.cols, sourceColor, sourceAt);
  s.timings.coloringMs += performance.now() - started;
  if (mode === "forward") s.forward = plan;
  else s.reverse = plan;
  return plan;
}

/** The Hessian's plan (star coloring, direct recovery), computed on first use. */
function hessianPlan(tape: Tape): Plan {
  const s = state(tape);
  if (s.hessianPlan !== null) return s.hessianPlan;
  const H = hessianPattern(tape);
  const started = performance.now();
  const coloring = starColoring(H);
  const { sourceColor, sourceAt } = starSources(H, coloring);
  s.hessianPlan = makePlan(coloring, H.cols, H.rows, sourceColor, sourceAt);
  s.timings.coloringMs += performance.now() - started;
  return s.hessianPlan;
}

/**
 * Where each H_ij is read: for i < j, column color(j) at row i when j is the only column of its
 * color in row i, else column color(i) at row j (a star coloring makes one of the two hold);
 * H_ji from the same place. Throws if neither holds (the coloring is not a star coloring).
 */
export function starSources(H: SparsityPattern, coloring: Coloring): { sourceColor: Int32Array; sourceAt: Int32Array } {
  const { rowPtr, colIdx, nnz } = H;
  const n = H.rows;
  const color = coloring.color;
  const sourceColor = new Int32Array(nnz);
  const sourceAt = new Int32Array(nnz);
  const seen = new Int32Array(coloring.count).fill(-1);
  const count = new Int32Array(coloring.count);
  for (let i = 0; i < n; i++) {
    const from = rowPtr[i]!;
    const to = rowPtr[i + 1]!;
    for (let e = from; e < to; e++) {
      const c = color[colIdx[e]!]!;
      if (seen[c] !== i) (seen[c] = i), (count[c] = 0);
      count[c]++;
    }
    for (let e = from; e < to; e++) {
      const j = colIdx[e]!;
      if (j > i) {
        if (count[color[j]!] === 1) (sourceColor[e] = color[j]!), (sourceAt[e] = i);
        else (sourceColor[e] = color[i]!), (sourceAt[e] = j); // checked when row j is reached
      } else if (j === i) {
        sourceColor[e] = color[i]!;
        sourceAt[e] = i;
      } else {
        const mirror = find(colIdx, rowPtr[j]!, rowPtr[j + 1]!, i);
        if (mirror < 0) throw new Error("tapegrad: internal error: the Hessian pattern is not symmetric");
        sourceColor[e] = sourceColor[mirror]!;
        sourceAt[e] = sourceAt[mirror]!;
        // Read at row i of color(j)'s column: j must be the only column of its color in row i.
        if (sourceAt[e] === i && count[color[j]!] !== 1) {
          throw new Error("tapegrad: internal error: the Hessian coloring is not a star coloring");
        }
      }
    }
  }
  return { sourceColor, sourceAt };
}

function find(colIdx: Int32Array, from: number, to: number, value: number): number {
  let lo = from;
  let hi = to - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = colIdx[mid]!;
    if (x === value) return mid;
    if (x < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Groups the seeds and the nonzeros by color. */
function makePlan(coloring: Coloring, seedWidth: number, width: number, sourceColor: Int32Array, sourceAt: Int32Array): Plan {
  const colors = coloring.count;
  const seedPtr = new Int32Array(colors + 1);
  for (let i = 0; i < coloring.color.length; i++) if (coloring.color[i]! >= 0) seedPtr[coloring.color[i]! + 1]++;
  for (let c = 0; c < colors; c++) seedPtr[c + 1] += seedPtr[c]!;
  const seedIdx = new Int32Array(seedPtr[colors]!);
  const fillSeed = seedPtr.slice(0, colors);
  for (let i = 0; i < coloring.color.length; i++) if (coloring.color[i]! >= 0) seedIdx[fillSeed[coloring.color[i]!]!++] = i;
  const nnz = sourceColor.length;
  const entryPtr = new Int32Array(colors + 1);
  for (let e = 0; e < nnz; e++) entryPtr[sourceColor[e]! + 1]++;
  for (let c = 0; c < colors; c++) entryPtr[c + 1] += entryPtr[c]!;
  const fill = entryPtr.slice(0, colors);
  const entryPos = new Int32Array(nnz);
  const entryAt = new Int32Array(nnz);
  for (let e = 0; e < nnz; e++) {
    const p = fill[sourceColor[e]!]!++;
    entryPos[p] = e;
    entryAt[p] = sourceAt[e]!;
  }
  return { colors, seedWidth, width, seedPtr, seedIdx, entryPtr, entryPos, entryAt };
}

/** @internal The colorings' sizes (tests, bench): colors of each plan computed so far, or computes them. */
export function sparseColors(tape: Tape): { forward: number; reverse: number; hessian: number | null } {
  return {
    forward: jacobianPlan(tape, "forward").colors,
    reverse: jacobianPlan(tape, "reverse").colors,
    hessian: tape.outputs.length === 1 ? hessianPlan(tape).colors : null,
  };
}

/** Runs the plan's sweeps, `block(seeds, k, out)` carrying k seeds, and scatters the nonzeros into data. */
function run(plan: Plan, lanes: number, block: (seeds: Float64Array, k: number, out: Float64Array) => void, data: Float64Array): void {
  const { colors, seedWidth, width, seedPtr, seedIdx, entryPtr, entryPos, entryAt } = plan;
  if (colors === 0) return;
  const K = Math.min(lanes, colors);
  const seeds = new Float64Array(K * seedWidth);
  const out = new Float64Array(K * width);
  for (let first = 0; first < colors; first += K) {
    const k = Math.min(K, colors - first);
    seeds.fill(0, 0, k * seedWidth);
    for (let l = 0; l < k; l++) {
      const row = l * seedWidth;
      for (let p = seedPtr[first + l]!; p < seedPtr[first + l + 1]!; p++) seeds[row + seedIdx[p]!] = 1;
    }
    block(seeds, k, out);
    for (let l = 0; l < k; l++) {
      const row = l * width;
      for (let p = entryPtr[first + l]!; p < entryPtr[first + l + 1]!; p++) data[entryPos[p]!] = out[row + entryAt[p]!]!;
    }
  }
}

/**
 * The Jacobian's nonzeros at (x, data), in the pattern's order, by the mode given or, for
 * "auto", the one whose colors cost less (chooseMode on the color counts); the output values go
 * to `values`.
 */
export function sparseJacobian(
  engine: Engine, tape: Tape, x: ArrayLike<number>, point: ArrayLike<number>, mode: JacobianMode | "auto", values: Float64Array,
): { data: Float64Array; mode: JacobianMode; colors: number } {
  const used = mode === "auto"
    ? chooseMode(jacobianPlan(tape, "forward").colors, jacobianPlan(tape, "reverse").colors, engine.maxLanes)
    : mode;
  const plan = jacobianPlan(tape, used);
  const data = new Float64Array(jacobianPattern(tape).nnz);
  engine.setPoint(x, point, values);
  if (used === "forward") run(plan, engine.maxLanes, (seeds, k, out) => engine.tangentBlock(seeds, 0, k, out), data);
  else run(plan, engine.maxLanes, (seeds, k, out) => engine.cotangentBlock(seeds, 0, k, out, 0), data);
  return { data, mode: used, colors: plan.colors };
}

/** The Hessian's nonzeros at (x, data) of a scalar function, in the pattern's order, and its value. */
export function sparseHessian(engine: Engine, tape: Tape, x: ArrayLike<number>, point: ArrayLike<number>): { data: Float64Array; value: number; colors: number } {
  const plan = hessianPlan(tape);
  const data = new Float64Array(hessianPattern(tape).nnz);
  const value = new Float64Array(1);
  engine.setPoint(x, point, value);
  run(plan, engine.maxLanes, (seeds, k, out) => engine.hvpBlock(seeds, 0, k, out, 0), data);
  return { data, value: value[0]!, colors: plan.colors };
}
