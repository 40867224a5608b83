/**
 * GEMM: GFLOP/s (2·M·N·K per call) of the wasm kernel (assembly/gemm.ts) against a plain JS triple
 * loop in ikj order, on the MNIST-layer shapes and small ones, in one process; and the ceiling of
 * the kernel's arithmetic, its inner loop alone on L1-resident data, compiled here.
 * Run: npm run bench:gemm, or npx tsx bench/gemm.ts after npm run build:wasm (REPS=n: repetitions)
 *
 * Each repetition times wasm, then JS, each for ≥ 30 ms; the medians over the repetitions are
 * printed. The two results are compared bit for bit first (the kernel sums k in order, as the loop).
 */
import os from "node:os";
import asc from "assemblyscript/asc";
import { median } from "./stats.js";
import { wasmRuntime } from "../src/wasm/shared.js";

interface Shape { name: string; M: number; N: number; K: number; transA: boolean; transB: boolean }
const SHAPES: Shape[] = [
  { name: "(128×784)·(784×256)", M: 128, N: 256, K: 784, transA: false, transB: false },
  { name: "(128×256)·(784×256)ᵀ", M: 128, N: 784, K: 256, transA: false, transB: true },
  { name: "(128×784)ᵀ·(128×256)", M: 784, N: 256, K: 128, transA: true, transB: false },
  { name: "(10×128)·(128×256)", M: 10, N: 256, K: 128, transA: false, transB: false },
  { name: "(10×256)·(128×256)ᵀ", M: 10, N: 128, K: 256, transA: false, transB: true },
  { name: "(10×128)ᵀ·(10×256)", M: 128, N: 256, K: 10, transA: true, transB: false },
  { name: "(128×256)·(256×10)", M: 128, N: 10, K: 256, transA: false, transB: false },
  { name: "(16×2)·(2×1024)", M: 16, N: 1024, K: 2, transA: false, transB: false },
  { name: "(16×16)·(16×1024)", M: 16, N: 1024, K: 16, transA: false, transB: false },
  { name: "(128×784)·(784) mat-vec", M: 128, N: 1, K: 784, transA: false, transB: false },
  { name: "(784×128)ᵀ·(784) mat-vec", M: 128, N: 1, K: 784, transA: true, transB: false },
  { name: "(128)·(128×256) vec-mat", M: 1, N: 256, K: 128, transA: false, transB: false },
];
const REPS = Number(process.env.REPS ?? 7);
const MIN_MS = 30;

const { kernels, heap } = wasmRuntime();

/** C = op(A)·op(B), ikj: for each row i, for each k, C[i][·] += a·B[k][·] (k in order per output). */
function jsGemm(s: Shape, A: Float64Array, B: Float64Array, C: Float64Array): void {
  const { M, N, K, transA, transB } = s;
  const lda = transA ? M : K;
  const ldb = transB ? K : N;
  C.fill(0);
  for (let i = 0; i < M; i++) {
    const ci = i * N;
    for (let k = 0; k < K; k++) {
      const a = transA ? A[k * lda + i]! : A[i * lda + k]!;
      if (transB) for (let j = 0; j < N; j++) C[ci + j]! += a * B[j * ldb + k]!;
      else {
        const bk = k * ldb;
        for (let j = 0; j < N; j++) C[ci + j]! += a * B[bk + j]!;
      }
    }
  }
}

/** Calls of fn per timing so that one timing takes ≥ MIN_MS; fn is warmed up on the way. */
function calibrate(fn: () => void): number {
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    if (performance.now() - t >= MIN_MS) return n;
    n *= 2;
  }
}

function gflops(fn: () => void, calls: number, flops: number): number {
  const t = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return (flops * calls) / ((performance.now() - t) * 1e6);
}

