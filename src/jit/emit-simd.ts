/**
 * An op rule's expression as f64x2 code, two data points per instruction, as the batch kernels
 * compute it (scripts/gen/expr.ts `simd`): arithmetic, comparisons and logic lane-wise, ?: as a
 * bitselect of both arms (the rules are pure), sqrt/abs/min/max/floor/ceil/trunc as instructions,
 * exp and tanh by the kernels' own two-lane functions (jit_exp2, jit_tanh2, wasm-to-wasm). A rule
 * with any other call has no two-lane form: the batch sweeps evaluate it per lane with the scalar
 * rule (emit-expr.ts), again as the kernels do.
 */
import type { JitExpr, JitOperand } from "./expr.js";
import { emitExpr, type MathImports, type Operands } from "./emit-expr.js";
import { ByteWriter, Simd } from "./wasm-writer.js";
import { SIMD_BINARY, SIMD_BINARY_CALLS, SIMD_FUNCTIONS, SIMD_UNARY_CALLS, simdable } from "./two-lane.js";

export { simdable, SIMD_FUNCTIONS };

const S = { ...Simd };

/** How the caller reads a v128 operand, and splat constants (hoisted into locals). */
export interface SimdOperands {
  push(w: ByteWriter, name: JitOperand): void;
  constant(w: ByteWriter, value: number): void;
}

/** The function indices of jit_exp2 and jit_tanh2 in the module. */
export interface SimdFunctionIndex {
  indexOf(name: string): number;
}

export function emitSimd(w: ByteWriter, e: JitExpr, operands: SimdOperands, functions: SimdFunctionIndex): void {
  switch (e.kind) {
    case "num": operands.constant(w, e.value); return;
    case "operand": operands.push(w, e.name); return;
    case "const": operands.constant(w, e.name === "NaN" ? NaN : e.name === "Infinity" ? Infinity : (Math as unknown as Record<string, number>)[e.name.slice(5)]!); return;
    case "unary":
      emitSimd(w, e.arg, operands, functions);
      w.simd(e.op === "-" ? S.f64x2Neg : S.not);
      return;
    case "binary":
      emitSimd(w, e.left, operands, functions);
      emitSimd(w, e.right, operands, functions);
      w.simd(SIMD_BINARY[e.op]!);
      return;
    case "cond":
      emitSimd(w, e.then, operands, functions);
      emitSimd(w, e.else, operands, functions);
      emitSimd(w, e.test, operands, functions);
      w.simd(S.bitselect);
      return;
    case "call": {
      for (const arg of e.args) emitSimd(w, arg, operands, functions);
      const code = SIMD_UNARY_CALLS[e.fn] ?? SIMD_BINARY_CALLS[e.fn];
      if (code !== undefined) w.simd(code);
      else w.call(functions.indexOf(SIMD_FUNCTIONS[e.fn]!));
      return;
    }
  }
}

/** Scalar operands read from lane `lane` of v128 locals: a, b, v (−1: absent). */
export class LaneOperands implements Operands {
  lane = 0;
  a = -1;
  b = -1;
  v = -1;

  push(w: ByteWriter, name: JitOperand): void {
    const local = name === "a" ? this.a : name === "b" ? this.b : this.v;
    w.localGet(local);
    w.simd(S.f64x2ExtractLane);
    w.byte(this.lane);
  }
}

/**
 * Pushes the v128 whose lanes are the scalar rule evaluated per lane (the kernels' loop for an op
 * without a two-lane form). `each` may wrap the scalar value (the zero rule in the reverse sweep).
 */
export function emitPerLane(
  w: ByteWriter, e: JitExpr, lanes: LaneOperands, math: MathImports, each?: (w: ByteWriter, lane: number) => void,
): void {
  for (let lane = 0; lane < 2; lane++) {
    lanes.lane = lane;
    emitExpr(w, e, lanes, math);
    each?.(w, lane);
    if (lane === 0) w.simd(S.f64x2Splat);
    else {
      w.simd(S.f64x2ReplaceLane);
      w.byte(1);
    }
  }
}
