/**
 * `npx tsx bench/jit-sizes.ts`: where compiled tapes stop paying, the measurement behind "auto"'s
 * size limit (src/jit/tier.ts AUTO_MAX_NODES) and the code-size figures of README's JIT section and
 * docs/jit.md. For the Rosenbrock tape at n = 100 … 100,000 variables (≈ 900 … 900,000 nodes): the
 * best of 7 rounds of grad with jit: false and jit: true in this one process, their ratio, compile +
 * first call of the compiled function, and the bytes of code per node (eval/grad/vjp module, jvp
 * module, batch sweeps where the tape is within their limit). Run it on a quiet machine; print only.
 */
import os from "node:os";
import { compile } from "../src/index.js";
import { replayedTape } from "../src/compiled.js";
import { jitBytes } from "../src/jit/jit-module.js";
import { batchBytes, BATCH_MAX_NODES } from "../src/jit/batch-module.js";
import { kernels } from "../src/wasm/module.js";
import { rosenbrockTape } from "./workloads/rosenbrock.js";

const at = { val: 1 << 20, der: 2 << 20, u: 3 << 20 };
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(" / ")}`);
console.log("n        nodes    interp      jit         jit/interp  compile+first  µs/node  B/node (grad, jvp, batch)");
for (const n of [100, 1_000, 3_000, 10_000, 30_000, 100_000]) {
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  const interp = compile(rosenbrockTape, { inputs: n, jit: false });
  const t0 = performance.now();
  const jit = compile(rosenbrockTape, { inputs: n, jit: true });
  jit.grad(x);
  const compileMs = performance.now() - t0;
  const g = new Float64Array(n);
  const reps = Math.max(3, Math.floor(3e6 / (n * 9)));
  const best = (f: typeof jit): number => {
    let b = Infinity;
    for (let r = 0; r < 7; r++) {
      const s = performance.now();
      for (let k = 0; k < reps; k++) f.grad(x, g);
      b = Math.min(b, (performance.now() - s) / reps);
    }
    return b;
  };
  best(jit);
  best(interp);
  const ti = best(interp);
  const tj = best(jit);
  const tape = replayedTape(interp)!;
  const nodes = tape.op.length;
  const memory = kernels().memory;
  const perNode = (bytes: number): string => (bytes / nodes).toFixed(0);
  const grad = perNode(jitBytes(tape, at, memory, "reverse").bytes.length);
  const jvp = perNode(jitBytes(tape, at, memory, "tangent").bytes.length);
  let batch = "—";
  if (nodes <= BATCH_MAX_NODES) {
    batch = perNode(batchBytes(tape, { val: 1 << 20, adj: 2 << 20, stride: 64, valScratch: 3 << 20, adjScratch: 4 << 20 }, memory).length);
  }
  console.log(
    `${String(n).padEnd(9)}${String(nodes).padEnd(9)}${(ti * 1000).toFixed(1).padStart(8)} µs ${(tj * 1000).toFixed(1).padStart(8)} µs ` +
      `${(tj / ti).toFixed(2).padStart(8)}    ${compileMs.toFixed(1).padStart(9)} ms ${((compileMs * 1000) / nodes).toFixed(2).padStart(8)}  ${grad}, ${jvp}, ${batch}`,
  );
  interp.dispose();
  jit.dispose();
}
