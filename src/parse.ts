/**
 * parse(): a function given as text — "(x + y) * sin(x)" — compiled like compile() would.
 *
 * Grammar (loosest first): sum  = product (("+" | "-") product)*
 *                          product = unary (("*" | "/") unary)*
 *                          unary = ("-" | "+") unary | power
 *                          power = primary (("^" | "**") unary)?      right-associative
 *                          primary = number | name | name "(" args ")" | "(" sum ")"
 * so -x^2 = -(x^2), 2^3^2 = 2^9 and 2^-x works, as in mathematics. Functions are the op table's
 * (ops.ts: sin, log, max, lt, …, pow) plus select(c, t, f) and clamp(x, lo, hi); constants pi and e; every other name
 * is an input, in order of first appearance unless the caller names them.
 *
 * Hand-written (about 200 lines) rather than a library: the candidate, jsep, parses JavaScript
 * expressions, where unary minus binds tighter than any binary operator (jsep issues #40, #54,
 * open since 2016: -x^2 would be (-x)^2) and its syntax tree carries no positions, which every
 * error about a name or an argument count needs. Generators (peggy, chevrotain, ohm) are far
 * bigger than this grammar.
 */
import { compile } from "./compile.js";
import type { Compiled } from "./compiled.js";
import type { EngineName } from "./engine/engine.js";
import { clamp } from "./compose.js";
import { OP, OPS } from "./ops.js";
import { checkOptionKeys } from "./validate.js";
import { binary, power, select, unary, type Operand, type Var } from "./var.js";

/** Options of parse(text, options). */
export interface ParseOptions {
  /** The input names, in order; by default the free names in order of first appearance. */
  names?: readonly string[];
  /** Engine that replays the tape: "wasm" (default) or "js". */
  engine?: EngineName;
}

/** A syntax error, or a name or call parse() cannot use, located in the text. */
export class ParseError extends Error {
  /** A ParseError for `problem` at `index` in `text`; its message shows the text with a caret. */
  constructor(
    /** What is wrong, without the location. */
    readonly problem: string,
    /** The whole text given to parse(). */
    readonly text: string,
    /** 0-based index into text. */
    readonly index: number,
  ) {
    super(`tapegrad: parse error at column ${index + 1}: ${problem}\n  ${text}\n  ${" ".repeat(index)}^`);
    this.name = "ParseError";
  }
  /** 1-based column, as in the message. */
  get column(): number {
    return this.index + 1;
  }
}

type Node =
  | { kind: "number"; value: number; at: number }
  | { kind: "name"; name: string; at: number }
  | { kind: "neg"; arg: Node; at: number }
  | { kind: "binary"; op: "+" | "-" | "*" | "/" | "^"; left: Node; right: Node; at: number }
  | { kind: "call"; name: string; args: Node[]; at: number };

type Fn = (...args: Operand[]) => Var;

/** The functions text may call: every unary, binary and comparison op of the table, select and clamp. */
const FUNCTIONS = new Map<string, { arity: number; apply: Fn }>();
for (const rule of OPS) {
  if (rule.kind === "unary") FUNCTIONS.set(rule.name, { arity: 1, apply: (x) => unary(rule.code, x!) });
  else if (rule.code === OP.POW) FUNCTIONS.set("pow", { arity: 2, apply: (x, y) => power(x!, y!) });
  else if ((rule.kind === "binary" || rule.kind === "compare") && rule.code !== OP.POWC) {
    FUNCTIONS.set(rule.name, { arity: 2, apply: (x, y) => binary(rule.code, x!, y!) });
  }
}
FUNCTIONS.set("select", { arity: 3, apply: (c, t, f) => select(c!, t!, f!) });
FUNCTIONS.set("clamp", { arity: 3, apply: (x, lo, hi) => clamp(x!, lo!, hi!) });

const CONSTANTS = new Map<string, number>([["pi", Math.PI], ["e", Math.E]]);

/** The names parse() knows as functions, for messages and docs. */
export const PARSE_FUNCTIONS: readonly string[] = [...FUNCTIONS.keys()];

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;

/** Compiles the expression in `text`; its inputs are its free names (see ParseOptions.names). */
export function parse(text: string, options: ParseOptions = {}): Compiled {
  checkOptionKeys(options, ["names", "engine"], "parse(text, options)");
  if (typeof text !== "string") throw new TypeError(`tapegrad: parse() needs a string, got ${typeof text}`);
  const tree = new Parser(text).parseAll();
  const names = options.names === undefined ? freeNames(tree) : checkNames(options.names);
  checkTree(tree, text, new Set(names));
  return compile((xs: Var[]) => build(tree, new Map(names.map((name, i) => [name, xs[i]!]))), {
    inputs: names.length,
    names,
    engine: options.engine,
  });
}

