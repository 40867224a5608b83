/**
 * The op table: the single source of truth for every operation tapegrad records.
 *
 * Each op has a small integer code (what the tape stores), a name, an arity, a value rule, its
 * local partial derivatives, and its second-order terms (for Hessian-vector products). The
 * TypeScript engine evaluates straight from this table; the AssemblyScript kernels in
 * `assembly/` mirror it case by case, and `test/opcodes.test.ts` proves the codes agree with
 * the ones compiled into the WebAssembly module.
 *
 * Conventions, as in CasADi's calculus.hpp: `a` and `b` are the operand values, `v` the op's own
 * value (so exp' = v and tanh' = 1 - v² reuse work). Unary ops ignore `b`.
 *
 * Edge cases are part of each rule and documented beside it (`edge`). Throughout: NaN in, NaN
 * out — the piecewise ops included: a NaN operand has value NaN and partials NaN.
 *
 * Derivative semantics, one rule for every sweep of both engines and for explain(): a partial
 * times a tangent or adjoint is exactly 0 when either factor is exactly 0, even if the other is
 * ±∞ or NaN (`zmul`; CppAD's azmul, made symmetric). So a path whose product of partials has an
 * exact zero factor contributes exactly 0, and forward mode, reverse mode, lanes, Hessian-vector
 * products and batches agree where a partial is infinite (sqrt or log at 0) or NaN (an unused
 * branch). Where the modes can still differ: paths that cancel exactly before they meet an
 * infinite partial — sqrt(x − x) at any x: forward mode sums the tangents 1 − 1 = 0 before
 * multiplying by sqrt'(0) = ∞ and gives 0; reverse mode passes ∞ back along both paths and meets
 * ∞ − ∞ = NaN.
 */

/**
 * leaf: no operands. unary/binary: differentiable ops of one or two operands. compare: binary,
 * value 1 or 0, derivative 0. control: select and its branches node, handled by each sweep.
 */
export type OpKind = "leaf" | "unary" | "binary" | "compare" | "control";

/** One op of the table: its code, name, kind, value and derivative rules, and their documentation. */
export interface OpRule {
  /** The op code the tape stores (see OP). */
  readonly code: number;
  /** The op's name: the free function's for the math ops (sin, add, …). */
  readonly name: string;
  /** What the op takes and how sweeps treat it. */
  readonly kind: OpKind;
  /** The value of the op from its operands. */
  readonly value: (a: number, b: number) => number;
  /** ∂v/∂a, given the operands and the value v. */
  readonly da: (a: number, b: number, v: number) => number;
  /** ∂v/∂b, given the operands and the value v (0 for unary ops). */
  readonly db: (a: number, b: number, v: number) => number;
  /** Second-order term ∂²v/∂a², for Hessian-vector products. */
  readonly daa: (a: number, b: number, v: number) => number;
  /** Second-order term ∂²v/∂a∂b. */
  readonly dab: (a: number, b: number, v: number) => number;
  /** Second-order term ∂²v/∂b². */
  readonly dbb: (a: number, b: number, v: number) => number;
  /** The value and first derivatives in math notation, for documentation. */
  readonly math: string;
  /** What the op does at its edge points. */
  readonly edge: string;
  /**
   * The JSDoc of the op's free function in terms of its parameters x, y (sin(x), add(x, y), …):
   * its contract, derivative rule and edge cases in one line; "" for an op without one.
   */
  readonly doc: string;
  /** The names of the free function's parameters (default x, y): atan2(y, x). */
  readonly params: readonly [string, string];
  /**
   * The node as an expression of its operands in parse() syntax, for pictures (toDot): a and b
   * stand for the operands ("a + b"; default "name(a)" or "name(a, b)").
   */
  readonly text: string;
  /** ∂/∂a as a formula in parse() syntax ("cos(a)"); test/show-formulas.test.ts checks it against da. */
  readonly textDa: string;
  /** ∂/∂b as a formula in parse() syntax ("" for unary ops); checked against db. */
  readonly textDb: string;
  /** True when the op has a generated free function (sin(x)); false where it is hand-written or internal. */
  readonly fn: boolean;
  /** True when the op has a generated Var method (x.sin()). */
  readonly method: boolean;
}

import { erf, erfc } from "./special.js";

/**
 * The zero rule: partial · t, but exactly 0 when either factor is exactly 0 (even if the other is
 * ±∞ or NaN). Every sweep multiplies a local partial by a derivative through this rule.
 */
export function zmul(partial: number, t: number): number {
  const r = partial * t;
  // Only a NaN product can be one the rule changes (0·±∞, 0·NaN); a zero factor otherwise gives IEEE ±0.
  return r === r ? r : partial === 0 || t === 0 ? 0 : r;
}

