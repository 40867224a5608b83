// Small kernels of the array executor (src/array/wasm-exec.ts) beside the fused runs: adding a
// block of adjoints back into an array, and sum folds. Byte addresses; strides in elements.

/** dst[i] += src[i] for i < n. Each element gets one addition: the same bits as a scalar loop. */
export function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(dst + o, f64x2.add(v128.load(dst + o), v128.load(src + o)));
  }
  if (i < n) {
    const o = <usize>i << 3;
    store<f64>(dst + o, load<f64>(dst + o) + load<f64>(src + o));
  }
}

/** x[0] + x[s] + … + x[(n−1)·s], left to right as the reference (js-exec.ts fold) adds. */
export function sumStrided(x: usize, n: i32, stride: i32): f64 {
  const step = <usize>stride << 3;
  let acc = load<f64>(x);
  let p = x + step;
  for (let m = 1; m < n; m++) {
    acc += load<f64>(p);
    p += step;
  }
  return acc;
}

/** acc + x[0] + x[1] + … + x[n−1], left to right: a sum carried across blocks (from −0, it is the plain sum's bits). */
export function accumulate(acc: f64, x: usize, n: i32): f64 {
  for (let m = 0; m < n; m++) acc += load<f64>(x + (<usize>m << 3));
  return acc;
}

/** x[m·s] += g for m < n: a sum's adjoint to each of its terms. */
export function addStrided(x: usize, n: i32, stride: i32, g: f64): void {
  const step = <usize>stride << 3;
  let p = x;
  for (let m = 0; m < n; m++) {
    store<f64>(p, load<f64>(p) + g);
    p += step;
  }
}

/**
 * n f64 from ptr set to value. For the JS side (src/wasm/heap.ts fill): V8's TypedArray.fill on
 * a SharedArrayBuffer stores element by element, ~7× slower than this loop.
 */
export function fillF64(ptr: usize, value: f64, n: i32): void {
  const v = f64x2.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = ptr + (<usize>i << 3);
    v128.store(p, v);
    v128.store(p, v, 16);
  }
  for (; i < n; i++) store<f64>(ptr + (<usize>i << 3), value);
}

/** n f64 copied from src to dst (ranges may overlap): Heap.copyWithin, for the same reason. */
export function copyF64(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 3);
}
