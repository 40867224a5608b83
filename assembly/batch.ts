// Batched entry points: one call walks a whole dataset in blocks of `stride` points.
// Per block: the data rows are transposed into the data leaves' lanes, one batched forward
// sweep, then (for gradients) the output lanes are seeded and one batched reverse sweep runs.
// Blocks keep nodes × stride × 16 B near 1 MB, so values and adjoints stay in cache (measured:
// 64-point blocks ran 1.5× faster than 1,024 contiguous lanes, which hit memory bandwidth).
//
// Layout (TypeScript allocates it, src/engine/wasm-batch.ts): val and adj, n × stride f64 each,
// node i's lanes at i·stride; constants' lanes pre-filled by the caller. rows: count × d f64,
// row-major, one data vector per point. theta: the `inputs` parameter values.
import { batchForward } from "./generated/batch_forward";
import { batchReverse } from "./generated/batch_reverse";

// The sweeps of a compiled tape (src/jit/batch-module.ts), or the interpreter's: `fwd` and `rev`
// are 0 for the interpreter, else indices into the function table (exported; JS puts the compiled
// functions there), each called as (lanes) → (), at the stride the code was compiled for. `fwd` is
// the forward sweep; `rev` the compiled forward and reverse sweep in one (it reads the output's
// seeded adjoint row), so a compiled gradient block seeds first and makes one call. Its products
// are plain: where one is NaN with a zero factor the zero rule says 0 (src/jit/zero-rule.ts), and
// such a NaN reaches the parameters' adjoints. So a gradient taken from compiled sweeps is checked
// for NaN, and where it holds one the work is done again by the kernels: a block of batchGrad, a
// whole call of batchSumGrad (whose check is of the summed gradient, so it costs nothing per block).
@inline function sweepForward(
  fwd: u32, n: i32, start: i32, inputs: i32, ops: usize, a: usize, b: usize, val: usize, stride: i32, even: i32,
): void {
  if (fwd != 0) call_indirect<void>(fwd, even);
  else batchForward(n, start, inputs, ops, a, b, val, stride, even);
}

/** Lanes the first block of `count` points uses, even: no later block uses more (a later block
 *  exists only when the first is full). Parameters and clears stop there, so a call's fixed cost
 *  follows its points, not the stride; lanes beyond are never read. */
function usedLanes(stride: i32, count: i32): i32 {
  return (min(stride, count) + 1) & ~1;
}

/** Writes each parameter into lanes [0, used) of its input node. */
function loadParams(inputs: i32, theta: usize, val: usize, stride: i32, used: i32): void {
  const row = <usize>stride << 3;
  const end = <usize>used << 3;
  for (let i = 0; i < inputs; i++) {
    const v = f64x2.splat(load<f64>(theta + (<usize>i << 3)));
    const p = val + <usize>i * row;
    for (let o: usize = 0; o < end; o += 16) v128.store(p + o, v);
  }
}

/** Transposes `lanes` rows of d values into the data leaves; an odd block gets its last point
 *  repeated in one padding lane, so the sweeps can run whole f64x2 pairs. Returns the even count. */
function loadData(inputs: i32, d: i32, rows: usize, lanes: i32, val: usize, stride: i32): i32 {
  const row = <usize>stride << 3;
  const even = (lanes + 1) & ~1;
  const rowBytes = <usize>d << 3;
  for (let j = 0; j < d; j++) {
    const p = val + <usize>(inputs + j) * row;
    let src = rows + (<usize>j << 3);
    for (let l = 0; l < lanes; l++) {
      store<f64>(p + (<usize>l << 3), load<f64>(src));
      src += rowBytes;
    }
    if (even != lanes) store<f64>(p + (<usize>lanes << 3), load<f64>(p + (<usize>(lanes - 1) << 3)));
  }
  return even;
}

/** Forward and reverse over one block, output `out` seeded with `seed` in the real lanes.
 *  adj must be all zero on entry; afterwards only lanes [0, even) of the leaves' rows [0, start)
 *  are non-zero — the caller reads them and calls clearLeaves. */
function gradientBlock(
  n: i32, start: i32, inputs: i32, ops: usize, a: usize, b: usize, val: usize, adj: usize, stride: i32,
  lanes: i32, even: i32, out: i32, seed: f64, rev: u32, checkLanes: bool,
): void {
  const row = <usize>stride << 3;
  const pseed = adj + <usize>out * row;
  if (rev != 0) {
    for (let l = 0; l < lanes; l++) store<f64>(pseed + (<usize>l << 3), seed);
    call_indirect<void>(rev, even);
    if (!checkLanes || !nanInRows(adj, inputs, stride, even)) return;
    clearLeaves(start, adj, stride, even); // the compiled sweep left its other rows zero
  }
  batchForward(n, start, inputs, ops, a, b, val, stride, even);
  for (let l = 0; l < lanes; l++) store<f64>(pseed + (<usize>l << 3), seed);
  batchReverse(n, start, inputs, false, ops, a, b, val, adj, stride, even); // per-lane sums: see batchSumGrad
}

/** True when a lane [0, even) of the first `count` adjoint rows is NaN. */
function nanInRows(adj: usize, count: i32, stride: i32, even: i32): bool {
  const row = <usize>stride << 3;
  const end = <usize>even << 3;
  let seen = f64x2.splat(0.0);
  for (let i = 0; i < count; i++) {
    const p = adj + <usize>i * row;
    for (let o: usize = 0; o < end; o += 16) {
      const v = v128.load(p + o);
      seen = v128.or(seen, f64x2.ne(v, v));
    }
  }
  return v128.any_true(seen);
}

