/**
 * What the WebAssembly module imports from JavaScript: the host's Math.sin, Math.cos and
 * Math.tan, for the large arguments whose reduction AssemblyScript's own get wrong (see
 * assembly/trig.ts). One list, used by the main thread's instantiation (module.ts) and written into the
 * batch workers' source (batch/worker-source.ts), so every realm imports the same functions.
 */
export const MATH_IMPORTS = ["sin", "cos", "tan"] as const;

/** The import object for a new instance of the module. */
export function kernelImports(): WebAssembly.Imports {
  const math: Record<string, (x: number) => number> = {};
  for (const name of MATH_IMPORTS) math[name] = Math[name];
  return { math };
}
