/**
 * The TypeScript engine's lane sweeps, straight from the op table (ops.ts): k tangents, k
 * cotangents, or k second-order adjoints per pass, lane l of node i at index i·k + l — the same
 * layout and rules as assembly/tangent_lanes.ts, reverse_lanes.ts and hvp.ts. Every product of
 * a partial and a tangent or adjoint follows the zero rule (ops.ts `zmul`).
 */
import { OP, OPS, zmul } from "../ops.js";

const DA = OPS.map((r) => r.da);
const DB = OPS.map((r) => r.db);
const DAA = OPS.map((r) => r.daa);
const DAB = OPS.map((r) => r.dab);
const DBB = OPS.map((r) => r.dbb);
/** 0: no derivative (leaves, comparisons, branches), 1: unary, 2: binary. */
const ARITY = OPS.map((r) => (r.kind === "unary" ? 1 : r.kind === "binary" ? 2 : 0));

const ROUTES = OPS.map((r) => r.routes);

const term = zmul;

/** How a node's tangent is formed from its operands' (see `forwardShape`). */
export const GENERAL = 0; // term(da, t_a) + term(db, t_b)
export const COPY_A = 1; // t_a as it is
export const COPY_B = 2; // t_b as it is

/**
 * A piecewise op (ops.ts `routes`) whose partials select one operand passes that operand's tangent
 * on as it is, −0 included — as the wasm sweeps do (assembly/lanes.ts COPY) — so both engines'
 * forward modes agree to the sign of zero. Everything else, a NaN partial included, is GENERAL.
 */
export function forwardShape(routes: boolean, arity: number, da: number, db: number): number {
  if (!routes) return GENERAL;
  if (da === 1 && (arity === 1 || db === 0)) return COPY_A;
  if (arity === 2 && db === 1 && da === 0) return COPY_B;
  return GENERAL;
}

/** The tangent of one node from its operands' tangents, given its shape and partials. */
export function tangentOf(shape: number, arity: number, da: number, db: number, ta: number, tb: number): number {
  if (shape === COPY_A) return ta;
  if (shape === COPY_B) return tb;
  return arity === 1 ? term(da, ta) : term(da, ta) + term(db, tb);
}

/** The tape arrays and the stored values a lane sweep reads. */
export interface LaneTape {
  readonly op: Uint8Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly val: Float64Array;
  /** First non-leaf node. */
  readonly start: number;
}

/** Tangents in k lanes for nodes [start, n); the caller seeded the leaves' lanes. */
export function tangentLanes(t: LaneTape, tan: Float64Array, k: number): void {
  const { op, a, b, val } = t;
  const n = op.length;
  for (let i = t.start; i < n; i++) {
    const code = op[i]!;
    const ia = a[i]!;
    const ib = b[i]!;
    const out = i * k;
    const arity = ARITY[code]!;
    if (code === OP.SELECT) {
      const from = (val[ia]! > 0 ? a[ib]! : b[ib]!) * k;
      for (let l = 0; l < k; l++) tan[out + l] = tan[from + l]!;
    } else if (arity === 0) {
      for (let l = 0; l < k; l++) tan[out + l] = 0;
    } else {
      const x = val[ia]!;
      const y = val[ib]!;
      const v = val[i]!;
      const da = DA[code]!(x, y, v);
      const db = arity === 2 ? DB[code]!(x, y, v) : 0;
      const shape = forwardShape(ROUTES[code]!, arity, da, db);
      const pa = ia * k;
      const pb = ib * k;
      for (let l = 0; l < k; l++) tan[out + l] = tangentOf(shape, arity, da, db, tan[pa + l]!, tan[pb + l]!);
    }
  }
}

/** Adjoints in k lanes, back from the seeded outputs; a node whose lanes are all 0 is skipped. */
export function reverseLanes(t: LaneTape, adj: Float64Array, k: number): void {
  const { op, a, b, val } = t;
  for (let i = op.length - 1; i >= t.start; i--) {
    const g = i * k;
    let live = false;
    for (let l = 0; l < k; l++) if (adj[g + l] !== 0) { live = true; break; }
    if (!live) continue;
    const code = op[i]!;
    const ia = a[i]!;
    const ib = b[i]!;
    const arity = ARITY[code]!;
    if (code === OP.SELECT) {
      const to = (val[ia]! > 0 ? a[ib]! : b[ib]!) * k;
      for (let l = 0; l < k; l++) adj[to + l] += adj[g + l]!;
      continue;
    }
    if (arity === 0) continue;
    const x = val[ia]!;
    const y = val[ib]!;
    const v = val[i]!;
    const da = DA[code]!(x, y, v);
    const pa = ia * k;
    if (arity === 1) {
      for (let l = 0; l < k; l++) adj[pa + l] += term(da, adj[g + l]!);
    } else {
      const db = DB[code]!(x, y, v);
      const pb = ib * k;
      for (let l = 0; l < k; l++) {
        const gl = adj[g + l]!;
        adj[pa + l] += term(da, gl);
        adj[pb + l] += term(db, gl);
      }
    }
  }
}

/**
 * Forward over reverse: with the values and k tangent lanes (tan) known, one pass back carries
 * the adjoint ā (adj, one lane, seeded 1 at the output) and its directional derivatives ȧ (sadj,
 * k lanes, seeded 0). See assembly/hvp.ts for the recurrences.
 */
export function hvpLanes(t: LaneTape, tan: Float64Array, adj: Float64Array, sadj: Float64Array, k: number): void {
  const { op, a, b, val } = t;
  for (let i = op.length - 1; i >= t.start; i--) {
    const g = adj[i]!;
    const gd = i * k;
    let live = g !== 0;
    for (let l = 0; l < k && !live; l++) if (sadj[gd + l] !== 0) live = true;
    if (!live) continue;
    const code = op[i]!;
    const ia = a[i]!;
    const ib = b[i]!;
    const arity = ARITY[code]!;
    const routes = ROUTES[code]!;
    if (code === OP.SELECT) {
      const to = val[ia]! > 0 ? a[ib]! : b[ib]!;
      adj[to] += g;
      for (let l = 0; l < k; l++) sadj[to * k + l] += sadj[gd + l]!;
      continue;
    }
    if (arity === 0) continue;
    const x = val[ia]!;
    const y = val[ib]!;
    const v = val[i]!;
    const da = DA[code]!(x, y, v);
    const daa = DAA[code]!(x, y, v);
    const pa = ia * k;
    adj[ia] += term(da, g);
    // A piecewise op's second partials are 0 and it routes: no ā·f_aa term (assembly/hvp.ts
    // copies or negates the lanes instead); elsewhere ā·(…) follows the zero rule too.
    const second = g !== 0 && !routes;
    if (arity === 1) {
      for (let l = 0; l < k; l++) {
        const c = second ? term(g, term(daa, tan[pa + l]!)) : 0;
        sadj[pa + l] += term(da, sadj[gd + l]!) + c;
      }
    } else {
      const db = DB[code]!(x, y, v);
      const dab = DAB[code]!(x, y, v);
      const dbb = DBB[code]!(x, y, v);
      const pb = ib * k;
      adj[ib] += term(db, g);
      for (let l = 0; l < k; l++) {
        const gl = sadj[gd + l]!;
        const ta = tan[pa + l]!;
        const tb = tan[pb + l]!;
        const secondA = second ? term(g, term(daa, ta) + term(dab, tb)) : 0;
        const secondB = second ? term(g, term(dab, ta) + term(dbb, tb)) : 0;
        sadj[pa + l] += term(da, gl) + secondA;
        sadj[pb + l] += term(db, gl) + secondB;
      }
    }
  }
}
