// Tangent sweep (forward mode): values and directional derivatives together, in tape order.
// The caller seeds the input tangents; data and constant nodes keep tangent 0.
//
// Each branch computes the value as forward.ts does and the tangent with exactly the partials and
// products of the k-lane sweep (lanes.ts: `term` under the zero rule for the BINARY and UNARY
// shapes, a plain copy for COPY), so jvp equals a Jacobian's column bit for bit — the fuzz test
// checks it. One fused if-chain: the version that called the shared value and partial helpers
// one after the other measured 1.7–2.5× slower on the Rosenbrock tape.
import * as K from "./opcodes";
import { f64At, i32At, logDx, powDx, powLog, setF64, sigmoid, sqrtDx } from "./rules";
import { term } from "./lanes";
import * as T from "./trig";

export function tangent(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, tan: usize): void {
  for (let i = start; i < n; i++) {
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const x = f64At(val, ia);
    const y = f64At(val, ib);
    const tx = f64At(tan, ia);
    const ty = f64At(tan, ib);
    let v: f64;
    let t: f64 = 0;
    const op = <i32>load<u8>(ops + <usize>i);
    if (op == K.OP_ADD) { v = x + y; t = tx + ty; }
    else if (op == K.OP_MUL) { v = x * y; t = term(y, tx) + term(x, ty); }
    else if (op == K.OP_SUB) { v = x - y; t = tx - ty; }
    else if (op == K.OP_SQUARE) { v = x * x; t = term(2 * x, tx); }
    else if (op == K.OP_DIV) { v = x / y; t = term(1 / y, tx) + term(-v / y, ty); }
    else if (op == K.OP_NEG) { v = -x; t = term(-1, tx); }
    else if (op == K.OP_TANH) { v = Math.tanh(x); t = term(1 - v * v, tx); }
    else if (op == K.OP_EXP) { v = Math.exp(x); t = term(v, tx); }
    else if (op == K.OP_SIN) { v = T.sin(x); t = term(T.cos(x), tx); }
    else if (op == K.OP_COS) { v = T.cos(x); t = term(-T.sin(x), tx); }
    else if (op == K.OP_LOG) { v = Math.log(x); t = term(logDx(x), tx); }
    else if (op == K.OP_SQRT) { v = Math.sqrt(x); t = term(sqrtDx(v), tx); }
    else if (op == K.OP_SIGMOID) { v = sigmoid(x); t = term(v * (1 - v), tx); }
    // The piecewise ops route (copy the chosen tangent); a NaN operand has partial NaN.
    else if (op == K.OP_RELU) { v = x <= 0 ? 0 : x; t = x > 0 ? tx : x <= 0 ? 0 : term(NaN, tx); }
    else if (op == K.OP_ABS) { v = Math.abs(x); t = x > 0 ? tx : x < 0 ? term(-1, tx) : x == 0 ? 0 : term(NaN, tx); }
    else if (op == K.OP_POWC) { v = Math.pow(x, y); t = term(powDx(x, y), tx); }
    else if (op == K.OP_POW) { v = Math.pow(x, y); t = term(powDx(x, y), tx) + term(powLog(x, y) * v, ty); }
    else if (op == K.OP_TAN) { v = T.tan(x); t = term(1 + v * v, tx); }
    else if (op == K.OP_MIN) { v = min<f64>(x, y); t = x <= y ? tx : x > y ? ty : term(NaN, tx) + term(NaN, ty); }
    else if (op == K.OP_MAX) { v = max<f64>(x, y); t = x >= y ? tx : x < y ? ty : term(NaN, tx) + term(NaN, ty); }
    else if (op == K.OP_SELECT) {
      const chosen = x > 0 ? i32At(a, ib) : i32At(b, ib);
      v = f64At(val, chosen);
      t = f64At(tan, chosen);
    }
    else if (op == K.OP_LT) v = x < y ? 1 : 0;
    else if (op == K.OP_LE) v = x <= y ? 1 : 0;
    else if (op == K.OP_GT) v = x > y ? 1 : 0;
    else if (op == K.OP_GE) v = x >= y ? 1 : 0;
    else if (op == K.OP_EQ) v = x == y ? 1 : 0;
    else { setF64(tan, i, 0); continue; } // CONST (value pre-filled) and BRANCHES
    setF64(val, i, v);
    setF64(tan, i, t);
  }
}
