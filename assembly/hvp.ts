// Second-order reverse sweep (forward over reverse) for Hessian-vector products in k lanes.
//
// Given the values (val) and the tangents of k directions (tan, k lanes, from tangentLanes), one
// pass back over the tape carries the ordinary adjoint ā (one lane: it does not depend on the
// direction) and its directional derivatives ȧ (k lanes). For node i = f(a, b):
//   ā_a += ā_i·f_a                      ȧ_a += ȧ_i·f_a + ā_i·(f_aa·ṫ_a + f_ab·ṫ_b)
//   ā_b += ā_i·f_b                      ȧ_b += ȧ_i·f_b + ā_i·(f_ab·ṫ_a + f_bb·ṫ_b)
// Seeded with ā = 1 at the output and ȧ = 0, the inputs end with ā = ∇f and ȧ_l = ∇²f·v_l.
// The second-order terms mirror daa/dab/dbb in src/ops.ts; the first-order partials are the
// expressions of lanes.ts. Every product follows the zero rule (rules.ts zmul, lanes.ts term),
// the ā·(f_aa·ṫ_a + f_ab·ṫ_b) term included, and a node with ā = 0 and every ȧ lane 0 is skipped.
import * as K from "./opcodes";
import { f64At, i32At, logDaa, logDx, powDaa, powDx, powLog, sqrtDaa, sqrtDx, addF64 } from "./rules";
import * as JS from "./trig";
import { addLane, anyLane, laneAt, term, BINARY, UNARY, COPY } from "./lanes";

/** add and sub in this sweep: ā and ȧ passed on times ±1. */
const LINEAR = 5;


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
    let sign: f64 = 1; // COPY passes sign·ā and sign·ȧ: −1 for abs below 0
    const op = <i32>load<u8>(ops + <usize>i);
    if (op == K.OP_ADD) { da = 1; db = 1; shape = LINEAR; }
    else if (op == K.OP_MUL) { da = y; db = x; dab = 1; shape = BINARY; }
    else if (op == K.OP_SUB) { da = 1; db = -1; shape = LINEAR; }
    else if (op == K.OP_SQUARE) { da = 2 * x; daa = 2; }
    else if (op == K.OP_DIV) { da = 1 / y; db = -v / y; dab = -1 / (y * y); dbb = 2 * v / (y * y); shape = BINARY; }
    else if (op == K.OP_NEG) da = -1;
    else if (op == K.OP_TANH) { da = 1 - v * v; daa = -2 * v * da; }
    else if (op == K.OP_EXP) { da = v; daa = v; }
    else if (op == K.OP_SIN) { da = JS.cos(x); daa = -v; }
    else if (op == K.OP_COS) { da = -JS.sin(x); daa = -v; }
    else if (op == K.OP_LOG) { da = logDx(x); daa = logDaa(x); }
    else if (op == K.OP_SQRT) { da = sqrtDx(v); daa = sqrtDaa(v); }
    else if (op == K.OP_SIGMOID) { da = v * (1 - v); daa = da * (1 - 2 * v); }
    // relu and abs route (ops.ts `routes`): pass or negate ā and ȧ, never 0·lane; f_aa = 0.
    // A NaN operand gets the partial NaN (NaN in, NaN out).
    else if (op == K.OP_RELU) { if (x > 0) shape = COPY; else if (x <= 0) continue; else da = NaN; }
    else if (op == K.OP_ABS) {
      if (x > 0) shape = COPY;
      else if (x < 0) { shape = COPY; sign = -1; }
      else if (x == 0) continue;
      else da = NaN;
    }
    else if (op == K.OP_POWC) { da = powDx(x, y); daa = powDaa(x, y); }
    else if (op == K.OP_POW) {
      const ln = powLog(x, y);
      da = powDx(x, y);
      db = ln * v;
      daa = powDaa(x, y);
      dab = Math.pow(x, y - 1) * (1 + y * ln);
      dbb = ln * ln * v;
      shape = BINARY;
    }
    else if (op == K.OP_TAN) { da = 1 + v * v; daa = 2 * v * da; }
    // Ties go to the first operand; a NaN in either makes both partials NaN.
    else if (op == K.OP_MIN) {
      if (x <= y) shape = COPY; else if (x > y) { shape = COPY; to = ib; } else { da = NaN; db = NaN; shape = BINARY; }
    }
    else if (op == K.OP_MAX) {
      if (x >= y) shape = COPY; else if (x < y) { shape = COPY; to = ib; } else { da = NaN; db = NaN; shape = BINARY; }
    }
    else if (op == K.OP_SELECT) { shape = COPY; to = x > 0 ? i32At(a, ib) : i32At(b, ib); }
    else continue; // constants, comparisons and branches pass nothing back

    const ta = tan + <usize>ia * stride;
    const sa = sadj + <usize>ia * stride;
    if (shape == LINEAR) {
      // add, sub: partials ±1, no second-order terms, so no products the zero rule must guard.
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
    } else {
      addF64(adj, to, sign * g);
      const st = sadj + <usize>to * stride;
      for (let l = 0; l < k; l++) addLane(st, l, sign * laneAt(gd, l));
    }
  }
}
