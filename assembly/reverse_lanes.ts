// Reverse sweep in k lanes: reverse mode for k cotangents in one pass back over the tape.
// adj[i·k + l] is the adjoint of node i for cotangent l. The values come from a forward sweep
// already done (val); the caller zeroes adj and seeds the outputs' lanes. A node whose lanes are
// all 0 is skipped, and a zero lane contributes exactly 0 (see lanes.ts), so each lane equals a
// single-cotangent reverse sweep.
import * as K from "./opcodes";
import { f64At, i32At, logDx, powDx, powLog } from "./rules";
import { addLane, anyLane, laneAt, term } from "./lanes";

const BINARY = 2;
const UNARY = 1;
const COPY = 0; // min, max, select: the whole adjoint goes to the chosen operand `to`

export function reverseLanes(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, adj: usize, k: i32): void {
  const stride = <usize>k << 3;
  for (let i = n - 1; i >= start; i--) {
    const g = adj + <usize>i * stride;
    if (!anyLane(g, k)) continue;
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const x = f64At(val, ia);
    const y = f64At(val, ib);
    const v = f64At(val, i);
    let da: f64 = 0;
    let db: f64 = 0;
    let shape = UNARY;
    let to = ia;
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
    // relu and abs route (ops.ts `routes`): pass or negate the adjoint lanes, never 0·lane.
    else if (op == K.OP_RELU) { if (x > 0) shape = COPY; else continue; }
    else if (op == K.OP_ABS) { if (x > 0) shape = COPY; else if (x < 0) da = -1; else continue; }
    else if (op == K.OP_POWC) da = powDx(x, y);
    else if (op == K.OP_POW) { da = powDx(x, y); db = powLog(x, y) * v; shape = BINARY; }
    else if (op == K.OP_TAN) da = 1 + v * v;
    else if (op == K.OP_MIN) { shape = COPY; to = x <= y ? ia : ib; }
    else if (op == K.OP_MAX) { shape = COPY; to = x >= y ? ia : ib; }
    else if (op == K.OP_SELECT) { shape = COPY; to = x > 0 ? i32At(a, ib) : i32At(b, ib); }
    else continue; // constants, comparisons and branches pass nothing back

    const ga = adj + <usize>ia * stride;
    if (shape == BINARY) {
      const gb = adj + <usize>ib * stride;
      // a then b within each lane: right even when both operands are one node (x·x).
      for (let l = 0; l < k; l++) {
        const gl = laneAt(g, l);
        addLane(ga, l, term(da, gl));
        addLane(gb, l, term(db, gl));
      }
    } else if (shape == UNARY) {
      for (let l = 0; l < k; l++) addLane(ga, l, term(da, laneAt(g, l)));
    } else {
      const gt = adj + <usize>to * stride;
      for (let l = 0; l < k; l++) addLane(gt, l, laneAt(g, l));
    }
  }
}
