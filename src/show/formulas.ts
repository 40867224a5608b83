/**
 * Text for pictures without a point: each op as an expression of its operands, and its local
 * partials as formulas — the op table's text, textDa and textDb —, written in the syntax parse() reads (test/show-formulas.test.ts parses
 * every formula and checks it against the op table's da/db — the numbers still come only from
 * ops.ts). Operands are named by the caller: inputs by name, constants by value, ops as v<i>.
 */
import { OPS } from "../ops.js";

type Text = (a: string, b: string) => string;

/** Wraps an operand in parentheses unless it is a name or an unsigned number. */
export const atom = (s: string): string => (/^([A-Za-z_]\w*|\d+(\.\d+)?(e[+-]?\d+)?)$/.test(s) ? s : `(${s})`);

/**
 * A template of the op table (text, textDa, textDb: parse() syntax over operands a and b) with the
 * operands' names put in: parenthesized where they sit inside a larger expression, bare where
 * the template has them alone or as a whole function argument.
 */
function fill(template: string): Text {
  return (a, b) =>
    template.replace(/\b[ab]\b/g, (name, at: number) => {
      const operand = name === "a" ? a : b;
      const before = template.slice(0, at).trimEnd();
      const after = template.slice(at + 1).trimStart();
      const whole = (before === "" || before.endsWith("(") || before.endsWith(",")) &&
        (after === "" || after.startsWith(")") || after.startsWith(","));
      return whole ? operand : atom(operand);
    });
}

const computed = OPS.filter((r) => r.kind === "unary" || r.kind === "binary" || r.kind === "compare");

/** How a node reads as an expression of its operands, by op code. */
export const EXPRESSIONS: Readonly<Record<number, Text>> = Object.fromEntries(computed.map((r) => [r.code, fill(r.text)]));

/** ∂node/∂a and ∂node/∂b as formulas of the operands, by op code (binary ops have both). */
export const PARTIALS: Readonly<Record<number, readonly [Text, Text?]>> = Object.fromEntries(
  computed
    .filter((r) => r.textDa !== "")
    .map((r) => [r.code, r.textDb === "" ? [fill(r.textDa)] : [fill(r.textDa), fill(r.textDb)]]),
);

/** The formula of ∂node/∂operand, or a generic ∂ when the op has none listed. */
export function partialFormula(code: number, role: "a" | "b", a: string, b: string): string {
  const rule = PARTIALS[code]?.[role === "a" ? 0 : 1];
  return rule === undefined ? "∂" : rule(a, b);
}
