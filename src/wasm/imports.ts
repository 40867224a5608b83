/**
 * What the WebAssembly module imports from JavaScript: the host's Math.sin, Math.cos and
 * Math.tan, for the large arguments whose reduction AssemblyScript's own get wrong (see
 * assembly/trig.ts). One list, used by the main thread's instantiation (module.ts) and written into the
 * batch workers' source (batch/worker-source.ts), so every realm imports the same functions.
 *
 * Plus `env.abort`, which today's module does not import (asconfig.json builds with noAssert and
 * the stub runtime, so no path can abort): supplied anyway, so that a kernel which one day can
 * abort turns into a readable Error rather than a LinkError at instantiation. An import the module
 * does not ask for is ignored.
 */
export const MATH_IMPORTS = ["sin", "cos", "tan"] as const;

/**
 * An AssemblyScript string in `memory`: UTF-16 code units at `ptr`, their byte length in the u32
 * just before it (the object header's rtSize). Null (0) is the absent argument.
 */
export function readString(memory: WebAssembly.Memory | undefined, ptr: number): string {
  if (memory === undefined) return "<no memory>";
  if (ptr === 0) return "";
  const buffer = memory.buffer;
  // A pointer that cannot be a string (out of bounds, misaligned) is shown, not read.
  if (ptr < 4 || ptr % 4 !== 0 || ptr > buffer.byteLength) return `<string at ${ptr}>`;
  const length = new Uint32Array(buffer, ptr - 4, 1)[0]! >>> 1;
  if (ptr + 2 * length > buffer.byteLength) return `<string at ${ptr}>`;
  const units = new Uint16Array(buffer, ptr, length);
  let text = "";
  // In chunks: String.fromCharCode with one argument per unit would overflow the stack on long text.
  for (let i = 0; i < length; i += 4096) text += String.fromCharCode(...units.subarray(i, i + 4096));
  return text;
}

/**
 * The import object for a new instance of the module. `memory` (what abort reads strings from) is
 * asked for lazily, for a module that exports a memory of its own; `envMemory`, when given, is
 * supplied as `env.memory`, the memory tapegrad's module imports (src/wasm/memory.ts).
 */
export function kernelImports(memory: () => WebAssembly.Memory | undefined, envMemory?: WebAssembly.Memory): WebAssembly.Imports {
  const math: Record<string, (x: number) => number> = {};
  for (const name of MATH_IMPORTS) math[name] = Math[name];
  const abort = (message: number, file: number, line: number, column: number): never => {
    const m = memory();
    throw new Error(`tapegrad: the WebAssembly kernel aborted: ${readString(m, message)} at ${readString(m, file)}:${line}:${column}`);
  };
  return { math, env: envMemory === undefined ? { abort } : { abort, memory: envMemory } };
}
