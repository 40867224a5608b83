#!/usr/bin/env node
/**
 * The tapegrad command: an expression and a point in, its value and gradient out — or its graph
 * as DOT, or the lecture's sum over paths. `tapegrad --help` lists the options.
 *
 * Errors (a bad expression, a missing value, an unknown option) go to stderr with exit code 1.
 * The build has no Node typings (the library runs in browsers too), so process and the part of
 * node:util's parseArgs used here are typed here, and node:util is imported dynamically.
 */
import { explain, parse, ParseError, toDot, type Compiled } from "./index.js";

interface Process {
  argv: string[];
  exitCode?: number;
}
const proc = (globalThis as unknown as { process: Process }).process;

/** What node:util's parseArgs returns with { tokens: true }: each argument, in order. */
interface ArgToken {
  kind: "option" | "positional" | "option-terminator";
  /** The index in args of the argument the token came from. */
  index: number;
  name?: string;
  /** The option as written, e.g. "--at" or "-h". */
  rawName?: string;
  value?: string;
  inlineValue?: boolean;
}
interface OptionSpec {
  type: "string" | "boolean";
  multiple?: boolean;
  short?: string;
}
interface NodeUtil {
  parseArgs(config: {
    args: string[];
    options: Record<string, OptionSpec>;
    allowPositionals: boolean;
    strict: boolean;
    tokens: true;
  }): { tokens: ArgToken[] };
}
// A specifier typed as string, so the build (which has no Node typings) does not resolve it.
const NODE_UTIL: string = "node:util";
const { parseArgs: parseNodeArgs } = (await import(NODE_UTIL)) as NodeUtil;

const USAGE = `Usage: tapegrad <expression> [options]

Prints the value of the expression and its gradient at a point.

  tapegrad "(x + y) * sin(x)" --at x=pi,y=pi

Expressions: + - * / ^ (or **), unary minus, parentheses, numbers, pi, e, and the functions
sin cos tan exp log sqrt square tanh sigmoid relu abs neg, add sub mul div pow min max,
lt le gt ge eq, select(c, t, f). The inputs are the other names, in order of first appearance.

Options:
  --at x=1,y=2       the point; a value may be an expression: --at x=pi/2; --at may be
                     repeated (--at x=1 --at y=2), each input given once
  --vars x,y         the inputs and their order (default: as they first appear)
  --mode MODE        reverse (default): one reverse sweep gives the whole gradient;
                     forward: one tangent sweep per input; both: both, side by side
  --dot              print the graph as Graphviz DOT instead (with --at: values, partials
                     and adjoints; with --mode forward: tangents w.r.t. --wrt)
  --explain          print every path from an input to the output, the product of the
                     partials along it, and their sum (needs --at)
  --wrt x            the input for --explain (default: each) and --dot --mode forward
  --max-paths N      --explain refuses more paths than this (default 10000)
  --engine wasm|js   the engine that replays the tape (default wasm)
  -h, --help         this help

Example: tapegrad "x^2 * y" --at x=3,y=2 --dot | dot -Tsvg > graph.svg`;

class UsageError extends Error {}

interface Args {
  expression?: string;
  /** Every --at, in order; their name=value pairs are merged. */
  at: string[];
  vars?: string;
  mode: "reverse" | "forward" | "both";
  dot: boolean;
  explain: boolean;
  wrt?: string;
  maxPaths?: number;
  engine: "wasm" | "js";
  help: boolean;
}

const OPTIONS: Record<string, OptionSpec> = {
  at: { type: "string", multiple: true },
  vars: { type: "string" },
  mode: { type: "string" },
  wrt: { type: "string" },
  "max-paths": { type: "string" },
  engine: { type: "string" },
  dot: { type: "boolean" },
  explain: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

/**
 * The arguments, read by node:util's parseArgs (non-strict, so that the expression may start
 * with a minus sign — -x^2 reads as short options, whose argument is taken back whole — and so
 * that the messages are this CLI's own). A valued option given twice keeps the last, except
 * --at, whose values are merged.
 */
function readArgs(argv: readonly string[]): Args {
  const args: Args = { at: [], mode: "reverse", dot: false, explain: false, engine: "wasm", help: false };
  const { tokens } = parseNodeArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  let shortFrom = -1; // the argument the last short-option token came from: -x^2 gives three
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    let positional: string | undefined;
    if (token.kind === "positional") positional = token.value!;
    else if (!token.rawName!.startsWith("--")) {
      // -h is help; anything else starting with one minus sign is the expression (-x^2, -1).
      if (argv[token.index] === "-h") {
        args.help = true;
        continue;
      }
      if (token.index === shortFrom) continue;
      shortFrom = token.index;
      positional = argv[token.index]!;
    }
    if (positional !== undefined) {
      if (args.expression === undefined) args.expression = positional;
      else throw new UsageError(`one expression at a time: got ${JSON.stringify(args.expression)} and ${JSON.stringify(positional)} (quote the expression)`);
      continue;
    }
    const flag = token.rawName!;
    const spec = OPTIONS[token.name!];
    if (spec === undefined || !Object.hasOwn(OPTIONS, token.name!)) throw new UsageError(`unknown option ${flag}`);
    if (spec.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${flag} takes no value, got ${flag}=${token.value}`);
      if (token.name === "help") args.help = true;
      else if (token.name === "dot") args.dot = true;
      else args.explain = true;
      continue;
    }
    const value = token.value;
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (token.name === "at") args.at.push(value);
    else if (token.name === "vars") args.vars = value;
    else if (token.name === "wrt") args.wrt = value;
    else if (token.name === "mode") {
      if (value !== "reverse" && value !== "forward" && value !== "both") {
        throw new UsageError(`--mode must be forward, reverse or both, got ${value}`);
      }
      args.mode = value;
    } else if (token.name === "engine") {
      if (value !== "wasm" && value !== "js") throw new UsageError(`--engine must be wasm or js, got ${value}`);
      args.engine = value;
    } else {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--max-paths must be a non-negative integer, got ${value}`);
      args.maxPaths = n;
    }
  }
  return args;
}

