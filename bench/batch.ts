/**
 * Batches: the MLP 2→16→16→1 mean gradient over 1,024 points (ns per node-lane) on the wasm
 * engine, the TS engine and a hand-written closed-form JS gradient; then 1 vs 2 worker threads
 * on 65,536 points; and, where gcc is installed, the same gradient hand-written in C (mlp.c).
 * Run: npm run bench:batch — a quick standalone look; the suite measures the same targets
 * interleaved and checked (bench/workloads/mlp-batched.ts, with a C contender from mlp.c).
 */
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bench } from "tinybench";
import { compileMlp, handMeanGrad, mlpProblem, MLP_PARAMS } from "./mlp.js";

const wasm = compileMlp("wasm");
const js = compileMlp("js");
const small = mlpProblem(1024);
const grad = new Float64Array(MLP_PARAMS);

// The three must agree before their speeds mean anything.
const reference = handMeanGrad(small.theta, small.rows, 1024, new Float64Array(MLP_PARAMS));
const got = wasm.meanGrad(small.theta, small.rows).value;
if (Math.abs(got - reference) > 1e-12 * Math.abs(reference)) throw new Error(`mismatch: ${got} vs ${reference}`);

const bench = new Bench({ time: 2000, warmup: true, warmupTime: 500 });
bench
  .add("wasm meanGrad, 1,024 points", () => void wasm.meanGrad(small.theta, small.rows, grad))
  .add("TS engine meanGrad, 1,024 points", () => void js.meanGrad(small.theta, small.rows, grad))
  .add("hand-written JS gradient, 1,024 points", () => void handMeanGrad(small.theta, small.rows, 1024, grad));
await bench.run();

const big = mlpProblem(65536, 2);
const threads = new Bench({ time: 4000, warmup: true, warmupTime: 1000 });
await wasm.meanGrad(big.theta, big.rows, { workers: 2 }); // start the threads outside the timing
threads
  .add("wasm meanGrad, 65,536 points, 1 thread", () => void wasm.meanGrad(big.theta, big.rows, grad))
  .add("wasm meanGrad, 65,536 points, 2 workers", async () => void (await wasm.meanGrad(big.theta, big.rows, { workers: 2 })));
await threads.run();

const median = (task: { result?: unknown }): number => {
  const r = task.result as { latency?: { p50?: number } } | undefined;
  return r?.latency?.p50 ?? NaN;
};
console.log(`MLP tape: ${wasm.size} nodes, ${MLP_PARAMS} parameters`);
for (const task of bench.tasks) {
  const ms = median(task);
  console.log(`${task.name.padEnd(44)} median ${ms.toFixed(3)} ms  = ${((ms * 1e6) / (wasm.size * 1024)).toFixed(2)} ns/node-lane`);
}
const [one, two] = threads.tasks.map(median);
for (const task of threads.tasks) console.log(`${task.name.padEnd(44)} median ${median(task).toFixed(2)} ms`);
console.log(`2 workers vs 1 thread: ${(one! / two!).toFixed(2)}×`);

const binary = join(tmpdir(), "tapegrad-mlp-bench");
const source = new URL("./mlp.c", import.meta.url).pathname;
const built = spawnSync("gcc", ["-O3", "-march=native", source, "-lm", "-o", binary], { encoding: "utf8" });
if (built.status === 0) console.log(spawnSync(binary, { encoding: "utf8" }).stdout.trim());
else console.log("(gcc not available: C baseline skipped)");
wasm.dispose();
js.dispose();
