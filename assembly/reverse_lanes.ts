// Reverse sweep in k lanes: reverse mode for k cotangents in one pass back over the tape.
// adj[i·k + l] is the adjoint of node i for cotangent l. The values come from a forward sweep
// already done (val); the caller zeroes adj and seeds the outputs' lanes. A node whose lanes are
// all 0 is skipped, and a zero lane contributes exactly 0 (see lanes.ts), so each lane equals a
// single-cotangent reverse sweep.
import { f64At, i32At } from "./rules";
import {addLane, anyLane, laneAt, term } from "./lanes";
import { BINARY, UNARY, SUM, DIFF, ZERO, lanePartials, da, db, chosen } from "./generated/partials";

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
    const kind = lanePartials(<i32>load<u8>(ops + <usize>i), x, y, v, ia, ib, a, b);
    // Locals, so the lane loops below read registers, not module globals.
    const fa = da;
    const fb = db;
    if (kind == ZERO) continue; // nothing passes back

    const ga = adj + <usize>ia * stride;
    if (kind == SUM || kind == DIFF) {
      const gb = adj + <usize>ib * stride;
      const sign: f64 = kind == SUM ? 1 : -1;
      for (let l = 0; l < k; l++) {
        const gl = laneAt(g, l);
        addLane(ga, l, gl);
        addLane(gb, l, sign * gl);
      }
    } else if (kind == BINARY) {
      const gb = adj + <usize>ib * stride;
      // a then b within each lane: right even when both operands are one node (x·x).
      for (let l = 0; l < k; l++) {
        const gl = laneAt(g, l);
        addLane(ga, l, term(fa, gl));
        addLane(gb, l, term(fb, gl));
      }
    } else if (kind == UNARY) {
      for (let l = 0; l < k; l++) addLane(ga, l, term(fa, laneAt(g, l)));
    } else {
      const gt = adj + <usize>chosen * stride;
      for (let l = 0; l < k; l++) addLane(gt, l, laneAt(g, l));
    }
  }
}
