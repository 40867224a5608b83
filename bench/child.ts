/**
 * One contender on one workload, in a process of its own: nothing it allocates, compiles or
 * detaches (growing WebAssembly memory detaches an ArrayBuffer and slows typed-array code for the
 * rest of the process) and no V8 type feedback it gathers touches another contender.
 *
 * Protocol with bench/run.ts over the IPC channel:
 *   child → { type: "ready", check }           after setup and the correctness check (untimed)
 *   run → { type: "round", timeMs, warmup }    time one round with tinybench
 *   child → { type: "samples", samples }       ns per evaluation, one per tinybench sample
 *   run → { type: "exit" }
 */
import { Bench } from "tinybench";
import { compare, type Check } from "./compare.js";
import { contenderReference, contenderTolerance, type ContenderId, type Prepared } from "./types.js";
import { workloadById } from "./workloads/index.js";

export type ChildMessage = { type: "ready"; check: Check } | { type: "samples"; samples: number[]; batch: number } | { type: "failed"; error: string };
export type ParentMessage = { type: "round"; timeMs: number; warmup: boolean } | { type: "exit" };

const [workloadId, contender] = process.argv.slice(2) as [string, ContenderId];
const send = (message: ChildMessage): void => void process.send!(message);
const collect = (): void => {
  // --expose-gc is set by run.ts; collect twice so weakly held garbage goes too.
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
};
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls per tinybench sample, so that a sample lasts ≥ ~50 µs even for a 100 ns call. */
async function batchSize(prepared: Prepared, isAsync: boolean): Promise<number> {
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < 5) {
    if (isAsync) await prepared.run();
    else prepared.run();
    calls++;
  }
  const perCall = (performance.now() - start) / calls;
  return Math.max(1, Math.ceil(0.05 / perCall));
}

async function main(): Promise<void> {
  const workload = workloadById(workloadId);
  const factory = workload.contenders[contender];
  if (factory === undefined) throw new Error(`bench: ${contender} does not take part in ${workloadId}`);
  const prepared = await factory();
  const check = compare(await prepared.answer(), contenderReference(workload, contender), contenderTolerance(workload, contender));
  send({ type: "ready", check });
  if (!check.ok) return;

  let batch = 0;
  // An async run (worker threads) is awaited call by call inside the timed batch.
  let isAsync = false;
  if (prepared.timeRound === undefined) {
    const first = prepared.run();
    if (first instanceof Promise) {
      isAsync = true;
      await first;
    }
  }
  process.on("message", (message: ParentMessage) => {
    if (message.type === "exit") {
      prepared.dispose?.();
      process.exit(0);
    }
    timeRound(message.timeMs, message.warmup).catch(fail);
  });

  async function timeRound(timeMs: number, warmup: boolean): Promise<void> {
    collect();
    await pause(20);
    if (prepared.timeRound !== undefined) {
      send({ type: "samples", samples: await prepared.timeRound(timeMs, warmup), batch: 0 });
      return;
    }
    if (batch === 0) batch = await batchSize(prepared, isAsync);
    const bench = new Bench({
      time: timeMs,
      iterations: 2,
      warmup,
      warmupTime: timeMs / 2,
      warmupIterations: 1,
      retainSamples: true,
      throws: true,
    });
    if (isAsync) {
      bench.add(contender, async () => {
        const start = bench.now();
        for (let k = 0; k < batch; k++) await prepared.run();
        const total = bench.now() - start;
        return { overriddenDuration: total / batch, overriddenIterationCost: total };
      });
    } else {
      bench.add(contender, () => {
        const start = bench.now();
        for (let k = 0; k < batch; k++) prepared.run();
        const total = bench.now() - start;
        return { overriddenDuration: total / batch, overriddenIterationCost: total };
      });
    }
    await bench.run();
    const result = bench.tasks[0]!.result;
    if (result.state !== "completed") throw new Error(`bench: ${workloadId}/${contender}: tinybench ended ${result.state}`);
    send({ type: "samples", samples: Array.from(result.latency.samples ?? [], (ms) => ms * 1e6), batch });
  }
}

function fail(error: unknown): void {
  const message: ChildMessage = { type: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  process.send!(message, () => process.exit(1));
}

main().catch(fail);
