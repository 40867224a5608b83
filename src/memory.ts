/** What tapegrad holds in WebAssembly memory, and a cap on it, for users and tests. */
import { countLiveFunctions } from "./compiled.js";
import { wasmRuntime } from "./wasm/shared.js";
import { WASM32_MAX_BYTES } from "./wasm/heap.js";

/** What memoryStats() reports. */
export interface MemoryStats {
  /** Size of the WebAssembly linear memory, in bytes. */
  memoryBytes: number;
  /** Bytes of it held by live compiled functions (tapes and working values). */
  bytesInUse: number;
  /** Compiled functions not yet disposed, on either engine. */
  liveFunctions: number;
}

/** The current WebAssembly memory size, the bytes live functions hold in it, and their count. */
export function memoryStats(): MemoryStats {
  const { heap } = wasmRuntime();
  return { memoryBytes: heap.memoryBytes, bytesInUse: heap.bytesInUse, liveFunctions: countLiveFunctions() };
}

/**
 * Caps how far WebAssembly memory may grow (default and maximum: 4 GiB, all wasm32 addresses).
 * A compile() that would need more throws a clear Error instead. Memory never shrinks, so a cap
 * below the current size only stops further growth.
 */
export function setMemoryLimit(bytes: number): void {
  if (typeof bytes !== "number" || !(bytes > 0)) {
    throw new RangeError(`tapegrad: setMemoryLimit(bytes) needs a positive number, got ${String(bytes)}`);
  }
  wasmRuntime().heap.limitBytes = Math.min(bytes, WASM32_MAX_BYTES);
}
