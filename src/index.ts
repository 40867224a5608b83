/**
 * tapegrad: record a function of scalars, vectors and matrices once, replay it in WebAssembly — values, forward
 * mode (jvp), reverse mode (grad, vjp) — float64 end to end.
 */
export {
  compile, type CompileOptions, type VectorCompileOptions, type Output, type Shapes, type Variables, type ShapedCompileOptions,
} from "./compile.js";
export {
  Compiled, type Jacobian, type JacobianOptions, type Matrix, type FunctionLayout,
  type SparseJacobian, type SparseJacobianOptions, type SparseHessian, type SparseHessianOptions,
} from "./compiled.js";
export type { SparsityPattern } from "./sparse/pattern.js";
export { chooseMode, REVERSE_COST, type JacobianMode } from "./mode.js";
export type { EngineName } from "./engine/engine.js";
export type { JitOption } from "./jit/option.js";
export { Var, type Operand } from "./var.js";
// The math functions: one per op of the table (generated) and the hand-written ones (math.ts).
export * from "./math.js";
export { clamp, dot, logSoftmax, logsumexp, mean, norm, prod, softmax } from "./compose.js";
// Array functions (docs/arrays.md); the reductions above and sum/max/min take array variables too.
export { matmul, transpose } from "./array/record.js";
export { outer, stack, concat } from "./array/functions.js";
export { reshape } from "./array/reshape.js";
export { Layout, type LayoutEntry, type EntryValues } from "./array/layout.js";
export type { AxisOptions } from "./math.js";
export { OP, OPS, type OpRule, type OpKind } from "./ops.js";
export { inputName, dataName, type Tape } from "./tape.js";
export { memoryStats, setMemoryLimit, type MemoryStats } from "./memory.js";
export { parse, ParseError, PARSE_FUNCTIONS, type ParseOptions } from "./parse.js";
export { toDot, type DotOptions } from "./show/dot.js";
export {
  explain, DEFAULT_MAX_PATHS, type ExplainOptions, type Explanation, type ExplainedPath,
} from "./show/explain.js";
export type { Point, InputRef } from "./show/point.js";
export type { DataCompileOptions } from "./compile.js";
export { sgd, adam, type Optimizer, type SgdOptions, type AdamOptions } from "./train/optimizers.js";
export { fit, type FitOptions, type FitProgress, type FitResult } from "./train/fit.js";
