// The value of one node from its operands' values: the one definition the forward, tangent and
// batch-free sweeps share (the SIMD batch sweep has its own two-lane versions in batch_forward.ts).
// x = val[a], y = val[b]; `ib` is operand b's index, which select reads its branches node from.
// Mirrors `value` in src/ops.ts; the edge cases are documented there.
import * as K from "./opcodes";
import { f64At, i32At, sigmoid } from "./rules";
import * as JS from "./js_math";

// Ordered by how often ops occur on real tapes (see index.ts: an if-chain, not a switch).
@inline export function nodeValue(op: i32, x: f64, y: f64, i: i32, ib: i32, val: usize, a: usize, b: usize): f64 {
  if (op == K.OP_ADD) return x + y;
  if (op == K.OP_MUL) return x * y;
  if (op == K.OP_SUB) return x - y;
  if (op == K.OP_SQUARE) return x * x;
  if (op == K.OP_DIV) return x / y;
  if (op == K.OP_NEG) return -x;
  if (op == K.OP_TANH) return Math.tanh(x);
  if (op == K.OP_EXP) return Math.exp(x);
  if (op == K.OP_SIN) return JS.sin(x);
  if (op == K.OP_COS) return JS.cos(x);
  if (op == K.OP_LOG) return Math.log(x);
  if (op == K.OP_SQRT) return Math.sqrt(x);
  if (op == K.OP_SIGMOID) return sigmoid(x);
  if (op == K.OP_RELU) return x <= 0 ? 0 : x; // NaN in, NaN out
  if (op == K.OP_ABS) return Math.abs(x);
  if (op == K.OP_POWC) return Math.pow(x, y);
  if (op == K.OP_POW) return Math.pow(x, y);
  if (op == K.OP_TAN) return JS.tan(x);
  if (op == K.OP_MIN) return min<f64>(x, y);
  if (op == K.OP_MAX) return max<f64>(x, y);
  if (op == K.OP_SELECT) return f64At(val, x > 0 ? i32At(a, ib) : i32At(b, ib));
  if (op == K.OP_LT) return x < y ? 1 : 0;
  if (op == K.OP_LE) return x <= y ? 1 : 0;
  if (op == K.OP_GT) return x > y ? 1 : 0;
  if (op == K.OP_GE) return x >= y ? 1 : 0;
  if (op == K.OP_EQ) return x == y ? 1 : 0;
  // CONST keeps the value written at compile time, BRANCHES has none (its slot stays 0).
  return f64At(val, i);
}
