/**
 * Var: a scalar variable being traced. It is only a handle — (trace, node index) — so a function
 * of 10⁵ variables allocates 10⁵ small objects while recording and nothing at all when replayed.
 */
import { OP, opRule } from "./ops.js";
import { activeTrace, currentTrace, type Trace } from "./trace.js";

/** What operations accept: a traced variable or a plain number (lifted to a constant). */
export type Operand = Var | number;

export class Var {
  /** @internal */
  constructor(
    /** @internal */ readonly trace: Trace,
    /** @internal */ readonly node: number,
  ) {}

  add(y: Operand): Var {
    return binary(OP.ADD, this, y);
  }
  sub(y: Operand): Var {
    return binary(OP.SUB, this, y);
  }
  mul(y: Operand): Var {
    return binary(OP.MUL, this, y);
  }
  div(y: Operand): Var {
    return binary(OP.DIV, this, y);
  }
  pow(y: Operand): Var {
    return power(this, y);
  }
  neg(): Var {
    return unary(OP.NEG, this);
  }
  lt(y: Operand): Var {
    return binary(OP.LT, this, y);
  }
  le(y: Operand): Var {
    return binary(OP.LE, this, y);
  }
  gt(y: Operand): Var {
    return binary(OP.GT, this, y);
  }
  ge(y: Operand): Var {
    return binary(OP.GE, this, y);
  }
  eq(y: Operand): Var {
    return binary(OP.EQ, this, y);
  }

  /**
   * A traced variable has no number while tracing: `x > 0` or `x + 1` would silently bake one
   * branch or a string into the tape. Refuse, and point at the recorded alternatives.
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

/** A variable holding the number x (a constant node), for code that wants a Var in hand. */
export function constant(x: number): Var {
  const t = currentTrace() ?? outside("constant", [x]);
  return new Var(t, nodeOf(t, x));
}

/** select(c, t, f): t where c > 0, else f — recorded, so it replays the right branch per call. */
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
