/**
 * Template of the second-order reverse sweep (assembly/generated/hvp.ts): forward over reverse,
 * Hessian-vector products in k lanes.
 *
 * Given the values (val) and the tangents of k directions (tan, k lanes, from tangentLanes), one
 * pass back over the tape carries the ordinary adjoint ā (one lane: it does not depend on the
 * direction) and its directional derivatives ȧ (k lanes). For node i = f(a, b):
 *   ā_a += ā_i·f_a                      ȧ_a += ȧ_i·f_a + ā_i·(f_aa·ṫ_a + f_ab·ṫ_b)
 *   ā_b += ā_i·f_b                      ȧ_b += ȧ_i·f_b + ā_i·(f_ab·ṫ_a + f_bb·ṫ_b)
 * Seeded with ā = 1 at the output and ȧ = 0, the inputs end with ā = ∇f and ȧ_l = ∇²f·v_l.
 * The second-order terms are the op table's daa/dab/dbb; every product follows the zero rule
 * (lanes.ts term), the ā·(f_aa·ṫ_a + f_ab·ṫ_b) term included, and a node with ā = 0 and every ȧ
 * lane 0 is skipped.
 */
import { OP } from "../../../src/ops.js";
import { scalar, type Expr } from "../expr.js";
import { chain, unit, type OpModel } from "../model.js";
import { header, XYV } from "./common.js";

const text = (e: Expr | null): string => (e === null ? "0" : scalar(e, XYV));

function hvpCase(m: OpModel): string | null {
  if (m.da === null && m.db === null) return null; // comparisons pass nothing back
  if (m.arity === 2 && unit(m.da) === 1 && unit(m.db) !== undefined && m.daa === null && m.dab === null && m.dbb === null) {
    return `{ db = ${text(m.db)}; shape = LINEAR; }`;
  }
  // A binary op with ∂b ≡ 0 and no cross terms (powc) is unary here.
  if (m.arity === 1 || (m.db === null && m.dab === null && m.dbb === null)) {
    return m.daa === null ? `{ da = ${text(m.da)}; shape = FIRST; }` : `{ da = ${text(m.da)}; daa = ${text(m.daa)}; }`;
  }
  return `{ da = ${text(m.da)}; db = ${text(m.db)}; daa = ${text(m.daa)}; dab = ${text(m.dab)}; dbb = ${text(m.dbb)}; shape = BINARY; }`;
}

export function hvpSweep(models: readonly OpModel[]): string {
  const cases = chain(models, hvpCase, [
    { code: OP.SELECT, body: "{ shape = COPY; to = x > 0 ? i32At(a, ib) : i32At(b, ib); }" },
  ], "    ", `{
      da = G.coldDa(op, x, y, v);
      daa = G.coldSecond(op, 0, x, y, v);
      if (G.coldArity(op) == 2) {
        db = G.coldDb(op, x, y, v);
        dab = G.coldSecond(op, 1, x, y, v);
        dbb = G.coldSecond(op, 2, x, y, v);
        shape = BINARY;
      }
    }`);
  return `${header("Hessian-vector products: forward over reverse in k lanes.", "scripts/gen/sweeps/hvp.ts")}
import * as K from "./opcodes";
import { f64At, i32At, addF64 } from "../rules";
import * as R from "../rules";
import * as G from "./cold";
import * as T from "../trig";
import { addLane, anyLane, laneAt, term } from "../lanes";

const UNARY = 1; // ā·f_a, ȧ·f_a + ā·f_aa·ṫ_a
const FIRST = 2; // a unary op with f_aa = 0 (neg, relu, abs): ā·f_a, ȧ·f_a
const BINARY = 3;
const LINEAR = 4; // add, sub: ā and ȧ passed on times ±1, no products the zero rule must guard
const COPY = 5; // select: ā and ȧ passed to the chosen branch

export function hvpLanes(
  n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, tan: usize, adj: usize, sadj: usize, k: i32,
): void {
  const stride = <usize>k << 3;
  for (let i = n - 1; i >= start; i--) {
    const g = f64At(adj, i);
    const gd = sadj + <usize>i * stride;
    if (g == 0 && !anyLane(gd, k)) continue;
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const x = f64At(val, ia);
    const y = f64At(val, ib);
    const v = f64At(val, i);
    let da: f64 = 0;
    let db: f64 = 0;
    let daa: f64 = 0;
    let dab: f64 = 0;
    let dbb: f64 = 0;
    let shape = UNARY;
    let to = ia;
    const op = <i32>load<u8>(ops + <usize>i);
    ${cases}
    else continue; // constants, comparisons and branches pass nothing back

    const ta = tan + <usize>ia * stride;
    const sa = sadj + <usize>ia * stride;
    if (shape == LINEAR) {
      addF64(adj, ia, g);
      addF64(adj, ib, db * g);
      const sb = sadj + <usize>ib * stride;
      for (let l = 0; l < k; l++) {
        const gl = laneAt(gd, l);
        addLane(sa, l, gl);
        addLane(sb, l, db * gl);
      }
    } else if (shape == BINARY) {
      addF64(adj, ia, term(da, g));
      addF64(adj, ib, term(db, g));
      const tb = tan + <usize>ib * stride;
      const sb = sadj + <usize>ib * stride;
      for (let l = 0; l < k; l++) {
        const gl = laneAt(gd, l);
        const tal = laneAt(ta, l);
        const tbl = laneAt(tb, l);
        const ca = term(g, term(daa, tal) + term(dab, tbl));
        const cb = term(g, term(dab, tal) + term(dbb, tbl));
        addLane(sa, l, term(da, gl) + ca);
        addLane(sb, l, term(db, gl) + cb);
      }
    } else if (shape == UNARY) {
      addF64(adj, ia, term(da, g));
      for (let l = 0; l < k; l++) {
        const c = term(g, term(daa, laneAt(ta, l)));
        addLane(sa, l, term(da, laneAt(gd, l)) + c);
      }
    } else if (shape == FIRST) {
      addF64(adj, ia, term(da, g));
      for (let l = 0; l < k; l++) addLane(sa, l, term(da, laneAt(gd, l)));
    } else {
      addF64(adj, to, g);
      const st = sadj + <usize>to * stride;
      for (let l = 0; l < k; l++) addLane(st, l, laneAt(gd, l));
    }
  }
}
`;
}
