/**
 * The MLP 2→16→16→1 (tanh) with squared loss, as a traced tapegrad function and as a
 * hand-written closed-form JavaScript gradient — the benchmark pair for batches.
 * Parameter layout (both): W1 16×2, b1 16, W2 16×16, b2 16, w3 16, b3 — 337 numbers.
 */
import { compile, square, sum, tanh, type Compiled, type EngineName, type Var } from "../src/index.js";

export const H = 16;
export const MLP_PARAMS = H * 2 + H + H * H + H + H + 1;

export function compileMlp(engine: EngineName = "wasm"): Compiled {
  return compile({ params: MLP_PARAMS, data: 3, engine }, (p: Var[], [x1, x2, y]) => {
    let k = 0;
    const next = (): Var => p[k++]!;
    const h1: Var[] = [];
    for (let j = 0; j < H; j++) h1.push(next().mul(x1!).add(next().mul(x2!)));
    const a1 = h1.map((z) => tanh(z.add(next())));
    const h2: Var[] = [];
    for (let j = 0; j < H; j++) h2.push(sum(a1.map((a) => next().mul(a))));
    const a2 = h2.map((z) => tanh(z.add(next())));
    const out = sum(a2.map((a) => next().mul(a))).add(next());
    return square(out.sub(y!));
  });
}

/** Mean loss and mean gradient over `count` rows (x1, x2, y), by hand: forward, then backprop. */
export function handMeanGrad(theta: Float64Array, rows: Float64Array, count: number, grad: Float64Array): number {
  const W1 = 0, B1 = W1 + 2 * H, W2 = B1 + H, B2 = W2 + H * H, W3 = B2 + H, B3 = W3 + H;
  const a1 = new Float64Array(H);
  const a2 = new Float64Array(H);
  const d2 = new Float64Array(H);
  grad.fill(0);
  let total = 0;
  for (let k = 0; k < count; k++) {
    const x1 = rows[3 * k]!, x2 = rows[3 * k + 1]!, y = rows[3 * k + 2]!;
    for (let j = 0; j < H; j++) a1[j] = Math.tanh(theta[W1 + 2 * j]! * x1 + theta[W1 + 2 * j + 1]! * x2 + theta[B1 + j]!);
    let out = theta[B3]!;
    for (let j = 0; j < H; j++) {
      let z = theta[B2 + j]!;
      for (let i = 0; i < H; i++) z += theta[W2 + H * j + i]! * a1[i]!;
      a2[j] = Math.tanh(z);
      out += theta[W3 + j]! * a2[j]!;
    }
    const r = out - y;
    total += r * r;
    const g = 2 * r;
    grad[B3] += g;
    for (let j = 0; j < H; j++) {
      grad[W3 + j] += g * a2[j]!;
      d2[j] = g * theta[W3 + j]! * (1 - a2[j]! * a2[j]!);
      grad[B2 + j] += d2[j]!;
    }
    for (let i = 0; i < H; i++) {
      let d = 0;
      for (let j = 0; j < H; j++) {
        grad[W2 + H * j + i] += d2[j]! * a1[i]!;
        d += d2[j]! * theta[W2 + H * j + i]!;
      }
      d *= 1 - a1[i]! * a1[i]!;
      grad[W1 + 2 * i] += d * x1;
      grad[W1 + 2 * i + 1] += d * x2;
      grad[B1 + i] += d;
    }
  }
  for (let i = 0; i < grad.length; i++) grad[i] /= count;
  return total / count;
}

/** Rows (x1, x2, y) with y = sin(x1)·cos(x2), and small random weights. */
export function mlpProblem(count: number, seed = 1): { theta: Float64Array; rows: Float64Array } {
  let s = seed >>> 0;
  const random = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const rows = new Float64Array(3 * count);
  for (let k = 0; k < count; k++) {
    const x1 = 4 * random() - 2, x2 = 4 * random() - 2;
    rows.set([x1, x2, Math.sin(x1) * Math.cos(x2)], 3 * k);
  }
  const theta = Float64Array.from({ length: MLP_PARAMS }, () => random() - 0.5);
  return { theta, rows };
}
