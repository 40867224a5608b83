// Tangent sweep (forward mode): values and directional derivatives together, in tape order.
// The caller seeds the input tangents; data and constant nodes keep tangent 0.
// A term whose operand tangent is exactly 0 contributes exactly 0, whatever its partial: no path
// from a seeded input runs through it, so an infinite or NaN partial there (sqrt at 0, an unchosen
// select branch) adds nothing — the same rule the reverse sweep follows for zero adjoints.
import * as K from "./opcodes";
import { f64At, i32At, logDx, powDx, powLog, setF64, sigmoid } from "./rules";

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
    else if (op == K.OP_MUL) { v = x * y; t = (tx == 0 ? 0 : tx * y) + (ty == 0 ? 0 : x * ty); }
    else if (op == K.OP_SUB) { v = x - y; t = tx - ty; }
    else if (op == K.OP_SQUARE) { v = x * x; if (tx != 0) t = tx * (2 * x); }
    else if (op == K.OP_DIV) { v = x / y; t = (tx == 0 ? 0 : tx / y) - (ty == 0 ? 0 : ty * v / y); }
    else if (op == K.OP_NEG) { v = -x; t = -tx; }
    else if (op == K.OP_TANH) { v = Math.tanh(x); if (tx != 0) t = tx * (1 - v * v); }
    else if (op == K.OP_EXP) { v = Math.exp(x); if (tx != 0) t = tx * v; }
    else if (op == K.OP_SIN) { v = Math.sin(x); if (tx != 0) t = tx * Math.cos(x); }
    else if (op == K.OP_COS) { v = Math.cos(x); if (tx != 0) t = -tx * Math.sin(x); }
    else if (op == K.OP_LOG) { v = Math.log(x); if (tx != 0) t = tx * logDx(x); }
    else if (op == K.OP_SQRT) { v = Math.sqrt(x); if (tx != 0) t = tx * (0.5 / v); }
    else if (op == K.OP_SIGMOID) { v = sigmoid(x); if (tx != 0) t = tx * (v * (1 - v)); }
    else if (op == K.OP_RELU) { v = x > 0 ? x : 0; t = x > 0 ? tx : 0; }
    else if (op == K.OP_ABS) { v = Math.abs(x); t = x > 0 ? tx : x < 0 ? -tx : 0; }
    else if (op == K.OP_POWC) { v = Math.pow(x, y); if (tx != 0) t = tx * powDx(x, y); }
    else if (op == K.OP_POW) { v = Math.pow(x, y); t = (tx == 0 ? 0 : tx * powDx(x, y)) + (ty == 0 ? 0 : ty * powLog(x, y) * v); }
    else if (op == K.OP_TAN) { v = Math.tan(x); if (tx != 0) t = tx * (1 + v * v); }
    else if (op == K.OP_MIN) { v = min<f64>(x, y); t = x <= y ? tx : ty; }
    else if (op == K.OP_MAX) { v = max<f64>(x, y); t = x >= y ? tx : ty; }
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
    else continue; // CONST (value pre-filled, tangent 0) and BRANCHES
    setF64(val, i, v);
    setF64(tan, i, t);
  }
}
