/**
 * The op table's rules as expressions: each rule in src/ops.ts is a plain arrow function
 * `(a, b, v) => …` that the TypeScript engine calls. The kernel generator reads the same function's
 * source text (Function.prototype.toString), parses its body with the TypeScript parser into the
 * small expression tree below, and prints it as AssemblyScript — scalar f64, or f64x2 SIMD for the
 * batch kernels. So each rule is written once, type-checked, and runs on both engines.
 *
 * The expression language is what the rules use: numbers, the operands a, b and the value v,
 * + − * /, comparisons, && || !, ?:, Math.* calls and constants, and calls to helper functions
 * that exist under the same name in src/ops.ts and assembly/rules.ts. Anything else is an error at
 * generation time, naming the op.
 */
import ts from "typescript";
import { simdable as jitSimdable } from "../../src/jit/two-lane.js";

export type Operand = "a" | "b" | "v";

export type Expr =
  | { kind: "num"; value: number }
  | { kind: "operand"; name: Operand }
  | { kind: "const"; name: string } // NaN, Infinity, Math.PI, …
  | { kind: "unary"; op: "-" | "!"; arg: Expr }
  | { kind: "binary"; op: string; left: Expr; right: Expr }
  | { kind: "cond"; test: Expr; then: Expr; else: Expr }
  | { kind: "call"; fn: string; args: Expr[] }; // "Math.sin" or a helper's name

const BINARY_OPS: Record<number, string> = {
  [ts.SyntaxKind.PlusToken]: "+",
  [ts.SyntaxKind.MinusToken]: "-",
  [ts.SyntaxKind.AsteriskToken]: "*",
  [ts.SyntaxKind.SlashToken]: "/",
  [ts.SyntaxKind.PercentToken]: "%",
  [ts.SyntaxKind.LessThanToken]: "<",
  [ts.SyntaxKind.LessThanEqualsToken]: "<=",
  [ts.SyntaxKind.GreaterThanToken]: ">",
  [ts.SyntaxKind.GreaterThanEqualsToken]: ">=",
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: "==",
  [ts.SyntaxKind.EqualsEqualsToken]: "==",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "!=",
  [ts.SyntaxKind.ExclamationEqualsToken]: "!=",
  [ts.SyntaxKind.AmpersandAmpersandToken]: "&&",
  [ts.SyntaxKind.BarBarToken]: "||",
};

/** The expression a rule function returns, with its parameters renamed to a, b, v by position. */
export function parseRule(fn: (...args: number[]) => number, where: string): Expr {
  const source = `(${fn.toString()})`;
  const file = ts.createSourceFile("rule.ts", source, ts.ScriptTarget.ES2022, true);
  const statement = file.statements[0];
  let node: ts.Node | undefined =
    statement !== undefined && ts.isExpressionStatement(statement) ? statement.expression : undefined;
  while (node !== undefined && ts.isParenthesizedExpression(node)) node = node.expression;
  if (node === undefined || !(ts.isArrowFunction(node) || ts.isFunctionExpression(node))) {
    throw new Error(`${where}: a rule must be an arrow function, got ${fn.toString()}`);
  }
  const names = new Map<string, Operand>();
  node.parameters.forEach((p, i) => {
    if (ts.isIdentifier(p.name)) names.set(p.name.text, (["a", "b", "v"] as const)[i]!);
  });
  let body: ts.Node = node.body;
  if (ts.isBlock(body)) {
    const only = body.statements[0];
    if (body.statements.length !== 1 || only === undefined || !ts.isReturnStatement(only) || only.expression === undefined) {
      throw new Error(`${where}: a rule's body must be one expression (or one return), got ${fn.toString()}`);
    }
    body = only.expression;
  }
  return toExpr(body as ts.Expression, names, where);
}

