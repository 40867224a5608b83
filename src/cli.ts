#!/usr/bin/env node
/**
 * The tapegrad command: an expression and a point in, its value and gradient out — or its graph
 * as DOT, or the lecture's sum over paths. `tapegrad --help` lists the options.
 *
 * Errors (a bad expression, a missing value, an unknown option) go to stderr with exit code 1.
 * The build has no Node typings (the library runs in browsers too), so process is typed here.
 */
import { explain, parse, toDot, type Compiled } from "./index.js";

interface Process {
  argv: string[];
  exitCode?: number;
}
const proc = (globalThis as unknown as { process: Process }).process;

const USAGE = `Usage: tapegrad <expression> [options]

Prints the value of the expression and its gradient at a point.

  tapegrad "(x + y) * sin(x)" --at x=pi,y=pi

Expressions: + - * / ^ (or **), unary minus, parentheses, numbers, pi, e, and the functions
sin cos tan exp log sqrt square tanh sigmoid relu abs neg, add sub mul div pow min max,
lt le gt ge eq, select(c, t, f). The inputs are the other names, in order of first appearance.

Options:
  --at x=1,y=2       the point; a value may be an expression: --at x=pi/2
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
  at?: string;
  vars?: string;
  mode: "reverse" | "forward" | "both";
  dot: boolean;
  explain: boolean;
  wrt?: string;
  maxPaths?: number;
  engine: "wasm" | "js";
  help: boolean;
}

const VALUED = ["--at", "--vars", "--mode", "--wrt", "--max-paths", "--engine"];

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { mode: "reverse", dot: false, explain: false, engine: "wasm", help: false };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === "-h" || flag === "--help") args.help = true;
    else if (flag === "--dot") args.dot = true;
    else if (flag === "--explain") args.explain = true;
    else if (VALUED.includes(flag)) {
      let value: string;
      if (flag !== arg) value = arg.slice(eq + 1);
      else {
        if (k + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
        value = argv[++k]!;
      }
      if (flag === "--at") args.at = value;
      else if (flag === "--vars") args.vars = value;
      else if (flag === "--wrt") args.wrt = value;
      else if (flag === "--mode") {
        if (value !== "reverse" && value !== "forward" && value !== "both") {
          throw new UsageError(`--mode must be forward, reverse or both, got ${value}`);
        }
        args.mode = value;
      } else if (flag === "--engine") {
        if (value !== "wasm" && value !== "js") throw new UsageError(`--engine must be wasm or js, got ${value}`);
        args.engine = value;
      } else {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0) throw new UsageError(`--max-paths must be a non-negative integer, got ${value}`);
        args.maxPaths = n;
      }
    } else if (arg.startsWith("--")) throw new UsageError(`unknown option ${flag}`);
    // Anything else is the expression — including one that starts with a minus sign, like -x^2.
    else if (args.expression === undefined) args.expression = arg;
    else throw new UsageError(`one expression at a time: got ${JSON.stringify(args.expression)} and ${JSON.stringify(arg)} (quote the expression)`);
  }
  return args;
}

/** "x=pi,y=2*pi" → { x: π, y: 2π }; values are expressions without inputs. */
function parsePoint(text: string, inputs: readonly string[]): Record<string, number> {
  const point: Record<string, number> = {};
  // Split at commas that start a new name=, so values may hold commas: x=max(1,2),y=3.
  for (const item of text.split(/,(?=\s*[A-Za-z_]\w*\s*=)/)) {
    const eq = item.indexOf("=");
    const name = item.slice(0, eq).trim();
    if (eq < 0 || !/^[A-Za-z_]\w*$/.test(name)) throw new UsageError(`--at takes name=value pairs separated by commas, got ${JSON.stringify(item)}`);
    if (!inputs.includes(name)) throw new UsageError(`--at gives ${name}, which is not an input (inputs: ${inputs.join(", ") || "none"})`);
    const f = parse(item.slice(eq + 1), { names: [], engine: "js" });
    point[name] = f.eval([])[0]!;
  }
  const missing = inputs.filter((name) => !(name in point));
  if (missing.length > 0) throw new UsageError(`no value for ${missing.join(", ")}: pass --at ${inputs.map((n) => `${n}=…`).join(",")}`);
  return point;
}

function run(argv: readonly string[]): void {
  const args = parseArgs(argv);
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
    if (args.at === undefined) {
      print(toDot(f));
      return;
    }
    const at = parsePoint(args.at, inputs);
    const mode = args.mode === "forward" ? "forward" : "reverse";
    print(toDot(f, { at, mode, wrt: mode === "forward" ? args.wrt ?? 0 : undefined }));
    return;
  }
  if (args.at === undefined && inputs.length > 0) {
    throw new UsageError(`no value for ${inputs.join(", ")}: pass --at ${inputs.map((n) => `${n}=…`).join(",")}`);
  }
  const point = parsePoint(args.at ?? "", inputs);
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
