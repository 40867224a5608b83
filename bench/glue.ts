/**
 * The JS glue around one tiny-tape call (issue 13, item 4): what `f.grad(x, out)` costs beyond
 * the kernel. Run: `npx tsx bench/glue.ts [filter]` (filter: a substring of the case names).
 *
 * Each case runs in a process of its own (V8's type feedback from one call pattern must not
 * reach another) for ROUNDS rounds, interleaved; a sample is BATCH calls in a loop. Reported:
 * the median ns per call over all samples, and glue = total − raw kernel of the same function.
 *
 *   kernel  k.gradient / k.forward straight on the engine's block (the irreducible wasm call)
 *   engine  WasmEngine.grad(x, NO_DATA, out): kernel + load + copyOut
 *   grad-out / grad / grad-arr / eval-out   the public calls (grad-arr: x a plain array)
 *
 * FIGURES (medians, ns per call, seed = (x + y)·sin x, 5 nodes; filled in below)
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { compile, sin, type Compiled, type Var } from "../src/index.js";
import { replayedTape } from "../src/compiled.js";
import { WasmEngine } from "../src/engine/wasm.js";

const ROUNDS = 3;
const BATCH = 2000;
const TIME_MS = 400;

const FUNCTIONS: Record<string, () => Compiled> = {
  one: () => compile((x: Var) => x.mul(sin(x))),
  seed: () => compile((x: Var, y: Var) => x.add(y).mul(sin(x))),
  three: () => compile((x: Var, y: Var, z: Var) => x.add(y).mul(sin(z))),
};
const CASES = ["kernel", "kernel-fwd", "engine", "grad-out", "grad", "grad-arr", "eval-out"] as const;
type CaseName = (typeof CASES)[number];

/** The engine's private fields the raw kernel call needs (bench only: not an API). */
interface EngineInternals {
  k: {
    gradient(n: number, start: number, op: number, a: number, b: number, val: number, der: number, out0: number): number;
    forward(n: number, start: number, op: number, a: number, b: number, val: number): void;
  };
  n: number;
  start: number;
  op: number;
  a: number;
  b: number;
  val: number;
  der: number;
  out0: number;
}

let sink = 0;

/** One call of the case, repeated BATCH times per run(). */
function prepare(fn: string, name: CaseName): () => void {
  const f = FUNCTIONS[fn]!();
  const n = f.inputs;
  const x = Float64Array.from({ length: n }, (_, i) => 0.7 + 0.6 * i);
  const xs = Array.from(x);
  const out = new Float64Array(n);
  const values = new Float64Array(1);
  const engine = new WasmEngine(replayedTape(f)!);
  const e = engine as unknown as EngineInternals;
  if (typeof e.k?.gradient !== "function" || typeof e.val !== "number") {
    throw new Error("bench/glue.ts: WasmEngine's internals changed; update EngineInternals");
  }
  const { k, start, op, a, b, val, der, out0 } = e;
  const size = e.n;
  const NO_DATA = new Float64Array(0);
  // The raw kernel works on the engine's block: load the point once.
  engine.grad(x, NO_DATA, out);
  switch (name) {
    case "kernel":
      return () => {
        let s = 0;
        for (let i = 0; i < BATCH; i++) s += k.gradient(size, start, op, a, b, val, der, out0);
        sink += s;
      };
    case "kernel-fwd":
      return () => {
        for (let i = 0; i < BATCH; i++) k.forward(size, start, op, a, b, val);
      };
    case "engine":
      return () => {
        let s = 0;
        for (let i = 0; i < BATCH; i++) s += engine.grad(x, NO_DATA, out);
        sink += s;
      };
    case "grad-out":
      return () => {
        let s = 0;
        for (let i = 0; i < BATCH; i++) s += f.grad(x, out).value;
        sink += s;
      };
    case "grad":
      return () => {
        let s = 0;
        for (let i = 0; i < BATCH; i++) s += f.grad(x).grad[0]!;
        sink += s;
      };
    case "grad-arr":
      return () => {
        let s = 0;
        for (let i = 0; i < BATCH; i++) s += f.grad(xs, out).value;
        sink += s;
      };
    case "eval-out":
      return () => {
        let s = 0;
        for (let i = 0; i < BATCH; i++) s += f.eval(x, values)[0]!;
        sink += s;
      };
  }
}

async function child(id: string): Promise<void> {
  const [fn, name] = id.split(":") as [string, CaseName];
  const run = prepare(fn, name);
  const bench = new Bench({ time: TIME_MS, warmupTime: 200, retainSamples: true, throws: true });
  bench.add(id, run);
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== "completed") throw new Error(`bench/glue.ts: ${id}: tinybench ended ${result.state}`);
  const samples = Array.from(result.latency.samples ?? [], (ms) => (ms * 1e6) / BATCH);
  process.send!({ samples, sink });
}

function runChild(id: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), ["--child", id], { execArgv: ["--import", "tsx"] });
    let samples: number[] | null = null;
    proc.on("message", (m: { samples: number[] }) => (samples = m.samples));
    proc.on("exit", (code) => (code === 0 && samples !== null ? resolve(samples) : reject(new Error(`${id}: exit ${code}`))));
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function main(): Promise<void> {
  const filter = process.argv[2] ?? "";
  const ids = Object.keys(FUNCTIONS).flatMap((fn) => CASES.map((c) => `${fn}:${c}`)).filter((id) => id.includes(filter));
  const all = new Map<string, number[]>(ids.map((id) => [id, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const id of ids) all.get(id)!.push(...(await runChild(id)));
  }
  const med = new Map([...all].map(([id, s]) => [id, median(s)]));
  console.log(`median ns per call, ${ROUNDS} rounds × ${TIME_MS} ms, batches of ${BATCH} calls`);
  console.log("function  case        total   glue");
  for (const id of ids) {
    const [fn, name] = id.split(":") as [string, CaseName];
    const kernel = med.get(`${fn}:${name === "eval-out" ? "kernel-fwd" : "kernel"}`);
    const total = med.get(id)!;
    const glue = kernel === undefined || name.startsWith("kernel") ? "" : (total - kernel).toFixed(1).padStart(6);
    console.log(`${fn.padEnd(9)} ${name.padEnd(10)} ${total.toFixed(1).padStart(6)} ${glue}`);
  }
}

if (process.argv[2] === "--child") await child(process.argv[3]!);
else await main();