/** Zeroes lanes [0, even) of the leaves' adjoint rows: the only lanes a block wrote. */
function clearLeaves(start: i32, adj: usize, stride: i32, even: i32): void {
  const row = <usize>stride << 3;
  if (even == stride) {
    memory.fill(adj, 0, <usize>start * row);
    return;
  }
  const end = <usize>even << 3;
  const zero = f64x2.splat(0.0);
  for (let i = 0; i < start; i++) {
    const p = adj + <usize>i * row;
    for (let o: usize = 0; o < end; o += 16) v128.store(p + o, zero);
  }
}

/** Sum over `count` points of `scale` × output `out` (returned) and of `scale` × its gradient
 *  (into gsum). With scale = 1/N (N the points of the whole dataset, of which these may be a
 *  slice) the sums are means: each term is scaled before it is added, so the mean of finite
 *  values stays finite where their plain sum would overflow. The gradient's scaling is free: the
 *  output's adjoint is seeded with `scale` instead of 1; the value costs one multiply per lane.
 *  The parameters' adjoints are summed per lane by the sweep and over the lanes here, not inside
 *  the sweep (batchReverse's `reduce`, which measured ≈ 6% faster on the MLP): so a compiled sweep
 *  (src/jit/), which keeps per-lane adjoints, gives the same sums to the bit, and a function that
 *  switches to compiled code mid-stream returns what it returned before. */
export function batchSumGrad(
  n: i32, start: i32, inputs: i32, d: i32, ops: usize, a: usize, b: usize, val: usize, adj: usize,
  stride: i32, theta: usize, rows: usize, count: i32, out: i32, gsum: usize, scale: f64, rev: u32,
): f64 {
  const row = <usize>stride << 3;
  loadParams(inputs, theta, val, stride, usedLanes(stride, count));
  memory.fill(gsum, 0, <usize>inputs << 3);
  let total: f64 = 0;
  for (let first = 0; first < count; first += stride) {
    const lanes = min(stride, count - first);
    const even = loadData(inputs, d, rows + (<usize>first * <usize>d << 3), lanes, val, stride);
    gradientBlock(n, start, inputs, ops, a, b, val, adj, stride, lanes, even, out, scale, rev, false);
    const pv = val + <usize>out * row;
    for (let l = 0; l < lanes; l++) total += load<f64>(pv + (<usize>l << 3)) * scale;
    for (let i = 0; i < inputs; i++) {
      const p = adj + <usize>i * row;
      let s: f64 = 0;
      for (let l = 0; l < lanes; l++) s += load<f64>(p + (<usize>l << 3));
      store<f64>(gsum + (<usize>i << 3), load<f64>(gsum + (<usize>i << 3)) + s);
    }
    clearLeaves(start, adj, stride, even);
  }
  if (rev != 0) {
    // Compiled sweeps: a NaN in the gradient may be a product the zero rule makes 0 (see above).
    for (let i = 0; i < inputs; i++) {
      const g = load<f64>(gsum + (<usize>i << 3));
      if (g != g) return batchSumGrad(n, start, inputs, d, ops, a, b, val, adj, stride, theta, rows, count, out, gsum, scale, 0);
    }
  }
  return total;
}

/** Per point: the value of output `out` into values[k] and its gradient into grads[k·inputs …]. */
export function batchGrad(
  n: i32, start: i32, inputs: i32, d: i32, ops: usize, a: usize, b: usize, val: usize, adj: usize,
  stride: i32, theta: usize, rows: usize, count: i32, out: i32, values: usize, grads: usize, rev: u32,
): void {
  const row = <usize>stride << 3;
  loadParams(inputs, theta, val, stride, usedLanes(stride, count));
  for (let first = 0; first < count; first += stride) {
    const lanes = min(stride, count - first);
    const even = loadData(inputs, d, rows + (<usize>first * <usize>d << 3), lanes, val, stride);
    gradientBlock(n, start, inputs, ops, a, b, val, adj, stride, lanes, even, out, 1.0, rev, true);
    memory.copy(values + (<usize>first << 3), val + <usize>out * row, <usize>lanes << 3);
    for (let l = 0; l < lanes; l++) {
      const dst = grads + (<usize>(first + l) * <usize>inputs << 3);
      for (let i = 0; i < inputs; i++) store<f64>(dst + (<usize>i << 3), load<f64>(adj + <usize>i * row + (<usize>l << 3)));
    }
    clearLeaves(start, adj, stride, even);
  }
}

/** Per point: the values of the m outputs (node indices at outs) into values[k·m …]. */
export function batchEval(
  n: i32, start: i32, inputs: i32, d: i32, ops: usize, a: usize, b: usize, val: usize,
  stride: i32, theta: usize, rows: usize, count: i32, outs: usize, m: i32, values: usize, fwd: u32,
): void {
  const row = <usize>stride << 3;
  loadParams(inputs, theta, val, stride, usedLanes(stride, count));
  for (let first = 0; first < count; first += stride) {
    const lanes = min(stride, count - first);
    const even = loadData(inputs, d, rows + (<usize>first * <usize>d << 3), lanes, val, stride);
    sweepForward(fwd, n, start, inputs, ops, a, b, val, stride, even);
    for (let j = 0; j < m; j++) {
      const src = val + <usize>load<i32>(outs + (<usize>j << 2)) * row;
      for (let l = 0; l < lanes; l++) {
        store<f64>(values + (<usize>((first + l) * m + j) << 3), load<f64>(src + (<usize>l << 3)));
      }
    }
  }
}
