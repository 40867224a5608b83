/**
 * When a function's tape runs as compiled code: the `jit` option and the "auto" policy.
 *
 * - `false`: never; the interpreter runs every call.
 * - `true`: compile at compile(), or throw a clear error when the tape cannot be compiled.
 * - `"auto"` (the default): interpret the first AUTO_CALLS calls of the covered methods (eval,
 *   grad, vjp, jvp), then compile once, if the tape has at most AUTO_MAX_NODES nodes. A failed
 *   compile (an engine that refuses the module) is never the user's error here: the function keeps
 *   interpreting, and `f.jit` stays false.
 *
 * Why these numbers (bench/jit-policy.ts measures them; docs/jit.md has the figures): compiling
 * costs about as much as AUTO_CALLS interpreted calls on tapes of every size, since both grow with
 * the node count; a function called fewer times never pays for its compile. Above AUTO_MAX_NODES
 * the straight-line code no longer fits the instruction cache and its lead over the interpreter
 * shrinks, while compile time and code memory keep growing.
 */
import type { JitCode } from "./jit-module.js";
import type { JitOption } from "./option.js";

export const AUTO_CALLS = 64;
export const AUTO_MAX_NODES = 200_000;

export class JitTier {
  /** The compiled entries once in use, else null. */
  code: JitCode | null = null;
  private calls = 0;
  private readonly auto: boolean;
  /** jit: true: a tape that cannot be compiled is an error, not a fallback. */
  readonly strict: boolean;

  constructor(option: JitOption, private readonly nodes: number, private readonly compile: () => JitCode) {
    this.auto = option === "auto" && nodes <= AUTO_MAX_NODES;
    this.strict = option === true;
    if (option === true) {
      try {
        this.code = compile();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(
          `tapegrad: compile(): { jit: true } could not compile this tape of ${nodes} nodes to WebAssembly (${reason}); ` +
            'use { jit: "auto" } (interprets what cannot be compiled) or { jit: false }',
          { cause: error },
        );
      }
    }
  }

  /**
   * Called by each covered call while code is null: counts it (a batch call by its points), and
   * compiles once AUTO_CALLS are reached.
   */
  tick(weight = 1): JitCode | null {
    if (!this.auto) return null;
    this.calls += weight;
    if (this.calls < AUTO_CALLS) return null;
    this.calls = -Infinity; // one attempt
    try {
      this.code = this.compile();
    } catch {
      this.code = null; // "auto" never fails a call: the interpreter goes on
    }
    return this.code;
  }

  dispose(): void {
    this.code = null;
  }
}
