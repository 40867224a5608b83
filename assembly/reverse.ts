// Reverse sweep: adjoints from the outputs back to the inputs, given the values of a forward
// sweep and the seeded adjoints. Local partials are recomputed from the stored values (CppAD's
// choice: 16 bytes per node of working memory instead of 32 for cached partials).
// A node whose adjoint is exactly 0 is skipped: it lies on no path to a seeded output, so an
// infinite or NaN partial below it (an unchosen select branch, say) contributes nothing.
// Each branch loads only the values its rule reads (add and sub read none): measured on the
// Rosenbrock tape, loading x, y and v up front for every node cost ~25% of the sweep.
import * as K from "./opcodes";
import { addF64, f64At, i32At, logDx, powDx, powLog } from "./rules";

export function reverse(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, adj: usize): void {
  for (let i = n - 1; i >= start; i--) {
    const g = f64At(adj, i);
    if (g == 0) continue;
    const ia = i32At(a, i);
    const op = <i32>load<u8>(ops + <usize>i);
    if (op == K.OP_ADD) { addF64(adj, ia, g); addF64(adj, i32At(b, i), g); }
    else if (op == K.OP_MUL) { const ib = i32At(b, i); addF64(adj, ia, g * f64At(val, ib)); addF64(adj, ib, g * f64At(val, ia)); }
    else if (op == K.OP_SUB) { addF64(adj, ia, g); addF64(adj, i32At(b, i), -g); }
    else if (op == K.OP_SQUARE) addF64(adj, ia, g * (2 * f64At(val, ia)));
    else if (op == K.OP_DIV) { const ib = i32At(b, i); const y = f64At(val, ib); addF64(adj, ia, g / y); addF64(adj, ib, -g * f64At(val, i) / y); }
    else if (op == K.OP_NEG) addF64(adj, ia, -g);
    else if (op == K.OP_TANH) { const v = f64At(val, i); addF64(adj, ia, g * (1 - v * v)); }
    else if (op == K.OP_EXP) addF64(adj, ia, g * f64At(val, i));
    else if (op == K.OP_SIN) addF64(adj, ia, g * Math.cos(f64At(val, ia)));
    else if (op == K.OP_COS) addF64(adj, ia, -g * Math.sin(f64At(val, ia)));
    else if (op == K.OP_LOG) addF64(adj, ia, g * logDx(f64At(val, ia)));
    else if (op == K.OP_SQRT) addF64(adj, ia, g * (0.5 / f64At(val, i)));
    else if (op == K.OP_SIGMOID) { const v = f64At(val, i); addF64(adj, ia, g * (v * (1 - v))); }
    else if (op == K.OP_RELU) { if (f64At(val, ia) > 0) addF64(adj, ia, g); }
    else if (op == K.OP_ABS) { const x = f64At(val, ia); if (x > 0) addF64(adj, ia, g); else if (x < 0) addF64(adj, ia, -g); }
    else if (op == K.OP_POWC) addF64(adj, ia, g * powDx(f64At(val, ia), f64At(val, i32At(b, i))));
    else if (op == K.OP_POW) {
      const ib = i32At(b, i);
      const x = f64At(val, ia);
      const y = f64At(val, ib);
      addF64(adj, ia, g * powDx(x, y));
      addF64(adj, ib, g * powLog(x, y) * f64At(val, i));
    }
    else if (op == K.OP_TAN) { const v = f64At(val, i); addF64(adj, ia, g * (1 + v * v)); }
    else if (op == K.OP_MIN) { const ib = i32At(b, i); addF64(adj, f64At(val, ia) <= f64At(val, ib) ? ia : ib, g); }
    else if (op == K.OP_MAX) { const ib = i32At(b, i); addF64(adj, f64At(val, ia) >= f64At(val, ib) ? ia : ib, g); }
    else if (op == K.OP_SELECT) { const ib = i32At(b, i); addF64(adj, f64At(val, ia) > 0 ? i32At(a, ib) : i32At(b, ib), g); }
    // else: leaves, comparisons (derivative 0) and BRANCHES pass nothing back
  }
}
