// The WebAssembly module's exports: op codes (as globals, for the agreement test), the sweeps,
// and a few combined entry points that save JS↔wasm crossings on the hot path.
// Pointers are byte addresses in linear memory; the TypeScript side (src/engine/wasm.ts)
// allocates every region, validates every input and lays the tape out. Kernels do no checks.
//
// Dispatch: each sweep branches on the op code with an if-chain ordered by how often ops occur
// on real tapes (add, mul, sub, square first), not a switch. asc turns a dense switch into
// br_table, one indirect jump, and the CPUs here mispredict it on any mix of ops: measured on
// the Rosenbrock tape (n = 1000), forward 9.4 ns/node with br_table and 2.2 with the chain, whose
// conditional branches the predictor learns (`npx tsx bench/dispatch.ts` builds and times both). Keep the chain: don't fold it back into a switch.
import { forward } from "./generated/forward";
import { reverse } from "./generated/reverse";
import { tangent } from "./generated/tangent";
import { f64At, i32At, addF64, setF64 } from "./rules";

export * from "./generated/opcodes";
export { forward } from "./generated/forward";
export { reverse } from "./generated/reverse";
export { tangent } from "./generated/tangent";
export { tangentLanes } from "./tangent_lanes";
export { reverseLanes } from "./reverse_lanes";
export { hvpLanes } from "./generated/hvp";
export { batchForward } from "./generated/batch_forward";
export { batchReverse } from "./generated/batch_reverse";
export { addInto, sumStrided, addStrided, accumulate, fillF64, copyF64 } from "./arrays";
// The rules' math functions, for code the JIT emits at run time (src/jit/): same implementation, same bits.
export * from "./generated/jit_math";

/** First free byte after the module's static data: where the TypeScript allocator starts. */
export function heapBase(): usize {
  return __heap_base;
}

/** Value and gradient of one scalar output: forward sweep, seed 1, reverse sweep. */
export function gradient(n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, adj: usize, out: i32): f64 {
  forward(n, start, ops, a, b, val);
  memory.fill(adj, 0, <usize>n << 3);
  setF64(adj, out, 1);
  reverse(n, start, ops, a, b, val, adj);
  return f64At(val, out);
}

/** Vector-Jacobian product: forward sweep, seed adj[outs[j]] += u[j] for m outputs, reverse. */
export function vjp(
  n: i32, start: i32, ops: usize, a: usize, b: usize, val: usize, adj: usize,
  outs: usize, u: usize, m: i32,
): void {
  forward(n, start, ops, a, b, val);
  memory.fill(adj, 0, <usize>n << 3);
  for (let j = 0; j < m; j++) addF64(adj, i32At(outs, j), f64At(u, j));
  reverse(n, start, ops, a, b, val, adj);
}

/** Jacobian-vector product: the caller wrote the input tangents into tan[0, inputs); every other
 *  tangent is zeroed (the buffer is shared with the adjoints), then one tangent sweep. */
export function jvp(n: i32, start: i32, inputs: i32, ops: usize, a: usize, b: usize, val: usize, tan: usize): void {
  memory.fill(tan + (<usize>inputs << 3), 0, <usize>(n - inputs) << 3);
  tangent(n, start, ops, a, b, val, tan);
}

// Batches of points in SIMD lanes: see batch.ts.
export { batchSumGrad, batchGrad, batchEval } from "./batch";

// Dense float64 matrix multiply for array-valued nodes: see gemm.ts.
export { gemm } from "./gemm";
