/**
 * Sparse Jacobians and Hessians against the dense methods and the sweeps they are built from:
 *   - pattern + coloring of a ~1M-node tape (Rosenbrock's Hessian, a banded residual's Jacobian):
 *     time and the index sets' peak memory                                    (expected < 1 s)
 *   - Rosenbrock n = 10,000: sparseHessian vs hessian (≥ 100× faster) and vs one grad (≤ 5×)
 *   - banded residual, bandwidth 5, n = m = 100,000: sparseJacobian vs one jvp (≤ 10×)
 * Run: npx tsx bench/sparse.ts [--engine js] — medians of repeated calls (performance.now); the
 * dense Hessian is timed once (it is 10,000 × 10,000 = 800 MB).
 */
import { compile, sin, square, sub, sum, type Compiled, type EngineName, type Var } from "../src/index.js";
import { replayedTape } from "../src/compiled.js";
import { sparseColors, sparseTimings } from "../src/sparse/compressed.js";

const engine: EngineName = process.argv.includes("--engine") && process.argv.includes("js") ? "js" : "wasm";

const rosenbrock = (xs: Var[]): Var =>
  sum(xs.slice(1).map((x, i) => square(x.sub(square(xs[i]!))).mul(100).add(square(sub(1, xs[i]!)))));
/** r_i = sin(x_i) + Σ_{|k| ≤ 2} (1 + k/10)·x_{i+k}²: 5 nonzeros per row. */
const banded = (xs: Var[]): Var[] =>
  xs.map((x, i) => {
    let r: Var = sin(x);
    for (let k = -2; k <= 2; k++) if (i + k >= 0 && i + k < xs.length) r = r.add(square(xs[i + k]!).mul(1 + k * 0.1));
    return r;
  });

function median(fn: () => void, minMs = 400, minRuns = 5): number {
  const times: number[] = [];
  const until = performance.now() + minMs;
  while (times.length < minRuns || performance.now() < until) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

const fmt = (ms: number): string => (ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`);
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function oneOff(f: Compiled, what: "hessian" | "jacobian"): void {
  const heap = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const t = performance.now();
  const P = what === "hessian" ? f.hessianSparsity() : f.jacobianSparsity();
  const colors = sparseColors(replayedTape(f)!);
  const total = performance.now() - t;
  const { patternMs, coloringMs, peakBytes } = sparseTimings(replayedTape(f)!);
  const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  console.log(
    `  ${what} pattern + colorings of ${f.size.toLocaleString("en-US")} nodes: ${fmt(total)} ` +
      `(propagation ${fmt(patternMs)}, colorings ${fmt(coloringMs)}; nnz ${P.nnz.toLocaleString("en-US")}; ` +
      `colors forward ${colors.forward}, reverse ${colors.reverse}, Hessian ${colors.hessian ?? "—"}; ` +
      `index sets peak ${mb(peakBytes)}, JS heap + buffers +${mb(after - heap)})`,
  );
}

console.log(`engine ${engine}, Node ${process.version}`);

console.log("1M-node tapes (first call: propagation, every coloring, plans):");
{
  const r = compile(rosenbrock, { inputs: 125_000, engine });
  oneOff(r, "hessian");
  r.dispose();
  const b = compile(banded, { inputs: 62_500, engine });
  oneOff(b, "jacobian");
  b.dispose();
}

console.log("Rosenbrock n = 10,000:");
{
  const n = 10_000;
  const f = compile(rosenbrock, { inputs: n, engine });
  const x = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  const first = performance.now();
  const S = f.sparseHessian(x);
  const firstMs = performance.now() - first;
  const sparseMs = median(() => f.sparseHessian(x));
  const gradMs = median(() => f.grad(x));
  const t = performance.now();
  const H = f.hessian(x);
  const denseMs = performance.now() - t;
  let err = 0;
  const P = f.hessianSparsity();
  for (let i = 0; i < n; i++) for (let k = P.rowPtr[i]!; k < P.rowPtr[i + 1]!; k++) err = Math.max(err, Math.abs(S.data[k]! - H.data[i * n + P.colIdx[k]!]!));
  console.log(
    `  sparseHessian ${fmt(sparseMs)} (${S.colors} colors; first call ${fmt(firstMs)}), hessian ${fmt(denseMs)} ` +
      `(${(denseMs / sparseMs).toFixed(0)}× slower), grad ${fmt(gradMs)} (sparseHessian = ${(sparseMs / gradMs).toFixed(2)}× grad); ` +
      `max |difference| ${err.toExponential(1)}`,
  );
  f.dispose();
}

console.log("Banded residual, bandwidth 5, n = m = 100,000:");
{
  const n = 100_000;
  const f = compile(banded, { inputs: n, engine });
  const x = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  const v = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  const first = performance.now();
  const S = f.sparseJacobian(x);
  const firstMs = performance.now() - first;
  const sparseMs = median(() => f.sparseJacobian(x));
  const reverseMs = median(() => f.sparseJacobian(x, { mode: "reverse" }));
  const jvpMs = median(() => f.jvp(x, v));
  console.log(
    `  sparseJacobian ${fmt(sparseMs)} (${S.mode}, ${S.colors} colors, nnz ${S.data.length.toLocaleString("en-US")}; first call ${fmt(firstMs)}; ` +
      `reverse ${fmt(reverseMs)}), jvp ${fmt(jvpMs)} (sparseJacobian = ${(sparseMs / jvpMs).toFixed(2)}× jvp); tape ${f.size.toLocaleString("en-US")} nodes`,
  );
  f.dispose();
}
