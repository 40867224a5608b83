// Tangent sweep (forward mode): values and directional derivatives together, in tape order.
// The caller seeds the input tangents; data and constant nodes keep tangent 0.
// Values come from values.ts and partials from lanes.ts, exactly as the forward sweep and the
// k-lane tangent sweep compute them, so jvp equals a Jacobian's column bit for bit. The zero rule
// (rules.ts zmul) holds term by term: a zero tangent or a zero partial contributes exactly 0.
import { f64At, i32At, setF64 } from "./rules";
import { nodeValue } from "./values";
import { term, BINARY, UNARY, COPY, lanePartials, da, db, chosen } from "./lanes";

export function tangent(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, tan: usize): void {
  for (let i = start; i < n; i++) {
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const x = f64At(val, ia);
    const y = f64At(val, ib);
    const op = <i32>load<u8>(ops + <usize>i);
    const v = nodeValue(op, x, y, i, ib, val, a, b);
    setF64(val, i, v);
    const kind = lanePartials(op, x, y, v, ia, ib, a, b);
    let t: f64 = 0;
    if (kind == BINARY) t = term(da, f64At(tan, ia)) + term(db, f64At(tan, ib));
    else if (kind == UNARY) t = term(da, f64At(tan, ia));
    else if (kind == COPY) t = f64At(tan, chosen);
    setF64(tan, i, t);
  }
}
