/**
 * When a function's tape runs as compiled code: the `jit` option and the "auto" policy.
 *
 * - `false`: never; the interpreter runs every call.
 * - `true`: compile at compile(), or throw a clear error when the tape cannot be compiled.
 * - `"auto"` (the default): interpret until the calls have done about as much work as compiling
 *   costs, then compile once — for tapes of at most AUTO_MAX_NODES nodes. A failed compile (an
 *   engine that refuses the module) is never the user's error here: the function keeps
 *   interpreting, and `f.jit` stays false.
 *
 * The measure of work is node evaluations: a call adds its tape's node count, a batch call that
 * times its points. Compiling costs about AUTO_FIXED + AUTO_PER_NODE·n of them (bench rows
 * jit-compile-*, 2026-12-03: ≈ 35–55 µs fixed — module compile and instantiation — plus 0.2–0.8 µs
 * per node, against the interpreter's ≈ 2.3 ns per node of a gradient), so a tape of n nodes compiles
 * after about 24,000/n + 220 calls: the seed's 5 nodes after ≈ 5,000 calls, Rosenbrock's 9k after
 * ≈ 220, a meanGrad over 1,024 points on its first call. Past AUTO_MAX_NODES the code no longer
 * pays: on Rosenbrock (`npx tsx bench/jit-sizes.ts`) compiled/interpreted was 0.16–0.19 at 9k nodes,
 * at most 0.5 up to 270k, 3.9–5.2 at 900k (V8's optimising compiler has not finished the code by
 * then; its baseline code runs).
 */
import type { JitCode } from "./jit-module.js";
import type { JitOption } from "./option.js";
import { BATCH_MAX_NODES } from "./batch-module.js";

export const AUTO_FIXED = 24_000;
export const AUTO_PER_NODE = 220;
export const AUTO_MAX_NODES = 200_000;

/**
 * Whether the batch workers of a function of n nodes run compiled sweeps: with jit: true, and with
 * "auto" up to its size limit (a worker's job is a slice of a dataset, work enough to pay at once);
 * never past BATCH_MAX_NODES (one function per sweep, see batch-module.ts).
 */
export function workersCompile(n: number, option: JitOption): boolean {
  return n <= BATCH_MAX_NODES && (option === true || (option === "auto" && n <= AUTO_MAX_NODES));
}

/** The calls of a tape of n nodes "auto" interprets before it compiles. */
export const autoCalls = (n: number): number => Math.ceil((AUTO_FIXED + AUTO_PER_NODE * n) / Math.max(n, 1));

export class JitTier {
  /** The compiled entries once in use, else null. */
  code: JitCode | null = null;
  /** Work done so far in node evaluations; compile at `budget`. */
  private work = 0;
  private readonly budget: number;
  private readonly auto: boolean;

  constructor(option: JitOption, private readonly nodes: number, private readonly compile: () => JitCode) {
    this.auto = option === "auto" && nodes <= AUTO_MAX_NODES;
    this.budget = AUTO_FIXED + AUTO_PER_NODE * nodes;
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
   * Called by each covered call while code is null, `points` its points (1, or a batch call's):
   * counts its work, and compiles once the budget is spent.
   */
  tick(points = 1): JitCode | null {
    if (!this.auto) return null;
    this.work += points * this.nodes;
    if (this.work < this.budget) return null;
    this.work = -Infinity; // one attempt
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
