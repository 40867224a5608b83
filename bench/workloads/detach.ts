/**
 * detach-tax: does tapegrad slow the typed-array code of the program that hosts it? Detaching any
 * ArrayBuffer (growing an unshared WebAssembly.Memory, transferring a buffer to a worker)
 * invalidates V8's per-isolate ArrayBufferDetaching protector, for good, and afterwards every
 * typed-array loop in the process carries detach checks: 1.5–1.7× slower on Node 20.
 *
 * Every contender times the same hand-written host loop (axpy into a third array, then a dot
 * product, Float64Array, 1e5 elements). Each runs in a fresh child process (bench/child.ts), so
 * the protector state is that process's own: "hand" has done nothing else; the others did one
 * thing first, untimed, in setup. The × column is the slowdown of the host's code.
 */
import { compile, square } from "../../src/index.js";
import { uniform } from "../data.js";
import type { Answer, Prepared, Workload } from "../types.js";
import { rosenbrockTape } from "./rosenbrock.js";

const N = 100_000;
/** Variables of the Rosenbrock tape: 9 nodes per term, so ≈ 1,000,000 nodes (25 MB of wasm memory, past the initial 16 MiB). */
const TAPE_VARS = 111_112;

/** The host's code: what a user writes, knowing nothing of tapegrad. */
function axpyDot(a: number, x: Float64Array, y: Float64Array, z: Float64Array): number {
  for (let i = 0; i < x.length; i++) z[i] = a * x[i]! + y[i]!;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * z[i]!;
  return s;
}

function host(before: () => void): Prepared {
  before();
  const x = uniform(1, N, -1, 1);
  const y = uniform(2, N, -1, 1);
  const z = new Float64Array(N);
  return {
    run: () => void axpyDot(0.5, x, y, z),
    answer: (): Answer => ({ value: axpyDot(0.5, x, y, z), grad: z.slice() }),
  };
}

function reference(): Answer {
  const x = uniform(1, N, -1, 1);
  const y = uniform(2, N, -1, 1);
  const z = new Float64Array(N);
  let s = 0;
  for (let i = 0; i < N; i++) {
    z[i] = 0.5 * x[i]! + y[i]!;
    s += x[i]! * z[i]!;
  }
  return { value: s, grad: z };
}

/** Compiles and runs a ~1M-node tape on the wasm engine, then frees it (memory stays grown). */
function compileMillion(): void {
  const f = compile(rosenbrockTape, { inputs: TAPE_VARS, engine: "wasm" });
  if (f.size < 990_000) throw new Error(`bench: detach-tax tape has ${f.size} nodes, want ~1e6`);
  const g = f.grad(uniform(3, TAPE_VARS, -1.5, 1.5));
  if (!Number.isFinite(g.value)) throw new Error("bench: detach-tax tape gave a non-finite value");
  f.dispose();
}

/** meanGrad over 4,096 points in 2 worker threads (the pool posts dataset slices), then dispose. */
async function workerMeanGrad(): Promise<void> {
  const f = compile({ params: 2, data: 2 }, ([w, b], [x, y]) => square(w!.mul(x!).add(b!).sub(y!)));
  const rows = uniform(4, 2 * 4096, -1, 1);
  const { value } = await f.meanGrad([0.5, 0.1], rows, { workers: 2 });
  if (!Number.isFinite(value)) throw new Error("bench: detach-tax meanGrad gave a non-finite value");
  f.dispose();
}

async function hostAfter(before: () => Promise<void>): Promise<Prepared> {
  await before();
  return host(() => {});
}

export const detachTax: Workload = {
  id: "detach-tax",
  title: "detach tax: host typed-array loop after tapegrad",
  what: "a hand-written Float64Array axpy + dot product of 100,000 elements, in a process that first did what the contender says",
  note:
    "× hand = the host loop's slowdown. detached: a control that detaches one ArrayBuffer (structuredClone with transfer), " +
    "showing the measurement sees the tax. ns/node is ns per element of the host loop.",
  tapeNodes: () => N,
  reference,
  baseline: "hand",
  extraContenders: {
    hand: { label: "host loop, fresh process" },
    detached: { label: "host loop after one ArrayBuffer detach (control)" },
    "after-compile": { label: "host loop after compiling + running a 1M-node tape (wasm engine)" },
    "after-workers": { label: "host loop after a meanGrad in 2 worker threads" },
  },
  contenders: {
    hand: () => host(() => {}),
    detached: () =>
      host(() => {
        const b = new ArrayBuffer(8);
        structuredClone(b, { transfer: [b] });
      }),
    "after-compile": () => host(compileMillion),
    "after-workers": () => hostAfter(workerMeanGrad),
  },
};
