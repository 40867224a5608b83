/**
 * The realm's WebAssembly.Memory, created here in JS and imported by the module as `env.memory`.
 *
 * Shared where the host allows it, because growing an unshared memory detaches its ArrayBuffer,
 * and the first detach in a process invalidates V8's ArrayBufferDetaching protector for good:
 * from then on every typed-array loop of the host program carries detach checks (measured on Node
 * 20: 2–2.7× slower, bench workload detach-tax). A shared memory's SharedArrayBuffer cannot be
 * detached; growing it leaves old views valid at their old length. Reserving a large unshared
 * memory instead would only move the threshold (25 bytes per tape node: 16 MiB is 650k nodes) and
 * commit address space on every realm and worker. The price, measured: 3–6 % in the batch
 * kernels, and slower TypedArray fill/copyWithin/set on the JS side (Heap.fill routes around it).
 *
 * Where shared memory is refused (a browser page that is not crossOriginIsolated; a host without
 * threads) the module's import is patched to an unshared memory of the same limits, and growth
 * detaches as before: documented in docs/design.md.
 */

/** Initial size in pages (asconfig.json's initialMemory): 16 MiB. */
export const INITIAL_PAGES = 256;
/** Maximum in pages (asconfig.json's maximumMemory): all of wasm32. A shared memory needs one. */
export const MAXIMUM_PAGES = 65536;

/** Whether to try a shared memory: not where the page says it may not (browsers without COOP/COEP). */
export function sharedMemoryAllowed(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

/** A new memory with the module's limits; shared if `shared` and the host allows it. */
export function createMemory(shared: boolean): { memory: WebAssembly.Memory; shared: boolean } {
  if (shared) {
    try {
      return { memory: new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true }), shared: true };
    } catch {
      // No threads, or no address space for the reservation (32-bit): unshared below.
    }
  }
  return { memory: new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES }), shared: false };
}

const SHARED_FLAG = 0x02;

/**
 * A copy of the module's bytes whose `env.memory` import is unshared (limits flags 0x03 → 0x01,
 * same maximum): one byte of the import section, so one binary serves both memories.
 */
export function unsharedModuleBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes);
  const at = memoryLimitsOffset(out);
  if ((out[at]! & SHARED_FLAG) === 0) throw new Error("tapegrad: internal error: the module's memory import is not shared");
  out[at] = out[at]! & ~SHARED_FLAG;
  return out;
}

/** Offset of the limits flags byte of the module's first memory import. */
export function memoryLimitsOffset(bytes: Uint8Array): number {
  let p = 8; // magic and version
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[p++]!;
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  };
  const skipName = (): void => {
    const n = leb();
    p += n;
  };
  const skipLimits = (): void => {
    const flags = bytes[p++]!;
    leb();
    if (flags & 1) leb();
  };
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const size = leb();
    if (id !== 2) {
      p += size;
      continue;
    }
    for (let count = leb(); count > 0; count--) {
      skipName();
      skipName();
      const kind = bytes[p++]!;
      if (kind === 0) leb(); // function: type index
      else if (kind === 1) {
        p++; // table: element type
        skipLimits();
      } else if (kind === 2) return p;
      else if (kind === 3) p += 2; // global: value type, mutability
      else break;
    }
    break;
  }
  throw new Error("tapegrad: internal error: the module imports no memory");
}
