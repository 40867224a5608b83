/**
 * TensorFlow.js as a contender (float32), on its pure-JavaScript CPU backend ("cpu") or its
 * WebAssembly backend ("wasm", @tensorflow/tfjs-backend-wasm, XNNPACK kernels): loaded only in the
 * process that benchmarks it, so the other contenders never share a heap with it.
 * (`@tensorflow/tfjs-node` would be faster but downloads native binaries and cannot install here.)
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";

export type Tf = typeof import("@tensorflow/tfjs");
export type TfBackend = "cpu" | "wasm";

let loaded: Tf | null = null;

/** TF.js with the backend set; one backend per process (every contender has its own). */
export async function loadTf(backend: TfBackend = "cpu"): Promise<Tf> {
  if (loaded === null) {
    const tf = await import("@tensorflow/tfjs");
    if (backend === "wasm") await useWasmFiles();
    if (!(await tf.setBackend(backend))) throw new Error(`TF.js: the ${backend} backend did not start`);
    await tf.ready();
    loaded = tf;
  }
  if (loaded.getBackend() !== backend) throw new Error(`TF.js: this process runs the ${loaded.getBackend()} backend, not ${backend}`);
  return loaded;
}

/**
 * Registers the wasm backend and points it at the installed .wasm files, as a user serving them
 * would. Node 20 takes a plain directory path with a trailing slash (a file:// URL works too; the
 * package's Node build also finds them beside itself without the call). Node has no Worker
 * global, so the backend picks its SIMD, single-threaded binary, as tapegrad runs on one thread.
 */
async function useWasmFiles(): Promise<void> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"))}/`);
}

/** Copies a float32 tensor's data into a float64 array at offset. */
export function copyInto(target: Float64Array, offset: number, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) target[offset + i] = data[i]!;
}

/** Runs fn inside tf.tidy (so every tensor it makes is freed) and returns its plain-JS answer. */
export function tidyAnswer<T>(tf: Tf, fn: () => T): T {
  let result!: T;
  tf.tidy(() => {
    result = fn();
  });
  return result;
}
