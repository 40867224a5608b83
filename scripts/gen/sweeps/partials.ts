/**
 * Template of the lane partials (assembly/generated/partials.ts): a node's first-order partials
 * and the shape of its update, shared by the k-lane tangent and reverse sweeps
 * (assembly/tangent_lanes.ts, reverse_lanes.ts) and by the reverse sweep's rare non-finite
 * adjoints, with the same expressions as the single-direction sweeps, so they agree bit for bit.
 */
import { OP } from "../../../src/ops.js";
import { scalar } from "../expr.js";
import { chain, unit, type OpModel } from "../model.js";
import { header, XYV } from "./common.js";

function partialsCase(m: OpModel): string | null {
  if (m.da === null && m.db === null) return null; // comparisons: ZERO
  if (m.arity === 2 && unit(m.da) === 1 && unit(m.db) === 1) return "return SUM;";
  if (m.arity === 2 && unit(m.da) === 1 && unit(m.db) === -1) return "return DIFF;";
  const da = m.da === null ? "0" : scalar(m.da, XYV);
  // A binary op with ∂b ≡ 0 (powc: a constant exponent) updates like a unary one, as tangent.ts does.
  if (m.arity === 1 || m.db === null) return `{ da = ${da}; return UNARY; }`;
  const db = m.db === null ? "0" : scalar(m.db, XYV);
  return `{ da = ${da}; db = ${db}; return BINARY; }`;
}

export function partialsSweep(models: readonly OpModel[]): string {
  const cases = chain(models, partialsCase, [
    { code: OP.SELECT, body: "{ chosen = x > 0 ? i32At(a, ib) : i32At(b, ib); return COPY; }" },
  ], "  ", `{
    da = G.coldDa(op, x, y, v);
    if (G.coldArity(op) == 1) return UNARY;
    db = G.coldDb(op, x, y, v);
    return BINARY;
  }`);
  return `${header("First-order partials and update shapes for the lane sweeps.", "scripts/gen/sweeps/partials.ts")}
import * as K from "./opcodes";
import { i32At } from "../rules";
import * as R from "../rules";
import * as G from "./cold";
import * as T from "../trig";
export { BINARY, UNARY, COPY, ZERO, SUM, DIFF } from "../lanes";
import { BINARY, UNARY, COPY, ZERO, SUM, DIFF } from "../lanes";

// da (UNARY, BINARY), db (BINARY) and chosen (COPY) carry the partials out of the inlined function
// as module globals, each written only on the paths whose shape reads it (resetting them all per
// node measured a few percent slower than per-sweep copies).
export let da: f64 = 0;
export let db: f64 = 0;
export let chosen: i32 = 0;

@inline export function lanePartials(op: i32, x: f64, y: f64, v: f64, ia: i32, ib: i32, a: usize, b: usize): i32 {
  ${cases}
  return ZERO;
}
`;
}
