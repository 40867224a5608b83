// Reverse sweep: adjoints from the outputs back to the inputs, given the values of a forward
// sweep and the seeded adjoints. Local partials are recomputed from the stored values (CppAD's
// choice: 16 bytes per node of working memory instead of 32 for cached partials).
// A node whose adjoint is exactly 0 is skipped: it lies on no path to a seeded output, so an
// infinite or NaN partial below it (an unchosen select branch, say) contributes nothing.
import * as K from "./opcodes";
import { absDx, addF64, f64At, i32At, logDx, powDx, powLog } from "./rules";

export function reverse(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, adj: usize): void {
  for (let i = n - 1; i >= start; i--) {
    const g = f64At(adj, i);
    if (g == 0) continue;
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const x = f64At(val, ia);
    const y = f64At(val, ib);
    const v = f64At(val, i);
    const op = <i32>load<u8>(ops + <usize>i);
    if (op == K.OP_ADD) { addF64(adj, ia, g); addF64(adj, ib, g); }
    else if (op == K.OP_MUL) { addF64(adj, ia, g * y); addF64(adj, ib, g * x); }
    else if (op == K.OP_SUB) { addF64(adj, ia, g); addF64(adj, ib, -g); }
    else if (op == K.OP_SQUARE) addF64(adj, ia, g * (2 * x));
    else if (op == K.OP_DIV) { addF64(adj, ia, g / y); addF64(adj, ib, -g * v / y); }
    else if (op == K.OP_NEG) addF64(adj, ia, -g);
    else if (op == K.OP_TANH) addF64(adj, ia, g * (1 - v * v));
    else if (op == K.OP_EXP) addF64(adj, ia, g * v);
    else if (op == K.OP_SIN) addF64(adj, ia, g * Math.cos(x));
    else if (op == K.OP_COS) addF64(adj, ia, -g * Math.sin(x));
    else if (op == K.OP_LOG) addF64(adj, ia, g * logDx(x));
    else if (op == K.OP_SQRT) addF64(adj, ia, g * (0.5 / v));
    else if (op == K.OP_SIGMOID) addF64(adj, ia, g * (v * (1 - v)));
    else if (op == K.OP_RELU) { if (x > 0) addF64(adj, ia, g); }
    else if (op == K.OP_ABS) addF64(adj, ia, g * absDx(x));
    else if (op == K.OP_POWC) addF64(adj, ia, g * powDx(x, y));
    else if (op == K.OP_POW) { addF64(adj, ia, g * powDx(x, y)); addF64(adj, ib, g * powLog(x, y) * v); }
    else if (op == K.OP_TAN) addF64(adj, ia, g * (1 + v * v));
    else if (op == K.OP_MIN) addF64(adj, x <= y ? ia : ib, g);
    else if (op == K.OP_MAX) addF64(adj, x >= y ? ia : ib, g);
    else if (op == K.OP_SELECT) addF64(adj, x > 0 ? i32At(a, ib) : i32At(b, ib), g);
    // else: leaves, comparisons (derivative 0) and BRANCHES pass nothing back
  }
}
