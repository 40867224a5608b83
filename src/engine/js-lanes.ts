/**
 * The TypeScript engine's lane sweeps, straight from the op table (ops.ts): k tangents, k
 * cotangents, or k second-order adjoints per pass, lane l of node i at index i·k + l — the same
 * layout and rules as assembly/tangent_lanes.ts, reverse_lanes.ts and hvp.ts. A zero tangent or
 * adjoint contributes exactly 0 whatever the partial, as in the single-lane sweeps.
 */
import { OP, OPS } from "../ops.js";

const DA = OPS.map((r) => r.da);
const DB = OPS.map((r) => r.db);
const DAA = OPS.map((r) => r.daa);
const DAB = OPS.map((r) => r.dab);
const DBB = OPS.map((r) => r.dbb);
/** 0: no derivative (leaves, comparisons, branches), 1: unary, 2: binary. */
const ARITY = OPS.map((r) => (r.kind === "unary" ? 1 : r.kind === "binary" ? 2 : 0));

const ROUTES = OPS.map((r) => r.routes);

const term = (partial: number, t: number): number => (t === 0 ? 0 : partial * t);
/** The term of a piecewise op (ops.ts `routes`): a 0 partial passes exactly 0, even of an infinity. */
const route = (partial: number, t: number): number => (t === 0 || partial === 0 ? 0 : partial * t);

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
    const apply = ROUTES[code] ? route : term;
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
      const pa = ia * k;
      if (arity === 1) {
        for (let l = 0; l < k; l++) tan[out + l] = apply(da, tan[pa + l]!);
      } else {
        const db = DB[code]!(x, y, v);
        const pb = ib * k;
        for (let l = 0; l < k; l++) tan[out + l] = apply(da, tan[pa + l]!) + apply(db, tan[pb + l]!);
      }
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
    const apply = ROUTES[code] ? route : term;
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
      for (let l = 0; l < k; l++) adj[pa + l] += apply(da, adj[g + l]!);
    } else {
      const db = DB[code]!(x, y, v);
      const pb = ib * k;
      for (let l = 0; l < k; l++) {
        const gl = adj[g + l]!;
        adj[pa + l] += apply(da, gl);
        adj[pb + l] += apply(db, gl);
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
    const apply = routes ? route : term;
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
    adj[ia] += apply(da, g);
    // A piecewise op's second partials are 0 and it routes: no ā·f_aa term, so an infinite ā
    // there gives 0, not ∞·0 = NaN (assembly/hvp.ts copies or negates the lanes instead).
    const second = g !== 0 && !routes;
    if (arity === 1) {
      for (let l = 0; l < k; l++) {
        const c = second ? g * term(daa, tan[pa + l]!) : 0;
        sadj[pa + l] += apply(da, sadj[gd + l]!) + c;
      }
    } else {
      const db = DB[code]!(x, y, v);
      const dab = DAB[code]!(x, y, v);
      const dbb = DBB[code]!(x, y, v);
      const pb = ib * k;
      adj[ib] += apply(db, g);
      for (let l = 0; l < k; l++) {
        const gl = sadj[gd + l]!;
        const ta = tan[pa + l]!;
        const tb = tan[pb + l]!;
        const secondA = second ? g * (term(daa, ta) + term(dab, tb)) : 0;
        const secondB = second ? g * (term(dab, ta) + term(dbb, tb)) : 0;
        sadj[pa + l] += apply(da, gl) + secondA;
        sadj[pb + l] += apply(db, gl) + secondB;
      }
    }
  }
}
