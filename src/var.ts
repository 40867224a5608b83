/**
 * Var: a scalar variable being traced. It is only a handle — (trace, node index) — so a function
 * of 10⁵ variables allocates 10⁵ small objects while recording and nothing at all when replayed.
 */
import { OP, opRule } from "./ops.js";
import { activeTrace, currentTrace, type Trace } from "./trace.js";
import { VarMethods } from "./generated/methods.js";

/** What operations accept: a traced variable or a plain number (lifted to a constant). */
export type Operand = Var | number;

/**
 * A traced scalar variable: what compile() passes the function, combined with its methods or
 * the math functions. NaN in, NaN out (comparisons give 0); a partial times a derivative is
 * exactly 0 when either is exactly 0, even beside ±∞ or NaN, so relu, abs, min and max (partials 0
 * or ±1) pass a derivative to the chosen operand and exactly 0 to the other; select passes it to
 * the chosen branch. The op methods (x.sin(), x.add(y), …) come from the op table (VarMethods).
 */
export class Var extends VarMethods {
  /** @internal */
  constructor(
    /** @internal */ readonly trace: Trace,
    /** @internal */ readonly node: number,
  ) {
    super();
  }

  /**
   * x.pow(y): x^y; ∂/∂x = y·x^(y−1), 0 when y = 0; ∂/∂y = ln(x)·x^y, 0 at x = 0 for y > 0, NaN for
   * x < 0. A number y is a constant exponent: no ∂/∂y, x < 0 fine for an integer y, NaN for a
   * fractional one.
   */
  pow(y: Operand): Var {
    return power(this, y);
  }

  /**
   * Always throws: a traced variable has no number while recording (`x > 0` or `x + 1` would bake
   * one branch or a string into the tape); use x.add(y), select(x.gt(0), a, b).
   */
  [Symbol.toPrimitive](): never {
    throw new Error(
      "tapegrad: a traced variable has no numeric value while recording; use x.add(y) instead " +
        "of x + y, and select(x.gt(0), a, b) instead of a JS if or ?: on a variable",
    );
  }
}

/** The node of an operand in trace t: a Var of t, or a number lifted to a constant. */
export function nodeOf(t: Trace, x: Operand): number {
  if (x instanceof Var) {
    if (x.trace !== t) {
      throw new Error(
        "tapegrad: a variable from another trace was used (each compile() records its own " +
          "variables; pass values in as inputs instead)",
      );
    }
    return x.node;
  }
  if (typeof x !== "number") {
    throw new TypeError(`tapegrad: expected a variable or a number, got ${describe(x)}`);
  }
  return t.constant(x);
}

export function unary(op: number, x: Operand): Var {
  const t = currentTrace() ?? outside(opName(op), [x]);
  return new Var(t, t.push(op, nodeOf(t, x), 0));
}

export function binary(op: number, x: Operand, y: Operand): Var {
  const t = currentTrace() ?? outside(opName(op), [x, y]);
  return new Var(t, t.push(op, nodeOf(t, x), nodeOf(t, y)));
}

/** x^y: a number exponent records powc, whose exponent is not differentiated (see ops.ts). */
export function power(x: Operand, y: Operand): Var {
  return binary(typeof y === "number" ? OP.POWC : OP.POW, x, y);
}

/** A variable holding the number x (a constant node, derivative 0), for code that wants a Var in hand. */
export function constant(x: number): Var {
  const t = currentTrace() ?? outside("constant", [x]);
  return new Var(t, nodeOf(t, x));
}

/**
 * ifTrue where condition > 0, else ifFalse (NaN chooses ifFalse), chosen per call; only the
 * chosen branch receives derivative, condition none.
 */
export function select(condition: Operand, ifTrue: Operand, ifFalse: Operand): Var {
  const t = currentTrace() ?? outside("select", [condition, ifTrue, ifFalse]);
  const c = nodeOf(t, condition);
  const branches = t.push(OP.BRANCHES, nodeOf(t, ifTrue), nodeOf(t, ifFalse));
  return new Var(t, t.push(OP.SELECT, c, branches));
}

/** The user-facing name of an op: sin, add, … (powc is what pow(x, number) records). */
function opName(op: number): string {
  return op === OP.POWC ? "pow" : opRule(op).name;
}

/**
 * An operation called outside compile(). With a variable among the operands, it was kept past
 * its compile() (activeTrace() says so); with numbers only, the user wanted plain arithmetic.
 */
function outside(name: string, operands: readonly unknown[]): never {
  if (operands.some((x) => x instanceof Var)) activeTrace();
  const instead = ["sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "abs", "min", "max", "pow"].includes(name)
    ? `Math.${name}(…)`
    : "Math functions and JS operators";
  throw new Error(
    `tapegrad: ${name}() was called with numbers only, outside compile(): tapegrad's math functions record ` +
      "operations on variables and only work inside the function given to compile(). " +
      `For plain numbers use ${instead}`,
  );
}

export function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  return typeof x === "object" ? `an object (${Object.prototype.toString.call(x)})` : `${typeof x} ${String(x)}`;
}
