/**
 * The JS glue around one tiny-tape call (issue 13, item 4): what `f.grad(x, out)` costs beyond
 * the kernel. Run: `npx tsx bench/glue.ts [filter]` (filter: a substring of the case names).
 *
 * Each case runs in a process of its own (V8's type feedback from one call pattern must not
 * reach another) for ROUNDS rounds (env ROUNDS, default 3), interleaved; a sample is BATCH calls
 * in a loop. Reported: the median ns per call over all samples, the best round's median, and
 * glue = case − kernel-io of the same function (eval: − kernel-fwd-io). With GLUE_BASE=<dir of
 * another src tree> every case also runs on that tree, interleaved, as "(base)": e.g.
 * `git archive <rev> src | tar -x -C /tmp/base`, then copy src/generated and src/wasm/bytes.ts
 * (built, untracked) into /tmp/base/src.
 *
 *   kernel     k.gradient straight on the engine's block, inputs left in place
 *   kernel-io  the same plus the least memory traffic a call needs (x written in, the gradient
 *              read out, inline): what any glue has to do. On the machine here fresh inputs
 *              cost the kernel ≈ 5 ns more than unchanged ones however they get there (typed
 *              array stores, DataView, .set; in a test module also as wasm f64 arguments):
 *              consecutive calls stop overlapping in the CPU. So glue is counted from kernel-io.
 *   kernel-fwd(-io)  the same for eval: k.forward, and with x written and the value read
 *   engine / engine-eval  WasmEngine.grad(x, NO_DATA, out) / .eval: kernel + load + copy-out
 *   grad-out / grad / grad-arr / eval-out   the public calls (grad-arr: x a plain array)
 *   grad-out-mixed  grad-out after the process has called everything else (polymorphic feedback)
 *
 * FIGURES, seed = (x + y)·sin x (5 nodes), ns per call, median (best round) over 6 rounds,
 * `GLUE_BASE=<d174a48's src> ROUNDS=6 npx tsx bench/glue.ts seed:`, Node 20, 2 shared cores
 * (load average 3.3–7.8: another session was benchmarking), before (d174a48) → after:
 *
 *   f.grad(x, out)          48.1 (46.4) → 36.1 (35.8)   glue 13.6 → 1.8
 *   f.grad(x)               54.6 (53.1) → 47.3 (46.9)   glue 20.1 → 13.0 (≈ 11: new Float64Array)
 *   f.grad(array, out)      49.4 (47.2) → 38.5 (37.8)   glue 14.9 → 4.2
 *   f.eval(x, out)          24.6 (22.4) → 16.6 (16.3)   glue 10.6 → 2.4
 *   grad-out-mixed          54.4 (52.2) → 44.9 (42.9)   glue 20.0 → 10.6
 *   kernel 29.4, kernel-io 34.3, kernel-fwd 11.1, kernel-fwd-io 14.2 (the same before and after)
 *
 * Against the raw kernel (29.4) f.grad(x, out) spends ≈ 7 ns, 5 of them the fresh-input cost
 * above. Best-round grad-out, 1 and 3 inputs (one full run, load ≈ 6): 45.0 → 35.1, 53.4 → 40.3.
 * Instructions per seed call (callgrind as in bench/instructions.mjs, load-independent): grad-out 1486 →
 * 1262, mixed 1636 → 1386, eval-out 1010 → 841. Once the JIT makes the kernel 5–10 ns, the seed
 * f.grad(x, out) should be that + the fresh-input cost + ≈ 2 ns.
 */
import { fork } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import type { Compiled, Var } from "../src/index.js";

type Lib = typeof import("../src/index.js") & typeof import("../src/compiled.js") & typeof import("../src/engine/wasm.js");

/** The sources a child measures: this tree's src, or (with GLUE_BASE=dir) another copy of it too. */
async function loadLib(src: string): Promise<Lib> {
  const root = src === "" ? new URL("../src/", import.meta.url).href : pathToFileURL(`${src}/`).href;
  const [index, compiled, wasm] = await Promise.all([
    import(`${root}index.js`), import(`${root}compiled.js`), import(`${root}engine/wasm.js`),
  ]);
  return { ...index, ...compiled, ...wasm } as Lib;
}

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const BATCH = 2000;
const TIME_MS = 400;

const FUNCTIONS: Record<string, (lib: Lib) => Compiled> = {
  one: ({ compile, sin }) => compile((x: Var) => x.mul(sin(x))),
  seed: ({ compile, sin }) => compile((x: Var, y: Var) => x.add(y).mul(sin(x))),
  three: ({ compile, sin }) => compile((x: Var, y: Var, z: Var) => x.add(y).mul(sin(z))),
};
const CASES = ["kernel", "kernel-io", "kernel-fwd", "kernel-fwd-io", "engine", "engine-eval", "grad-out", "grad", "grad-arr", "eval-out", "grad-out-mixed"] as const;
type CaseName = (typeof CASES)[number];

