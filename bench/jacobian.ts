/**
 * Jacobians and second derivatives against the sweeps they are built from (tinybench medians):
 *   - hvp vs grad, Rosenbrock n = 1000                    (expected ≤ 4×)
 *   - full Jacobian of a 1000 → 1 function vs one grad    (expected ≤ 3×)
 *   - full Jacobian of a 1 → 1000 function vs one forward pass (jvp; eval shown too) (≤ 3×)
 * Run: npx tsx bench/jacobian.ts [--engine js] — a quick standalone look; the suite measures the
 * same targets interleaved and checked (bench/workloads/jacobian.ts, hvp.ts).
 */
import { Bench } from "tinybench";
import { compile, sin, square, sum, exp, type EngineName, type Var } from "../src/index.js";

const engine: EngineName = process.argv.includes("--engine") && process.argv.includes("js") ? "js" : "wasm";

const rosenbrock = (xs: Var[]): Var => {
  const terms: Var[] = [];
  for (let i = 0; i + 1 < xs.length; i++) {
    terms.push(square(xs[i + 1]!.sub(square(xs[i]!))).mul(100), square(xs[i]!.sub(1)));
  }
  return sum(terms);
};

const n = 1000;
const wide = compile(rosenbrock, { inputs: n, engine });
const x = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
const v = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
// 1 → 1000: output j = sin(c_j·t)·exp(t) + c_j·t², a few nodes per output.
const tall = compile((t: Var) => Array.from({ length: n }, (_, j) => sin(t.mul(j / n)).mul(exp(t)).add(t.mul(t).mul(j))), { engine });
const t = [0.3];
const dt = [1];

const bench = new Bench({ time: 500, warmup: true });
bench
  .add("grad (1000 → 1)", () => { wide.grad(x); })
  .add("hvp (1000 → 1)", () => { wide.hvp(x, v); })
  .add("jacobian auto (1000 → 1)", () => { wide.jacobian(x); })
  .add("jacobian forward (1000 → 1)", () => { wide.jacfwd(x); })
  .add("eval (1 → 1000)", () => { tall.eval(t); })
  .add("jvp (1 → 1000)", () => { tall.jvp(t, dt); })
  .add("jacobian auto (1 → 1000)", () => { tall.jacobian(t); })
  .add("jacobian reverse (1 → 1000)", () => { tall.jacrev(t); });
await bench.run();

const median = (name: string): number => {
  const task = bench.getTask(name)!;
  const r = task.result;
  if (r.state !== "completed") throw new Error(`${name}: ${r.state}`);
  return r.latency.p50 * 1000; // µs
};
console.log(`engine: ${engine}; Rosenbrock tape ${wide.size} nodes, 1 → 1000 tape ${tall.size} nodes`);
for (const task of bench.tasks) console.log(`${task.name.padEnd(32)} ${median(task.name).toFixed(1).padStart(10)} µs (median)`);
const ratio = (a: string, b: string): string => (median(a) / median(b)).toFixed(2);
console.log(`hvp / grad                         ${ratio("hvp (1000 → 1)", "grad (1000 → 1)")}×  (target ≤ 4)`);
console.log(`jacobian(1000 → 1) / grad          ${ratio("jacobian auto (1000 → 1)", "grad (1000 → 1)")}×  (target ≤ 3)`);
console.log(`jacobian(1 → 1000) / jvp           ${ratio("jacobian auto (1 → 1000)", "jvp (1 → 1000)")}×  (target ≤ 3)`);
console.log(`jacobian(1 → 1000) / eval          ${ratio("jacobian auto (1 → 1000)", "eval (1 → 1000)")}×`);
