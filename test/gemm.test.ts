/**
 * The raw gemm export (assembly/gemm.ts) against a plain-JS triple loop. The kernel sums each
 * output in k = 0…K−1 order with no fused multiply-add, as the loop below does, so the two must
 * agree bit for bit; the inputs span many magnitudes, so any other order would show.
 */
import { afterAll, describe, expect, it } from "vitest";
import { wasmRuntime } from "../src/wasm/shared.js";

const { kernels, heap } = wasmRuntime();
const blocks: number[] = [];
afterAll(() => {
  for (const p of blocks) heap.release(p);
});

/** Deterministic numbers of mixed sign and magnitude (2^-20 … 2^20). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    const u = s / 2 ** 32;
    return (u - 0.5) * 2 ** Math.floor(((s >>> 7) % 41) - 20);
  };
}

interface Case {
  M: number; N: number; K: number; transA: boolean; transB: boolean; accumulate: boolean;
  lda: number; ldb: number; ldc: number;
}

/** op(A)·op(B) (+ C) with an ikj loop: each C[i][j] gets its products in k order. */
function reference(c: Case, A: Float64Array, B: Float64Array, C: Float64Array): void {
  const { M, N, K, transA, transB, lda, ldb, ldc } = c;
  if (!c.accumulate) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) C[i * ldc + j] = 0;
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) {
      const a = transA ? A[k * lda + i]! : A[i * lda + k]!;
      for (let j = 0; j < N; j++) C[i * ldc + j]! += a * (transB ? B[j * ldb + k]! : B[k * ldb + j]!);
    }
  }
}

/** Room in wasm memory for one case, reused across cases: [A | B | C], 16-byte aligned. */
let region = { ptr: 0, bytes: 0 };
function scratch(bytes: number): number {
  if (bytes > region.bytes) {
    if (region.ptr !== 0) {
      heap.release(region.ptr);
      blocks.splice(blocks.indexOf(region.ptr), 1);
    }
    region = { ptr: heap.alloc(bytes), bytes };
    blocks.push(region.ptr);
  }
  return region.ptr;
}

/** Runs one case in wasm and in JS; returns the count of C elements (padding included) that differ.
 *  The operands go at `at`, or into a block of the heap. */
function run(c: Case, seed: number, at?: number): number {
  const next = rng(seed);
  const aLen = (c.transA ? c.K : c.M) * c.lda;
  const bLen = (c.transB ? c.N : c.K) * c.ldb;
  const cLen = c.M * c.ldc;
  const A = Float64Array.from({ length: aLen }, next);
  const B = Float64Array.from({ length: bLen }, next);
  const C = Float64Array.from({ length: cLen }, next); // padding past N must survive
  const pad = (n: number): number => Math.ceil(n / 2) * 2 + 2; // keeps each start 16-byte aligned, plus a gap
  const pA = at ?? scratch(8 * (pad(aLen) + pad(bLen) + pad(cLen)));
  const pB = pA + 8 * pad(aLen);
  const pC = pB + 8 * pad(bLen);
  const f64 = heap.f64; // after scratch(): alloc may grow memory and replace the views
  f64.set(A, pA / 8);
  f64.set(B, pB / 8);
  f64.set(C, pC / 8);
  kernels.gemm(c.M, c.N, c.K, pA, c.lda, c.transA, pB, c.ldb, c.transB, pC, c.ldc, c.accumulate);
  reference(c, A, B, C);
  const got = heap.f64.subarray(pC / 8, pC / 8 + cLen);
  let differ = 0;
  for (let i = 0; i < cLen; i++) if (!Object.is(got[i], C[i])) differ++;
  // The operands are read only.
  for (let i = 0; i < aLen; i++) if (heap.f64[pA / 8 + i] !== A[i]) differ++;
  for (let i = 0; i < bLen; i++) if (heap.f64[pB / 8 + i] !== B[i]) differ++;
  return differ;
}

function makeCase(
  M: number, N: number, K: number, transA: boolean, transB: boolean, accumulate: boolean, extra = [0, 0, 0],
): Case {
  return {
    M, N, K, transA, transB, accumulate,
    lda: (transA ? M : K) + extra[0]!,
    ldb: (transB ? K : N) + extra[1]!,
    ldc: N + extra[2]!,
  };
}