function benchShape(s: Shape): { wasm: number; js: number; same: boolean } {
  const aLen = s.M * s.K;
  const bLen = s.K * s.N;
  const cLen = s.M * s.N;
  const pA = heap.alloc(8 * aLen);
  const pB = heap.alloc(8 * bLen);
  const pC = heap.alloc(8 * cLen);
  const A = Float64Array.from({ length: aLen }, () => Math.random() - 0.5);
  const B = Float64Array.from({ length: bLen }, () => Math.random() - 0.5);
  const C = new Float64Array(cLen);
  heap.f64.set(A, pA / 8);
  heap.f64.set(B, pB / 8);
  const lda = s.transA ? s.M : s.K;
  const ldb = s.transB ? s.K : s.N;
  const wasm = (): void => kernels.gemm(s.M, s.N, s.K, pA, lda, s.transA, pB, ldb, s.transB, pC, s.N, false);
  const js = (): void => jsGemm(s, A, B, C);
  const wasmCalls = calibrate(wasm);
  const jsCalls = calibrate(js);
  const got = heap.f64.subarray(pC / 8, pC / 8 + cLen);
  const same = got.every((x, i) => Object.is(x, C[i]));
  const flops = 2 * s.M * s.N * s.K;
  const w: number[] = [];
  const j: number[] = [];
  for (let r = 0; r < REPS; r++) {
    w.push(gflops(wasm, wasmCalls, flops));
    j.push(gflops(js, jsCalls, flops));
  }
  heap.release(pA);
  heap.release(pB);
  heap.release(pC);
  return { wasm: median(w), js: median(j), same };
}

/**
 * The ceiling of this kernel's arithmetic: its 2×8 inner loop alone — 8 f64x2 accumulators, 4
 * vector loads and 2 broadcasts per step, 8 mul + 8 add — over operands that stay in L1, with
 * no packing, no C traffic and no edges. (A register-only loop can't stand in: the compilers
 * hoist its loop-invariant products.)
 */
async function ceiling(): Promise<number> {
  const source = `const BUF: usize = memory.data(8192, 64);
  export function inner(reps: i32): f64 {
    for (let i = 0; i < 1024; i++) store<f64>(BUF + (<usize>i << 3), 1 + <f64>i * 1e-6);
    let c0 = f64x2.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    for (let r = 0; r < reps; r++) {
      let p = BUF;
      for (let k = 0; k < 170; k++) {
        const b0 = v128.load(p), b1 = v128.load(p, 16), b2 = v128.load(p, 32), b3 = v128.load(p, 48);
        let x = v128.load64_splat(p, 8);
        c0 = f64x2.add(c0, f64x2.mul(x, b0)); c1 = f64x2.add(c1, f64x2.mul(x, b1));
        c2 = f64x2.add(c2, f64x2.mul(x, b2)); c3 = f64x2.add(c3, f64x2.mul(x, b3));
        x = v128.load64_splat(p, 24);
        c4 = f64x2.add(c4, f64x2.mul(x, b0)); c5 = f64x2.add(c5, f64x2.mul(x, b1));
        c6 = f64x2.add(c6, f64x2.mul(x, b2)); c7 = f64x2.add(c7, f64x2.mul(x, b3));
        p += 48;
      }
    }
    const t = f64x2.add(f64x2.add(f64x2.add(c0, c1), f64x2.add(c2, c3)), f64x2.add(f64x2.add(c4, c5), f64x2.add(c6, c7)));
    return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  }`;
  const { binary, error, stderr } = await asc.compileString(source, { optimizeLevel: 3, runtime: "stub", noAssert: true, enable: ["simd"] } as never);
  if (error !== null || binary === null) throw new Error(`asc: ${String(error)}\n${stderr.toString()}`);
  const probe = new WebAssembly.Instance(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>)).exports as { inner(reps: number): number };
  const reps = 2e5;
  const flops = reps * 170 * 32;
  probe.inner(100); // tier up
  return median(Array.from({ length: REPS }, () => gflops(() => void probe.inner(reps), 1, flops)));
}

const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores, Node ${process.version}; load ${load()}; ${REPS} repetitions, medians`);
console.log(`ceiling: the 2×8 f64x2 inner loop on L1-resident operands: ${(await ceiling()).toFixed(2)} GFLOP/s\n`);
console.log(`${"shape".padEnd(30)}${"wasm".padStart(8)}${"JS ikj".padStart(8)}${"ratio".padStart(8)}  bits`);
for (const s of SHAPES) {
  const r = benchShape(s);
  console.log(
    `${s.name.padEnd(30)}${r.wasm.toFixed(2).padStart(8)}${r.js.toFixed(2).padStart(8)}${(r.wasm / r.js).toFixed(1).padStart(7)}×  ${r.same ? "identical" : "DIFFER"}`,
  );
}
console.log(`\nGFLOP/s = 2·M·N·K / time; load at the end ${load()}`);
