/**
 * Where a batch worker keeps its regions in its own memory. One function for the worker (its
 * source is pasted into the worker's code, batch/worker-source.ts, so it must stay self-contained:
 * no imports, no closures) and for the main thread, which compiles the worker's batch sweeps
 * (src/jit/batch-module.ts) at exactly these addresses.
 */
export interface WorkerRegions {
  op: number;
  a: number;
  b: number;
  val: number;
  adj: number;
  theta: number;
  gsum: number;
  /** The compiled sweeps' scratch area: 32 bytes per node. */
  scratch: number;
  /** The dataset slice: everything from here on, grown as needed. */
  rows: number;
}

export function workerLayout(heapBase: number, n: number, stride: number, inputs: number): WorkerRegions {
  // 16-byte alignment written out (no helper function: see above).
  let p = Math.ceil(heapBase / 16) * 16;
  const op = p; p = Math.ceil((p + n) / 16) * 16;
  const a = p; p = Math.ceil((p + 4 * n) / 16) * 16;
  const b = p; p = Math.ceil((p + 4 * n) / 16) * 16;
  const val = p; p += 8 * n * stride;
  const adj = p; p += 8 * n * stride;
  const theta = p; p = Math.ceil((p + 8 * inputs) / 16) * 16;
  const gsum = p; p = Math.ceil((p + 8 * inputs) / 16) * 16;
  const scratch = p; p += 32 * n;
  return { op, a, b, val, adj, theta, gsum, scratch, rows: p };
}