function toExpr(node: ts.Expression, names: Map<string, Operand>, where: string): Expr {
  const fail = (): never => {
    throw new Error(`${where}: the kernel generator cannot translate \`${node.getText()}\``);
  };
  if (ts.isParenthesizedExpression(node)) return toExpr(node.expression, names, where);
  if (ts.isNumericLiteral(node)) return { kind: "num", value: Number(node.text) };
  if (ts.isIdentifier(node)) {
    const operand = names.get(node.text);
    if (operand !== undefined) return { kind: "operand", name: operand };
    if (node.text === "NaN" || node.text === "Infinity") return { kind: "const", name: node.text };
    return fail();
  }
  if (ts.isPropertyAccessExpression(node) && node.expression.getText() === "Math") {
    return { kind: "const", name: `Math.${node.name.text}` };
  }
  if (ts.isPrefixUnaryExpression(node)) {
    const arg = toExpr(node.operand, names, where);
    if (node.operator === ts.SyntaxKind.MinusToken) {
      return arg.kind === "num" ? { kind: "num", value: -arg.value } : { kind: "unary", op: "-", arg };
    }
    if (node.operator === ts.SyntaxKind.PlusToken) return arg;
    if (node.operator === ts.SyntaxKind.ExclamationToken) return { kind: "unary", op: "!", arg };
    return fail();
  }
  if (ts.isBinaryExpression(node)) {
    const op = BINARY_OPS[node.operatorToken.kind];
    if (op === undefined) return fail();
    return { kind: "binary", op, left: toExpr(node.left, names, where), right: toExpr(node.right, names, where) };
  }
  if (ts.isConditionalExpression(node)) {
    return {
      kind: "cond",
      test: toExpr(node.condition, names, where),
      then: toExpr(node.whenTrue, names, where),
      else: toExpr(node.whenFalse, names, where),
    };
  }
  if (ts.isCallExpression(node)) {
    const callee = node.expression.getText();
    if (!/^(Math\.)?[A-Za-z_]\w*$/.test(callee)) return fail();
    return { kind: "call", fn: callee, args: node.arguments.map((arg) => toExpr(arg, names, where)) };
  }
  return fail();
}

/** True when the expression reads the operand. */
export function reads(e: Expr, name: Operand): boolean {
  switch (e.kind) {
    case "operand": return e.name === name;
    case "unary": return reads(e.arg, name);
    case "binary": return reads(e.left, name) || reads(e.right, name);
    case "cond": return reads(e.test, name) || reads(e.then, name) || reads(e.else, name);
    case "call": return e.args.some((arg) => reads(arg, name));
    default: return false;
  }
}

/**
 * True for plain arithmetic of operands and numbers (+ − * /, negation): the ops whose batch
 * loops are bound by memory traffic, where splatting a parameter instead of loading its lanes
 * pays (batch kernels); anything else is left to one loop, to keep the module small.
 */
export function arithmetic(e: Expr): boolean {
  switch (e.kind) {
    case "num": case "operand": return true;
    case "unary": return e.op === "-" && arithmetic(e.arg);
    case "binary": return ["+", "-", "*", "/"].includes(e.op) && arithmetic(e.left) && arithmetic(e.right);
    default: return false;
  }
}

