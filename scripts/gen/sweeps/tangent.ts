/**
 * Template of the tangent sweep (assembly/generated/tangent.ts): forward mode, values and one
 * directional derivative together, in tape order. The caller seeds the input tangents; data and
 * constant nodes keep tangent 0.
 *
 * Each case computes the value as forward.ts does and the tangent with exactly the partials and
 * products of the k-lane sweep (partials.ts: `term`, the zero rule, for every partial but a
 * literal ±1), so jvp equals a Jacobian's column bit for bit. One fused if-chain: calling shared
 * value and partial helpers one after the other measured 1.7–2.5× slower on the Rosenbrock tape.
 */
import { OP } from "../../../src/ops.js";
import { scalar, type Expr } from "../expr.js";
import { chain, unit, type OpModel } from "../model.js";
import { header, XYV } from "./common.js";

/** partial · t under the zero rule; a ±1 partial passes ±t (1·t is t for every t, ∞ and NaN too). */
export function termText(partial: Expr | null, t: string): string | null {
  if (partial === null) return null;
  const u = unit(partial);
  if (u === 1) return t;
  if (u === -1) return `-${t}`;
  return `term(${scalar(partial, XYV)}, ${t})`;
}

/** The tangent of a node: the sum of its operands' terms ("0" if none). */
export function tangentText(m: OpModel, ta: string, tb: string): string {
  const terms = [termText(m.da, ta), termText(m.db, tb)].filter((t): t is string => t !== null);
  if (terms.length === 2 && terms[1]!.startsWith("-")) return `${terms[0]} - ${terms[1]!.slice(1)}`;
  return terms.length === 0 ? "0" : terms.join(" + ");
}

export function tangentSweep(models: readonly OpModel[]): string {
  const cases = chain(models, (m) => `{ v = ${scalar(m.value, XYV)}; t = ${tangentText(m, "tx", "ty")}; }`, [
    { code: OP.SELECT, body: "{\n      const chosen = x > 0 ? i32At(a, ib) : i32At(b, ib);\n      v = f64At(val, chosen);\n      t = f64At(tan, chosen);\n    }" },
  ], "    ", "{ stopAt = i; return; }");
  return `${header("Tangent sweep: values and one directional derivative, in tape order.", "scripts/gen/sweeps/tangent.ts")}
import * as K from "./opcodes";
import { f64At, i32At, setF64 } from "../rules";
import * as R from "../rules";
import * as G from "./cold";
import { term } from "../lanes";
import * as T from "../trig";

// The cold ops leave the loop (tangentHot stops at them, its index in stopAt) and are done here,
// as in forward.ts, which says why.
let stopAt: i32 = 0;

export function tangent(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, tan: usize): void {
  let i = start;
  while (true) {
    tangentHot(n, i, ops, a, b, val, tan);
    i = stopAt;
    if (i >= n) return;
    const op = <i32>load<u8>(ops + <usize>i);
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const x = f64At(val, ia);
    const y = f64At(val, ib);
    const v = G.coldValue(op, x, y);
    let t = term(G.coldDa(op, x, y, v), f64At(tan, ia));
    if (G.coldArity(op) == 2) t += term(G.coldDb(op, x, y, v), f64At(tan, ib));
    setF64(val, i, v);
    setF64(tan, i, t);
    i++;
  }
}

/** The sweep from start until the first cold op (stopAt = its index) or the end (stopAt = n). */
function tangentHot(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, tan: usize): void {
  stopAt = n;
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
    ${cases}
    else { setF64(tan, i, 0); continue; } // CONST (value pre-filled) and BRANCHES
    setF64(val, i, v);
    setF64(tan, i, t);
  }
}
`;
}