/** The rule of a partial or second-order term that is identically 0 (the default). */
export const ZERO_RULE = (): number => 0;
const zero = ZERO_RULE;
const one = (): number => 1;
/** The derivative of a piecewise-constant op (floor, sign, …): 0, and NaN for a NaN operand. */
const flat = (a: number): number => (a === a ? 0 : NaN);
/** σ(a)·σ(−a) = 1/(2 + eᵃ + e⁻ᵃ): softplus'' without the cancellation of σ(1 − σ) at large |a|. */
const sigmoidDa = (a: number): number => 0.5 / (1 + Math.cosh(a));
/** 1/√((1 − a)(1 + a)), the derivative of asin; the product keeps its precision near |a| = 1. */
const asinDa = (a: number): number => 1 / Math.sqrt((1 - a) * (1 + a));
/**
 * 1/(√(a − 1)·√(a + 1)) for a ≥ 1, the derivative of acosh (NaN below 1, where acosh is); two
 * roots, not √((a − 1)(a + 1)), whose product overflows above a ≈ 1.3e154 (acosh'(1e200) = 1e-200).
 */
const acoshDa = (a: number): number => (a < 1 ? NaN : 1 / (Math.sqrt(a - 1) * Math.sqrt(a + 1)));
/** 1/((1 − a)(1 + a)) for |a| ≤ 1, the derivative of atanh (NaN outside, where atanh is). */
const atanhDa = (a: number): number => (Math.abs(a) > 1 ? NaN : 1 / ((1 - a) * (1 + a)));
const notEvaluated = (): number => NaN;

/** Shared parts of the derivative rule of a^b, for the variable- and constant-exponent forms. */
// d(a^b)/da = b·a^(b−1); at b = 0 the derivative of the constant 1 is 0 (not 0·∞ at a = 0).
const powDa = (a: number, b: number): number => (b === 0 ? 0 : b * Math.pow(a, b - 1));
const powDaa = (a: number, b: number): number =>
  b === 0 || b === 1 ? 0 : b * (b - 1) * Math.pow(a, b - 2);
// ln(a) with the limit a^b·ln(a) → 0 at a = 0, b > 0; undefined (NaN) for a < 0.
const powLog = (a: number, b: number): number => (a > 0 ? Math.log(a) : a === 0 && b > 0 ? 0 : NaN);

function op(
  code: number,
  name: string,
  kind: OpKind,
  rule: Partial<Omit<OpRule, "code" | "name" | "kind">>,
): OpRule {
  return {
    code,
    name,
    kind,
    value: rule.value ?? notEvaluated,
    da: rule.da ?? zero,
    db: rule.db ?? zero,
    daa: rule.daa ?? zero,
    dab: rule.dab ?? zero,
    dbb: rule.dbb ?? zero,
    math: rule.math ?? "",
    edge: rule.edge ?? "",
    doc: rule.doc ?? "",
    params: rule.params ?? ["x", "y"],
    text: rule.text ?? (kind === "unary" ? `${name}(a)` : `${name}(a, b)`),
    textDa: rule.textDa ?? "",
    textDb: rule.textDb ?? "",
    fn: rule.fn ?? (kind === "unary" || kind === "binary" || kind === "compare"),
    method: rule.method ?? (kind === "unary" || kind === "binary" || kind === "compare"),
  };
}

/** Op codes by name; the tape's `op` array holds these. */
export const OP = {
  INPUT: 0,
  DATA: 1,
  CONST: 2,
  ADD: 3,
  SUB: 4,
  MUL: 5,
  DIV: 6,
  POW: 7,
  POWC: 8,
  NEG: 9,
  SIN: 10,
  COS: 11,
  TAN: 12,
  EXP: 13,
  LOG: 14,
  SQRT: 15,
  SQUARE: 16,
  TANH: 17,
  SIGMOID: 18,
  RELU: 19,
  ABS: 20,
  MIN: 21,
  MAX: 22,
  LT: 23,
  LE: 24,
  GT: 25,
  GE: 26,
  EQ: 27,
  SELECT: 28,
  BRANCHES: 29,
  LOG1P: 30,
  EXPM1: 31,
  SOFTPLUS: 32,
  LOGSIGMOID: 33,
  ATAN: 34,
  ASIN: 35,
  ACOS: 36,
  SINH: 37,
  COSH: 38,
  ASINH: 39,
  ACOSH: 40,
  ATANH: 41,
  ERF: 42,
  ERFC: 43,
  CBRT: 44,
  LOG2: 45,
  LOG10: 46,
  SIGN: 47,
  FLOOR: 48,
  CEIL: 49,
  ROUND: 50,
  TRUNC: 51,
  ATAN2: 52,
  HYPOT: 53,
  MOD: 54,
} as const;

/** An op code: one of the values of OP. */
export type OpCode = (typeof OP)[keyof typeof OP];

/**
 * The order in which the kernels test op codes, most frequent on real tapes first (an if-chain:
 * see assembly/index.ts). Ops not listed come after these, by code.
 */
export const HOT_OPS: readonly number[] = [
  OP.ADD, OP.MUL, OP.SUB, OP.SQUARE, OP.DIV, OP.NEG, OP.TANH, OP.EXP, OP.SIN, OP.COS, OP.LOG,
  OP.SQRT, OP.SIGMOID, OP.RELU, OP.ABS, OP.POWC, OP.POW, OP.TAN, OP.MIN, OP.MAX, OP.SELECT,
];

/**
 * Functions the rules call by name. The kernel generator (scripts/gen) inlines each one that is a
 * single expression; one that is not (a loop) must also exist, same name and meaning, in
 * assembly/rules.ts.
 */
export const RULE_HELPERS: Readonly<Record<string, (...args: number[]) => number>> = {
  powLog, flat, sigmoidDa, asinDa, acoshDa, atanhDa, erf, erfc,
};

