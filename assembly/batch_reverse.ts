// Batched reverse sweep over `lanes` points per node (layout as in batch_forward.ts).
// The zero rule (rules.ts zmul) per lane: a contribution is exactly +0 where the adjoint g or the
// partial is exactly 0, whatever the other factor (an infinite or NaN partial on an unused path,
// an infinite adjoint meeting a zero partial): see `zterm`. add, sub and neg need no mask: their
// partials are ±1, and ±g is already 0 where g is. Partials are the expressions of lanes.ts, so
// gradBatch equals grad point by point.
//
// Each node's adjoint lanes are zeroed right after they are used (they are hot in cache then),
// so the sweep leaves adj[start …) all zero for the next block: cheaper than a memory.fill of
// the whole n × stride region per block, which measured ~30% of a block's time. The caller
// keeps the invariant: adj is all zero between blocks (leaves below `start` it clears itself).
import * as K from "./opcodes";
import { i32At, logDx, powDx, powLog, sqrtDx, zmul } from "./rules";
import * as JS from "./trig";

/** g·partial in both lanes, exactly +0 in a lane where either factor is exactly 0. */
@inline function zterm(g: v128, partial: v128): v128 {
  const zero = f64x2.splat(0.0);
  return v128.and(f64x2.mul(g, partial), v128.and(f64x2.ne(g, zero), f64x2.ne(partial, zero)));
}

/** All-ones in a lane where g is nonzero and a or b is NaN (neither branch of min/max taken). */
@inline function nanOperand(g: v128, a: v128, b: v128): v128 {
  const unordered = v128.or(f64x2.ne(a, a), f64x2.ne(b, b));
  return v128.and(unordered, f64x2.ne(g, f64x2.splat(0.0)));
}

@inline function acc(p: usize, v: v128): void {
  v128.store(p, f64x2.add(v128.load(p), v));
}

/** Adds both lanes of v to the f64 at p (lane 0 of a parameter's adjoint row). */
@inline function accSum(p: usize, v: v128): void {
  store<f64>(p, load<f64>(p) + (f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1)));
}