/**
 * How deeply parentheses, calls, signs and exponents may nest. Each level is a few frames of the
 * recursive descent; without a limit a few thousand "(" overflow the call stack (a RangeError,
 * not a ParseError). Long flat sums and products are loops and have no limit.
 */
export const MAX_NESTING = 1000;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  parseAll(): Node {
    this.skip();
    if (this.i === this.text.length) throw this.error("the expression is empty", 0);
    const tree = this.sum();
    this.skip();
    if (this.i < this.text.length) {
      const c = this.text[this.i]!;
      if (/[\w.(]/.test(c)) throw this.error(`expected an operator (+ - * / ^) before ${this.what()}`);
      throw this.error(`unexpected ${this.what()}`);
    }
    return tree;
  }

  private sum(): Node {
    let left = this.product();
    for (let op = this.peekOp(["+", "-"]); op !== null; op = this.peekOp(["+", "-"])) {
      const at = this.i;
      this.i += 1;
      left = { kind: "binary", op: op as "+" | "-", left, right: this.product(), at };
    }
    return left;
  }

  private product(): Node {
    let left = this.unary();
    for (let op = this.peekOp(["*", "/"]); op !== null; op = this.peekOp(["*", "/"])) {
      const at = this.i;
      this.i += 1;
      left = { kind: "binary", op: op as "*" | "/", left, right: this.unary(), at };
    }
    return left;
  }

  // Every level of nesting passes through here, so this is where depth is counted.
  private unary(): Node {
    if (this.depth >= MAX_NESTING) throw this.error(`the expression nests more than ${MAX_NESTING} levels deep`);
    this.depth += 1;
    try {
      const op = this.peekOp(["-", "+"]);
      if (op === null) return this.power();
      const at = this.i;
      this.i += 1;
      const arg = this.unary();
      return op === "-" ? { kind: "neg", arg, at } : arg;
    } finally {
      this.depth -= 1;
    }
  }

  private power(): Node {
    const base = this.primary();
    if (this.peekOp(["^", "**"]) === null) return base;
    const at = this.i;
    this.i += this.text.startsWith("**", this.i) ? 2 : 1;
    return { kind: "binary", op: "^", left: base, right: this.unary(), at };
  }

  private primary(): Node {
    this.skip();
    const at = this.i;
    if (this.i === this.text.length) throw this.error("the expression ends too early: expected a number, a name or (");
    const number = this.match(NUMBER);
    if (number !== null) return { kind: "number", value: Number(number), at };
    const name = this.match(NAME);
    if (name !== null) {
      this.skip();
      if (this.text[this.i] !== "(") return { kind: "name", name, at };
      const open = this.i;
      this.i += 1;
      const args: Node[] = [];
      this.skip();
      if (this.text[this.i] === ")") this.i += 1;
      else {
        for (;;) {
          args.push(this.sum());
          this.skip();
          const c = this.text[this.i];
          this.i += 1;
          if (c === ")") break;
          if (c !== ",") throw this.error(`expected , or ) in the arguments of ${name}( opened at column ${open + 1}`, this.i - 1);
        }
      }
      return { kind: "call", name, args, at };
    }
    if (this.text[this.i] === "(") {
      this.i += 1;
      const inner = this.sum();
      this.skip();
      if (this.text[this.i] !== ")") throw this.error(`expected ) to close the ( at column ${at + 1}`);
      this.i += 1;
      return inner;
    }
    throw this.error(`expected a number, a name or (, got ${this.what()}`);
  }

  /** The operator at the cursor if it is one of ops (not the start of a longer one), else null. */
  private peekOp(ops: readonly string[]): string | null {
    this.skip();
    const op = ops.find((o) => this.text.startsWith(o, this.i)) ?? null;
    if (op === "*" && this.text.startsWith("**", this.i)) return null;
    return op;
  }

  private match(pattern: RegExp): string | null {
    pattern.lastIndex = this.i;
    const m = pattern.exec(this.text);
    if (m === null) return null;
    this.i += m[0].length;
    return m[0];
  }

  private skip(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i += 1;
  }

  /** The token at the cursor, for messages. */
  private what(): string {
    if (this.i >= this.text.length) return "the end of the expression";
    const name = /^[\w.]+/.exec(this.text.slice(this.i));
    return JSON.stringify(name !== null ? name[0] : this.text[this.i]!);
  }

  private error(problem: string, index = this.i): ParseError {
    return new ParseError(problem, this.text, index);
  }
}