/** The number an expression always is (a literal), or undefined. */
export function literal(e: Expr): number | undefined {
  return e.kind === "num" ? e.value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Scalar AssemblyScript.

/** How Math.* calls are spelled in the kernels: sin, cos and tan go through assembly/trig.ts. */
const SCALAR_CALLS: Record<string, string> = {
  "Math.sin": "T.sin",
  "Math.cos": "T.cos",
  "Math.tan": "T.tan",
};

const number = (value: number): string => {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  const text = String(value);
  // An f64 literal (AssemblyScript infers i32 for an integer literal in some contexts).
  return /[.e]/.test(text) ? text : `${text}.0`;
};

/**
 * The expression as AssemblyScript f64 code; `vars` spells each operand (e.g. a → "x").
 * Comparisons and logic give bool; everywhere else the type is f64.
 */
export function scalar(e: Expr, vars: Record<Operand, string>): string {
  const go = (x: Expr): string => scalar(x, vars);
  switch (e.kind) {
    case "num": return number(e.value);
    case "operand": return vars[e.name];
    case "const": return e.name;
    case "unary": return `${e.op}(${go(e.arg)})`;
    case "binary": return `(${go(e.left)} ${e.op} ${go(e.right)})`;
    case "cond": return `(${go(e.test)} ? ${go(e.then)} : ${go(e.else)})`;
    case "call": {
      // Helpers that are not one expression live in assembly/rules.ts, imported as R.
      const fn = e.fn.startsWith("Math.") ? (SCALAR_CALLS[e.fn] ?? e.fn) : e.fn.includes(".") ? e.fn : `R.${e.fn}`;
      return `${fn}(${e.args.map(go).join(", ")})`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// f64x2 SIMD, for the batch kernels.

/** Math functions with a two-lane version of the same semantics (simd_math.ts or wasm itself). */
const SIMD_CALLS: Record<string, string> = {
  "Math.sqrt": "f64x2.sqrt",
  "Math.abs": "f64x2.abs",
  "Math.min": "f64x2.min", // NaN if either is NaN, −0 below +0: Math.min's semantics
  "Math.max": "f64x2.max",
  "Math.floor": "f64x2.floor",
  "Math.ceil": "f64x2.ceil",
  "Math.trunc": "f64x2.trunc",
  "Math.exp": "exp2",
  "Math.tanh": "tanh2",
};

const SIMD_BINARY: Record<string, string> = {
  "+": "f64x2.add", "-": "f64x2.sub", "*": "f64x2.mul", "/": "f64x2.div",
  "<": "f64x2.lt", "<=": "f64x2.le", ">": "f64x2.gt", ">=": "f64x2.ge", "==": "f64x2.eq", "!=": "f64x2.ne",
  "&&": "v128.and", "||": "v128.or",
};

/**
 * True when every part of the expression has a two-lane form: the JIT's own test (src/jit/two-lane.ts),
 * so that kernels and compiled batch sweeps take the same ops lane-wise and agree to the bit. The
 * two tables (SIMD_CALLS, SIMD_BINARY here; the opcode tables there) must name the same functions:
 * the check below fails the build where they do not.
 */
export function simdable(e: Expr): boolean {
  return jitSimdable(e);
}
for (const fn of Object.keys(SIMD_CALLS)) {
  if (!jitSimdable({ kind: "call", fn, args: [{ kind: "operand", name: "a" }] })) throw new Error(`scripts/gen/expr.ts: ${fn} has a two-lane form here but not in src/jit/two-lane.ts`);
}

/**
 * Splat constants of the SIMD code, hoisted: V8 rebuilds a v128 constant from immediates on every
 * use inside a loop (several instructions each), so each sweep declares them once as locals.
 */
export class SimdConstants {
  private readonly names = new Map<string, string>();

  /** The local holding f64x2.splat(text). */
  name(text: string): string {
    let name = this.names.get(text);
    if (name === undefined) {
      name = `k${this.names.size}`;
      this.names.set(text, name);
    }
    return name;
  }

  /** Their declarations, for the top of the sweep. */
  declarations(indent = "  "): string {
    return [...this.names].map(([text, name]) => `${indent}const ${name} = f64x2.splat(${text});`).join("\n");
  }
}

/**
 * The expression as f64x2 code (both branches of ?: are computed and selected lane-wise — the
 * rules are pure, so that is the same function). `vars` spells each operand as a v128.
 */
export function simd(e: Expr, vars: Record<Operand, string>, k: SimdConstants): string {
  const go = (x: Expr): string => simd(x, vars, k);
  switch (e.kind) {
    case "num": return k.name(number(e.value));
    case "operand": return vars[e.name];
    case "const": return k.name(e.name);
    case "unary": return e.op === "-" ? `f64x2.neg(${go(e.arg)})` : `v128.not(${go(e.arg)})`;
    case "binary": return `${SIMD_BINARY[e.op]!}(${go(e.left)}, ${go(e.right)})`;
    case "cond": return `v128.bitselect(${go(e.then)}, ${go(e.else)}, ${go(e.test)})`;
    case "call": {
      const fn = SIMD_CALLS[e.fn];
      if (fn === undefined) throw new Error(`no two-lane form of ${e.fn}`);
      return `${fn}(${e.args.map(go).join(", ")})`;
    }
  }
}
