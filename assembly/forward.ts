// Forward sweep: the value of every node, in tape order.
// Leaves before `start` (inputs, data) and constant nodes were written by the caller.
// Each value is the expression tangent.ts computes it with (and src/ops.ts `value`).
import * as K from "./opcodes";
import { f64At, i32At, setF64, sigmoid } from "./rules";
import * as T from "./trig";

export function forward(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize): void {
  for (let i = start; i < n; i++) {
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const x = f64At(val, ia);
    const y = f64At(val, ib);
    let v: f64;
    const op = <i32>load<u8>(ops + <usize>i);
    if (op == K.OP_ADD) v = x + y;
    else if (op == K.OP_MUL) v = x * y;
    else if (op == K.OP_SUB) v = x - y;
    else if (op == K.OP_SQUARE) v = x * x;
    else if (op == K.OP_DIV) v = x / y;
    else if (op == K.OP_NEG) v = -x;
    else if (op == K.OP_TANH) v = Math.tanh(x);
    else if (op == K.OP_EXP) v = Math.exp(x);
    else if (op == K.OP_SIN) v = T.sin(x);
    else if (op == K.OP_COS) v = T.cos(x);
    else if (op == K.OP_LOG) v = Math.log(x);
    else if (op == K.OP_SQRT) v = Math.sqrt(x);
    else if (op == K.OP_SIGMOID) v = sigmoid(x);
    else if (op == K.OP_RELU) v = x <= 0 ? 0 : x; // NaN in, NaN out
    else if (op == K.OP_ABS) v = Math.abs(x);
    else if (op == K.OP_POWC) v = Math.pow(x, y);
    else if (op == K.OP_POW) v = Math.pow(x, y);
    else if (op == K.OP_TAN) v = T.tan(x);
    else if (op == K.OP_MIN) v = min<f64>(x, y);
    else if (op == K.OP_MAX) v = max<f64>(x, y);
    else if (op == K.OP_SELECT) v = f64At(val, x > 0 ? i32At(a, ib) : i32At(b, ib));
    else if (op == K.OP_LT) v = x < y ? 1 : 0;
    else if (op == K.OP_LE) v = x <= y ? 1 : 0;
    else if (op == K.OP_GT) v = x > y ? 1 : 0;
    else if (op == K.OP_GE) v = x >= y ? 1 : 0;
    else if (op == K.OP_EQ) v = x == y ? 1 : 0;
    else continue; // CONST (pre-filled) and BRANCHES (no value)
    setF64(val, i, v);
  }
}