function operands(node: Node): readonly Node[] {
  return node.kind === "neg" ? [node.arg] : node.kind === "binary" ? [node.left, node.right] : node.kind === "call" ? node.args : [];
}

/**
 * The tree's nodes, each before its operands, operands left to right. A loop, not recursion: the
 * sum x + x + … + x is a left-deep tree as deep as it is long (10⁵ terms overflowed the stack).
 */
function preOrder(tree: Node): Node[] {
  const order: Node[] = [];
  const stack: Node[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    order.push(node);
    const args = operands(node);
    for (let k = args.length - 1; k >= 0; k--) stack.push(args[k]!);
  }
  return order;
}

/** Names that are neither functions nor constants, in order of first appearance. */
function freeNames(tree: Node): string[] {
  const seen = new Set<string>();
  for (const node of preOrder(tree)) {
    if (node.kind === "name" && !CONSTANTS.has(node.name) && !FUNCTIONS.has(node.name)) seen.add(node.name);
  }
  return [...seen];
}

function checkNames(names: unknown): string[] {
  if (!Array.isArray(names)) throw new TypeError("tapegrad: parse(): names must be an array of strings");
  names.forEach((name: unknown) => {
    if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new Error(`tapegrad: parse(): input name ${JSON.stringify(name)} is not a name (letters, digits, _)`);
    }
    if (FUNCTIONS.has(name)) throw new Error(`tapegrad: parse(): input name ${name} is a function`);
  });
  if (new Set(names).size !== names.length) throw new Error("tapegrad: parse(): input names must be distinct");
  return names as string[];
}

/** Every name resolves and every call has the right number of arguments; errors point at them. */
function checkTree(tree: Node, text: string, inputs: ReadonlySet<string>): void {
  for (const node of preOrder(tree)) {
    if (node.kind === "name") {
      if (inputs.has(node.name) || CONSTANTS.has(node.name)) continue;
      if (FUNCTIONS.has(node.name)) throw new ParseError(`${node.name} is a function: call it, as in ${node.name}(x)`, text, node.at);
      throw new ParseError(`unknown name ${node.name}; the inputs are ${[...inputs].join(", ") || "none"}`, text, node.at);
    }
    if (node.kind === "call") {
      const fn = FUNCTIONS.get(node.name);
      if (fn === undefined) {
        throw new ParseError(`unknown function ${node.name}; the functions are ${PARSE_FUNCTIONS.join(", ")}`, text, node.at);
      }
      if (node.args.length !== fn.arity) {
        const s = fn.arity === 1 ? "" : "s";
        throw new ParseError(`${node.name} takes ${fn.arity} argument${s}, got ${node.args.length}`, text, node.at);
      }
    }
  }
}

/**
 * Records the tree on the active trace, operands before their node and left before right (so
 * the tape's order is the text's). Numbers stay numbers, so x^2 records powc. A loop over the
 * post-order (the pre-order with operands taken right to left, reversed), with a value stack.
 */
function build(tree: Node, inputs: ReadonlyMap<string, Var>): Operand {
  const order: Node[] = [];
  const stack: Node[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    order.push(node);
    stack.push(...operands(node));
  }
  const values: Operand[] = [];
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    const args = values.splice(values.length - operands(node).length);
    values.push(apply(node, args, inputs));
  }
  return values[0]!;
}

function apply(node: Node, args: Operand[], inputs: ReadonlyMap<string, Var>): Operand {
  switch (node.kind) {
    case "number":
      return node.value;
    case "name":
      return inputs.get(node.name) ?? CONSTANTS.get(node.name)!;
    case "neg": {
      const arg = args[0]!;
      return typeof arg === "number" ? -arg : unary(OP.NEG, arg);
    }
    case "binary": {
      const [left, right] = args as [Operand, Operand];
      if (node.op === "^") return power(left, right);
      const code = node.op === "+" ? OP.ADD : node.op === "-" ? OP.SUB : node.op === "*" ? OP.MUL : OP.DIV;
      return binary(code, left, right);
    }
    case "call":
      return FUNCTIONS.get(node.name)!.apply(...args);
  }
}
