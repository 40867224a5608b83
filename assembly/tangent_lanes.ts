// Tangent sweep in k lanes: forward mode along k directions in one pass over the tape.
// tan[i·k + l] is the derivative of node i along direction l. The values come from a forward
// sweep already done (val), so a Jacobian computes them once and then runs ⌈n/k⌉ of these.
// Each node's local partials are computed once and applied to all k lanes. The caller seeds the
// leaves' lanes (inputs: the directions, data: 0); constants and branches nodes get 0 here.
import { f64At, i32At } from "./rules";
import {laneAt, setLane, term } from "./lanes";
import { BINARY, UNARY, COPY, SUM, DIFF, lanePartials, da, db, chosen } from "./generated/partials";

export function tangentLanes(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, tan: usize, k: i32): void {
  const stride = <usize>k << 3;
  for (let i = start; i < n; i++) {
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const x = f64At(val, ia);
    const y = f64At(val, ib);
    const v = f64At(val, i);
    const kind = lanePartials(<i32>load<u8>(ops + <usize>i), x, y, v, ia, ib, a, b);
    // Locals, so the lane loops below read registers, not module globals.
    const fa = da;
    const fb = db;

    const out = tan + <usize>i * stride;
    const ta = tan + <usize>ia * stride;
    if (kind == SUM) {
      const tb = tan + <usize>ib * stride;
      for (let l = 0; l < k; l++) setLane(out, l, laneAt(ta, l) + laneAt(tb, l));
    } else if (kind == DIFF) {
      const tb = tan + <usize>ib * stride;
      for (let l = 0; l < k; l++) setLane(out, l, laneAt(ta, l) - laneAt(tb, l));
    } else if (kind == BINARY) {
      const tb = tan + <usize>ib * stride;
      for (let l = 0; l < k; l++) setLane(out, l, term(fa, laneAt(ta, l)) + term(fb, laneAt(tb, l)));
    } else if (kind == UNARY) {
      for (let l = 0; l < k; l++) setLane(out, l, term(fa, laneAt(ta, l)));
    } else if (kind == COPY) {
      memory.copy(out, tan + <usize>chosen * stride, stride);
    } else {
      memory.fill(out, 0, stride);
    }
  }
}