/**
 * The --at flags → the point: ["x=pi,y=2*pi"] or ["x=pi", "y=2*pi"] → { x: π, y: 2π }. Values
 * are expressions without inputs; each input must be given exactly once over all the flags.
 */
function parsePoint(texts: readonly string[], inputs: readonly string[]): Record<string, number> {
  const point: Record<string, number> = {};
  const given = new Map<string, string>();
  for (const text of texts) {
    // Split at commas that start a new name=, so values may hold commas: x=max(1,2),y=3.
    for (const item of text.split(/,(?=\s*[A-Za-z_]\w*\s*=)/)) {
      const eq = item.indexOf("=");
      const name = item.slice(0, eq).trim();
      if (eq < 0 || !/^[A-Za-z_]\w*$/.test(name)) throw new UsageError(`--at takes name=value pairs separated by commas, got ${JSON.stringify(item)}`);
      if (!inputs.includes(name)) throw new UsageError(`--at gives ${name}, which is not an input (inputs: ${inputs.join(", ") || "none"})`);
      const earlier = given.get(name);
      if (earlier !== undefined) throw new UsageError(`--at gives ${name} twice: ${earlier} and ${item.trim()}`);
      given.set(name, item.trim());
      point[name] = pointValue(name, item.slice(eq + 1));
    }
  }
  const missing = inputs.filter((name) => !given.has(name));
  if (missing.length > 0) throw new UsageError(`no value for ${missing.join(", ")}: pass --at ${inputs.map((n) => `${n}=…`).join(",")}`);
  return point;
}

/** The number an --at value stands for; a value that does not parse says where it came from. */
function pointValue(name: string, text: string): number {
  try {
    return parse(text, { names: [], engine: "js" }).eval([])[0]!;
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    // The value has no inputs: "the inputs are none" would only confuse.
    const problem = error.problem.replace(/; the inputs are none$/, ": a value may use numbers, pi, e and functions, not the inputs");
    const where = error.message.slice(error.message.indexOf("\n"));
    throw new Error(`tapegrad: --at ${name}=${text}: the value of ${name} does not parse: parse error at column ${error.column}: ${problem}${where}`);
  }
}

function run(argv: readonly string[]): void {
  const args = readArgs(argv);
  if (args.help) {
    console.log(USAGE);
    return;
  }
  if (args.expression === undefined) throw new UsageError("no expression given (tapegrad --help shows how)");
  const names = args.vars?.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const f = parse(args.expression, { names, engine: args.engine });
  const inputs = [...f.tape.inputNames];

  if (args.dot && args.explain) throw new UsageError("--dot and --explain each print on their own; pick one");
  // Options that would otherwise be silently ignored: say so rather than print something else.
  if (args.wrt !== undefined && !args.explain && !(args.dot && args.mode === "forward")) {
    throw new UsageError("--wrt applies to --explain and to --dot --mode forward (the gradient shows every input)");
  }
  if (args.maxPaths !== undefined && !args.explain) throw new UsageError("--max-paths applies to --explain");
  if (args.dot) {
    if (args.at.length === 0) {
      print(toDot(f));
      return;
    }
    const at = parsePoint(args.at, inputs);
    const mode = args.mode === "forward" ? "forward" : "reverse";
    print(toDot(f, { at, mode, wrt: mode === "forward" ? args.wrt ?? 0 : undefined }));
    return;
  }
  if (args.at.length === 0 && inputs.length > 0) {
    throw new UsageError(`no value for ${inputs.join(", ")}: pass --at ${inputs.map((n) => `${n}=…`).join(",")}`);
  }
  const point = parsePoint(args.at, inputs);
  const x = inputs.map((name) => point[name]!);
  if (args.explain) {
    if (inputs.length === 0) throw new UsageError("the expression has no inputs: there is nothing to explain");
    const wrts = args.wrt !== undefined ? [args.wrt] : inputs;
    print(wrts.map((wrt) => String(explain(f, { at: x, wrt, maxPaths: args.maxPaths }))).join("\n\n"));
    return;
  }
  printGradient(f, args.expression, inputs, x, args.mode);
}

function printGradient(f: Compiled, expression: string, inputs: string[], x: number[], mode: Args["mode"]): void {
  const lines = [`f(${inputs.join(", ")}) = ${expression}`];
  if (inputs.length > 0) lines.push(`at ${inputs.map((name, i) => `${name} = ${x[i]}`).join(", ")}`);
  const { value, grad } = f.grad(x);
  lines.push(`f = ${value}`);
  if (mode === "reverse" || mode === "both") {
    lines.push("reverse mode (one adjoint sweep from f gives every ∂f/∂input):");
    inputs.forEach((name, i) => lines.push(`  ∂f/∂${name} = ${grad[i]}`));
  }
  if (mode === "forward" || mode === "both") {
    lines.push("forward mode (one tangent sweep per input):");
    inputs.forEach((name, i) => {
      const v = new Float64Array(inputs.length);
      v[i] = 1;
      lines.push(`  ∂f/∂${name} = ${f.jvp(x, v).tangent[0]}`);
    });
  }
  print(lines.join("\n"));
}

function print(text: string): void {
  console.log(text);
}

try {
  run(proc.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(message.startsWith("tapegrad") ? message : `tapegrad: ${message}`);
  if (error instanceof UsageError) console.error("(tapegrad --help lists the options)");
  proc.exitCode = 1;
}
