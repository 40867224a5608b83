/**
 * The zero rule (src/ops.ts zmul) in compiled code: a partial times a tangent or adjoint is exactly
 * 0 when either factor is 0, even beside ±∞ or NaN. The emitted sweeps multiply plainly and let a
 * NaN flag decide instead.
 *
 * The plain product differs from the rule's only where it is NaN (0·∞, 0·NaN). Such a NaN matters
 * only where it reaches a result, and on its way it stays NaN: added into an adjoint it makes that
 * adjoint NaN, and a NaN adjoint passes NaN to every operand it reaches (NaN·p is NaN for every p,
 * 0 included); the same for tangents, forward. So a call whose results — the gradient (every input
 * adjoint), or the output tangents — hold no NaN computed exactly what the rule prescribes, bit for
 * bit (products that are not NaN are the rule's). The entries check those results (an f64x2 loop
 * of x ≠ x) and return the flag; a call that finds one is done again by the interpreter's kernels
 * (src/engine/wasm.ts), so the rule holds at the interpreter's speed on the rare calls that meet a
 * NaN, or an ∞ next to a zero, and a gradient that is NaN for real costs one rerun.
 *
 * Measured on the Rosenbrock n = 1e3 gradient (one run, --no-liftoff): plain products 4.85 µs, a
 * test and branch per product 9.4 µs (every branch splits TurboFan's straight-line block), a
 * branchless mask on the product's bits more again; a flag at every node 12.4 µs; the check of the
 * gradient ≈ 0.3 µs.
 */
import type { JitExpr } from "./expr.js";
import { F64, I32, Op, Simd, V128, VOID, type ByteWriter } from "./wasm-writer.js";

// Local copies: an imported binding read in a hot loop is a getter call under tsx and vitest.
const O = { ...Op };

/** The locals of a function that calls flagNaNRange with flag = 0. */
export const ENTRY_LOCALS: readonly (readonly [number, number])[] = [[2, I32], [1, V128], [1, F64]];

/** flag |= (local x ≠ local x): flag is an i32 local. */
export function flagNaN(w: ByteWriter, x: number, flag: number): void {
  w.localGet(x);
  w.localGet(x);
  w.op(O.f64Ne);
  w.localGet(flag);
  w.op(O.i32Or);
  w.localSet(flag);
}

/** flag |= (the f64 at `address` ≠ itself). */
export function flagNaNAt(w: ByteWriter, address: number, scratch: number, flag: number): void {
  w.f64LoadAt(address);
  w.localSet(scratch);
  flagNaN(w, scratch, flag);
}

/** A literal partial of ±1: the sweeps pass the derivative on without a product. */
export function unitPartial(e: JitExpr): number {
  return e.kind === "num" && (e.value === 1 || e.value === -1) ? e.value : 0;
}

/** flag |= any_true(v ≠ v) for the pair v at `offset` plus the address on the stack (local flag + 2: a v128). */
function flagPairAt(w: ByteWriter, offset: number, flag: number): void {
  w.v128Mem(Simd.load, offset);
  w.localTee(flag + 2);
  w.localGet(flag + 2);
  w.simd(Simd.f64x2Ne);
  w.simd(Simd.anyTrue);
  w.localGet(flag);
  w.op(O.i32Or);
  w.localSet(flag);
}

/**
 * flag |= any of the `count` f64 at `address` (16-byte aligned) is NaN: a loop over f64x2 pairs
 * (x ≠ x lane-wise, or-ed), then the odd last one. Uses the locals after `flag`: flag + 1 an i32
 * (the index), flag + 2 a v128, flag + 3 an f64 (ENTRY_LOCALS declares them so).
 */
export function flagNaNRange(w: ByteWriter, address: number, count: number, flag: number): void {
  const pairs = Math.floor(count / 2);
  const index = flag + 1;
  if (pairs > 0 && pairs <= 4) {
    // A few pairs: straight-line (a seed-size gradient's check, where a loop's overhead shows).
    for (let k = 0; k < pairs; k++) {
      w.i32Const(0);
      flagPairAt(w, address + 16 * k, flag);
    }
  } else if (pairs > 0) {
    w.i32Const(0);
    w.localSet(index);
    w.op(O.loop);
    w.byte(VOID);
    w.localGet(index);
    w.i32Const(16);
    w.op(O.i32Mul);
    flagPairAt(w, address, flag);
    w.loopBack(index, 1, pairs, true);
  }
  if (count % 2 === 1) {
    w.f64LoadAt(address + 8 * (count - 1));
    w.localSet(flag + 3);
    flagNaN(w, flag + 3, flag);
  }
}
