/**
 * The WebAssembly module is instantiated raw (no @assemblyscript/loader): its imports must all be
 * supplied by kernelImports(), and an AssemblyScript abort — which today's kernels cannot reach
 * (noAssert, stub runtime) — must still become a readable Error, in the main thread and in a batch
 * worker. The aborting modules are compiled here from AssemblyScript source.
 */
import { Worker } from "node:worker_threads";
import asc from "assemblyscript/asc";
import { beforeAll, describe, expect, it } from "vitest";
import { kernelImports } from "../src/wasm/imports.js";
import { createMemory } from "../src/wasm/memory.js";
import { wasmModule } from "../src/wasm/module.js";
import { WORKER_SOURCE } from "../src/batch/worker-source.js";

const LONG = "ab".repeat(3000); // longer than one 4096-unit chunk of the decoder
let aborting: WebAssembly.Module;

beforeAll(async () => {
  const { binary, error, stderr } = await asc.compileString(
    `export function boom(): void { abort("θ out of range", "kernel.ts", 3, 7); }
     export function long(): void { abort("${LONG}", null, 1, 2); }
     export function heapBase(): usize { return __heap_base; }
     export function batchSumGrad(): f64 { abort("batch kernel failed", "batch.ts", 10, 20); return 0; }`,
    { runtime: "stub", optimizeLevel: 1 },
  );
  if (error !== null || binary === null) throw new Error(`asc: ${String(error)}\n${stderr.toString()}`);
  aborting = new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>);
}, 60_000);

describe("raw instantiation", () => {
  it("kernelImports() supplies every import of the shipped module: functions and env.memory", () => {
    const { memory } = createMemory(true);
    const imports = kernelImports(() => memory, memory);
    const wanted = WebAssembly.Module.imports(wasmModule());
    expect(wanted.length).toBeGreaterThan(0);
    for (const { module, name, kind } of wanted) {
      if (kind === "memory") {
        expect(`${module}.${name}`).toBe("env.memory");
        expect(imports[module]?.[name]).toBe(memory);
      } else {
        expect(kind, `${module}.${name}`).toBe("function");
        expect(typeof imports[module]?.[name], `${module}.${name}`).toBe("function");
      }
    }
    expect(() => new WebAssembly.Instance(wasmModule(), imports)).not.toThrow();
  });

  it("an abort becomes an Error with the AssemblyScript message, file and position", () => {
    let memory: WebAssembly.Memory | undefined;
    const instance = new WebAssembly.Instance(aborting, kernelImports(() => memory));
    memory = instance.exports.memory as WebAssembly.Memory;
    const exports = instance.exports as { boom(): void; long(): void };
    expect(() => exports.boom()).toThrow("tapegrad: the WebAssembly kernel aborted: θ out of range at kernel.ts:3:7");
    expect(() => exports.long()).toThrow(`aborted: ${LONG} at :1:2`);
  });

  it("a batch worker reports an abort the same way", async () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    try {
      const reply = new Promise<{ error?: string }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      // A one-node tape (a single input): enough for the worker to lay out its regions.
      worker.postMessage({
        type: "init", module: aborting, op: new Uint8Array([0]), a: new Int32Array(1), b: new Int32Array(1),
        constants: [], inputs: 1, data: 0, out0: 0, stride: 1, constCode: 2,
      });
      worker.postMessage({ type: "sumGrad", theta: new Float64Array(1), rows: new Float64Array(0), count: 1, scale: 1 });
      const { error } = await reply;
      expect(error).toContain("tapegrad: the WebAssembly kernel aborted: batch kernel failed at batch.ts:10:20");
    } finally {
      await worker.terminate();
    }
  });
});
