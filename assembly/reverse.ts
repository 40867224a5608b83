// Reverse sweep: adjoints from the outputs back to the inputs, given the values of a forward
// sweep and the seeded adjoints. Local partials are recomputed from the stored values (CppAD's
// choice: 16 bytes per node of working memory instead of 32 for cached partials).
//
// A node whose adjoint is exactly 0 is skipped: it lies on no path to a seeded output. Past that
// skip g ≠ 0, and while g is finite a plain partial·g already is what the zero rule (rules.ts
// zmul) asks: ±0 for a zero partial (an adjoint sum cannot tell −0 from +0), ±∞ or NaN for an
// infinite or NaN one. Only an infinite or NaN adjoint meeting a zero partial differs (∞·0 must
// give 0): such rare nodes take `reverseNode`, the k-lane rule of lanes.ts for one lane. One test
// of g per node measured cheaper than a zero test per product.
// Each partial is the same expression as in lanes.ts (so grad equals a reverse Jacobian's row bit
// for bit), but each branch loads only the values its rule reads (add and sub read none):
// measured on the Rosenbrock tape, loading x, y and v up front for every node cost ~25%.
import * as K from "./opcodes";
import { addF64, f64At, i32At, logDx, powDx, powLog, sqrtDx } from "./rules";
import { term, BINARY, UNARY, COPY, SUM, DIFF, lanePartials, da, db, chosen } from "./lanes";
import * as T from "./trig";

/** One node by the lane rule (the zero rule in every product), for an adjoint g that is ±∞ or NaN. */
function reverseNode(op: i32, i: i32, g: f64, ia: i32, a: usize, b: usize, val: usize, adj: usize): void {
  const ib = i32At(b, i);
  const kind = lanePartials(op, f64At(val, ia), f64At(val, ib), f64At(val, i), ia, ib, a, b);
  if (kind == SUM) { addF64(adj, ia, g); addF64(adj, ib, g); }
  else if (kind == DIFF) { addF64(adj, ia, g); addF64(adj, ib, -g); }
  else if (kind == BINARY) { addF64(adj, ia, term(da, g)); addF64(adj, ib, term(db, g)); }
  else if (kind == UNARY) addF64(adj, ia, term(da, g));
  else if (kind == COPY) addF64(adj, chosen, g);
}

export function reverse(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, adj: usize): void {
  for (let i = n - 1; i >= start; i--) {
    const g = f64At(adj, i);
    if (g == 0) continue;
    const ia = i32At(a, i);
    const op = <i32>load<u8>(ops + <usize>i);
    if (g - g != 0) { reverseNode(op, i, g, ia, a, b, val, adj); continue; } // g is ±∞ or NaN
    if (op == K.OP_ADD) { addF64(adj, ia, g); addF64(adj, i32At(b, i), g); }
    else if (op == K.OP_MUL) { const ib = i32At(b, i); addF64(adj, ia, f64At(val, ib) * g); addF64(adj, ib, f64At(val, ia) * g); }
    else if (op == K.OP_SUB) { addF64(adj, ia, g); addF64(adj, i32At(b, i), -g); }
    else if (op == K.OP_SQUARE) addF64(adj, ia, (2 * f64At(val, ia)) * g);
    else if (op == K.OP_DIV) {
      const ib = i32At(b, i);
      const y = f64At(val, ib);
      addF64(adj, ia, (1 / y) * g);
      addF64(adj, ib, (-f64At(val, i) / y) * g);
    }
    else if (op == K.OP_NEG) addF64(adj, ia, -g);
    else if (op == K.OP_TANH) { const v = f64At(val, i); addF64(adj, ia, (1 - v * v) * g); }
    else if (op == K.OP_EXP) addF64(adj, ia, f64At(val, i) * g);
    else if (op == K.OP_SIN) addF64(adj, ia, T.cos(f64At(val, ia)) * g);
    else if (op == K.OP_COS) addF64(adj, ia, -T.sin(f64At(val, ia)) * g);
    else if (op == K.OP_LOG) addF64(adj, ia, logDx(f64At(val, ia)) * g);
    else if (op == K.OP_SQRT) addF64(adj, ia, sqrtDx(f64At(val, i)) * g);
    else if (op == K.OP_SIGMOID) { const v = f64At(val, i); addF64(adj, ia, (v * (1 - v)) * g); }
    // The piecewise ops route (ops.ts `routes`); a NaN operand passes NaN (NaN in, NaN out).
    else if (op == K.OP_RELU) {
      const x = f64At(val, ia);
      if (x > 0) addF64(adj, ia, g);
      else if (x != x) addF64(adj, ia, NaN);
    }
    else if (op == K.OP_ABS) {
      const x = f64At(val, ia);
      if (x > 0) addF64(adj, ia, g);
      else if (x < 0) addF64(adj, ia, -g);
      else if (x != x) addF64(adj, ia, NaN);
    }
    else if (op == K.OP_POWC) addF64(adj, ia, powDx(f64At(val, ia), f64At(val, i32At(b, i))) * g);
    else if (op == K.OP_POW) {
      const ib = i32At(b, i);
      const x = f64At(val, ia);
      const y = f64At(val, ib);
      addF64(adj, ia, powDx(x, y) * g);
      addF64(adj, ib, (powLog(x, y) * f64At(val, i)) * g);
    }
    else if (op == K.OP_TAN) { const v = f64At(val, i); addF64(adj, ia, (1 + v * v) * g); }
    else if (op == K.OP_MIN || op == K.OP_MAX) {
      const ib = i32At(b, i);
      const x = f64At(val, ia);
      const y = f64At(val, ib);
      // Ties go to the first operand; a NaN in either makes both partials NaN.
      if (op == K.OP_MIN ? x <= y : x >= y) addF64(adj, ia, g);
      else if (op == K.OP_MIN ? x > y : x < y) addF64(adj, ib, g);
      else { addF64(adj, ia, NaN); addF64(adj, ib, NaN); }
    }
    else if (op == K.OP_SELECT) { const ib = i32At(b, i); addF64(adj, f64At(val, ia) > 0 ? i32At(a, ib) : i32At(b, ib), g); }
    // else: leaves, comparisons (derivative 0) and BRANCHES pass nothing back
  }
}
