/**
 * The code blocks of README.md and docs/*.md, run as pasted (test/docs-snippets.test.ts).
 *
 * Every ```ts and ```js block is a self-contained module: its `import … from "tapegrad"` is
 * pointed at src/index.ts, it is written to .snippets/ (gitignored) and imported. Its printed
 * values are checked against its comments, one convention:
 *
 *   console.log(expr); // → 3.14159
 *
 * compares what that console.log prints with the text after the arrow, up to a " — " that starts
 * a note for the reader (`// → 3.14159 — π, rounded`). For long output the arrow may instead
 * start the comment line right below the console.log (then the whole line is expected, no note).
 * An arrow with nothing after it takes the comment lines below it (`// ` stripped) as the
 * expected text, for output of several lines.
 *
 * Values are printed in a compact form of Node's: numbers as String(x), `Float64Array [1, 2]`,
 * `[1, 2]`, `{ value: 9, grad: Float64Array [-12, -6] }`, strings bare at the top level and
 * quoted inside. Text is compared token by token, whitespace only separating words, numbers and
 * other characters (so `[1,2]` matches `[1, 2]`). Numbers are compared to the digits the comment
 * shows: `7.69e-16` matches anything that rounds to it, a number shown in full must be that
 * double, and an integer (no point, no exponent) must match to a relative 1e-9 (so `0` means 0).
 * A console.log with an arrow must run exactly once.
 *
 * Blocks that do not run (shell, output, JSON) use other fence languages: sh, text, json.
 */

export interface Block {
  file: string;
  /** 1-based line of the opening fence in the file. */
  line: number;
  lang: string;
  code: string;
}

/** The fenced code blocks of a Markdown file (``` fences, possibly indented as in a list). */
export function extractBlocks(markdown: string, file: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) body.push(lines[j++]!.slice(indent));
    if (j === lines.length) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    blocks.push({ file, line: i + 1, lang: open[2]!, code: body.join("\n") + "\n" });
    i = j;
  }
  return blocks;
}

export interface Expectation {
  /** 1-based line of the console.log in the block. */
  line: number;
  text: string;
}

/** The `// →` comments of a block: the expected output of the console.log on each such line. */
export function expectations(code: string): Expectation[] {
  const lines = code.split("\n");
  const out: Expectation[] = [];
  lines.forEach((l, i) => {
    const m = /\/\/ →(.*)$/.exec(l);
    if (m === null) return;
    // The arrow may also start a comment line of its own, right below its console.log; there the
    // whole line is the expected text (no note).
    const own = /^\s*\/\/ →/.test(l);
    let at = i;
    if (own) for (at = i - 1; at >= 0 && /^\s*\/\//.test(lines[at]!); at--);
    if (at < 0 || !lines[at]!.includes("console.log(")) {
      throw new Error(`line ${i + 1}: a "// →" comment that follows no console.log: ${l.trim()}`);
    }
    let text = (own ? m[1]! : m[1]!.split(" — ")[0]!).trim();
    if (text === "") {
      const more: string[] = [];
      for (let j = i + 1; j < lines.length && /^\s*\/\//.test(lines[j]!); j++) more.push(lines[j]!.replace(/^\s*\/\/ ?/, ""));
      if (more.length === 0) throw new Error(`line ${i + 1}: "// →" with nothing after it and no comment lines below`);
      text = more.join("\n");
    }
    out.push({ line: at + 1, text });
  });
  return out;
}

/** Rewrites a block so it runs from .snippets/: "tapegrad" → src/index.ts, console.log → the recorder. */
export function instrument(code: string, indexSpecifier: string): string {
  return code
    .split("\n")
    .map((l, i) => l.replace(/(\bfrom\s+|\bimport\s*\(\s*)(["'])tapegrad\2/g, `$1$2${indexSpecifier}$2`).replace(/\bconsole\.log\(/g, `__snippetLog(${i + 1}, `))
    .join("\n");
}

/** How the checker prints a value: a compact, stable form of what Node's console.log shows. */
export function show(value: unknown, top = true): string {
  if (typeof value === "string") return top ? value : JSON.stringify(value);
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || value === undefined || typeof value === "boolean" || typeof value === "symbol") return String(value);
  if (typeof value === "function") return `[Function ${value.name || "(anonymous)"}]`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return `${value.constructor.name} [${Array.from(value as unknown as ArrayLike<number>, (x) => show(x, false)).join(", ")}]`;
  }
  if (Array.isArray(value)) return `[${value.map((x) => show(x, false)).join(", ")}]`;
  const entries = Object.entries(value as object).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${show(v, false)}`);
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  const name = proto === null || proto === Object.prototype ? "" : `${proto.constructor?.name ?? ""} `;
  return entries.length === 0 ? `${name}{}` : `${name}{ ${entries.join(", ")} }`;
}

const TOKEN = /[A-Za-z_$][\w$]*|-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|\S/g;
const NUMBER = /^-?(?:\d|\.\d)/;

/** Words, numbers and single other characters; whitespace only separates them. */
const tokens = (text: string): string[] => text.match(TOKEN) ?? [];

/**
 * Whether the printed number `actual` shows as the comment's `expected`: an integer (no point, no
 * exponent) to a relative 1e-9, so `0` means 0; otherwise `actual` rounded to the significant
 * digits the comment shows must be the comment's number (`7.69e-16`, `2.000`, and a value shown
 * in full, `-6.283185307179586`, must be that double).
 */
export function numberMatches(expected: string, actual: number): boolean {
  const e = Number(expected);
  if (!/[.e]/i.test(expected)) return Math.abs(actual - e) <= 1e-9 * Math.abs(e);
  const m = /^-?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(expected)!;
  const digits = `${m[1]}${m[2] ?? ""}`.replace(/^0+/, "").length;
  if (digits === 0) return Math.abs(actual) < 0.5 * 10 ** (Number(m[3] ?? 0) - (m[2] ?? "").length); // 0.000
  return Number(actual.toPrecision(Math.min(digits, 100))) === e;
}

/** Undefined if `printed` shows as `expected`, else why not. */
export function mismatch(expected: string, printed: string): string | undefined {
  const want = tokens(expected);
  const got = tokens(printed);
  for (let k = 0; k < Math.max(want.length, got.length); k++) {
    const w = want[k];
    const g = got[k];
    const where = `after "${got.slice(Math.max(0, k - 6), k).join(" ")}"`;
    if (w === undefined) return `printed more than the comment shows, ${where}`;
    if (g === undefined) return `printed less than the comment shows: it ends before "${w}"`;
    if (NUMBER.test(w) && NUMBER.test(g)) {
      if (!numberMatches(w, Number(g))) return `the comment shows ${w}, it printed ${g}`;
    } else if (w !== g) return `the comment shows "${w}", it printed "${g}", ${where}`;
  }
  return undefined;
}
