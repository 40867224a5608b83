/**
 * The allocator for WebAssembly linear memory, kept in TypeScript so that kernels never allocate
 * and every size is validated before a kernel runs. First fit over an address-ordered free list
 * with coalescing: a compiled function takes one block and gives it back on dispose, so memory
 * is reused and the free list stays short.
 *
 * The memory is shared where the host allows it (src/wasm/memory.ts), so growing it detaches
 * nothing; where it is not, growing detaches the old ArrayBuffer and slows the host's typed-array
 * code from then on. Either way memory starts with 16 MiB and grows at least by doubling, and
 * only alloc() grows it: views are re-derived there (a shared buffer's old views keep their old
 * length) and nowhere else.
 */
const PAGE = 65536;
const ALIGN = 16;
/** wasm32 addresses 4 GiB at most. */
export const WASM32_MAX_BYTES = 65536 * PAGE;

interface FreeBlock {
  start: number;
  size: number;
}

export class Heap {
  /** Views of the whole memory; valid until the next alloc(). */
  f64!: Float64Array;
  i32!: Int32Array;
  u8!: Uint8Array;
  bytesInUse = 0;
  /** Memory may not grow past this many bytes (setMemoryLimit). */
  limitBytes = WASM32_MAX_BYTES;
  private readonly freeList: FreeBlock[] = [];
  private readonly blockSizes = new Map<number, number>();

  /** Whether memory is shared: then fill() goes through the module. */
  private readonly shared: boolean;

  constructor(
    private readonly memory: WebAssembly.Memory,
    heapBase: number,
    private readonly fillKernel: (ptr: number, value: number, n: number) => void,
    private readonly copyKernel: (dst: number, src: number, n: number) => void,
  ) {
    this.shared = typeof SharedArrayBuffer === "function" && memory.buffer instanceof SharedArrayBuffer;
    const start = roundUp(heapBase, ALIGN);
    const end = memory.buffer.byteLength;
    if (end > start) this.freeList.push({ start, size: end - start });
    this.refreshViews();
  }

  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * f64.fill(value, from, to), indices into the f64 view. On shared memory by the module's
   * fillF64: V8 fills a SharedArrayBuffer element by element with atomic stores, 2–7× slower
   * than memset (Node 20), which cost hvp and meanGrad 5–6 % until this.
   */
  fill(value: number, from: number, to: number): void {
    if (!this.shared) this.f64.fill(value, from, to);
    else if (to > from) this.fillKernel(from * 8, value, to - from);
  }

  /** f64.copyWithin(target, start, end), by the module's copyF64 on shared memory (as fill). */
  copyWithin(target: number, start: number, end: number): void {
    if (!this.shared) this.f64.copyWithin(target, start, end);
    else if (end > start) this.copyKernel(target * 8, start * 8, end - start);
  }

  /** A block of at least `bytes` bytes, 16-byte aligned; throws a clear Error past the limit. */
  alloc(bytes: number): number {
    const size = roundUp(Math.max(bytes, ALIGN), ALIGN);
    let index = this.freeList.findIndex((block) => block.size >= size);
    if (index < 0) index = this.grow(size);
    const block = this.freeList[index];
    const ptr = block.start;
    if (block.size === size) this.freeList.splice(index, 1);
    else {
      block.start += size;
      block.size -= size;
    }
    this.blockSizes.set(ptr, size);
    this.bytesInUse += size;
    return ptr;
  }

  /** Returns a block to the free list, merging it with free neighbours. */
  release(ptr: number): void {
    const size = this.blockSizes.get(ptr);
    if (size === undefined) throw new Error(`tapegrad: internal error: free of unknown block ${ptr}`);
    this.blockSizes.delete(ptr);
    this.bytesInUse -= size;
    this.insertFree(ptr, size);
  }

  private insertFree(start: number, size: number): void {
    const list = this.freeList;
    let i = 0;
    while (i < list.length && list[i].start < start) i++;
    const before = i > 0 ? list[i - 1] : undefined;
    const after = i < list.length ? list[i] : undefined;
    if (before !== undefined && before.start + before.size === start) {
      before.size += size;
      if (after !== undefined && before.start + before.size === after.start) {
        before.size += after.size;
        list.splice(i, 1);
      }
    } else if (after !== undefined && start + size === after.start) {
      after.start = start;
      after.size += size;
    } else {
      list.splice(i, 0, { start, size });
    }
  }

  /** Grows memory so that a free block of `size` bytes exists; returns its index. */
  private grow(size: number): number {
    const oldBytes = this.memory.buffer.byteLength;
    const last = this.freeList[this.freeList.length - 1];
    const tailFree = last !== undefined && last.start + last.size === oldBytes ? last.size : 0;
    const neededPages = Math.ceil((size - tailFree) / PAGE);
    const limitPages = Math.floor(this.limitBytes / PAGE) - oldBytes / PAGE;
    if (neededPages > limitPages) {
      throw new Error(
        `tapegrad: out of memory: this needs ${mib(size)} more of WebAssembly memory, but memory ` +
          `is ${mib(oldBytes)} and may not grow past ${mib(this.limitBytes)}`,
      );
    }
    const wantedPages = Math.min(Math.max(neededPages, oldBytes / PAGE), limitPages);
    try {
      this.memory.grow(wantedPages);
    } catch {
      try {
        this.memory.grow(neededPages);
      } catch {
        throw new Error(
          `tapegrad: out of memory: the JavaScript engine refused to grow WebAssembly memory ` +
            `from ${mib(oldBytes)} by ${mib(neededPages * PAGE)}`,
        );
      }
    }
    const newBytes = this.memory.buffer.byteLength;
    this.insertFree(oldBytes, newBytes - oldBytes);
    this.refreshViews();
    return this.freeList.length - 1;
  }

  private refreshViews(): void {
    const buffer = this.memory.buffer;
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