/**
 * Every op's rule, indexed by op code. Each sweep multiplies a partial by a derivative with the
 * zero rule: exactly 0 when either factor is exactly 0, even beside ±∞ or NaN.
 */
export const OPS: readonly OpRule[] = [
  op(OP.INPUT, "input", "leaf", { math: "x", edge: "A differentiated input; the tape's first nodes." }),
  op(OP.DATA, "data", "leaf", { math: "d", edge: "A data input: set per call, never differentiated." }),
  op(OP.CONST, "const", "leaf", { math: "c", edge: "A constant from the pool; one node per distinct number." }),

  op(OP.ADD, "add", "binary", { text: "a + b", textDa: "1", textDb: "1",
    doc: "x + y; ∂/∂x = 1, ∂/∂y = 1.",
    math: "a + b; ∂a = 1, ∂b = 1", value: (a, b) => a + b, da: one, db: one,
  }),
  op(OP.SUB, "sub", "binary", { text: "a - b", textDa: "1", textDb: "-1",
    doc: "x − y; ∂/∂x = 1, ∂/∂y = −1.",
    math: "a − b; ∂a = 1, ∂b = −1", value: (a, b) => a - b, da: one, db: () => -1,
  }),
  op(OP.MUL, "mul", "binary", { text: "a * b", textDa: "b", textDb: "a",
    doc: "x·y; ∂/∂x = y, ∂/∂y = x.",
    math: "a·b; ∂a = b, ∂b = a", value: (a, b) => a * b, da: (_a, b) => b, db: (a) => a, dab: one,
  }),
  op(OP.DIV, "div", "binary", { text: "a / b", textDa: "1 / b", textDb: "-a / b^2", math: "a / b; ∂a = 1/b, ∂b = −a/b²",
    doc: "x / y; ∂/∂x = 1/y, ∂/∂y = −x/y²; y = 0 gives ±∞ or NaN (IEEE), and so do the partials.",
    value: (a, b) => a / b,
    da: (_a, b) => 1 / b,
    db: (_a, b, v) => -v / b,
    dab: (_a, b) => -1 / (b * b),
    dbb: (_a, b, v) => (2 * v) / (b * b),
    edge: "b = 0 gives ±∞ or NaN, as IEEE division does; so do the partials.",
  }),
  op(OP.POW, "pow", "binary", { text: "a^b", textDa: "b * a^(b - 1)", textDb: "log(a) * a^b", fn: false, method: false, math: "a^b; ∂a = b·a^(b−1), ∂b = ln(a)·a^b",
    doc:
      "x^y; ∂/∂x = y·x^(y−1), 0 when y = 0; ∂/∂y = ln(x)·x^y, 0 at x = 0 for y > 0, NaN for x " +
      "< 0. A number y is a constant exponent: no ∂/∂y, x < 0 fine for an integer y, NaN for " +
      "a fractional one.",
    value: (a, b) => Math.pow(a, b),
    da: powDa,
    db: (a, b, v) => powLog(a, b) * v,
    daa: powDaa,
    dab: (a, b) => Math.pow(a, b - 1) * (1 + b * powLog(a, b)),
    dbb: (a, b, v) => powLog(a, b) * powLog(a, b) * v,
    edge:
      "Variable exponent. ∂/∂b = ln(a)·a^b: 0 at a = 0 for b > 0 (the limit), NaN for a < 0 " +
      "(not real-differentiable in b). ∂/∂a = b·a^(b−1), 0 when b = 0. " +
      "pow with a constant exponent records powc instead.",
  }),
  op(OP.POWC, "powc", "binary", { text: "a^b", textDa: "b * a^(b - 1)", fn: false, method: false, math: "a^c; ∂a = c·a^(c−1)",
    value: (a, b) => Math.pow(a, b),
    da: powDa,
    daa: powDaa,
    edge:
      "Constant exponent b (recorded when the exponent is a number): ∂/∂a = b·a^(b−1), 0 when " +
      "b = 0; a negative base with an integer exponent is fine (pow(−2, 3)' = 12); a negative " +
      "base with a fractional exponent is NaN, value and derivative.",
  }),

  op(OP.NEG, "neg", "unary", { text: "-a", textDa: "-1", doc: "−x; ∂/∂x = −1.", math: "−a; ∂a = −1", value: (a) => -a, da: () => -1 }),
  op(OP.SIN, "sin", "unary", { textDa: "cos(a)", doc: "sin x; ∂/∂x = cos x.", math: "sin a; ∂a = cos a",
    value: (a) => Math.sin(a),
    da: (a) => Math.cos(a),
    daa: (_a, _b, v) => -v,
  }),
  op(OP.COS, "cos", "unary", { textDa: "-sin(a)", doc: "cos x; ∂/∂x = −sin x.", math: "cos a; ∂a = −sin a",
    value: (a) => Math.cos(a),
    da: (a) => -Math.sin(a),
    daa: (_a, _b, v) => -v,
  }),
  op(OP.TAN, "tan", "unary", { textDa: "1 + tan(a)^2", math: "tan a; ∂a = 1 + tan² a",
    doc: "tan x; ∂/∂x = 1 + tan² x, huge near the poles π/2 + kπ (never hit exactly in float64).",
    value: (a) => Math.tan(a),
    da: (_a, _b, v) => 1 + v * v,
    daa: (_a, _b, v) => 2 * v * (1 + v * v),
    edge: "Poles at π/2 + kπ are never hit exactly in float64; the value and 1 + tan² are huge near them.",
  }),
  op(OP.EXP, "exp", "unary", { textDa: "exp(a)", doc: "eˣ; ∂/∂x = eˣ; both overflow to +∞ above x ≈ 709.78.", math: "eᵃ; ∂a = eᵃ",
    value: (a) => Math.exp(a),
    da: (_a, _b, v) => v,
    daa: (_a, _b, v) => v,
    edge: "Overflows to +∞ above a ≈ 709.78, like its derivative.",
  }),
  op(OP.LOG, "log", "unary", { textDa: "1 / a", math: "ln a; ∂a = 1/a",
    doc: "ln x; ∂/∂x = 1/x; log(±0) = −∞ with ∂/∂x = +∞; NaN for x < 0, value and derivative.",
    value: (a) => Math.log(a),
    da: (a) => (a < 0 ? NaN : 1 / Math.abs(a)),
    daa: (a) => (a < 0 ? NaN : -1 / (a * a)),
    edge: "log(±0) = −∞ with derivative +∞ (at −0 too); for a < 0 value and derivative are NaN.",
  }),
  op(OP.SQRT, "sqrt", "unary", { textDa: "0.5 / sqrt(a)", math: "√a; ∂a = 1/(2√a)",
    doc: "√x; ∂/∂x = 1/(2√x), +∞ at x = ±0; NaN for x < 0, value and derivative.",
    value: (a) => Math.sqrt(a),
    da: (_a, _b, v) => 0.5 / Math.abs(v),
    daa: (_a, _b, v) => -0.25 / (Math.abs(v) * Math.abs(v) * Math.abs(v)),
    edge: "sqrt(±0) = ±0 with derivative +∞ (at −0 too); for a < 0 value and derivative are NaN.",
  }),
  op(OP.SQUARE, "square", "unary", { textDa: "2 * a",
    doc: "x²; ∂/∂x = 2x.",
    math: "a²; ∂a = 2a", value: (a) => a * a, da: (a) => 2 * a, daa: () => 2,
  }),
  op(OP.TANH, "tanh", "unary", { textDa: "1 - tanh(a)^2", math: "tanh a; ∂a = 1 − tanh² a",
    doc: "tanh x; ∂/∂x = 1 − tanh² x; saturates to ±1 beyond about ±19, where ∂/∂x = 0 (not NaN).",
    value: (a) => Math.tanh(a),
    da: (_a, _b, v) => 1 - v * v,
    daa: (_a, _b, v) => -2 * v * (1 - v * v),
    edge: "Saturates to ±1 for a beyond ±19; the derivative then underflows to 0, never NaN.",
  }),
  op(OP.SIGMOID, "sigmoid", "unary", { textDa: "sigmoid(a) * (1 - sigmoid(a))", math: "σ(a) = 1/(1 + e^−a); ∂a = σ(1 − σ)",
    doc:
      "σ(x) = 1/(1 + e^−x); ∂/∂x = σ(1 − σ); exactly 0 below x ≈ −709.78 and 1 above x ≈ 37, " +
      "with ∂/∂x = 0 there, never NaN.",
    value: (a) => 1 / (1 + Math.exp(-a)),
    da: (_a, _b, v) => v * (1 - v),
    daa: (_a, _b, v) => v * (1 - v) * (1 - 2 * v),
    edge: "1/(1 + e^−a): exactly 0 below a ≈ −745 and 1 above a ≈ 37, derivative 0 there, never NaN.",
  }),
  op(OP.RELU, "relu", "unary", { textDa: "gt(a, 0)", math: "max(a, 0); ∂a = 1 if a > 0 else 0",
    doc: "max(x, 0); ∂/∂x = 1 for x > 0, else 0 (relu'(0) = 0); relu(−0) = +0; NaN in, NaN out.",
    value: (a) => (a <= 0 ? 0 : a),
    da: (a) => (a > 0 ? 1 : a <= 0 ? 0 : NaN),
    edge: "relu'(0) = 0 (the subgradient PyTorch and JAX use); relu(−0) = +0. relu(NaN) = NaN with derivative NaN.",
  }),
  op(OP.ABS, "abs", "unary", { textDa: "gt(a, 0) - lt(a, 0)", math: "|a|; ∂a = sign a",
    doc: "|x|; ∂/∂x = sign x, 0 at x = 0; NaN in, NaN out.",
    value: (a) => Math.abs(a),
    da: (a) => (a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : NaN),
    edge: "abs'(0) = 0 (Stan's convention); abs(NaN) = NaN with derivative NaN.",
  }),
  op(OP.MIN, "min", "binary", { textDa: "le(a, b)", textDb: "gt(a, b)", fn: false, math: "min(a, b); ∂ = 1 to the smaller",
    doc:
      "min(x, y); ∂ = 1 to the smaller operand, 0 to the other; a tie goes to x; NaN in " +
      "either: value and partials NaN.",
    value: (a, b) => Math.min(a, b),
    da: (a, b) => (a <= b ? 1 : a > b ? 0 : NaN),
    db: (a, b) => (a <= b ? 0 : a > b ? 1 : NaN),
    edge: "Ties go to the first operand: at a = b, ∂/∂a = 1 and ∂/∂b = 0. NaN in either: value and both partials NaN.",
  }),
  op(OP.MAX, "max", "binary", { textDa: "ge(a, b)", textDb: "lt(a, b)", fn: false, math: "max(a, b); ∂ = 1 to the larger",
    doc:
      "max(x, y); ∂ = 1 to the larger operand, 0 to the other; a tie goes to x; NaN in " +
      "either: value and partials NaN.",
    value: (a, b) => Math.max(a, b),
    da: (a, b) => (a >= b ? 1 : a < b ? 0 : NaN),
    db: (a, b) => (a >= b ? 0 : a < b ? 1 : NaN),
    edge: "Ties go to the first operand: at a = b, ∂/∂a = 1 and ∂/∂b = 0. NaN in either: value and both partials NaN.",
  }),

  op(OP.LT, "lt", "compare", {
    doc: "x < y ? 1 : 0 (0 if either is NaN); derivative 0. A condition for select().",
    math: "a < b ? 1 : 0", value: (a, b) => (a < b ? 1 : 0), edge: "1 or 0; derivative 0 everywhere.",
  }),
  op(OP.LE, "le", "compare", {
    doc: "x ≤ y ? 1 : 0 (0 if either is NaN); derivative 0. A condition for select().",
    math: "a ≤ b ? 1 : 0", value: (a, b) => (a <= b ? 1 : 0), edge: "1 or 0; derivative 0 everywhere.",
  }),
  op(OP.GT, "gt", "compare", {
    doc: "x > y ? 1 : 0 (0 if either is NaN); derivative 0. A condition for select().",
    math: "a > b ? 1 : 0", value: (a, b) => (a > b ? 1 : 0), edge: "1 or 0; derivative 0 everywhere.",
  }),
  op(OP.GE, "ge", "compare", {
    doc: "x ≥ y ? 1 : 0 (0 if either is NaN); derivative 0. A condition for select().",
    math: "a ≥ b ? 1 : 0", value: (a, b) => (a >= b ? 1 : 0), edge: "1 or 0; derivative 0 everywhere.",
  }),
  op(OP.EQ, "eq", "compare", {
    doc: "x = y ? 1 : 0 (0 if either is NaN; −0 = +0); derivative 0. A condition for select().",
    math: "a = b ? 1 : 0", value: (a, b) => (a === b ? 1 : 0), edge: "1 or 0; derivative 0 everywhere.",
  }),

  op(OP.SELECT, "select", "control", { math: "c > 0 ? t : f",
    doc:
      "ifTrue where condition > 0, else ifFalse (NaN chooses ifFalse), chosen per call; only the " +
      "chosen branch receives derivative, condition none.",
    edge:
      "select(c, t, f) is t where c > 0, else f (so NaN chooses f). Operand a is c, operand b a " +
      "branches node holding t and f; only the chosen branch receives derivative.",
  }),
  op(OP.BRANCHES, "branches", "control", { math: "(t, f)",
    edge: "Holds the two branch operands of the select that follows it; has no value of its own.",
  }),

  // Functions added through the table (each: this entry, plus erf/erfc in assembly/special.ts).
  op(OP.LOG1P, "log1p", "unary", { textDa: "1 / (1 + a)", math: "ln(1 + a); ∂a = 1/(1 + a)",
    doc: "ln(1 + x), accurate for tiny x (log1p(1e-20) = 1e-20); ∂/∂x = 1/(1 + x); −∞ at x = −1 with ∂ = +∞; NaN below −1.",
    value: (a) => Math.log1p(a),
    da: (a) => (a < -1 ? NaN : 1 / (1 + a)),
    daa: (a) => (a < -1 ? NaN : -1 / ((1 + a) * (1 + a))),
    edge: "log1p(−1) = −∞ with derivative +∞; for a < −1 value and derivatives are NaN; log1p(−0) = −0.",
  }),
  op(OP.EXPM1, "expm1", "unary", { textDa: "exp(a)", math: "eᵃ − 1; ∂a = eᵃ",
    doc: "eˣ − 1, accurate for tiny x; ∂/∂x = eˣ; overflows to +∞ above x ≈ 709.78.",
    value: (a) => Math.expm1(a),
    // eᵃ, not v + 1: v + 1 cancels for a < 0 (relative error 1e-3 at a = −30, 0 instead of e⁻⁴⁰).
    da: (a) => Math.exp(a),
    daa: (a) => Math.exp(a),
    edge: "Overflows to +∞ above a ≈ 709.78, like its derivative; −1 below a ≈ −37, where the derivative eᵃ keeps its precision (expm1'(−40) = e⁻⁴⁰).",
  }),
  op(OP.SOFTPLUS, "softplus", "unary", { textDa: "sigmoid(a)", math: "ln(1 + eᵃ); ∂a = σ(a)",
    doc: "ln(1 + eˣ), stable at any x (softplus(800) = 800, softplus(−800) = 0); ∂/∂x = σ(x) = 1/(1 + e⁻ˣ).",
    value: (a) => (a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a))),
    da: (a) => 1 / (1 + Math.exp(-a)),
    daa: (a) => sigmoidDa(a),
    edge: "Written as a + log1p(e^−a) for a > 0 and log1p(eᵃ) otherwise: never overflows; the derivative is exactly 1 above a ≈ 37 and underflows to 0 below −745; ∂² = 1/(2 + eᵃ + e^−a) keeps its precision at large |a|.",
  }),
  op(OP.LOGSIGMOID, "logSigmoid", "unary", { textDa: "sigmoid(-a)", math: "ln σ(a) = −softplus(−a); ∂a = σ(−a)",
    doc: "ln σ(x) = −ln(1 + e⁻ˣ), stable at any x (logSigmoid(−800) = −800); ∂/∂x = σ(−x) = 1/(1 + eˣ).",
    value: (a) => (a < 0 ? a - Math.log1p(Math.exp(a)) : -Math.log1p(Math.exp(-a))),
    da: (a) => 1 / (1 + Math.exp(a)),
    daa: (a) => -sigmoidDa(a),
    edge: "The log-likelihood of a logistic model: a − log1p(eᵃ) for a < 0, −log1p(e^−a) otherwise, never overflows; derivative 1 below a ≈ −37, 0 above 709.78.",
  }),
  op(OP.ATAN, "atan", "unary", { textDa: "1 / (1 + a^2)", math: "atan a; ∂a = 1/(1 + a²)",
    doc: "arctan x in (−π/2, π/2); ∂/∂x = 1/(1 + x²).",
    value: (a) => Math.atan(a),
    da: (a) => 1 / (1 + a * a),
    daa: (a) => (-2 * a) / ((1 + a * a) * (1 + a * a)),
    edge: "±π/2 at ±∞ with derivative 0; for |a| above 1e154 the derivatives underflow to 0.",
  }),
  op(OP.ASIN, "asin", "unary", { textDa: "1 / sqrt(1 - a^2)", math: "asin a; ∂a = 1/√(1 − a²)",
    doc: "arcsin x in [−π/2, π/2]; ∂/∂x = 1/√(1 − x²), +∞ at x = ±1; NaN for |x| > 1.",
    value: (a) => Math.asin(a),
    da: (a) => asinDa(a),
    daa: (a) => a * asinDa(a) * asinDa(a) * asinDa(a),
    edge: "At a = ±1 the derivative is +∞ (and ∂² ±∞); for |a| > 1 value and derivatives are NaN.",
  }),
  op(OP.ACOS, "acos", "unary", { textDa: "-1 / sqrt(1 - a^2)", math: "acos a; ∂a = −1/√(1 − a²)",
    doc: "arccos x in [0, π]; ∂/∂x = −1/√(1 − x²), −∞ at x = ±1; NaN for |x| > 1.",
    value: (a) => Math.acos(a),
    da: (a) => -asinDa(a),
    daa: (a) => -a * asinDa(a) * asinDa(a) * asinDa(a),
    edge: "At a = ±1 the derivative is −∞; for |a| > 1 value and derivatives are NaN.",
  }),
  op(OP.SINH, "sinh", "unary", { textDa: "cosh(a)", math: "sinh a; ∂a = cosh a",
    doc: "sinh x; ∂/∂x = cosh x; both overflow to ±∞ beyond |x| ≈ 710.48.",
    value: (a) => Math.sinh(a),
    da: (a) => Math.cosh(a),
    daa: (_a, _b, v) => v,
    edge: "Overflows to ±∞ beyond |a| ≈ 710.48, like its derivative.",
  }),
  op(OP.COSH, "cosh", "unary", { textDa: "sinh(a)", math: "cosh a; ∂a = sinh a",
    doc: "cosh x; ∂/∂x = sinh x; both overflow beyond |x| ≈ 710.48.",
    value: (a) => Math.cosh(a),
    da: (a) => Math.sinh(a),
    daa: (_a, _b, v) => v,
    edge: "Overflows to +∞ beyond |a| ≈ 710.48; the derivative to ±∞.",
  }),
  op(OP.ASINH, "asinh", "unary", { textDa: "1 / sqrt(1 + a^2)", math: "asinh a; ∂a = 1/√(1 + a²)",
    doc: "arsinh x = ln(x + √(x² + 1)); ∂/∂x = 1/√(1 + x²) (computed with hypot, no overflow).",
    value: (a) => Math.asinh(a),
    da: (a) => 1 / Math.hypot(1, a),
    daa: (a) => -a / (Math.hypot(1, a) * Math.hypot(1, a) * Math.hypot(1, a)),
    edge: "Defined everywhere; the derivative is 1/hypot(1, a), so it does not overflow for large |a|.",
  }),
  op(OP.ACOSH, "acosh", "unary", { textDa: "1 / sqrt(a^2 - 1)", math: "acosh a; ∂a = 1/√(a² − 1)",
    doc: "arcosh x for x ≥ 1; ∂/∂x = 1/√(x² − 1), +∞ at x = 1; NaN below 1.",
    value: (a) => Math.acosh(a),
    da: (a) => acoshDa(a),
    daa: (a) => -a * acoshDa(a) * acoshDa(a) * acoshDa(a),
    edge: "acosh(1) = 0 with derivative +∞; for a < 1 value and derivatives are NaN.",
  }),
  op(OP.ATANH, "atanh", "unary", { textDa: "1 / (1 - a^2)", math: "atanh a; ∂a = 1/(1 − a²)",
    doc: "artanh x for |x| ≤ 1; ∂/∂x = 1/(1 − x²); ±∞ at x = ±1 with ∂ = +∞; NaN for |x| > 1.",
    value: (a) => Math.atanh(a),
    da: (a) => atanhDa(a),
    daa: (a) => 2 * a * atanhDa(a) * atanhDa(a),
    edge: "atanh(±1) = ±∞ with derivative +∞; for |a| > 1 value and derivatives are NaN.",
  }),
  op(OP.ERF, "erf", "unary", { textDa: "1.1283791670955126 * exp(-a^2)", math: "erf a; ∂a = (2/√π)·e^(−a²)",
    doc: "The error function (2/√π)∫₀ˣ e^(−t²) dt, to 1e-14 relative; ∂/∂x = (2/√π)·e^(−x²).",
    value: (a) => erf(a),
    da: (a) => 1.1283791670955126 * Math.exp(-a * a),
    daa: (a) => -2.256758334191025 * a * Math.exp(-a * a),
    edge: "±1 beyond |a| ≈ 5.9 with derivative underflowing to 0 beyond |a| ≈ 27; erf(−0) = −0. src/special.ts and assembly/special.ts compute it (series below 0.5, continued fraction above).",
  }),
  op(OP.ERFC, "erfc", "unary", { textDa: "-1.1283791670955126 * exp(-a^2)", math: "erfc a = 1 − erf a; ∂a = −(2/√π)·e^(−a²)",
    doc: "1 − erf(x), accurate where erf(x) is near 1 (erfc(10) = 2.09e-45); ∂/∂x = −(2/√π)·e^(−x²).",
    value: (a) => erfc(a),
    da: (a) => -1.1283791670955126 * Math.exp(-a * a),
    daa: (a) => 2.256758334191025 * a * Math.exp(-a * a),
    edge: "Underflows to 0 above a ≈ 27.3 and is 2 below a ≈ −5.9; relative error below 1e-14 elsewhere (at most 6 ulp measured).",
  }),
  op(OP.CBRT, "cbrt", "unary", { textDa: "1 / (3 * cbrt(a)^2)", math: "∛a; ∂a = 1/(3∛a²)",
    doc: "The real cube root (negative for x < 0); ∂/∂x = 1/(3·∛x²), +∞ at x = ±0.",
    value: (a) => Math.cbrt(a),
    da: (_a, _b, v) => 1 / (3 * v * v),
    daa: (_a, _b, v) => -2 / (9 * v * v * v * v * v),
    edge: "Defined for every a, cbrt(−8) = −2; at a = ±0 the derivative is +∞ and ∂² is ∓∞.",
  }),
  op(OP.LOG2, "log2", "unary", { textDa: "1 / (a * log(2))", math: "log₂ a; ∂a = 1/(a·ln 2)",
    doc: "log₂ x; ∂/∂x = 1/(x·ln 2); log2(±0) = −∞ with ∂ = +∞; NaN for x < 0.",
    value: (a) => Math.log2(a),
    da: (a) => (a < 0 ? NaN : 1 / (Math.abs(a) * Math.LN2)),
    daa: (a) => (a < 0 ? NaN : -1 / (a * a * Math.LN2)),
    edge: "As log: −∞ at ±0 with derivative +∞; NaN for a < 0. Exact at powers of two.",
  }),
  op(OP.LOG10, "log10", "unary", { textDa: "1 / (a * log(10))", math: "log₁₀ a; ∂a = 1/(a·ln 10)",
    doc: "log₁₀ x; ∂/∂x = 1/(x·ln 10); log10(±0) = −∞ with ∂ = +∞; NaN for x < 0.",
    value: (a) => Math.log10(a),
    da: (a) => (a < 0 ? NaN : 1 / (Math.abs(a) * Math.LN10)),
    daa: (a) => (a < 0 ? NaN : -1 / (a * a * Math.LN10)),
    edge: "As log: −∞ at ±0 with derivative +∞; NaN for a < 0.",
  }),
  op(OP.SIGN, "sign", "unary", { textDa: "0", math: "sign a; ∂a = 0",
    doc: "−1, 0 or 1 (sign(±0) = ±0); derivative 0 everywhere, the jump at 0 included; NaN in, NaN out.",
    value: (a) => Math.sign(a),
    da: (a) => flat(a),
    edge: "Derivative 0 everywhere (the jump at 0 is not a Dirac delta); sign(−0) = −0; NaN in, NaN out.",
  }),
  op(OP.FLOOR, "floor", "unary", { textDa: "0", math: "⌊a⌋; ∂a = 0",
    doc: "The largest integer ≤ x; derivative 0 everywhere, the jumps included; NaN in, NaN out.",
    value: (a) => Math.floor(a),
    da: (a) => flat(a),
    edge: "Derivative 0 everywhere, at the integers too; NaN in, NaN out.",
  }),
  op(OP.CEIL, "ceil", "unary", { textDa: "0", math: "⌈a⌉; ∂a = 0",
    doc: "The smallest integer ≥ x; derivative 0 everywhere, the jumps included; NaN in, NaN out.",
    value: (a) => Math.ceil(a),
    da: (a) => flat(a),
    edge: "Derivative 0 everywhere, at the integers too; ceil(−0.5) = −0; NaN in, NaN out.",
  }),
  op(OP.ROUND, "round", "unary", { textDa: "0", math: "round a; ∂a = 0",
    doc: "The nearest integer, ties toward +∞ as Math.round (round(−2.5) = −2); derivative 0; NaN in, NaN out.",
    value: (a) => Math.round(a),
    da: (a) => flat(a),
    edge: "Ties go toward +∞ (Math.round: 2.5 → 3, −2.5 → −2); derivative 0 everywhere; NaN in, NaN out.",
  }),
  op(OP.TRUNC, "trunc", "unary", { textDa: "0", math: "trunc a; ∂a = 0",
    doc: "x with its fraction dropped (toward 0); derivative 0 everywhere, the jumps included; NaN in, NaN out.",
    value: (a) => Math.trunc(a),
    da: (a) => flat(a),
    edge: "Derivative 0 everywhere; trunc(−0.5) = −0; NaN in, NaN out.",
  }),
  op(OP.ATAN2, "atan2", "binary", { textDa: "b / (a^2 + b^2)", textDb: "-a / (a^2 + b^2)", math: "atan2(a, b); ∂a = b/(a² + b²), ∂b = −a/(a² + b²)",
    params: ["y", "x"],
    method: false, // y.atan2(x) would read backwards
    doc: "The angle of the point (x, y), in (−π, π], as Math.atan2(y, x); ∂/∂y = x/(x² + y²), ∂/∂x = −y/(x² + y²); NaN partials at the origin.",
    value: (a, b) => Math.atan2(a, b),
    da: (a, b) => b / Math.hypot(a, b) / Math.hypot(a, b),
    db: (a, b) => -a / Math.hypot(a, b) / Math.hypot(a, b),
    daa: (a, b) => (-2 * (a / Math.hypot(a, b)) * (b / Math.hypot(a, b))) / (Math.hypot(a, b) * Math.hypot(a, b)),
    dab: (a, b) => ((a / Math.hypot(a, b) - b / Math.hypot(a, b)) * (a / Math.hypot(a, b) + b / Math.hypot(a, b))) / (Math.hypot(a, b) * Math.hypot(a, b)),
    dbb: (a, b) => (2 * (a / Math.hypot(a, b)) * (b / Math.hypot(a, b))) / (Math.hypot(a, b) * Math.hypot(a, b)),
    edge: "atan2(y, x): the first operand is y. The jump from π to −π on the negative x-axis has derivative as its sides (the partials are continuous there); at the origin the value is ±0 or ±π and the partials NaN (0/0). Partials use hypot, so they do not overflow; at an infinite operand they are NaN (∞/∞), although their limits are finite.",
  }),
  op(OP.HYPOT, "hypot", "binary", { textDa: "a / hypot(a, b)", textDb: "b / hypot(a, b)", math: "√(a² + b²); ∂a = a/h, ∂b = b/h",
    doc: "√(x² + y²) without overflow; ∂/∂x = x/h, ∂/∂y = y/h; 0 at the origin (the subgradient of least norm).",
    value: (a, b) => Math.hypot(a, b),
    da: (a, b, v) => (v === 0 ? 0 : a / v),
    db: (a, b, v) => (v === 0 ? 0 : b / v),
    daa: (a, b, v) => (v === 0 ? 0 : (b / v) * (b / v) / v),
    dab: (a, b, v) => (v === 0 ? 0 : -(a / v) * (b / v) / v),
    dbb: (a, b, v) => (v === 0 ? 0 : (a / v) * (a / v) / v),
    edge: "At the origin the partials (and second-order terms) are 0, as norm's; ∞ in either operand gives +∞ (even beside NaN, as Math.hypot), and the partial of an infinite operand is NaN (∞/∞), that of a finite one 0.",
  }),
  op(OP.MOD, "mod", "binary", { textDa: "1", textDb: "-round((a - mod(a, b)) / b)", math: "a − q·b, q = (a − v)/b an integer; ∂a = 1, ∂b = −q",
    doc: "x % y (the sign of x, as JavaScript's %); ∂/∂x = 1, ∂/∂y = −q with q the integer quotient (x − x % y)/y; NaN for y = 0.",
    value: (a, b) => a % b,
    da: (_a, _b, v) => (v === v ? 1 : NaN),
    db: (a, b, v) => (v === v ? -Math.round((a - v) / b) : NaN),
    edge: "The derivative of the continuous piece around the point: ∂a = 1, ∂b = −q (q = (a − v)/b, an integer); at the jumps, where a is a multiple of b, the piece whose value v = ±0 continues: the one on the side away from 0 (for a = 6, b = 3 the right, ∂b = −2; for a = −6 the left, ∂b = 2). y = 0 or an infinite x: value and partials NaN.",
  }),
];

/** The rule for a code, by lookup; throws on a code that is not in the table. */
export function opRule(code: number): OpRule {
  const rule = OPS[code];
  if (rule === undefined || rule.code !== code) throw new Error(`tapegrad: unknown op code ${code}`);
  return rule;
}
