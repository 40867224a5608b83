/**
 * Template of the cold ops' rules (assembly/generated/cold.ts): the ops outside HOT_OPS whose
 * rules call functions (log1p, asinh, erf, …) are not inlined into the sweeps' chains. Each sweep
 * has one branch for all of them that calls these functions, by op code.
 *
 * Why: with every op inline, the chains of ops a tape never uses still made the hot loops slower —
 * Rosenbrock (add, mul, sub, square only) eval 1.1×, jvp 1.15–1.5×, grad 1.3× the time before the
 * 25 new ops (bench/ab.ts), as binaryen also inlines every Math routine called from one place.
 * Out of line, the loops are as fast as before, and a cold node costs one call more.
 *
 * The functions are shared by the sweeps (each has several callers, so binaryen keeps them out of
 * line). ARITY, one byte per op code, says which ops are cold and their arity: 1, or 2 for a binary
 * op whose ∂b is not identically 0.
 */
import { scalar, type Expr } from "../expr.js";
import { type OpModel } from "../model.js";
import { header, XYV } from "./common.js";

function dispatch(models: readonly OpModel[], rule: (m: OpModel) => Expr | null, fallback: string): string {
  const cases = models.flatMap((m) => {
    const e = rule(m);
    return e === null ? [] : [`if (op == ${m.code}) return ${scalar(e, XYV)};`];
  });
  return `${cases.join("\n  ")}\n  return ${fallback};`;
}

export function coldFile(models: readonly OpModel[]): string {
  const cold = models.filter((m) => !m.hot && m.arity > 0);
  const arity = new Array<number>(256).fill(0);
  for (const m of cold) arity[m.rule.code] = m.arity === 2 && m.source.db !== null ? 2 : 1;
  const s = (m: OpModel) => m.source;
  return `${header("The rules of the cold ops, out of the sweeps' loops.", "scripts/gen/sweeps/cold.ts")}
import * as K from "./opcodes";
import * as R from "../rules";
import * as T from "../trig";

const ARITY = memory.data<u8>([${arity.join(", ")}]);

/** 0 for an op that is not cold, else its arity (1, or 2 when ∂b is not identically 0). */
@inline export function coldArity(op: i32): i32 {
  return <i32>load<u8>(ARITY + <usize>op);
}

export function coldValue(op: i32, x: f64, y: f64): f64 {
  ${dispatch(cold, (m) => s(m).value, "NaN")}
}

export function coldDa(op: i32, x: f64, y: f64, v: f64): f64 {
  ${dispatch(cold, (m) => s(m).da, "0")}
}

export function coldDb(op: i32, x: f64, y: f64, v: f64): f64 {
  ${dispatch(cold, (m) => s(m).db, "0")}
}

/** The second-order term \`which\` (0: ∂²/∂a², 1: ∂²/∂a∂b, 2: ∂²/∂b²); one function, called three times. */
export function coldSecond(op: i32, which: i32, x: f64, y: f64, v: f64): f64 {
  if (which == 0) {
    ${dispatch(cold, (m) => s(m).daa, "0").replace(/\n {2}/g, "\n    ")}
  }
  if (which == 1) {
    ${dispatch(cold, (m) => s(m).dab, "0").replace(/\n {2}/g, "\n    ")}
  }
  ${dispatch(cold, (m) => s(m).dbb, "0")}
}
`;
}
