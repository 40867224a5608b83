/**
 * The detach tax (issue 13, item 5): growing WebAssembly memory must not detach an ArrayBuffer,
 * because the first detach in a process invalidates V8's ArrayBufferDetaching protector and slows
 * every typed-array loop of the host program from then on. Checked two ways without a clock: a
 * view of the memory survives growth, and a fresh Node process that compiles a tape past the
 * initial memory reports no invalidation under --trace-protector-invalidation.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { compile, memoryStats, square, sub, type Operand, type Var } from "../src/index.js";
import { createMemory, INITIAL_PAGES, MAXIMUM_PAGES, memoryLimitsOffset, unsharedModuleBytes } from "../src/wasm/memory.js";
import { kernels, memoryType, wasmMemory } from "../src/wasm/module.js";
import { WASM_BASE64 } from "../src/wasm/bytes.js";
import { wasmRuntime } from "../src/wasm/shared.js";

const rosenbrock = (xs: Var[]): Var => {
  let total: Operand = 0;
  for (let i = 0; i < xs.length - 1; i++) total = square(xs[i + 1]!.sub(square(xs[i]!))).mul(100).add(square(sub(1, xs[i]!))).add(total);
  return total as Var;
};

describe("WebAssembly memory growth", () => {
  it("leaves a view of the memory attached and at its length (shared memory on Node)", () => {
    expect(wasmMemory().shared).toBe(true);
    expect(kernels().memory).toBe(wasmMemory().memory);
    const view = new Float64Array(kernels().memory.buffer);
    const length = view.length;
    const before = memoryStats().memoryBytes;
    // ~700k nodes at 25 bytes each: past whatever memory is free now.
    const f = compile(rosenbrock, { inputs: Math.ceil(before / 25 / 9) + 1000 });
    expect(memoryStats().memoryBytes).toBeGreaterThan(before);
    expect(view.length).toBe(length);
    expect(view.buffer.byteLength).toBe(length * 8);
    view[1] = 42; // still writable
    expect(new Float64Array(kernels().memory.buffer)[1]).toBe(42);
    expect(f.grad(new Float64Array(f.inputs).fill(1)).value).toBe(0);
    f.dispose();
  });

  it("module bytes patch to an unshared memory import of the same limits, and that module runs", () => {
    const bytes = Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
    expect(bytes[memoryLimitsOffset(bytes)]).toBe(0x03); // has maximum, shared
    // Then the limits as LEB128: asconfig.json's initialMemory and maximumMemory = memory.ts's constants.
    let p = memoryLimitsOffset(bytes) + 1;
    const leb = (): number => {
      let v = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = bytes[p++]!;
        v += (byte & 0x7f) * 2 ** shift;
        if ((byte & 0x80) === 0) return v;
      }
    };
    expect([leb(), leb()]).toEqual([INITIAL_PAGES, MAXIMUM_PAGES]);
    const unshared = unsharedModuleBytes(bytes);
    expect(unshared[memoryLimitsOffset(unshared)]).toBe(0x01);
    expect(bytes[memoryLimitsOffset(bytes)]).toBe(0x03); // the input is left alone
    const module = new WebAssembly.Module(unshared);
    const { memory, shared } = createMemory(false);
    expect(shared).toBe(false);
    expect(memory.buffer).toBeInstanceOf(ArrayBuffer);
    const instance = new WebAssembly.Instance(module, { math: { sin: Math.sin, cos: Math.cos, tan: Math.tan }, env: { memory } });
    const k = instance.exports as unknown as { memory: WebAssembly.Memory; heapBase(): number; addInto(dst: number, src: number, n: number): void };
    expect(k.memory).toBe(memory);
    const base = Math.ceil(k.heapBase() / 16) * 16;
    const f64 = new Float64Array(memory.buffer, base, 4);
    f64.set([1, 2, 10, 20]);
    k.addInto(base, base + 16, 2);
    expect(Array.from(f64)).toEqual([11, 22, 10, 20]);
    // A shared module does not link against the unshared memory: the two must match.
    expect(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), { math: Math as never, env: { memory } })).toThrow(WebAssembly.LinkError);
  });

  it("Heap.fill and Heap.copyWithin (through the module on shared memory) match the typed-array methods", () => {
    const { heap } = wasmRuntime();
    const ptr = heap.alloc(8 * 64);
    const at = ptr / 8;
    const ref = new Float64Array(64);
    const check = (): void => expect(Array.from(heap.f64.subarray(at, at + 64))).toEqual(Array.from(ref));
    for (let i = 0; i < 64; i++) heap.f64[at + i] = ref[i] = i + 0.5;
    for (const [value, from, to] of [[-0, 3, 10], [NaN, 11, 12], [7.25, 13, 13], [Infinity, 20, 63], [0, 0, 1]] as const) {
      heap.fill(value, at + from, at + to);
      ref.fill(value, from, to);
      check();
    }
    expect(Object.is(heap.f64[at + 3], -0)).toBe(true);
    for (let i = 0; i < 64; i++) heap.f64[at + i] = ref[i] = i;
    for (const [target, start, end] of [[0, 5, 20], [10, 2, 30], [40, 40, 45], [33, 0, 0], [1, 0, 63]] as const) {
      heap.copyWithin(at + target, at + start, at + end);
      ref.copyWithin(target, start, end);
      check();
    }
    heap.release(ptr);
  });

  it("memoryType() is what an importing module (a JIT's) must declare", () => {
    expect(memoryType()).toEqual({ initial: 256, maximum: 65536, shared: true });
  });
});

describe("V8's ArrayBufferDetaching protector, in a fresh Node process", () => {
  const dir = mkdtempSync(join(tmpdir(), "tapegrad-detach-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = join(dir, "tapegrad.mjs");
  buildSync({ entryPoints: [fileURLToPath(new URL("../src/index.ts", import.meta.url))], bundle: true, format: "esm", platform: "node", outfile: bundle, logLevel: "error" });

  /** Runs `code` (an ES module) in plain node (no tsx: its loader thread detaches buffers of its own). */
  const traced = (name: string, code: string): string => {
    const file = join(dir, name);
    writeFileSync(file, code);
    return execFileSync(process.execPath, ["--trace-protector-invalidation", file], { encoding: "utf8" });
  };

  it("is invalidated by growing an unshared memory (the control: the trace flag works here)", () => {
    const out = traced("control.mjs", "const m = new WebAssembly.Memory({ initial: 1 }); m.grow(1); console.log('grown', m.buffer.byteLength);");
    expect(out).toContain("grown 131072");
    expect(out).toContain("Invalidating protector cell ArrayBufferDetaching");
  });

  it("stays intact while tapegrad compiles and runs a tape past the initial 16 MiB", () => {
    const out = traced(
      "compile.mjs",
      `import { compile, memoryStats, square, sub } from ${JSON.stringify(bundle)};
       const before = memoryStats().memoryBytes;
       const f = compile((xs) => {
         let t = 0;
         for (let i = 0; i < xs.length - 1; i++) t = square(xs[i + 1].sub(square(xs[i]))).mul(100).add(square(sub(1, xs[i]))).add(t);
         return t;
       }, { inputs: 111112 });
       const { value } = f.grad(new Float64Array(f.inputs).fill(1));
       f.dispose();
       console.log("nodes", f.size, "grew", memoryStats().memoryBytes > before, "value", value);`,
    );
    expect(out).toMatch(/nodes \d{7} grew true value 0/);
    expect(out).not.toContain("ArrayBufferDetaching");
  }, 60_000);
});
