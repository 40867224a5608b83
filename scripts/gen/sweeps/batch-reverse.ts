/**
 * Template of the batched reverse sweep (assembly/generated/batch_reverse.ts) over `lanes` points
 * per node (layout as in batch-forward.ts). The zero rule per lane: a contribution is exactly +0
 * where the adjoint g or the partial is exactly 0, whatever the other factor (`zterm`; `zmul` in
 * the scalar lane loops of ops without a two-lane partial). ±1 partials (add, sub, neg) pass ±g.
 * Partials are the expressions of partials.ts, so gradBatch equals grad point by point.
 *
 * Each node's adjoint lanes are zeroed right after they are used (they are hot in cache then), so
 * the sweep leaves adj[start …) all zero for the next block: cheaper than a memory.fill of the
 * whole n × stride region per block, which measured ~30% of a block's time. The caller keeps the
 * invariant: adj is all zero between blocks (leaves below `start` it clears itself).
 *
 * With `reduce` (the caller wants only the sum over lanes of the parameters' adjoints, as
 * meanGrad does), an arithmetic binary op (add, sub, mul, div) with a parameter operand (node below `inputs`) adds that operand's
 * contributions up in a register and once into lane 0 of its adjoint row, instead of a load and a
 * store of that row per lane pair; the parameter's value is splat from lane 0.
 */
import { OP } from "../../../src/ops.js";
import { arithmetic, reads, scalar, simd, simdable, SimdConstants, type Expr } from "../expr.js";
import { chain, unit, type OpModel } from "../model.js";
import { header } from "./common.js";

/** The two-lane contribution g·partial (zero rule), given the operands' spellings. */
function contribution(p: Expr, x: string, y: string, k: SimdConstants): string {
  const u = unit(p);
  if (u === 1) return "g";
  if (u === -1) return "f64x2.neg(g)";
  return `zterm(g, ${simd(p, { a: x, b: y, v: "v" }, k)})`;
}

function scalarCase(m: OpModel): string {
  const vars = { a: "x", b: "y", v: "v" };
  const lines: string[] = [];
  const partials = [m.da, m.db].filter((p): p is Expr => p !== null);
  if (partials.some((p) => reads(p, "a"))) lines.push("const x = load<f64>(pa + o);");
  if (partials.some((p) => reads(p, "b"))) lines.push("const y = load<f64>(pb + o);");
  if (partials.some((p) => reads(p, "v"))) lines.push("const v = load<f64>(pv + o);");
  if (m.da !== null) lines.push(`store<f64>(qa + o, load<f64>(qa + o) + zmul(${scalar(m.da, vars)}, g));`);
  if (m.db !== null) lines.push(`store<f64>(qb + o, load<f64>(qb + o) + zmul(${scalar(m.db, vars)}, g));`);
  return `{
      for (let o: usize = 0; o < end; o += 8) {
        const g = load<f64>(pg + o);
        if (g == 0) continue;
        ${lines.join("\n        ")}
      }
    }`;
}

function batchReverseCase(m: OpModel, k: SimdConstants): string | null {
  // The rules as written: their two-lane forms, if they have them.
  const { da, db } = m.source;
  const partials = [da, db].filter((p): p is Expr => p !== null);
  if (partials.length === 0) return null; // comparisons: nothing passes back
  if (!partials.every(simdable)) return scalarCase(m);
  const needs = (o: "a" | "b" | "v"): boolean => partials.some((p) => reads(p, o));
  const loads = (x: boolean, y: boolean): string =>
    [
      "const g = v128.load(pg + o);",
      x && needs("a") ? "const x = v128.load(pa + o);" : "",
      y && needs("b") ? "const y = v128.load(pb + o);" : "",
      needs("v") ? "const v = v128.load(pv + o);" : "",
    ].filter((s) => s !== "").join(" ");
  const ca = da === null ? null : contribution(da, "x", "y", k);
  if (db === null) {
    return `{\n      for (let o: usize = 0; o < end; o += 16) { ${loads(true, true)} acc(qa + o, ${ca}); }\n    }`;
  }
  const cb = contribution(db, "x", "y", k);
  const both = `${ca === null ? "" : `acc(qa + o, ${ca}); `}acc(qb + o, ${cb});`;
  if (!partials.every(arithmetic)) {
    return `{\n      for (let o: usize = 0; o < end; o += 16) { ${loads(true, true)} ${both} }\n    }`;
  }
  const aParam = ca === null ? "" : `sum = f64x2.add(sum, ${ca}); `;
  return `{
      if (reduce && ib < inputs && ia != ib) {
        ${needs("b") ? "const y = v128.load64_splat(pb);" : ""}
        let sum = k_zero;
        for (let o: usize = 0; o < end; o += 16) { ${loads(true, false)} ${ca === null ? "" : `acc(qa + o, ${ca}); `}sum = f64x2.add(sum, ${cb}); }
        accSum(qb, sum);
      } else if (reduce && ia < inputs && ia != ib) {
        ${needs("a") ? "const x = v128.load64_splat(pa);" : ""}
        let sum = k_zero;
        for (let o: usize = 0; o < end; o += 16) { ${loads(false, true)} ${aParam}acc(qb + o, ${cb}); }
        accSum(qa, sum);
      } else {
        for (let o: usize = 0; o < end; o += 16) { ${loads(true, true)} ${both} }
      }
    }`;
}

