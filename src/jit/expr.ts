/**
 * The op table's rules as the JIT reads them: the same expression trees the kernel generator parses
 * from src/ops.ts (scripts/gen/expr.ts), written into src/generated/jit-rules.ts at build time, so
 * the emitted code computes every value and partial with the formula the interpreter's kernels use.
 */
export type JitOperand = "a" | "b" | "v";

export type JitExpr =
  | { readonly kind: "num"; readonly value: number }
  | { readonly kind: "operand"; readonly name: JitOperand }
  | { readonly kind: "const"; readonly name: string } // NaN, Infinity, Math.PI, …
  | { readonly kind: "unary"; readonly op: "-" | "!"; readonly arg: JitExpr }
  | { readonly kind: "binary"; readonly op: string; readonly left: JitExpr; readonly right: JitExpr }
  | { readonly kind: "cond"; readonly test: JitExpr; readonly then: JitExpr; readonly else: JitExpr }
  | { readonly kind: "call"; readonly fn: string; readonly args: readonly JitExpr[] };

/** One differentiable or comparison op: its value and first partials (null: identically 0). */
export interface JitRule {
  /** 1 or 2 for differentiable ops, 0 for comparisons (derivative 0). */
  readonly arity: 0 | 1 | 2;
  /**
   * A hot op (scripts/gen/model.ts): the batch kernels compute it with its two-lane rules where
   * they have one. A cold op they compute per lane with the scalar rules, two-lane form or not
   * (the one branch for all cold ops), so the compiled batch sweeps must too: exp's two-lane form
   * (jit_exp2) is not the scalar exp to the bit.
   */
  readonly hot: boolean;
  readonly value: JitExpr;
  readonly da: JitExpr | null;
  readonly db: JitExpr | null;
}
