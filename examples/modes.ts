/**
 * The lecture's trade-off, measured: forward mode yields one Jacobian column per direction,
 * reverse mode one row. For a loss over many parameters (n = 1000 → m = 1) reverse wins; for one
 * parameter and many outputs (n = 1 → m = 1000) forward wins. jacobian(x) with mode "auto"
 * picks by a cost model before running anything. Run: npm run modes
 */
import { Bench } from "tinybench";
import { compile, cos, sin, square, sum, type Compiled, type Var } from "../src/index.js";

const N = 1000;

// n = 1000 → m = 1: a loss, Σ (xᵢ₊₁ − xᵢ²)²·100 + (xᵢ − 1)² (Rosenbrock).
const loss = compile((xs: Var[]) => {
  const terms: Var[] = [];
  for (let i = 0; i + 1 < xs.length; i++) terms.push(square(xs[i + 1]!.sub(square(xs[i]!))).mul(100), square(xs[i]!.sub(1)));
  return sum(terms);
}, { inputs: N });

// n = 1 → m = 1000: a curve sampled at 1000 points, output j = sin(j·t/1000)·cos(t) + j·t².
const curve = compile((t: Var) => Array.from({ length: N }, (_, j) => sin(t.mul(j / N)).mul(cos(t)).add(t.mul(t).mul(j))));

async function compare(name: string, f: Compiled, x: Float64Array): Promise<void> {
  const bench = new Bench({ time: 300 });
  for (const mode of ["forward", "reverse", "auto"] as const) bench.add(mode, () => { f.jacobian(x, { mode }); });
  await bench.run();
  const ms = (mode: string): number => {
    const r = bench.getTask(mode)!.result;
    if (r.state !== "completed") throw new Error(`${mode}: ${r.state}`);
    return r.latency.p50;
  };
  const picked = f.jacobian(x).mode;
  const faster = ms("forward") < ms("reverse") ? "forward" : "reverse";
  console.log(`\n${name}: n = ${f.inputs}, m = ${f.outputs}, tape ${f.size} nodes`);
  for (const mode of ["forward", "reverse", "auto"]) console.log(`  ${mode.padEnd(8)} ${ms(mode).toFixed(3).padStart(9)} ms (median)`);
  console.log(`  auto picked ${picked}; the faster here is ${faster}${picked === faster ? " ✓" : " ✗"}`);
}

await compare("a loss over many parameters", loss, Float64Array.from({ length: N }, (_, i) => Math.cos(i)));
await compare("one parameter, many outputs", curve, Float64Array.of(0.3));
