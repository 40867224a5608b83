/**
 * The WebAssembly module: decoded from the inlined bytes and instantiated synchronously on first
 * use, once per JS realm (main thread, each worker), with the raw WebAssembly API.
 *
 * Not with @assemblyscript/loader (formerly a dependency), because it contributed nothing here: its
 * instantiateSync adds env.abort/trace/seed, Math and Date to the imports — the module imports
 * none of them (only math.sin/cos/tan; see imports.ts, which supplies an abort of its own) — and
 * builds demangled export wrappers and string/array helpers that nothing called (the kernels
 * always used `instance.exports`). It cost 5.2 kB minified (2.2 kB gzip) in a consumer's bundle,
 * and a bare import specifier that a browser without a bundler cannot resolve: dist/ must load as
 * plain ES modules, so the package has no runtime dependencies at all.
 */
import { WASM_BASE64 } from "./bytes.js";
import { kernelImports } from "./imports.js";
import { createMemory, INITIAL_PAGES, MAXIMUM_PAGES, sharedMemoryAllowed, unsharedModuleBytes } from "./memory.js";

/** The raw exports of assembly/index.ts. Pointers are byte addresses in `memory`. */
export interface Kernels {
  /** The imported memory, re-exported: wasmMemory().memory. */
  readonly memory: WebAssembly.Memory;
  /** The function table: the batch entries call compiled sweeps from it (src/jit/batch-module.ts). */
  readonly table: WebAssembly.Table;
  heapBase(): number;
  forward(n: number, start: number, ops: number, a: number, b: number, val: number): void;
  reverse(n: number, start: number, ops: number, a: number, b: number, val: number, adj: number): void;
  tangent(n: number, start: number, ops: number, a: number, b: number, val: number, tan: number): void;
  gradient(n: number, start: number, ops: number, a: number, b: number, val: number, adj: number, out: number): number;
  jvp(n: number, start: number, inputs: number, ops: number, a: number, b: number, val: number, tan: number): void;
  vjp(
    n: number, start: number, ops: number, a: number, b: number, val: number, adj: number,
    outs: number, u: number, m: number,
  ): void;
  // Lane kernels (issue 4): k directions per sweep, node-major lanes (lane l of node i at i·k + l).
  tangentLanes(n: number, start: number, ops: number, a: number, b: number, val: number, tan: number, k: number): void;
  reverseLanes(n: number, start: number, ops: number, a: number, b: number, val: number, adj: number, k: number): void;
  hvpLanes(
    n: number, start: number, ops: number, a: number, b: number, val: number, tan: number, adj: number,
    sadj: number, k: number,
  ): void;
  // Batches (assembly/batch.ts); layout in src/engine/wasm-batch.ts.
  batchSumGrad(
    n: number, start: number, inputs: number, d: number, ops: number, a: number, b: number, val: number, adj: number,
    stride: number, theta: number, rows: number, count: number, out: number, gsum: number, scale: number,
    rev: number,
  ): number;
  batchGrad(
    n: number, start: number, inputs: number, d: number, ops: number, a: number, b: number, val: number, adj: number,
    stride: number, theta: number, rows: number, count: number, out: number, values: number, grads: number,
    rev: number,
  ): void;
  batchEval(
    n: number, start: number, inputs: number, d: number, ops: number, a: number, b: number, val: number,
    stride: number, theta: number, rows: number, count: number, outs: number, m: number, values: number,
    fwd: number,
  ): void;
  // The batched sweeps themselves, for fused elementwise runs of array programs (src/array/fusion.ts):
  // node i's lanes at val + i·stride·8; nodes below `inputs` are broadcast (one value in every lane).
  batchForward(n: number, start: number, inputs: number, ops: number, a: number, b: number, val: number, stride: number, lanes: number): void;
  batchReverse(
    n: number, start: number, inputs: number, reduce: boolean, ops: number, a: number, b: number, val: number, adj: number,
    stride: number, lanes: number,
  ): void;
  // Array executor helpers (assembly/arrays.ts).
  addInto(dst: number, src: number, n: number): void;
  /** n f64 from byte address ptr set to value (Heap.fill). */
  fillF64(ptr: number, value: number, n: number): void;
  /** n f64 from byte address src to dst, overlap allowed (Heap.copyWithin). */
  copyF64(dst: number, src: number, n: number): void;
  sumStrided(x: number, n: number, stride: number): number;
  addStrided(x: number, n: number, stride: number, g: number): void;
  accumulate(acc: number, x: number, n: number): number;
  /** C[M×N] = (accumulate ? C : 0) + op(A)·op(B), row-major f64 (assembly/gemm.ts). Strides in elements. */
  gemm(
    M: number, N: number, K: number, A: number, lda: number, transA: boolean, B: number, ldb: number, transB: boolean,
    C: number, ldc: number, accumulate: boolean,
  ): void;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let instance: WebAssembly.Instance | null = null;
let compiled: WebAssembly.Module | null = null;
let realm: { memory: WebAssembly.Memory; shared: boolean } | null = null;

/**
 * The realm's linear memory (src/wasm/memory.ts: shared where allowed, so that growing it never
 * detaches an ArrayBuffer). Another module — a JIT tier's — imports it as `env.memory`, declaring
 * the import with `memoryType()`'s limits (shared must match exactly).
 */
export function wasmMemory(): { memory: WebAssembly.Memory; shared: boolean } {
  if (realm === null) realm = createMemory(sharedMemoryAllowed());
  return realm;
}

/** The memory type every module importing the realm's memory must declare. */
export function memoryType(): { initial: number; maximum: number; shared: boolean } {
  return { initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: wasmMemory().shared };
}

/**
 * The compiled module, once per realm: structured-cloneable, so workers get it without bytes.
 * Its memory import is shared or not as the realm's memory is; a worker makes its own memory of
 * memoryType().
 */
export function wasmModule(): WebAssembly.Module {
  if (compiled === null) {
    try {
      const bytes = decodeBase64(WASM_BASE64);
      compiled = new WebAssembly.Module(wasmMemory().shared ? (bytes as Uint8Array<ArrayBuffer>) : unsharedModuleBytes(bytes));
    } catch (error) {
      throw blocked(error, "compiled");
    }
  }
  return compiled;
}

function wasmInstance(): WebAssembly.Instance {
  if (instance === null) {
    const module = wasmModule();
    const { memory } = wasmMemory();
    try {
      instance = new WebAssembly.Instance(module, kernelImports(() => memory, memory));
    } catch (error) {
      throw blocked(error, "instantiated");
    }
  }
  return instance;
}

/**
 * The engine's module could not be compiled or instantiated: most often a Content-Security-Policy
 * without 'wasm-unsafe-eval' (the browser throws a bare CompileError). Say what to allow, and that
 * the TypeScript engine needs no WebAssembly; the original error is kept as `cause`.
 */
function blocked(error: unknown, what: string): Error {
  const original = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new Error(
    `tapegrad: compile(): the WebAssembly engine could not be ${what} (${original}). If a Content-Security-Policy ` +
      "blocks WebAssembly, allow it by adding 'wasm-unsafe-eval' to script-src; or compile with " +
      '{ engine: "js" }, which runs without WebAssembly',
    { cause: error },
  );
}

/** The kernels of this realm's module instance. */
export function kernels(): Kernels {
  return wasmInstance().exports as unknown as Kernels;
}

/** The op codes compiled into the module (its OP_* globals), by upper-case name. */
export function compiledOpCodes(): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const [name, value] of Object.entries(wasmInstance().exports)) {
    if (name.startsWith("OP_") && value instanceof WebAssembly.Global) codes[name.slice(3)] = value.value as number;
  }
  return codes;
}
