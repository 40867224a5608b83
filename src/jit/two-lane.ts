/**
 * Which op-rule expressions have a two-lane (f64x2) form, and their instructions: shared by the
 * JIT's batch sweeps (emit-simd.ts) and the kernel generator (scripts/gen/expr.ts `simdable`), so
 * both take the same ops lane-wise and agree to the bit. Imports nothing generated: the generator
 * reads it before src/generated/ exists.
 */
import type { JitExpr } from "./expr.js";
import { Simd } from "./wasm-writer.js";

const S = { ...Simd };

export const SIMD_BINARY: Readonly<Record<string, number>> = {
  "+": S.f64x2Add, "-": S.f64x2Sub, "*": S.f64x2Mul, "/": S.f64x2Div,
  "<": S.f64x2Lt, "<=": S.f64x2Le, ">": S.f64x2Gt, ">=": S.f64x2Ge, "==": S.f64x2Eq, "!=": S.f64x2Ne,
  "&&": S.and, "||": S.or,
};
export const SIMD_UNARY_CALLS: Readonly<Record<string, number>> = {
  "Math.sqrt": S.f64x2Sqrt, "Math.abs": S.f64x2Abs, "Math.floor": S.f64x2Floor, "Math.ceil": S.f64x2Ceil, "Math.trunc": S.f64x2Trunc,
};
export const SIMD_BINARY_CALLS: Readonly<Record<string, number>> = { "Math.min": S.f64x2Min, "Math.max": S.f64x2Max };
/** Calls of the kernels' two-lane functions (exported by assembly/generated/jit_math.ts). */
export const SIMD_FUNCTIONS: Readonly<Record<string, string>> = { "Math.exp": "jit_exp2", "Math.tanh": "jit_tanh2" };

/** True when every part of the expression has a two-lane form. */
export function simdable(e: JitExpr): boolean {
  switch (e.kind) {
    case "num": case "operand": return true;
    case "const": return e.name === "NaN" || e.name === "Infinity" || e.name.startsWith("Math.");
    case "unary": return simdable(e.arg);
    case "binary": return SIMD_BINARY[e.op] !== undefined && simdable(e.left) && simdable(e.right);
    case "cond": return simdable(e.test) && simdable(e.then) && simdable(e.else);
    case "call":
      return (SIMD_UNARY_CALLS[e.fn] !== undefined || SIMD_BINARY_CALLS[e.fn] !== undefined || SIMD_FUNCTIONS[e.fn] !== undefined) &&
        e.args.every(simdable);
  }
}