export function batchReverseSweep(models: readonly OpModel[]): string {
  const k = new SimdConstants();
  const cases = chain(models, (m) => batchReverseCase(m, k), [
    { code: OP.SELECT, body: `{
      const qt = adj + <usize>i32At(a, ib) * row;
      const qf = adj + <usize>i32At(b, ib) * row;
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        const chosen = f64x2.gt(v128.load(pa + o), k_zero);
        acc(qt + o, v128.and(g, chosen));
        acc(qf + o, v128.andnot(g, chosen));
      }
    }` },
  ], "    ", `{
      const two = G.coldArity(op) == 2;
      for (let o: usize = 0; o < end; o += 8) {
        const g = load<f64>(pg + o);
        if (g == 0) continue;
        const x = load<f64>(pa + o);
        const y = load<f64>(pb + o);
        const v = load<f64>(pv + o);
        store<f64>(qa + o, load<f64>(qa + o) + zmul(G.coldDa(op, x, y, v), g));
        if (two) store<f64>(qb + o, load<f64>(qb + o) + zmul(G.coldDb(op, x, y, v), g));
      }
    }`);
  return `${header("Batched reverse sweep: adjoints of many points per node, two per SIMD instruction.", "scripts/gen/sweeps/batch-reverse.ts")}
import * as K from "./opcodes";
import { i32At, zmul } from "../rules";
import * as R from "../rules";
import * as G from "./cold";
import { exp2, tanh2 } from "../simd_math";
import * as T from "../trig";

/** g·partial in both lanes, exactly +0 in a lane where either factor is exactly 0. */
@inline function zterm(g: v128, partial: v128): v128 {
  const zero = f64x2.splat(0.0);
  return v128.and(f64x2.mul(g, partial), v128.and(f64x2.ne(g, zero), f64x2.ne(partial, zero)));
}

@inline function acc(p: usize, v: v128): void {
  v128.store(p, f64x2.add(v128.load(p), v));
}

/** Adds both lanes of v to the f64 at p (lane 0 of a parameter's adjoint row). */
@inline function accSum(p: usize, v: v128): void {
  store<f64>(p, load<f64>(p) + (f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1)));
}

export function batchReverse(
  n: i32, start: i32, inputs: i32, reduce: bool, ops: usize, a: usize, b: usize, val: usize, adj: usize,
  stride: i32, lanes: i32,
): void {
  const row = <usize>stride << 3;
  const end = <usize>lanes << 3;
  const k_zero = f64x2.splat(0.0);
${k.declarations()}
  for (let i = n - 1; i >= start; i--) {
    const op = <i32>load<u8>(ops + <usize>i);
    const pg = adj + <usize>i * row;
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const pv = val + <usize>i * row;
    const pa = val + <usize>ia * row;
    const pb = val + <usize>ib * row;
    const qa = adj + <usize>ia * row;
    const qb = adj + <usize>ib * row;
    ${cases}
    // else: leaves, comparisons and branches pass nothing back
    for (let o: usize = 0; o < end; o += 16) v128.store(pg + o, k_zero);
  }
}
`;
}
