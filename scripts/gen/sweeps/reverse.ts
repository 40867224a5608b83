/**
 * Template of the reverse sweep (assembly/generated/reverse.ts): adjoints from the outputs back to
 * the inputs, given the values of a forward sweep and the seeded adjoints. Local partials are
 * recomputed from the stored values (CppAD's choice: 16 bytes per node of working memory instead
 * of 32 for cached partials).
 *
 * A node whose adjoint is exactly 0 is skipped: it lies on no path to a seeded output. Past that
 * skip g ≠ 0, and while g is finite a plain partial·g already is what the zero rule asks: ±0 for a
 * zero partial (an adjoint sum cannot tell −0 from +0), ±∞ or NaN for an infinite or NaN one.
 * Only an infinite or NaN adjoint meeting a zero partial differs (∞·0 must give 0): such rare
 * nodes take `reverseNode`, the k-lane rule of partials.ts for one lane. One test of g per node
 * measured cheaper than a zero test per product.
 * Each case loads only the values its partials read (add and sub read none): on the Rosenbrock
 * tape, loading x, y and v up front for every node cost ~25%.
 */
import { OP } from "../../../src/ops.js";
import { reads, scalar, type Expr } from "../expr.js";
import { chain, unit, type OpModel } from "../model.js";
import { header, XYV } from "./common.js";

function contribution(partial: Expr | null, to: string): string | null {
  if (partial === null) return null;
  const u = unit(partial);
  const amount = u === 1 ? "g" : u === -1 ? "-g" : `${scalar(partial, XYV)} * g`;
  return `addF64(adj, ${to}, ${amount});`;
}

function reverseCase(m: OpModel): string | null {
  const partials = [m.da, m.db].filter((p): p is Expr => p !== null);
  if (partials.length === 0) return null;
  const needs = (o: "a" | "b" | "v"): boolean => partials.some((p) => reads(p, o));
  const lines: string[] = [];
  if (m.db !== null) lines.push("const ib = i32At(b, i);");
  else if (needs("b")) lines.push("const y = f64At(val, i32At(b, i));");
  if (needs("a")) lines.push("const x = f64At(val, ia);");
  if (needs("b") && m.db !== null) lines.push("const y = f64At(val, ib);");
  if (needs("v")) lines.push("const v = f64At(val, i);");
  const ca = contribution(m.da, "ia");
  const cb = contribution(m.db, "ib");
  if (ca !== null) lines.push(ca);
  if (cb !== null) lines.push(cb);
  return `{ ${lines.join(" ")} }`;
}

export function reverseSweep(models: readonly OpModel[]): string {
  const cases = chain(models, reverseCase, [
    { code: OP.SELECT, body: "{ const ib = i32At(b, i); addF64(adj, f64At(val, ia) > 0 ? i32At(a, ib) : i32At(b, ib), g); }" },
  ], "    ", "{ stopAt = i; return; }");
  return `${header("Reverse sweep: adjoints from the seeded outputs back to the inputs.", "scripts/gen/sweeps/reverse.ts")}
import * as K from "./opcodes";
import { addF64, f64At, i32At } from "../rules";
import * as R from "../rules";
import * as G from "./cold";
import { term } from "../lanes";
import { BINARY, UNARY, COPY, SUM, DIFF, lanePartials, da, db, chosen } from "./partials";
import * as T from "../trig";

/** One node by the lane rule (the zero rule in every product), for an adjoint g that is ±∞ or NaN. */
function reverseNode(op: i32, i: i32, g: f64, ia: i32, a: usize, b: usize, val: usize, adj: usize): void {
  const ib = i32At(b, i);
  const kind = lanePartials(op, f64At(val, ia), f64At(val, ib), f64At(val, i), ia, ib, a, b);
  if (kind == SUM) { addF64(adj, ia, g); addF64(adj, ib, g); }
  else if (kind == DIFF) { addF64(adj, ia, g); addF64(adj, ib, -g); }
  else if (kind == BINARY) { addF64(adj, ia, term(da, g)); addF64(adj, ib, term(db, g)); }
  else if (kind == UNARY) addF64(adj, ia, term(da, g));
  else if (kind == COPY) addF64(adj, chosen, g);
}

// The cold ops leave the loop (reverseHot stops at them, its index in stopAt; g there is finite and
// nonzero) and are done here, as in forward.ts, which says why.
let stopAt: i32 = 0;

export function reverse(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, adj: usize): void {
  let i = n - 1;
  while (true) {
    reverseHot(i, start, ops, a, b, val, adj);
    i = stopAt;
    if (i < start) return;
    const op = <i32>load<u8>(ops + <usize>i);
    const g = f64At(adj, i);
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const x = f64At(val, ia);
    const y = f64At(val, ib);
    const v = f64At(val, i);
    addF64(adj, ia, G.coldDa(op, x, y, v) * g);
    if (G.coldArity(op) == 2) addF64(adj, ib, G.coldDb(op, x, y, v) * g);
    i--;
  }
}

/** The sweep back from node "from" until a cold op with a finite adjoint (stopAt = its index), or stopAt = start − 1. */
function reverseHot(from: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, adj: usize): void {
  stopAt = start - 1;
  for (let i = from; i >= start; i--) {
    const g = f64At(adj, i);
    if (g == 0) continue;
    const ia = i32At(a, i);
    const op = <i32>load<u8>(ops + <usize>i);
    if (g - g != 0) { reverseNode(op, i, g, ia, a, b, val, adj); continue; } // g is ±∞ or NaN
    ${cases}
    // else: leaves, comparisons (derivative 0) and BRANCHES pass nothing back
  }
}
`;
}
