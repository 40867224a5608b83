/**
 * Text for pictures without a point: each op as an expression of its operands, and its local
 * partials as formulas, written in the syntax parse() reads (test/show-formulas.test.ts parses
 * every formula and checks it against the op table's da/db — the numbers still come only from
 * ops.ts). Operands are named by the caller: inputs by name, constants by value, ops as v<i>.
 */
import { OP } from "../ops.js";

type Text = (a: string, b: string) => string;

/** Wraps an operand in parentheses unless it is a name or an unsigned number. */
export const atom = (s: string): string => (/^([A-Za-z_]\w*|\d+(\.\d+)?(e[+-]?\d+)?)$/.test(s) ? s : `(${s})`);

const call = (name: string): Text => (a) => `${name}(${a})`;
const call2 = (name: string): Text => (a, b) => `${name}(${a}, ${b})`;

/** How a node reads as an expression of its operands, by op code. */
export const EXPRESSIONS: Readonly<Record<number, Text>> = {
  [OP.ADD]: (a, b) => `${a} + ${b}`,
  [OP.SUB]: (a, b) => `${a} - ${atom(b)}`,
  [OP.MUL]: (a, b) => `${atom(a)} * ${atom(b)}`,
  [OP.DIV]: (a, b) => `${atom(a)} / ${atom(b)}`,
  [OP.POW]: (a, b) => `${atom(a)}^${atom(b)}`,
  [OP.POWC]: (a, b) => `${atom(a)}^${atom(b)}`,
  [OP.NEG]: (a) => `-${atom(a)}`,
  [OP.SIN]: call("sin"), [OP.COS]: call("cos"), [OP.TAN]: call("tan"), [OP.EXP]: call("exp"),
  [OP.LOG]: call("log"), [OP.SQRT]: call("sqrt"), [OP.SQUARE]: call("square"), [OP.TANH]: call("tanh"),
  [OP.SIGMOID]: call("sigmoid"), [OP.RELU]: call("relu"), [OP.ABS]: call("abs"),
  [OP.MIN]: call2("min"), [OP.MAX]: call2("max"),
  [OP.LT]: call2("lt"), [OP.LE]: call2("le"), [OP.GT]: call2("gt"), [OP.GE]: call2("ge"), [OP.EQ]: call2("eq"),
};

/** ∂node/∂a and ∂node/∂b as formulas of the operands, by op code (binary ops have both). */
export const PARTIALS: Readonly<Record<number, readonly [Text, Text?]>> = {
  [OP.ADD]: [() => "1", () => "1"],
  [OP.SUB]: [() => "1", () => "-1"],
  [OP.MUL]: [(_a, b) => b, (a) => a],
  [OP.DIV]: [(_a, b) => `1 / ${atom(b)}`, (a, b) => `-${atom(a)} / ${atom(b)}^2`],
  [OP.POW]: [(a, b) => `${atom(b)} * ${atom(a)}^(${b} - 1)`, (a, b) => `log(${a}) * ${atom(a)}^${atom(b)}`],
  [OP.POWC]: [(a, b) => `${atom(b)} * ${atom(a)}^(${b} - 1)`],
  [OP.NEG]: [() => "-1"],
  [OP.SIN]: [(a) => `cos(${a})`],
  [OP.COS]: [(a) => `-sin(${a})`],
  [OP.TAN]: [(a) => `1 + tan(${a})^2`],
  [OP.EXP]: [(a) => `exp(${a})`],
  [OP.LOG]: [(a) => `1 / ${atom(a)}`],
  [OP.SQRT]: [(a) => `0.5 / sqrt(${a})`],
  [OP.SQUARE]: [(a) => `2 * ${atom(a)}`],
  [OP.TANH]: [(a) => `1 - tanh(${a})^2`],
  [OP.SIGMOID]: [(a) => `sigmoid(${a}) * (1 - sigmoid(${a}))`],
  [OP.RELU]: [(a) => `gt(${a}, 0)`],
  [OP.ABS]: [(a) => `gt(${a}, 0) - lt(${a}, 0)`],
  [OP.MIN]: [(a, b) => `le(${a}, ${b})`, (a, b) => `gt(${a}, ${b})`],
  [OP.MAX]: [(a, b) => `ge(${a}, ${b})`, (a, b) => `lt(${a}, ${b})`],
};

/** The formula of ∂node/∂operand, or a generic ∂ when the op has none listed. */
export function partialFormula(code: number, role: "a" | "b", a: string, b: string): string {
  const rule = PARTIALS[code]?.[role === "a" ? 0 : 1];
  return rule === undefined ? "∂" : rule(a, b);
}