const FLAGS = [false, true] as const;
const label = (c: Case): string =>
  `${c.M}×${c.N}×${c.K}${c.transA ? " Aᵀ" : ""}${c.transB ? " Bᵀ" : ""}${c.accumulate ? " +C" : ""} ` +
  `ld ${c.lda}/${c.ldb}/${c.ldc}`;

describe("gemm (wasm) equals the k-ordered JS triple loop bit for bit", () => {
  it("on random shapes 1–70, every transpose and accumulate, padded strides", () => {
    const next = rng(12345);
    const size = (): number => 1 + Math.floor(Math.abs(next() * 2 ** 30) % 70);
    let seed = 1;
    for (let round = 0; round < 12; round++) {
      for (const transA of FLAGS) for (const transB of FLAGS) for (const accumulate of FLAGS) {
        const extra = round % 3 === 0 ? [0, 0, 0] : [round % 5, (round * 3) % 7, round % 4];
        const c = makeCase(size(), size(), size(), transA, transB, accumulate, extra);
        expect(run(c, seed++), label(c)).toBe(0);
      }
    }
  });

  it("on edge shapes: 1×1, vectors, K = 1, sizes just off the tile", () => {
    const dims = [
      [1, 1, 1], [1, 7, 1], [7, 1, 1], [1, 1, 9], [1, 33, 17], [33, 1, 17], [5, 5, 1], [3, 5, 2],
      [4, 4, 4], [5, 3, 8], [8, 8, 8], [9, 9, 9], [2, 70, 3], [70, 2, 3], [16, 1024, 2],
      // vectors take the unpacked matrix–vector path: 16- and 8-row blocks, then single rows; odd and even K
      [128, 1, 100], [29, 1, 7], [1, 29, 4], [70, 1, 33], [1, 70, 33], [17, 1, 5], [1, 17, 6],
      [9, 1, 1], [1, 9, 1], [8, 1, 2], [1, 16, 3],
      // few columns take the transposed route, Cᵀ = op(B)ᵀ·op(A)ᵀ
      [128, 10, 20], [70, 3, 9], [33, 2, 5], [64, 7, 1], [9, 4, 260],
    ];
    let seed = 1000;
    for (const [M, N, K] of dims) {
      for (const transA of FLAGS) for (const transB of FLAGS) for (const accumulate of FLAGS) {
        const c = makeCase(M!, N!, K!, transA, transB, accumulate, [1, 3, 2]);
        expect(run(c, seed++), label(c)).toBe(0);
      }
    }
  });

  it("across the cache blocks (K > 256, M > 128, N > 512)", () => {
    let seed = 2000;
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const c = makeCase(131, 517, 259, transA, transB, seed % 2 === 0, [2, 1, 3]);
      expect(run(c, seed++), label(c)).toBe(0);
    }
  });

  it("with K = 0: C is zeroed, or left alone when accumulating", () => {
    expect(run(makeCase(5, 6, 0, false, false, false, [1, 1, 2]), 3000)).toBe(0);
    expect(run(makeCase(5, 6, 0, true, true, true, [1, 1, 2]), 3001)).toBe(0);
  });

  // Addresses ≥ 2³¹ must not be read as negative. Needs 2 GiB of wasm memory: TAPEGRAD_BIG_MEMORY=1.
  it.skipIf(process.env.TAPEGRAD_BIG_MEMORY !== "1")("with operands above 2 GiB, on every path", () => {
    const block = heap.alloc(2 ** 31 + 2 ** 20);
    try {
      const at = block + 2 ** 31; // inside our block, so certainly past 2 GiB
      let seed = 4000;
      for (const [M, N, K] of [[37, 41, 300], [37, 1, 20], [1, 41, 20], [128, 5, 9]]) {
        for (const transA of FLAGS) for (const transB of FLAGS) {
          const c = makeCase(M!, N!, K!, transA, transB, seed % 2 === 0, [1, 2, 3]);
          expect(run(c, seed++, at), label(c)).toBe(0);
        }
      }
    } finally {
      heap.release(block);
    }
  });
});
