/**
 * An op rule's expression (src/generated/jit-rules.ts) as wasm instructions: scalar f64, with the
 * operands a, b and the node's own value v read by the caller's `Operands`. Every Math function that
 * is not one wasm instruction is a call of the kernels' own export (assembly/generated/jit_math.ts),
 * so values and partials are those of the interpreter, bit for bit.
 */
import { JIT_RULES } from "../generated/jit-rules.js";
import type { JitExpr, JitOperand } from "./expr.js";
import { ByteWriter, F64, Op } from "./wasm-writer.js";

// Local copies: an imported binding read in a hot loop is a getter call under tsx and vitest.
const O = { ...Op };
const RULES = JIT_RULES;

/** Math functions that are single f64 instructions, as AssemblyScript compiles them too. */
const NATIVE_UNARY: Readonly<Record<string, number>> = {
  "Math.sqrt": O.f64Sqrt, "Math.abs": O.f64Abs, "Math.floor": O.f64Floor, "Math.ceil": O.f64Ceil, "Math.trunc": O.f64Trunc,
};
const NATIVE_BINARY: Readonly<Record<string, number>> = { "Math.min": O.f64Min, "Math.max": O.f64Max };

const BINARY: Readonly<Record<string, number>> = {
  "+": O.f64Add, "-": O.f64Sub, "*": O.f64Mul, "/": O.f64Div,
  "<": O.f64Lt, "<=": O.f64Le, ">": O.f64Gt, ">=": O.f64Ge, "==": O.f64Eq, "!=": O.f64Ne,
  "&&": O.i32And, "||": O.i32Or,
};

/** The export of the kernels' module that computes `fn` (scripts/gen/sweeps/jit.ts jitMathName). */
export const mathExport = (fn: string): string => `jit_${fn === "%" ? "mod" : fn.replace(/^Math\./, "")}`;

/** How the caller reads an operand: emits the code that pushes its f64 value. */
export interface Operands {
  push(w: ByteWriter, name: JitOperand): void;
}

/** The imported math functions a module calls, by export name: their function indices (imports come first). */
export class MathImports {
  readonly names: string[] = [];
  readonly arity: number[] = [];
  private readonly index = new Map<string, number>();

  /** Every function the rules of these op codes call. */
  static forOps(codes: Iterable<number>): MathImports {
    const imports = new MathImports();
    for (const code of codes) {
      const rule = RULES[code];
      if (rule === null || rule === undefined) continue;
      imports.collect(rule.value);
      if (rule.da !== null) imports.collect(rule.da);
      if (rule.db !== null) imports.collect(rule.db);
    }
    return imports;
  }

  private collect(e: JitExpr): void {
    switch (e.kind) {
      case "call":
        if (NATIVE_UNARY[e.fn] === undefined && NATIVE_BINARY[e.fn] === undefined) this.add(mathExport(e.fn), e.args.length);
        for (const arg of e.args) this.collect(arg);
        return;
      case "unary": this.collect(e.arg); return;
      case "binary":
        if (e.op === "%") this.add(mathExport("%"), 2);
        this.collect(e.left);
        this.collect(e.right);
        return;
      case "cond": this.collect(e.test); this.collect(e.then); this.collect(e.else); return;
      default:
    }
  }

  private add(name: string, arity: number): void {
    if (this.index.has(name)) return;
    this.index.set(name, this.names.length);
    this.names.push(name);
    this.arity.push(arity);
  }

  indexOf(fn: string): number {
    const i = this.index.get(mathExport(fn));
    if (i === undefined) throw new Error(`tapegrad: internal error: the JIT did not import ${fn}`);
    return i;
  }
}

/** True when evaluating the expression calls a function: then ?: is an if, not a select of both arms. */
function costly(e: JitExpr): boolean {
  switch (e.kind) {
    case "call": return (NATIVE_UNARY[e.fn] === undefined && NATIVE_BINARY[e.fn] === undefined) || e.args.some(costly);
    case "unary": return costly(e.arg);
    case "binary": return e.op === "%" || costly(e.left) || costly(e.right);
    case "cond": return costly(e.test) || costly(e.then) || costly(e.else);
    default: return false;
  }
}

/** Pushes the expression's value: f64, or i32 for comparisons and logic (used only as tests). */
export function emitExpr(w: ByteWriter, e: JitExpr, operands: Operands, math: MathImports): void {
  switch (e.kind) {
    case "num": w.f64Const(e.value); return;
    case "operand": operands.push(w, e.name); return;
    case "const": w.f64Const(constantValue(e.name)); return;
    case "unary":
      emitExpr(w, e.arg, operands, math);
      w.op(e.op === "-" ? O.f64Neg : O.i32Eqz);
      return;
    case "binary": {
      emitExpr(w, e.left, operands, math);
      emitExpr(w, e.right, operands, math);
      if (e.op === "%") w.call(math.indexOf("%"));
      else {
        const code = BINARY[e.op];
        if (code === undefined) throw new Error(`tapegrad: internal error: the JIT has no instruction for ${e.op}`);
        w.op(code);
      }
      return;
    }
    case "cond":
      if (costly(e.then) || costly(e.else)) {
        emitExpr(w, e.test, operands, math);
        w.op(O.if);
        w.byte(F64);
        emitExpr(w, e.then, operands, math);
        w.op(O.else);
        emitExpr(w, e.else, operands, math);
        w.op(O.end);
      } else {
        emitExpr(w, e.then, operands, math);
        emitExpr(w, e.else, operands, math);
        emitExpr(w, e.test, operands, math);
        w.op(O.select);
      }
      return;
    case "call": {
      for (const arg of e.args) emitExpr(w, arg, operands, math);
      const native = NATIVE_UNARY[e.fn] ?? NATIVE_BINARY[e.fn];
      if (native !== undefined) w.op(native);
      else w.call(math.indexOf(e.fn));
      return;
    }
  }
}

function constantValue(name: string): number {
  if (name === "NaN") return NaN;
  if (name === "Infinity") return Infinity;
  const value = (Math as unknown as Record<string, unknown>)[name.replace(/^Math\./, "")];
  if (typeof value !== "number") throw new Error(`tapegrad: internal error: unknown constant ${name} in an op rule`);
  return value;
}
