/**
 * Hand-written closed-form gradients in plain JS: the "manual" way the lecture starts from, the
 * speed limit of straight-line JS, and the truth every other contender is checked against.
 * Each writes the gradient into `grad` (overwritten) and returns the value.
 */

/** f(x, y) = (x + y)·sin(x): ∂f/∂x = sin x + (x + y)·cos x, ∂f/∂y = sin x. */
export function seedGrad(x: number, y: number, grad: Float64Array): number {
  const s = Math.sin(x);
  grad[0] = s + (x + y) * Math.cos(x);
  grad[1] = s;
  return (x + y) * s;
}

/** Extended Rosenbrock, Σᵢ 100·(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², i = 0 … n−2. */
export function rosenbrockGrad(x: Float64Array, grad: Float64Array): number {
  const n = x.length;
  grad.fill(0);
  let f = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i]!;
    const t = x[i + 1]! - xi * xi;
    const u = 1 - xi;
    f += 100 * t * t + u * u;
    grad[i]! += -400 * xi * t - 2 * u;
    grad[i + 1]! += 200 * t;
  }
  return f;
}

/**
 * The MLP's parameter layout, shared by every contender: W1 (h×2, row j = unit j), b1 (h),
 * W2 (h×h, row j = unit j), b2 (h), W3 (h), b3 (1). For h = 16: 32 + 16 + 256 + 16 + 16 + 1 = 337.
 */
export function mlpLayout(h: number): { w1: number; b1: number; w2: number; b2: number; w3: number; b3: number; size: number } {
  const w1 = 0;
  const b1 = w1 + 2 * h;
  const w2 = b1 + h;
  const b2 = w2 + h * h;
  const w3 = b2 + h;
  const b3 = w3 + h;
  return { w1, b1, w2, b2, w3, b3, size: b3 + 1 };
}

/**
 * Mean squared error of the MLP 2→h→h→1 (tanh, tanh, linear) over the points (x = points[2p],
 * points[2p+1], target targets[p]), and its gradient by hand-written backpropagation.
 */
export function mlpGrad(theta: Float64Array, points: Float64Array, targets: Float64Array, h: number, grad: Float64Array): number {
  const L = mlpLayout(h);
  const count = targets.length;
  const a1 = new Float64Array(h);
  const a2 = new Float64Array(h);
  const d2 = new Float64Array(h);
  grad.fill(0);
  let loss = 0;
  for (let p = 0; p < count; p++) {
    const x0 = points[2 * p]!;
    const x1 = points[2 * p + 1]!;
    for (let j = 0; j < h; j++) {
      a1[j] = Math.tanh(theta[L.w1 + 2 * j]! * x0 + theta[L.w1 + 2 * j + 1]! * x1 + theta[L.b1 + j]!);
    }
    let out = theta[L.b3]!;
    for (let j = 0; j < h; j++) {
      let z = theta[L.b2 + j]!;
      const row = L.w2 + h * j;
      for (let k = 0; k < h; k++) z += theta[row + k]! * a1[k]!;
      const a = Math.tanh(z);
      a2[j] = a;
      out += theta[L.w3 + j]! * a;
    }
    const e = out - targets[p]!;
    loss += e * e;
    const dOut = (2 * e) / count;
    grad[L.b3]! += dOut;
    for (let j = 0; j < h; j++) {
      grad[L.w3 + j]! += dOut * a2[j]!;
      d2[j] = dOut * theta[L.w3 + j]! * (1 - a2[j]! * a2[j]!);
    }
    for (let k = 0; k < h; k++) {
      let d1 = 0;
      for (let j = 0; j < h; j++) {
        d1 += d2[j]! * theta[L.w2 + h * j + k]!;
        grad[L.w2 + h * j + k]! += d2[j]! * a1[k]!;
      }
      d1 *= 1 - a1[k]! * a1[k]!;
      grad[L.b1 + k]! += d1;
      grad[L.w1 + 2 * k]! += d1 * x0;
      grad[L.w1 + 2 * k + 1]! += d1 * x1;
    }
    for (let j = 0; j < h; j++) grad[L.b2 + j]! += d2[j]!;
  }
  return loss / count;
}

