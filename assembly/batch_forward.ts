// Batched forward sweep: every node holds `lanes` values (one per input point), node-major and
// contiguous — node i's lanes start at val + i·stride·8 — so add, mul and friends run as f64x2
// SIMD, two points per instruction, tanh, exp and sigmoid too (simd_math.ts); the other
// transcendental ops loop the lanes with scalar Math.
// `lanes` is even (the caller pads an odd block with a copy of its last point).
// Dispatch is the same frequency-ordered if-chain as forward.ts (see index.ts: br_table is 4×
// slower here), paid once per node for all lanes.
import * as K from "./opcodes";
import { i32At } from "./rules";
import { exp2, sigmoid2, tanh2 } from "./simd_math";
import * as JS from "./trig";

// Parameters (nodes below `inputs`) hold the same value in every lane: a product with one reads
// it once and splats it instead of loading its lanes (the weights of a dense layer, mostly).
export function batchForward(n: i32, start: i32, inputs: i32, ops: usize, a: usize, b: usize, val: usize, stride: i32, lanes: i32): void {
  const row = <usize>stride << 3;
  const end = <usize>lanes << 3;
  const one = f64x2.splat(1.0);
  const zero = f64x2.splat(0.0);
  for (let i = start; i < n; i++) {
    const op = <i32>load<u8>(ops + <usize>i);
    const ib = i32At(b, i);
    const ia = i32At(a, i);
    const pv = val + <usize>i * row;
    const pa = val + <usize>ia * row;
    const pb = val + <usize>ib * row;
    if (op == K.OP_ADD) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, f64x2.add(v128.load(pa + o), v128.load(pb + o)));
    } else if (op == K.OP_MUL) {
      if (ia < inputs) {
        const x = v128.load64_splat(pa);
        for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, f64x2.mul(x, v128.load(pb + o)));
      } else if (ib < inputs) {
        const y = v128.load64_splat(pb);
        for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, f64x2.mul(v128.load(pa + o), y));
      } else {
        for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, f64x2.mul(v128.load(pa + o), v128.load(pb + o)));
      }
    } else if (op == K.OP_SUB) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, f64x2.sub(v128.load(pa + o), v128.load(pb + o)));
    } else if (op == K.OP_SQUARE) {
      for (let o: usize = 0; o < end; o += 16) { const x = v128.load(pa + o); v128.store(pv + o, f64x2.mul(x, x)); }
    } else if (op == K.OP_DIV) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, f64x2.div(v128.load(pa + o), v128.load(pb + o)));
    } else if (op == K.OP_NEG) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, f64x2.neg(v128.load(pa + o)));
    } else if (op == K.OP_TANH) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, tanh2(v128.load(pa + o)));
    } else if (op == K.OP_EXP) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, exp2(v128.load(pa + o)));
    } else if (op == K.OP_SIN) {
      for (let o: usize = 0; o < end; o += 8) store<f64>(pv + o, JS.sin(load<f64>(pa + o)));
    } else if (op == K.OP_COS) {
      for (let o: usize = 0; o < end; o += 8) store<f64>(pv + o, JS.cos(load<f64>(pa + o)));
    } else if (op == K.OP_LOG) {
      for (let o: usize = 0; o < end; o += 8) store<f64>(pv + o, Math.log(load<f64>(pa + o)));
    } else if (op == K.OP_SQRT) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, f64x2.sqrt(v128.load(pa + o)));
    } else if (op == K.OP_SIGMOID) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, sigmoid2(v128.load(pa + o)));
    } else if (op == K.OP_RELU) {
      // +0 where x ≤ 0, else x (NaN ≤ 0 is false, so NaN stays NaN as in ops.ts)
      for (let o: usize = 0; o < end; o += 16) { const x = v128.load(pa + o); v128.store(pv + o, v128.andnot(x, f64x2.le(x, zero))); }
    } else if (op == K.OP_ABS) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, f64x2.abs(v128.load(pa + o)));
    } else if (op == K.OP_POWC || op == K.OP_POW) {
      for (let o: usize = 0; o < end; o += 8) store<f64>(pv + o, Math.pow(load<f64>(pa + o), load<f64>(pb + o)));
    } else if (op == K.OP_TAN) {
      for (let o: usize = 0; o < end; o += 8) store<f64>(pv + o, JS.tan(load<f64>(pa + o)));
    } else if (op == K.OP_MIN) {
      // f64x2.min, like Math.min: NaN if either is NaN, −0 below +0
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, f64x2.min(v128.load(pa + o), v128.load(pb + o)));
    } else if (op == K.OP_MAX) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, f64x2.max(v128.load(pa + o), v128.load(pb + o)));
    } else if (op == K.OP_SELECT) {
      const pt = val + <usize>i32At(a, ib) * row;
      const pf = val + <usize>i32At(b, ib) * row;
      for (let o: usize = 0; o < end; o += 16) {
        v128.store(pv + o, v128.bitselect(v128.load(pt + o), v128.load(pf + o), f64x2.gt(v128.load(pa + o), zero)));
      }
    } else if (op == K.OP_LT) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, v128.and(one, f64x2.lt(v128.load(pa + o), v128.load(pb + o))));
    } else if (op == K.OP_LE) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, v128.and(one, f64x2.le(v128.load(pa + o), v128.load(pb + o))));
    } else if (op == K.OP_GT) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, v128.and(one, f64x2.gt(v128.load(pa + o), v128.load(pb + o))));
    } else if (op == K.OP_GE) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, v128.and(one, f64x2.ge(v128.load(pa + o), v128.load(pb + o))));
    } else if (op == K.OP_EQ) {
      for (let o: usize = 0; o < end; o += 16) v128.store(pv + o, v128.and(one, f64x2.eq(v128.load(pa + o), v128.load(pb + o))));
    }
    // else: CONST (lanes pre-filled) and BRANCHES (no value)
  }
}
