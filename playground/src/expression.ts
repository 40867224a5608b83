/**
 * The text box's language: parse() syntax, and several outputs separated by ";" — parse() takes
 * one expression, so each part is parsed alone (for its errors and free names) and their tapes
 * are replayed into one compiled function, sharing equal subexpressions: in
 * "(x+y)*z; (x+y)*q" both outputs use the same x + y node, as in the lecture's picture.
 */
import * as api from "tapegrad";
import { compile, OP, OPS, parse, ParseError, type Compiled, type Var } from "tapegrad";

/** A ParseError's message and column in the whole text (1-based). */
export class TextError extends Error {
  constructor(message: string, readonly column: number) {
    super(message);
  }
}

/** Compiles the text; throws TextError on a parse error. */
export function compileText(text: string): Compiled {
  const parts = splitParts(text);
  const parsed = parts.map(({ source, offset }) => {
    try {
      return parse(source);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      // Re-point the column (and the caret) at the whole text.
      const column = offset + error.column;
      const reason = error.message.split("\n")[0]!.replace(/^tapegrad: parse error at column \d+: /, "");
      throw new TextError(`parse error at column ${column}: ${reason}\n  ${text}\n  ${" ".repeat(column - 1)}^`, column);
    }
  });
  if (parsed.length === 1) return parsed[0]!;
  const names: string[] = [];
  for (const f of parsed) for (const name of f.tape.inputNames) if (!names.includes(name)) names.push(name);
  const compiled = compile((xs: Var[]) => {
    const memo = new Map<string, Var | number>();
    return parsed.map((f) => replay(f, f.tape.inputNames.map((name) => xs[names.indexOf(name)]!), memo) as Var);
  }, { inputs: names.length, names });
  parsed.forEach((f) => f.dispose());
  return compiled;
}

/** The parts between top-level ";" with their offsets (parentheses never contain one in parse syntax). */
function splitParts(text: string): { source: string; offset: number }[] {
  const parts: { source: string; offset: number }[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === ";") {
      parts.push({ source: text.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  // A trailing ";" is not an empty output.
  if (parts.length > 1 && parts.at(-1)!.source.trim() === "") parts.pop();
  return parts;
}

type Fn = (...args: (Var | number)[]) => Var;
const functions = api as unknown as Record<string, Fn>;

/** Records f's tape again on `inputs` (f's inputs, in its order), reusing nodes already recorded in `memo`. */
function replay(f: Compiled, inputs: Var[], memo: Map<string, Var | number>): Var | number {
  const { op, a, b, constants, outputs, inputNames } = f.tape;
  const key: string[] = [];
  const val: (Var | number)[] = [];
  for (let i = 0; i < op.length; i++) {
    const code = op[i]!;
    if (code === OP.INPUT) {
      key[i] = `in:${inputNames[i]}`;
      val[i] = inputs[i]!;
      continue;
    }
    if (code === OP.CONST) {
      key[i] = `c:${constants[a[i]!]}`;
      val[i] = constants[a[i]!]!;
      continue;
    }
    if (code === OP.BRANCHES) {
      key[i] = `br(${key[a[i]!]},${key[b[i]!]})`;
      continue;
    }
    const rule = OPS[code]!;
    const unary = rule.kind === "unary";
    key[i] = `${rule.name}(${key[a[i]!]}${unary ? "" : `,${key[b[i]!]}`})`;
    const known = memo.get(key[i]!);
    if (known !== undefined) {
      val[i] = known;
      continue;
    }
    let v: Var;
    if (code === OP.SELECT) v = functions.select!(val[a[i]!]!, val[a[b[i]!]!]!, val[b[b[i]!]!]!);
    else if (code === OP.POWC) v = (val[a[i]!] as Var).pow(val[b[i]!] as number);
    else if (unary) v = functions[rule.name]!(val[a[i]!]!);
    else v = functions[rule.name]!(val[a[i]!]!, val[b[i]!]!);
    memo.set(key[i]!, v);
    val[i] = v;
  }
  return val[outputs[0]!]!;
}