/** The engine's private fields the raw kernel call needs (bench only: not an API). */
interface EngineInternals {
  k: {
    gradient(n: number, start: number, op: number, a: number, b: number, val: number, der: number, out0: number): number;
    forward(n: number, start: number, op: number, a: number, b: number, val: number): void;
  };
  heap: { f64: Float64Array };
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
function prepare(lib: Lib, fn: string, name: CaseName): () => void {
  const { WasmEngine, replayedTape } = lib;
  const f = FUNCTIONS[fn]!(lib);
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
  const { k, heap, start, op, a, b, val, der, out0 } = e;
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
    case "kernel-io": {
      // The least memory traffic a call needs, inline with locals: x in, the kernel, the gradient out.
      const vi = val / 8;
      const di = der / 8;
      return () => {
        let s = 0;
        for (let i = 0; i < BATCH; i++) {
          const f64 = heap.f64;
          for (let j = 0; j < n; j++) f64[vi + j] = x[j]!;
          s += k.gradient(size, start, op, a, b, val, der, out0);
          for (let j = 0; j < n; j++) out[j] = f64[di + j]!;
        }
        sink += s;
      };
    }
    case "kernel-fwd-io": {
      const vi = val / 8;
      return () => {
        let s = 0;
        for (let i = 0; i < BATCH; i++) {
          const f64 = heap.f64;
          for (let j = 0; j < n; j++) f64[vi + j] = x[j]!;
          k.forward(size, start, op, a, b, val);
          s += values[0] = f64[vi + out0]!;
        }
        sink += s;
      };
    }
    case "engine-eval":
      return () => {
        for (let i = 0; i < BATCH; i++) engine.eval(x, NO_DATA, values);
        sink += values[0]!;
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
    case "grad-out-mixed": {
      // grad(x, out) in a process whose type feedback has seen everything else first: plain
      // arrays, fresh results, data, several outputs, the js engine, array functions, bad calls.
      const { compile, sin, sum } = lib;
      const others = [
        compile((p: Var, q: Var) => p.mul(q), { engine: "js" }),
        compile((p: Var, q: Var) => [p.mul(q), sin(p)]),
        compile({ params: { v: [2] } }, ({ v }) => sum(v!.mul(v!))),
      ];
      const withData = compile({ params: 2, data: 1 }, ([p, q], [d]) => p!.mul(d!).add(q!));
      for (let i = 0; i < 20000; i++) {
        f.grad(xs, out);
        f.grad(x);
        f.eval(xs);
        others[0]!.grad([0.5, 0.25], new Float64Array(2));
        others[1]!.eval(Float64Array.of(0.5, 0.25));
        others[2]!.grad(Float64Array.of(0.5, 0.25), new Float64Array(2));
        withData.grad(Float64Array.of(0.5, 0.25), [1], new Float64Array(2));
        try {
          f.grad(new Float64Array(n + 1), out);
        } catch {
          // expected
        }
      }
      return () => {
        let s = 0;
        for (let i = 0; i < BATCH; i++) s += f.grad(x, out).value;
        sink += s;
      };
    }
    case "eval-out":
      return () => {
        let s = 0;
        for (let i = 0; i < BATCH; i++) s += f.eval(x, values)[0]!;
        sink += s;
      };
  }
}

async function child(id: string): Promise<void> {
  const [fn, name, base] = id.split(":") as [string, CaseName, string | undefined];
  const run = prepare(await loadLib(base === undefined ? "" : process.env.GLUE_BASE!), fn, name);
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
  // With GLUE_BASE set, every case runs on both trees, interleaved: "fn:case" and "fn:case:base".
  const trees = process.env.GLUE_BASE === undefined ? [""] : ["", ":base"];
  const ids = Object.keys(FUNCTIONS)
    .flatMap((fn) => CASES.flatMap((c) => trees.map((t) => `${fn}:${c}${t}`)))
    .filter((id) => id.includes(filter));
  const all = new Map<string, number[]>(ids.map((id) => [id, []]));
  const rounds = new Map<string, number[]>(ids.map((id) => [id, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const id of ids) {
      const samples = await runChild(id);
      all.get(id)!.push(...samples);
      rounds.get(id)!.push(median(samples));
    }
  }
  // median: over all samples of all rounds; best: the lowest round median (the least disturbed
  // round on a shared machine). glue = the case − kernel-io of the same function.
  const med = (id: string | undefined): number | undefined => (id === undefined ? undefined : all.get(id) && median(all.get(id)!));
  const best = (id: string): number | undefined => rounds.get(id) && Math.min(...rounds.get(id)!);
  const cell = (v: number | undefined): string => (v === undefined ? "" : v.toFixed(1)).padStart(7);
  console.log(`ns per call, ${ROUNDS} rounds × ${TIME_MS} ms, batches of ${BATCH} calls; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log("function  case               median   glue |   best   glue");
  for (const id of ids) {
    const [fn, name, base] = id.split(":") as [string, CaseName, string | undefined];
    const tree = base === undefined ? "" : ":base";
    const kernelId = name.startsWith("kernel") ? undefined : `${fn}:${name.includes("eval") ? "kernel-fwd-io" : "kernel-io"}${tree}`;
    const m = med(id)!;
    const mk = med(kernelId);
    const b = best(id)!;
    const bk = kernelId === undefined ? undefined : best(kernelId);
    console.log(
      `${fn.padEnd(9)} ${(name + (base === undefined ? "" : " (base)")).padEnd(17)} ${cell(m)}${cell(mk === undefined ? undefined : m - mk)} | ${cell(b)}${cell(bk === undefined ? undefined : b - bk)}`,
    );
  }
}

if (process.argv[2] === "--child") await child(process.argv[3]!);
else await main();
