/**
 * The realm's one module instance and the heap over its memory, shared by every compiled function
 * on the wasm engine; plus the bookkeeping behind memoryStats().
 */
import { Heap } from "./heap.js";
import { kernels, type Kernels } from "./module.js";

let shared: { kernels: Kernels; heap: Heap } | null = null;

export function wasmRuntime(): { kernels: Kernels; heap: Heap } {
  if (shared === null) {
    const k = kernels();
    shared = { kernels: k, heap: new Heap(k.memory, k.heapBase(), k.fillF64, k.copyF64) };
  }
  return shared;
}
