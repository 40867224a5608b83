/**
 * The `jit` option of compile(), apart from the tier itself so that the public types name no
 * WebAssembly type (a consumer's TypeScript without the DOM or Node types must still check them).
 */
/** The `jit` option of compile(): "auto" (default), true or false. */
export type JitOption = "auto" | boolean;

export function checkJitOption(value: unknown, where: string): JitOption {
  if (value === undefined) return "auto";
  if (value === "auto" || value === true || value === false) return value;
  throw new Error(`tapegrad: ${where}: unknown jit option ${JSON.stringify(value)}; use "auto", true or false`);
}