// With `reduce` (the caller wants only the sum over lanes of the parameters' adjoints, as
// meanGrad does), a product or sum with a parameter (node below `inputs`) adds its lanes'
// contributions up in a register and once into lane 0 of the parameter's adjoint row, instead of
// a load and a store of that row per lane pair; the parameter's value is splat from lane 0.
export function batchReverse(
  n: i32, start: i32, inputs: i32, reduce: bool, ops: usize, a: usize, b: usize, val: usize, adj: usize,
  stride: i32, lanes: i32,
): void {
  const row = <usize>stride << 3;
  const end = <usize>lanes << 3;
  const zero = f64x2.splat(0.0);
  const one = f64x2.splat(1.0);
  const two = f64x2.splat(2.0);
  const half = f64x2.splat(0.5);
  const k_nan = f64x2.splat(NaN);
  for (let i = n - 1; i >= start; i--) {
    const op = <i32>load<u8>(ops + <usize>i);
    const pg = adj + <usize>i * row;
    if (op < K.OP_ADD || op >= K.OP_LT && op != K.OP_SELECT) { // leaves, comparisons, branches
      for (let o: usize = 0; o < end; o += 16) v128.store(pg + o, zero);
      continue;
    }
    const ia = i32At(a, i);
    const ib = i32At(b, i);
    const pv = val + <usize>i * row;
    const pa = val + <usize>ia * row;
    const pb = val + <usize>ib * row;
    const qa = adj + <usize>ia * row;
    const qb = adj + <usize>ib * row;
    if (op == K.OP_ADD) {
      if (reduce && ib < inputs && ia != ib) {
        let sum = zero;
        for (let o: usize = 0; o < end; o += 16) { const g = v128.load(pg + o); acc(qa + o, g); sum = f64x2.add(sum, g); }
        accSum(qb, sum);
      } else if (reduce && ia < inputs && ia != ib) {
        let sum = zero;
        for (let o: usize = 0; o < end; o += 16) { const g = v128.load(pg + o); sum = f64x2.add(sum, g); acc(qb + o, g); }
        accSum(qa, sum);
      } else {
        for (let o: usize = 0; o < end; o += 16) { const g = v128.load(pg + o); acc(qa + o, g); acc(qb + o, g); }
      }
    } else if (op == K.OP_MUL && reduce && ia < inputs && ia != ib) {
      const x = v128.load64_splat(pa);
      let sum = zero;
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        sum = f64x2.add(sum, zterm(g, v128.load(pb + o)));
        acc(qb + o, zterm(g, x));
      }
      accSum(qa, sum);
    } else if (op == K.OP_MUL && reduce && ib < inputs && ia != ib) {
      const y = v128.load64_splat(pb);
      let sum = zero;
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        acc(qa + o, zterm(g, y));
        sum = f64x2.add(sum, zterm(g, v128.load(pa + o)));
      }
      accSum(qb, sum);
    } else if (op == K.OP_MUL) {
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        acc(qa + o, zterm(g, v128.load(pb + o)));
        acc(qb + o, zterm(g, v128.load(pa + o)));
      }
    } else if (op == K.OP_SUB) {
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        acc(qa + o, g);
        v128.store(qb + o, f64x2.sub(v128.load(qb + o), g));
      }
    } else if (op == K.OP_SQUARE) {
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        acc(qa + o, zterm(g, f64x2.mul(two, v128.load(pa + o))));
      }
    } else if (op == K.OP_DIV) {
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        const y = v128.load(pb + o);
        acc(qa + o, zterm(g, f64x2.div(one, y)));
        acc(qb + o, zterm(g, f64x2.div(f64x2.neg(v128.load(pv + o)), y)));
      }
    } else if (op == K.OP_NEG) {
      for (let o: usize = 0; o < end; o += 16) v128.store(qa + o, f64x2.sub(v128.load(qa + o), v128.load(pg + o)));
    } else if (op == K.OP_TANH) {
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        const v = v128.load(pv + o);
        acc(qa + o, zterm(g, f64x2.sub(one, f64x2.mul(v, v))));
      }
    } else if (op == K.OP_EXP) {
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        acc(qa + o, zterm(g, v128.load(pv + o)));
      }
    } else if (op == K.OP_SIN) {
      for (let o: usize = 0; o < end; o += 8) { const g = load<f64>(pg + o); if (g != 0) store<f64>(qa + o, load<f64>(qa + o) + zmul(JS.cos(load<f64>(pa + o)), g)); }
    } else if (op == K.OP_COS) {
      for (let o: usize = 0; o < end; o += 8) { const g = load<f64>(pg + o); if (g != 0) store<f64>(qa + o, load<f64>(qa + o) + zmul(-JS.sin(load<f64>(pa + o)), g)); }
    } else if (op == K.OP_LOG) {
      for (let o: usize = 0; o < end; o += 8) { const g = load<f64>(pg + o); if (g != 0) store<f64>(qa + o, load<f64>(qa + o) + zmul(logDx(load<f64>(pa + o)), g)); }
    } else if (op == K.OP_SQRT) {
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        acc(qa + o, zterm(g, f64x2.div(half, f64x2.abs(v128.load(pv + o))))); // sqrtDx: +∞ at ±0
      }
    } else if (op == K.OP_SIGMOID) {
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        const v = v128.load(pv + o);
        acc(qa + o, zterm(g, f64x2.mul(v, f64x2.sub(one, v))));
      }
    } else if (op == K.OP_RELU) {
      // g where x > 0, NaN where x is NaN (and g ≠ 0), else nothing
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        const x = v128.load(pa + o);
        const nan = v128.and(f64x2.ne(x, x), f64x2.ne(g, zero));
        acc(qa + o, v128.or(v128.and(g, f64x2.gt(x, zero)), v128.and(k_nan, nan)));
      }
    } else if (op == K.OP_ABS) {
      // abs routes (ops.ts `routes`): ±g to the operand, nothing at 0 — never 0·g; NaN for NaN.
      for (let o: usize = 0; o < end; o += 8) {
        const g = load<f64>(pg + o);
        const x = load<f64>(pa + o);
        if (g != 0 && x != 0) store<f64>(qa + o, load<f64>(qa + o) + (x > 0 ? g : x < 0 ? -g : NaN));
      }
    } else if (op == K.OP_POWC) {
      for (let o: usize = 0; o < end; o += 8) {
        const g = load<f64>(pg + o);
        if (g != 0) store<f64>(qa + o, load<f64>(qa + o) + zmul(powDx(load<f64>(pa + o), load<f64>(pb + o)), g));
      }
    } else if (op == K.OP_POW) {
      for (let o: usize = 0; o < end; o += 8) {
        const g = load<f64>(pg + o);
        if (g == 0) continue;
        const x = load<f64>(pa + o);
        const y = load<f64>(pb + o);
        store<f64>(qa + o, load<f64>(qa + o) + zmul(powDx(x, y), g));
        store<f64>(qb + o, load<f64>(qb + o) + zmul(powLog(x, y) * load<f64>(pv + o), g));
      }
    } else if (op == K.OP_TAN) {
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        const v = v128.load(pv + o);
        acc(qa + o, zterm(g, f64x2.add(one, f64x2.mul(v, v))));
      }
    } else if (op == K.OP_MIN) {
      // ties go to the first operand (ops.ts): a gets g where x <= y, b where x > y, and both
      // get NaN where either is NaN
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        const x = v128.load(pa + o);
        const y = v128.load(pb + o);
        const nan = v128.and(k_nan, nanOperand(g, x, y));
        acc(qa + o, v128.or(v128.and(g, f64x2.le(x, y)), nan));
        acc(qb + o, v128.or(v128.and(g, f64x2.gt(x, y)), nan));
      }
    } else if (op == K.OP_MAX) {
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        const x = v128.load(pa + o);
        const y = v128.load(pb + o);
        const nan = v128.and(k_nan, nanOperand(g, x, y));
        acc(qa + o, v128.or(v128.and(g, f64x2.ge(x, y)), nan));
        acc(qb + o, v128.or(v128.and(g, f64x2.lt(x, y)), nan));
      }
    } else if (op == K.OP_SELECT) {
      const qt = adj + <usize>i32At(a, ib) * row;
      const qf = adj + <usize>i32At(b, ib) * row;
      for (let o: usize = 0; o < end; o += 16) {
        const g = v128.load(pg + o);
        const chosen = f64x2.gt(v128.load(pa + o), zero);
        acc(qt + o, v128.and(g, chosen));
        acc(qf + o, v128.andnot(g, chosen));
      }
    }
    for (let o: usize = 0; o < end; o += 16) v128.store(pg + o, zero);
  }
}