/**
 * The Hessian-vector product of the extended Rosenbrock function, H·v, by hand. Term i,
 * 100·t² + u² with t = xᵢ₊₁ − xᵢ², u = 1 − xᵢ, has second derivatives ∂²/∂xᵢ² = 1200·xᵢ² − 400·xᵢ₊₁ + 2,
 * ∂²/∂xᵢ∂xᵢ₊₁ = −400·xᵢ, ∂²/∂xᵢ₊₁² = 200.
 */
export function rosenbrockHvp(x: Float64Array, v: Float64Array, out: Float64Array): void {
  const n = x.length;
  out.fill(0);
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i]!;
    const cross = -400 * xi;
    out[i]! += (1200 * xi * xi - 400 * x[i + 1]! + 2) * v[i]! + cross * v[i + 1]!;
    out[i + 1]! += cross * v[i]! + 200 * v[i + 1]!;
  }
}

/**
 * The MNIST-size MLP's parameter layout (inputs → hidden → classes), in the key order of the
 * array form's `params: { W1: [h, d], b1: [h], W2: [c, h], b2: [c] }`, each row-major. For
 * 784 → 128 → 10: 100,352 + 128 + 1,280 + 10 = 101,770.
 */
export function mnistLayout(d: number, h: number, c: number): { d: number; h: number; c: number; w1: number; b1: number; w2: number; b2: number; size: number; row: number } {
  const w1 = 0;
  const b1 = w1 + h * d;
  const w2 = b1 + h;
  const b2 = w2 + c * h;
  return { d, h, c, w1, b1, w2, b2, size: b2 + c, row: d + c };
}

/**
 * Mean cross-entropy of the MLP d → h → c (tanh hidden layer, logSoftmax output) over `count`
 * rows (x: d numbers, then y: c numbers, one-hot), loss −⟨y, logSoftmax(W2·tanh(W1·x + b1) + b2)⟩,
 * and its gradient by hand-written backpropagation.
 */
export function mnistGrad(L: ReturnType<typeof mnistLayout>, theta: Float64Array, rows: Float64Array, count: number, grad: Float64Array): number {
  const { d, h, c } = L;
  const hidden = new Float64Array(h);
  const dHidden = new Float64Array(h);
  const logits = new Float64Array(c);
  const dLogits = new Float64Array(c);
  grad.fill(0);
  let loss = 0;
  for (let p = 0; p < count; p++) {
    const x = p * L.row;
    const y = x + d;
    for (let j = 0; j < h; j++) {
      let z = theta[L.b1 + j]!;
      const w = L.w1 + d * j;
      for (let i = 0; i < d; i++) z += theta[w + i]! * rows[x + i]!;
      hidden[j] = Math.tanh(z);
    }
    let max = -Infinity;
    for (let k = 0; k < c; k++) {
      let z = theta[L.b2 + k]!;
      const w = L.w2 + h * k;
      for (let j = 0; j < h; j++) z += theta[w + j]! * hidden[j]!;
      logits[k] = z;
      if (z > max) max = z;
    }
    let total = 0;
    for (let k = 0; k < c; k++) total += Math.exp(logits[k]! - max);
    const lse = max + Math.log(total);
    // ∂/∂logit_k of −Σ y_k (logit_k − lse) is −y_k + (Σ y)·softmax_k; the mean divides by count.
    let ySum = 0;
    for (let k = 0; k < c; k++) {
      loss -= rows[y + k]! * (logits[k]! - lse);
      ySum += rows[y + k]!;
    }
    for (let k = 0; k < c; k++) dLogits[k] = (ySum * Math.exp(logits[k]! - lse) - rows[y + k]!) / count;
    dHidden.fill(0);
    for (let k = 0; k < c; k++) {
      const g = dLogits[k]!;
      const w = L.w2 + h * k;
      grad[L.b2 + k]! += g;
      for (let j = 0; j < h; j++) {
        grad[w + j]! += g * hidden[j]!;
        dHidden[j]! += g * theta[w + j]!;
      }
    }
    for (let j = 0; j < h; j++) {
      const g = dHidden[j]! * (1 - hidden[j]! * hidden[j]!);
      grad[L.b1 + j]! += g;
      const w = L.w1 + d * j;
      for (let i = 0; i < d; i++) grad[w + i]! += g * rows[x + i]!;
    }
  }
  return loss / count;
}
