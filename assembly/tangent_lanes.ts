// Tangent sweep in k lanes: forward mode along k directions in one pass over the tape.
// tan[i·k + l] is the derivative of node i along direction l. The values come from a forward
// sweep already done (val), so a Jacobian computes them once and then runs ⌈n/k⌉ of these.
// Each node's local partials are computed once and applied to all k lanes. The caller seeds the
// leaves' lanes (inputs: the directions, data: 0); constants and branches nodes get 0 here.
import * as K from "./opcodes";
import { f64At, i32At, logDx, powDx, powLog } from "./rules";
import { laneAt, setLane, term } from "./lanes";

// How a node's lanes are formed from its operands' lanes.
const BINARY = 2; // da·ta + db·tb
const UNARY = 1; // da·ta
const COPY = 0; // the lanes of node `from` (min, max, select: the chosen operand)
const ZERO = -1; // constants, comparisons, branches

export function tangentLanes(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, tan: usize, k: i32): void {
  const stride = <usize>k << 3;
  for (let i = start; i < n; i++) {
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const x = f64At(val, ia);
    const y = f64At(val, ib);
    const v = f64At(val, i);
    let da: f64 = 0;
    let db: f64 = 0;
    let shape = UNARY;
    let from = ia;
    const op = <i32>load<u8>(ops + <usize>i);
    if (op == K.OP_ADD) { da = 1; db = 1; shape = BINARY; }
    else if (op == K.OP_MUL) { da = y; db = x; shape = BINARY; }
    else if (op == K.OP_SUB) { da = 1; db = -1; shape = BINARY; }
    else if (op == K.OP_SQUARE) da = 2 * x;
    else if (op == K.OP_DIV) { da = 1 / y; db = -v / y; shape = BINARY; }
    else if (op == K.OP_NEG) da = -1;
    else if (op == K.OP_TANH) da = 1 - v * v;
    else if (op == K.OP_EXP) da = v;
    else if (op == K.OP_SIN) da = Math.cos(x);
    else if (op == K.OP_COS) da = -Math.sin(x);
    else if (op == K.OP_LOG) da = logDx(x);
    else if (op == K.OP_SQRT) da = 0.5 / v;
    else if (op == K.OP_SIGMOID) da = v * (1 - v);
    // relu and abs route (ops.ts `routes`): copy or negate the chosen lanes, never 0·lane.
    else if (op == K.OP_RELU) shape = x > 0 ? COPY : ZERO;
    else if (op == K.OP_ABS) { if (x > 0) shape = COPY; else if (x < 0) da = -1; else shape = ZERO; }
    else if (op == K.OP_POWC) da = powDx(x, y);
    else if (op == K.OP_POW) { da = powDx(x, y); db = powLog(x, y) * v; shape = BINARY; }
    else if (op == K.OP_TAN) da = 1 + v * v;
    else if (op == K.OP_MIN) { shape = COPY; from = x <= y ? ia : ib; }
    else if (op == K.OP_MAX) { shape = COPY; from = x >= y ? ia : ib; }
    else if (op == K.OP_SELECT) { shape = COPY; from = x > 0 ? i32At(a, ib) : i32At(b, ib); }
    else shape = ZERO;

    const out = tan + <usize>i * stride;
    const ta = tan + <usize>ia * stride;
    if (shape == BINARY) {
      const tb = tan + <usize>ib * stride;
      for (let l = 0; l < k; l++) setLane(out, l, term(da, laneAt(ta, l)) + term(db, laneAt(tb, l)));
    } else if (shape == UNARY) {
      for (let l = 0; l < k; l++) setLane(out, l, term(da, laneAt(ta, l)));
    } else if (shape == COPY) {
      memory.copy(out, tan + <usize>from * stride, stride);
    } else {
      memory.fill(out, 0, stride);
    }
  }
}
