/**
 * The TypeScript engine's lane sweeps, straight from the op table (ops.ts): k tangents, k
 * cotangents, or k second-order adjoints per pass, lane l of node i at index i·k + l — the same
 * layout and rules as assembly/tangent_lanes.ts, reverse_lanes.ts and hvp.ts. Every product of
 * a partial and a tangent or adjoint follows the zero rule (ops.ts `zmul`).
 */
import { OP, OPS, ZERO_RULE, zmul } from "../ops.js";

const DA = OPS.map((r) => r.da);
const DB = OPS.map((r) => r.db);
const DAA = OPS.map((r) => r.daa);
const DAB = OPS.map((r) => r.dab);
const DBB = OPS.map((r) => r.dbb);
/**
 * 0: no derivative (leaves, comparisons, branches), 1: unary — or binary with ∂b ≡ 0 (powc), as
 * the generated kernels treat it —, 2: binary. Shared with js.ts.
 */
export const ARITY = OPS.map((r) =>
  r.kind === "unary" || (r.kind === "binary" && r.db === ZERO_RULE) ? 1 : r.kind === "binary" ? 2 : 0,
);
/** Ops with a second-order term: the others pass ȧ·f_a only (generated hvp.ts: FIRST, LINEAR). */
const SECOND = OPS.map((r) => r.daa !== ZERO_RULE || r.dab !== ZERO_RULE || r.dbb !== ZERO_RULE);

const term = zmul;

/**
 * The tangent of one node from its operands' tangents: every partial under the zero rule, as the
 * generated kernels compute it (a ±1 partial there passes ±t, which term(±1, t) equals).
 */
export function tangentOf(arity: number, da: number, db: number, ta: number, tb: number): number {
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
      const pa = ia * k;
      const pb = ib * k;
      for (let l = 0; l < k; l++) tan[out + l] = tangentOf(arity, da, db, tan[pa + l]!, tan[pb + l]!);
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
    // ā·(…) only for ops with a second-order term, as the generated hvp.ts; it follows the zero rule.
    const second = g !== 0 && SECOND[code]!;
    if (arity === 1) {
      for (let l = 0; l < k; l++) {
        const c = second ? term(g, term(daa, tan[pa + l]!)) : 0;
        sadj[pa + l] += second ? term(da, sadj[gd + l]!) + c : term(da, sadj[gd + l]!);
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
        sadj[pa + l] += second ? term(da, gl) + secondA : term(da, gl);
        sadj[pb + l] += second ? term(db, gl) + secondB : term(db, gl);
      }
    }
  }
}
